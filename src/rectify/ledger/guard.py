"""Checks on a spreadsheet file before anything builds it: size, declared dimensions and content.

Files are hostile until proven otherwise. python-calamine builds a sheet as the dense rectangle from its
first to its last cell (32 bytes a cell), reserves its shared-string table and an .xls sheet's cells from
counts the file declares, and aborts the whole process (SIGABRT, not an exception) when an allocation fails.
So a 5 KB .xlsx with one value at XFD1048576 asked for 512 GiB and killed the web or job worker. Before
calamine sees a file, :func:`check_file`, :func:`check_xlsx` and :func:`check_xls` look at it with bounded
memory and time and refuse what cannot be a ledger, with a message that says what to fix:

- any file: at most ``RECTIFY_SHEET_MAX_FILE_MB`` (100) on disk;
- .xlsx/.xlsm: at most 5,000 zip entries; at most ``RECTIFY_SHEET_MAX_UNCOMPRESSED_MB`` (500) uncompressed in
  all, declared and actually inflated (each entry is inflated here in 1 MB pieces, so a header that lies
  about its size is caught); no entry over 1 MB compressed more than 200:1; no text run between two XML
  tags of 512 KB or more (an Excel cell holds at most 32,767 characters); a shared-string table declaring
  no more strings than the cell budget; in every worksheet, hidden ones too, the declared ``<dimension>``
  and the last cell actually used (``<c r=…>``, ``<row r=…>``, positions of cells written without one);
- .xls: the DIMENSIONS record and every cell record of every sheet (BIFF8: at most 65,536 × 256).

A sheet passes when its extent from A1 is at most ``RECTIFY_SHEET_MAX_COLUMNS`` (1,000) columns, 1,048,576
rows and ``RECTIFY_SHEET_MAX_CELLS`` (10,000,000) cells. The 100,000-task benchmark ledger
(bench/ledger_import.py) is 9 MB on disk, 147 MB uncompressed (ratio 16), 100,008 rows × 17 columns.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext

from rectify.ledger.types import LedgerFileError

__all__ = ["Corrupt", "Limits", "check_file", "check_xls", "check_xlsx", "limits"]

MB = 1024 * 1024
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
XLS_MAX_ROWS = 65_536
XLS_MAX_COLUMNS = 256
_CHUNK = MB
_RATIO_FLOOR = MB  # entries smaller than this may compress as well as they like
_TEXT_WINDOW = 256 * 1024  # a run without "<" spanning two aligned windows is refused: ≥ 512 KB always


class Corrupt(Exception):
    """The file is damaged (or lies about itself): the reader reports it as a corrupt file."""


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 100 * MB
    uncompressed_bytes: int = 500 * MB
    cells: int = 10_000_000
    columns: int = 1_000
    rows: int = EXCEL_MAX_ROWS
    entries: int = 5_000
    ratio: int = 200


def limits() -> Limits:
    """The limits in force (settings ``RECTIFY_SHEET_MAX_*``, see settings.py)."""
    d = Limits()
    return Limits(
        file_bytes=getattr(settings, "RECTIFY_SHEET_MAX_FILE_BYTES", d.file_bytes),
        uncompressed_bytes=getattr(settings, "RECTIFY_SHEET_MAX_UNCOMPRESSED_BYTES", d.uncompressed_bytes),
        cells=getattr(settings, "RECTIFY_SHEET_MAX_CELLS", d.cells),
        columns=min(getattr(settings, "RECTIFY_SHEET_MAX_COLUMNS", d.columns), EXCEL_MAX_COLUMNS),
    )


def _mb(n: int) -> str:
    return f"{n / MB:,.1f}".removesuffix(".0")


def _column_letters(col: int) -> str:  # 1-based
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def check_file(data: bytes, filename: str, lim: Limits) -> None:
    if len(data) > lim.file_bytes:
        raise LedgerFileError(
            gettext("文件“%(filename)s”有 %(size)s MB，超过可导入的上限 %(max)s MB：请只保留台账所在的工作表，"
                    "删除图片等无关内容后另存再导入") % {"filename": filename, "size": _mb(len(data)),
                                                       "max": _mb(lim.file_bytes)})


def check_extent(sheet: str, rows: int, cols: int, lim: Limits, *, declared: bool) -> None:
    """Refuse a sheet whose extent from A1 (``rows`` × ``cols``, 1-based last row and column) is too big."""
    if rows <= 0 or cols <= 0:
        return
    if rows <= lim.rows and cols <= lim.columns and rows * cols <= lim.cells:
        return
    values = {"sheet": sheet, "cell": f"{_column_letters(cols)}{rows}", "rows": f"{rows:,}", "cols": f"{cols:,}",
              "max_cols": f"{lim.columns:,}", "max_rows": f"{lim.rows:,}", "max_cells": f"{lim.cells:,}"}
    if declared:
        message = gettext("工作表“%(sheet)s”声明的范围到 %(cell)s（%(rows)s 行 × %(cols)s 列），超出可处理的范围"
                          "（最多 %(max_cols)s 列、%(max_rows)s 行、共 %(max_cells)s 个单元格）：请删除表格右下方的"
                          "空白单元格或只保留台账所在区域后另存")
    else:
        message = gettext("工作表“%(sheet)s”的单元格用到 %(cell)s（%(rows)s 行 × %(cols)s 列），超出可处理的范围"
                          "（最多 %(max_cols)s 列、%(max_rows)s 行、共 %(max_cells)s 个单元格）：请删除表格右下方的"
                          "空白单元格或只保留台账所在区域后另存")
    raise LedgerFileError(message % values)


def _too_big(filename: str, lim: Limits) -> LedgerFileError:
    return LedgerFileError(
        gettext("文件“%(filename)s”解压后超过 %(max)s MB（或压缩比异常），不像正常的台账：请只保留台账所在的"
                "工作表，删除多余的行列和图片后另存再导入") % {"filename": filename, "max": _mb(lim.uncompressed_bytes)})


# =========================================================================== .xlsx / .xlsm


def _entry_chunks(data: bytes, info: zipfile.ZipInfo, limit: int) -> Iterator[bytes]:
    """The entry's content in pieces of at most 1 MB, inflated here (never trusting its declared size):
    raises :class:`Corrupt` when it holds more or less than it declares, ``_Overflow`` past ``limit``."""
    off = info.header_offset
    if data[off:off + 4] != b"PK\x03\x04" or info.flag_bits & 0x1:  # no local header, or zip encryption
        raise Corrupt
    name_len, extra_len = struct.unpack_from("<HH", data, off + 26)
    start = off + 30 + name_len + extra_len
    raw = memoryview(data)[start:start + info.compress_size]
    if len(raw) != info.compress_size:
        raise Corrupt
    produced = 0
    ceiling = min(info.file_size, limit)

    def account(piece: bytes) -> bytes:
        nonlocal produced
        produced += len(piece)
        if produced > info.file_size:
            raise Corrupt  # holds more than it declares: calamine would inflate all of it
        if produced > limit:
            raise _Overflow
        return piece

    if info.compress_type == zipfile.ZIP_STORED:
        for pos in range(0, len(raw), _CHUNK):
            yield account(bytes(raw[pos:pos + _CHUNK]))
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            for pos in range(0, len(raw), 64 * 1024):
                pending = bytes(raw[pos:pos + 64 * 1024])
                while pending and not inflater.eof:
                    out = inflater.decompress(pending, _CHUNK)
                    pending = inflater.unconsumed_tail
                    if out:
                        yield account(out)
                if inflater.eof:
                    break
            while not inflater.eof:  # input all given; drain what zlib still holds, piece by piece
                out = inflater.decompress(b"", _CHUNK)
                if not out:
                    break
                yield account(out)
        except zlib.error:
            raise Corrupt from None
        if produced < ceiling and not inflater.eof:
            raise Corrupt
    else:
        raise Corrupt  # Excel and WPS only store or deflate
    if produced != info.file_size:
        raise Corrupt


class _Overflow(Exception):
    pass


_REL = re.compile(rb"<(?:[\w.-]+:)?Relationship\b([^>]*)>")
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_SHEET_TAG = re.compile(rb"<(?:[\w.-]+:)?sheet\b([^>]*)>")
_SHEET_REL_TYPES = (b"/worksheet", b"/macrosheet", b"/dialogsheet", b"/chartsheet")
_SHEET_DIRS = ("xl/worksheets/", "xl/macrosheets/", "xl/dialogsheets/", "xl/chartsheets/")


def _attrs(text: bytes) -> dict[str, str]:
    out = {}
    for m in _ATTR.finditer(text):
        key = m.group(1).decode("ascii", "replace").split(":")[-1]
        out[key] = html.unescape((m.group(2) if m.group(2) is not None else m.group(3) or b"").decode("utf-8", "replace"))
    return out


def _small_entry(data: bytes, infos: dict[str, zipfile.ZipInfo], name: str, lim: Limits) -> bytes:
    info = infos.get(name.lower())
    if info is None:
        return b""
    return b"".join(_entry_chunks(data, info, min(lim.uncompressed_bytes, 16 * MB)))


def _sheet_names(data: bytes, infos: dict[str, zipfile.ZipInfo], lim: Limits) -> dict[str, str]:
    """Lower-cased zip path of every sheet part -> the sheet's name as shown in Excel (path when unknown)."""
    rels = _small_entry(data, infos, "xl/_rels/workbook.xml.rels", lim)
    targets: dict[str, str] = {}
    for m in _REL.finditer(rels):
        a = _attrs(m.group(1))
        if a.get("Type", "").encode().endswith(_SHEET_REL_TYPES) and a.get("Target"):
            target = a["Target"].replace("\\", "/")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            targets[a.get("Id", "")] = posixpath.normpath(path).lower()
    names: dict[str, str] = {}
    for m in _SHEET_TAG.finditer(_small_entry(data, infos, "xl/workbook.xml", lim)):
        a = _attrs(m.group(1))
        path = targets.get(a.get("id", ""))
        if path and a.get("name"):
            names[path] = a["name"]
    parts = {n for n in infos if n.startswith(_SHEET_DIRS)} | set(targets.values())
    return {p: names.get(p, p) for p in parts}


