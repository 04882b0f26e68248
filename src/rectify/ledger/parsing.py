"""Read a rectification ledger (整改台账) file into a :class:`~rectify.ledger.types.ParsedLedger`.

Pure: bytes in, dataclasses out — no models, no database (messages go through gettext; Chinese is the
source text, so they read the same without a catalogue). The importer diffs the result against the
database; the result is only fit to commit when ``ParsedLedger.errors`` is empty (problems and tasks
are still returned, best effort, so every mistake in the file can be listed at once).

Formats are told by content, not by name: .xlsx (Excel or WPS, optionally with an open password),
legacy .xls, and .csv in UTF-8 (with or without BOM), GBK/GB18030 or UTF-16. Workbooks are read with
python-calamine (fast, low memory); encrypted ones are decrypted in memory with msoffcrypto-tool.

What a sheet may contain — title and note rows above a one- or two-row header with merged group
cells; columns in any order under their usual names (:data:`FIELD_SYNONYMS`); problems merged over
several measure rows or left blank on continuation rows; category heading rows; 合计 rows, 注：
footers and signature lines — is described in the docstrings below and in tests/ledger.

A sheet without a measure column but with 序号 and a problem column is a problem list (the feedback
list): its problems are read without tasks. Problem identifiers are read by
:func:`~rectify.ledger.cells.parse_identifier`; where a problem came from (反馈问题 / 自查问题) by a
问题来源 column, a 问题类型 cell that says only that, or a section heading such as “三、自查问题”.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath

from django.utils.translation import gettext, gettext_noop
from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

from rectify.core.text import decode_text
from rectify.ledger import guard
from rectify.ledger.cells import (
    DEADLINE,
    IDENTIFIER_MAX,
    ORDINAL_DIGITS_MAX,
    cell_text,
    clean_category,
    column_letter,
    compact,
    identifier_key,
    is_source_mark,
    looks_like_heading,
    normalize_header,
    parse_deadline,
    parse_identifier,
    parse_kind,
    parse_names,
    parse_number,
    parse_source,
    split_number_prefix,
)
from rectify.ledger.types import LedgerError, LedgerFileError, ParsedLedger, ParsedProblem, ParsedTask

__all__ = ["FIELD_SYNONYMS", "SUPPORTED_FORMATS", "LedgerFileError", "decrypt_if_encrypted", "parse_ledger"]

SUPPORTED_FORMATS = ".xlsx、.xls、.csv"

#: Canonical field -> header names as written in ledgers (matched after :func:`normalize_header`,
#: which removes spaces, line breaks, full-width forms, ``*``/``:`` and remarks in brackets).
#: 问题表现 names the description only when no other description column exists, else the detail.
FIELD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "number": ("序号", "编号", "问题序号", "问题编号"),
    "description": ("问题描述", "存在问题", "存在的问题", "反馈问题", "具体问题", "巡视反馈问题",
                    "巡察反馈问题", "主要问题", "问题", "问题内容"),
    "detail": ("问题表现", "具体表现", "问题具体表现", "自查问题"),
    "cause": ("原因分析", "问题原因"),
    "category": ("问题类别", "问题类型", "类别", "问题分类"),  # a cell saying 自查问题 here is the source
    "source": ("问题来源", "来源", "问题出处"),  # 反馈问题 / 自查问题 (举一反三)
    "measure": ("整改措施", "整改举措", "具体措施", "整改任务"),
    "criterion": ("整改目标", "整改标准", "完成标准", "整改目标及标准", "完成标志"),
    "kind": ("整改类型", "整改方式", "类型"),
    "leader": ("责任领导", "牵头领导", "分管领导", "责任校领导"),
    "department": ("责任部门", "责任单位", "牵头部门", "牵头单位", "责任处室"),
    "co_department": ("配合部门", "配合单位", "协办部门"),
    "person": ("责任人", "具体责任人", "经办人", "联系人"),
    "deadline": ("完成时限", "整改时限", "完成时间", "时间节点", "整改期限", "整改完成时限"),
    "progress": ("整改进展", "完成情况", "整改情况", "进展情况", "整改落实情况", "整改进度"),
    "status": ("状态", "整改状态", "销号情况", "是否销号"),  # read, never used: status moves by review only
    "warning": ("预警", "预警状态", "预警等级", "红黄绿灯"),  # derived by the system from deadlines: never imported
}
_FIELD_NAME = {f: names[0] for f, names in FIELD_SYNONYMS.items()}  # for messages when no header exists
_SYNONYM = {normalize_header(n): f for f, names in FIELD_SYNONYMS.items() for n in names}
_BIAOXIAN = normalize_header("问题表现")
_PROBLEM_FIELDS = ("number", "description", "detail", "cause", "category", "source")
_TASK_FIELDS = ("measure", "criterion", "kind", "leader", "department", "co_department", "person",
                "deadline", "progress")
RAW_DEADLINE_NOTE = "完成时限（原文）"

_HEADER_SCAN_ROWS = 15  # the header must start within the first 15 non-empty rows
_MAX_PROGRESS_CALLS = 100

# Marked with gettext_noop, translated with gettext where they are raised.
_MSG_PASSWORD_NEEDED = gettext_noop("该工作簿设有打开密码，请提供密码（命令行用 --password）")
_MSG_PASSWORD_WRONG = gettext_noop("打开密码不正确，无法解密该工作簿。请核对密码（区分大小写）后重试")
_MSG_DEADLINE_FORMAT = gettext_noop("请写成 2021年12月31日、2021-12-31 或 2021年12月底 等格式")
_MSG_NUMBER = {
    "invalid": gettext_noop("第%(row)s行“%(column)s”无法识别：“%(value)s”。请写成 1、（1）、① 或 一、 等形式的问题序号，"
                            "或不超过%(max)s个字符的编号（如 P01、XS-2021-03）"),
    "absurd": gettext_noop("第%(row)s行“%(column)s”为“%(value)s”，不是有效的问题序号：纯数字序号最多%(digits)s位，"
                           "请核对后改正（如 1、12）"),
    "too_long": gettext_noop("第%(row)s行“%(column)s”“%(value)s”超过%(max)s个字符：请改用简短的问题编号"
                             "（如 P01、XS-2021-03）"),
}


# =========================================================================== opening files


@dataclass
class _Source:
    """One sheet as rows of cells at their absolute (0-based) positions, plus its merged ranges."""

    name: str
    height: int
    rows: Callable[[], Iterator[tuple[int, list[object]]]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1 inclusive
    hidden: bool = False  # hidden or chart sheets: listed as skipped, never read


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _unsupported(filename: str, what: str = "") -> LedgerFileError:
    kind = gettext("（%(what)s）") % {"what": gettext(what)} if what else ""
    return LedgerFileError(
        gettext("无法识别文件“%(filename)s”的格式%(kind)s。支持的格式：%(formats)s"
                "（请在 Excel 或 WPS 中“另存为”其中一种后再导入）")
        % {"filename": filename, "kind": kind, "formats": SUPPORTED_FORMATS}
    )


def _corrupt(filename: str) -> LedgerFileError:
    return LedgerFileError(
        gettext("文件“%(filename)s”已损坏或不完整，无法读取。请在 Excel 或 WPS 中打开并重新保存后再导入")
        % {"filename": filename}
    )


def _open(data: bytes, filename: str, password: str | None) -> list[_Source]:
    """Every sheet of the file, in workbook order."""
    if not data:
        raise LedgerFileError(gettext("文件“%(filename)s”是空的") % {"filename": filename})
    guard.check_file(data, filename, guard.limits())
    if data.startswith(_OLE_MAGIC):
        return _open_ole(data, filename, password)
    if data.startswith(b"PK\x03\x04"):
        return _open_zip(data, filename)
    text = decode_text(data)
    if text is None:
        raise _unsupported(filename)
    head = text.lstrip()[:200].lower()
    if head.startswith("<"):
        raise _unsupported(filename, gettext_noop("这是网页或 XML 格式的表格，不是真正的 Excel 文件"))
    return [_csv_source(text, filename)]


def _open_zip(data: bytes, filename: str) -> list[_Source]:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _corrupt(filename) from None
    if not any(n.lower().startswith("xl/") for n in names):
        if "content.xml" in names:
            raise _unsupported(filename, gettext_noop("OpenDocument .ods 表格"))
        if any(n.startswith("word/") for n in names):
            raise _unsupported(filename, gettext_noop("Word 文档"))
        raise _unsupported(filename)
    if "xl/workbook.xml" not in {n.lower() for n in names}:
        if "xl/workbook.bin" in {n.lower() for n in names}:
            raise _unsupported(filename, gettext_noop("Excel 二进制工作簿 .xlsb"))
        raise _corrupt(filename)
    try:
        guard.check_xlsx(data, filename, guard.limits())  # before calamine builds anything
    except guard.Corrupt:
        raise _corrupt(filename) from None
    return _open_calamine(data, filename)


def _ole_streams(data: bytes, filename: str) -> set[str]:
    import olefile  # a dependency of msoffcrypto-tool

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
        try:
            return {"/".join(s).lower() for s in ole.listdir()}
        finally:
            ole.close()
    except Exception:
        raise _corrupt(filename) from None


def _open_ole(data: bytes, filename: str, password: str | None) -> list[_Source]:
    streams = _ole_streams(data, filename)
    if "encryptioninfo" in streams or "workbook" in streams or "book" in streams:
        plain = decrypt_if_encrypted(data, password, filename=filename)
        if plain.startswith(b"PK\x03\x04"):  # an .xlsx that had an open password
            return _open_zip(plain, filename)
        _check_xls(plain, filename)
        return _open_calamine(plain, filename)
    if "worddocument" in streams:
        raise _unsupported(filename, gettext_noop("Word 文档"))
    raise _unsupported(filename)


def _check_xls(data: bytes, filename: str) -> None:
    """The BIFF records of every sheet, before calamine reserves what they declare (see ``guard``)."""
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
        try:
            name = next((s for s in ("Workbook", "Book") if ole.exists(s)), None)
            stream = ole.openstream(name).read() if name else b""
        finally:
            ole.close()
    except Exception:
        raise _corrupt(filename) from None
    guard.check_xls(stream, guard.limits())


def decrypt_if_encrypted(data: bytes, password: str | None, *, filename: str = "") -> bytes:
    """The plain bytes of a workbook with an open password, decrypted in memory; any other file unchanged.

    For callers that must not keep the password (the web upload stores the decrypted file).
    Raises :class:`LedgerFileError` when a password is needed but missing, or wrong.
    """
    if not data.startswith(_OLE_MAGIC):
        return data
    filename = filename or gettext("工作簿")
    guard.check_file(data, filename, guard.limits())
    streams = _ole_streams(data, filename)
    if "encryptioninfo" in streams:  # an OOXML package (.xlsx) behind an open password
        if not password:
            raise LedgerFileError(gettext(_MSG_PASSWORD_NEEDED))
        return _decrypt_ooxml(data, password, filename)
    if "workbook" in streams or "book" in streams:
        return _maybe_decrypt_xls(data, password, filename)
    return data


def _decrypt_ooxml(data: bytes, password: str, filename: str) -> bytes:
    from msoffcrypto import exceptions as mso_exc
    from msoffcrypto.format.ooxml import OOXMLFile

    try:
        office = OOXMLFile(io.BytesIO(data))
        office.load_key(password=password, verify_password=True)
        out = io.BytesIO()
        office.decrypt(out)
    except (mso_exc.InvalidKeyError, mso_exc.DecryptionError):
        raise LedgerFileError(gettext(_MSG_PASSWORD_WRONG)) from None
    except Exception:
        raise LedgerFileError(
            gettext("无法解密文件“%(filename)s”：加密方式不受支持或文件已损坏。请在 Excel 或 WPS 中取消打开密码后再导入")
            % {"filename": filename}
        ) from None
    return out.getvalue()


def _maybe_decrypt_xls(data: bytes, password: str | None, filename: str) -> bytes:
    from msoffcrypto import exceptions as mso_exc
    from msoffcrypto.format.xls97 import Xls97File

    try:
        encrypted = Xls97File(io.BytesIO(data)).is_encrypted()
    except Exception:
        return data  # let calamine judge the file
    if not encrypted:
        return data
    # "VelvetSweatshop" is Excel's built-in key for workbooks that are only write-protected.
    for candidate, given in ((password, True), ("VelvetSweatshop", False)):
        if not candidate:
            continue
        try:
            office = Xls97File(io.BytesIO(data))
            office.load_key(password=candidate)
            out = io.BytesIO()
            office.decrypt(out)
            return out.getvalue()
        except mso_exc.InvalidKeyError:
            if given:
                raise LedgerFileError(gettext(_MSG_PASSWORD_WRONG)) from None
        except Exception:
            raise LedgerFileError(
                gettext("无法解密文件“%(filename)s”：加密方式不受支持。请在 Excel 或 WPS 中取消打开密码后再导入")
                % {"filename": filename}
            ) from None
    raise LedgerFileError(gettext(_MSG_PASSWORD_NEEDED))


def _open_calamine(data: bytes, filename: str) -> list[_Source]:
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        metas = wb.sheets_metadata
    except PasswordError:
        raise LedgerFileError(gettext(_MSG_PASSWORD_NEEDED)) from None
    except (CalamineError, ValueError, OSError):
        raise _corrupt(filename) from None
    sources: list[_Source] = []
    for index, meta in enumerate(metas):
        if meta.typ != SheetTypeEnum.WorkSheet or meta.visible != SheetVisibleEnum.Visible:
            sources.append(_Source(meta.name, 0, lambda: iter(()), hidden=True))  # a person does not see it
            continue
        try:
            sheet = wb.get_sheet_by_index(index)
            merges = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
        except PasswordError:
            raise LedgerFileError(gettext(_MSG_PASSWORD_NEEDED)) from None
        except (CalamineError, ValueError):
            raise _corrupt(filename) from None
        end = sheet.end
        sources.append(_Source(meta.name, (end[0] + 1) if end else 0, _calamine_rows(sheet), merges))
    return sources


def _calamine_rows(sheet) -> Callable[[], Iterator[tuple[int, list[object]]]]:  # type: ignore[no-untyped-def]
    """Rows at absolute positions. python-calamine's ``iter_rows`` yields rows from row 0 but columns
    from the first used column; both are checked, not assumed, so another version cannot shift cells."""

    def rows() -> Iterator[tuple[int, list[object]]]:
        start, end = sheet.start, sheet.end
        if start is None or end is None:
            return
        it = sheet.iter_rows()
        first = next(it, None)
        if first is None:
            return
        row_off = start[0] if start[0] > 0 and any(v != "" for v in first) else 0
        col_off = 0 if len(first) == end[1] + 1 else start[1]
        pad = [""] * col_off
        yield row_off, (pad + first) if col_off else first
        for i, row in enumerate(it, start=row_off + 1):
            yield i, (pad + row) if col_off else row

    return rows


def _csv_source(text: str, filename: str) -> _Source:
    lines = [ln for ln in text.splitlines()[:20] if ln.strip()]
    counts = {d: sum(ln.count(d) for ln in lines) for d in (",", "\t", ";")}
    delimiter = max(counts, key=lambda d: (counts[d], d == ","))
    rows = _csv_rows(text, delimiter, guard.limits())

    def iterate() -> Iterator[tuple[int, list[object]]]:
        yield from enumerate(rows)  # type: ignore[misc]

    name = PurePath(re.split(r"[\\/]", filename)[-1]).stem or "CSV"
    return _Source(name, len(rows), iterate, [])


def _csv_rows(text: str, delimiter: str, lim: guard.Limits) -> list[list[str]]:
    """Every row, refusing a row wider than the column limit, more cells than the cell budget, and turning
    the csv module's errors (a cell over 131,072 characters: an unbalanced quote) into a file error."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    cells = 0
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return rows
        except csv.Error:
            raise LedgerFileError(
                gettext("第%(row)s行有未闭合的引号或超长的单元格（超过 %(max)s 个字符）：请检查该行的引号是否成对，"
                        "或删去过长的内容后另存再导入") % {"row": line, "max": f"{csv.field_size_limit():,}"}
            ) from None
        cells += len(row)
        if len(row) > lim.columns or cells > lim.cells:
            what = (gettext("第%(row)s行有 %(count)s 列，超过可处理的 %(max)s 列") % {
                        "row": line, "count": f"{len(row):,}", "max": f"{lim.columns:,}"}
                    if len(row) > lim.columns else
                    gettext("单元格超过可处理的 %(max)s 个") % {"max": f"{lim.cells:,}"})
            raise LedgerFileError(gettext("%(what)s：请检查分隔符，或只保留台账所在的行列后另存再导入") % {"what": what})
        rows.append(row)


