"""Ledger files built in code, shaped like the ones units really send (Excel and WPS).

Each builder returns the file's bytes. Rows and columns in comments are as Excel shows them.
The expected parse of every file is asserted in tests/ledger/test_parsing.py.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

Row = Sequence[object]


def _put(ws: Worksheet, row: int, values: Row, first_col: int = 1) -> None:
    for i, value in enumerate(values):
        if value is not None:
            ws.cell(row=row, column=first_col + i, value=value)


def _save(wb: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _merge_down(ws: Worksheet, cols: str, first: int, last: int) -> None:
    for col in cols:
        ws.merge_cells(f"{col}{first}:{col}{last}")


# --------------------------------------------------------------------------- A: provincial department


def provincial_department_xlsx() -> bytes:
    """XX省自然资源厅: title and note rows, a two-row header with the group 责任落实 over
    责任领导/牵头部门/责任人, problems merged over their measure rows, a 问题类别 column,
    备注 merged like the problem (problem-level note), a 填表说明 sheet and a hidden sheet.

    Columns: A 序号 B 问题类别 C 反馈问题 D 问题表现 E 原因分析 F 整改目标 G 整改措施
    H-J 责任落实(责任领导, 牵头部门, 责任人) K 配合部门 L 完成时限（年月日） M 整改进展 N 备注
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "整改台账"
    _put(ws, 1, ["XX省自然资源厅巡视反馈问题整改台账（问题清单、任务清单、责任清单）"])
    ws.merge_cells("A1:N1")
    _put(ws, 2, ["填报单位：XX省自然资源厅办公室（盖章）        填报日期：2021年10月20日"])
    ws.merge_cells("A2:N2")
    _put(ws, 3, ["序号", "问题类别", "反馈问题", "问题表现", "原因分析", "整改目标", "整改措施", "责任落实",
                 None, None, "配合部门", "完成时限\n（年月日）", "整改进展", "备注"])
    _put(ws, 4, [None] * 7 + ["责任领导", "牵头部门", "责任人"])
    _merge_down(ws, "ABCDEFGKLMN", 3, 4)
    ws.merge_cells("H3:J3")
    # problem 1: rows 5-7, three measures
    _put(ws, 5, [1, "贯彻落实党中央重大决策部署", "耕地保护责任落实不到位", "部分市县耕地“非农化”问题突出",
                 "思想认识不到位，监管手段落后", "2021年底前完成整治", "开展耕地“非农化”专项整治",
                 "李明（副厅长）", "耕地保护监督处", "王强", "执法局、规划处", dt.date(2021, 12, 31),
                 "已完成摸底排查", "省委巡视组反馈第1条"])
    _put(ws, 6, [None] * 6 + ["建立耕地保护田长制", "李明（副厅长）", "耕地保护监督处、法规处", "赵丽", None,
                              44742, "制度起草中"])  # 44742 = 2022-06-30 as an Excel serial number
    _put(ws, 7, [None] * 6 + ["将耕地保护纳入年度考核，长效推进", "李明（副厅长）", "人事处", "孙伟", None,
                              "长期坚持", ""])
    _merge_down(ws, "ABCDEFN", 5, 7)
    # problem 2: row 8, one measure that is done, written in the 完成时限 cell
    _put(ws, 8, [2, "落实全面从严治党战略部署", "违规发放津贴补贴", "2019年违规发放加班补贴12.6万元",
                 "财经纪律意识淡薄", "全部清退到位", "清退违规发放的补贴", "周红", "财务处", "钱进", None,
                 "已完成", "已全部清退"])
    # problem 3: rows 9-10, leader and 牵头部门 merged over both measures; stage milestones in one cell
    _put(ws, 9, [3, "落实全面从严治党战略部署", "选人用人不规范", "个别干部任职程序不全", None,
                 "规范干部选任程序", "开展干部档案专项审核", "张华", "人事处", "吴敏", "机关纪委",
                 "立行立改", "审核中", "涉及问题线索已移交"])
    _put(ws, 10, [None] * 6 + ["修订干部选拔任用工作规程", None, None, "郑洁", None,
                               "2021年12月底前完成清理，2022年6月底前建立制度", ""])
    _merge_down(ws, "ABCDEFHIN", 9, 10)

    notes = wb.create_sheet("填表说明")
    _put(notes, 1, ["填表说明"])
    _put(notes, 2, ["1. 问题清单按巡视反馈意见逐条填写；"])
    _put(notes, 3, ["2. 完成时限请写明具体日期。"])
    hidden = wb.create_sheet("旧版")
    _put(hidden, 1, ["序号", "反馈问题", "整改措施", "责任领导", "牵头部门", "完成时限"])
    _put(hidden, 2, [1, "旧问题", "旧措施", "某人", "某处", "2020年底"])
    hidden.sheet_state = "hidden"
    return _save(wb)