# Fast path: every generator we know writes r first, unprefixed. Anything else takes the exact tokenizer.
_FAST_CELL = re.compile(rb'<c r="([A-Z]{1,3})[0-9]{1,7}"')
_FAST_CELL_ROW = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{1,7})"')
_FAST_ROW = re.compile(rb'<row r="([0-9]{1,7})"')
# A cell or row tag the fast path does not read exactly: no r, r not first or out of form, or prefixed.
_ODD_CELL = re.compile(rb'<c(?:[>/]|\s(?!r="[A-Z]{1,3}[0-9]{1,7}"))')
_ODD_ROW = re.compile(rb'<row(?:[>/]|\s(?!r="[0-9]{1,7}"))')
_PREFIXED = re.compile(rb":(?:c|row)[\s/>]")
_TAG = re.compile(rb"<(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*)>")
_R_ATTR = re.compile(rb"""(?:^|\s)r\s*=\s*["']\s*([A-Za-z]*)([0-9]*)\s*["']""")
_DIMENSION = re.compile(rb"""<(?:[\w.-]+:)?dimension\b[^>]*?\bref\s*=\s*["']([^"']*)["']""")
_SST = re.compile(rb"<(?:[\w.-]+:)?sst\b([^>]*)>")
_REF = re.compile(r"\$?([A-Za-z]{1,4})\$?([0-9]{1,9})$")


