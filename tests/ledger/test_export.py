"""The standard ledger export (整改台账 .xlsx): layout, values, safety, scope and query count.

Every test opens the produced bytes as a person's spreadsheet program would (openpyxl; python-calamine
as the parser does) and checks what they would see.

The world's unit A (省教育厅) gets five problems, exported as of 2026-07-25 (yellow at 10 days):

    row 5   一、贯彻落实…方面（共1个）
    row 6   #2  category 1 (level 1)  '=HYPERLINK(…)'    one closed task             → 已完成
    row 7   二、落实全面从严治党战略部署方面（共3个）
    row 8-10 #1 category 2.2          three tasks: pending due 7-31 (yellow), closed, long-term green
    row 11  #4  category 2.3          one started long-term task, green        → 基本完成
    row 12  #5  category 2.1          no task
    row 13  三、未分类（共1个）
    row 14  #3  no category, "+1"/"-1"/"@SUM(A1)", one task overdue (red)
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from python_calamine import CalamineWorkbook

from rectify.accounts.models import Role, User
from rectify.core.errors import NotFound
from rectify.core.testing import capture_queries
from rectify.inspections.models import InspectedUnit, Problem
from rectify.ledger import export
from rectify.ledger.export import DATE_FORMAT, ledger_export, sheet_titles
from rectify.orgs.models import OrgUnit
from rectify.rectification.models import DeadlineKind as K
from rectify.rectification.models import ProgressEntry, Responsibility, Task
from rectify.rectification.models import TaskStatus as S
from tests import factories

TODAY = dt.date(2026, 7, 25)
HEADER_TOP = ["序号", "问题类别", "反馈问题", "问题表现", "整改措施", "完成标准", "整改类型", "责任落实", None, None,
              None, "完成时限", "整改进展", "状态", "预警", "备注", "问题来源"]
HEADER_SUB = [None] * 7 + ["责任领导", "责任部门", "配合部门", "责任人"] + [None] * 6
HYPERLINK = '=HYPERLINK("http://x","点我")'


@pytest.fixture
def ledger(world):  # type: ignore[no-untyped-def]
    """The world plus unit A's problems 2-5 and a fuller problem 1 (see the module docstring)."""
    p1 = world.problem_a
    p1.detail = "2025年违规发放加班补贴12.6万元"
    p1.notes = "省委巡视组反馈第1条"
    p1.save()
    factories.task(prob=p1, status=S.CLOSED, due=dt.date(2026, 7, 10))
    factories.task(prob=p1, status=S.IN_PROGRESS, kind=K.LONG_TERM, due=dt.date(2026, 12, 31))
    a = world.task_a  # pending, due 2026-07-31, 王副厅长 / 财务处 / 李四
    Responsibility.objects.bulk_create([
        Responsibility(task=a, kind="department", name="人事处", is_lead=False),
        Responsibility(task=a, kind="department", name="办公室", is_lead=True),
        Responsibility(task=a, kind="department", name="审计处", is_lead=False),
        Responsibility(task=a, kind="person", name="张三"),
    ])
    # The newest entry is written first, so that "latest" cannot mean "highest id".
    ProgressEntry.objects.create(task=a, author=world["admin"], text="已清退8万元",
                                 created_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    ProgressEntry.objects.create(task=a, author=world["admin"], text="已开展自查",
                                 created_at=dt.datetime(2026, 5, 10, tzinfo=dt.UTC))

    p2 = factories.problem(iu=world.iu_a, number=2, category_code="1", description=HYPERLINK)
    factories.task(prob=p2, status=S.CLOSED)
    p3 = factories.problem(iu=world.iu_a, number=3, category_code="none", description="+1")
    p3.detail, p3.notes = "-1", "@SUM(A1)"
    p3.save()
    t3 = factories.task(prob=p3, status=S.IN_PROGRESS, due=dt.date(2026, 7, 20))
    Task.objects.filter(pk=t3.pk).update(measure="=1+1")
    factories.problem(iu=world.iu_a, number=5, category_code="2.1", description="问题五（尚无措施）")
    p4 = factories.problem(iu=world.iu_a, number=4, category_code="2.3", description="问题四")
    factories.task(prob=p4, status=S.IN_PROGRESS, kind=K.LONG_TERM, due=dt.date(2027, 1, 31))
    return world


def export_unit(user: User, unit_code: str = "EDU") -> openpyxl.Workbook:
    return load(ledger_export(user=user, round_code="R-TEST", unit_code=unit_code, today=TODAY))


def load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def row_values(ws: Worksheet, row: int) -> list[object]:
    return [c.value for c in ws[row]]


def merged(ws: Worksheet) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


# --- layout ---------------------------------------------------------------------------------------

def test_title_note_and_two_row_header(ledger):
    ws = export_unit(ledger["admin"])["省教育厅"]
    assert ws["A1"].value == f"省教育厅落实{ledger.round.name}反馈意见整改台账"
    assert ws["A1"].font.b and ws["A1"].font.sz == 16 and ws["A1"].alignment.horizontal == "center"
    assert ws["A2"].value == "填报单位：省教育厅    反馈日期：2026年5月1日    导出日期：2026年7月25日"
    assert ws["A2"].alignment.horizontal == "left"
    assert row_values(ws, 3) == HEADER_TOP
    assert row_values(ws, 4) == HEADER_SUB
    assert {"A1:Q1", "A2:Q2", "H3:K3"} <= merged(ws)
    assert {f"{col}3:{col}4" for col in "ABCDEFGLMNOPQ"} <= merged(ws)
    header = ws["H4"]
    assert header.font.b and header.alignment.horizontal == "center" and header.alignment.wrap_text
    assert header.fill.fgColor.rgb.endswith("D9D9D9")
    assert header.border.left.style == "thin" and header.border.bottom.style == "thin"


def test_a_problem_spans_its_tasks(ledger):
    ws = export_unit(ledger["admin"])["省教育厅"]
    assert ws["A8"].value == 1 and isinstance(ws["A8"].value, int)
    assert [ws[f"E{r}"].value for r in (8, 9, 10)] == ["整改措施1", "整改措施2", "整改措施3"]
    assert {"A8:A10", "B8:B10", "C8:C10", "D8:D10", "P8:P10", "Q8:Q10"} <= merged(ws)
    assert not {"E8:E10", "L8:L10", "M8:M10"} & merged(ws)  # task cells are one per row
    assert ws["C8"].value == "违规发放津贴补贴问题整改不到位"
    assert ws["D8"].value == "2025年违规发放加班补贴12.6万元"
    assert ws["P8"].value == "省委巡视组反馈第1条"
    assert ws["Q8"].value == "反馈问题"
    assert ws["C8"].alignment.wrap_text and ws["C8"].alignment.vertical == "top"
    assert ws["C9"].border.left.style == "thin"  # merged-over cells keep the grid
    assert not any(r.min_row == 6 and r.max_row > 6 for r in ws.merged_cells.ranges)  # one task: no merge


def test_category_headings_with_counts_in_code_order_then_uncategorised(ledger):
    ws = export_unit(ledger["admin"])["省教育厅"]
    assert ws["A5"].value == "一、贯彻落实党的理论和路线方针政策、党中央重大决策部署方面（共1个）"
    assert ws["A7"].value == "二、落实全面从严治党战略部署方面（共3个）"
    assert ws["A13"].value == "三、未分类（共1个）"
    assert {"A5:Q5", "A7:Q7", "A13:Q13"} <= merged(ws)
    assert ws["A7"].font.b and ws["A7"].alignment.horizontal == "left"
    # by number within the group, whatever the level-2 category or the order of entry
    assert [ws[f"A{r}"].value for r in (6, 8, 11, 12, 14)] == [2, 1, 4, 5, 3]
    assert ws["B8"].value == "落实中央八项规定精神和纠治“四风”"  # a level-2 category shows its own name
    assert ws["B6"].value == "贯彻落实党的理论和路线方针政策、党中央重大决策部署方面"
    assert ws["B14"].value is None
    assert ws.max_row == 14


def test_task_cells_names_deadline_and_latest_progress(ledger):
    ws = export_unit(ledger["admin"])["省教育厅"]
    assert row_values(ws, 8)[4:13] == [
        "整改措施1", "清退资金全部到位", "限期整改", "王副厅长", "财务处、办公室", "人事处、审计处", "李四、张三",
        dt.datetime(2026, 7, 31), "已清退8万元",
    ]
    assert ws["G10"].value == "长期坚持" and ws["L10"].value == dt.datetime(2026, 12, 31)
    for cell in (ws["L8"], ws["L10"], ws["L11"]):
        assert cell.is_date and cell.number_format == DATE_FORMAT == 'yyyy"年"m"月"d"日"'
    assert ws["M9"].value is None  # no progress entry yet
    assert row_values(ws, 12)[4:] == [None] * 12 + ["反馈问题"]  # a problem without a task still gets its row


def test_status_and_warning_text_with_colour(ledger):
    ws = export_unit(ledger["admin"])["省教育厅"]
    expected = {  # row: (状态, 预警, fill of 预警)
        8: ("待整改", "黄灯", "FFEB9C"),
        9: ("已销号", None, None),
        10: ("整改中", "绿灯", "C6EFCE"),
        14: ("整改中", "红灯", "FFC7CE"),
    }
    for row, (status, warning, fill) in expected.items():
        assert (ws[f"N{row}"].value, ws[f"O{row}"].value) == (status, warning), row
        if fill:
            assert ws[f"O{row}"].fill.fill_type == "solid" and ws[f"O{row}"].fill.fgColor.rgb.endswith(fill)
        else:
            assert ws[f"O{row}"].fill.fill_type is None
    assert ws["N9"].fill.fgColor.rgb.endswith("C6EFCE")  # a closed task's status is green
    assert ws["N8"].fill.fill_type is None


def test_freeze_print_setup_and_widths(ledger):
    ws = export_unit(ledger["admin"])["省教育厅"]
    assert ws.freeze_panes == "B5"
    assert ws.print_title_rows == "$3:$4"  # the two header rows on every printed page
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0)
    assert ws.print_options.horizontalCentered
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert ws.page_margins.left < 0.5
    widths = {col: ws.column_dimensions[col].width for col in "ACEMO"}
    assert widths == {"A": 6, "C": 36, "E": 36, "M": 30, "O": 8}