def provincial_department_feedback_list_xlsx() -> bytes:
    """The feedback list (反馈问题清单) the inspection office enters for the same department before the unit
    writes its ledger: a title row, then 序号 (一、二、三、) 问题类别 反馈问题 问题表现 — no measure column."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "反馈问题清单"
    _put(ws, 1, ["省委第一巡视组对XX省自然资源厅党组巡视反馈问题清单"])
    ws.merge_cells("A1:D1")
    _put(ws, 2, ["序号", "问题类别", "反馈问题", "问题表现"])
    _put(ws, 3, ["一、", "贯彻落实党中央重大决策部署", "耕地保护责任落实不到位", "部分市县耕地“非农化”问题突出"])
    _put(ws, 4, ["二、", "落实全面从严治党战略部署", "违规发放津贴补贴", "2019年违规发放加班补贴12.6万元"])
    _put(ws, 5, ["三、", "落实全面从严治党战略部署", "选人用人不规范", "个别干部任职程序不全"])
    return _save(wb)


# --------------------------------------------------------------------------- B: state-owned enterprise


def enterprise_xlsx() -> bytes:
    """XX集团: the group 整改任务 over 整改举措/完成标志/整改期限 and 责任分工 over 牵头单位/牵头领导/
    具体责任人, columns in another order, an explicit 整改方式 column, numbers written （1）（2）（3）,
    one measure merged over two rows (one per 牵头单位), and 佐证材料 / 是否销号 columns.

    Columns: A 问题编号 B 巡视反馈问题 C 具体表现 D-F 整改任务(整改举措, 完成标志, 整改期限)
    G-I 责任分工(牵头单位, 牵头领导, 具体责任人) J 协办部门 K 整改方式 L 佐证材料 M 是否销号
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "巡视整改任务清单"
    _put(ws, 1, ["XX集团有限公司落实巡视反馈意见整改任务清单"])
    ws.merge_cells("A1:M1")
    _put(ws, 2, ["问题编号", "巡视反馈问题", "具体表现", "整改任务", None, None, "责任分工", None, None,
                 "协办部门", "整改方式", "佐证材料", "是否销号"])
    _put(ws, 3, [None, None, None, "整改举措", "完成标志", "整改期限", "牵头单位", "牵头领导", "具体责任人"])
    _merge_down(ws, "ABCJKLM", 2, 3)
    ws.merge_cells("D2:F2")
    ws.merge_cells("G2:I2")
    # (1): rows 4-6; the first measure merged over rows 4-5 (two lead units), then a second measure
    _put(ws, 4, ["（1）", "“三重一大”决策制度执行不严格", "2020年3项重大投资未经党委会前置研究",
                 "修订“三重一大”决策实施办法", "印发新办法", "2022.3.31", "办公室", "陈总（党委书记）",
                 "刘一", "审计部", "限期整改", "办法文本", "否"])
    _put(ws, 5, [None, None, None, None, None, None, "法务部", "陈总（党委书记）", "刘二"])
    _put(ws, 6, [None, None, None, "对3项投资开展后评价", "形成评价报告", "2022/06/30", "投资部",
                 "王五 （副总经理）", "马六", "财务部/审计部", "限期整改", "报告", "否"])
    _merge_down(ws, "ABC", 4, 6)
    ws.merge_cells("D4:D5")
    ws.merge_cells("E4:E5")
    ws.merge_cells("F4:F5")
    # (2): rows 7-8
    _put(ws, 7, ["（2）", "招投标管理不规范", "个别项目化整为零规避招标", "立即停止违规分拆采购",
                 "违规行为清零", "", "采购中心", "王五 （副总经理）", "黄七", None, "立行立改", None, "是"])
    _put(ws, 8, [None, None, None, "健全招标采购监督机制", "制度执行常态化", "", "纪检监察室",
                 "李书记", "黄七、何八", None, "长期坚持", None, "否"])
    _merge_down(ws, "ABC", 7, 8)
    # (3): row 9; the 整改期限 has no year; 12月底 means the round's year
    _put(ws, 9, ["（3）", "基层党组织建设薄弱", "2个支部未按期换届", "完成支部换届", "换届完成", "12月底",
                 "党群工作部", "李书记", "周九", None, "限期整改", None, "否"])
    return _save(wb)


# --------------------------------------------------------------------------- C: county, WPS-like


