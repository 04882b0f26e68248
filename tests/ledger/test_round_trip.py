"""Round trip on the realistic demo: export a unit (or the whole round) and import it back — zero changes."""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.accounts.services import cli_operator
from rectify.core import clock
from rectify.demo.loader import demo_load
from rectify.ledger.export import ledger_export
from rectify.ledger.services import ledger_import

UNCHANGED_ONLY = {"new": 0, "changed": 0, "missing": 0}


@pytest.fixture
def demo(db):  # type: ignore[no-untyped-def]
    with clock.frozen(dt.date(2026, 11, 23)):
        yield demo_load()


def _assert_no_change(report) -> None:
    assert report.errors == []
    assert {k: v for k, v in report.problems.items() if k != "unchanged"} == UNCHANGED_ONLY, report.changes[:3]
    assert {k: v for k, v in report.tasks.items() if k != "unchanged"} == UNCHANGED_ONLY, report.changes[:3]
    assert report.problems["unchanged"] > 0


@pytest.mark.parametrize("unit_code", ["YN-JYT", "YN-NXS", "YN-CZT"])
def test_unit_export_reimports_with_zero_changes(demo, unit_code):
    with clock.frozen(dt.date(2026, 11, 23)):
        data = ledger_export(user=cli_operator(), round_code=demo["round"], unit_code=unit_code)
        report = ledger_import(actor=None, data=data, filename="台账.xlsx", round_code=demo["round"],
                               unit_code=unit_code, dry_run=True)
    _assert_no_change(report)


def test_whole_round_workbook_imports_the_units_own_sheet(demo):
    with clock.frozen(dt.date(2026, 11, 23)):
        data = ledger_export(user=cli_operator(), round_code=demo["round"])
        report = ledger_import(actor=None, data=data, filename="全轮次.xlsx", round_code=demo["round"],
                               unit_code="YN-NXS", dry_run=True)
    _assert_no_change(report)
    assert len(report.skipped_sheets) >= 19