# Public hooks for other readers of tabular files in this app (the leadership roster, ledger/roster.py):
# the same format sniffing, decryption and CSV encoding detection, and the same footer rules.
Sheet = _Source


def open_sheets(data: bytes, filename: str, password: str | None = None) -> list[_Source]:
    """Every sheet of an .xlsx/.xls/.csv file (told by content), in workbook order; hidden ones flagged.

    Raises :class:`LedgerFileError` when the file as a whole cannot be read."""
    return _open(data, filename, password or None)


def is_footer_row(first_cell: str) -> bool:
    """A 合计 / 注： / 填表人： row, which is never data (``first_cell`` as :func:`compact` gives it)."""
    return bool(_TOTAL.match(first_cell) or _FOOTER.match(first_cell) or _SIGNATURE.match(first_cell))


# =========================================================================== headers


@dataclass
class _Header:
    last_row: int  # 0-based index of the last header row
    cols: dict[str, int]  # field -> column
    labels: dict[int, str]  # column -> header text as written (for messages)
    unknown: dict[int, str]  # column -> note key for columns that are no known field

    def label(self, fieldname: str) -> str:
        c = self.cols.get(fieldname)
        return self.labels[c] if c is not None else _FIELD_NAME[fieldname]


def _header_text(value: object) -> str:
    return re.sub(r"\s+", "", cell_text(value))


