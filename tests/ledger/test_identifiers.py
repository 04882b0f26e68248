"""Problem identifiers are text: a unit's own numbering (P01, XS-2021-03, 一-2) is kept as written, ordinals
(1、 （1） ① 一、) are stored as digits, absurd or over-long ones are row errors, and problems sort naturally
in the ledger export and the problem list."""

from __future__ import annotations

import io

import openpyxl
import pytest

from rectify.audit.models import AuditEvent
from rectify.inspections.models import PROBLEM_NUMBER_MAX, Problem
from rectify.ledger.cells import IDENTIFIER_MAX, Identifier, identifier_key, parse_identifier
from rectify.ledger.export import ledger_export
from rectify.ledger.parsing import parse_ledger
from rectify.ledger.services import ledger_import
from rectify.rectification.models import Task
from rectify.rectification.selectors import ProblemFilters, problem_list_for

pytestmark = pytest.mark.usefixtures("feedback_2021")

HEADER = ["序号", "问题描述", "整改措施", "责任领导", "责任部门", "完成时限"]


def xlsx(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "整改台账"
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def ledger_row(number: object, text: str) -> list[object]:
    return [number, f"问题{text}", f"措施{text}", "王副厅长", "办公室", "2021年12月31日"]


def run(world, data: bytes, *, dry_run: bool = False, actor=None, unit: str = "EDU"):
    return ledger_import(actor=actor, data=data, filename="台账.xlsx", round_code=world.round.code, unit_code=unit,
                         dry_run=dry_run)


@pytest.mark.parametrize(("cell", "expected"), [
    (1, Identifier("1")), (3.0, Identifier("3")), ("12", Identifier("12")), ("（1）", Identifier("（1）")),
    ("1、", Identifier("1")), ("①", Identifier("①")), ("一、", Identifier("一")), ("十二", Identifier("十二")),
    ("第3条", Identifier("第3条")), ("１２", Identifier("12")), ("007", Identifier("007")), ("P01、", Identifier("P01")),
    ("P01", Identifier("P01")), ("XS-2021-03", Identifier("XS-2021-03")), ("一-2", Identifier("一-2")),
    (" P01 ", Identifier("P01")), ("ＸＳ－０１", Identifier("XS-01")), (1.5, Identifier("1.5")),
    ("第A条", Identifier("第A条")), ("A" * 20, Identifier("A" * 20)), ("999999", Identifier("999999")),
    ("1000000", Identifier(None, "absurd")), ("99999999999999999999", Identifier(None, "absurd")),
    (1e20, Identifier(None, "absurd")), ("（1234567）", Identifier(None, "absurd")),
    ("A" * 21, Identifier(None, "too_long")), (0, Identifier(None, "invalid")), ("0", Identifier(None, "invalid")),
    (-3, Identifier(None, "invalid")), (True, Identifier(None, "invalid")), ("", Identifier(None, "empty")),
])
def test_a_number_cell_is_read_as_the_identifier_that_is_stored(cell: object, expected: Identifier) -> None:
    assert parse_identifier(cell) == expected


def test_identifiers_compare_as_written_in_any_form() -> None:
    assert identifier_key("（1）") == identifier_key("1") == identifier_key("一、") == "1"
    assert identifier_key("P01") == identifier_key("ｐ01")
    assert identifier_key("P01") != identifier_key("P1")
    assert IDENTIFIER_MAX == PROBLEM_NUMBER_MAX  # the parser refuses what the column cannot hold


def test_identifiers_of_every_shape_parse_and_duplicates_are_found_after_normalising() -> None:
    data = xlsx([ledger_row("P01", "甲"), ledger_row("（2）", "乙"), ledger_row("一-2", "丙"),
                 ledger_row("XS-2021-03", "丁"), ledger_row(2, "戊"), ledger_row("ｐ01", "己")])
    result = parse_ledger(data, "台账.xlsx", year=2021)
    assert [p.number for p in result.problems] == ["P01", "（2）", "一-2", "XS-2021-03", "2", "p01"]
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (6, "A", "问题序号 2 与第3行重复：每个问题的序号必须不同"),
        (7, "A", "问题序号 p01 与第2行重复：每个问题的序号必须不同"),
    ]


