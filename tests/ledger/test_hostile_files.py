"""Hostile spreadsheets are refused before python-calamine builds them (rectify.ledger.guard).

calamine aborts the whole process (SIGABRT) when an allocation fails, so every file here would have killed
the web worker, the job worker or the CLI. Each must come back as a LedgerFileError that says what to fix,
through parse_ledger, parse_roster and the CLI, and without calamine ever being called: the tests replace
calamine by a stub that fails the test when touched.
"""

from __future__ import annotations

import io
import json
import random
import re
import struct
import zipfile
import zlib

import openpyxl
import pytest

from rectify import cli
from rectify.ledger import parsing
from rectify.ledger.parsing import LedgerFileError, parse_ledger
from rectify.ledger.roster import parse_roster
from tests.ledger import fixtures

MB = 1024 * 1024


class _NoCalamine:
    @staticmethod
    def from_filelike(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("calamine was called on a hostile file")


@pytest.fixture
def no_calamine(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(parsing, "CalamineWorkbook", _NoCalamine)


def refused(data: bytes, filename: str = "台账.xlsx") -> str:
    """The message both importers give, the same one."""
    with pytest.raises(LedgerFileError) as ledger:
        parse_ledger(data, filename, year=2026)
    with pytest.raises(LedgerFileError) as roster:
        parse_roster(data, filename)
    assert ledger.value.message == roster.value.message
    return ledger.value.message


def _save(wb: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def far_cell_xlsx(value: str = "x", cell: str = "XFD1048576") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "职务"])
    ws.append(["王刚", "党组书记、厅长"])
    ws[cell] = value
    return _save(wb)


def rewrite(data: bytes, change) -> bytes:  # type: ignore[no-untyped-def]
    """The package with ``change(name, content)`` applied to every entry."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info.filename)))
    return out.getvalue()


def sheet_xml(data: bytes, xml: bytes) -> bytes:
    return rewrite(data, lambda n, d: xml if n == "xl/worksheets/sheet1.xml" else d)


def without_dimension(data: bytes) -> bytes:
    return rewrite(data, lambda n, d: re.sub(rb"<dimension[^>]*/>", b"", d) if n.endswith("sheet1.xml") else d)


_HEAD = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
_TAIL = b"</sheetData></worksheet>"


def streamed_sheet(pieces, *, level: int = 9, zip64: bool = True) -> bytes:  # type: ignore[no-untyped-def]
    """A workbook whose sheet1.xml is written piece by piece (a bomb stays small in memory and on disk)."""
    base = fixtures_two_rows()
    src = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as dst:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with dst.open(info.filename, "w", force_zip64=zip64) as fh:
                    for piece in pieces:
                        fh.write(piece)
            else:
                dst.writestr(info.filename, src.read(info.filename))
    return out.getvalue()


def fixtures_two_rows() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "职务"])
    return _save(wb)


# --------------------------------------------------------------------------- 1. far cells (the abort)

@pytest.mark.parametrize("value", ["x", " "])
def test_a_value_at_xfd1048576_is_refused_before_calamine(no_calamine, value):  # type: ignore[no-untyped-def]
    data = far_cell_xlsx(value)
    assert len(data) < 6000
    message = refused(data)
    assert "XFD1048576" in message and "1,048,576 行 × 16,384 列" in message
    assert "请删除表格右下方的空白单元格" in message and "“Sheet”" in message


def test_the_cells_used_count_when_the_dimension_is_missing_or_small(no_calamine):  # type: ignore[no-untyped-def]
    data = without_dimension(far_cell_xlsx())
    assert "单元格用到 XFD1048576" in refused(data)
    small_dimension = rewrite(far_cell_xlsx(), lambda n, d: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', d))
    assert "单元格用到 XFD1048576" in refused(small_dimension)
    # the 1.8 GB variant: not the last cell, but still far past the cell budget
    assert "单元格用到 ALL60000" in refused(without_dimension(far_cell_xlsx(cell="ALL60000")))


def test_cells_without_r_or_with_prefixes_are_counted_as_calamine_counts_them(no_calamine):  # type: ignore[no-untyped-def]
    positional = _HEAD + b'<row r="20000">' + b"<c><v>1</v></c>" * 1001 + b"</row>" + _TAIL
    assert "单元格用到 ALM20000" in refused(sheet_xml(fixtures_two_rows(), positional))
    attribute_order = _HEAD + b'<row r="1"><c s="0" r="XFD1048576"><v>1</v></c></row>' + _TAIL
    assert "XFD1048576" in refused(sheet_xml(fixtures_two_rows(), attribute_order))
    prefixed = (b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
                b'<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>')
    assert "XFD1048576" in refused(sheet_xml(fixtures_two_rows(), prefixed))


def test_hidden_sheets_count_too(no_calamine):  # type: ignore[no-untyped-def]
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "职务"])
    hidden = wb.create_sheet("隐藏")
    hidden["XFD1048576"] = "x"
    hidden.sheet_state = "hidden"
    assert "“隐藏”" in refused(_save(wb))


def test_more_than_excel_rows_is_refused(no_calamine):  # type: ignore[no-untyped-def]
    """The 10 MB, 2,000,000-row repro (here every 1,000th row): past Excel's own 1,048,576 rows."""
    rows = (b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, 2_000_001, 1000))
    data = streamed_sheet([_HEAD, *rows, b'<row r="2000000"><c r="A2000000"><v>1</v></c></row>', _TAIL])
    assert "单元格用到 A2000000" in refused(data)