# --- values -----------------------------------------------------------------------------------------

def test_formula_like_text_stays_text(ledger):
    data = ledger_export(user=ledger["admin"], round_code="R-TEST", unit_code="EDU", today=TODAY)
    ws = load(data)["省教育厅"]
    cells = {"C6": HYPERLINK, "C14": "+1", "D14": "-1", "P14": "@SUM(A1)", "E14": "=1+1"}
    for ref, text in cells.items():
        assert (ws[ref].value, ws[ref].data_type) == (text, "s"), ref
        assert ws[ref].quotePrefix, ref  # stays text when someone edits the cell
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet_xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # no formula anywhere in the file
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("省教育厅").to_python()
    assert [rows[5][2], rows[13][2], rows[13][3], rows[13][15], rows[13][4]] == list(cells.values())


def test_text_is_written_exactly_as_stored(ledger):
    problem = ledger.problem_a
    problem.description = "  前后有空格  "
    problem.detail = "第一行\r\n第二行\t制表"
    problem.notes = "#N/A"  # would be an error value if written as a bare string
    problem.save()
    data = ledger_export(user=ledger["admin"], round_code="R-TEST", unit_code="EDU", today=TODAY)
    ws = load(data)["省教育厅"]
    assert (ws["C8"].value, ws["D8"].value, ws["P8"].value) == ("  前后有空格  ", "第一行\r\n第二行\t制表", "#N/A")
    assert ws["P8"].data_type == "s"
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("省教育厅").to_python()
    assert rows[7][2:4] == ["  前后有空格  ", "第一行\r\n第二行\t制表"]
    assert rows[7][11] == dt.date(2026, 7, 31)


