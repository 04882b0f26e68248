"""The ledger import is a client of the domain (issue 8 §1, issue 7 §2): it plans, the owners' services
write; after the plan's approval a file's new deadline or kind becomes a change request, the same mechanism
as the pages; a leader's name is linked when it matches exactly one member in post."""

from __future__ import annotations

import datetime as dt
import io
import traceback
from pathlib import Path

import openpyxl
import pytest
from django.db import connection

from rectify.accounts.models import Role
from rectify.inspections.models import Problem
from rectify.ledger.services import ledger_import
from rectify.orgs.models import Post, Tenure
from rectify.rectification import plan_services
from rectify.rectification.models import ChangeRequest, RectificationPlan, Responsibility, Task
from tests.ledger import fixtures

pytestmark = pytest.mark.usefixtures("feedback_2021")
SRC = Path(__file__).resolve().parents[2] / "src" / "rectify"


def run(world, data: bytes | None = None, *, dry_run: bool = False, actor=None):  # type: ignore[no-untyped-def]
    return ledger_import(actor=actor, data=data or fixtures.provincial_department_xlsx(), filename="台账.xlsx",
                         round_code=world.round.code, unit_code="EDU", dry_run=dry_run)


def edit(cells: dict[str, object]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(fixtures.provincial_department_xlsx()))
    for ref, value in cells.items():
        wb["整改台账"][ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def task(world, problem: int, number: int) -> Task:  # type: ignore[no-untyped-def]
    return Task.objects.get(problem__inspected_unit=world.iu_a, problem__number=str(problem), number=number)


@pytest.fixture
def approved(fresh_unit):  # type: ignore[no-untyped-def]
    run(fresh_unit, actor=fresh_unit[Role.INSPECTION_OFFICE])
    RectificationPlan.objects.create(inspected_unit=fresh_unit.iu_a, state="approved", version=3)
    return fresh_unit


def test_after_approval_a_moved_deadline_in_a_file_becomes_a_change_request(approved):
    lead = approved[Role.UNIT_LEAD]
    moved = edit({"L6": dt.date(2022, 9, 30)})
    report = run(approved, moved, actor=lead, dry_run=True)
    assert report.errors == []
    change = next(c for c in report.changes if c.state == "changed")
    assert [(f.field, f.label) for f in change.fields] == [("due_date", "完成时限（提交变更申请）")]
    assert any("将作为变更申请提交" in n for n in report.notices)
    report = run(approved, moved, actor=lead)
    assert report.committed
    assert task(approved, 1, 2).due_date == dt.date(2022, 6, 30)  # nothing moves before approval
    request = ChangeRequest.objects.get()
    assert (request.source, request.state, request.requested_by) == ("import", "pending", lead)
    assert request.changes == {"due_date": {"before": "2022-06-30", "after": "2022-09-30"}}
    assert "台账.xlsx" in request.reason and "第 6 行" in request.reason

    again = run(approved, moved, actor=lead)  # the same file again: nothing new to ask
    assert again.committed and ChangeRequest.objects.count() == 1
    assert any("已有待审批的变更申请" in n for n in again.notices)
    other = run(approved, edit({"L6": dt.date(2022, 10, 31)}), actor=lead, dry_run=True)
    assert [(e.row, e.column) for e in other.errors] == [(6, "L")] and "待审批" in other.errors[0].message

    plan_services.change_request_approve(actor=approved[Role.INSPECTION_OFFICE], change_request_id=request.pk)
    moved_task = task(approved, 1, 2)
    assert (moved_task.due_date, moved_task.original_due_date) == (dt.date(2022, 9, 30), dt.date(2022, 6, 30))
    assert run(approved, moved, actor=lead, dry_run=True).tasks["changed"] == 0


def test_after_approval_the_office_files_a_request_too_and_cannot_approve_it(approved):
    office = approved[Role.INSPECTION_OFFICE]
    run(approved, edit({"L6": dt.date(2022, 9, 30)}), actor=office)
    request = ChangeRequest.objects.get()
    from rectify.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        plan_services.change_request_approve(actor=office, change_request_id=request.pk)
    plan_services.change_request_approve(actor=approved[Role.COMMISSION], change_request_id=request.pk)


def test_after_approval_fed_back_text_in_a_file_becomes_a_correction_request(approved):
    report = run(approved, edit({"C8": "违规发放津贴补贴（2019年度）"}), actor=approved[Role.UNIT_LEAD])
    assert report.committed
    assert Problem.objects.get(inspected_unit=approved.iu_a, number="2").description == "违规发放津贴补贴"
    request = ChangeRequest.objects.get()
    assert request.task is None and request.changes["description"]["after"] == "违规发放津贴补贴（2019年度）"


def test_a_conversion_to_long_term_needs_stage_goals_so_a_file_cannot_ask_for_it(approved):
    report = run(approved, edit({"L6": "长期坚持"}), actor=approved[Role.UNIT_LEAD], dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [(6, "L")]
    assert "阶段目标" in report.errors[0].message


def test_while_the_plan_is_under_review_a_file_changes_progress_but_not_the_task_list(approved):
    RectificationPlan.objects.filter(inspected_unit=approved.iu_a).update(state="submitted")
    lead = approved[Role.UNIT_LEAD]
    report = run(approved, edit({"G6": "建立耕地保护田长制并考核", "M6": "制度已起草"}), actor=lead, dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [(6, "G")] and "审核中" in report.errors[0].message
    report = run(approved, edit({"M6": "制度已起草，正在征求意见"}), actor=lead)
    assert report.committed and task(approved, 1, 2).progress_entries.count() == 2


def test_a_leader_is_linked_when_the_name_matches_one_member_in_post(fresh_unit):
    post = Post.objects.create(unit=fresh_unit.unit_a, title="党组成员、副厅长", is_leadership_member=True,
                               areas="耕地保护")
    li_ming = Tenure.objects.create(person=fresh_unit.unit_a.people.create(name="李明"), post=post,
                                    start=dt.date(2019, 1, 1))
    report = run(fresh_unit, actor=fresh_unit[Role.INSPECTION_OFFICE])
    leader = Responsibility.objects.get(task=task(fresh_unit, 1, 1), kind="leader")
    assert (leader.name, leader.tenure) == ("李明（副厅长）", li_ming)  # kept as written, linked
    unlinked = " ".join(n for n in report.notices if "责任领导" in n)
    assert "周红" in unlinked and "张华" in unlinked and "李明" not in unlinked
    assert Responsibility.objects.get(task=task(fresh_unit, 2, 1), kind="leader").tenure is None


def test_the_importer_never_writes_another_apps_tables_itself(approved):
    """Every INSERT, UPDATE or DELETE an import runs must come from the owning app's code: the innermost
    project frame of a write to ``rectification_*`` or ``inspections_*`` is never in rectify/ledger/."""
    offenders: list[str] = []

    def watch(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        verb = sql.lstrip().split(" ", 1)[0].upper()
        if verb in ("INSERT", "UPDATE", "DELETE"):
            table = sql.split('"')[1] if '"' in sql else ""
            frames = [f for f in traceback.extract_stack() if f.filename.startswith(str(SRC))
                      and not f.filename.endswith("testing.py")]
            innermost = Path(frames[-1].filename).relative_to(SRC).parts[0] if frames else ""
            if innermost == "ledger" and not table.startswith("ledger_"):
                offenders.append(f"{table}: {frames[-1].filename}:{frames[-1].lineno}")
        return execute(sql, params, many, context)

    changed = edit({"L6": dt.date(2022, 9, 30), "C8": "违规发放津贴补贴（更正）", "M5": "新的进展", "G9": "改写的措施",
                    "J9": "新责任人"})
    with connection.execute_wrapper(watch):
        report = run(approved, changed, actor=approved[Role.UNIT_LEAD])
        assert report.committed
        run(approved, fixtures.provincial_department_xlsx(), actor=approved[Role.INSPECTION_OFFICE])
    assert offenders == []
    assert ChangeRequest.objects.count() == 2  # the written rows did arrive, through the owners


def test_the_problems_a_file_adds_are_counted_on_their_unit_in_the_same_import(fresh_unit):
    iu = fresh_unit.iu_a
    iu.refresh_from_db()
    assert (iu.fed_back_problems, iu.self_found_problems) == (0, 0)
    run(fresh_unit, actor=fresh_unit[Role.INSPECTION_OFFICE])
    iu.refresh_from_db()
    added = Problem.objects.filter(inspected_unit=iu)
    assert iu.fed_back_problems == added.filter(kind="feedback").count() > 0
    assert iu.self_found_problems == added.filter(kind="self_found").count()


def test_a_new_category_in_a_file_reaches_the_dashboards_counts_in_the_same_import(approved):
    """The rollups carry each problem's category (the dashboards count by it): a file that moves a problem to
    another category refreshes its rollup in the import's transaction."""
    from rectify.rectification import rollups
    from rectify.rectification.models import ProblemRollup

    problem = Problem.objects.get(inspected_unit=approved.iu_a, number="2")
    first = Problem.objects.get(inspected_unit=approved.iu_a, number="1")
    assert problem.category_id != first.category_id
    assert rollups.verify() is None
    run(approved, edit({"B8": "贯彻落实党中央重大决策部署"}), actor=approved[Role.INSPECTION_OFFICE])
    assert Problem.objects.get(pk=problem.pk).category_id == first.category_id
    assert ProblemRollup.objects.get(problem=problem).category_id == first.category_id
    assert rollups.verify() is None