def test_the_shared_string_count_calamine_reserves_is_bounded(no_calamine):  # type: ignore[no-untyped-def]
    base = fixtures_two_rows()
    sst = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
           b'uniqueCount="4000000000"><si><t>a</t></si></sst>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in zipfile.ZipFile(io.BytesIO(base)).infolist():
            dst.writestr(info.filename, zipfile.ZipFile(io.BytesIO(base)).read(info.filename))
        dst.writestr("xl/sharedStrings.xml", sst)
    assert "共享字符串表声明了 4000000000 个字符串" in refused(out.getvalue())


# --------------------------------------------------------------------------- 2. decompression bombs

def test_one_huge_cell_text_is_refused_even_when_it_compresses_badly(no_calamine):  # type: ignore[no-untyped-def]
    """One cell far past Excel's 32,767 characters (here 1 MB of hex, so no ratio check catches it)."""
    text = random.Random(7).randbytes(MB // 2).hex().encode()
    data = streamed_sheet([_HEAD, b'<row r="1"><c r="A1" t="inlineStr"><is><t>', text, b"</t></is></c></row>", _TAIL])
    assert "超长的单元格内容" in refused(data)


def test_the_real_400_mb_string_is_refused_by_its_declared_size_and_ratio(no_calamine):  # type: ignore[no-untyped-def]
    text = b"a" * (4 * MB)
    data = streamed_sheet([_HEAD, b'<row r="1"><c r="A1" t="inlineStr"><is><t>', *[text] * 100,
                           b"</t></is></c></row>", _TAIL], level=1)
    assert "解压后超过 500 MB（或压缩比异常）" in refused(data)


def test_whitespace_padding_is_refused_by_the_uncompressed_limit(no_calamine, settings):  # type: ignore[no-untyped-def]
    """1.5 GB of whitespace in sheet1.xml, scaled down: the same check with a 20 MB limit."""
    settings.RECTIFY_SHEET_MAX_UNCOMPRESSED_BYTES = 20 * MB
    data = streamed_sheet([_HEAD, *[b" " * MB] * 30, _TAIL])
    assert "解压后超过 20 MB" in refused(data)


def test_an_entry_that_lies_about_its_size_is_corrupt(no_calamine):  # type: ignore[no-untyped-def]
    """A header declaring 1 KB over a stream that inflates to 32 MB (and a CRC of just that 1 KB)."""
    pieces = [_HEAD, b'<row r="1"><c r="A1"><v>1</v></c></row>', *[b"<!-- -->" * (MB // 8)] * 32, _TAIL]
    data = streamed_sheet(pieces, zip64=False)
    real = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml").file_size
    fake_crc = zlib.crc32(b"".join(pieces[:3])[:1024])
    patched = bytearray(data)
    for sig, size_at, crc_at in ((b"PK\x03\x04", 22, 14), (b"PK\x01\x02", 24, 16)):
        for m in re.finditer(re.escape(sig), data):
            name_at = m.start() + (30 if sig == b"PK\x03\x04" else 46)
            if data[name_at:name_at + 24] == b"xl/worksheets/sheet1.xml":
                struct.pack_into("<I", patched, m.start() + crc_at, fake_crc)
                struct.pack_into("<I", patched, m.start() + size_at, 1024)
    assert zipfile.ZipFile(io.BytesIO(bytes(patched))).getinfo("xl/worksheets/sheet1.xml").file_size == 1024 < real
    assert "已损坏或不完整" in refused(bytes(patched))


def test_too_many_entries_and_a_too_big_file(no_calamine, settings):  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    base = zipfile.ZipFile(io.BytesIO(fixtures_two_rows()))
    with zipfile.ZipFile(out, "w") as dst:
        for info in base.infolist():
            dst.writestr(info.filename, base.read(info.filename))
        for i in range(5001):
            dst.writestr(f"xl/media/{i}.bin", b"")
    assert "部件" in refused(out.getvalue())
    settings.RECTIFY_SHEET_MAX_FILE_BYTES = 1000
    assert "超过可导入的上限" in refused(far_cell_xlsx())


def test_a_hostile_workbook_behind_an_open_password_is_checked_too(no_calamine):  # type: ignore[no-untyped-def]
    locked = fixtures.encrypt_xlsx(far_cell_xlsx(), "mima")
    with pytest.raises(LedgerFileError, match="XFD1048576"):
        parse_ledger(locked, "台账.xlsx", year=2026, password="mima")
    with pytest.raises(LedgerFileError, match="XFD1048576"):
        parse_roster(locked, "名单.xlsx", password="mima")


# --------------------------------------------------------------------------- .xls (BIFF)

def _xls_far_cell() -> bytes:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("名单")
    ws.write(0, 0, "姓名")
    ws.write(1, 1, "王刚")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xls_dimensions_and_cell_columns_past_biff8_are_refused(no_calamine):  # type: ignore[no-untyped-def]
    data = _xls_far_cell()
    at = data.find(b"\x00\x02\x0e\x00")  # DIMENSIONS: rows 0..2, columns 0..2
    assert at > 0
    huge = data[:at + 4] + struct.pack("<IIHHH", 0, 0xFFFFFFFF, 0, 0xFFFF, 0) + data[at + 18:]
    assert "声明的范围到" in refused(huge, "名单.xls") and "4,294,967,295 行" in refused(huge, "名单.xls")
    labelsst = re.search(rb"\xfd\x00\x0a\x00\x01\x00\x01\x00", data)  # the cell at B2
    assert labelsst is not None
    wide = data[:labelsst.start() + 6] + b"\xff\xff" + data[labelsst.start() + 8:]  # column 65,535
    message = refused(wide, "名单.xls")
    assert "单元格用到" in message and "“名单”" in message and "65,536 列" in message


def test_a_normal_xls_still_reads():  # type: ignore[no-untyped-def]
    result = parse_ledger(fixtures.legacy_xls(), "台账.xls", year=2022)
    assert result.sheets == ["整改台账"] and len(result.problems) == 2


# --------------------------------------------------------------------------- 3. CSV

def test_an_unbalanced_quote_in_a_csv_is_a_file_error():  # type: ignore[no-untyped-def]
    data = ('姓名,职务\r\n王刚,党组书记\r\n"李华,' + "甲" * 200_000 + "\r\n").encode("utf-8")
    message = refused(data, "名单.csv")
    assert message.startswith("第3行有未闭合的引号或超长的单元格")


def test_a_csv_too_wide_is_refused():  # type: ignore[no-untyped-def]
    data = ("姓名,职务\r\n" + "," * 5000 + "\r\n").encode("utf-8")
    assert refused(data, "名单.csv").startswith("第2行有 5,001 列，超过可处理的 1,000 列")


# --------------------------------------------------------------------------- the command line

@pytest.mark.parametrize("name,make", [
    ("名单.xlsx", far_cell_xlsx),
    ("名单.csv", lambda: ('姓名,职务\r\n"李华,' + "甲" * 200_000).encode("utf-8")),
])
def test_cli_import_people_gives_one_json_object_and_exit_2(world, no_calamine, tmp_path, capsys, name, make):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(make())
    assert cli.main(["import-people", str(path), "--unit", "EDU", "--dry-run", "--json"]) == 2
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    data = json.loads(out)
    assert data["committed"] is False and len(data["errors"]) == 1
    assert data["errors"][0]["sheet"] is None and ("XFD1048576" in data["errors"][0]["message"]
                                                   or "未闭合的引号" in data["errors"][0]["message"])


def test_cli_import_ledger_too(world, no_calamine, tmp_path, capsys):  # type: ignore[no-untyped-def]
    path = tmp_path / "台账.xlsx"
    path.write_bytes(far_cell_xlsx())
    code = cli.main(["import-ledger", str(path), "--round", world.round.code, "--unit", "EDU", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 2 and "XFD1048576" in data["errors"][0]["message"]


# --------------------------------------------------------------------------- normal files still read

def test_a_normal_multi_sheet_workbook_still_parses():  # type: ignore[no-untyped-def]
    wb = openpyxl.load_workbook(io.BytesIO(fixtures.provincial_department_xlsx()))
    wb.create_sheet("说明").append(["本表由办公室填报"])
    extra = wb.create_sheet("隐藏")
    extra.append(["x"])
    extra.sheet_state = "hidden"
    result = parse_ledger(_save(wb), "台账.xlsx", year=2021)
    assert not [e for e in result.errors if "超出" in e.message]
    assert len(result.problems) == 3 and {"说明", "隐藏"} <= set(result.skipped_sheets)


def test_a_20000_row_ledger_still_parses():  # type: ignore[no-untyped-def]
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append(["序号", "问题描述", "整改措施", "责任领导", "责任部门", "完成时限", "整改进展"])
    for i in range(1, 20_001):
        ws.append([i, f"第{i}个问题：落实中央八项规定精神不严格", f"开展专项清理（措施{i}）", "王刚", "财务处",
                   "2026年12月31日", "已召开专题会议研究部署"])
    result = parse_ledger(_save(wb), "台账.xlsx", year=2026)
    assert result.errors == [] and len(result.problems) == 20_000