def test_control_characters_are_dropped_not_fatal(ledger):
    Task.objects.filter(pk=ledger.task_a.pk).update(measure="整改\x0b措施\x01")
    ws = export_unit(ledger["admin"])["省教育厅"]
    assert ws["E8"].value == "整改措施"


def test_exported_unit_imports_with_no_change(ledger):
    """The round trip the ledger importer promises: export, then a dry-run import sees nothing new."""
    from rectify.ledger.services import ledger_import

    Task.objects.create(problem=Problem.objects.get(inspected_unit=ledger.iu_a, number=5), number=1, measure="补充措施", criterion="完成", deadline_kind=K.DEADLINE,
                        due_date=dt.date(2026, 8, 31), original_due_date=dt.date(2026, 8, 31))
    Responsibility.objects.bulk_create([
        Responsibility(task=t, kind=kind, name=name)
        for t in Task.objects.filter(problem__inspected_unit=ledger.iu_a, responsibilities__isnull=True)
        for kind, name in (("leader", "王副厅长"), ("department", "财务处"), ("person", "李四"))
    ])
    data = ledger_export(user=ledger["admin"], round_code="R-TEST", unit_code="EDU", today=TODAY)
    report = ledger_import(actor=None, data=data, filename="台账.xlsx", round_code="R-TEST", unit_code="EDU",
                           dry_run=True)
    assert report.errors == []
    assert report.problems == {"new": 0, "changed": 0, "unchanged": 5, "missing": 0}
    assert report.tasks == {"new": 0, "changed": 0, "unchanged": 7, "missing": 0}


