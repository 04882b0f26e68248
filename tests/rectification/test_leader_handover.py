"""Rule 10 / scenario 5: a leader who leaves hands their open tasks over first; the hand-over is recorded
and audited, and the former holder stays in the task's history and among the problem's leaders."""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.accounts.models import Role
from rectify.audit.models import AuditEvent
from rectify.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from rectify.orgs import services as org_services
from rectify.orgs.models import Person, Post, Tenure
from rectify.rectification import selectors
from rectify.rectification.handover_services import leader_handover
from rectify.rectification.models import LeaderHandover, Responsibility, ResponsibilityKind, Task
from tests import factories

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _today(frozen_today):  # type: ignore[no-untyped-def]
    frozen_today(TODAY)


def _leaders(task: Task) -> list[tuple[str, int | None, int | None]]:
    return list(Responsibility.objects.filter(task=task, kind=ResponsibilityKind.LEADER)
                .values_list("name", "tenure_id", "person_id"))


def _end(s, actor_role=Role.UNIT_LEAD) -> Tenure:  # type: ignore[no-untyped-def]
    tenure = Tenure.objects.select_related("person", "post__unit").get(pk=s.secretary.pk)
    return org_services.tenure_end(actor=s.world[actor_role], tenure=tenure, expected_version=None,
                                   end=dt.date(2026, 6, 30))


def test_ending_the_tenure_of_a_leader_of_open_tasks_is_refused_with_their_ids(succession):
    with pytest.raises(Conflict) as exc:
        _end(succession)
    assert exc.value.code == "handover_required" and exc.value.status == 409
    assert exc.value.details == {"tasks": sorted(t.pk for t in succession.open_tasks)}  # submitted counts, closed not
    assert "张书记" in exc.value.message and "8 项" in exc.value.message and "移交" in exc.value.message
    assert Tenure.objects.get(pk=succession.secretary.pk).end is None


def test_handing_over_everything_moves_the_leader_then_the_tenure_ends(succession):
    s = succession
    versions = dict(Task.objects.filter(pk__in=[t.pk for t in s.open_tasks]).values_list("pk", "version"))
    result = leader_handover(actor=s.world[Role.UNIT_LEAD], tenure_id=s.secretary.pk, to_person_id=s.deputy.person_id)
    assert result.task_ids == sorted(t.pk for t in s.open_tasks)
    assert result.to_tenure == s.deputy
    for task in s.open_tasks:
        assert _leaders(task) == [("王副厅长", s.deputy.pk, s.deputy.person_id)]
        assert Task.objects.get(pk=task.pk).version == versions[task.pk] + 1
    assert _leaders(s.closed_task) == [("张书记", s.secretary.pk, s.secretary.person_id)]  # history untouched
    records = LeaderHandover.objects.filter(from_tenure=s.secretary)
    assert sorted(records.values_list("task_id", flat=True)) == result.task_ids
    assert {(r.to_tenure_id, r.handed_over_by_name) for r in records} == {(s.deputy.pk, "lead_a")}
    assert _end(s).end == dt.date(2026, 6, 30)


def test_one_audit_event_records_each_tasks_leader_before_and_after(succession):
    s = succession
    picked = [t.pk for t in s.open_tasks[:2]]
    leader_handover(actor=s.world[Role.INSPECTION_OFFICE], tenure_id=s.secretary.pk,
                    to_person_id=s.deputy.person_id, task_ids=picked, note="工作调动")
    event = AuditEvent.objects.get(action="leader.handed_over")
    assert (event.object_type, event.object_id, event.actor_name) == ("orgs.tenure", str(s.secretary.pk), "office")
    assert event.before == {"tasks": {str(i): {"leader": "张书记", "tenure": s.secretary.pk,
                                               "person": s.secretary.person_id} for i in picked}}
    assert event.after["to_tenure"] == s.deputy.pk and event.after["note"] == "工作调动"
    assert event.after["tasks"] == {str(i): {"leader": "王副厅长", "tenure": s.deputy.pk,
                                             "person": s.deputy.person_id} for i in picked}


