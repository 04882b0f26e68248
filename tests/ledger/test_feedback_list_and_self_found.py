"""The feedback list (problems only) is entered by the inspection office or the commission; a unit adds only
its own self-found problems (举一反三/自查问题), marked as such in the file; the kind survives a round trip."""

from __future__ import annotations

import io

import openpyxl
import pytest

from rectify.accounts.models import Role
from rectify.audit.models import AuditEvent
from rectify.inspections.models import Problem, ProblemKind
from rectify.ledger.export import ledger_export
from rectify.ledger.services import ledger_import
from rectify.rectification.models import Task
from tests import factories
from tests.ledger import fixtures

pytestmark = pytest.mark.usefixtures("feedback_2021")

FEEDBACK_LIST = ["序号", "问题类别", "反馈问题", "具体表现"]
LEDGER = ["序号", "问题来源", "问题描述", "整改措施", "责任领导", "责任部门", "完成时限"]


def xlsx(header: list[str], rows: list[list[object]], *, title: str = "") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "反馈问题清单"
    if title:
        ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def feedback_list() -> bytes:
    return xlsx(FEEDBACK_LIST, [
        ["一、", "选人用人", "干部选拔任用程序不规范", "2020年以来3名干部未经考察即提拔"],
        ["二、", "", "落实中央八项规定精神不到位", "违规发放津贴补贴12.6万元"],
        ["三、", "", "基层党组织建设薄弱", ""],
    ], title="省委第一巡视组反馈问题清单")


def ledger_row(number: object, source: str, text: str) -> list[object]:
    return [number, source, f"问题{text}", f"措施{text}", "王副厅长", "办公室", "2021年12月31日"]


def run(world, data: bytes, *, actor=None, dry_run: bool = False, unit: str = "EDU", **kw):
    return ledger_import(actor=actor, data=data, filename="反馈问题清单.xlsx", round_code=world.round.code,
                         unit_code=unit, dry_run=dry_run, **kw)


def kinds(world) -> dict[str, str]:
    return dict(Problem.objects.filter(inspected_unit=world.iu_a).values_list("number", "kind"))


# --- the feedback list ------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.INSPECTION_OFFICE, Role.COMMISSION])
def test_the_office_imports_the_feedback_list_as_problems_only(fresh_unit, role):
    dry = run(fresh_unit, feedback_list(), actor=fresh_unit[role], dry_run=True)
    assert dry.errors == []
    assert dry.problems == {"new": 3, "changed": 0, "unchanged": 0, "missing": 0}
    assert dry.tasks == {"new": 0, "changed": 0, "unchanged": 0, "missing": 0}
    assert any("只导入问题" in n for n in dry.notices)
    report = run(fresh_unit, feedback_list(), actor=fresh_unit[role])
    assert report.committed
    problems = {p.number: p for p in Problem.objects.filter(inspected_unit=fresh_unit.iu_a).select_related("category")}
    assert set(problems) == {"一", "二", "三"}  # 一、 二、 三、 as written, without the list punctuation
    assert {p.kind for p in problems.values()} == {ProblemKind.FEEDBACK}
    assert problems["一"].description == "干部选拔任用程序不规范"
    assert problems["一"].detail == "2020年以来3名干部未经考察即提拔"
    assert problems["一"].category.name == "干部队伍建设和选人用人"  # "选人用人" found in the catalogue
    assert not Task.objects.filter(problem__inspected_unit=fresh_unit.iu_a).exists()


def test_reimporting_the_feedback_list_leaves_the_units_tasks_alone(fresh_unit):
    run(fresh_unit, feedback_list())
    factories.task(prob=Problem.objects.get(inspected_unit=fresh_unit.iu_a, number="二"))
    report = run(fresh_unit, feedback_list(), dry_run=True)
    assert report.errors == []
    assert report.problems == {"new": 0, "changed": 0, "unchanged": 3, "missing": 0}
    assert report.tasks == {"new": 0, "changed": 0, "unchanged": 0, "missing": 0}  # the list says nothing of tasks


