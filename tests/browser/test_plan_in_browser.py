"""Scenario 1 up to the approved plan, in the browser: the unit lead adds tasks with the responsible leader
picked from the roster and submits the plan; the office returns it once with a reason, the unit fixes what
was asked, submits again, and the office approves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from rectify.accounts.models import Role
from rectify.orgs.models import Post, Tenure
from rectify.rectification.models import PlanState, RectificationPlan, Task
from tests.browser.test_close_out_in_browser import login, logout

pytestmark = pytest.mark.browser


def add_task(page, base: str, problem_id: int, *, measure: str, criterion: str, leader: str, department: str,
             person: str, due: str) -> None:
    page.goto(base + reverse("rectification:task_new", args=[problem_id]))
    page.get_by_label("整改措施").fill(measure)
    page.get_by_label("完成标准").fill(criterion)
    page.get_by_label("限期整改").check()
    page.get_by_label("完成时限").fill(due)
    page.get_by_label(leader).check()  # the picker lists the leadership in post, with post and areas
    page.get_by_label("牵头责任部门").fill(department)
    page.get_by_label("责任人").fill(person)
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("已添加").wait_for()


def test_unit_lead_builds_the_three_lists_and_the_office_returns_then_approves(live_server, fresh_unit, page, shots):
    w = fresh_unit
    base = live_server.url
    from tests import factories

    deputy_post = Post.objects.create(unit=w.unit_a, title="党组成员、副厅长", is_leadership_member=True,
                                      areas="财务处、审计处")
    Tenure.objects.create(person=w.unit_a.people.create(name="王副厅长"), post=deputy_post,
                          start=dt.date(2023, 3, 1))
    first = factories.problem(iu=w.iu_a, description="违规发放津贴补贴问题整改不到位")
    second = factories.problem(iu=w.iu_a, description="选人用人程序不规范")
    feedback = w.iu_a.feedback_date

    login(page, base, w[Role.UNIT_LEAD].username)
    page.goto(base + reverse("rectification:plan", args=[w.round.code, w.unit_a.code]))
    page.get_by_text("问题尚无整改任务").first.wait_for()
    assert page.get_by_role("button", name="报送审核").is_disabled()
    page.screenshot(path=str(shots / "plan-gaps.png"), full_page=True)

    due = (feedback + dt.timedelta(days=60)).isoformat()
    add_task(page, base, first.pk, measure="清退违规发放的津贴补贴", criterion="12.6 万元全部清退并取得银行回单",
             leader="王副厅长 · 党组成员、副厅长（分管：财务处、审计处）", department="财务处", person="李四", due=due)
    page.screenshot(path=str(shots / "problem-with-task.png"), full_page=True)
    add_task(page, base, second.pk, measure="开展干部档案专项审核", criterion="在职干部档案全部审核并建立台账",
             leader="张书记 · 党组书记、厅长", department="人事处", person="吴敏", due=due)

    page.goto(base + reverse("rectification:plan", args=[w.round.code, w.unit_a.code]))
    page.get_by_text("问题清单、任务清单、责任清单完整").wait_for()
    page.get_by_role("button", name="报送审核").click()
    page.get_by_text("整改方案已报送").wait_for()
    logout(page)

    login(page, base, w[Role.INSPECTION_OFFICE].username)
    page.goto(base + reverse("rectification:round_plans", args=[w.round.code]))
    page.screenshot(path=str(shots / "round-plans.png"), full_page=True)
    page.locator("tr", has_text=w.unit_a.name).get_by_role("link", name="审核").click()
    page.get_by_label("退回理由").fill("第2项措施的完成标准未写明时限节点，请补充。")
    page.get_by_role("button", name="退回修改").click()
    page.get_by_text("整改方案已退回").wait_for()
    logout(page)

    login(page, base, w[Role.UNIT_LEAD].username)
    page.goto(base + reverse("rectification:plan", args=[w.round.code, w.unit_a.code]))
    page.get_by_text("第2项措施的完成标准未写明时限节点").wait_for()
    task = Task.objects.get(problem=second)
    page.goto(base + reverse("rectification:task_edit", args=[task.pk]))
    page.get_by_label("完成标准").fill("3个月内在职干部档案全部审核并建立台账")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("整改任务已保存").wait_for()
    page.goto(base + reverse("rectification:plan", args=[w.round.code, w.unit_a.code]))
    page.get_by_role("button", name="报送审核").click()
    page.get_by_text("整改方案已报送").wait_for()
    logout(page)

    login(page, base, w[Role.INSPECTION_OFFICE].username)
    page.goto(base + reverse("rectification:plan", args=[w.round.code, w.unit_a.code]))
    page.screenshot(path=str(shots / "plan-review.png"), full_page=True)
    page.get_by_label("审核意见").fill("同意")
    page.get_by_role("button", name="批准整改方案").click()
    page.get_by_text("整改方案已批准").first.wait_for()
    page.screenshot(path=str(shots / "plan-approved.png"), full_page=True)

    plan = RectificationPlan.objects.get(inspected_unit=w.iu_a)
    assert plan.state == PlanState.APPROVED
    assert list(plan.events.values_list("action", flat=True)) == ["submitted", "returned", "submitted", "approved"]
    leaders = {t.responsibilities.get(kind="leader").tenure.person.name for t in Task.objects.filter(
        problem__inspected_unit=w.iu_a)}
    assert leaders == {"王副厅长", "张书记"}
