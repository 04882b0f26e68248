"""Scenario 8 and rule 21: an appeal within one calendar month of the delivery to that subject — the day of
delivery not counted, the corresponding day of the next month the last (that month's last day when there is
none) — later ones refused; the answer is due one calendar month after receipt; execution continues."""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.accountability import case_services
from rectify.accountability.case_models import Appeal, AppealResult, Decision, DecisionStatus
from rectify.accounts.models import Role
from rectify.audit.models import AuditEvent
from rectify.core import clock
from rectify.core.errors import DomainError
from tests.accountability.conftest import add, decide, open_case, to_deciding
from tests.api.conftest import api  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

DELIVERED = dt.date(2026, 5, 25)  # D


@pytest.fixture
def delivered(scene):  # type: ignore[no-untyped-def]
    """张书记 (the former secretary) admonished on 2026-05-22, the decision delivered to him on D."""
    case = open_case(scene)
    subject = add(scene, case, "张书记", "principal")
    to_deciding(scene, case)
    subject.refresh_from_db()
    decision = decide(scene, subject, forms=("admonishment",))
    with clock.frozen(DELIVERED):
        case_services.decision_deliver(actor=scene.commission, decision=decision, delivered_on=DELIVERED,
                                       delivery_note="当面送达，本人签收")
    decision.refresh_from_db()
    return decision


def _appeal(scene, decision, day):  # type: ignore[no-untyped-def]
    with clock.frozen(day):
        return case_services.appeal_record(actor=scene.commission, decision=decision, received_on=day,
                                           grounds="认为本人已调离，不应承担主要领导责任")


def test_an_appeal_on_day_25_is_accepted_and_its_answer_is_due_a_month_later(scene, delivered):
    appeal = _appeal(scene, delivered, DELIVERED + dt.timedelta(days=25))  # 2026-06-19
    assert appeal.received_on == dt.date(2026, 6, 19) and appeal.answer_due == dt.date(2026, 7, 19)
    assert appeal.result == AppealResult.PENDING


def test_an_appeal_on_day_35_is_refused(scene, delivered):
    with pytest.raises(DomainError) as refused:
        _appeal(scene, delivered, DELIVERED + dt.timedelta(days=35))
    assert refused.value.code == "appeal_too_late" and refused.value.status == 422
    assert refused.value.details["last_day"] == "2026-06-25"
    assert "2026.06.25" in refused.value.message and not Appeal.objects.exists()


@pytest.mark.parametrize(("day", "accepted"), [
    (dt.date(2026, 5, 25), True),  # the day of delivery itself
    (dt.date(2026, 6, 24), True),
    (dt.date(2026, 6, 25), True),  # the corresponding day of the next month: the last day
    (dt.date(2026, 6, 26), False),
    (dt.date(2026, 6, 29), False),
])
def test_the_appeal_period_day_by_day(scene, delivered, day, accepted):
    if accepted:
        assert _appeal(scene, delivered, day).pk
    else:
        with pytest.raises(DomainError, match="申诉已超过期限"):
            _appeal(scene, delivered, day)


def test_a_month_end_delivery_runs_to_the_last_day_of_the_next_month(scene):
    """Delivered on 31 January: appeals until 28 February (no 31st), refused from 1 March."""
    assert case_services.appeal_last_day(dt.date(2027, 1, 31)) == dt.date(2027, 2, 28)
    assert case_services.appeal_last_day(dt.date(2028, 1, 31)) == dt.date(2028, 2, 29)
    assert case_services.appeal_last_day(dt.date(2026, 12, 31)) == dt.date(2027, 1, 31)


def test_an_appeal_before_delivery_is_refused(scene):
    case = open_case(scene)
    subject = add(scene, case, "张书记", "principal")
    to_deciding(scene, case)
    subject.refresh_from_db()
    decision = decide(scene, subject)
    with pytest.raises(DomainError) as refused:
        _appeal(scene, decision, dt.date(2026, 5, 23))
    assert refused.value.code == "not_delivered"


