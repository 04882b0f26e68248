"""The rectification plan (整改方案): rule 1 before submission, review by the office or the commission,
the history kept, the task list frozen under review, and the deadlines fixed on approval (scenario 1)."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from rectify.accounts.models import Role
from rectify.audit.models import AuditEvent
from rectify.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from rectify.rectification import plan_services, selectors, services
from rectify.rectification.models import PlanEvent, PlanState, RectificationPlan, Task

TODAY = dt.date(2026, 5, 10)
COMPLETE = [{"kind": "leader", "name": "张书记"}, {"kind": "department", "name": "财务处"},
            {"kind": "person", "name": "李四"}]


@pytest.fixture
def w(world, frozen_today):  # type: ignore[no-untyped-def]
    frozen_today(TODAY)
    return world


def complete_the_lists(w) -> None:  # type: ignore[no-untyped-def]
    """The factory's task names a leader who is not on the roster: link it to the secretary in post."""
    task = Task.objects.get(pk=w.task_a.pk)
    services.task_update(actor=w[Role.UNIT_LEAD], task_id=task.pk, expected_version=task.version,
                         responsibilities=COMPLETE)


def submit(w, **kw):  # type: ignore[no-untyped-def]
    return plan_services.plan_submit(actor=kw.pop("actor", w[Role.UNIT_LEAD]), round_code=w.round.code,
                                     unit_code=w.unit_a.code, **kw)


def state(w) -> str:  # type: ignore[no-untyped-def]
    return selectors.plan_state_of(inspected_unit_id=w.iu_a.pk)


def test_a_unit_without_a_plan_is_drafting_and_gaps_name_what_rule_1_misses(w) -> None:
    assert state(w) == PlanState.DRAFT
    gaps = selectors.plan_gaps(inspected_unit=w.iu_a)
    # 王副厅长 is written on the list but holds no post in the unit: not a leadership member's tenure.
    assert gaps.counts["leader_unlinked"] == 1 and not gaps.complete
    assert [t.pk for t in gaps.tasks] == [w.task_a.pk]
    services.task_create(actor=w[Role.UNIT_LEAD], problem_id=w.problem_a.pk, measure="建立台账", criterion="台账建立",
                         deadline_kind="deadline", due_date=dt.date(2026, 7, 1),
                         responsibilities=[{"kind": "leader", "name": "张书记"}])
    gaps = selectors.plan_gaps(inspected_unit=w.iu_a)
    assert gaps.counts["no_department"] == 1 and gaps.counts["no_person"] == 1


def test_submission_is_refused_while_anything_is_missing_and_says_what(w) -> None:
    with pytest.raises(DomainError) as e:
        submit(w)
    assert e.value.status == 422 and e.value.code == "plan_incomplete"
    assert e.value.details["gaps"]["leader_unlinked"] == 1 and "责任领导" in e.value.message
    assert state(w) == PlanState.DRAFT and not PlanEvent.objects.exists()


def test_a_problem_without_a_task_blocks_submission(w) -> None:
    complete_the_lists(w)
    from tests import factories

    bare = factories.problem(iu=w.iu_a, description="三重一大决策程序不规范")
    with pytest.raises(DomainError) as e:
        submit(w)
    assert e.value.details["gaps"]["no_tasks"] == 1 and e.value.details["problems"] == [bare.pk]


def test_scenario_1_returned_once_then_approved_with_the_history_kept(w) -> None:
    complete_the_lists(w)
    submit(w, expected_version=0)
    assert state(w) == PlanState.SUBMITTED
    with pytest.raises(DomainError) as e:  # returning needs a reason the unit can act on
        plan_services.plan_return(actor=w[Role.INSPECTION_OFFICE], round_code=w.round.code,
                                  unit_code=w.unit_a.code, reason="  ")
    assert e.value.details["field"] == "reason"
    plan_services.plan_return(actor=w[Role.INSPECTION_OFFICE], round_code=w.round.code, unit_code=w.unit_a.code,
                              reason="完成标准不可量化，请逐条明确。")
    assert state(w) == PlanState.RETURNED
    task = Task.objects.get(pk=w.task_a.pk)  # the unit revises its lists, then submits again
    services.task_update(actor=w[Role.UNIT_LEAD], task_id=task.pk, expected_version=task.version,
                         criterion="违规发放的 12.6 万元全部清退并取得银行回单")
    submit(w)
    plan_services.plan_approve(actor=w[Role.COMMISSION], round_code=w.round.code, unit_code=w.unit_a.code,
                               comment="同意")
    view = selectors.plan_get_for(user=w[Role.UNIT_LEAD], round_code=w.round.code, unit_code=w.unit_a.code)
    assert view.state == PlanState.APPROVED and view.plan.approved_at is not None
    assert [(e.action, e.actor_name, e.comment) for e in view.history] == [
        ("submitted", "lead_a", ""), ("returned", "office", "完成标准不可量化，请逐条明确。"),
        ("submitted", "lead_a", ""), ("approved", "commission", "同意")]
    assert [e.tasks for e in view.history] == [1, 1, 1, 1]
    actions = list(AuditEvent.objects.filter(action__startswith="plan.").values_list("action", flat=True))
    assert actions == ["plan.submitted", "plan.returned", "plan.submitted", "plan.approved"]


