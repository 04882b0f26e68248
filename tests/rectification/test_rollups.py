"""The read model (issue 9): rollups kept by every service always equal a full recomputation from the source
rows, whatever sequence of changes users make; a difference is found and named; a rebuild repairs it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rectify import cli
from rectify.accounts.models import Role
from rectify.core import clock
from rectify.core.errors import DomainError
from rectify.inspections import services as inspection_services
from rectify.inspections.models import InspectedUnit, Problem, ProblemCategory, ProblemCount
from rectify.rectification import plan_services, rollups, selectors, services
from rectify.rectification.models import (
    CloseOut,
    CloseOutState,
    ProblemRollup,
    RectificationPlan,
    Task,
    TaskStatus,
    UnitDueCount,
    UnitRollup,
)
from tests import factories

TODAY = dt.date(2026, 6, 20)
RESPONSIBLE = [{"kind": "leader", "name": "张书记"}, {"kind": "department", "name": "财务处"},
               {"kind": "person", "name": "李四"}]


def _pdf(n: int) -> io.BytesIO:
    return io.BytesIO(f"%PDF-1.4 evidence {n}".encode())


# Each action is (name, task index, integer argument); a refused one (DomainError) is part of real use.
ACTIONS = st.lists(st.tuples(
    st.sampled_from(["create", "progress", "evidence", "submit", "approve", "return", "reopen", "move_due",
                     "kind", "delete", "approve_plan", "extend", "new_problem", "category"]),
    st.integers(min_value=0, max_value=7), st.integers(min_value=-40, max_value=120)), max_size=14)


def _run(w, action: str, index: int, n: int) -> None:  # type: ignore[no-untyped-def]
    tasks = list(Task.objects.filter(problem__inspected_unit=w.iu_a).order_by("pk"))
    task = tasks[index % len(tasks)] if tasks else None
    lead, member, office = w[Role.UNIT_LEAD], w[Role.UNIT_MEMBER], w[Role.INSPECTION_OFFICE]
    due = TODAY + dt.timedelta(days=n)
    if action == "create":
        problems = list(w.iu_a.problems.order_by("pk"))
        services.task_create(actor=lead, problem_id=problems[index % len(problems)].pk, measure="措施",
                             criterion="标准", deadline_kind="deadline", due_date=due, responsibilities=RESPONSIBLE)
    elif action == "new_problem":  # fed back by the office, or self-found by the unit: counted on the unit
        if n % 2:
            inspection_services.problem_create(actor=office, inspected_unit=w.iu_a, description=f"问题{n}")
        else:
            inspection_services.problem_create(actor=lead, inspected_unit=w.iu_a, description=f"自查问题{n}",
                                               kind="self_found")
    elif action == "category":  # the rollups carry the problem's category
        problems = list(w.iu_a.problems.order_by("pk"))
        problem = problems[index % len(problems)]
        plan_services.problem_edit(actor=office, problem_id=problem.pk, expected_version=problem.version,
                                   category=["2.1", "3.2", None][n % 3])
    elif task is None:
        return
    elif action == "progress":
        services.task_add_progress(actor=member, task_id=task.pk, text=f"进展{n}")
    elif action == "evidence":
        services.evidence_upload(actor=member, task_id=task.pk, file=_pdf(n), name=f"{n}.pdf")
    elif action == "submit":
        services.close_out_submit(actor=lead, task_id=task.pk, no_evidence_reason="当场整改，无书面材料")
    elif action in ("approve", "return"):
        pending = CloseOut.objects.filter(task=task, state=CloseOutState.PENDING).first()
        if pending is not None and action == "approve":
            services.close_out_approve(actor=office, close_out_id=pending.pk)
        elif pending is not None:
            services.close_out_return(actor=office, close_out_id=pending.pk, reason="材料不全")
    elif action == "reopen":
        services.task_reopen(actor=office, task_id=task.pk, reason="回头看发现反弹")
    elif action == "move_due":
        services.task_update(actor=lead, task_id=task.pk, expected_version=task.version, due_date=due)
    elif action == "kind":
        services.task_update(actor=lead, task_id=task.pk, expected_version=task.version, deadline_kind="long_term",
                             milestones="分两个阶段完成", due_date=due)
    elif action == "delete":
        services.task_delete(actor=lead, task_id=task.pk, expected_version=task.version)
    elif action == "approve_plan":
        RectificationPlan.objects.update_or_create(inspected_unit=w.iu_a, defaults={"state": "submitted", "version": 2})
        plan_services.plan_approve(actor=office, round_code=w.round.code, unit_code=w.unit_a.code)
    elif action == "extend":
        request = plan_services.change_request_create(actor=lead, task_id=task.pk, reason="延期", due_date=due)
        plan_services.change_request_approve(actor=office, change_request_id=request.pk)


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(actions=ACTIONS)
def test_rollups_equal_a_full_recomputation_after_any_sequence_of_changes(world, actions):
    with clock.frozen(TODAY), transaction.atomic():
        for action, index, n in actions:
            try:
                with transaction.atomic():
                    _run(world, action, index, n)
            except DomainError:
                pass  # refused as a user would be: nothing written
        assert rollups.verify() is None
        transaction.set_rollback(True)


def test_the_rollups_answer_what_the_tasks_say(world, frozen_today):
    frozen_today(TODAY)
    factories.task(prob=world.problem_a, status=TaskStatus.CLOSED)
    factories.task(prob=world.problem_a, due=dt.date(2026, 6, 25), status=TaskStatus.IN_PROGRESS)
    rollup = ProblemRollup.objects.get(problem=world.problem_a)
    assert (rollup.tasks, rollup.pending, rollup.in_progress, rollup.closed) == (3, 1, 1, 1)
    assert (rollup.status, rollup.completion) == ("in_progress", "incomplete")
    assert rollup.earliest_open_due == dt.date(2026, 6, 25)
    assert rollup.open_dues == {"2026-06-25": 1, "2026-07-31": 1}
    unit = UnitRollup.objects.get(inspected_unit=world.iu_a)
    assert (unit.problems, unit.in_progress, unit.incomplete, unit.tasks, unit.tasks_closed) == (1, 1, 1, 3, 1)
    problem = selectors.problem_get_for(user=world[Role.COMMISSION], problem_id=world.problem_a.pk)
    assert problem.warning == "yellow"  # 5 days to 25 June, within the round's 10


def test_a_rollup_that_missed_its_problems_new_category_is_found(world):
    factories.task(prob=world.problem_a)
    Problem.objects.filter(pk=world.problem_a.pk).update(category=ProblemCategory.objects.get(code="3.2"))
    assert rollups.verify().startswith(f"problem {world.problem_a.pk}: category is ")


def test_a_tampered_rollup_is_found_named_and_rebuilt(world, capsys):
    assert cli.main(["verify-rollups"]) == 0
    UnitRollup.objects.filter(inspected_unit=world.iu_a).update(tasks=99)
    assert rollups.verify() == f"inspected unit {world.iu_a.pk}: tasks is 99, recomputed 1"
    assert cli.main(["verify-rollups"]) == 1
    assert "统计汇总与源数据不一致" in capsys.readouterr().err
    UnitRollup.objects.filter(inspected_unit=world.iu_a).update(tasks=1)
    UnitDueCount.objects.filter(inspected_unit=world.iu_a).delete()
    assert "problem_due on 2026-07-31 is 0, recomputed 1" in rollups.verify()
    assert cli.main(["rebuild-rollups"]) == 0
    assert rollups.verify() is None


def test_a_units_wrong_problem_count_is_found_and_recounted(world):
    InspectedUnit.objects.filter(pk=world.iu_a.pk).update(self_found_problems=3)
    assert rollups.verify().startswith(f"inspected unit {world.iu_a.pk}: problem counts should be "
                                       "{'fed_back_problems': 1, 'self_found_problems': 0}")
    assert cli.main(["rebuild-rollups"]) == 0
    assert rollups.verify() is None
    assert InspectedUnit.objects.get(pk=world.iu_a.pk).self_found_problems == 0
    category = world.problem_a.category_id
    ProblemCount.objects.filter(inspected_unit=world.iu_a).update(category=ProblemCategory.objects.get(code="3.2"))
    assert rollups.verify().endswith(f"by kind and category {{('feedback', {category}): 1}}")
    assert cli.main(["rebuild-rollups"]) == 0
    assert rollups.verify() is None


def test_counts_by_category_follow_a_problem_moved_to_another_category_and_back_to_none(world):
    office = world[Role.INSPECTION_OFFICE]

    def counts():
        return {(c.kind, c.category.code if c.category else None): c.problems
                for c in ProblemCount.objects.filter(inspected_unit=world.iu_a, problems__gt=0)}

    assert counts() == {("feedback", "2.2"): 1}
    problem = plan_services.problem_edit(actor=office, problem_id=world.problem_a.pk,
                                         expected_version=world.problem_a.version, category="3.2")
    assert counts() == {("feedback", "3.2"): 1}
    plan_services.problem_edit(actor=office, problem_id=problem.pk, expected_version=problem.version, category=None)
    assert counts() == {("feedback", None): 1}
    inspection_services.problem_create(actor=office, inspected_unit=world.iu_a, description="新问题")
    assert counts() == {("feedback", None): 2}
    assert rollups.verify() is None


@pytest.mark.django_db(transaction=True)
def test_problems_counted_refuses_to_run_outside_the_transaction_that_creates_them(world):
    from collections import Counter

    with pytest.raises(RuntimeError, match="inside the transaction"):
        inspection_services.problems_counted(world.iu_a.pk, Counter({"feedback": 1}))


@pytest.mark.django_db(transaction=True)
def test_refresh_refuses_to_run_outside_the_changes_transaction():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        rollups.refresh([1])
