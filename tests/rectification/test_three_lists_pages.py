"""The three lists on the pages: a unit lead adds and edits tasks with the leader picked from the roster, a
stale edit shows what changed, the plan is submitted, returned and approved, a change request is decided —
each page in a constant number of queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from rectify.accounts.models import Role
from rectify.orgs.models import Post, Tenure
from rectify.rectification import plan_services, services
from rectify.rectification.models import ChangeRequest, PlanState, RectificationPlan, Responsibility, Task


@pytest.fixture
def w(world, frozen_today):  # type: ignore[no-untyped-def]
    frozen_today(dt.date(2026, 5, 10))
    return world


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def secretary(w) -> Tenure:  # type: ignore[no-untyped-def]
    return Tenure.objects.get(person__name="张书记")


def task_form(w, **overrides) -> dict:  # type: ignore[no-untyped-def]
    return {"measure": "清退违规发放的津贴补贴", "criterion": "违规资金全部清退并取得回单", "deadline_kind": "deadline",
            "due_date": "2026-07-15", "leaders": [f"t{secretary(w).pk}"], "department": "财务处",
            "co_departments": "审计处、人事处", "persons": "李四（财务处处长）", **overrides}


def test_the_picker_offers_the_leadership_in_post_with_post_and_areas(w) -> None:
    post = Post.objects.create(unit=w.unit_a, title="党组成员、副厅长", is_leadership_member=True, areas="财务、审计")
    Tenure.objects.create(person=w.unit_a.people.create(name="王副厅长"), post=post, start=dt.date(2023, 1, 1))
    former = Post.objects.create(unit=w.unit_a, title="党组成员、副厅长", areas="人事")
    Tenure.objects.create(person=w.unit_a.people.create(name="原副厅长"), post=former, start=dt.date(2019, 1, 1),
                          end=dt.date(2024, 1, 1))
    body = client_for(w[Role.UNIT_LEAD]).get(reverse("rectification:task_new", args=[w.problem_a.pk])).content.decode()
    assert "张书记 · 党组书记、厅长" in body and "王副厅长 · 党组成员、副厅长（分管：财务、审计）" in body
    assert "原副厅长" not in body  # a former member is no longer picked for a new task


def test_a_unit_lead_adds_a_task_with_its_responsibility_list(w) -> None:
    response = client_for(w[Role.UNIT_LEAD]).post(reverse("rectification:task_new", args=[w.problem_a.pk]),
                                                 task_form(w))
    assert response.status_code == 302 and response["Location"].endswith("#tasks")
    task = Task.objects.get(problem=w.problem_a, number=2)
    rows = {(r.kind, r.name, r.is_lead, r.tenure_id) for r in Responsibility.objects.filter(task=task)}
    assert rows == {("leader", "张书记", True, secretary(w).pk), ("department", "财务处", True, None),
                    ("department", "审计处", False, None), ("department", "人事处", False, None),
                    ("person", "李四（财务处处长）", True, None)}


def test_rule_errors_come_back_on_the_form_in_chinese(w) -> None:
    c = client_for(w[Role.UNIT_LEAD])
    url = reverse("rectification:task_new", args=[w.problem_a.pk])
    response = c.post(url, task_form(w, criterion="", deadline_kind="long_term", due_date="2026-04-01"))
    assert response.status_code == 400
    assert "请填写可衡量的完成标准" in response.content.decode()
    response = c.post(url, task_form(w, deadline_kind="immediate", due_date="2026-09-30"))
    assert response.status_code == 422 and "集中整改期内" in response.content.decode()
    response = c.post(url, task_form(w, deadline_kind="long_term", due_date="2026-11-30"))
    assert "须写明阶段目标" in response.content.decode()
    response = c.post(url, task_form(w, leaders=["t999999"]))
    assert response.status_code == 400  # not one of the choices offered
    assert not Task.objects.filter(problem=w.problem_a, number=2).exists()


def test_only_the_unit_lead_edits_the_task_list(w) -> None:
    for role in (Role.UNIT_MEMBER, Role.INSPECTION_OFFICE, Role.LEADER):
        response = client_for(w[role]).post(reverse("rectification:task_new", args=[w.problem_a.pk]), task_form(w))
        assert response.status_code == 403
    response = client_for(w["unit_lead_b"]).get(reverse("rectification:task_edit", args=[w.task_a.pk]))
    assert response.status_code == 404


def test_a_stale_edit_shows_what_changed_since_and_keeps_the_users_text(w) -> None:
    lead = client_for(w[Role.UNIT_LEAD])
    services.task_update(actor=w[Role.UNIT_LEAD], task_id=w.task_a.pk,
                         expected_version=1, criterion="资金清退到位，追责到人")
    response = lead.post(reverse("rectification:task_edit", args=[w.task_a.pk]),
                         {**task_form(w), "measure": "我的新措施", "version": 1})
    body = response.content.decode()
    assert response.status_code == 409
    assert "他人在您编辑期间修改了这项任务" in body and "资金清退到位，追责到人" in body and "我的新措施" in body
    assert re.search(r'name="version" value="2"', body)  # saving again is a deliberate choice
    response = lead.post(reverse("rectification:task_edit", args=[w.task_a.pk]),
                         {**task_form(w), "measure": "我的新措施", "version": 2})
    assert response.status_code == 302 and Task.objects.get(pk=w.task_a.pk).measure == "我的新措施"


def test_an_edit_without_its_version_is_refused(w) -> None:
    response = client_for(w[Role.UNIT_LEAD]).post(reverse("rectification:task_edit", args=[w.task_a.pk]),
                                                 task_form(w))
    assert response.status_code == 400 and "页面已过期" in response.content.decode()


def test_reorder_and_delete_from_the_problem_page(w) -> None:
    lead = client_for(w[Role.UNIT_LEAD])
    lead.post(reverse("rectification:task_new", args=[w.problem_a.pk]), task_form(w, measure="第二条"))
    second = Task.objects.get(problem=w.problem_a, number=2)
    lead.post(reverse("rectification:task_move", args=[second.pk]), {"direction": "up", "version": second.version})
    assert list(Task.objects.filter(problem=w.problem_a).order_by("number").values_list("measure", flat=True)) == [
        "第二条", "整改措施1"]
    second.refresh_from_db()
    response = lead.post(reverse("rectification:task_delete", args=[second.pk]), {"version": second.version})
    assert response.status_code == 302 and not Task.objects.filter(pk=second.pk).exists()
    assert Task.objects.get(pk=w.task_a.pk).number == 1


def test_the_plan_page_walks_through_submit_return_and_approve(w) -> None:
    lead, office = client_for(w[Role.UNIT_LEAD]), client_for(w[Role.INSPECTION_OFFICE])
    plan_url = reverse("rectification:plan", args=[w.round.code, w.unit_a.code])
    body = lead.get(plan_url).content.decode()
    assert "责任领导不是本单位在任班子成员" in body and "三个清单还有缺项，补齐后才能报送" in body
    response = lead.post(reverse("rectification:plan_submit", args=[w.round.code, w.unit_a.code]), {"version": 0})
    assert response.status_code == 422 and "不能报送" in response.content.decode()
    lead.post(reverse("rectification:task_edit", args=[w.task_a.pk]), {**task_form(w), "version": 1})
    response = lead.post(reverse("rectification:plan_submit", args=[w.round.code, w.unit_a.code]), {"version": 0})
    assert response.status_code == 302
    version = RectificationPlan.objects.get(inspected_unit=w.iu_a).version
    response = office.post(reverse("rectification:plan_return", args=[w.round.code, w.unit_a.code]),
                           {"reason": "", "version": version})
    assert response.status_code == 400 and "须填写退回理由" in response.content.decode()
    office.post(reverse("rectification:plan_return", args=[w.round.code, w.unit_a.code]),
                {"reason": "请补充阶段目标", "version": version})
    assert "请补充阶段目标" in lead.get(plan_url).content.decode()
    lead.post(reverse("rectification:plan_submit", args=[w.round.code, w.unit_a.code]),
              {"version": RectificationPlan.objects.get(inspected_unit=w.iu_a).version})
    office.post(reverse("rectification:plan_approve", args=[w.round.code, w.unit_a.code]),
                {"comment": "同意", "version": RectificationPlan.objects.get(inspected_unit=w.iu_a).version})
    assert RectificationPlan.objects.get(inspected_unit=w.iu_a).state == PlanState.APPROVED
    assert "方案已批准" in client_for(w[Role.UNIT_LEAD]).get(
        reverse("rectification:ledger", args=[w.round.code, w.unit_a.code])).content.decode()


def test_a_change_request_from_the_task_page_to_its_decision(w, frozen_today) -> None:
    RectificationPlan.objects.create(inspected_unit=w.iu_a, state="approved", version=3)
    lead, office = client_for(w[Role.UNIT_LEAD]), client_for(w[Role.INSPECTION_OFFICE])
    assert "申请调整时限" in lead.get(reverse("rectification:task_detail", args=[w.task_a.pk])).content.decode()
    url = reverse("rectification:change_request_new", args=[w.task_a.pk])
    response = lead.post(url, {"deadline_kind": "deadline", "due_date": "2026-08-31", "reason": ""})
    assert response.status_code == 400 and "请填写变更理由" in response.content.decode()
    response = lead.post(url, {"deadline_kind": "deadline", "due_date": "2026-08-31", "reason": "审计报告下月出具"})
    assert response.status_code == 302
    change = ChangeRequest.objects.get()
    body = office.get(reverse("rectification:change_request_list")).content.decode()
    assert "2026年7月31日 → <strong>2026年8月31日</strong>" in body
    own = lead.get(reverse("rectification:change_request_detail", args=[change.pk])).content.decode()
    assert "撤回申请" in own and "不予批准" not in own
    office.post(reverse("rectification:change_request_approve", args=[change.pk]), {"comment": "同意"})
    task = Task.objects.get(pk=w.task_a.pk)
    assert (task.due_date, task.original_due_date) == (dt.date(2026, 8, 31), dt.date(2026, 7, 31))
    assert "原定 2026年7月31日" in lead.get(reverse("rectification:task_detail", args=[w.task_a.pk])).content.decode()


@pytest.mark.parametrize("name,args", [
    ("rectification:plan", lambda w: [w.round.code, w.unit_a.code]),
    ("rectification:round_plans", lambda w: [w.round.code]),
    ("rectification:change_request_list", lambda w: []),
])
def test_plan_and_change_request_pages_cost_constant_queries(w, name, args, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    from tests import factories

    RectificationPlan.objects.create(inspected_unit=w.iu_a, state="approved", version=3)
    for _ in range(5):
        problem = factories.problem(iu=w.iu_a)
        task = factories.task(prob=problem, status="in_progress")
        plan_services.change_request_create(actor=w[Role.UNIT_LEAD], task_id=task.pk, reason="延期",
                                            due_date=dt.date(2026, 8, 30))
    office = client_for(w[Role.INSPECTION_OFFICE])
    url = reverse(name, args=args(w))
    with django_assert_max_num_queries(14):  # the page, and one per menu badge (close-outs, change requests, 督办, repeat notices, unread notifications)
        assert office.get(url).status_code == 200


def test_the_workbench_shows_plans_to_review_and_the_units_returned_plan(w) -> None:
    from rectify.rectification.models import PlanEvent

    plan = RectificationPlan.objects.create(inspected_unit=w.iu_a, state="submitted", version=2)
    body = client_for(w[Role.INSPECTION_OFFICE]).get(reverse("core:home")).content.decode()
    assert "待审核的整改方案" in body and reverse("rectification:plan", args=[w.round.code, w.unit_a.code]) in body
    RectificationPlan.objects.filter(pk=plan.pk).update(state="returned")
    PlanEvent.objects.create(plan=plan, action="returned", actor=w[Role.INSPECTION_OFFICE], actor_name="office",
                             at=plan.created_at, comment="请补充阶段目标")
    body = client_for(w[Role.UNIT_LEAD]).get(reverse("core:home")).content.decode()
    assert "本单位整改方案" in body and "退回理由：请补充阶段目标" in body
