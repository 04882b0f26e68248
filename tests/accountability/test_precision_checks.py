"""Precision checks (精准问责提示), computed whenever the subjects change: each a warning with its explanation and
the data behind it; only 直接责任 is refused outright (scenario 7 and the over-broad and wrongly named cases)."""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.accountability import case_selectors, case_services, checks
from rectify.accountability.case_models import CaseSubject
from rectify.accountability.models import AccountabilityForm
from rectify.accounts.models import Role
from rectify.core.errors import DomainError
from tests.accountability.conftest import add, decide, open_case, to_deciding
from tests.api.conftest import api  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def _checks(case):  # type: ignore[no-untyped-def]
    subjects = case_selectors.subjects_of(case)
    return checks.case_checks(case, subjects, case_selectors.responsibility_facts(case, subjects=subjects))


def _codes(case, subject: CaseSubject | None = None):  # type: ignore[no-untyped-def]
    return sorted(c.code for c in _checks(case) if subject is None or c.subject_id == subject.pk)


def test_well_founded_subjects_raise_no_warning(scene):
    case = open_case(scene)
    add(scene, case, "张书记", "principal")
    add(scene, case, "王副厅长", "principal")
    add(scene, case, "省教育厅", "overall", kind="organisation")
    assert _codes(case) == []


def test_a_person_with_no_tenure_in_the_period_and_no_list_link_is_flagged(scene):
    """王书记 took over on 2025-07-01, after the problem (2024-01 … 2025-03), and is not on the list."""
    case = open_case(scene)
    wrong = add(scene, case, "王书记", "principal")
    found = [c for c in _checks(case) if c.subject_id == wrong.pk]
    assert [c.code for c in found] == ["no_tenure_link", "type_not_supported"]
    link = found[0]
    assert "没有重合" in link.message and "2025.07.01" in link.message
    assert link.data["tenures"][0]["overlap_days"] == 0 and link.data["period"] == ["2024-01-01", "2025-03-31"]


def test_an_outside_person_is_recorded_and_meets_the_first_check(scene):
    case = open_case(scene)
    outsider = add(scene, case, "马某某", "important")
    assert outsider.is_outside and outsider.person_id is None
    found = {c.code: c for c in _checks(case) if c.subject_id == outsider.pk}
    assert "组织外人员" in found["no_tenure_link"].message and found["no_tenure_link"].data["outside"] is True


def test_principal_responsibility_for_a_member_not_in_charge_of_the_area_is_flagged(scene):
    case = open_case(scene)
    other = add(scene, case, "赵副厅长", "principal")
    found = {c.code: c for c in _checks(case) if c.subject_id == other.pk}
    assert set(found) == {"type_not_supported"}, "he was a member then: no link problem, the type is wrong"
    assert "人事处" in found["type_not_supported"].message and "财务处" in found["type_not_supported"].message


def test_important_responsibility_needs_a_record_of_taking_part(scene):
    case = open_case(scene)
    other = add(scene, case, "赵副厅长", "important")
    assert _codes(case, other) == ["type_not_supported"]
    assert "没有参与决策或工作的记录" in _checks(case)[0].message
    case_services.subject_update(actor=scene.commission, subject=other, expected_version=other.version,
                                 participation_record="2024年3月党组会议研究津贴发放方案时参与表决（会议记录第5页）")
    assert _codes(case, other) == []


def test_overall_responsibility_belongs_to_the_organisation_not_a_person(scene):
    case = open_case(scene)
    person = add(scene, case, "张书记", "overall")
    assert _codes(case, person) == ["type_not_supported"]


def test_eight_subjects_for_one_problem_are_over_broad(scene):
    case = open_case(scene)
    for name, rtype in [("张书记", "principal"), ("王副厅长", "principal"), ("赵副厅长", "important"),
                        ("李四", "important"), ("孙某", "important"), ("钱某", "important"), ("郑某", "important"),
                        ("省教育厅", "overall")]:
        add(scene, case, name, rtype, kind="organisation" if name == "省教育厅" else "person")
    broad = [c for c in _checks(case) if c.code == "over_broad"]
    assert len(broad) == 1 and broad[0].subject_id is None
    assert broad[0].data["subjects"] == 8 and broad[0].data["by_type"]["important"] == 5
    assert "8 个问责对象，超过 5 个" in broad[0].message and "5 个认定为重要领导责任，超过 3 个" in broad[0].message


