"""Uploaded spreadsheets are read in a child process with a memory and a time limit (rectify.ledger.sandbox).

The guard (test_hostile_files.py) refuses the hostile files it knows. These tests lift its limits so that a
file gets past it, as an attack the guard does not foresee would: calamine then really asks for 512 GiB —
and only the child dies of it. The test process is the web worker, job worker or CLI that must carry on.
"""

from __future__ import annotations

import io
import json
import os
import pickle

import openpyxl
import pytest
from django.utils import translation

from rectify import cli
from rectify.ledger import sandbox
from rectify.ledger.parsing import LedgerFileError, parse_ledger
from rectify.ledger.roster import parse_roster
from tests.ledger import fixtures
from tests.ledger.test_hostile_files import far_cell_xlsx

MEMORY = "过大或结构异常，解析时超出内存限制（2,048 MB），已停止处理"


@pytest.fixture
def guard_lifted(settings):  # type: ignore[no-untyped-def]
    """The guard's limits as high as they go: a value at XFD1048576 passes it."""
    settings.RECTIFY_SHEET_MAX_COLUMNS = 16_384
    settings.RECTIFY_SHEET_MAX_CELLS = 10**14
    settings.RECTIFY_PARSE_MAX_MEMORY_MB = 2048


def big_ledger(rows: int) -> bytes:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append(["序号", "问题描述", "整改措施", "责任领导", "责任部门", "完成时限"])
    for i in range(1, rows + 1):
        ws.append([i, f"第{i}个问题：落实中央八项规定精神不严格", f"开展专项清理（措施{i}）", "王刚", "财务处", "2026年12月31日"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_the_child_returns_exactly_what_parsing_in_this_process_returns():
    data = fixtures.provincial_department_xlsx()
    seen: list[tuple[int, int]] = []
    assert sandbox.parse_ledger(data, "台账.xlsx", year=2021, progress=lambda d, t: seen.append((d, t))) == \
        parse_ledger(data, "台账.xlsx", year=2021)
    assert seen and seen[-1][0] == seen[-1][1]  # progress came over from the child, up to the end
    roster = fixtures.csv_bytes("gbk", [["姓名", "职务", "任职时间"], ["王刚", "党组书记、厅长", "2019.03"]])
    assert sandbox.parse_roster(roster, "名单.csv") == parse_roster(roster, "名单.csv")


def test_a_dimension_bomb_past_the_guard_kills_only_the_child(guard_lifted):
    bomb = far_cell_xlsx()
    for read in (lambda: sandbox.parse_ledger(bomb, "台账.xlsx", year=2026),
                 lambda: sandbox.parse_roster(bomb, "名单.xlsx")):
        with pytest.raises(LedgerFileError) as refused:
            read()
        assert MEMORY in refused.value.message and "另存为新文件后再导入" in refused.value.message
    # this process is untouched, and the next file reads
    assert len(sandbox.parse_ledger(fixtures.provincial_department_xlsx(), "台账.xlsx", year=2021).problems) == 3


def test_a_file_that_reads_too_long_is_stopped_at_the_time_limit(settings):
    data = big_ledger(20_000)  # about 2 s to read; the limit here is 0.3 s
    settings.RECTIFY_PARSE_TIMEOUT_SECONDS = 0.3
    with pytest.raises(LedgerFileError) as refused:
        sandbox.parse_ledger(data, "大台账.xlsx", year=2026)
    assert "文件“大台账.xlsx”解析超过 0.3 秒仍未完成，已停止处理" in refused.value.message


def test_the_child_answers_in_the_callers_language_and_with_the_callers_limits(settings):
    with translation.override("en"), pytest.raises(LedgerFileError) as refused:
        sandbox.parse_roster(b"", "roster.csv")
    assert refused.value.message == "“roster.csv” is empty"
    settings.RECTIFY_SHEET_MAX_COLUMNS = 10
    wide = fixtures.csv_bytes("utf-8", [[f"列{i}" for i in range(12)]])
    with pytest.raises(LedgerFileError) as refused:
        sandbox.parse_ledger(wide, "台账.csv", year=2026)
    assert "超过可处理的 10 列" in refused.value.message


def test_the_parent_builds_nothing_but_reader_results_from_what_a_child_sends():
    """A file that took over the child must not get to run code in the worker through the answer."""
    with pytest.raises(pickle.UnpicklingError):
        sandbox._SafeUnpickler.loads(pickle.dumps(("ok", os.system, {})))
    message = sandbox._SafeUnpickler.loads(pickle.dumps(("ok", parse_ledger(fixtures.provincial_department_xlsx(),
                                                                            "台账.xlsx", year=2021), {})))
    assert len(message[1].problems) == 3


def test_the_command_line_survives_the_bomb_with_one_json_object(world, guard_lifted, tmp_path, capsys):
    bomb = tmp_path / "台账.xlsx"
    bomb.write_bytes(far_cell_xlsx())
    code = cli.main(["import-ledger", str(bomb), "--round", world.round.code, "--unit", "EDU", "--dry-run", "--json"])
    out = capsys.readouterr().out
    assert code == 2 and out.count("\n") == 1
    [error] = json.loads(out)["errors"]
    assert MEMORY in error["message"]
