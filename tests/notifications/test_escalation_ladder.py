"""Scenario 2 day by day: a task due on D+60 gets a notice on D+40 (the responsible person), yellow on D+50 (the
leader in charge as well), red on D+61 (the unit lead and the principal as well), and 15 days later, still
unanswered, an admonition letter with a new final date in working days and an interview proposal to the office.
Every step is told once; a task submitted for close-out leaves the ladder and goes to the reviewers."""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.core import clock
from rectify.notifications.models import Alert, AlertKind, LadderSettings, Notification, RecipientRole
from rectify.notifications.services import notify_run
from rectify.rectification import services as rectification_services
from rectify.rectification.models import Evidence, TaskStatus
from tests.notifications.conftest import DUE, FEEDBACK

pytestmark = pytest.mark.django_db


def day(n: int) -> dt.date:
    return FEEDBACK + dt.timedelta(days=n)


def told(kind: str) -> dict[str, str]:
    """Username → why, for the inbox items of one kind."""
    return {n.user.username: n.role for n in
            Notification.objects.filter(alert__kind=kind, delivered_at__isnull=False).select_related("user")}


def run_on(n: int):  # type: ignore[no-untyped-def]
    with clock.frozen(day(n)):
        return notify_run()


def test_scenario_2_day_by_day(people) -> None:  # type: ignore[no-untyped-def]
    p = people
    ladder_alerts = Alert.objects.filter(task=p.task)
    for n in range(0, 40):  # nothing to say before the notice day
        run_on(n)
    assert not ladder_alerts.exists()

    result = run_on(40)  # D+40: 20 days left
    assert result.notifications == 1
    assert told(AlertKind.NOTICE) == {p.person.username: RecipientRole.PERSON}
    for n in range(41, 50):
        assert run_on(n).notifications == 0  # idempotent: nothing new until the next step

    run_on(50)  # D+50: 10 days left, yellow
    assert told(AlertKind.YELLOW) == {p.person.username: RecipientRole.PERSON,
                                      p.leader.username: RecipientRole.LEADER}
    for n in range(51, 61):  # D+60 is the deadline itself: still yellow, not yet overdue
        assert run_on(n).notifications == 0

    run_on(61)  # D+61: overdue, red
    assert told(AlertKind.RED) == {p.person.username: RecipientRole.PERSON, p.leader.username: RecipientRole.LEADER,
                                   p.lead.username: RecipientRole.UNIT_LEAD,
                                   p.principal.username: RecipientRole.PRINCIPAL}
    assert p.world["unit_lead_b"].username not in told(AlertKind.RED)  # another unit's lead is not told
    for n in range(62, 76):  # 15 days of silence
        assert run_on(n).notifications == 0

    run_on(76)  # still unanswered 15 days after the red letter
    admonition = Alert.objects.get(task=p.task, kind=AlertKind.ADMONITION)
    assert set(told(AlertKind.ADMONITION)) == {p.person.username, p.leader.username, p.lead.username,
                                               p.principal.username}
    assert told(AlertKind.INTERVIEW) == {p.office.username: RecipientRole.OFFICE}
    assert admonition.final_date is not None and admonition.final_date > day(76)
    assert admonition.waited == 16
    assert [(a.day, a.kind) for a in ladder_alerts.order_by("day", "kind")] == [
        (day(40), AlertKind.NOTICE), (day(50), AlertKind.YELLOW), (day(61), AlertKind.RED),
        (day(76), AlertKind.ADMONITION), (day(76), AlertKind.INTERVIEW)]
    assert Alert.objects.filter(kind=AlertKind.INTERVIEW).count() == 1
    assert run_on(77).notifications == 0
    assert run_on(120).notifications == 0  # the ladder ends with the letter; later steps belong to supervision


def test_one_interview_proposal_per_unit_and_day(people) -> None:  # type: ignore[no-untyped-def]
    from tests import factories

    for _ in range(3):
        factories.task(prob=people.world.problem_a, due=DUE)
    run_on(76)
    assert Alert.objects.filter(kind=AlertKind.ADMONITION).count() == 4
    interview = Alert.objects.get(kind=AlertKind.INTERVIEW)
    assert interview.detail == "4" and interview.task_id is None
    assert Notification.objects.filter(alert=interview).count() == 1  # the office's one user