def test_execution_continues_and_the_appeal_is_answered(scene, delivered):
    appeal = _appeal(scene, delivered, dt.date(2026, 6, 10))
    delivered.refresh_from_db()
    assert delivered.status == DecisionStatus.CURRENT and delivered.impact_ends_on == dt.date(2026, 11, 22)
    with clock.frozen(dt.date(2026, 7, 1)):
        case_services.appeal_answer(actor=scene.commission, appeal=appeal, answered_on=dt.date(2026, 7, 1),
                                    answer="经复查，其任职期间问题持续发生，维持原决定。")
    appeal.refresh_from_db()
    assert appeal.result == AppealResult.UPHELD and appeal.answered_on == dt.date(2026, 7, 1)
    assert AuditEvent.objects.filter(action="accountability_appeal.answered").count() == 1


def test_one_appeal_per_decision(scene, delivered):
    _appeal(scene, delivered, dt.date(2026, 6, 1))
    with pytest.raises(DomainError) as refused:
        _appeal(scene, delivered, dt.date(2026, 6, 2))
    assert refused.value.code == "already_appealed"


def test_the_appeal_over_the_api(scene, delivered, api):  # noqa: F811
    client = api(Role.COMMISSION)
    url = f"/accountability/cases/{delivered.case_id}/appeal"
    with clock.frozen(dt.date(2026, 6, 30)):
        late = client.post_json(url, {"subject": delivered.subject_id, "received_on": "2026-06-30"})
    assert late.status_code == 422 and late.json()["code"] == "appeal_too_late"
    with clock.frozen(dt.date(2026, 6, 19)):
        ok = client.post_json(url, {"subject": "张书记", "received_on": "2026-06-19"})
    assert ok.status_code == 201 and ok.json()["answer_due"] == "2026-07-19"


def test_a_correction_from_the_appeal_keeps_the_old_decision_marked_corrected(scene, delivered):
    appeal = _appeal(scene, delivered, dt.date(2026, 6, 10))
    draft = case_services.draft_from(subject=delivered.subject, outcome="accountable", responsibility_type="principal",
                                     circumstance="rectification_lax", forms=["person_circulation"], factors=[])
    with clock.frozen(dt.date(2026, 6, 30)):
        new = case_services.decision_correct(
            actor=scene.commission, decision=delivered, reason="handling_improper", appeal=appeal,
            note="其离任前已部署清退，原处理偏重，改为通报。", draft=draft, decided_on=dt.date(2026, 6, 30))
    old = Decision.objects.get(pk=delivered.pk)
    assert old.status == DecisionStatus.CORRECTED and old.correction_reason == "handling_improper"
    assert new.replaces_id == old.pk and new.status == DecisionStatus.CURRENT and new.delivered_on is None
    assert [f.code for f in new.forms.all()] == ["person_circulation"] and new.impact_ends_on is None
    appeal.refresh_from_db()
    assert appeal.result == AppealResult.CORRECTED and appeal.correction_id == new.pk


@pytest.mark.parametrize("reason", ["", "leader_changed_mind", "appeal"])
def test_a_correction_needs_one_of_the_six_legal_reasons(scene, delivered, reason):
    draft = case_services.draft_from(subject=delivered.subject, outcome="accountable", responsibility_type="principal",
                                     circumstance="rectification_lax", forms=["person_circulation"], factors=[])
    with clock.frozen(dt.date(2026, 6, 30)), pytest.raises(DomainError) as refused:
        case_services.decision_correct(actor=scene.commission, decision=delivered, reason=reason, note="改为通报",
                                       draft=draft, decided_on=dt.date(2026, 6, 30))
    assert refused.value.code == "invalid_correction_reason" and "证据不确凿" in refused.value.message
    assert Decision.objects.get(pk=delivered.pk).status == DecisionStatus.CURRENT
