"""The dashboards in a browser: ECharts (served by the app) draws every chart, and no page — the API docs
included — asks anything of a host other than the app's own (the deployment is an intranet)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

import pytest
from django.urls import reverse

from rectify.accounts.models import Role
from rectify.core import clock
from rectify.rectification.models import TaskStatus
from tests import factories
from tests.browser.test_close_out_in_browser import login

pytestmark = pytest.mark.browser


def test_charts_are_drawn_and_nothing_leaves_the_intranet(live_server, world, page, shots):
    factories.task(prob=factories.problem(iu=world.iu_a), status=TaskStatus.CLOSED)
    factories.task(prob=factories.problem(iu=world.iu_b), due=dt.date(2026, 6, 1))
    base = live_server.url
    own = urlparse(base).netloc
    foreign: list[str] = []
    page.on("request", lambda request: foreign.append(request.url)
            if urlparse(request.url).netloc not in (own, "") and not request.url.startswith("data:") else None)
    with clock.frozen(dt.date(2026, 7, 10)):
        login(page, base, world[Role.COMMISSION].username)
        for url in (reverse("reports:round", args=[world.round.code]), reverse("reports:province"),
                    reverse("reports:tasks"), reverse("reports:cycles", args=[world.round.code])):
            page.goto(base + url)
            page.wait_for_load_state("networkidle")
        page.goto(base + reverse("reports:round", args=[world.round.code]))
        page.locator("#chart-warnings svg").first.wait_for()  # drawn by ECharts from the table's rows
        assert page.evaluate("typeof window.echarts") == "object"
        assert page.locator(".chart svg").count() == page.locator(".chart").count() > 5
        page.screenshot(path=str(shots / "round-dashboard.png"), full_page=True)
        page.goto(base + "/api/v1/docs")
        page.locator(".swagger-ui").first.wait_for()
        page.wait_for_load_state("networkidle")
    assert foreign == []