def test_handing_over_some_tasks_leaves_the_others_and_the_end_still_blocked(succession):
    s = succession
    picked = [s.open_tasks[0].pk, s.open_tasks[7].pk]
    result = leader_handover(actor=s.world[Role.UNIT_LEAD], tenure_id=s.secretary.pk,
                             to_person_id=s.deputy.person_id, task_ids=picked)
    assert result.task_ids == sorted(picked)
    with pytest.raises(Conflict) as exc:
        _end(s)
    assert exc.value.details == {"tasks": sorted(t.pk for t in s.open_tasks[1:7])}
    leader_handover(actor=s.world[Role.UNIT_LEAD], tenure_id=s.secretary.pk, to_person_id=s.deputy.person_id)
    assert _end(s).end == dt.date(2026, 6, 30)


def test_a_task_already_naming_the_successor_drops_the_old_entry_instead_of_a_duplicate(succession):
    s = succession
    task = s.open_tasks[0]
    Responsibility.objects.create(task=task, kind=ResponsibilityKind.LEADER, name="王副厅长", is_lead=False,
                                  tenure=s.deputy, person=s.deputy.person)
    leader_handover(actor=s.world[Role.UNIT_LEAD], tenure_id=s.secretary.pk, to_person_id=s.deputy.person_id,
                    task_ids=[task.pk])
    assert _leaders(task) == [("王副厅长", s.deputy.pk, s.deputy.person_id)]
    assert LeaderHandover.objects.filter(task=task, from_tenure=s.secretary, to_tenure=s.deputy).count() == 1


@pytest.mark.parametrize("case", ["other_unit", "departing", "no_post", "former_member"])
def test_the_successor_must_be_a_current_leadership_member_of_the_unit(succession, case):
    s = succession
    if case == "other_unit":
        person = Person.objects.create(name="赵外单位", unit=s.world.unit_b)
        expected = "本单位"
    elif case == "departing":
        person = s.secretary.person
        expected = "本人"
    elif case == "no_post":
        person = s.newcomer
        expected = "请先在班子名单中为其任职"
    else:
        person = factories.leadership_tenure(unit=s.world.unit_a, name="钱离任", title="党组成员、副厅长",
                                             end=dt.date(2026, 1, 1)).person
        expected = "请先在班子名单中为其任职"
    with pytest.raises(DomainError) as exc:
        leader_handover(actor=s.world[Role.UNIT_LEAD], tenure_id=s.secretary.pk, to_person_id=person.pk)
    assert exc.value.status == 422 and exc.value.details["field"] == "to_person"
    assert expected in exc.value.message
    assert not LeaderHandover.objects.exists()


def test_tasks_not_led_by_the_tenure_are_named_and_nothing_moves(succession):
    s = succession
    wrong = [s.closed_task.pk, s.world.task_b.pk]
    with pytest.raises(DomainError) as exc:
        leader_handover(actor=s.world[Role.UNIT_LEAD], tenure_id=s.secretary.pk, to_person_id=s.deputy.person_id,
                        task_ids=[s.open_tasks[0].pk, *wrong])
    assert exc.value.status == 422
    assert exc.value.details == {"field": "tasks", "tasks": sorted(wrong)}
    assert all(f"#{i}" in exc.value.message for i in wrong)
    assert _leaders(s.open_tasks[0]) == [("张书记", s.secretary.pk, s.secretary.person_id)]
    with pytest.raises(DomainError) as exc:
        leader_handover(actor=s.world[Role.UNIT_LEAD], tenure_id=s.secretary.pk, to_person_id=s.deputy.person_id,
                        task_ids=[])
    assert exc.value.details["field"] == "tasks"


def _seat(person: Person, title: str, *, sort_order: int, principal: bool = False,
          start: dt.date = dt.date(2026, 6, 1)) -> Tenure:
    post = Post.objects.create(unit=person.unit, title=title, sort_order=sort_order, is_principal=principal)
    return Tenure.objects.create(person=person, post=post, start=start)


def test_a_successor_with_several_seats_takes_the_departing_post_first(succession):
    s = succession
    Tenure.objects.filter(pk=s.deputy.pk).update(end=dt.date(2026, 6, 1))  # left before hand-overs existed
    factories.led_task(prob=s.world.problem_a, tenure=s.deputy)
    other = _seat(s.newcomer, "机关党委书记", sort_order=0)
    same = Tenure.objects.create(person=s.newcomer, post=s.deputy.post, start=dt.date(2026, 6, 1))
    result = leader_handover(actor=s.world[Role.UNIT_LEAD], tenure_id=s.deputy.pk, to_person_id=s.newcomer.pk)
    assert result.to_tenure == same != other


