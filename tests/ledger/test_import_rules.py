"""What a file may not do: rewrite the feedback, move deadlines without approval, touch closed or
submitted tasks, put deadlines before the feedback — and odd input never crashes the commit."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from rectify.accounts.models import Role
from rectify.core.errors import DomainError
from rectify.inspections.models import Problem
from rectify.ledger.services import ledger_import
from rectify.rectification import services as rect_services
from rectify.rectification.models import Task, TaskStatus
from tests.ledger import fixtures

pytestmark = pytest.mark.usefixtures("feedback_2021")


def run(world, data: bytes, *, actor=None, dry_run: bool = False, unit: str = "EDU", **kw):
    return ledger_import(actor=actor, data=data, filename="台账.xlsx", round_code=world.round.code, unit_code=unit,
                         dry_run=dry_run, **kw)


def edit(cells: dict[str, object]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(fixtures.provincial_department_xlsx()))
    for ref, value in cells.items():
        wb["整改台账"][ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def imported(fresh_unit):
    run(fresh_unit, fixtures.provincial_department_xlsx())
    return fresh_unit


def _errors(report) -> set[tuple[int | None, str | None]]:
    return {(e.row, e.column) for e in report.errors}


def test_before_approval_the_unit_lead_may_move_a_deadline_but_never_rewrite_the_feedback(imported):
    lead = imported[Role.UNIT_LEAD]
    report = run(imported, edit({"L6": dt.date(2023, 6, 30), "C8": "违规发放津贴补贴（已改写）"}), actor=lead)
    assert not report.committed
    assert _errors(report) == {(8, "C")} and "巡视反馈原文" in report.errors[0].message
    report = run(imported, edit({"L6": dt.date(2023, 6, 30)}), actor=lead)
    assert report.committed
    task = Task.objects.get(problem__inspected_unit=imported.iu_a, problem__number=1, number=2)
    # Drafting: the plan is the unit's to shape; the approved deadline is fixed only on approval.
    assert task.due_date == task.original_due_date == dt.date(2023, 6, 30)


def test_before_approval_the_inspection_office_may_rewrite_the_feedback(imported):
    report = run(imported, edit({"C8": "违规发放津贴补贴（更正）"}), actor=imported[Role.INSPECTION_OFFICE])
    assert report.committed
    assert Problem.objects.get(inspected_unit=imported.iu_a, number="2").description == "违规发放津贴补贴（更正）"


def test_a_deadline_before_the_feedback_is_an_error(fresh_unit):
    report = run(fresh_unit, edit({"L6": "2019年12月31日", "L5": "3月底"}), dry_run=True)
    assert _errors(report) == {(5, "L"), (6, "L")}
    assert all("早于反馈日期" in e.message and "写明年份" in e.message for e in report.errors)


def test_closed_and_submitted_tasks_are_not_rewritten_by_a_file(imported):
    closed = Task.objects.get(problem__inspected_unit=imported.iu_a, problem__number=1, number=1)
    submitted = Task.objects.get(problem__inspected_unit=imported.iu_a, problem__number=3, number=1)
    for task in (closed, submitted):
        rect_services.evidence_upload(actor=imported[Role.UNIT_MEMBER], task_id=task.pk,
                                      file=io.BytesIO(f"%PDF-1.4 proof {task.pk}".encode()), name="凭证.pdf")
        rect_services.close_out_submit(actor=imported[Role.UNIT_LEAD], task_id=task.pk)
    rect_services.close_out_approve(actor=imported[Role.INSPECTION_OFFICE],
                                    close_out_id=closed.close_outs.get().pk)
    report = run(imported, edit({"M5": "补写的进展", "G9": "改写后的措施"}), actor=imported[Role.INSPECTION_OFFICE])
    assert _errors(report) == {(5, "M"), (9, "G")}
    assert any("已销号" in e.message for e in report.errors)
    assert any("正在申请销号" in e.message for e in report.errors)
    closed.refresh_from_db()
    assert closed.status == TaskStatus.CLOSED and closed.progress_entries.count() == 1  # only the first import's
    # Progress may still be added while a close-out is under review.
    assert run(imported, edit({"M9": "审核期间补充的进展"}), actor=imported[Role.UNIT_LEAD]).committed


def test_odd_cells_are_errors_in_the_dry_run_not_crashes_in_the_commit(fresh_unit):
    report = run(fresh_unit, edit({"I5": "耕" * 150}))
    assert not report.committed
    assert _errors(report) == {(5, "I")}
    assert "超过100个字" in report.errors[0].message
    rows = [list(r) for r in fixtures.CSV_ROWS]
    rows[2][6] = "已建立。" * 3000  # a long progress text, so that the NUL below is past the file's start
    rows[3][2] = "开展整改情况\x00“回头看”"  # a NUL byte, which PostgreSQL cannot store
    report = ledger_import(actor=None, data=fixtures.csv_bytes("utf-8", rows), filename="台账.csv",
                           round_code=fresh_unit.round.code, unit_code="EDU", dry_run=False)
    assert report.committed, report.errors
    assert Task.objects.get(problem__inspected_unit=fresh_unit.iu_a, problem__number=1, number=2).measure == \
        "开展整改情况“回头看”"


@pytest.mark.parametrize(("code", "name", "message"), [
    ("SX/01", "斜杠单位", "只能由字母"),
    ("X" * 41, "太长的编码", "1至40"),
    ("NEW-1", "名" * 101, "1至100"),
])
def test_a_new_unit_code_or_name_that_cannot_be_stored_is_refused_up_front(world, code, name, message):
    with pytest.raises(DomainError) as err:
        run(world, fixtures.provincial_department_xlsx(), unit=code, unit_name=name, dry_run=True)
    assert message in err.value.message


def test_a_units_ledger_with_several_sheets_is_read_whole(fresh_unit):
    wb = openpyxl.load_workbook(io.BytesIO(fixtures.provincial_department_xlsx()))
    wb["整改台账"].title = "省教育厅"
    extra = wb.copy_worksheet(wb["省教育厅"])
    extra.title = "专项整改问题"
    for row, number in ((5, 11), (8, 12), (9, 13)):
        extra[f"A{row}"] = number
    out = io.BytesIO()
    wb.save(out)
    report = run(fresh_unit, out.getvalue(), dry_run=True)
    assert report.errors == [] and report.problems["new"] == 6
    assert "专项整改问题" not in report.skipped_sheets
    assert not Problem.objects.filter(inspected_unit=fresh_unit.iu_a).exists()


def test_a_round_outside_the_importers_scope_is_not_found(world):
    from rectify.core.errors import NotFound
    from tests.factories import inspection_round

    other = inspection_round(code="R-OTHER")
    with pytest.raises(NotFound):
        ledger_import(actor=world[Role.UNIT_LEAD], data=fixtures.provincial_department_xlsx(), filename="台账.xlsx",
                      round_code=other.code, unit_code="EDU", dry_run=True)
    with pytest.raises(NotFound):
        ledger_import(actor=world[Role.UNIT_LEAD], data=fixtures.provincial_department_xlsx(), filename="台账.xlsx",
                      round_code="NO-SUCH-ROUND", unit_code="EDU", dry_run=True)