def test_first_run_tells_the_current_stage_only(people) -> None:  # type: ignore[no-untyped-def]
    run_on(65)  # first run after start-up, the task already overdue
    assert list(Alert.objects.filter(task=people.task).values_list("kind", flat=True)) == [AlertKind.RED]


def test_an_extension_starts_the_ladder_again(people) -> None:  # type: ignore[no-untyped-def]
    run_on(61)
    new_due = DUE + dt.timedelta(days=30)
    type(people.task).objects.filter(pk=people.task.pk).update(due_date=new_due)
    assert run_on(62).notifications == 0  # 29 days left: not yet the notice
    run_on(70)  # 20 days before the new deadline
    assert Alert.objects.filter(task=people.task, kind=AlertKind.NOTICE, due_date=new_due).exists()


def test_the_rounds_own_numbers(people) -> None:  # type: ignore[no-untyped-def]
    rnd = people.world.round
    rnd.notice_days, rnd.yellow_days = 30, 5
    rnd.save(update_fields=["notice_days", "yellow_days"])
    LadderSettings.objects.create(round=rnd, admonition_days=5, final_working_days=3)
    run_on(30)
    assert told(AlertKind.NOTICE)
    run_on(54)
    assert not told(AlertKind.YELLOW)
    run_on(55)
    assert told(AlertKind.YELLOW)
    run_on(65)  # red since D+61: four days later
    assert not Alert.objects.filter(kind=AlertKind.ADMONITION).exists()
    run_on(66)  # five days after the red letter, still unanswered
    assert Alert.objects.filter(kind=AlertKind.ADMONITION).exists()


def test_a_task_submitted_for_close_out_leaves_the_ladder(people, settings) -> None:  # type: ignore[no-untyped-def]
    p = people
    run_on(50)
    with clock.frozen(day(55)):
        rectification_services.close_out_submit(actor=p.lead, task_id=p.task.pk, no_evidence_reason="会议纪要已归档")
    run_on(55)
    assert set(told(AlertKind.AWAITING_REVIEW)) == {p.office.username, p.commission.username}
    for n in range(56, 90):
        run_on(n)
    assert not Alert.objects.filter(task=p.task, kind__in=[AlertKind.RED, AlertKind.ADMONITION]).exists()
    review_late = Alert.objects.get(task=p.task, kind=AlertKind.REVIEW_OVERDUE)
    assert review_late.waited == 5  # five working days (defaults), told once


def test_a_returned_close_out_tells_the_unit_the_reason(people) -> None:  # type: ignore[no-untyped-def]
    p = people
    with clock.frozen(day(20)):
        close_out = rectification_services.close_out_submit(actor=p.lead, task_id=p.task.pk,
                                                            no_evidence_reason="制度已印发")
        rectification_services.close_out_return(actor=p.office, close_out_id=close_out.pk,
                                                reason="只有新制度文件，未见执行情况的证明")
    result = run_on(20)
    assert told(AlertKind.RETURNED) == {p.lead.username: RecipientRole.UNIT_LEAD,
                                        p.person.username: RecipientRole.PERSON}
    alert = Alert.objects.get(kind=AlertKind.RETURNED)
    assert alert.detail == "只有新制度文件，未见执行情况的证明"
    assert result.notifications >= 2
    assert run_on(20).notifications == 0
    p.task.refresh_from_db()
    assert p.task.status == TaskStatus.IN_PROGRESS
    assert not Evidence.objects.exists()


def test_users_without_a_roster_link_are_not_guessed(people) -> None:  # type: ignore[no-untyped-def]
    from rectify.notifications.models import Preference

    Preference.objects.filter(user=people.person).update(person=None)
    run_on(40)
    assert told(AlertKind.NOTICE) == {}  # the notice exists, no account is the responsible person
    assert Alert.objects.filter(kind=AlertKind.NOTICE).count() == 1