def test_under_review_the_task_list_is_frozen_but_progress_goes_on(w) -> None:
    complete_the_lists(w)
    submit(w)
    task = Task.objects.get(pk=w.task_a.pk)
    edits = [
        lambda: services.task_update(actor=w[Role.UNIT_LEAD], task_id=task.pk, expected_version=task.version,
                                     measure="改写"),
        lambda: services.task_create(actor=w[Role.UNIT_LEAD], problem_id=w.problem_a.pk, measure="新增",
                                     criterion="标准", deadline_kind="deadline", due_date=dt.date(2026, 7, 1)),
        lambda: services.task_delete(actor=w[Role.UNIT_LEAD], task_id=task.pk, expected_version=task.version),
        lambda: services.task_move(actor=w[Role.UNIT_LEAD], task_id=task.pk, position=1,
                                   expected_version=task.version),
    ]
    for edit in edits:
        with pytest.raises(Conflict) as e:
            edit()
        assert e.value.code == "plan_under_review"
    services.task_add_progress(actor=w[Role.UNIT_MEMBER], task_id=task.pk, text="已召开专题会议部署整改")


def test_approval_fixes_every_deadline_as_the_original_one(w) -> None:
    complete_the_lists(w)
    task = Task.objects.get(pk=w.task_a.pk)
    services.task_update(actor=w[Role.UNIT_LEAD], task_id=task.pk, expected_version=task.version,
                         due_date=dt.date(2026, 7, 15))
    Task.objects.filter(pk=task.pk).update(original_due_date=dt.date(2026, 6, 1))  # an older record, say
    submit(w)
    plan_services.plan_approve(actor=w[Role.INSPECTION_OFFICE], round_code=w.round.code, unit_code=w.unit_a.code)
    task.refresh_from_db()
    assert task.due_date == task.original_due_date == dt.date(2026, 7, 15)


def test_after_approval_deadlines_need_a_change_request_but_measures_do_not(w) -> None:
    complete_the_lists(w)
    submit(w)
    plan_services.plan_approve(actor=w[Role.INSPECTION_OFFICE], round_code=w.round.code, unit_code=w.unit_a.code)
    task = Task.objects.get(pk=w.task_a.pk)
    lead = w[Role.UNIT_LEAD]
    for change in ({"due_date": dt.date(2026, 8, 31)}, {"deadline_kind": "immediate"}):
        with pytest.raises(Conflict) as e:
            services.task_update(actor=lead, task_id=task.pk, expected_version=task.version, **change)
        assert e.value.code == "change_request_required"
    updated = services.task_update(actor=lead, task_id=task.pk, expected_version=task.version,
                                   measure="清退违规津贴并建立发放审批制度")
    assert updated.measure.startswith("清退违规津贴并")
    with pytest.raises(Conflict) as e:
        services.task_delete(actor=lead, task_id=task.pk, expected_version=updated.version)
    assert e.value.code == "plan_approved"
    added = services.task_create(actor=lead, problem_id=w.problem_a.pk, measure="开展专项检查", criterion="检查全覆盖",
                                 deadline_kind="deadline", due_date=dt.date(2026, 7, 20), responsibilities=COMPLETE)
    assert added.original_due_date == dt.date(2026, 7, 20)


@pytest.mark.parametrize("role,error", [(Role.UNIT_MEMBER, PermissionDenied), (Role.INSPECTION_OFFICE, PermissionDenied),
                                        ("unit_lead_b", NotFound)])
def test_only_the_units_own_lead_submits(w, role, error) -> None:  # type: ignore[no-untyped-def]
    complete_the_lists(w)
    with pytest.raises(error):
        submit(w, actor=w[role])


@pytest.mark.parametrize("role", [Role.UNIT_LEAD, Role.LEADER, Role.ADMIN])
def test_only_the_office_or_the_commission_reviews(w, role) -> None:  # type: ignore[no-untyped-def]
    complete_the_lists(w)
    submit(w)
    with pytest.raises(PermissionDenied):
        plan_services.plan_approve(actor=w[role], round_code=w.round.code, unit_code=w.unit_a.code)
    assert state(w) == PlanState.SUBMITTED


def test_a_stale_page_cannot_approve_twice_or_after_a_return(w) -> None:
    complete_the_lists(w)
    submit(w)
    seen = RectificationPlan.objects.get(inspected_unit=w.iu_a).version
    plan_services.plan_return(actor=w[Role.COMMISSION], round_code=w.round.code, unit_code=w.unit_a.code,
                              reason="请补充阶段目标", expected_version=seen)
    with pytest.raises(Conflict):
        plan_services.plan_approve(actor=w[Role.INSPECTION_OFFICE], round_code=w.round.code, unit_code=w.unit_a.code,
                                   expected_version=seen)
    with pytest.raises(Conflict) as e:  # not submitted any more
        plan_services.plan_approve(actor=w[Role.INSPECTION_OFFICE], round_code=w.round.code, unit_code=w.unit_a.code)
    assert e.value.code == "plan_not_submitted"


def test_gaps_ignore_tasks_that_can_no_longer_be_edited(w) -> None:
    rect = services
    rect.evidence_upload(actor=w[Role.UNIT_MEMBER], task_id=w.task_a.pk, file=io.BytesIO(b"%PDF-1.4 proof"), name="a.pdf")
    rect.close_out_submit(actor=w[Role.UNIT_LEAD], task_id=w.task_a.pk)
    assert selectors.plan_gaps(inspected_unit=w.iu_a).complete


def test_round_plans_show_each_units_state_and_gaps_in_constant_queries(w, django_assert_max_num_queries) -> None:
    complete_the_lists(w)
    submit(w)
    with django_assert_max_num_queries(4):
        rows = {r.inspected_unit.unit.code: r for r in selectors.round_plans_for(user=w[Role.INSPECTION_OFFICE],
                                                                                round=w.round)}
    assert rows["EDU"].state == PlanState.SUBMITTED and rows["EDU"].gap_total == 0 and rows["EDU"].tasks == 1
    assert rows["FIN"].state == PlanState.DRAFT and rows["FIN"].gaps["leader_unlinked"] == 1
