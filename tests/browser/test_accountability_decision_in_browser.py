"""The decision page in the browser (scenario 7): the commission decides on a member named with 主要领导责任 his
seat did not support; the checks show it, picking a form recomputes the impact period in place, saving over the
warning is refused until the reason is written, and the file then shows the decision."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from rectify.accountability.case_models import Decision
from rectify.core import clock
from tests.accountability.conftest import add, open_case, scene, to_deciding, today  # noqa: F401  (fixtures)
from tests.browser.test_close_out_in_browser import login

pytestmark = pytest.mark.browser


def test_a_decision_over_a_precision_warning_needs_its_reason(live_server, scene, page, shots):  # noqa: F811
    case = open_case(scene)
    subject = add(scene, case, "赵副厅长", "principal")
    to_deciding(scene, case)
    base = live_server.url
    with clock.frozen(dt.date(2026, 5, 22)):
        login(page, base, scene.commission.username)
        page.goto(base + reverse("accountability:decision", args=[case.pk, subject.pk]))
        checks = page.locator("#draft-checks")
        assert "定责不准" in checks.inner_text() and "人事处" in checks.inner_text()
        page.get_by_label("降职", exact=False).check()
        page.locator("#impact").get_by_text("2028年5月22日", exact=True).wait_for()  # recomputed in place (htmx)
        page.get_by_label("降职", exact=False).uncheck()
        page.get_by_label("诫勉", exact=True).check()
        page.locator("#impact").get_by_text("2026年11月22日", exact=True).wait_for()
        page.screenshot(path=str(shots / "decision-page.png"), full_page=True)

        page.get_by_role("button", name="保存决定").click()
        page.get_by_text("保存前请处理以下 1 项精准问责提示").wait_for()
        assert not Decision.objects.filter(subject=subject).exists()
        page.get_by_label("未采纳提示的理由").fill("党组会议记录显示其实际主持制定了津贴发放方案，对整改负直接主管责任")
        page.get_by_role("button", name="保存决定").click()
        page.get_by_text("已作出对“赵副厅长”的决定：予以问责。").wait_for()
        page.screenshot(path=str(shots / "case-after-decision.png"), full_page=True)
    decision = Decision.objects.get(subject=subject)
    assert [f.code for f in decision.forms.all()] == ["admonishment"]
    assert [c["code"] for c in decision.checks] == ["type_not_supported"]
    assert decision.impact_ends_on == dt.date(2026, 11, 22)
