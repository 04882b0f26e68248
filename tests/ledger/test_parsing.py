"""The ledger parser: real-world layouts, formats, passwords, every error, and the cell helpers."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from rectify.ledger import cells
from rectify.ledger.cells import (
    DeadlineInfo,
    cell_text,
    chinese_numeral,
    clean_category,
    column_letter,
    normalize_header,
    parse_deadline,
    parse_kind,
    parse_names,
    parse_number,
    split_number_prefix,
)
from rectify.ledger.parsing import LedgerFileError, decrypt_if_encrypted, parse_ledger
from rectify.ledger.types import LedgerError, ParsedLedger, ParsedProblem
from tests.ledger import fixtures

D = dt.date


def parse(data: bytes, filename: str = "台账.xlsx", **kwargs: object) -> ParsedLedger:
    kwargs.setdefault("year", 2021)
    return parse_ledger(data, filename, **kwargs)  # type: ignore[arg-type]


def by_number(result: ParsedLedger) -> dict[str, ParsedProblem]:
    return {p.number: p for p in result.problems}


# =========================================================================== layouts


def test_provincial_department_two_row_header_group_merged_problems_and_problem_level_notes() -> None:
    result = parse(fixtures.provincial_department_xlsx())

    assert result.errors == []
    assert result.sheets == ["整改台账"]
    assert result.skipped_sheets == ["填表说明", "旧版"]  # an explanation sheet; a hidden sheet
    assert [p.number for p in result.problems] == ["1", "2", "3"]
    p1, p2, p3 = result.problems

    assert (p1.sheet, p1.row) == ("整改台账", 5)
    assert p1.description == "耕地保护责任落实不到位"
    assert p1.category == "贯彻落实党中央重大决策部署"
    assert p1.detail == "部分市县耕地“非农化”问题突出"
    assert p1.cause == "思想认识不到位，监管手段落后"
    assert p1.notes == {"备注": "省委巡视组反馈第1条"}  # 备注 merged like the problem: problem-level
    assert [t.row for t in p1.tasks] == [5, 6, 7]
    assert [t.measure for t in p1.tasks] == ["开展耕地“非农化”专项整治", "建立耕地保护田长制",
                                             "将耕地保护纳入年度考核，长效推进"]
    assert {t.criterion for t in p1.tasks} == {"2021年底前完成整治"}  # merged 整改目标 reaches every task
    assert [(t.deadline_kind, t.due_date) for t in p1.tasks] == [
        ("deadline", D(2021, 12, 31)),  # a date cell
        ("deadline", D(2022, 6, 30)),  # an Excel serial number, 44742
        ("long_term", None),  # 长期坚持
    ]
    t1, t2, t3 = p1.tasks
    assert t1.leaders == ["李明（副厅长）"]  # the remark in brackets stays with the name
    assert t1.departments == ["耕地保护监督处"]
    assert t1.co_departments == ["执法局", "规划处"]
    assert t1.persons == ["王强"]
    assert t1.progress == "已完成摸底排查"
    assert t2.departments == ["耕地保护监督处", "法规处"]
    assert (t2.co_departments, t2.persons, t2.progress) == ([], ["赵丽"], "制度起草中")
    assert (t3.departments, t3.persons, t3.progress) == (["人事处"], ["孙伟"], "")
    assert all(t.notes == {} and not t.already_done for t in p1.tasks)

    assert p2.description == "违规发放津贴补贴"
    assert p2.category == "落实全面从严治党战略部署"
    assert p2.notes == {}
    (done,) = p2.tasks
    assert (done.deadline_kind, done.due_date, done.already_done) == ("immediate", None, True)
    assert (done.leaders, done.departments, done.persons) == (["周红"], ["财务处"], ["钱进"])

    assert p3.description == "选人用人不规范"
    assert p3.cause == ""
    assert p3.notes == {"备注": "涉及问题线索已移交"}
    first, second = p3.tasks
    assert (first.deadline_kind, first.due_date, first.co_departments) == ("immediate", None, ["机关纪委"])
    # 责任领导 and 牵头部门 are merged over both measures: each task has them
    assert (second.leaders, second.departments, second.persons) == (["张华"], ["人事处"], ["郑洁"])
    # stage milestones: the last date is due, the text is kept
    assert (second.deadline_kind, second.due_date) == ("deadline", D(2022, 6, 30))
    assert second.notes == {"完成时限（原文）": "2021年12月底前完成清理，2022年6月底前建立制度"}


def test_enterprise_groups_other_column_order_kind_column_and_a_measure_merged_over_two_units() -> None:
    result = parse(fixtures.enterprise_xlsx(), "集团台账.xlsx")

    assert result.errors == []
    assert result.sheets == ["巡视整改任务清单"]
    assert result.skipped_sheets == []
    problems = by_number(result)
    assert sorted(problems) == ["（1）", "（2）", "（3）"]  # as written

    p1 = problems["（1）"]
    assert (p1.row, p1.description, p1.detail) == (4, "“三重一大”决策制度执行不严格",
                                                   "2020年3项重大投资未经党委会前置研究")
    assert p1.category == "" and p1.notes == {}
    assert len(p1.tasks) == 2  # the measure merged over rows 4-5 is one task with both lead units
    merged, review = p1.tasks
    assert merged.row == 4
    assert merged.measure == "修订“三重一大”决策实施办法"
    assert merged.criterion == "印发新办法"
    assert merged.departments == ["办公室", "法务部"]
    assert merged.persons == ["刘一", "刘二"]
    assert merged.leaders == ["陈总（党委书记）"]
    assert merged.co_departments == ["审计部"]
    assert (merged.deadline_kind, merged.due_date) == ("deadline", D(2022, 3, 31))  # "2022.3.31"
    assert merged.notes == {"佐证材料": "办法文本"}  # not merged like the problem: task-level; 是否销号 ignored
    assert review.leaders == ["王五（副总经理）"]  # "王五 （副总经理）"
    assert review.co_departments == ["财务部", "审计部"]  # "财务部/审计部"
    assert (review.due_date, review.notes) == (D(2022, 6, 30), {"佐证材料": "报告"})

    p2 = problems["（2）"]
    assert [(t.measure, t.deadline_kind, t.due_date) for t in p2.tasks] == [
        ("立即停止违规分拆采购", "immediate", None),
        ("健全招标采购监督机制", "long_term", None),
    ]
    assert p2.tasks[1].persons == ["黄七", "何八"]
    assert all("是否销号" not in t.notes for t in p2.tasks)

    (t,) = problems["（3）"].tasks
    assert (t.deadline_kind, t.due_date) == ("deadline", D(2021, 12, 31))  # "12月底" in the round's year
    again = parse(fixtures.enterprise_xlsx(), year=2022)
    assert by_number(again)["（3）"].tasks[0].due_date == D(2022, 12, 31)


def test_county_wps_sheet_without_number_column_blank_continuations_and_full_width_quirks() -> None:
    result = parse(fixtures.county_wps_xlsx(), "统计局台账.xlsx")

    assert result.errors == []
    assert result.sheets == ["Sheet1"]
    # numbers from "1." and "2．" at the start of the description, then the position in the file
    assert [(p.number, p.row, p.description) for p in result.problems] == [
        ("1", 4, "统计数据质量把关不严"),
        ("2", 7, "学习制度落实不到位"),
        ("3", 8, "干部作风不严不实"),
    ]
    p1, p2, p3 = result.problems
    assert [t.row for t in p1.tasks] == [4, 5]  # the column-number row 3 is not a problem
    first, second = p1.tasks
    assert first.measure == "建立数据 质量审核制度"  # stray spaces stripped and collapsed
    assert first.persons == ["张三"]  # "张 三" padded for alignment is one name
    assert (first.leaders, first.departments) == (["刘局长"], ["综合股"])
    assert first.due_date == D(2021, 12, 31)  # full-width digits
    assert first.progress == "制度已起草"
    assert (second.departments, second.due_date) == (["综合股", "执法大队"], D(2021, 11, 30))
    assert second.progress == ""
    (t,) = p2.tasks
    assert (t.deadline_kind, t.due_date) == ("deadline", D(2021, 12, 31))  # "年底"
    assert [(t.deadline_kind, t.due_date, t.already_done) for t in p3.tasks] == [
        ("immediate", None, True),  # 已完成
        ("long_term", None, False),  # 常态化
    ]
    assert [t.departments for t in p3.tasks] == [["办公室"], ["人事股"]]


def test_category_heading_rows_circled_numbers_totals_footers_and_signatures() -> None:
    result = parse(fixtures.categorised_xlsx())

    assert result.errors == []
    assert [(p.number, p.row, p.category) for p in result.problems] == [
        ("①", 4, "贯彻落实党中央决策部署方面"),  # "一、…方面的问题（共2个）"
        ("②", 6, "贯彻落实党中央决策部署方面"),
        ("③", 8, "全面从严治党方面"),  # "（一）全面从严治党方面"
    ]
    p1, p2, p3 = result.problems
    assert p1.description == "学习贯彻习近平新时代中国特色社会主义思想不深入"
    assert [t.measure for t in p1.tasks] == ["制定党组理论学习年度计划", "开展专题读书班"]
    assert [t.due_date for t in p1.tasks] == [D(2021, 11, 30), D(2021, 12, 31)]  # "2021年12月" -> month end
    assert p1.tasks[0].notes == {"备注": "第一议题制度"}
    assert p1.tasks[1].notes == {}
    assert p1.tasks[1].co_departments == ["机关党委"]
    assert p1.notes == {}
    (t,) = p2.tasks
    assert (t.deadline_kind, t.due_date) == ("immediate", D(2021, 11, 30))  # 立行立改，…前
    (t,) = p3.tasks
    assert (t.due_date, t.progress, t.notes) == (D(2021, 12, 31), "已清理2辆", {"备注": "已追缴费用0.3万元"})
    assert sum(len(p.tasks) for p in result.problems) == 4  # 合计, 注： rows and the signature are not tasks


@pytest.mark.parametrize(("encoding", "delimiter"), [
    ("gbk", ","), ("gb18030", ","), ("utf-8-sig", ","), ("utf-8", ","), ("utf-16", "\t"),
])
def test_csv_in_every_encoding_units_save_it(encoding: str, delimiter: str) -> None:
    if delimiter == ",":
        data = fixtures.csv_bytes(encoding)
    else:  # Excel's "Unicode 文本": UTF-16 with BOM, tab-separated
        data = "\r\n".join("\t".join(r) for r in fixtures.CSV_ROWS).encode(encoding)
    result = parse(data, "uploads/县审计局整改台账.csv")

    assert result.errors == []
    assert result.sheets == ["县审计局整改台账"]  # a CSV is one sheet named after the file
    assert [(p.number, p.row, p.description) for p in result.problems] == [
        ("1", 3, "审计整改跟踪不到位"), ("2", 5, "干部教育培训不足"),
    ]
    p1, p2 = result.problems
    assert [(t.row, t.due_date, t.departments) for t in p1.tasks] == [
        (3, D(2021, 12, 31), ["法规审理股"]),
        (4, D(2022, 3, 31), ["法规审理股", "各业务股"]),
    ]
    assert p1.tasks[1].notes == {"备注": "每季度通报"}
    assert p1.tasks[0].progress == "已建立"
    (t,) = p2.tasks
    assert (t.deadline_kind, t.due_date, t.leaders) == ("immediate", D(2021, 11, 30), ["副局长乙"])


def test_csv_lines_shorter_than_the_header_and_semicolons() -> None:
    text = "序号;问题描述;整改措施;责任领导;责任部门;完成时限;备注\n1;问题;措施一;甲;办公室;2021年底\n;;措施二\n"
    result = parse(text.encode(), "a.csv")
    (p,) = result.problems
    assert [(t.measure, t.due_date) for t in p.tasks] == [("措施一", D(2021, 12, 31)), ("措施二", None)]
    assert result.errors == [
        LedgerError("a", 3, "D", "第3行缺少“责任领导”：每条整改任务都要有责任领导"),
        LedgerError("a", 3, "E", "第3行缺少“责任部门”：每条整改任务都要有牵头（责任）部门"),
        LedgerError("a", 3, "F", "第3行缺少“完成时限”：限期整改的任务须写明完成时限（如 2021年12月31日）；"
                                 "立行立改或长期坚持的请写明"),
    ]


def test_gbk_bytes_are_not_mistaken_for_utf8() -> None:
    data = fixtures.csv_bytes("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert parse(data, "a.csv").problems[0].description == "审计整改跟踪不到位"


def test_legacy_xls_with_merges_two_row_header_and_serial_dates() -> None:
    result = parse(fixtures.legacy_xls(), "旧台账.xls")

    assert result.errors == []
    assert result.sheets == ["整改台账"]
    p1, p2 = result.problems
    assert (p1.number, p1.row, p1.description) == ("1", 4, "“一把手”监督不力")
    assert [(t.measure, t.due_date) for t in p1.tasks] == [
        ("制定对“一把手”监督的实施办法", D(2022, 1, 31)),  # a date cell
        ("开展“一把手”述责述廉", D(2022, 1, 31)),  # the number 44592
    ]
    assert p1.tasks[1].leaders == ["局长甲", "副局长乙"]
    assert p1.tasks[0].progress == "已印发"
    assert (p2.number, p2.tasks[0].deadline_kind, p2.tasks[0].due_date) == ("2", "long_term", None)


def test_format_is_told_by_content_not_by_name() -> None:
    as_csv = parse(fixtures.categorised_xlsx(), "台账.csv")
    assert [p.number for p in as_csv.problems] == ["①", "②", "③"]
    assert as_csv.sheets == ["台账"]
    as_xlsx = parse(fixtures.csv_bytes("gbk"), "台账.xlsx")
    assert [p.number for p in as_xlsx.problems] == ["1", "2"]


# =========================================================================== passwords


@pytest.fixture(scope="module")
def encrypted() -> bytes:
    return fixtures.encrypt_xlsx(fixtures.categorised_xlsx(), "Zg#2021")


def test_encrypted_workbook_without_password_asks_for_one(encrypted: bytes) -> None:
    with pytest.raises(LedgerFileError) as caught:
        parse(encrypted)
    assert caught.value.message == "该工作簿设有打开密码，请提供密码（命令行用 --password）"
    with pytest.raises(LedgerFileError):
        parse(encrypted, password="")


def test_encrypted_workbook_with_wrong_password(encrypted: bytes) -> None:
    with pytest.raises(LedgerFileError) as caught:
        parse(encrypted, password="zg#2021")
    assert "密码不正确" in caught.value.message


def test_encrypted_workbook_with_password_reads_like_the_plain_one(encrypted: bytes) -> None:
    plain = parse(fixtures.categorised_xlsx())
    result = parse(encrypted, password="Zg#2021")
    assert result.errors == []
    assert result.problems == plain.problems
    assert [p.category for p in result.problems] == ["贯彻落实党中央决策部署方面"] * 2 + ["全面从严治党方面"]


def test_decrypt_if_encrypted_for_uploads_that_must_not_keep_the_password(encrypted: bytes) -> None:
    plain = fixtures.categorised_xlsx()
    assert decrypt_if_encrypted(plain, None) is plain
    decrypted = decrypt_if_encrypted(encrypted, "Zg#2021")
    assert decrypted.startswith(b"PK")
    assert parse(decrypted).problems == parse(plain).problems
    with pytest.raises(LedgerFileError, match="--password"):
        decrypt_if_encrypted(encrypted, None)
    with pytest.raises(LedgerFileError, match="密码不正确"):
        decrypt_if_encrypted(encrypted, "wrong")


def test_a_password_for_a_plain_file_is_ignored() -> None:
    assert [p.number for p in parse(fixtures.categorised_xlsx(), password="x").problems] == ["①", "②", "③"]


# =========================================================================== file-level failures


def _zip(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()


@pytest.mark.parametrize(("data", "detail"), [
    (b"%PDF-1.4\n" + bytes(range(256)) * 4, ""),
    (_zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}), "Word 文档"),
    (_zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"}), ".ods"),
    ("<html><body><table><tr><td>序号</td></tr></table></body></html>".encode(), "网页"),
])
def test_unsupported_formats_name_the_supported_ones(data: bytes, detail: str) -> None:
    with pytest.raises(LedgerFileError) as caught:
        parse(data, "台账.xls")
    message = caught.value.message
    assert "支持的格式：.xlsx、.xls、.csv" in message
    assert "“台账.xls”" in message
    assert detail in message


@pytest.mark.parametrize("data", [
    fixtures.categorised_xlsx()[:3000],  # a download cut short
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,  # an OLE signature with nothing behind it
])
def test_corrupt_files(data: bytes) -> None:
    with pytest.raises(LedgerFileError, match="已损坏或不完整"):
        parse(data, "台账.xlsx")


def test_empty_file() -> None:
    with pytest.raises(LedgerFileError, match="是空的"):
        parse(b"", "台账.xlsx")


def test_a_workbook_without_any_ledger_sheet_is_one_error_not_an_exception() -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "填表说明"
    wb.active["A1"] = "请按模板填写"
    result = parse(_save(wb))
    assert result.problems == [] and result.sheets == []
    assert result.skipped_sheets == ["填表说明"]
    (error,) = result.errors
    assert (error.sheet, error.row, error.column) == ("填表说明", None, None)
    assert error.message.startswith("没有找到台账表头：前15行中须有一行同时包含问题描述列")


# =========================================================================== every error


def test_every_mistake_is_reported_with_sheet_row_column_and_what_to_fix() -> None:
    result = parse(fixtures.mistakes_xlsx(), "错误台账.xlsx")
    s1, s2 = "问题台账", "补充问题"
    assert result.sheets == [s1, s2]
    assert result.errors == [
        LedgerError(s1, 2, "B", "第2行有整改内容但不属于任何问题：请在“问题描述”列填写问题描述，"
                                "或把该行移到所属问题的下方"),
        LedgerError(s1, 3, "H", "第3行“完成时限”无法识别：“2021年13月”。"
                                "请写成 2021年12月31日、2021-12-31 或 2021年12月底 等格式"),
        LedgerError(s1, 4, "C", "第4行缺少“整改措施”：每条整改任务都要写明整改措施"),
        LedgerError(s1, 5, "B", "第5行缺少“问题描述”：请填写问题描述"),
        LedgerError(s1, 6, "A", "问题序号 1 与第3行重复：每个问题的序号必须不同"),
        LedgerError(s1, 7, "E", "第7行缺少“责任领导”：每条整改任务都要有责任领导"),
        LedgerError(s1, 8, "F", "第8行缺少“责任部门”：每条整改任务都要有牵头（责任）部门"),
        LedgerError(s1, 9, "H", "第9行缺少“完成时限”：限期整改的任务须写明完成时限（如 2021年12月31日）；"
                                "立行立改或长期坚持的请写明"),
        LedgerError(s1, 10, "D", "第10行“整改类型”无法识别：“马上改”。请填写 立行立改、限期整改 或 长期坚持"),
        LedgerError(s1, 11, "A", "第11行“序号”为“99999999999999999999”，不是有效的问题序号：纯数字序号最多6位，"
                                 "请核对后改正（如 1、12）"),
        LedgerError(s1, 12, "C", "第12行的问题没有整改措施：请在“整改措施”列至少填写一条"),
        LedgerError(s1, 13, "H", "第13行“完成时限”无法识别：“尽快”。"
                                "请写成 2021年12月31日、2021-12-31 或 2021年12月底 等格式"),
        LedgerError(s2, None, None, "未找到“责任领导”列（可用的列名：责任领导、牵头领导、分管领导、责任校领导）"),
        LedgerError(s2, None, None, "未找到“完成时限”列（可用的列名：完成时限、整改时限、完成时间、时间节点、"
                                    "整改期限、整改完成时限）"),
    ]
    # the file is still read as far as it goes, so the importer can show everything at once
    assert [p.number for p in result.problems] == ["1", "2", "1", "4", "5", "6", "7", "", "9", "10", "11", "12"]
    assert [len(p.tasks) for p in result.problems] == [1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1]
    assert result.errors[0].as_dict() == {"sheet": s1, "row": 2, "column": "B",
                                          "message": result.errors[0].message}


def test_duplicate_numbers_across_sheets_name_the_other_sheet() -> None:
    wb = openpyxl.Workbook()
    for title in ("一组", "二组"):
        ws = wb.active if title == "一组" else wb.create_sheet(title)
        ws.title = title
        ws.append(["序号", "问题描述", "整改措施", "责任领导", "责任部门", "完成时限"])
        ws.append([3, f"{title}的问题", "措施", "甲", "办公室", "2021年12月31日"])
    result = parse(_save(wb))
    assert result.errors == [LedgerError("二组", 2, "A", "问题序号 3 与“一组”第2行重复：每个问题的序号必须不同")]


def test_a_deadline_merged_over_several_tasks_is_reported_once_at_its_cell() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "问题描述", "整改措施", "责任领导", "责任部门", "完成时限"])
    ws.append([1, "问题", "措施一", "甲", "办公室", "2021年2月30日"])
    ws.append([None, None, "措施二", "甲", "办公室", None])
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:B3")
    ws.merge_cells("F2:F3")
    result = parse(_save(wb))
    assert [(e.row, e.column) for e in result.errors] == [(2, "F")]
    assert "“2021年2月30日”" in result.errors[0].message


# =========================================================================== smaller behaviours


def _save(wb: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_category_column_overrides_the_heading_and_unheaded_columns_are_kept() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "问题类别", "问题描述", "整改措施", "牵头领导", "牵头单位", "整改时限"])
    ws.append(["二、选人用人方面存在的问题（共2个）"])
    ws.merge_cells("A2:G2")
    ws.append([1, "干部监督", "问题甲", "措施甲", "甲", "组织部", "2021年12月31日", None, "手写批注"])
    ws.append([2, None, "问题乙", "措施乙", "甲", "组织部", "2021.12.31"])
    result = parse(_save(wb))
    assert result.errors == []
    assert [p.category for p in result.problems] == ["干部监督", "选人用人方面"]
    assert result.problems[0].tasks[0].notes == {"I列": "手写批注"}


def test_problem_notes_from_rows_without_a_measure_are_not_lost() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "问题描述", "整改措施", "责任领导", "责任部门", "完成时限", "备注"])
    ws.append([1, "问题", None, None, None, None, "问题来源：巡视反馈"])  # the problem on its own row
    ws.append([None, None, "措施", "甲", "办公室", "2021年12月31日", "按月报送"])
    result = parse(_save(wb))
    assert result.errors == []
    (p,) = result.problems
    assert p.notes == {"备注": "问题来源：巡视反馈"}
    assert [(t.row, t.notes) for t in p.tasks] == [(3, {"备注": "按月报送"})]


def test_explicit_kind_column_wins_over_the_deadline_words() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "问题描述", "整改措施", "类型", "责任领导", "责任部门", "完成时限"])
    ws.append([1, "问题", "措施一", "长期坚持", "甲", "办公室", "2022年6月30日（阶段性）"])
    ws.append([2, "问题", "措施二", "限期整改", "甲", "办公室", "立行立改"])
    result = parse(_save(wb))
    assert [(p.tasks[0].deadline_kind, p.tasks[0].due_date) for p in result.problems] == [
        ("long_term", D(2022, 6, 30)), ("deadline", None)]
    assert [(e.row, e.column) for e in result.errors] == [(3, "G")]  # 限期整改 still needs a date


def test_progress_is_reported_at_most_about_a_hundred_times_and_ends_at_the_total() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "问题描述", "整改措施", "责任领导", "责任部门", "完成时限"])
    for n in range(1, 2501):
        ws.append([n, f"问题{n}", "措施", "甲", "办公室", "2021年12月31日"])
    calls: list[tuple[int, int]] = []
    result = parse(_save(wb), progress=lambda done, total: calls.append((done, total)))
    assert len(result.problems) == 2500 and result.errors == []
    assert 10 <= len(calls) <= 100
    assert calls[-1] == (2501, 2501)
    assert all(total == 2501 for _, total in calls)
    assert [done for done, _ in calls] == sorted({done for done, _ in calls})


def test_progress_on_a_small_file_and_without_a_callback() -> None:
    calls: list[tuple[int, int]] = []
    parse(fixtures.county_wps_xlsx(), progress=lambda d, t: calls.append((d, t)))
    assert calls and calls[-1][0] == calls[-1][1] > 0
    assert parse(fixtures.county_wps_xlsx()).errors == []


# =========================================================================== cell helpers


@pytest.mark.parametrize(("raw", "key"), [
    ("完成时限\n（年月日）", "完成时限"),
    ("＊整改措施", "整改措施"),
    ("责任领导：", "责任领导"),
    ("整 改 措 施", "整改措施"),
    ("责任领导（分管领导）", "责任领导"),
    ("序号*", "序号"),
    ("【必填】问题描述", "问题描述"),
    ("整改目标及标准", "整改目标及标准"),
])
def test_normalize_header(raw: str, key: str) -> None:
    assert normalize_header(raw) == key


@pytest.mark.parametrize(("raw", "number"), [
    (1, 1), (3.0, 3), ("12", 12), ("1、", 1), ("1.", 1), ("1．", 1), ("（1）", 1), ("(2)", 2), ("①", 1),
    ("⑳", 20), ("一、", 1), ("十二", 12), ("二十一", 21), ("第3条", 3), ("第十条", 10), ("１２", 12),
    ("⑴", 1), ("", None), ("第A条", None), ("1.5", None), (0, None), (2.5, None), (True, None), ("问题", None),
])
def test_parse_number(raw: object, number: int | None) -> None:
    assert parse_number(raw) == number


@pytest.mark.parametrize(("text", "expected"), [
    ("1、加强管理", (1, "加强管理")),
    ("12. 违规发放补贴", (12, "违规发放补贴")),
    ("２．学习不到位", (2, "学习不到位")),
    ("（3）选人用人", (3, "选人用人")),
    ("③公车管理", (3, "公车管理")),
    ("二、意识形态", (2, "意识形态")),
    ("第4条 组织生活", (4, "组织生活")),
    ("3.5亿元资金闲置", (None, "3.5亿元资金闲置")),
    ("2021年以来违规", (None, "2021年以来违规")),
    ("三重一大制度", (None, "三重一大制度")),
    ("1、", (None, "1、")),
])
def test_split_number_prefix(text: str, expected: tuple[int | None, str]) -> None:
    assert split_number_prefix(text) == expected


@pytest.mark.parametrize(("raw", "names"), [
    ("张三、李四", ["张三", "李四"]),
    ("张三，李四,王五；赵六;孙七/周八", ["张三", "李四", "王五", "赵六", "孙七", "周八"]),
    ("张三\n李四", ["张三", "李四"]),
    ("张三 李四", ["张三", "李四"]),
    ("张  三", ["张三"]),
    (" 张三（副厅长） ", ["张三（副厅长）"]),
    ("张三 （副厅长）、李四", ["张三（副厅长）", "李四"]),
    ("张三（副厅长、分管）", ["张三（副厅长、分管）"]),
    ("办公室、、 ", ["办公室"]),
    ("", []),
    (None, []),
])
def test_parse_names(raw: object, names: list[str]) -> None:
    assert parse_names(raw) == names


@pytest.mark.parametrize(("raw", "due", "kind", "done", "valid"), [
    (D(2021, 12, 31), D(2021, 12, 31), None, False, True),
    (dt.datetime(2022, 1, 5, 0, 0), D(2022, 1, 5), None, False, True),
    (44561.0, D(2021, 12, 31), None, False, True),
    (20211231, D(2021, 12, 31), None, False, True),
    (12.5, None, None, False, False),
    ("2021年12月31日", D(2021, 12, 31), None, False, True),
    ("2021.12.31", D(2021, 12, 31), None, False, True),
    ("2021/12/31", D(2021, 12, 31), None, False, True),
    ("2021-12-31 00:00:00", D(2021, 12, 31), None, False, True),
    ("2021年12月", D(2021, 12, 31), None, False, True),
    ("2022.2", D(2022, 2, 28), None, False, True),
    ("2021年12月底", D(2021, 12, 31), None, False, True),
    ("12月底", D(2021, 12, 31), None, False, True),
    ("2022年底", D(2022, 12, 31), None, False, True),
    ("年底", D(2021, 12, 31), None, False, True),
    ("2021年12月31日前", D(2021, 12, 31), None, False, True),
    ("2021年12月31日之前", D(2021, 12, 31), None, False, True),
    ("2022年6月30日（阶段性）", D(2022, 6, 30), None, False, True),
    ("2022年上半年", D(2022, 6, 30), None, False, True),
    ("2022年第三季度", D(2022, 9, 30), None, False, True),
    ("2021年10月—12月", D(2021, 12, 31), None, False, True),
    ("立行立改", None, "immediate", False, True),
    ("立行立改，2021年11月30日前", D(2021, 11, 30), "immediate", False, True),
    ("长期坚持", None, "long_term", False, True),
    ("持续整改", None, "long_term", False, True),
    ("长期", None, "long_term", False, True),
    ("常态化", None, "long_term", False, True),
    ("2021年12月底前完成，长期坚持", D(2021, 12, 31), "long_term", False, True),
    ("已完成", None, "immediate", True, True),
    ("已整改", None, "immediate", True, True),
    ("已完成（2021年10月15日）", D(2021, 10, 15), "immediate", True, True),
    ("限期整改", None, None, False, False),
    ("2021年13月", None, None, False, False),
    ("2021年2月30日", None, None, False, False),
    ("立行立改，2021年13月前", None, "immediate", False, False),
    ("尽快", None, None, False, False),
    ("", None, None, False, True),
    (None, None, None, False, True),
])
def test_parse_deadline(raw: object, due: dt.date | None, kind: str | None, done: bool, valid: bool) -> None:
    info = parse_deadline(raw, 2021)
    assert (info.due_date, info.kind, info.already_done, info.valid) == (due, kind, done, valid)


def test_several_dates_keep_the_last() -> None:
    info = parse_deadline("2021年12月底前完成清理，2022年6月底前建立制度", 2021)
    assert info.dates == (D(2021, 12, 31), D(2022, 6, 30))
    assert info.several_dates and info.due_date == D(2022, 6, 30)
    # a later milestone without a year continues the year written before it
    assert parse_deadline("2022年3月底前完成摸排，6月底前完成整改", 2021).due_date == D(2022, 6, 30)


@pytest.mark.parametrize(("text", "kind"), [
    ("立行立改", "immediate"), ("限期整改", "deadline"), ("长期坚持", "long_term"), ("长期 坚持", "long_term"),
    ("马上改", None),
])
def test_parse_kind(text: str, kind: str | None) -> None:
    assert parse_kind(text) == kind


@pytest.mark.parametrize(("text", "category"), [
    ("一、贯彻落实党中央决策部署方面的问题（共5个）", "贯彻落实党中央决策部署方面"),
    ("（一）全面从严治党方面", "全面从严治党方面"),
    ("二、落实全面从严治党战略部署问题", "落实全面从严治党战略部署"),
    ("三、选人用人方面存在的问题(共3个)", "选人用人方面"),
    ("第一部分：意识形态工作", "意识形态工作"),
])
def test_clean_category(text: str, category: str) -> None:
    assert clean_category(text) == category


def test_small_helpers() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    assert [chinese_numeral(s) for s in ("一", "十", "十二", "二十", "一百零五", "甲")] == [1, 10, 12, 20, 105, None]
    assert cell_text(12.0) == "12"
    assert cell_text("  建立  制度\u3000 ") == "建立 制度"
    assert cell_text(" 第一行 \r\n\r\n 第二行，保留标点。") == "第一行\n第二行，保留标点。"
    assert cell_text(D(2021, 1, 2)) == "2021-01-02"
    assert cells.looks_like_heading("一、党的建设方面") and not cells.looks_like_heading("加强党的建设")


# --------------------------------------------------------------------------- property: dates


def _full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if ch.isdigit() else ch for ch in text)


_SPELLINGS = {
    "年月日": lambda d: f"{d.year}年{d.month}月{d.day}日",
    "年月日号": lambda d: f"{d.year}年{d.month}月{d.day}号",
    "iso": lambda d: d.isoformat(),
    "dots": lambda d: f"{d.year}.{d.month}.{d.day}",
    "slashes": lambda d: f"{d.year}/{d.month}/{d.day}",
    "spaced": lambda d: f" {d.year} 年 {d.month} 月 {d.day} 日 ",
    "前": lambda d: f"{d.year}年{d.month}月{d.day}日前",
    "之前": lambda d: f"{d.year}年{d.month:02d}月{d.day:02d}日之前",
    "阶段性": lambda d: f"{d.year}年{d.month}月{d.day}日（阶段性）",
    "full-width": lambda d: _full_width(f"{d.year}年{d.month}月{d.day}日"),
    "compact": lambda d: f"{d.year}{d.month:02d}{d.day:02d}",
    "立行立改": lambda d: f"立行立改，{d.year}年{d.month}月{d.day}日前",
    "milestones": lambda d: f"{d.year - 1}年12月底前完成清理，{d.year}年{d.month}月{d.day}日前建立制度",
    "date": lambda d: d,
    "datetime": lambda d: dt.datetime(d.year, d.month, d.day),
}
_MONTH_END_SPELLINGS = {
    "年月": lambda d: f"{d.year}年{d.month}月",
    "年月底": lambda d: f"{d.year}年{d.month}月底",
    "年月末": lambda d: f"{d.year}年{d.month}月末",
    "年月底前": lambda d: f"{d.year}年{d.month}月底前",
    "dot": lambda d: f"{d.year}.{d.month}",
    "dash": lambda d: f"{d.year}-{d.month:02d}",
}


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31)), st.sampled_from(sorted(_SPELLINGS)))
@example(D(2020, 2, 29), "年月日")
def test_every_spelling_of_a_date_parses_back(day: dt.date, spelling: str) -> None:
    info = parse_deadline(_SPELLINGS[spelling](day), 1999)
    assert info.valid
    assert info.due_date == day


@given(st.dates(min_value=D(2009, 7, 6), max_value=D(2064, 4, 8)))
def test_excel_serial_numbers_parse_back(day: dt.date) -> None:
    serial = (day - D(1899, 12, 30)).days
    assert parse_deadline(float(serial), 2021).due_date == day
    assert parse_deadline(str(serial), 2021).due_date == day


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31)), st.sampled_from(sorted(_MONTH_END_SPELLINGS)))
def test_month_spellings_mean_the_month_end(day: dt.date, spelling: str) -> None:
    info = parse_deadline(_MONTH_END_SPELLINGS[spelling](day), 1999)
    next_month = D(day.year + day.month // 12, day.month % 12 + 1, 1)
    assert info.due_date == next_month - dt.timedelta(days=1)


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31)))
def test_dates_without_a_year_take_the_rounds_year(day: dt.date) -> None:
    assert parse_deadline(f"{day.month}月{day.day}日", day.year).due_date == day
    assert parse_deadline(f"{day.month}月{day.day}日前", day.year).due_date == day
    assert parse_deadline("年底", day.year).due_date == D(day.year, 12, 31)
    assert parse_deadline(f"{day.year}年底", 1999).due_date == D(day.year, 12, 31)


@given(st.text(alphabet="整改落实到位加强管理制度，。、", max_size=20))
def test_text_without_a_date_or_kind_is_never_a_date(text: str) -> None:
    info = parse_deadline(text, 2021)
    assert info.due_date is None
    assert info == DeadlineInfo() if not text.strip() else not info.valid

