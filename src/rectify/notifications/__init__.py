"""Notifications: the escalation ladder's letters and the review queue's reminders, told to the people who must
act — an in-app inbox, one e-mail digest per person per day, and WeCom/DingTalk group-robot webhooks.

``rectify notify`` (and the daily run in ``serve``'s worker) derives what is newly due, yellow, overdue,
escalated, awaiting review or returned from the stored facts, records each event once (``Alert``, keyed), gives
each recipient an inbox item (``Notification``) and sends the digests after the transaction commits. The app sits
beside supervision: it reads rectification, inspections, orgs and accounts, and nothing reads it back.
"""