def test_subjects_of_another_case_of_the_same_problem_count_too(scene):
    first = open_case(scene, title="第一案")
    for name in ("张书记", "王副厅长", "赵副厅长"):
        add(scene, first, name, "principal")
    second = open_case(scene, title="第二案")
    for name in ("孙某", "钱某", "郑某"):
        add(scene, second, name, "important")
    broad = [c for c in _checks(second) if c.code == "over_broad"]
    assert broad and broad[0].data == {**broad[0].data, "subjects": 6, "cases": 2}


def test_only_staff_named_while_the_leadership_covers_the_period_is_pushed_down(scene):
    case = open_case(scene)
    add(scene, case, "李四", "important")
    pushed = [c for c in _checks(case) if c.code == "pushed_down"]
    assert len(pushed) == 1 and "张书记" in pushed[0].message
    assert {leader["name"] for leader in pushed[0].data["leaders"]} == {"张书记"}
    add(scene, case, "张书记", "principal")
    assert not [c for c in _checks(case) if c.code == "pushed_down"]


def test_direct_responsibility_is_refused_outright_with_the_pointer_to_a_disciplinary_record(scene, api):  # noqa: F811
    case = open_case(scene)
    with pytest.raises(DomainError) as refused:
        add(scene, case, "张书记", "direct")
    assert refused.value.code == "direct_responsibility" and refused.value.status == 422
    response = api(Role.COMMISSION).post_json(f"/accountability/cases/{case.pk}/subjects",
                                              {"name": "张书记", "responsibility_type": "直接责任"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "direct_responsibility" and "纪律处分" in body["details"]["disciplinary_record"]
    assert not CaseSubject.objects.filter(case=case).exists()


def test_checks_over_the_api_follow_the_subjects(scene, api):  # noqa: F811
    case = open_case(scene)
    client = api(Role.COMMISSION)
    assert client.get(f"/accountability/cases/{case.pk}/checks").json()["items"] == []
    created = client.post_json(f"/accountability/cases/{case.pk}/subjects",
                               {"name": "王书记", "responsibility_type": "principal"})
    assert created.status_code == 201
    items = client.get(f"/accountability/cases/{case.pk}/checks").json()["items"]
    assert {(i["code"], i["subject"]) for i in items} == {("no_tenure_link", created.json()["id"]),
                                                          ("type_not_supported", created.json()["id"])}
    assert all(i["message"] and "data" in i for i in items)


# --- decisions: similar cases and factors -----------------------------------------------------------------

def _decided_precedents(scene, forms, n=3):  # type: ignore[no-untyped-def]
    """``n`` decided cases on other problems: 王副厅长-like members in charge with ``forms``."""
    for i in range(n):
        case = open_case(scene, title=f"先例{i}")
        subject = add(scene, case, "王副厅长", "principal")
        to_deciding(scene, case)
        subject.refresh_from_db()
        decide(scene, subject, forms=forms)


def test_a_form_far_lighter_than_similar_cases_is_flagged_side_by_side(scene):
    _decided_precedents(scene, ("demotion",))
    case = open_case(scene, title="本案")
    subject = add(scene, case, "王副厅长", "principal")
    to_deciding(scene, case)
    facts = case_selectors.responsibility_facts(case, subjects=case_selectors.subjects_of(case))
    draft = case_services.draft_from(subject=subject, outcome="accountable", responsibility_type="principal",
                                     circumstance="rectification_lax", forms=["person_circulation"], factors=[])
    found = [c for c in checks.decision_checks(case, draft, facts) if c.code == "inconsistent_with_similar"]
    assert len(found) == 1 and found[0].data["lighter"] and "问责不严" in found[0].message
    assert [s["forms"] for s in found[0].data["similar"]] == [["降职"]] * 3
    draft.forms = list(AccountabilityForm.objects.filter(code="ordered_resignation"))
    assert not [c for c in checks.decision_checks(case, draft, facts) if c.code == "inconsistent_with_similar"]


def test_saving_a_decision_over_a_warning_needs_a_recorded_reason(scene):
    _decided_precedents(scene, ("demotion",), n=2)
    case = open_case(scene, title="本案")
    subject = add(scene, case, "王副厅长", "principal")
    to_deciding(scene, case)
    subject.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        decide(scene, subject, forms=("person_circulation",))
    assert refused.value.code == "checks_need_reason"
    assert [c["code"] for c in refused.value.details["checks"]] == ["inconsistent_with_similar"]
    decision = decide(scene, subject, forms=("person_circulation",),
                      override_reason="其已主动退回违规发放款项并推动完成清退，常委会研究决定从轻处理")
    assert [c["code"] for c in decision.checks] == ["inconsistent_with_similar"]
    assert decision.override_reason.startswith("其已主动退回")


def test_an_exemption_recorded_but_ignored_by_the_form_and_a_missing_minutes_are_flagged(scene):
    """Scenario 7: a member who objected in the minutes is exempted — only with the minutes as evidence."""
    case = open_case(scene)
    subject = add(scene, case, "赵副厅长", "important", participation_record="参加2024年3月党组会议")
    to_deciding(scene, case)
    facts = case_selectors.responsibility_facts(case, subjects=case_selectors.subjects_of(case))
    objected = {"factor": "objected_in_decision", "evidence": ""}
    draft = case_services.draft_from(subject=subject, outcome="accountable", responsibility_type="important",
                                     circumstance="rectification_lax", forms=["admonishment"], factors=[objected])
    codes = sorted(c.code for c in checks.decision_checks(case, draft, facts))
    assert codes == ["exemption_without_evidence", "mitigation_ignored"]
    draft = case_services.draft_from(
        subject=subject, outcome="not_accountable", responsibility_type="important", circumstance="rectification_lax",
        forms=[], factors=[{"factor": "objected_in_decision", "evidence": "党组会议记录〔2024〕3号第5页：明确反对"}])
    assert checks.decision_checks(case, draft, facts) == []


def test_mitigation_must_make_the_form_lighter_than_the_investigation_proposed(scene):
    case = open_case(scene)
    subject = add(scene, case, "王副厅长", "principal")
    to_deciding(scene, case)
    subject.refresh_from_db()
    case_services.subject_update(actor=scene.commission, subject=subject, expected_version=subject.version,
                                 proposed_form=AccountabilityForm.objects.get(code="admonishment"))
    facts = case_selectors.responsibility_facts(case, subjects=case_selectors.subjects_of(case))
    remedy = {"factor": "timely_remedy", "evidence": "2026年4月已全部清退并建立台账"}
    same = case_services.draft_from(subject=subject, outcome="accountable", responsibility_type="principal",
                                    circumstance="rectification_lax", forms=["admonishment"], factors=[remedy])
    assert [c.code for c in checks.decision_checks(case, same, facts)] == ["mitigation_ignored"]
    lighter = case_services.draft_from(subject=subject, outcome="accountable", responsibility_type="principal",
                                       circumstance="rectification_lax", forms=["person_circulation"], factors=[remedy])
    assert checks.decision_checks(case, lighter, facts) == []


def test_fault_tolerance_claimed_on_a_ground_that_is_not_one_of_the_three_is_flagged(scene):
    case = open_case(scene)
    subject = add(scene, case, "王副厅长", "principal")
    to_deciding(scene, case)
    facts = case_selectors.responsibility_facts(case, subjects=case_selectors.subjects_of(case))
    draft = case_services.draft_from(subject=subject, outcome="exempted", responsibility_type="principal",
                                     circumstance="rectification_lax", forms=[],
                                     factors=[{"claim": "工作任务繁重，无暇顾及", "evidence": "本人说明"}])
    found = checks.decision_checks(case, draft, facts)
    assert [c.code for c in found] == ["exemption_without_evidence"] and "三个区分开来" in found[0].message
    with pytest.raises(DomainError) as refused:  # a warning, not a refusal: saved only with a reason
        decide(scene, subject, outcome="exempted", forms=(), factors=[{"claim": "工作任务繁重", "evidence": "说明"}])
    assert refused.value.code == "checks_need_reason"
    assert [c["code"] for c in refused.value.details["checks"]] == ["exemption_without_evidence"]
    tolerated = {"fault_tolerance": "development_vs_self_interest", "evidence": "核查结论：本人未谋取私利"}
    decision = decide(scene, subject, outcome="exempted", forms=(), factors=[tolerated], decided_on=dt.date(2026, 5, 25))
    assert decision.outcome == "exempted" and decision.checks == []
