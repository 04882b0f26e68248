"""Scenario 5 in the browser: the unit lead appoints the new secretary on the roster and hands the old
secretary's 8 open tasks over in the same step; afterwards the old tenure leads nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rectify.accounts.models import Role
from rectify.orgs.models import Tenure
from tests.browser.test_close_out_in_browser import login

pytestmark = pytest.mark.browser


def test_unit_lead_appoints_the_new_secretary_with_the_hand_over(live_server, succession, page, shots):
    s = succession
    base = live_server.url
    login(page, base, s.world[Role.UNIT_LEAD].username)

    page.goto(base + reverse("orgs:roster", args=["EDU"]))
    old_row = page.locator("tr", has_text="张书记")
    assert old_row.locator("td[data-open-tasks]").inner_text().startswith("8 项")
    page.screenshot(path=str(shots / "roster-open-tasks.png"), full_page=True)

    old_row.get_by_role("link", name="移交").click()
    page.get_by_role("heading", name="负责的未销号整改任务").wait_for()
    assert page.locator("input[name=tasks]:checked").count() == 8
    page.screenshot(path=str(shots / "handover-page.png"), full_page=True)

    page.goto(base + reverse("orgs:roster", args=["EDU"]))
    page.get_by_role("link", name="党组书记、厅长").click()
    appoint = page.locator("#appoint")
    appoint.get_by_label("人员").select_option(label="李新")
    appoint.get_by_label("任职日期").fill("2027-01-04")
    appoint.get_by_role("button", name="任命").click()
    page.get_by_text("现任者张书记仍是 8 项未销号整改任务的责任领导").wait_for()  # refused without the hand-over
    page.screenshot(path=str(shots / "post-appoint-refused.png"), full_page=True)

    appoint.get_by_label("将现任者张书记负责的 8 项未销号整改任务移交给新任者").check()
    appoint.get_by_role("button", name="任命").click()
    page.get_by_text("原任者负责的 8 项未销号整改任务已移交给李新").wait_for()

    page.goto(base + reverse("orgs:roster", args=["EDU"]))
    old = page.locator("tr", has_text="张书记").locator("td[data-open-tasks]")
    new = page.locator("tr", has_text="李新").locator("td[data-open-tasks]")
    assert old.get_attribute("data-open-tasks") == "0" and old.inner_text().strip() == "—"
    assert new.inner_text().startswith("8 项")
    page.screenshot(path=str(shots / "roster-after-handover.png"), full_page=True)
    assert Tenure.objects.get(pk=s.secretary.pk).end is not None