class _SheetScan:
    """Extent of one worksheet part, fed with its XML piece by piece (tags are never split)."""

    def __init__(self, exact: bool) -> None:
        self.exact = exact
        self.declared: tuple[int, int] | None = None
        self.max_row = self.max_col = 0
        self.odd = False
        self.in_data = False  # <dimension> comes before <sheetData>: not looked for after it
        self.row = 0  # exact: current row and column, 1-based, as calamine counts them
        self.col = 0

    def feed(self, body: bytes) -> None:
        if not self.in_data:
            at = body.find(b"sheetData")
            self.in_data = at >= 0
            if self.declared is None and (m := _DIMENSION.search(body, 0, at if at >= 0 else len(body))):
                self.declared = _ref_extent(m.group(1).decode("ascii", "replace"))
        if self.exact:
            self._exact(body)
            return
        letters = set(_FAST_CELL.findall(body))
        numbers = set(_FAST_CELL_ROW.findall(body))
        row_numbers = _FAST_ROW.findall(body)
        self.odd = self.odd or bool(_ODD_CELL.search(body) or _ODD_ROW.search(body) or _PREFIXED.search(body))
        if letters:
            self.max_col = max(self.max_col, max(_column_number(c.decode()) for c in letters))
        numbers.update(row_numbers)
        if numbers:
            self.max_row = max(self.max_row, max(map(int, numbers)))

    @property
    def needs_exact(self) -> bool:
        return self.odd

    def _exact(self, body: bytes) -> None:
        for m in _TAG.finditer(body):
            r = _R_ATTR.search(m.group(2))
            if m.group(1) == b"row":
                self.row = int(r.group(2)) if r and r.group(2) else self.row + 1
                self.col = 0
            else:
                if r and r.group(2):
                    self.row = int(r.group(2))
                self.row = max(self.row, 1)
                self.col = _column_number(r.group(1).decode()) if r and r.group(1) else self.col + 1
                self.max_col = max(self.max_col, self.col)
            self.max_row = max(self.max_row, self.row)