def _match_columns(labels: dict[int, str]) -> tuple[dict[str, int], dict[int, str]]:
    keys = {c: normalize_header(t) for c, t in labels.items()}
    has_description = any(_SYNONYM.get(k) == "description" for k in keys.values())
    cols: dict[str, int] = {}
    unknown: dict[int, str] = {}
    for c in sorted(labels):
        f = _SYNONYM.get(keys[c])
        if keys[c] == _BIAOXIAN and not has_description:
            f = "description"
        if f and f not in cols:
            cols[f] = c
        else:
            unknown[c] = labels[c]  # unknown header, or a second column for the same field
    return cols, unknown


def _qualifies(cols: dict[str, int]) -> bool:
    """A ledger (problems with their measures), or a problem list without measures — the feedback list —
    which must then number its problems."""
    return "description" in cols and ("measure" in cols or "number" in cols)


def _find_header(window: list[tuple[int, list[object]]], merges: list[tuple[int, int, int, int]]) -> _Header | None:
    """Find the header in the first rows: one row, or two rows where the lower cell names the column
    unless the upper cell is merged down over both (序号, 问题描述 …) — the upper row then holds
    group cells merged across (责任落实, 整改任务 …)."""
    by_row = dict(window)
    first_rows = [r for r, row in window if any(cell_text(v) for v in row)][:_HEADER_SCAN_ROWS]
    cover: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    limit = (first_rows[-1] + 2) if first_rows else 0
    for m in merges:
        r0, c0, r1, c1 = m
        if r0 <= limit:
            for r in range(r0, min(r1, limit) + 1):
                for c in range(c0, c1 + 1):
                    cover[(r, c)] = m

    def single(r: int) -> dict[int, str]:
        return {c: t for c, v in enumerate(by_row.get(r, [])) if (t := _header_text(v))}

    def double(r: int) -> tuple[dict[int, str], dict[int, str]]:
        upper, lower = by_row.get(r, []), by_row.get(r + 1, [])
        labels: dict[int, str] = {}
        groups: dict[int, str] = {}
        for c in range(max(len(upper), len(lower))):
            m = cover.get((r, c))
            up = _header_text(upper[c]) if c < len(upper) else ""
            low = _header_text(lower[c]) if c < len(lower) else ""
            if m and m[0] <= r and m[2] >= r + 1:  # merged down over both rows: the upper names it
                text = _header_text(by_row.get(m[0], [""] * (m[1] + 1))[m[1]]) if m[1] == c else ""
            elif low:
                text = low
                if m and m[3] > m[1]:  # under a group cell merged across
                    group = _header_text(upper[m[1]]) if m[1] < len(upper) else ""
                    if group and group != low:
                        groups[c] = group
            else:
                text = up
            if text:
                labels[c] = text
        return labels, groups

    for r in first_rows:
        s_labels = single(r)
        s_cols, s_unknown = _match_columns(s_labels)
        d_labels, groups = double(r)
        d_cols, d_unknown = _match_columns(d_labels)
        next_cols, _ = _match_columns(single(r + 1))
        if _qualifies(d_cols) and len(d_cols) > max(len(s_cols), len(next_cols)):
            unknown = {c: (f"{groups[c]}/{t}" if c in groups else t) for c, t in d_unknown.items()}
            return _Header(r + 1, d_cols, d_labels, _unique_keys(unknown))
        if _qualifies(s_cols):
            return _Header(r, s_cols, s_labels, _unique_keys(s_unknown))
    return None