def test_a_list_without_measures_or_numbers_is_still_no_ledger(fresh_unit):
    report = run(fresh_unit, xlsx(["问题类别", "反馈问题"], [["选人用人", "干部选拔任用程序不规范"]]), dry_run=True)
    assert [e.message[:9] for e in report.errors] == ["没有找到台账表头："]
    assert "“序号”列和问题描述列" in report.errors[0].message


# --- who may add which problem ----------------------------------------------------------------------

def test_a_unit_lead_cannot_add_a_fed_back_problem_through_a_file(fresh_unit):
    lead = fresh_unit[Role.UNIT_LEAD]
    events = AuditEvent.objects.count()
    report = run(fresh_unit, feedback_list(), actor=lead)
    assert not report.committed
    assert [(e.sheet, e.row, e.column) for e in report.errors] == [("反馈问题清单", r, "A") for r in (3, 4, 5)]
    assert all("反馈问题只能由巡视办或纪委监委录入" in e.message and "自查问题" in e.message for e in report.errors)
    assert not Problem.objects.filter(inspected_unit=fresh_unit.iu_a).exists()
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("mark", ["自查", "自查问题", "举一反三", "自行查找", "举一反三自查问题"])
def test_a_unit_lead_adds_a_row_marked_self_found(fresh_unit, mark):
    run(fresh_unit, xlsx(LEDGER, [ledger_row(1, "", "一")]), actor=fresh_unit[Role.INSPECTION_OFFICE])
    lead = fresh_unit[Role.UNIT_LEAD]
    data = xlsx(LEDGER, [ledger_row(1, "", "一"), ledger_row("Z-1", mark, "自查"), ledger_row("Z-2", "", "漏标")])
    report = run(fresh_unit, data, actor=lead, dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [(4, "B")]  # the unmarked new row, at 问题来源
    assert "反馈问题只能由巡视办或纪委监委录入" in report.errors[0].message
    fixed = xlsx(LEDGER, [ledger_row(1, "", "一"), ledger_row("Z-1", mark, "自查")])
    assert run(fresh_unit, fixed, actor=lead).committed
    assert kinds(fresh_unit) == {"1": ProblemKind.FEEDBACK, "Z-1": ProblemKind.SELF_FOUND}


def test_a_problem_type_column_saying_self_found_is_the_source_not_a_category(fresh_unit):
    data = xlsx(["序号", "问题类型", "问题描述", "整改措施", "责任领导", "责任部门", "完成时限"], [
        ["J1", "举一反三问题", "问题甲", "措施甲", "王副厅长", "办公室", "2021年12月31日"],
    ])
    report = run(fresh_unit, data, actor=fresh_unit[Role.UNIT_LEAD])
    assert report.errors == []
    assert not any("举一反三" in n for n in report.notices)  # not reported as an unknown category
    problem = Problem.objects.get(inspected_unit=fresh_unit.iu_a, number="J1")
    assert (problem.kind, problem.category) == (ProblemKind.SELF_FOUND, None)


def test_office_imports_are_fed_back_by_default_and_self_found_when_marked(fresh_unit):
    data = xlsx(LEDGER, [ledger_row(1, "", "甲"), ledger_row(2, "巡视反馈问题", "乙"), ledger_row(3, "自查问题", "丙")])
    assert run(fresh_unit, data, actor=fresh_unit[Role.INSPECTION_OFFICE]).committed
    assert kinds(fresh_unit) == {"1": ProblemKind.FEEDBACK, "2": ProblemKind.FEEDBACK, "3": ProblemKind.SELF_FOUND}


def test_the_kind_of_a_stored_problem_never_changes_through_a_file(fresh_unit):
    run(fresh_unit, xlsx(LEDGER, [ledger_row(1, "", "甲"), ledger_row(2, "自查", "乙")]))
    swapped = xlsx(LEDGER, [ledger_row(1, "自查问题", "甲"), ledger_row(2, "反馈问题", "乙")])
    report = run(fresh_unit, swapped, actor=fresh_unit[Role.INSPECTION_OFFICE])
    assert not report.committed
    assert [(e.row, e.column) for e in report.errors] == [(2, "B"), (3, "B")]
    assert "问题 1 在系统中是反馈问题" in report.errors[0].message
    unmarked = run(fresh_unit, xlsx(LEDGER, [ledger_row(1, "", "甲"), ledger_row(2, "", "乙")]), dry_run=True)
    assert unmarked.errors == [] and unmarked.problems["unchanged"] == 2
    assert kinds(fresh_unit) == {"1": ProblemKind.FEEDBACK, "2": ProblemKind.SELF_FOUND}


def test_an_unknown_source_is_a_row_error(fresh_unit):
    report = run(fresh_unit, xlsx(LEDGER, [ledger_row(1, "上级交办", "甲")]), dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [(2, "B")]
    assert "“问题来源”无法识别：“上级交办”" in report.errors[0].message


# --- export and round trip --------------------------------------------------------------------------

def test_self_found_problems_follow_the_fed_back_ones_and_keep_their_kind_through_a_round_trip(fresh_unit):
    data = xlsx(LEDGER, [ledger_row("Z2", "自查", "自查二"), ledger_row(1, "", "甲"), ledger_row("Z10", "自查", "自查十"),
                         ledger_row(2, "", "乙")])
    run(fresh_unit, data)
    exported = ledger_export(user=fresh_unit["admin"], round_code=fresh_unit.round.code, unit_code="EDU")
    ws = openpyxl.load_workbook(io.BytesIO(exported))["省教育厅"]
    assert [(ws.cell(row=r, column=1).value, ws.cell(row=r, column=17).value) for r in range(5, 11)] == [
        ("一、未分类（共2个）", None), (1, "反馈问题"), (2, "反馈问题"),
        ("二、自查问题（共2个）", None), ("Z2", "自查问题"), ("Z10", "自查问题"),
    ]
    assert ws.cell(row=3, column=17).value == "问题来源"
    same = run(fresh_unit, exported, dry_run=True)
    assert same.errors == [] and same.problems == {"new": 0, "changed": 0, "unchanged": 4, "missing": 0}
    # Into a new unit: the file alone carries the kind.
    report = run(fresh_unit, exported, unit="EDU-COPY", unit_name="省教育厅（副本）")
    assert report.committed
    copied = dict(Problem.objects.filter(inspected_unit__unit__code="EDU-COPY").values_list("number", "kind"))
    assert copied == {"1": ProblemKind.FEEDBACK, "2": ProblemKind.FEEDBACK, "Z2": ProblemKind.SELF_FOUND,
                      "Z10": ProblemKind.SELF_FOUND}


def test_a_self_found_section_heading_marks_the_problems_below_it(fresh_unit):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "问题描述", "整改措施", "责任领导", "责任部门", "完成时限"])
    ws.append(["一、巡视反馈问题"])
    ws.merge_cells("A2:F2")
    ws.append([1, "问题甲", "措施甲", "王副厅长", "办公室", "2021年12月31日"])
    ws.append(["二、举一反三自查问题（共1个）"])
    ws.merge_cells("A4:F4")
    ws.append([2, "问题乙", "措施乙", "王副厅长", "办公室", "2021年12月31日"])
    out = io.BytesIO()
    wb.save(out)
    report = run(fresh_unit, out.getvalue())
    assert report.errors == []
    # The only notice: 王副厅长 is on nobody's roster, so the name is kept as written, unlinked.
    assert len(report.notices) == 1 and "王副厅长" in report.notices[0] and "按原样保存" in report.notices[0]
    assert kinds(fresh_unit) == {"1": ProblemKind.FEEDBACK, "2": ProblemKind.SELF_FOUND}
    assert not Problem.objects.filter(inspected_unit=fresh_unit.iu_a, category__isnull=False).exists()


def test_after_the_feedback_list_the_unit_lead_imports_the_measures(fresh_unit):
    run(fresh_unit, fixtures.provincial_department_feedback_list_xlsx(), actor=fresh_unit[Role.INSPECTION_OFFICE])
    report = run(fresh_unit, fixtures.provincial_department_xlsx(), actor=fresh_unit[Role.UNIT_LEAD])
    assert report.errors == [] and report.committed
    assert report.problems["new"] == 0 and report.tasks["new"] == 6
    assert Task.objects.filter(problem__inspected_unit=fresh_unit.iu_a).count() == 6
    assert set(kinds(fresh_unit).values()) == {ProblemKind.FEEDBACK}
