"""Editing the task list: rules 1–3, who may, leader resolution, versioned edits, delete and reorder."""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.accounts.models import Role
from rectify.audit.models import AuditEvent
from rectify.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from rectify.orgs.models import Person, Post, Tenure
from rectify.rectification import services
from rectify.rectification.models import Responsibility, Task

TODAY = dt.date(2026, 5, 10)
LEADER = [{"kind": "leader", "name": "张书记"}, {"kind": "department", "name": "财务处"},
          {"kind": "person", "name": "李四"}]


@pytest.fixture
def w(world, frozen_today):  # type: ignore[no-untyped-def]
    frozen_today(TODAY)
    return world


def create(w, **kw):  # type: ignore[no-untyped-def]
    args = {"measure": "清退违规津贴", "criterion": "资金全部清退到位", "deadline_kind": "deadline",
            "due_date": dt.date(2026, 7, 1), "responsibilities": LEADER, **kw}
    return services.task_create(actor=kw.pop("actor", w[Role.UNIT_LEAD]), problem_id=w.problem_a.pk,
                                **{k: v for k, v in args.items() if k != "actor"})


def test_create_links_leader_to_tenure_and_keeps_names(w) -> None:
    task = create(w)
    assert task.number == 2 and task.original_due_date == dt.date(2026, 7, 1) and task.version == 1
    leader = Responsibility.objects.get(task=task, kind="leader")
    assert leader.tenure is not None and leader.person.name == "张书记"
    assert Responsibility.objects.get(task=task, kind="department").name == "财务处"
    assert AuditEvent.objects.filter(action="task.created", object_id=str(task.pk)).count() == 1


@pytest.mark.parametrize("kw,field", [({"measure": " "}, "measure"), ({"criterion": ""}, "criterion"),
                                      ({"deadline_kind": "soon"}, "deadline_kind"),
                                      ({"due_date": dt.date(2026, 4, 30)}, "due_date"),
                                      ({"deadline_kind": "long_term", "due_date": None}, "due_date"),
                                      ({"deadline_kind": "immediate", "due_date": dt.date(2026, 12, 1)}, "due_date")])
def test_rules_refuse_bad_fields(w, kw, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as e:
        create(w, **kw)
    assert e.value.status == 422 and e.value.details["field"] == field


def test_immediate_defaults_to_end_of_concentrated_period(w) -> None:
    task = create(w, deadline_kind="immediate", due_date=None)
    assert task.due_date == w.iu_a.rectification_end


@pytest.mark.parametrize("role,error", [(Role.UNIT_MEMBER, PermissionDenied), (Role.INSPECTION_OFFICE, PermissionDenied),
                                        (Role.COMMISSION, PermissionDenied), (Role.ADMIN, PermissionDenied),
                                        ("unit_lead_b", NotFound)])
def test_only_own_unit_lead_may_edit(w, role, error) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error):
        create(w, actor=w[role])


def test_leader_none_or_several_is_422_naming_problem(w) -> None:
    with pytest.raises(DomainError) as e:
        create(w, responsibilities=[{"kind": "leader", "name": "无此人"}])
    assert e.value.status == 422 and e.value.details["problem"] == w.problem_a.pk
    post = Post.objects.create(unit=w.unit_a, title="党组成员、副厅长", areas="财务")
    Tenure.objects.create(person=Person.objects.create(name="张书记", unit=w.unit_a), post=post,
                          start=dt.date(2021, 1, 1))
    with pytest.raises(DomainError) as e:
        create(w)
    assert e.value.details["matches"] == 2


def test_former_leader_does_not_resolve(w) -> None:
    Tenure.objects.filter(person__name="张书记").update(end=TODAY)
    with pytest.raises(DomainError):
        create(w)


def test_stale_update_is_conflict_listing_changes(w) -> None:
    task = create(w)
    services.task_update(actor=w[Role.UNIT_LEAD], task_id=task.pk, expected_version=1, measure="新措施")
    with pytest.raises(Conflict) as e:
        services.task_update(actor=w[Role.UNIT_LEAD], task_id=task.pk, expected_version=1, criterion="x")
    changed = e.value.details["changed"]
    assert [(c["field"], c["before"], c["after"]) for c in changed] == [("measure", "清退违规津贴", "新措施")]
    assert Task.objects.get(pk=task.pk).version == 2


def test_update_of_a_draft_plan_moves_the_deadline_and_audits(w) -> None:
    # Nothing is approved yet, so there is no earlier deadline to measure against: both move together.
    task = create(w)
    updated = services.task_update(actor=w[Role.UNIT_LEAD], task_id=task.pk, expected_version=1,
                                   due_date=dt.date(2026, 7, 20))
    assert updated.version == 2 and updated.due_date == updated.original_due_date == dt.date(2026, 7, 20)
    event = AuditEvent.objects.get(action="task.updated", object_id=str(task.pk))
    assert event.before["due_date"] == "2026-07-01" and event.after["due_date"] == "2026-07-20"


def test_closed_task_is_not_edited(w) -> None:
    Task.objects.filter(pk=w.task_a.pk).update(status="closed")
    with pytest.raises(Conflict):
        services.task_update(actor=w[Role.UNIT_LEAD], task_id=w.task_a.pk, expected_version=1, measure="x")


def test_delete_refused_after_progress_and_allowed_before(w) -> None:
    services.task_add_progress(actor=w[Role.UNIT_LEAD], task_id=w.task_a.pk, text="已召开专题会")
    with pytest.raises(Conflict):
        services.task_delete(actor=w[Role.UNIT_LEAD], task_id=w.task_a.pk, expected_version=2)
    task = create(w)
    services.task_delete(actor=w[Role.UNIT_LEAD], task_id=task.pk, expected_version=1)
    assert not Task.objects.filter(pk=task.pk).exists()


def test_move_reorders_within_problem(w) -> None:
    second, third = create(w), create(w, measure="第三条")
    services.task_move(actor=w[Role.UNIT_LEAD], task_id=third.pk, position=1, expected_version=1)
    order = list(Task.objects.filter(problem=w.problem_a).order_by("number").values_list("pk", flat=True))
    assert order == [third.pk, w.task_a.pk, second.pk]
    with pytest.raises(DomainError):
        services.task_move(actor=w[Role.UNIT_LEAD], task_id=third.pk, position=9, expected_version=2)
    with pytest.raises(Conflict):  # the page showed version 1: someone has moved it since
        services.task_move(actor=w[Role.UNIT_LEAD], task_id=third.pk, position=2, expected_version=1)