def _unique_keys(unknown: dict[int, str]) -> dict[int, str]:
    seen: dict[str, int] = {}
    for t in unknown.values():
        seen[t] = seen.get(t, 0) + 1
    return {c: (f"{t}（{column_letter(c)}列）" if seen[t] > 1 else t) for c, t in unknown.items()}


# =========================================================================== rows


_TOTAL = re.compile(r"^(?:合计|小计|总计|共计)")
_FOOTER = re.compile(r"^(?:注|说明|备注|附注|填表说明|填报说明)\d*[:：.、]")
_SIGNATURE = re.compile(
    r"^(?:填报人|填表人|制表人|审核人|复核人|审签人|签发人|批准人|负责人|单位负责人|主要负责人|"
    r"联系人|联系电话|填报日期|填表日期|制表日期|填报时间|报送日期|单位\(盖章\)|单位盖章|盖章|填报单位)[:：]"
)
_SPECIAL_ROW_STARTS = frozenset("合小总共注说备附填审复签批负主联制报单盖")  # first characters of the three above
_BARE_CN_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+[、.]?|\([一二三四五六七八九十]+\))$")


class _Progress:
    def __init__(self, callback: Callable[[int, int], None] | None, total: int) -> None:
        self.callback = callback
        self.total = max(total, 0)
        self.step = max(1, math.ceil(self.total / (_MAX_PROGRESS_CALLS - 1))) if self.total else 1
        self.done = 0
        self.reported = -1
        self.next_mark = self.step

    def advance(self, n: int = 1) -> None:
        self.done = min(self.total, self.done + n)
        if self.callback is not None and self.done >= self.next_mark:
            self.next_mark = (self.done // self.step + 1) * self.step
            self.reported = self.done
            self.callback(self.done, self.total)

    def finish(self) -> None:
        if self.callback is not None and self.reported != self.total:
            self.reported = self.total
            self.callback(self.total, self.total)


@dataclass
class _OpenProblem:
    problem: ParsedProblem
    row_notes: list[tuple[dict[str, str], bool]] = field(default_factory=list)  # unknown columns per row,
    # and whether that row became (part of) a task
    task_measure_anchor: int | None = None  # row of the merged measure cell of the last task
    errored: bool = False  # a "缺少整改措施" error was already given for it


class _FileState:
    """What spans sheets: the output, problem numbers already used, the running count."""

    def __init__(self, year: int, progress: _Progress) -> None:
        self.year = year
        self.progress = progress
        self.result = ParsedLedger()
        self.numbers: dict[str, tuple[str, int]] = {}  # identifier_key -> (sheet, row) where first used
        self._error_keys: set[tuple[str, int | None, str | None, str]] = set()

    def error(self, sheet: str, row: int | None, col: int | None, message: str) -> None:
        letter = column_letter(col) if col is not None else None
        key = (sheet, row, letter, message)
        if key not in self._error_keys:  # a merged cell would otherwise repeat its error per row
            self._error_keys.add(key)
            self.result.errors.append(LedgerError(sheet, row, letter, message))


class _SheetReader:
    def __init__(self, state: _FileState, source: _Source, header: _Header) -> None:
        self.state = state
        self.sheet = source.name
        self.h = header
        self.cols = header.cols
        # No measure column: a problem list (the feedback list). Task columns then mean nothing: notes.
        self.problems_only = "measure" not in self.cols
        if self.problems_only:
            state.result.problems_only_sheets.append(self.sheet)
            for f in _TASK_FIELDS:
                if f in self.cols:
                    header.unknown[self.cols[f]] = header.labels[self.cols.pop(f)]
        state.result.columns[self.sheet] = {f: column_letter(c) for f, c in self.cols.items()}
        self.task_col_set = {self.cols[f] for f in _TASK_FIELDS if f in self.cols}
        self.width = max([*header.labels, *header.unknown, 0]) + 1
        self.heading = ""
        self.heading_kind = ""  # a section heading such as "三、举一反三自查问题" marks the problems below it
        self.current: _OpenProblem | None = None
        self.problems: list[_OpenProblem] = []
        self.footer = False
        self.first_data_row = True
        self.needs_deadline_column = False
        self.aligned: dict[int, int] = {}  # unknown column -> problems whose merge it follows
        self.misaligned: dict[int, int] = {}
        self.first_error = len(state.result.errors)

    # ----------------------------------------------------------------- driver

    def read(self, rows: Iterator[tuple[int, list[object]]], merges: list[tuple[int, int, int, int]]) -> None:
        if not self.problems_only:
            if "leader" not in self.cols:
                self._missing_column("leader")
            if "department" not in self.cols:
                self._missing_column("department")
        pending = sorted(m for m in merges if m[2] > self.h.last_row)
        mi = 0
        active: dict[int, tuple[object, int, int]] = {}  # anchor column -> (value, first row, last row)
        for r, raw in rows:
            self.state.progress.advance()
            if r <= self.h.last_row:
                continue
            vals = list(raw)
            if len(vals) < self.width:  # short CSV lines
                vals.extend([""] * (self.width - len(vals)))
            vend: dict[int, int] = {}
            hspan: dict[int, int] = {}
            while mi < len(pending) and pending[mi][0] <= r:
                r0, c0, r1, c1 = pending[mi]
                mi += 1
                if r0 < r and r1 >= r:  # begins inside the header: not data
                    continue
                if r0 == r:
                    if r1 > r0:
                        active[c0] = (vals[c0] if c0 < len(vals) else "", r0, r1)
                        vend[c0] = r1
                    if c1 > c0:
                        hspan[c0] = c1 - c0 + 1
            filled: dict[int, int] = {}
            if active:
                for c in list(active):
                    value, r0, r1 = active[c]
                    if r1 < r:
                        del active[c]
                    elif r0 < r:
                        if c >= len(vals):
                            vals.extend([""] * (c + 1 - len(vals)))
                        vals[c] = value
                        filled[c] = r0
            self._row(r, vals, filled, vend, hspan)
        self._close_problem()
        self._finish_sheet()

    def _missing_column(self, fieldname: str) -> None:
        names = "、".join(FIELD_SYNONYMS[fieldname])
        self.state.error(self.sheet, None, None, gettext("未找到“%(column)s”列（可用的列名：%(names)s）")
                         % {"column": _FIELD_NAME[fieldname], "names": names})

    # ----------------------------------------------------------------- one row

    def _row(self, r: int, vals: list[object], filled: dict[int, int], vend: dict[int, int],
             hspan: dict[int, int]) -> None:
        texts = [cell_text(v) for v in vals]
        own = [c for c, t in enumerate(texts) if t and c not in filled]
        if not own:
            return  # blank spacer, or only the continuation of merged cells
        row = r + 1
        if texts[own[0]][0] in _SPECIAL_ROW_STARTS:
            first = compact(texts[own[0]])
            if _TOTAL.match(first) or _SIGNATURE.match(first):
                return
            if _FOOTER.match(first):
                self.footer = True
                self._close_problem()
                return
        cols = self.cols
        desc_c, num_c, meas_c = cols["description"], cols.get("number"), cols.get("measure")
        own_set = set(own)
        if self.footer:
            if ((meas_c in own_set and (desc_c in own_set or num_c in own_set))
                    or (meas_c is None and desc_c in own_set and num_c in own_set)):
                self.footer = False  # a real row after all
            else:
                return
        if self._heading(own, texts, hspan):
            return
        if self.first_data_row:
            self.first_data_row = False
            if self._column_numbers(own, texts):
                return
        if self._repeated_header(own_set, texts):
            return

        starts = desc_c in own_set or (num_c is not None and num_c in own_set and desc_c not in filled)
        if starts:
            self._close_problem()
            self._start_problem(r, vals, texts, filled, vend)
        elif self.current is None:
            if own_set & self.task_col_set:
                self.state.error(self.sheet, row, desc_c,
                                 gettext("第%(row)s行有整改内容但不属于任何问题：请在“%(column)s”列"
                                         "填写问题描述，或把该行移到所属问题的下方")
                                 % {"row": row, "column": self.h.label("description")})
            return
        else:
            self._continue_problem(texts, own_set)

        cur = self.current
        assert cur is not None
        notes = self._row_notes(texts, own_set)
        measure = texts[meas_c] if meas_c is not None and meas_c < len(texts) else ""
        if notes:
            cur.row_notes.append((notes, bool(measure)))
        if measure:
            if (meas_c in filled and cur.problem.tasks and cur.task_measure_anchor == filled[meas_c]
                    and not starts):
                self._merge_into_task(cur.problem.tasks[-1], texts, notes)
            else:
                cur.problem.tasks.append(self._task(r, vals, texts, filled, notes))
                cur.task_measure_anchor = filled.get(meas_c, r)
        elif own_set & self.task_col_set:
            cur.errored = True
            self.state.error(self.sheet, row, meas_c,
                             gettext("第%(row)s行缺少“%(column)s”：每条整改任务都要写明整改措施")
                             % {"row": row, "column": self.h.label("measure")})

    # ----------------------------------------------------------------- special rows

    def _heading(self, own: list[int], texts: list[str], hspan: dict[int, int]) -> bool:
        """Category heading: one cell merged across the table, or alone and reading like
        "一、…方面的问题（共5个）"; a bare "一" in the number column may precede it."""
        c = own[0]
        text = texts[c]
        if len(own) == 2 and own[0] == self.cols.get("number") and _BARE_CN_NUMBER.match(compact(text)):
            c = own[1]
            text = texts[c]
        elif len(own) != 1:
            return False
        span = hspan.get(c, 1)
        wide = span >= 3 or (span >= 2 and span * 2 >= self.width)
        if not (wide or (c not in self.task_col_set and looks_like_heading(text))):
            return False
        if not wide and parse_number(text) is not None:
            return False
        self._close_problem()
        heading = clean_category(text)
        source = parse_source(heading)
        if source is not None:
            self.heading_kind = source
            if is_source_mark(heading):  # "三、自查问题（共2个）": a section of the list, not a category
                heading = ""
        self.heading = heading
        return True

    def _column_numbers(self, own: list[int], texts: list[str]) -> bool:
        """The row right under many official headers numbering the columns: 1 2 3 … or （1）（2）…"""
        if len(own) < 3:
            return False
        return [parse_number(texts[c]) for c in own] == list(range(1, len(own) + 1))

    def _repeated_header(self, own_set: set[int], texts: list[str]) -> bool:
        desc_c = self.cols["description"]
        other_c, other = ((self.cols["number"], "number") if self.problems_only
                          else (self.cols["measure"], "measure"))
        return (desc_c in own_set and other_c in own_set
                and _SYNONYM.get(normalize_header(texts[desc_c])) in ("description", "detail")
                and _SYNONYM.get(normalize_header(texts[other_c])) == other)

    # ----------------------------------------------------------------- problems

    def _start_problem(self, r: int, vals: list[object], texts: list[str], filled: dict[int, int],
                       vend: dict[int, int]) -> None:
        row = r + 1
        cols = self.cols
        desc_c, num_c = cols["description"], cols.get("number")
        description = texts[desc_c]
        prefix_number, rest = split_number_prefix(description) if description else (None, description)
        number: str | None = None
        number_col: int | None = num_c
        if num_c is not None and texts[num_c]:
            identifier = parse_identifier(vals[num_c])
            number = identifier.value
            if number is None:
                self.state.error(self.sheet, row, num_c, gettext(_MSG_NUMBER[identifier.problem]) % {
                    "row": row, "column": self.h.label("number"), "value": texts[num_c],
                    "max": IDENTIFIER_MAX, "digits": ORDINAL_DIGITS_MAX})
            elif prefix_number is not None and str(prefix_number) == number:
                description = rest
        elif prefix_number is not None:
            number, description, number_col = str(prefix_number), rest, desc_c
        elif num_c is not None:
            self.state.error(self.sheet, row, num_c, gettext("第%(row)s行缺少“%(column)s”：请填写问题序号")
                             % {"row": row, "column": self.h.label("number")})
        else:
            number, number_col = str(len(self.state.result.problems) + len(self.problems) + 1), None
        if not description:
            self.state.error(self.sheet, row, desc_c,
                             gettext("第%(row)s行缺少“%(column)s”：请填写问题描述")
                             % {"row": row, "column": self.h.label("description")})
        if number is not None:
            seen = self.state.numbers.get(identifier_key(number))
            if seen is not None:
                where = (gettext("第%(row)s行") % {"row": seen[1]} if seen[0] == self.sheet
                         else gettext("“%(sheet)s”第%(row)s行") % {"sheet": seen[0], "row": seen[1]})
                self.state.error(self.sheet, row, number_col,
                                 gettext("问题序号 %(number)s 与%(where)s重复：每个问题的序号必须不同")
                                 % {"number": number, "where": where})
            else:
                self.state.numbers[identifier_key(number)] = (self.sheet, row)
        kind, kind_field = self._source(row, texts)
        category = self._text(texts, "category")
        if kind_field == "category" or (category and is_source_mark(category)):
            category = ""  # 问题类型 = 自查问题 says where the problem came from, not its category
        problem = ParsedProblem(
            sheet=self.sheet, row=row, number=number or "", description=description,
            category=category or self.heading, detail=self._text(texts, "detail"), cause=self._text(texts, "cause"),
            kind=kind or self.heading_kind, kind_field=kind_field,
        )
        self.current = _OpenProblem(problem)
        desc_end = vend.get(desc_c)
        if desc_end is not None:  # which unknown columns are merged like the problem cells
            for c in self.h.unknown:
                if vend.get(c) == desc_end:
                    self.aligned[c] = self.aligned.get(c, 0) + 1
                else:
                    self.misaligned[c] = self.misaligned.get(c, 0) + 1

    def _source(self, row: int, texts: list[str]) -> tuple[str, str]:
        """(kind, field) from a 问题来源 column, or from a 问题类型/问题类别 cell that names the source."""
        text = self._text(texts, "source")
        if text:
            kind = parse_source(text)
            if kind is None:
                self.state.error(self.sheet, row, self.cols["source"],
                                 gettext("第%(row)s行“%(column)s”无法识别：“%(value)s”。"
                                         "请填写 反馈问题，或 自查问题（举一反三、自行查找的问题）")
                                 % {"row": row, "column": self.h.label("source"), "value": text})
                return "", ""
            return kind, "source"
        text = self._text(texts, "category")
        if text and is_source_mark(text) and (kind := parse_source(text)):
            return kind, "category"
        return "", ""

    def _continue_problem(self, texts: list[str], own_set: set[int]) -> None:
        """Problem-level cells written again on a continuation row (not merged) are kept, not lost."""
        assert self.current is not None
        p = self.current.problem
        for f in ("detail", "cause"):
            c = self.cols.get(f)
            if c is not None and c in own_set and texts[c] not in getattr(p, f):
                setattr(p, f, f"{getattr(p, f)}\n{texts[c]}".strip())
        c = self.cols.get("category")
        if c is not None and c in own_set and not p.category and not is_source_mark(texts[c]):
            p.category = texts[c]
        c = self.cols.get("source")
        if c is not None and c in own_set and p.kind_field != "source" and (kind := parse_source(texts[c])):
            p.kind, p.kind_field = kind, "source"

    def _close_problem(self) -> None:
        cur = self.current
        if cur is None:
            return
        self.current = None
        p = cur.problem
        if not p.tasks and not cur.errored and not self.problems_only:
            self.state.error(self.sheet, p.row, self.cols["measure"],
                             gettext("第%(row)s行的问题没有整改措施：请在“%(column)s”列至少填写一条")
                             % {"row": p.row, "column": self.h.label("measure")})
        self.problems.append(cur)

    def _finish_sheet(self) -> None:
        if self.needs_deadline_column:
            self._missing_column("deadline")
        errors = self.state.result.errors
        errors[self.first_error:] = sorted(  # sheet-wide first, then as a person reads: row, column
            errors[self.first_error:],
            key=lambda e: (e.row is not None, e.row or 0, len(e.column or ""), e.column or ""),
        )
        problem_level = {key for c, key in self.h.unknown.items()
                         if self.aligned.get(c, 0) and self.aligned[c] >= self.misaligned.get(c, 0)}
        for cur in self.problems:
            p = cur.problem
            for notes, in_task in cur.row_notes:
                for key, text in notes.items():
                    if key in problem_level or not in_task:
                        _add_note(p.notes, key, text)
            for t in p.tasks:
                for key in problem_level & t.notes.keys():
                    del t.notes[key]
            self.state.result.problems.append(p)

    # ----------------------------------------------------------------- tasks

    def _text(self, texts: list[str], fieldname: str) -> str:
        c = self.cols.get(fieldname)
        return texts[c] if c is not None and c < len(texts) else ""

    def _names(self, texts: list[str], fieldname: str) -> list[str]:
        return parse_names(self._text(texts, fieldname))

    def _row_notes(self, texts: list[str], own_set: set[int]) -> dict[str, str]:
        notes: dict[str, str] = {}
        for c, key in self.h.unknown.items():
            if c < len(texts) and texts[c]:
                notes[key] = texts[c]
        if len(texts) > self.width:  # data where the header is empty: keep it under the column letter
            for c in range(self.width, len(texts)):
                if texts[c] and c in own_set:
                    notes[f"{column_letter(c)}列"] = texts[c]
        return notes

    def _task(self, r: int, vals: list[object], texts: list[str], filled: dict[int, int],
              notes: dict[str, str]) -> ParsedTask:
        row = r + 1
        cols, sheet, err = self.cols, self.sheet, self.state.error
        task = ParsedTask(
            sheet=sheet, row=row, measure=texts[cols["measure"]], criterion=self._text(texts, "criterion"),
            leaders=self._names(texts, "leader"), departments=self._names(texts, "department"),
            co_departments=self._names(texts, "co_department"), persons=self._names(texts, "person"),
            progress=self._text(texts, "progress"), notes=dict(notes),
        )
        explicit = None
        kind_c = cols.get("kind")
        if kind_c is not None and texts[kind_c]:
            explicit = parse_kind(texts[kind_c])
            if explicit is None:
                err(sheet, filled.get(kind_c, r) + 1, kind_c,
                    gettext("第%(row)s行“%(column)s”无法识别：“%(value)s”。请填写 立行立改、限期整改 或 长期坚持")
                    % {"row": filled.get(kind_c, r) + 1, "column": self.h.label("kind"), "value": texts[kind_c]})
        dl_c = cols.get("deadline")
        info = parse_deadline(vals[dl_c] if dl_c is not None else None, self.state.year)
        if not info.valid:
            at = filled.get(dl_c, r) + 1 if dl_c is not None else row
            err(sheet, at, dl_c, gettext("第%(row)s行“%(column)s”无法识别：“%(value)s”。%(hint)s")
                % {"row": at, "column": self.h.label("deadline"), "value": texts[dl_c],  # type: ignore[index]
                   "hint": gettext(_MSG_DEADLINE_FORMAT)})
        task.deadline_kind = explicit or info.kind or DEADLINE
        task.due_date = info.due_date
        task.already_done = info.already_done
        if info.several_dates and dl_c is not None:
            task.notes[RAW_DEADLINE_NOTE] = texts[dl_c]
        if task.deadline_kind == DEADLINE and task.due_date is None and info.valid:
            if dl_c is None:
                self.needs_deadline_column = True
            else:
                err(sheet, row, dl_c, gettext("第%(row)s行缺少“%(column)s”：限期整改的任务须写明完成时限"
                                              "（如 2021年12月31日）；立行立改或长期坚持的请写明")
                    % {"row": row, "column": self.h.label("deadline")})
        if "leader" in cols and not task.leaders:
            err(sheet, row, cols["leader"], gettext("第%(row)s行缺少“%(column)s”：每条整改任务都要有责任领导")
                % {"row": row, "column": self.h.label("leader")})
        if "department" in cols and not task.departments:
            err(sheet, row, cols["department"],
                gettext("第%(row)s行缺少“%(column)s”：每条整改任务都要有牵头（责任）部门")
                % {"row": row, "column": self.h.label("department")})
        return task

    def _merge_into_task(self, task: ParsedTask, texts: list[str], notes: dict[str, str]) -> None:
        """The measure cell is merged over several rows (e.g. one row per department): one task."""
        for attr, f in (("leaders", "leader"), ("departments", "department"),
                        ("co_departments", "co_department"), ("persons", "person")):
            names: list[str] = getattr(task, attr)
            names.extend(n for n in self._names(texts, f) if n not in names)
        for attr, f in (("criterion", "criterion"), ("progress", "progress")):
            text = self._text(texts, f)
            if text and text not in getattr(task, attr):
                setattr(task, attr, f"{getattr(task, attr)}\n{text}".strip())
        for key, text in notes.items():
            _add_note(task.notes, key, text)


def _add_note(notes: dict[str, str], key: str, text: str) -> None:
    old = notes.get(key)
    if not old:
        notes[key] = text
    elif text not in old.split("；"):
        notes[key] = f"{old}；{text}"


# =========================================================================== entry point


def parse_ledger(
    data: bytes,
    filename: str,
    *,
    year: int,
    password: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    choose_sheet: Callable[[list[str]], str | None] | None = None,
) -> ParsedLedger:
    """Parse a ledger file (.xlsx, .xls or .csv — told by content) into problems and tasks.

    ``year`` is the round's year, used for deadlines written without one (12月底). ``password`` opens an
    encrypted workbook. ``progress(done_rows, total_rows)`` is called at most ~100 times.
    ``choose_sheet(visible sheet names)`` may name the one sheet to read (a workbook with a sheet per
    unit); the others are then skipped. Returning None reads every sheet that looks like a ledger.

    Raises :class:`LedgerFileError` only when the file as a whole cannot be read; every problem in the
    content is returned in ``ParsedLedger.errors`` (sheet, row, column letter, Chinese message).
    """
    sources = _open(data, filename, password or None)
    state = _FileState(year, _Progress(progress, sum(s.height for s in sources)))
    result = state.result
    chosen = choose_sheet([s.name for s in sources if not s.hidden]) if choose_sheet else None
    for source in sources:
        if source.hidden or (chosen is not None and source.name != chosen):
            result.skipped_sheets.append(source.name)
            state.progress.advance(source.height)
            continue
        rows = source.rows()
        window: list[tuple[int, list[object]]] = []
        nonblank = 0
        for r, row in rows:
            window.append((r, row))
            if any(v != "" and v is not None for v in row):
                nonblank += 1
                if nonblank >= _HEADER_SCAN_ROWS + 1:
                    break
        header = _find_header(window, source.merges)
        if header is None:
            result.skipped_sheets.append(source.name)
            state.progress.advance(source.height)
            continue
        result.sheets.append(source.name)
        reader = _SheetReader(state, source, header)
        reader.read(_chain(window, rows), source.merges)
    if not result.sheets:
        names = "、".join(FIELD_SYNONYMS["description"][:4])
        result.errors.append(LedgerError(
            sources[0].name if sources else PurePath(filename).stem, None, None,
            gettext("没有找到台账表头：前%(rows)s行中须有一行同时包含问题描述列（%(names)s 等）"
                    "和“整改措施”列（整改措施、整改举措、具体措施、整改任务）；"
                    "只导入问题清单（反馈问题清单）的，须同时包含“序号”列和问题描述列")
            % {"rows": _HEADER_SCAN_ROWS, "names": names},
        ))
    state.progress.finish()
    return result


def _chain(window: list[tuple[int, list[object]]], rest: Iterator[tuple[int, list[object]]]
           ) -> Iterator[tuple[int, list[object]]]:
    yield from window
    yield from rest

