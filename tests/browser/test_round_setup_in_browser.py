"""The office sets up a round in the browser: the round form, a unit picked by autocomplete, a team
whose leader is picked the same way; the units tab shows the periods that follow from the policy."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rectify.accounts.models import Role
from rectify.inspections.models import InspectedUnit, InspectionTeam
from rectify.orgs.models import Person
from tests.browser.test_close_out_in_browser import login

pytestmark = pytest.mark.browser


def test_office_creates_a_round_adds_a_unit_and_a_team_by_autocomplete(live_server, world, page, shots):
    base = live_server.url
    Person.objects.create(name="欧阳组长", unit=world.unit_b, title="巡视专员")
    login(page, base, world[Role.INSPECTION_OFFICE].username)

    page.goto(base + reverse("inspections:round_list"))
    page.get_by_role("link", name="新建巡视轮次").click()
    page.get_by_label("轮次编码").fill("YN-2027-1")
    page.get_by_label("轮次名称").fill("省委2027年第一轮巡视")
    page.get_by_label("进驻日期").fill("2027-01-04")
    page.get_by_label("集中整改期").fill("1")
    page.get_by_label("整改报告期限").fill("1")
    page.get_by_role("button", name="新建轮次").click()
    page.get_by_text("已新建巡视轮次").wait_for()

    page.get_by_role("link", name="新建巡视组").click()
    page.get_by_label("巡视组名称").fill("省委第一巡视组")
    page.locator("#ac-leader").fill("欧阳")
    page.locator("#ac-leader-options .ac-option").first.click()
    page.get_by_role("button", name="保存").click()
    page.get_by_text("巡视组“省委第一巡视组”已保存").wait_for()

    page.locator("#ac-unit").fill("财政")
    option = page.locator("#ac-unit-options .ac-option", has_text="省财政厅")
    option.click()
    assert page.locator("#ac-unit").input_value() == "省财政厅"
    page.get_by_label("巡视组").select_option(label="省委第一巡视组")
    page.get_by_label("反馈日期").fill("2027-01-31")
    page.get_by_role("button", name="添加").click()
    page.get_by_text("已将“省财政厅”加入本轮被巡视单位").wait_for()
    page.screenshot(path=str(shots / "round-setup-units.png"), full_page=True)

    iu = InspectedUnit.objects.get(round__code="YN-2027-1", unit=world.unit_b)
    assert iu.team == InspectionTeam.objects.get(round__code="YN-2027-1", name="省委第一巡视组")
    assert iu.team.leader.name == "欧阳组长"
    row = page.locator("tr", has_text="省财政厅")
    assert "2027年2月28日" in row.inner_text()  # 1月31日 + 1 month: the report is due at February's end
