"""How an accountability file reads: the timeline's lines in the reader's language, and the JSON shapes of the
API (one place, so the page and the API say the same)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rectify.accountability.case_models import (
    AccountabilityCase,
    AppealResult,
    ApproverCapacity,
    CaseEvent,
    CaseSubject,
    CorrectionReason,
    Decision,
    DecisionStatus,
    Outcome,
    Signature,
    SourceKind,
    SubjectKind,
)
from rectify.accountability.case_selectors import Candidate, current_decision, latest_statement
from rectify.accountability.checks import Check
from rectify.accountability.models import ResponsibilityTypeCode
from rectify.accountability.pool_models import AssignmentKind

# The timeline: event kind -> a sentence with the event's params (translated when shown).
TIMELINE = {
    "opened": gettext_noop("提出问责（来源：%(source)s%(reference)s）"),
    "subject_added": gettext_noop("列为问责对象：%(name)s（%(kind)s，%(type)s%(suggested)s%(outside)s）"),
    "subject_updated": gettext_noop("更新问责对象%(name)s：%(fields)s"),
    "subject_removed": gettext_noop("移除问责对象%(name)s：%(reason)s"),
    "member_assessed": gettext_noop("评估班子成员%(member)s的责任：不予追究（%(reason)s）"),
    "started": gettext_noop("立案：%(capacity)s%(approver)s批准（%(document)s）"),
    "approval_recorded": gettext_noop("补录批准：%(capacity)s%(approver)s（%(document)s）"),
    "assigned": gettext_noop("抽调%(member)s参加%(task)s%(forced)s"),
    "investigation_started": gettext_noop("开始调查，调查组：%(members)s"),
    "statement_recorded": gettext_noop("向%(name)s告知认定的事实，听取陈述%(defence)s；签字意见：%(signature)s"),
    "investigation_finished": gettext_noop("调查结束，形成事实材料（%(subjects)s 个问责对象）"),
    "opinion_recorded": gettext_noop("会审成员%(member)s提出意见"),
    "review_finished": gettext_noop("会审结束（%(members)s 名成员均已提出意见）"),
    "discussed": gettext_noop("集体讨论：%(body)s（%(minutes)s）"),
    "decided": gettext_noop("对%(name)s作出决定：%(outcome)s，%(type)s%(forms)s%(impact)s%(overridden)s"),
    "delivered": gettext_noop("向%(name)s送达决定（%(note)s），申诉期至%(appeal_until)s"),
    "appealed": gettext_noop("收到%(name)s的申诉，答复期限%(answer_due)s；申诉期间不停止执行"),
    "appeal_answered": gettext_noop("答复%(name)s的申诉：%(result)s%(late)s"),
    "corrected": gettext_noop("纠正对%(name)s的决定（%(reason)s%(from_appeal)s）：%(outcome)s%(forms)s"),
    "closed": gettext_noop("结案%(note)s"),
}


def _day(value: str | dt.date | None) -> str:
    if not value:
        return "—"
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return formats.date_format(day, "Y.m.d")


# Params stored as codes, shown as the label of their choices in the reader's language.
LABELLED = {"source": SourceKind, "kind": SubjectKind, "type": ResponsibilityTypeCode, "suggested":
            ResponsibilityTypeCode, "capacity": ApproverCapacity, "signature": Signature, "outcome": Outcome,
            "result": AppealResult, "reason": CorrectionReason, "task": AssignmentKind}


def _label(key: str, value: Any) -> Any:
    choices = LABELLED.get(key)
    if choices is None or not isinstance(value, str) or value not in choices.values:
        return value
    return str(choices(value).label)


def event_text(event: CaseEvent) -> str:
    """One timeline line, in the reader's language."""
    p = dict(event.params)
    values: dict[str, Any] = {k: _label(k, v) for k, v in p.items()}  # free text never equals a code
    kind = event.kind
    if kind == "opened":
        values["reference"] = f"，{p['reference']}" if p.get("reference") else ""
    elif kind == "subject_added":
        values["suggested"] = (_("；定责助手建议%(type)s") % {"type": values["suggested"]}) if p.get("suggested") else ""
        values["outside"] = _("；组织信息外人员") if p.get("outside") else ""
    elif kind == "subject_updated":
        values["fields"] = "、".join(p.get("fields", []))
    elif kind == "assigned":
        values["forced"] = (_("（回避例外，经%(who)s批准）") % {"who": p["approved_by"]}) if p.get("forced") else ""
    elif kind == "investigation_started":
        values["members"] = "、".join(p.get("members", []))
    elif kind == "statement_recorded":
        values["defence"] = _("和申辩") if p.get("defence") else ""
    elif kind == "decided":
        forms = p.get("forms") or []
        values["forms"] = f"，{'、'.join(forms)}" if forms else ""
        values["impact"] = (_("，影响期至%(day)s") % {"day": _day(p["impact_ends_on"])}) if p.get("impact_ends_on") else ""
        values["overridden"] = (_("（未采纳 %(n)s 项提示，已说明理由）") % {"n": p["overridden"]}) if p.get("overridden") else ""
    elif kind == "delivered":
        values["note"] = p.get("note") or _("送达方式未注明")
        values["appeal_until"] = _day(p.get("appeal_until"))
    elif kind == "appealed":
        values["answer_due"] = _day(p.get("answer_due"))
    elif kind == "appeal_answered":
        values["late"] = _("（超过答复期限）") if p.get("late") else ""
    elif kind == "corrected":
        forms = p.get("forms") or []
        values["forms"] = f"，{'、'.join(forms)}" if forms else ""
        values["from_appeal"] = _("，经申诉复查") if p.get("from_appeal") else ""
    elif kind == "closed":
        values["note"] = f"：{p['note']}" if p.get("note") else ""
    template = TIMELINE.get(kind)
    if template is None:
        return kind
    try:
        return _(template) % values
    except (KeyError, TypeError, ValueError):
        return _(template)