def county_wps_xlsx() -> bytes:
    """A county bureau's sheet as WPS leaves it: no number column (numbers at the start of the
    description, or none), blank continuation rows instead of merges, header names with full-width
    forms, spaces, line breaks, ``*`` and colons, a column-number row under the header, stray spaces,
    full-width digits in dates, blank spacer rows and a signature line. Data starts in column B.

    Columns: B 存在问题 C 整改措施 D 责任领导 E 责任单位 F 责任人 G 完成时间 H 完成情况
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    _put(ws, 1, ["县统计局巡察反馈问题整改台账"], first_col=2)
    _put(ws, 2, ["＊存在问题", "整 改 措 施", "责任领导：", "责任单位\n（科室）", " 责任人 ", "完成\n时间",
                 "完成情况"], first_col=2)
    _put(ws, 3, [1, 2, 3, 4, 5, 6, 7], first_col=2)
    _put(ws, 4, ["1.统计数据质量把关不严", "  建立数据  质量审核制度 ", "刘局长", "综合股", "张 三",
                 "２０２１年１２月３１日", "制度已起草"], first_col=2)
    _put(ws, 5, [None, "开展数据质量专项检查", "刘局长", "综合股、执法大队", "李四", "2021.11.30", ""],
         first_col=2)
    _put(ws, 6, [], first_col=2)  # spacer
    _put(ws, 7, ["2．学习制度落实不到位", "健全党组理论学习中心组学习制度", "陈副局长", "办公室", "王五",
                 "年底", "已完成学习计划"], first_col=2)
    _put(ws, 8, ["干部作风不严不实", "开展作风纪律集中整顿", "陈副局长", "办公室", "赵六",
                 "已完成", "已召开专题会"], first_col=2)
    _put(ws, 9, [None, "纳入年度考核", "陈副局长", "人事股", "赵六", "常态化", ""], first_col=2)
    _put(ws, 11, ["填报人：王五            审核人：刘局长            填报日期：2021年10月8日"], first_col=2)
    return _save(wb)


# --------------------------------------------------------------------------- D: category headings


def categorised_xlsx() -> bytes:
    """Category heading rows merged across the table (一、… （一）… 二、…), problems numbered ① ② ③ in the
    序号 column, a 合计 row, a 注： footer over two rows and a signature line.

    Columns: A 序号 B 问题描述 C 整改措施 D 责任领导 E 责任部门 F 配合部门 G 责任人 H 完成时限 I 进展情况 J 备注
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    _put(ws, 1, ["中共XX市委巡察组反馈问题整改落实台账"])
    ws.merge_cells("A1:J1")
    _put(ws, 2, ["序号", "问题描述", "整改措施", "责任领导", "责任部门", "配合部门", "责任人", "完成时限",
                 "进展情况", "备注"])
    _put(ws, 3, ["一、贯彻落实党中央决策部署方面的问题（共2个）"])
    ws.merge_cells("A3:J3")
    _put(ws, 4, ["①", "学习贯彻习近平新时代中国特色社会主义思想不深入", "制定党组理论学习年度计划",
                 "书记甲", "办公室", None, "丙", "2021-11-30", "已制定", "第一议题制度"])
    _put(ws, 5, [None, None, "开展专题读书班", "书记甲", "办公室", "机关党委", "丁", "2021年12月",
                 "筹备中", None])
    ws.merge_cells("A4:A5")
    ws.merge_cells("B4:B5")
    _put(ws, 6, ["②", "落实乡村振兴政策有偏差", "开展政策落实情况“回头看”", "副书记乙", "农业农村科",
                 None, "戊", "立行立改，2021年11月30日前", "已启动", None])
    _put(ws, 7, ["（一）全面从严治党方面"])
    ws.merge_cells("A7:J7")
    _put(ws, 8, ["③", "公务用车管理不规范", "清理违规使用公务用车", "副书记乙", "机关事务科", None,
                 "己", "2021年第四季度", "已清理2辆", "已追缴费用0.3万元"])
    _put(ws, 9, ["合计", "3个问题", "4项措施"])
    _put(ws, 10, ["注：1.本表按巡察反馈意见顺序填写；"])
    ws.merge_cells("A10:J10")
    _put(ws, 11, ["2.完成时限须具体到日。"])
    ws.merge_cells("A11:J11")
    _put(ws, 12, ["填报人：丙", None, None, None, "审核人：书记甲"])
    return _save(wb)


# --------------------------------------------------------------------------- CSV and legacy .xls

CSV_ROWS = [
    ["XX县审计局巡察整改台账"],
    ["序号", "问题描述", "整改措施", "责任领导", "责任部门", "完成时限", "整改进展", "备注"],
    ["1", "审计整改跟踪不到位", "建立审计整改台账", "局长甲", "法规审理股", "2021年12月31日前", "已建立", ""],
    ["", "", "开展整改情况“回头看”", "局长甲", "法规审理股、各业务股", "2022年3月", "", "每季度通报"],
    ["2", "干部教育培训不足", "制定年度培训计划", "副局长乙", "办公室", "立行立改，2021年11月30日前", "", ""],
    ["", "", "", "", "", "", "", ""],
    ["合计", "2个问题", "3项措施", "", "", "", "", ""],
]