# --- whole round, scope ---------------------------------------------------------------------------

def test_whole_round_has_summary_and_a_sheet_per_unit(ledger):
    OrgUnit.objects.filter(pk=ledger.unit_b.pk).update(short_name="财政厅")
    wb = load(ledger_export(user=ledger["commission"], round_code="R-TEST", today=TODAY))
    assert wb.sheetnames == ["汇总", "省教育厅", "财政厅"]
    assert wb["财政厅"]["C6"].value == "选人用人不规范问题整改不到位"
    summary = wb["汇总"]
    assert row_values(summary, 3) == ["序号", "被巡视单位", "问题数", "已完成", "基本完成", "未完成", "完成率", "红灯",
                                      "黄灯", "逾期任务"]
    # A: #2 completed, #4 basic, #1 #3 #5 incomplete; #3 red, #1 yellow; #3's task overdue.
    assert row_values(summary, 4) == [1, "省教育厅", 5, 1, 1, 3, 0.2, 1, 1, 1]
    assert row_values(summary, 5) == [2, "省财政厅", 1, 0, 0, 1, 0, 0, 1, 0]
    assert row_values(summary, 6) == ["合计", None, 6, 1, 1, 4, pytest.approx(0.1667), 1, 2, 1]
    assert summary["G4"].number_format == "0.00%"
    assert summary.max_row == 6


def test_unit_user_exporting_the_round_gets_only_their_unit(ledger):
    wb = load(ledger_export(user=ledger[Role.UNIT_LEAD], round_code="R-TEST", today=TODAY))
    assert wb.sheetnames == ["汇总", "省教育厅"]
    assert [row_values(wb["汇总"], r)[1] for r in (4, 5)] == ["省教育厅", None]
    assert wb["汇总"]["A5"].value == "合计"