# --- API shapes ---------------------------------------------------------------------------------------------

def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def candidate_out(c: Candidate) -> dict[str, Any]:
    return {"name": c.name, "kind": c.kind, "post": c.post, "reason": c.reason, "overlap_days": c.overlap_days,
            "suggested_type": c.suggested_type or None, "person": c.person_id, "tenure": c.tenure_id,
            "term_start": _iso(c.term_start), "term_end": _iso(c.term_end), "is_former": c.is_former,
            "subject": c.subject_id}


def check_out(c: Check) -> dict[str, Any]:
    return c.as_json()


def decision_out(d: Decision) -> dict[str, Any]:
    appeals = list(d.appeals.all())
    return {
        "id": d.pk, "status": d.status, "outcome": d.outcome, "responsibility_type": d.responsibility_type,
        "circumstance": d.circumstance.code if d.circumstance else None,
        "forms": [f.code for f in d.forms.all()], "basis": d.basis, "decided_on": _iso(d.decided_on),
        "discussion": d.discussion_reference, "disciplinary_record": d.disciplinary_record or None,
        "impact": {"no_promotion_until": _iso(d.no_promotion_until), "no_leading_post_until":
                   _iso(d.no_leading_post_until), "no_higher_post_until": _iso(d.no_higher_post_until),
                   "ends_on": _iso(d.impact_ends_on)},
        "formalities_due": _iso(d.formalities_due), "delivered_on": _iso(d.delivered_on),
        "publish": d.publish, "checks": [c["code"] for c in d.checks], "override_reason": d.override_reason or None,
        "replaces": d.replaces_id, "correction_reason": d.correction_reason or None,
        "appeals": [{"id": a.pk, "received_on": _iso(a.received_on), "answer_due": _iso(a.answer_due),
                     "result": a.result, "answered_on": _iso(a.answered_on)} for a in appeals],
    }


def subject_out(s: CaseSubject) -> dict[str, Any]:
    decision = current_decision(s) if _prefetched(s) else None
    statement = latest_statement(s) if _prefetched(s) else None
    return {
        "id": s.pk, "kind": s.kind, "name": s.name, "person": s.person_id, "tenure": s.tenure_id,
        "unit": s.unit.code if s.unit_id and s.unit else None, "post": s.post_title, "outside": s.is_outside,
        "responsibility_type": s.responsibility_type, "suggested_type": s.suggested_type or None,
        "suggestion_reason": s.suggestion_reason or None, "type_reason": s.type_reason or None,
        "participation_record": s.participation_record or None, "execution": s.execution or None,
        "statement": ({"signed_on": _iso(statement.signed_on), "signature": statement.signature}
                      if statement else None),
        "decision": decision_out(decision) if decision else None,
        "corrected_decisions": [d.pk for d in s.decisions.all() if d.status == DecisionStatus.CORRECTED]
        if _prefetched(s) else [],
        "version": s.version,
    }


def _prefetched(s: CaseSubject) -> bool:
    return "decisions" in getattr(s, "_prefetched_objects_cache", {})


def case_out(case: AccountabilityCase, subjects: list[CaseSubject] | None = None) -> dict[str, Any]:
    out = {
        "id": case.pk, "number": case.number, "title": case.title, "state": case.state,
        "state_label": case.get_state_display(), "source_kind": case.source_kind,
        "problem": case.problem_id, "task": case.task_id, "source_reference": case.source_reference or None,
        "unit": {"code": case.unit.code, "name": case.unit.name},
        "period": [_iso(case.period_start), _iso(case.period_end)] if case.period else None,
        "circumstance": case.circumstance.code if case.circumstance else None,
        "opened_on": _iso(case.opened_on),
        "approval": ({"approver": case.approver_name, "capacity": case.approver_capacity,
                      "approved_on": _iso(case.approved_on), "document": case.approval_document}
                     if case.approved_on else None),
        "discussion": ({"on": _iso(case.discussed_on), "body": case.discussion_body,
                        "minutes": case.discussion_minutes} if case.discussed_on else None),
        "closed_on": _iso(case.closed_on), "version": case.version,
    }
    if subjects is not None:
        out["subjects"] = [subject_out(s) for s in subjects]
    return out