def _ref_extent(ref: str) -> tuple[int, int] | None:
    """(last row, last column) of a ``dimension`` ref such as A1:XFD1048576 (or a single cell)."""
    m = _REF.match(ref.strip().split(":")[-1].strip())
    if not m:
        return None
    return int(m.group(2)), _column_number(m.group(1))


class _TextRuns:
    """Refuses a run of 512 KB or more without a "<" (one cell's text, or whitespace padding)."""

    def __init__(self) -> None:
        self.carry = 0  # length of the run that ends the previous piece

    def feed(self, piece: bytes) -> bool:
        first = piece.find(b"<")
        if first < 0:
            self.carry += len(piece)
            return self.carry < 2 * _TEXT_WINDOW
        if self.carry + first >= 2 * _TEXT_WINDOW:
            return False
        for pos in range(first, len(piece), _TEXT_WINDOW):
            if pos + _TEXT_WINDOW <= len(piece) and piece.find(b"<", pos, pos + _TEXT_WINDOW) < 0:
                return False
        self.carry = len(piece) - piece.rfind(b"<") - 1
        return True


def check_xlsx(data: bytes, filename: str, lim: Limits) -> None:
    """Refuse a workbook package that would be too big to build. Raises LedgerFileError or Corrupt."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, struct.error):
        raise Corrupt from None
    if len(entries) > lim.entries:
        raise LedgerFileError(gettext("文件“%(filename)s”包含 %(count)s 个部件，不像正常的台账（最多 %(max)s 个）："
                                      "请在 Excel 或 WPS 中另存为新的 .xlsx 后再导入")
                              % {"filename": filename, "count": f"{len(entries):,}", "max": f"{lim.entries:,}"})
    if sum(i.file_size for i in entries) > lim.uncompressed_bytes:
        raise _too_big(filename, lim)
    for info in entries:
        if info.file_size > _RATIO_FLOOR and info.file_size > lim.ratio * max(info.compress_size, 1):
            raise _too_big(filename, lim)
    infos = {i.filename.lower(): i for i in entries}
    try:
        sheets = _sheet_names(data, infos, lim)
        remaining = lim.uncompressed_bytes
        for info in entries:
            name = info.filename.lower()
            if info.is_dir():
                continue
            xml = name.endswith((".xml", ".rels", ".vml"))
            sheet = sheets.get(name)
            scan = _scan_entry(data, info, remaining, xml, sheet is not None, filename, lim)
            remaining -= info.file_size
            if scan is not None and sheet is not None:
                _check_scan(data, info, remaining + info.file_size, scan, sheet, filename, lim)
    except _Overflow:
        raise _too_big(filename, lim) from None


def _scan_entry(data: bytes, info: zipfile.ZipInfo, limit: int, xml: bool, is_sheet: bool, filename: str,
                lim: Limits, exact: bool = False) -> _SheetScan | None:
    scan = _SheetScan(exact) if is_sheet else None
    runs = _TextRuns()
    tail = b""
    first = True
    for piece in _entry_chunks(data, info, limit):
        if not xml:
            continue
        if not runs.feed(piece):
            raise LedgerFileError(
                gettext("文件“%(filename)s”中有超长的单元格内容或空白（超过 Excel 单个单元格 32,767 个字符的上限）："
                        "请删去过长的内容后另存再导入") % {"filename": filename})
        buf = tail + piece if tail else piece
        cut = buf.rfind(b"<")
        if cut < 0:
            tail = b""  # text only: no tag to find in it (its length is bounded by the run check)
            continue
        body, tail = buf[:cut], buf[cut:]
        if first:
            first = False
            _check_sst(body + tail[:4096], filename, lim)
        if scan is not None:
            scan.feed(body)
    if scan is not None and tail:
        scan.feed(tail)
    return scan


def _check_sst(head: bytes, filename: str, lim: Limits) -> None:
    """calamine reserves the declared number of shared strings up front (4e9 aborted the process)."""
    m = _SST.search(head)
    if not m:
        return
    a = _attrs(m.group(1))
    for key in ("uniqueCount", "count"):
        value = a.get(key, "").strip()
        if value and (not value.isdigit() or int(value) > lim.cells):
            raise LedgerFileError(
                gettext("文件“%(filename)s”的共享字符串表声明了 %(count)s 个字符串，超出可处理的范围（最多 %(max)s 个）："
                        "请在 Excel 或 WPS 中另存为新的 .xlsx 后再导入")
                % {"filename": filename, "count": value[:20], "max": f"{lim.cells:,}"})


def _check_scan(data: bytes, info: zipfile.ZipInfo, limit: int, scan: _SheetScan, sheet: str, filename: str,
                lim: Limits) -> None:
    if scan.declared is not None:
        check_extent(sheet, *scan.declared, lim, declared=True)
    if scan.needs_exact:  # cells without r, r not first, or prefixed tags: count positions as calamine does
        exact = _scan_entry(data, info, limit, True, True, filename, lim, exact=True)
        assert exact is not None
        scan = exact
    check_extent(sheet, scan.max_row, scan.max_col, lim, declared=False)


# =========================================================================== .xls (BIFF)

_BOF = {0x0809, 0x0409, 0x0209, 0x0009}
_DIMENSIONS = 0x0200
_BOUNDSHEET = 0x0085
_CELL = {0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0006, 0x0201, 0x0203, 0x0204, 0x0205, 0x0206, 0x0406,
         0x027E, 0x00FD, 0x00D6}
_MULTI = {0x00BD, 0x00BE}  # MULRK, MULBLANK: row, first column, ..., last column
_ROW = 0x0208  # row, first column, last column + 1


def check_xls(stream: bytes, lim: Limits) -> None:
    """Refuse an .xls whose DIMENSIONS record or cells reach past the limits (calamine reserves a sheet's
    cells from DIMENSIONS: a declared 4e9 × 65,535 aborted the process; a cell record's column is 16 bits
    although BIFF8 has 256 columns). ``stream`` is the Workbook (or Book) stream."""
    lim = Limits(file_bytes=lim.file_bytes, uncompressed_bytes=lim.uncompressed_bytes, cells=lim.cells,
                 columns=min(lim.columns, XLS_MAX_COLUMNS), rows=XLS_MAX_ROWS)
    names: dict[int, str] = {}
    pos, end = 0, len(stream)
    sheet_at: int | None = None
    rows = cols = 0
    declared: tuple[int, int] | None = None
    biff8 = True

    def finish() -> None:
        if sheet_at is None:
            return
        name = names.get(sheet_at, gettext("工作表"))
        if declared is not None:
            check_extent(name, *declared, lim, declared=True)
        check_extent(name, rows, cols, lim, declared=False)

    while pos + 4 <= end:
        typ, length = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4:pos + 4 + length]
        if typ in _BOF:
            if sheet_at is None and length >= 2:
                biff8 = struct.unpack_from("<H", body)[0] == 0x0600
            finish()
            sheet_at, rows, cols, declared = pos, 0, 0, None
        elif typ == _BOUNDSHEET and len(body) >= 8:
            names[struct.unpack_from("<I", body)[0]] = _boundsheet_name(body, biff8)
        elif typ == _DIMENSIONS and sheet_at is not None:
            if length >= 14:
                _r0, r1, _c0, c1 = struct.unpack_from("<IIHH", body)
            elif length >= 8:
                _r0, r1, _c0, c1 = struct.unpack_from("<HHHH", body)
            else:
                r1 = c1 = 0
            declared = (r1, c1)  # last row + 1, last column + 1: counts from A1
        elif typ in _CELL and length >= 4:
            r, c = struct.unpack_from("<HH", body)
            rows, cols = max(rows, r + 1), max(cols, c + 1)
        elif typ in _MULTI and length >= 6:
            r, = struct.unpack_from("<H", body)
            c, = struct.unpack_from("<H", body, length - 2)
            c0, = struct.unpack_from("<H", body, 2)
            rows, cols = max(rows, r + 1), max(cols, c + 1, c0 + 1)
        elif typ == _ROW and length >= 6:
            r, _c0, c1 = struct.unpack_from("<HHH", body)
            rows, cols = max(rows, r + 1), max(cols, c1)
        pos += 4 + length
    finish()


def _boundsheet_name(body: bytes, biff8: bool) -> str:
    count = body[6]
    if not biff8:  # BIFF5: bytes in the workbook's code page, GBK for a Chinese Excel
        return body[7:7 + count].decode("gbk", "replace")
    high = body[7] & 1
    return body[8:8 + count * (2 if high else 1)].decode("utf-16-le" if high else "latin-1", "replace")