def csv_bytes(encoding: str, rows: list[list[str]] | None = None) -> bytes:
    lines = [",".join(_csv_cell(c) for c in row) for row in (rows or CSV_ROWS)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def _csv_cell(text: str) -> str:
    return f'"{text}"' if any(ch in text for ch in ',"\n') else text


def legacy_xls() -> bytes:
    """An Excel 97-2003 file written by xlwt: title, a two-row header (group 责任分工 over 责任领导/
    责任单位), a problem merged over two measures, a date cell and a numeric serial date."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("整改台账")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    ws.write_merge(0, 0, 0, 6, "XX局巡察反馈问题整改台账")
    for c, text in enumerate(["编号", "主要问题", "整改举措"]):
        ws.write_merge(1, 2, c, c, text)
    ws.write_merge(1, 1, 3, 4, "责任分工")
    ws.write(2, 3, "责任领导")
    ws.write(2, 4, "责任单位")
    ws.write_merge(1, 2, 5, 5, "时间节点")
    ws.write_merge(1, 2, 6, 6, "整改情况")
    ws.write_merge(3, 4, 0, 0, 1)
    ws.write_merge(3, 4, 1, 1, "“一把手”监督不力")
    ws.write(3, 2, "制定对“一把手”监督的实施办法")
    ws.write(3, 3, "局长甲")
    ws.write(3, 4, "办公室")
    ws.write(3, 5, dt.date(2022, 1, 31), date_style)
    ws.write(3, 6, "已印发")
    ws.write(4, 2, "开展“一把手”述责述廉")
    ws.write(4, 3, "局长甲、副局长乙")
    ws.write(4, 4, "机关纪委")
    ws.write(4, 5, 44592)  # 2022-01-31 as a bare serial number
    ws.write(4, 6, "")
    ws.write(5, 0, 2)
    ws.write(5, 1, "意识形态工作责任制落实不到位")
    ws.write(5, 2, "每半年专题研究意识形态工作")
    ws.write(5, 3, "副局长乙")
    ws.write(5, 4, "办公室")
    ws.write(5, 5, "长期坚持")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- encrypted


def encrypt_xlsx(data: bytes, password: str) -> bytes:
    """The same workbook behind an open password (ECMA-376 agile encryption, as Excel 2010+ writes it)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


# --------------------------------------------------------------------------- many mistakes


def mistakes_xlsx() -> bytes:
    """Every kind of row mistake, once each, and a second sheet without 责任领导 and 完成时限 columns.

    Sheet 问题台账 columns: A 序号 B 问题描述 C 整改措施 D 整改类型 E 责任领导 F 责任部门 G 责任人 H 完成时限
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "问题台账"
    _put(ws, 1, ["序号", "问题描述", "整改措施", "整改类型", "责任领导", "责任部门", "责任人", "完成时限"])
    rows: list[list[object]] = [
        [None, None, "先写的措施，上面没有问题", None, "甲", "办公室", "丙", "2021年12月31日"],  # 2: no problem
        [1, "问题一", "措施一", None, "甲", "办公室", "丙", "2021年13月"],  # 3: month 13
        [None, None, None, None, "甲", "办公室", "丙", "2021年12月31日"],  # 4: task without measure
        [2, None, "措施二", None, "甲", "办公室", "丙", "2021年12月31日"],  # 5: no description
        [1, "问题三（序号重复）", "措施三", None, "甲", "办公室", "丙", "2021年12月31日"],  # 6: duplicate 1
        [4, "问题四", "措施四", None, None, "办公室", "丙", "2021年12月31日"],  # 7: no leader
        [5, "问题五", "措施五", None, "甲", None, "丙", "2021年12月31日"],  # 8: no department
        [6, "问题六", "措施六", None, "甲", "办公室", "丙", None],  # 9: no deadline
        [7, "问题七", "措施七", "马上改", "甲", "办公室", "丙", "2021年12月31日"],  # 10: unknown kind
        ["99999999999999999999", "问题八", "措施八", None, "甲", "办公室", "丙", "2021年12月31日"],  # 11: bad number
        [9, "问题九，没有任何措施", None, None, None, None, None, None],  # 12: problem without measures
        [10, "问题十", "措施十", "限期整改", "甲", "办公室", "丙", "尽快"],  # 13: not a deadline
    ]
    for i, row in enumerate(rows, start=2):
        _put(ws, i, row)
    second = wb.create_sheet("补充问题")
    _put(second, 1, ["序号", "问题描述", "整改措施", "责任部门"])
    _put(second, 2, [11, "问题十一", "措施十一", "办公室"])
    _put(second, 3, [12, "问题十二", "措施十二", "财务处"])
    return _save(wb)
