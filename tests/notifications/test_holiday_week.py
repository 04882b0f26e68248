"""Working days come from chinese-calendar: the Mid-autumn and National Day holidays of 2026 (25–27 September,
1–7 October, with Saturday 10 October worked instead) move the admonition's final date and the reviewers'
reminder, which plain weekdays would put a week earlier."""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.core import clock, workdays
from rectify.notifications.models import Alert, AlertKind
from rectify.notifications.services import notify_run
from rectify.rectification import services as rectification_services
from rectify.rectification.models import Task
from tests import factories

pytestmark = pytest.mark.django_db


def test_working_days_follow_the_adjusted_holidays() -> None:
    assert workdays.add_workdays(dt.date(2026, 9, 29), 1) == dt.date(2026, 9, 30)
    assert workdays.add_workdays(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)
    assert workdays.add_workdays(dt.date(2026, 10, 9), 1) == dt.date(2026, 10, 10)  # a Saturday worked
    assert workdays.workdays_between(dt.date(2026, 9, 30), dt.date(2026, 10, 7)) == 0
    assert workdays.add_workdays(dt.date(2099, 12, 30), 1) == dt.date(2099, 12, 31)  # beyond the calendar: weekdays


def test_the_admonition_over_national_day_gives_ten_working_days(people) -> None:  # type: ignore[no-untyped-def]
    due = dt.date(2026, 9, 13)
    Task.objects.filter(pk=people.task.pk).update(due_date=due, original_due_date=due)
    factories.refresh_rollups([people.task.problem_id])
    with clock.frozen(dt.date(2026, 9, 28)):
        notify_run()
    assert not Alert.objects.filter(kind=AlertKind.ADMONITION).exists()
    with clock.frozen(dt.date(2026, 9, 29)):  # red since 14 September, 15 days without an answer
        notify_run()
    letter = Alert.objects.get(kind=AlertKind.ADMONITION)
    # 30 Sep, 8, 9, 10 (Saturday worked), 12–16, 19 October: the tenth working day.
    assert letter.final_date == dt.date(2026, 10, 19)
    assert Alert.objects.get(kind=AlertKind.INTERVIEW).final_date == dt.date(2026, 10, 19)


def test_the_reviewers_reminder_counts_working_days_only(people) -> None:  # type: ignore[no-untyped-def]
    w = people.world
    Task.objects.filter(pk=w.task_b.pk).update(due_date=dt.date(2026, 12, 31), original_due_date=dt.date(2026, 12, 31))
    with clock.frozen(dt.datetime(2026, 9, 29, 2, 0, tzinfo=dt.UTC)):
        rectification_services.close_out_submit(actor=w["unit_lead_b"], task_id=w.task_b.pk,
                                                no_evidence_reason="已召开专题会议")
    reminded_on = None
    day = dt.date(2026, 9, 29)
    while day <= dt.date(2026, 10, 20):
        with clock.frozen(day):
            notify_run()
        if reminded_on is None and Alert.objects.filter(kind=AlertKind.REVIEW_OVERDUE).exists():
            reminded_on = day
        day += dt.timedelta(days=1)
    # 30 Sep, 8, 9, 10, 12 October: five working days, on the 13th calendar day.
    assert reminded_on == dt.date(2026, 10, 12)
    assert Alert.objects.get(kind=AlertKind.REVIEW_OVERDUE).waited == 5
    assert Alert.objects.filter(kind=AlertKind.REVIEW_OVERDUE).count() == 1