def test_a_successor_with_several_seats_takes_the_principal_one_before_the_post_order(succession):
    s = succession
    factories.led_task(prob=s.world.problem_a, tenure=s.deputy)
    Post.objects.filter(pk=s.secretary.post_id).update(sort_order=9)
    _seat(s.secretary.person, "机关党委书记", sort_order=1)
    result = leader_handover(actor=s.world[Role.UNIT_LEAD], tenure_id=s.deputy.pk,
                             to_person_id=s.secretary.person_id)
    assert result.to_tenure == s.secretary


def test_a_successor_with_several_other_seats_takes_the_first_in_post_order(succession):
    s = succession
    later = _seat(s.newcomer, "党组成员、副厅长（二）", sort_order=7)
    first = _seat(s.newcomer, "机关党委书记", sort_order=3)
    result = leader_handover(actor=s.world[Role.UNIT_LEAD], tenure_id=s.secretary.pk, to_person_id=s.newcomer.pk,
                             task_ids=[s.open_tasks[0].pk])
    assert result.to_tenure == first != later


@pytest.mark.parametrize("who", ["unit_lead_b", Role.UNIT_MEMBER, Role.COMMISSION, Role.LEADER])
def test_only_roster_maintainers_of_the_unit_hand_over(succession, who):
    s = succession
    expected = NotFound if who == "unit_lead_b" else PermissionDenied
    with pytest.raises(expected):
        leader_handover(actor=s.world[who], tenure_id=s.secretary.pk, to_person_id=s.deputy.person_id)
    assert not LeaderHandover.objects.exists()


def test_admin_hands_over(succession):
    s = succession
    result = leader_handover(actor=s.world[Role.ADMIN], tenure_id=s.secretary.pk, to_person_id=s.deputy.person_id)
    assert len(result.task_ids) == 8


def test_the_former_leader_stays_in_the_task_timeline(succession):
    s = succession
    leader_handover(actor=s.world[Role.UNIT_LEAD], tenure_id=s.secretary.pk, to_person_id=s.deputy.person_id)
    _end(s)
    task = selectors.task_get_for(user=s.world[Role.UNIT_MEMBER], task_id=s.open_tasks[0].pk)
    history = selectors.task_history(task=task)
    entry = next(e for e in history.timeline if e["kind"] == "handover")
    assert entry["text"] == "责任领导由张书记移交给王副厅长" and entry["actor"] == "lead_a"
    assert [(h.from_tenure_id, h.to_tenure_id) for h in history.handovers] == [(s.secretary.pk, s.deputy.pk)]


def test_a_former_member_in_charge_stays_named_after_handing_over(succession):
    """Named on the list (not by areas): after the hand-over their name is gone from the list, but the
    hand-over record keeps them among the members in charge of the period."""
    s = succession
    from rectify.inspections.models import Problem

    Problem.objects.filter(pk=s.world.problem_b.pk).update(occurred_from=dt.date(2023, 1, 1),
                                                           occurred_to=dt.date(2023, 6, 30))
    member = factories.leadership_tenure(unit=s.world.unit_b, name="周副厅长", title="党组成员、副厅长",
                                         areas="机关党委", start=dt.date(2021, 1, 1))
    task = factories.led_task(prob=s.world.problem_b, tenure=member)
    successor = factories.leadership_tenure(unit=s.world.unit_b, name="吴副厅长", title="党组成员、副厅长（二）",
                                            start=dt.date(2026, 3, 1))
    office = s.world[Role.INSPECTION_OFFICE]

    def members() -> set[str]:
        problem = selectors.problem_get_for(user=office, problem_id=s.world.problem_b.pk)
        return {leader.name for leader in selectors.problem_leaders_of_period(problem=problem)
                if leader.role == "in_charge"}

    assert members() == {"周副厅长"}
    leader_handover(actor=office, tenure_id=member.pk, to_person_id=successor.person_id)
    assert _leaders(task) == [("吴副厅长", successor.pk, successor.person_id)]
    assert members() == {"周副厅长"}
