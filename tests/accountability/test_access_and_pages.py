"""Accountability files are the commission's: every page and API URL is 404 for every other role — the admin
included, who edits the catalogue but sees no case — and the commission's pages show the file as kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from rectify.accountability import case_services
from rectify.accountability.case_models import AccountabilityCase
from rectify.accounts.models import Role
from rectify.core import clock
from tests.accountability.conftest import add, decide, open_case, to_deciding
from tests.api.conftest import api  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

OTHERS = [Role.INSPECTION_OFFICE, Role.UNIT_LEAD, Role.UNIT_MEMBER, Role.LEADER, Role.ADMIN]


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def decided(scene) -> AccountabilityCase:
    case = open_case(scene)
    former = add(scene, case, "张书记", "principal")
    add(scene, case, "省教育厅", "overall", kind="organisation")
    with clock.frozen(dt.date(2026, 5, 7)):
        org = case.subjects.get(kind="organisation")
        case_services.member_assess(actor=scene.commission, subject=org, name="王副厅长", reason="已主动纠正")
    to_deciding(scene, case)
    former.refresh_from_db()
    decision = decide(scene, former, publish=True, public_summary="任职期间对违规发放津贴补贴问题整改不力")
    with clock.frozen(dt.date(2026, 5, 25)):
        case_services.decision_deliver(actor=scene.commission, decision=decision, delivered_on=dt.date(2026, 5, 25))
    with clock.frozen(dt.date(2026, 6, 1)):
        case_services.appeal_record(actor=scene.commission, decision=decision, received_on=dt.date(2026, 6, 1))
    return case


def _pages(case: AccountabilityCase) -> list[str]:
    subject = case.subjects.get(name="张书记")
    appeal = subject.appeals.get()
    return [
        reverse("accountability:case_list"), reverse("accountability:case_new") + f"?problem={case.problem_id}",
        reverse("accountability:case_detail", args=[case.pk]), reverse("accountability:case_edit", args=[case.pk]),
        reverse("accountability:subject_detail", args=[case.pk, subject.pk]),
        reverse("accountability:decision", args=[case.pk, subject.pk]),
        reverse("accountability:correction", args=[case.pk, subject.pk]) + f"?appeal={appeal.pk}",
        reverse("accountability:notice", args=[case.pk]), reverse("accountability:notice_docx", args=[case.pk]),
        reverse("accountability:pool") + f"?case={case.pk}", reverse("accountability:outcomes"),
        reverse("accountability:specialist_detail", args=[case.assignments.first().specialist_id]),
    ]


@pytest.mark.parametrize("role", OTHERS)
def test_every_accountability_page_is_404_for_other_roles(scene, decided, role):
    c = _client(scene.world[role])
    decided.refresh_from_db()
    version = decided.version
    for url in _pages(decided):
        assert c.get(url).status_code == 404, url
    posts = [reverse("accountability:subject_add", args=[decided.pk]),
             reverse("accountability:case_step", args=[decided.pk, "close"]),
             reverse("accountability:appeal_answer", args=[decided.appeals.get().pk])]
    for url in posts:
        assert c.post(url, {"name": "x", "responsibility_type": "principal"}).status_code == 404, url
    assert AccountabilityCase.objects.get(pk=decided.pk).version == version, "nothing was written"


@pytest.mark.parametrize("role", OTHERS)
def test_every_accountability_api_url_is_404_for_other_roles(scene, decided, api, role):  # noqa: F811
    client = api(role)
    for path in ("/accountability/cases", f"/accountability/cases/{decided.pk}",
                 f"/accountability/cases/{decided.pk}/candidates", f"/accountability/cases/{decided.pk}/checks",
                 "/accountability/specialists"):
        response = client.get(path)
        assert response.status_code == 404 and response.json()["code"] == "not_found", path
    for path, body in (("/accountability/cases", {"problem": scene.problem.pk, "title": "x"}),
                       (f"/accountability/cases/{decided.pk}/subjects", {"name": "x", "responsibility_type": "principal"}),
                       (f"/accountability/cases/{decided.pk}/appeal", {"subject": "张书记", "received_on": "2026-06-02"}),
                       ("/accountability/specialists/assign", {"specialist": 1, "kind": "investigation"})):
        assert client.post_json(path, body).status_code == 404, path


def test_the_commission_reads_every_page(scene, decided):
    c = _client(scene.commission)
    for url in _pages(decided):
        response = c.get(url, follow=True)  # a decided subject's decision page leads to the decision as kept
        assert response.status_code == 200, url
    file_page = c.get(reverse("accountability:case_detail", args=[decided.pk])).content.decode()
    for text in ("问责对象与决定", "张书记", "诫勉", "申诉", "办理记录", "立案：同级党委主要负责人省委书记批准", "定责助手",
                 "精准问责提示", "调查组与会审"):
        assert text in file_page, text


def test_the_decision_page_shows_the_assistant_the_checks_and_the_impact_period(scene):
    case = open_case(scene)
    subject = add(scene, case, "赵副厅长", "principal")
    to_deciding(scene, case)
    c = _client(scene.commission)
    url = reverse("accountability:decision", args=[case.pk, subject.pk])
    page = c.get(url).content.decode()
    assert "定责助手" in page and "不在助手的建议中" in page
    assert "定责不准" in page and "人事处" in page  # principal responsibility his seat did not support
    preview = c.post(url, {"preview": "1", "outcome": "accountable", "responsibility_type": "principal",
                           "circumstance": "rectification_lax", "form_codes": ["demotion"], "decided_on": "2026-05-22"},
                     HTTP_HX_REQUEST="true")
    body = preview.content.decode()
    assert preview.status_code == 200 and 'id="decision-panels"' in body and "<html" not in body
    assert "2028年5月22日" in body  # 降职: no promotion for 24 months
    with clock.frozen(dt.date(2026, 5, 22)):
        saved = c.post(url, {"outcome": "accountable", "responsibility_type": "principal",
                             "circumstance": "rectification_lax", "form_codes": ["admonishment"],
                             "decided_on": "2026-05-22"})
    assert saved.status_code == 400 and "未采纳提示的理由" in saved.content.decode()
    with clock.frozen(dt.date(2026, 5, 22)):
        saved = c.post(url, {"outcome": "accountable", "responsibility_type": "principal",
                             "circumstance": "rectification_lax", "form_codes": ["admonishment"],
                             "decided_on": "2026-05-22",
                             "override_reason": "党组会议记录显示其实际主持了津贴发放方案的制定"})
    assert saved.status_code == 302
    assert subject.decisions.get().override_reason.startswith("党组会议记录")


def test_outcomes_are_shown_beside_rectification_results_never_alone(scene, decided):
    page = _client(scene.commission).get(reverse("accountability:outcomes")).content.decode()
    assert "整改成效" in page and "问责情况" in page and "完成率" in page and "问责人次" in page
    assert "不按问责人数排名" in page
    row = page[page.index("<td>省教育厅</td>"):]
    row = row[:row.index("</tr>")]
    assert ">1</td>" in row  # one problem fed back beside one person held accountable


def test_the_steps_are_taken_on_the_case_page(scene):
    """Start, assign the group, begin the investigation, record a statement — the forms the file page shows."""
    from rectify.accountability.case_models import CaseState

    case = open_case(scene)
    subject = add(scene, case, "王副厅长", "principal")
    c = _client(scene.commission)
    url = reverse("accountability:case_detail", args=[case.pk])
    case.refresh_from_db()
    refused = c.post(reverse("accountability:case_step", args=[case.pk, "start"]), {
        "version": case.version, "approver_name": "省纪委书记", "approver_capacity": "commission_head",
        "approved_on": "2026-05-06", "approval_document": ""})
    assert refused.status_code == 400 and 'id="id_approval_document_error"' in refused.content.decode()
    done = c.post(reverse("accountability:case_step", args=[case.pk, "start"]), {
        "version": case.version, "approver_name": "省纪委书记", "approver_capacity": "commission_head",
        "approved_on": "2026-05-06", "approval_document": "省纪委呈批件〔2026〕3号"})
    assert done.status_code == 302 and done.url == url
    case.refresh_from_db()
    assert case.state == CaseState.STARTED
    no_group = c.post(reverse("accountability:case_step", args=[case.pk, "begin"]),
                      {"begin-version": case.version, "begin-on": "2026-05-06"})
    assert no_group.status_code == 400 and "请先从问责业务人才库抽调调查组成员" in no_group.content.decode()
    assigned = c.post(reverse("accountability:pool"), {"specialist": scene.pool[2].pk, "kind": "investigation",
                                                       "case": case.pk})
    assert assigned.status_code == 302
    case.refresh_from_db()
    assert c.post(reverse("accountability:case_step", args=[case.pk, "begin"]),
                  {"begin-version": case.version, "begin-on": "2026-05-06"}).status_code == 302
    statement = c.post(reverse("accountability:subject_detail", args=[case.pk, subject.pk]), {
        "action": "statement", "facts_shown_on": "2026-05-06", "statement": "对事实无异议。", "defence": "",
        "signature": "agree", "signed_on": "2026-05-06"})
    assert statement.status_code == 302
    page = c.get(url).content.decode()
    assert "向王副厅长告知认定的事实，听取陈述；签字意见：同意" in page and "开始调查，调查组：周专员" in page
