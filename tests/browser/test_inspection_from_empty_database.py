"""From an empty install to the first problem page, in the browser as the inspection office.

Only the office's account exists (made as ``rectify createuser`` makes it); everything else goes through the
pages: the unit on the org tree page, the round, the unit added to it by autocomplete, the unit's leadership
roster imported from an .xlsx, and two fed-back problems entered on the unit's ledger. The problem whose
occurrence period spans the change of principal names both principals with the days each shares with it.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io

import openpyxl
import pytest
from django.urls import reverse

from rectify.accounts.models import Role, User
from rectify.accounts.services import user_create
from rectify.inspections.models import InspectedUnit, InspectionRound, Problem, ProblemCategory
from rectify.orgs.models import OrgUnit, Person, Tenure
from tests.browser.test_close_out_in_browser import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

UNIT_CODE = "YN-JYT"
UNIT_NAME = "云南省教育厅"
ROUND_CODE = "YN-2025-3"
ROUND_NAME = "十一届省委第三轮巡视"


@pytest.fixture
def empty_install(transactional_db):  # type: ignore[no-untyped-def]
    """What ``rectify migrate`` leaves: no data but the reference data of the migrations (the problem
    categories). A transactional test that ran before this one flushed those tables, so put them back the way
    the migration does (pytest-django's serialized rollback did not restore them in this suite)."""
    from django.apps import apps

    importlib.import_module("rectify.inspections.migrations.0002_problem_categories").forwards(apps, None)


def roster_xlsx() -> bytes:
    """The unit's 领导班子成员任职情况表 as units send it: a title row, then one row per seat."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任职情况"
    ws.append([f"{UNIT_NAME}领导班子成员任职情况表"])
    ws.merge_cells("A1:E1")
    ws.append(["序号", "姓名", "职务", "任职起止时间", "分管工作"])
    ws.append([1, "王建国", "党组书记、厅长", "2016.05—2021.10", "主持全面工作"])
    ws.append([2, "李明", "党组书记、厅长", "2021.10-至今", "主持全面工作"])
    ws.append([3, "赵敏", "党组成员、副厅长", "2018.03—至今", "人事处、财务处"])
    ws.append([4, "钱军", "党组成员、副厅长", "2020.08—至今", "基础教育处、高等教育处"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_office_runs_an_inspection_from_an_empty_database(empty_install, live_server, page, shots, tmp_path):
    # 1. An empty install: no units, no rounds, no people; only the catalogue of problem categories.
    assert not OrgUnit.objects.exists() and not InspectionRound.objects.exists() and not Person.objects.exists()
    assert ProblemCategory.objects.filter(code="2.2").exists()
    office = user_create(actor=None, username="xunshiban", role=Role.INSPECTION_OFFICE, password=PASSWORD,
                         display_name="省委巡视办")
    assert User.objects.count() == 1
    base = live_server.url
    login(page, base, office.username)
    page.screenshot(path=str(shots / "empty-01-home.png"), full_page=True)

    # 2. The unit, on the org tree page (系统管理 → 单位与人员).
    page.get_by_role("link", name="系统管理", exact=True).click()
    page.get_by_text("尚无下级单位").wait_for()
    page.get_by_label("单位编码").fill(UNIT_CODE)
    page.get_by_label("单位名称").fill(UNIT_NAME)
    page.get_by_label("简称").fill("省教育厅")
    page.get_by_label("类型").select_option(label="省直部门")
    page.get_by_role("button", name="新建单位").click()
    page.get_by_text(f"已新建单位“{UNIT_NAME}”").wait_for()
    page.screenshot(path=str(shots / "empty-02-org-tree.png"), full_page=True)
    unit = OrgUnit.objects.get(code=UNIT_CODE)
    assert unit.name == UNIT_NAME and unit.parent is None

    # 3. The round, with its policy written out (not left to the install's defaults).
    page.goto(base + reverse("inspections:round_list"))
    page.screenshot(path=str(shots / "empty-03-round-list.png"), full_page=True)
    page.get_by_role("link", name="新建巡视轮次").click()
    page.get_by_label("轮次编码").fill(ROUND_CODE)
    page.get_by_label("轮次名称").fill(ROUND_NAME)
    page.get_by_label("巡视类型").select_option(label="常规巡视")
    page.get_by_label("层级").select_option(label="省委巡视")
    page.get_by_label("进驻日期").fill("2025-09-01")
    page.get_by_label("结束日期").fill("2025-11-15")
    page.get_by_label("集中整改期").fill("3")
    page.get_by_label("整改报告期限").fill("2")
    page.screenshot(path=str(shots / "empty-04-round-form.png"), full_page=True)
    page.get_by_role("button", name="新建轮次").click()
    page.get_by_text("已新建巡视轮次").wait_for()
    page.screenshot(path=str(shots / "empty-05-round-created.png"), full_page=True)
    rnd = InspectionRound.objects.get(code=ROUND_CODE)
    assert (rnd.name, rnd.rectification_months, rnd.report_months) == (ROUND_NAME, 3, 2)

    # 4. The unit joins the round through the autocomplete, fed back on the last day of the year:
    #    the concentrated period runs to 31 Dec + 3 months − 1 day, the report is due 31 Dec + 2 months,
    #    which is the end of February.
    assert page.url == base + reverse("inspections:round_units", args=[ROUND_CODE])  # the new round's units tab
    page.get_by_text("本轮次尚未添加被巡视单位").wait_for()
    page.locator("#ac-unit").fill("教育")
    option = page.locator("#ac-unit-options .ac-option", has_text=UNIT_NAME)
    option.click()
    assert page.locator("#ac-unit").input_value() == UNIT_NAME
    page.get_by_label("反馈日期").fill("2025-12-31")
    page.screenshot(path=str(shots / "empty-06-add-unit.png"), full_page=True)
    page.get_by_role("button", name="添加").click()
    page.get_by_text(f"已将“{UNIT_NAME}”加入本轮被巡视单位").wait_for()
    page.screenshot(path=str(shots / "empty-07-round-units.png"), full_page=True)
    row = page.locator("tbody tr", has_text=UNIT_CODE)
    assert "2025年12月31日" in row.inner_text()
    assert "2026年3月30日" in row.inner_text()  # 集中整改期至
    assert "2026年2月28日" in row.inner_text()  # 整改报告期限
    iu = InspectedUnit.objects.get(round=rnd, unit=unit)
    assert iu.feedback_date == dt.date(2025, 12, 31)

    # 5. The unit's leadership roster: upload, look at the diff, confirm.
    roster = tmp_path / f"{UNIT_NAME}领导班子成员任职情况表.xlsx"
    roster.write_bytes(roster_xlsx())
    page.get_by_role("link", name="系统管理", exact=True).click()
    page.locator("tr", has_text=UNIT_CODE).get_by_role("link", name="班子名单").click()
    page.get_by_text("尚未登记领导班子职务").wait_for()
    page.screenshot(path=str(shots / "empty-08-roster-empty.png"), full_page=True)
    page.get_by_role("link", name="导入班子名单").click()
    page.locator("input[type=file]").set_input_files(str(roster))
    page.get_by_role("button", name="上传并检查").click()
    page.get_by_text("差异明细").wait_for()
    page.get_by_text("检查完成，没有错误").wait_for()
    page.screenshot(path=str(shots / "empty-09-roster-diff.png"), full_page=True)
    assert not Person.objects.exists()  # the check writes nothing
    diff = page.locator(".card", has_text="差异明细").inner_text()
    for name in ("王建国", "李明", "赵敏", "钱军"):
        assert f"{name} · " in diff  # each one's tenure is a new row of the diff
    assert "2021年10月1日" in diff  # 2021.10: the month's first day, the former head's end and the successor's start
    page.get_by_role("button", name="确认导入").click()
    page.get_by_text("已写入领导班子名单").wait_for()
    page.screenshot(path=str(shots / "empty-10-roster-imported.png"), full_page=True)
    terms = {(t.person.name, t.post.is_principal, t.start, t.end)
             for t in Tenure.objects.filter(post__unit=unit).select_related("person", "post")}
    assert terms == {
        ("王建国", True, dt.date(2016, 5, 1), dt.date(2021, 10, 1)),
        ("李明", True, dt.date(2021, 10, 1), None),
        ("赵敏", False, dt.date(2018, 3, 1), None),
        ("钱军", False, dt.date(2020, 8, 1), None),
    }
    page.goto(base + reverse("orgs:roster", args=[UNIT_CODE]))  # the import page links back nowhere
    page.get_by_text("王建国").first.wait_for()
    page.screenshot(path=str(shots / "empty-11-roster.png"), full_page=True)
    assert "已离任" in page.locator("tr", has_text="王建国").first.inner_text()

    # 6. Two fed-back problems, entered one after the other from the unit's ledger (reached from the round).
    page.get_by_role("link", name="巡视轮次", exact=True).click()
    page.get_by_role("link", name=ROUND_NAME).click()
    page.get_by_role("link", name="被巡视单位与巡视组").click()
    page.locator("tbody tr", has_text=UNIT_CODE).get_by_role("link", name=UNIT_NAME).click()
    page.get_by_text("巡视反馈问题整改台账").wait_for()
    page.screenshot(path=str(shots / "empty-12-ledger-empty.png"), full_page=True)
    page.get_by_role("link", name="录入反馈问题").click()
    page.get_by_label("问题类别").select_option(value="2.2")
    page.get_by_label("问题描述").fill("违规发放津贴补贴，2020年至2022年超标准发放加班补助")
    page.get_by_label("问题表现").fill("机关各处室以加班补助名义发放津贴，累计超标准发放 86.4 万元。")
    page.get_by_label("问题发生起始").fill("2020-01-01")
    page.get_by_label("问题发生截止").fill("2022-12-31")
    page.screenshot(path=str(shots / "empty-13-problem-form.png"), full_page=True)
    page.get_by_role("button", name="保存并继续录入").click()
    page.get_by_text("问题“1”已录入").wait_for()
    page.get_by_label("问题类别").select_option(value="3.2")
    page.get_by_label("问题描述").fill("选人用人把关不严，2023年以来干部任前档案审核走过场")
    page.get_by_label("问题发生起始").fill("2023-03-01")
    page.get_by_label("问题发生截止").fill("2024-06-30")
    page.get_by_label("共性问题").check()
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("问题“2”已录入").wait_for()
    page.screenshot(path=str(shots / "empty-14-problem-2.png"), full_page=True)

    problems = {p.number: p for p in Problem.objects.filter(inspected_unit=iu)}
    assert set(problems) == {"1", "2"}
    assert problems["1"].category.code == "2.2" and problems["2"].is_common
    assert (problems["1"].occurred_from, problems["1"].occurred_to) == (dt.date(2020, 1, 1), dt.date(2022, 12, 31))

    # The second problem falls wholly in the current principal's term: only he is named.
    principals_2 = page.locator("dt:text-is('时任主要负责人') + dd").inner_text()
    assert "李明" in principals_2 and "王建国" not in principals_2
    assert f"重合 {(dt.date(2024, 7, 1) - dt.date(2023, 3, 1)).days} 天" in principals_2  # 488 days

    page.locator("nav.breadcrumbs").get_by_role("link", name=UNIT_NAME).click()
    page.get_by_text("选人用人把关不严").wait_for()
    page.screenshot(path=str(shots / "empty-15-ledger.png"), full_page=True)

    # 7. The first problem's page names both principals of its period, the former one as 已离任,
    #    each with the days of 2020-01-01..2022-12-31 that their term covers (the end month is exclusive).
    page.get_by_role("link", name="违规发放津贴补贴").click()
    page.wait_for_url(base + reverse("rectification:problem_detail", args=[problems["1"].pk]))
    page.screenshot(path=str(shots / "empty-16-problem-1.png"), full_page=True)
    principals = page.locator("dt:text-is('时任主要负责人') + dd .leader-of-period")
    assert principals.count() == 2
    former, current = (principals.nth(i).inner_text() for i in range(2))
    former_days = (dt.date(2021, 10, 1) - dt.date(2020, 1, 1)).days  # 2020-01-01 .. 2021-09-30
    current_days = (dt.date(2023, 1, 1) - dt.date(2021, 10, 1)).days  # 2021-10-01 .. 2022-12-31
    assert (former_days, current_days) == (639, 457)
    assert "王建国" in former and "党组书记、厅长" in former and "已离任" in former
    assert "2016.05.01" in former and f"重合 {former_days} 天" in former
    assert "李明" in current and "至今" in current and "已离任" not in current
    assert "2021.10.01" in current and f"重合 {current_days} 天" in current
    # Deputies answer for a problem only through its tasks (none yet), so no member in charge is named.
    assert page.locator("dt:text-is('时任分管领导') + dd").inner_text().strip() == "—"