def test_an_absurd_or_too_long_number_is_a_dry_run_row_error_and_the_commit_writes_nothing(fresh_unit):
    data = xlsx([ledger_row(1, "甲"), ledger_row("99999999999999999999", "乙"),
                 ledger_row("XS-2021-03-第二批次-补充问题-01", "丙")])
    events = AuditEvent.objects.count()
    dry = run(fresh_unit, data, dry_run=True)
    assert [(e.sheet, e.row, e.column) for e in dry.errors] == [("整改台账", 3, "A"), ("整改台账", 4, "A")]
    assert "纯数字序号最多6位" in dry.errors[0].message and "“99999999999999999999”" in dry.errors[0].message
    assert "超过20个字符" in dry.errors[1].message and "P01" in dry.errors[1].message
    report = run(fresh_unit, data, dry_run=False)
    assert not report.committed and len(report.errors) == 2
    assert not Problem.objects.filter(inspected_unit=fresh_unit.iu_a).exists()
    assert AuditEvent.objects.count() == events


def test_identifiers_are_stored_as_written_and_a_reimport_in_another_form_matches(fresh_unit):
    report = run(fresh_unit, xlsx([ledger_row("（1）", "甲"), ledger_row("P01", "乙"), ledger_row("一-2", "丙")]))
    assert report.committed
    stored = list(Problem.objects.filter(inspected_unit=fresh_unit.iu_a).values_list("number", flat=True))
    assert sorted(stored) == ["P01", "一-2", "（1）"]  # as written
    again = run(fresh_unit, xlsx([ledger_row(1, "甲"), ledger_row("ｐ01", "乙"), ledger_row("一-2", "丙")]),
                dry_run=True)
    assert again.errors == []
    assert again.problems == {"new": 0, "changed": 0, "unchanged": 3, "missing": 0}
    assert again.tasks == {"new": 0, "changed": 0, "unchanged": 3, "missing": 0}


SHUFFLED = ["P10", "10", "XS-2021-03", "一-10", "2", "P2", "一-2"]
NATURAL = ["一-2", "一-10", "2", "10", "P2", "P10", "XS-2021-03"]  # 一-2 reads 1-2: before 2


def test_problems_sort_naturally_in_the_export_and_the_problem_list(fresh_unit):
    assert run(fresh_unit, xlsx([ledger_row(n, n) for n in SHUFFLED])).committed
    ws = openpyxl.load_workbook(io.BytesIO(ledger_export(user=fresh_unit["admin"], round_code=fresh_unit.round.code,
                                                         unit_code="EDU")))["省教育厅"]
    numbers = [ws.cell(row=r, column=1).value for r in range(6, 6 + len(NATURAL))]  # row 5: 一、未分类
    assert numbers == [2 if n == "2" else 10 if n == "10" else n for n in NATURAL]  # digits as number cells
    assert ws.cell(row=6 + len(NATURAL), column=1).value is None
    listed = problem_list_for(user=fresh_unit["commission"], filters=ProblemFilters(unit_code="EDU"))
    assert [p.number for p in listed] == NATURAL


def test_an_export_with_identifiers_of_every_shape_reimports_with_zero_changes(fresh_unit):
    run(fresh_unit, xlsx([ledger_row(n, n) for n in SHUFFLED]))
    Problem.objects.filter(inspected_unit=fresh_unit.iu_a, number="P2").update(number="007")  # as a form might
    data = ledger_export(user=fresh_unit["admin"], round_code=fresh_unit.round.code, unit_code="EDU")
    ws = openpyxl.load_workbook(io.BytesIO(data))["省教育厅"]
    assert "007" in [ws.cell(row=r, column=1).value for r in range(6, 13)]  # text, so the zeros stay
    report = run(fresh_unit, data, dry_run=True)
    assert report.errors == []
    assert report.problems == {"new": 0, "changed": 0, "unchanged": 7, "missing": 0}
    assert report.tasks == {"new": 0, "changed": 0, "unchanged": 7, "missing": 0}
    assert Task.objects.filter(problem__inspected_unit=fresh_unit.iu_a).count() == 7
