"""A case from start to closing, every step audited (issue 12 §2; rules 14, 15, 19, 20, 22, 24) — scenario 5's
former secretary named with 主要领导责任 and scenario 7's member in charge, with a public-exposure notice."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse

from rectify.accountability import case_selectors, case_services, pool_services
from rectify.accountability.case_models import AccountabilityCase, CaseEvent, CaseState, DecisionStatus
from rectify.accountability.pool_models import Assignment, AssignmentKind
from rectify.accounts.models import Role
from rectify.audit.models import AuditEvent
from rectify.audit.services import audit_verify_chain
from rectify.core import clock
from rectify.core.errors import DomainError
from tests.accountability.conftest import add, decide, open_case, start, to_deciding
from tests.api.conftest import api  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def test_the_whole_procedure_each_step_one_audit_event_and_one_line_in_the_file(scene):
    before = AuditEvent.objects.count()
    case = open_case(scene)
    assert case.state == CaseState.PROPOSED and case.number.startswith("WZ-2026-")
    assert (case.period_start, case.period_end) == (dt.date(2024, 1, 1), dt.date(2025, 3, 31))
    former = add(scene, case, "张书记", "principal")
    deputy = add(scene, case, "王副厅长", "principal")
    to_deciding(scene, case)
    assert case.state == CaseState.DECIDING
    first = decide(scene, former, forms=("admonishment",), publish=True,
                   public_summary="任职期间对违规发放津贴补贴问题整改不力，问题反馈后清退进度严重滞后")
    case.refresh_from_db()
    assert case.state == CaseState.DECIDING, "one subject still undecided"
    decide(scene, deputy, forms=("person_circulation",), factors=[
        {"factor": "timely_remedy", "evidence": "2026年4月已全部清退（财务凭证）"}])
    case.refresh_from_db()
    assert case.state == CaseState.DECIDED
    assert first.impact_ends_on == dt.date(2026, 11, 22)  # 诫勉 decided 2026-05-22: no promotion for 6 months
    assert "省纪委常委会会议" in first.discussion_reference  # rule 20: the decision cites the discussion
    assert first.assistant == {"suggested_type": "principal", "reason": former.suggestion_reason,
                               "chosen": "principal", "accepted": True, "type_reason": ""}
    for decision in case.decisions.all():
        with clock.frozen(dt.date(2026, 5, 26)):
            case_services.decision_deliver(actor=scene.commission, decision=decision, delivered_on=dt.date(2026, 5, 26))
    with clock.frozen(dt.date(2026, 6, 30)):
        case.refresh_from_db()
        case_services.case_close(actor=scene.commission, case=case, expected_version=case.version,
                                 closed_on=dt.date(2026, 6, 30), note="决定均已送达执行，申诉期满。")
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    assert not Assignment.objects.filter(case=case, ended_on__isnull=True).exists(), "the group is released"
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds[:3] == ["opened", "subject_added", "subject_added"] and kinds[-1] == "closed"
    assert {"started", "investigation_started", "statement_recorded", "investigation_finished", "opinion_recorded",
            "review_finished", "discussed", "decided", "delivered", "assigned"} <= set(kinds)
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True)[before:])
    assert actions.count("accountability_decision.made") == 2 and actions[-1] == "accountability_case.closed"
    # one event per write: open, 2 subjects, start, 2 assignments, begin, 2 × (update, statement), finish,
    # opinion, review, discussion, 2 decisions, 2 deliveries, close
    assert len(actions) == 1 + 2 + 1 + 2 + 1 + 4 + 1 + 1 + 1 + 1 + 2 + 2 + 1
    assert audit_verify_chain()[1] is None


def test_a_step_out_of_turn_or_on_a_stale_page_is_refused(scene):
    case = open_case(scene)
    add(scene, case, "张书记", "principal")
    with pytest.raises(DomainError) as out_of_turn:
        case_services.investigation_begin(actor=scene.commission, case=case, expected_version=case.version,
                                          started_on=dt.date(2026, 5, 6))
    assert out_of_turn.value.code == "wrong_state" and "拟立案" in out_of_turn.value.message
    stale = case.version - 1
    with clock.frozen(dt.date(2026, 5, 10)), pytest.raises(DomainError) as conflict:
        case_services.case_start(actor=scene.commission, case=case, expected_version=stale, approver_name="省委书记",
                                 approver_capacity="committee_principal", approved_on=dt.date(2026, 5, 10),
                                 approval_document="批示")
    assert conflict.value.code == "stale_version" and conflict.value.status == 409


def test_rule_14_the_committee_principal_approves_a_case_against_its_directly_led_unit_or_its_principal(scene):
    case = open_case(scene)
    add(scene, case, "王副厅长", "principal")
    start(scene, case, capacity="commission_head")  # a member in charge: the commission's head suffices
    case.refresh_from_db()
    assert case.state == CaseState.STARTED
    with pytest.raises(DomainError) as refused:  # 张书记 was its principal: the committee's principal approves
        add(scene, case, "张书记", "principal")
    assert refused.value.code == "committee_approval_required"
    other = open_case(scene, title="对党组问责")
    add(scene, other, "省教育厅", "overall", kind="organisation")
    with pytest.raises(DomainError) as refused:
        start(scene, other, capacity="commission_head")
    assert refused.value.code == "approval_competence" and "同级党委主要负责人" in refused.value.message
    start(scene, other, capacity="committee_principal")
    other.refresh_from_db()
    assert other.state == CaseState.STARTED and other.approver_capacity == "committee_principal"


def test_rule_15_an_organisation_held_accountable_needs_its_members_assessed(scene):
    case = open_case(scene)
    org = add(scene, case, "省教育厅", "overall", kind="organisation")
    add(scene, case, "张书记", "principal")
    to_deciding(scene, case)
    org.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        decide(scene, org, forms=("org_circulation",))
    assert refused.value.code == "members_not_assessed" and "王副厅长" in refused.value.message
    with clock.frozen(dt.date(2026, 5, 21)):
        case_services.member_assess(actor=scene.commission, subject=org, name="王副厅长", post_title="党组成员、副厅长",
                                    reason="已于问题反馈前主动纠正并退回资金，经常委会研究不予追究")
    decision = decide(scene, org, forms=("org_circulation",))
    assert decision.outcome == "accountable"


def test_rule_19_no_decision_without_the_facts_shown_and_a_signature(scene):
    case = open_case(scene)
    add(scene, case, "张书记", "principal")
    start(scene, case)
    with clock.frozen(dt.date(2026, 5, 11)):
        pool_services.specialist_assign(actor=scene.commission, specialist=scene.pool[0],
                                        kind=AssignmentKind.INVESTIGATION, case=case)
        case.refresh_from_db()
        case_services.investigation_begin(actor=scene.commission, case=case, expected_version=case.version,
                                          started_on=dt.date(2026, 5, 11))
        subject = case.subjects.get()
        case_services.subject_update(actor=scene.commission, subject=subject, expected_version=subject.version,
                                     execution="non_execution")
        with pytest.raises(DomainError) as refused:
            case_services.investigation_finish(actor=scene.commission, case=case, expected_version=case.version + 1,
                                               findings="…", finished_on=dt.date(2026, 5, 11))
    assert refused.value.code == "statements_missing" and "张书记" in refused.value.message
    with clock.frozen(dt.date(2026, 5, 12)):
        statement = case_services.statement_record(actor=scene.commission, subject=subject,
                                                   facts_shown_on=dt.date(2026, 5, 12), statement="本人拒绝陈述。",
                                                   defence="", signature="refused", signed_on=dt.date(2026, 5, 12))
    assert statement.get_signature_display() == "拒绝签字"


def test_rule_20_party_discipline_links_the_disciplinary_record_and_a_measure_is_named(scene):
    case = open_case(scene)
    subject = add(scene, case, "张书记", "principal")
    to_deciding(scene, case)
    subject.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        decide(scene, subject, forms=("discipline_warning",))
    assert refused.value.code == "disciplinary_record_required"
    with pytest.raises(DomainError) as refused:
        decide(scene, subject, forms=("organisational_adjustment",))
    assert refused.value.code == "form_needs_measure" and "免职" in refused.value.message
    with pytest.raises(DomainError) as refused:
        decide(scene, subject, forms=("org_circulation",))
    assert refused.value.code == "form_not_applicable"
    decision = decide(scene, subject, forms=("removal",), override_reason="情节严重，常委会研究决定免职")
    assert decision.no_leading_post_until == dt.date(2027, 5, 22)
    assert decision.no_higher_post_until == dt.date(2028, 5, 22) == decision.impact_ends_on
    assert decision.formalities_due == dt.date(2026, 6, 22)  # rule 22: formalities within a month


def test_an_overridden_suggestion_needs_its_reason(scene):
    case = open_case(scene)
    deputy = add(scene, case, "王副厅长", "principal")
    to_deciding(scene, case)
    deputy.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        decide(scene, deputy, rtype="important", override_reason="x")
    assert refused.value.code == "type_reason_required"
    case_services.subject_update(actor=scene.commission, subject=deputy, expected_version=deputy.version,
                                 participation_record="2024年3月党组会议研究发放方案时参与表决")
    deputy.refresh_from_db()
    decision = decide(scene, deputy, rtype="important", type_reason="分管财务处但方案由主要负责人直接拍板，本人参与表决")
    assert decision.assistant["accepted"] is False and decision.assistant["type_reason"].startswith("分管财务处")
    deputy.refresh_from_db()
    assert deputy.responsibility_type == "important"


def test_the_case_over_the_api(scene, api):  # noqa: F811
    client = api(Role.COMMISSION)
    created = client.post_json("/accountability/cases", {"problem": scene.problem.pk,
                                                          "title": "违规发放津贴补贴整改不力问责"})
    assert created.status_code == 201
    body = created.json()
    assert body["state"] == "proposed" and body["id"] and body["subjects"] == []
    assert body["period"] == ["2024-01-01", "2025-03-31"] and body["unit"]["code"] == "EDU"
    subject = client.post_json(f"/accountability/cases/{body['id']}/subjects",
                               {"name": "张书记", "kind": "person", "responsibility_type": "principal"})
    assert subject.status_code == 201 and subject.json()["suggested_type"] == "principal"
    detail = client.get(f"/accountability/cases/{body['id']}").json()
    assert [(s["name"], s["responsibility_type"], s["post"]) for s in detail["subjects"]] == [
        ("张书记", "principal", "党组书记、厅长")]
    started = client.post_json(f"/accountability/cases/{body['id']}/start", {
        "approver_name": "省委书记", "approver_capacity": "committee_principal", "approved_on": "2026-05-06",
        "approval_document": "省委批示〔2026〕12号"})
    assert started.status_code == 200 and started.json()["state"] == "started"
    assert client.get("/accountability/cases?state=started").json()["count"] == 1


def test_the_public_exposure_notice_has_no_confidential_detail(scene):
    case = open_case(scene)
    subject = add(scene, case, "张书记", "principal")
    to_deciding(scene, case)
    subject.refresh_from_db()
    decide(scene, subject, publish=True, public_summary="任职期间对违规发放津贴补贴问题整改不力")
    c = Client()
    c.force_login(scene.commission)
    page = c.get(reverse("accountability:notice", args=[case.pk])).content.decode()
    assert "省教育厅原党组书记、厅长张书记任职期间对违规发放津贴补贴问题整改不力" in page and "诫勉" in page
    for secret in ("对认定的事实无异议", "会议纪要〔2026〕9号", "同意调查组意见", "陈调查", "林会审"):
        assert secret not in page
    response = c.get(reverse("accountability:notice_docx", args=[case.pk]))
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "张书记" in text and "诫勉" in text and "对认定的事实无异议" not in text and "陈调查" not in text


def test_the_file_reads_in_a_bounded_number_of_queries(scene, django_assert_max_num_queries):
    case = open_case(scene)
    for name in ("张书记", "王副厅长"):
        add(scene, case, name, "principal")
    to_deciding(scene, case)
    for s in case.subjects.all():
        decide(scene, s)
    c = Client()
    c.force_login(scene.commission)
    with django_assert_max_num_queries(60):
        assert c.get(reverse("accountability:case_detail", args=[case.pk])).status_code == 200
    assert case_selectors.subjects_of(AccountabilityCase.objects.get(pk=case.pk))[0].decisions.all()[0].status == \
        DecisionStatus.CURRENT


def test_decision_delivery_and_correction_over_the_api(scene, api):  # noqa: F811
    case = open_case(scene)
    add(scene, case, "张书记", "principal")
    to_deciding(scene, case)
    client = api(Role.COMMISSION)
    base = f"/accountability/cases/{case.pk}"
    with clock.frozen(dt.date(2026, 5, 22)):
        refused = client.post_json(f"{base}/decisions", {"subject": "张书记", "forms": ["discipline_warning"],
                                                         "decided_on": "2026-05-22"})
        assert refused.status_code == 400 and refused.json()["code"] == "disciplinary_record_required"
        made = client.post_json(f"{base}/decisions", {"subject": "张书记", "forms": ["admonishment"],
                                                      "decided_on": "2026-05-22"})
    assert made.status_code == 201
    body = made.json()
    assert body["impact"]["ends_on"] == "2026-11-22" and body["circumstance"] == "rectification_lax"
    with clock.frozen(dt.date(2026, 5, 25)):
        delivered = client.post_json(f"{base}/deliveries", {"subject": "张书记", "delivered_on": "2026-05-25"})
    assert delivered.status_code == 200 and delivered.json()["delivered_on"] == "2026-05-25"
    with clock.frozen(dt.date(2026, 6, 1)):
        wrong = client.post_json(f"{base}/corrections", {"subject": "张书记", "reason": "superior_said_so",
                                                         "note": "x", "forms": ["person_circulation"],
                                                         "decided_on": "2026-06-01"})
        assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_correction_reason"
        corrected = client.post_json(f"{base}/corrections", {"subject": "张书记", "reason": "facts_unclear",
                                                             "note": "其离任时间认定有误，重新认定", "forms": ["person_circulation"],
                                                             "decided_on": "2026-06-01"})
    assert corrected.status_code == 201 and corrected.json()["replaces"] == body["id"]
    detail = client.get(base).json()
    subject = detail["subjects"][0]
    assert subject["decision"]["id"] == corrected.json()["id"] and subject["corrected_decisions"] == [body["id"]]