@pytest.mark.parametrize(("who", "unit_code", "round_code"), [
    ("unit_lead_b", "EDU", "R-TEST"),  # another unit's ledger
    (Role.UNIT_MEMBER, "FIN", "R-TEST"),
    ("commission", "EDU", "NO-SUCH-ROUND"),
    ("commission", "NO-SUCH-UNIT", "R-TEST"),
])
def test_out_of_scope_or_unknown_is_not_found(ledger, who, unit_code, round_code):
    with pytest.raises(NotFound):
        ledger_export(user=ledger[who], round_code=round_code, unit_code=unit_code, today=TODAY)


def test_unit_user_of_another_round_cannot_export_it(ledger):
    other = factories.org_unit(name="省外事办", code="FAO")
    lead = factories.user(role=Role.UNIT_LEAD, unit=other)
    with pytest.raises(NotFound):
        ledger_export(user=lead, round_code="R-TEST", today=TODAY)


def test_sheet_names_are_valid_and_unique():
    def unit(name: str, short: str = "") -> InspectedUnit:
        return InspectedUnit(unit=OrgUnit(code=f"C-{name}", name=name, short_name=short))

    units = [unit("省教育厅", "教育/厅[1]"), unit("汇总"), unit("History"), unit("A" * 40), unit("A" * 40),
             unit("?*:"), unit("Edu", "edu"), unit("EDU")]
    titles = sheet_titles(units, reserved=export.RESERVED_SHEET_NAMES)
    assert titles == ["教育厅1", "汇总(2)", "History(2)", "A" * 31, "A" * 28 + "(2)", "C-", "edu", "EDU(2)"]
    assert all(len(t) <= 31 and not set(t) & set("[]:*?/\\") for t in titles)


# --- queries --------------------------------------------------------------------------------------

def add_problems(iu: InspectedUnit, count: int, author: User) -> None:
    problems = factories.problems_bulk(iu=iu, count=count, with_responsibilities=True, category_code="3.2",
                                       tasks=((S.PENDING, K.DEADLINE), (S.CLOSED, K.IMMEDIATE),
                                              (S.IN_PROGRESS, K.LONG_TERM)))
    ProgressEntry.objects.bulk_create([
        ProgressEntry(task=t, author=author, text=f"进展{t.pk}", created_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
        for t in Task.objects.filter(problem__in=problems)
    ])


@pytest.mark.parametrize("who", ["commission", Role.UNIT_LEAD])
def test_query_count_does_not_grow_with_problems(world, who):
    counts: dict[tuple[str, int], int] = {}
    for size, more in ((5, 5), (50, 45)):
        add_problems(world.iu_a, more, world["admin"])
        for scope, unit_code in (("unit", "EDU"), ("round", None)):
            user = fresh(world[who])
            with capture_queries() as ctx:
                data = ledger_export(user=user, round_code="R-TEST", unit_code=unit_code, today=TODAY)
            counts[scope, size] = len(ctx.captured_queries)
            assert load(data)["省教育厅"].max_row > 4 + size  # the problems really are there
    assert counts["unit", 5] == counts["unit", 50]
    assert counts["round", 5] == counts["round", 50]
    # the unit; the ordered ids; one page = problems, tasks (with warning and progress), names
    assert counts["unit", 50] == (5 if who == "commission" else 6), counts


def test_pages_give_the_same_workbook(ledger, monkeypatch):
    """Headings, counts and merges come out the same when a unit is read 2 problems at a time."""
    def snapshot() -> tuple[list[list[object]], set[str], int]:
        with capture_queries() as ctx:
            ws = export_unit(fresh(ledger["admin"]))["省教育厅"]
        values = [row_values(ws, r) for r in range(2, ws.max_row + 1)]
        return values, merged(ws), len(ctx.captured_queries)

    whole = snapshot()
    monkeypatch.setattr(export, "PAGE_SIZE", 2)
    paged = snapshot()
    assert paged[:2] == whole[:2]
    assert paged[2] == whole[2] + 2 * 3  # three pages of three queries instead of one

