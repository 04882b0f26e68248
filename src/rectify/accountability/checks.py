"""Precision checks (精准问责提示): warnings, each with its explanation and the data behind it.

They are computed when read — from the case's subjects, the tenures' seat snapshots, the responsibility list,
similar decided cases and the factors of a decision (draft or saved) — so they follow every change of the
subjects. Only direct responsibility is refused outright (by the services); everything here is a warning, and
a decision saved over warnings records why (``Decision.override_reason``).

Codes (stable, for the API):

* 定责不准 — ``no_tenure_link``: a subject with no tenure in the unit overlapping the problem's period and no
  link to its responsibility list (an outside person always); ``type_not_supported``: a responsibility type the
  subject's seat did not support (rule 16).
* 问责泛化 — ``over_broad``: more subjects for one problem than the setting allows, or too many with the same
  type; ``pushed_down``: only staff named while the leadership of the period is not.
* 问责不严 / 过度问责 — ``inconsistent_with_similar``: forms far lighter or heavier than similar decided cases.
* factors ignored — ``mitigation_ignored``: an exemption or mitigation recorded but the forms ignore it;
  ``exemption_without_evidence``: a condition that needs evidence without it (rule 18: an objection in the
  collective decision needs the minutes), or fault tolerance claimed on a ground that is none of the three.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rectify.accountability import hooks
from rectify.accountability.case_models import (
    AccountabilityCase,
    CaseSubject,
    Decision,
    DecisionStatus,
    Outcome,
    SubjectKind,
)
from rectify.accountability.case_selectors import ResponsibilityFacts
from rectify.accountability.models import (
    AccountabilityForm,
    Circumstance,
    Factor,
    FactorKind,
    FaultTolerance,
    ResponsibilityTypeCode,
)
from rectify.core.dates import span_label
from rectify.orgs.models import Tenure
from rectify.orgs.selectors import IN_CHARGE, PRINCIPAL, overlap_days

NO_TENURE_LINK = "no_tenure_link"
TYPE_NOT_SUPPORTED = "type_not_supported"
OVER_BROAD = "over_broad"
PUSHED_DOWN = "pushed_down"
INCONSISTENT = "inconsistent_with_similar"
MITIGATION_IGNORED = "mitigation_ignored"
EXEMPTION_WITHOUT_EVIDENCE = "exemption_without_evidence"

LABELS = {
    NO_TENURE_LINK: gettext_noop("定责不准"),
    TYPE_NOT_SUPPORTED: gettext_noop("定责不准"),
    OVER_BROAD: gettext_noop("问责泛化"),
    PUSHED_DOWN: gettext_noop("问责泛化"),
    INCONSISTENT: gettext_noop("问责不严或过度问责"),
    MITIGATION_IGNORED: gettext_noop("未考虑从轻免责情形"),
    EXEMPTION_WITHOUT_EVIDENCE: gettext_noop("免责容错缺少依据"),
}
SUBJECT_CODES = (NO_TENURE_LINK, TYPE_NOT_SUPPORTED, OVER_BROAD, PUSHED_DOWN)
DECISION_CODES = (INCONSISTENT, MITIGATION_IGNORED, EXEMPTION_WITHOUT_EVIDENCE)


@dataclass
class Check:
    code: str
    message: str
    subject_id: int | None = None
    subject_name: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return _(LABELS[self.code])

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "label": self.label, "message": self.message, "subject": self.subject_id,
                "subject_name": self.subject_name or None, "data": self.data}


def _tenure_data(tenure: Tenure, period: tuple[dt.date, dt.date] | None) -> dict[str, Any]:
    return {"post": tenure.seat_title, "areas": tenure.seat_areas, "principal": tenure.seat_is_principal,
            "start": tenure.start.isoformat(), "end": tenure.last_day.isoformat() if tenure.end else None,
            "overlap_days": overlap_days(tenure_start=tenure.start, tenure_end=tenure.end, start=period[0],
                                         end=period[1]) if period else 0}


def _tenure_text(tenure: Tenure) -> str:
    text = _("%(post)s，%(span)s") % {"post": tenure.seat_title, "span": span_label(tenure.start, tenure.last_day)}
    if tenure.seat_areas:
        text += _("，分管%(areas)s") % {"areas": tenure.seat_areas}
    return text


# --- who the subject was during the period -------------------------------------------------------------

@dataclass
class Standing:
    """What the org data says of a person subject for the case: their tenures in the unit, those overlapping
    the period, their roles among the leaders of the period, their entries on the responsibility list."""

    tenures: list[Tenure]
    in_period: list[Tenure]
    roles: list[str]  # PRINCIPAL / IN_CHARGE among the leaders of the period
    listed: list[Any]

    @property
    def principal_then(self) -> bool:
        return any(t.seat_is_principal for t in self.in_period) or PRINCIPAL in self.roles

    @property
    def in_charge_then(self) -> bool:
        return IN_CHARGE in self.roles

    @property
    def listed_leader(self) -> bool:
        return any(entry.kind in ("leader", "handed_over") for entry in self.listed)

    @property
    def leadership_then(self) -> bool:
        return any(t.seat_is_leadership_member or t.seat_is_principal for t in self.in_period)

    @property
    def is_leader(self) -> bool:
        return self.principal_then or self.in_charge_then or self.listed_leader or self.leadership_then

    @property
    def is_staff(self) -> bool:
        """Never in the unit's leadership body (whenever) nor a leader on the list: a subordinate."""
        return not (self.listed_leader or any(t.seat_is_leadership_member or t.seat_is_principal
                                              for t in self.tenures) or self.roles)


def standing(facts: ResponsibilityFacts, subject: CaseSubject) -> Standing:
    tenures = facts.subject_tenures.get(subject.person_id, []) if subject.person_id else []
    period = facts.period
    in_period = [t for t in tenures if period and overlap_days(tenure_start=t.start, tenure_end=t.end,
                                                               start=period[0], end=period[1]) > 0]
    roles = [leader.role for leader in facts.leader_roles(subject.person_id, subject.name)]
    return Standing(tenures=tenures, in_period=in_period, roles=roles,
                    listed=facts.listed_for(person_id=subject.person_id, name=subject.name))


def _type_name(code: str) -> str:
    return str(ResponsibilityTypeCode(code).label) if code in ResponsibilityTypeCode.values else code


def _type_check(facts: ResponsibilityFacts, subject: CaseSubject, rtype: str, st: Standing | None) -> Check | None:
    """Rule 16, from the tenures' seat snapshots: 主要领导责任 only for the principal or the member in charge
    of the area then; 重要领导责任 only for a leadership member then, with a record of taking part; 全面领导责任
    only for the organisation (its leadership body)."""
    name, type_name = subject.name, _type_name(rtype)

    def flagged(message: str, **data: Any) -> Check:
        return Check(TYPE_NOT_SUPPORTED, message, subject.pk, name, {"responsibility_type": rtype, **data})

    if subject.kind == SubjectKind.ORGANISATION:
        if rtype == ResponsibilityTypeCode.OVERALL:
            return None
        return flagged(_("%(name)s是党组织：对党组织只认定全面领导责任（问责条例第六条），“%(type)s”适用于个人。")
                       % {"name": name, "type": type_name})
    if rtype == ResponsibilityTypeCode.OVERALL:
        return flagged(_("全面领导责任由党组织领导班子承担；对%(name)s个人应认定主要领导责任或重要领导责任。")
                       % {"name": name})
    assert st is not None
    held = "；".join(_tenure_text(t) for t in st.in_period) or _("无")
    data = {"tenures_in_period": [_tenure_data(t, facts.period) for t in st.in_period],
            "departments": facts.departments, "listed_leader": st.listed_leader}
    if rtype == ResponsibilityTypeCode.PRINCIPAL:
        if st.principal_then or st.in_charge_then or st.listed_leader:
            return None
        return flagged(_("主要领导责任只能由时任主要负责人或直接分管该领域的班子成员承担。%(name)s在问题发生期间的职务"
                         "（%(held)s）不是主要负责人，分管领域不含问题的牵头部门（%(departments)s），也不是整改责任清单"
                         "所列责任领导。") % {"name": name, "held": held,
                                          "departments": "、".join(facts.departments) or _("未列明")}, **data)
    missing = []
    if not (st.leadership_then or st.listed_leader):
        missing.append(_("问题发生期间不是领导班子成员（%(held)s）") % {"held": held})
    if not subject.participation_record.strip():
        missing.append(_("没有参与决策或工作的记录"))
    if not missing:
        return None
    return flagged(_("重要领导责任须是参与决策或工作的班子成员，并有参与的记录（规则16）：%(name)s%(missing)s。")
                   % {"name": name, "missing": "，".join(missing)},
                   participation_record=bool(subject.participation_record.strip()), **data)


def _link_check(facts: ResponsibilityFacts, subject: CaseSubject, st: Standing) -> Check | None:
    if st.in_period or st.listed:
        return None
    period = facts.period
    data = {"outside": subject.is_outside, "period": [d.isoformat() for d in period] if period else None,
            "tenures": [_tenure_data(t, period) for t in st.tenures]}
    if subject.is_outside or subject.person_id is None:
        message = _("%(name)s不在组织信息中（组织外人员），问题发生期间（%(period)s）该单位的任职记录和整改责任清单中"
                    "都没有此人。请核实其身份和时任职责，或不将其列为问责对象。")
    elif period is None:
        message = _("本案未记录问题发生期间，无法核对%(name)s的任职；%(name)s也不在整改责任清单上。请补填发生期间。")
    elif st.tenures:
        message = _("%(name)s在该单位的任职（%(held)s）与问题发生期间（%(period)s）没有重合，也不在整改责任清单上："
                    "问责应以其时任职务和职责为据。")
    else:
        message = _("%(name)s在问题发生期间（%(period)s）没有在该单位任职的记录，也不在整改责任清单上：问责应以其时任"
                    "职务和职责为据。")
    held = "；".join(_tenure_text(t) for t in st.tenures)
    return Check(NO_TENURE_LINK, message % {"name": subject.name, "held": held,
                                            "period": span_label(*period) if period else ""},
                 subject.pk, subject.name, data)


def _problem_subjects(case: AccountabilityCase, subjects: list[CaseSubject]) -> list[tuple[int, str, str]]:
    """(case id, kind, type) of every subject named for the case's problem, in any of its cases."""
    if case.problem_id is None:
        return [(case.pk, s.kind, s.responsibility_type) for s in subjects]
    rows = list(CaseSubject.objects.filter(case__problem_id=case.problem_id).exclude(case_id=case.pk)
                .values_list("case_id", "kind", "responsibility_type"))
    return rows + [(case.pk, s.kind, s.responsibility_type) for s in subjects]


def subject_checks(case: AccountabilityCase, subjects: list[CaseSubject], facts: ResponsibilityFacts) -> list[Check]:
    """定责不准 for each subject, 问责泛化 for the case (one query for the problem's other cases)."""
    found: list[Check] = []
    standings: dict[int, Standing] = {}
    for s in subjects:
        if s.kind == SubjectKind.PERSON:
            st = standings[s.pk] = standing(facts, s)
            link = _link_check(facts, s, st)
            if link:
                found.append(link)
        type_check = _type_check(facts, s, s.responsibility_type, standings.get(s.pk))
        if type_check:
            found.append(type_check)
    named = _problem_subjects(case, subjects)
    limit, same_limit = settings.RECTIFY_ACCOUNTABILITY_MAX_SUBJECTS, settings.RECTIFY_ACCOUNTABILITY_MAX_SAME_TYPE
    by_type = Counter(t for _c, _k, t in named)
    crowded = {t: n for t, n in by_type.items() if n > same_limit}
    if len(named) > limit or crowded:
        parts = []
        if len(named) > limit:
            parts.append(_("共 %(n)s 个问责对象，超过 %(limit)s 个") % {"n": len(named), "limit": limit})
        for t, n in sorted(crowded.items()):
            parts.append(_("%(n)s 个认定为%(type)s，超过 %(limit)s 个") % {"n": n, "type": _type_name(t),
                                                                   "limit": same_limit})
        found.append(Check(OVER_BROAD, _("同一问题%(parts)s：问责对象过多且责任未加区分，可能问责泛化。请逐一核实每个对象的"
                                         "职责和责任类型，只问责负有领导责任的人员。") % {"parts": "；".join(parts)},
                           data={"subjects": len(named), "by_type": dict(by_type), "limit": limit,
                                 "same_type_limit": same_limit,
                                 "cases": len({c for c, _k, _t in named})}))
    persons = [s for s in subjects if s.kind == SubjectKind.PERSON]
    leaders_then = [leader for leader in facts.leaders if leader.role == PRINCIPAL] or facts.leaders
    if persons and leaders_then and not any(s.kind == SubjectKind.ORGANISATION for s in subjects) \
            and all(standings[s.pk].is_staff for s in persons):
        names = "、".join(f"{leader.name}（{leader.post}）" for leader in leaders_then)
        found.append(Check(PUSHED_DOWN, _("只对下级人员问责：%(named)s在问题发生期间都不是领导班子成员，而时任领导%(leaders)s"
                                          "的任职覆盖问题发生期间却未被问责。责任不能层层下压，请先评估领导班子及其成员的"
                                          "责任。") % {"named": "、".join(s.name for s in persons), "leaders": names},
                           data={"leaders": [{"name": leader.name, "post": leader.post, "role": leader.role,
                                              "overlap_days": leader.overlap_days} for leader in leaders_then]}))
    return found


# --- a decision: draft or saved --------------------------------------------------------------------------

@dataclass
class DraftFactor:
    factor: Factor | None = None
    fault_tolerance: FaultTolerance | None = None
    claim: str = ""
    evidence: str = ""

    @property
    def requires_evidence(self) -> bool:
        item = self.factor or self.fault_tolerance
        return bool(item and item.requires_evidence)

    @property
    def name(self) -> str:
        item = self.factor or self.fault_tolerance
        return item.name if item else self.claim

    @property
    def kind(self) -> str | None:
        if self.factor is not None:
            return self.factor.kind
        return FactorKind.EXEMPTION  # fault tolerance (容错) exempts


@dataclass
class DraftDecision:
    subject: CaseSubject
    outcome: str
    responsibility_type: str
    circumstance: Circumstance | None
    forms: list[AccountabilityForm]
    factors: list[DraftFactor]

    @property
    def severity(self) -> int:
        return max((f.severity for f in self.forms), default=0) if self.outcome == Outcome.ACCOUNTABLE else 0

    @classmethod
    def of(cls, decision: Decision, *, subject: CaseSubject | None = None) -> DraftDecision:
        return cls(subject=subject or decision.subject, outcome=decision.outcome,
                   responsibility_type=decision.responsibility_type, circumstance=decision.circumstance,
                   forms=list(decision.forms.all()),
                   factors=[DraftFactor(factor=f.factor, fault_tolerance=f.fault_tolerance, claim=f.claim,
                                        evidence=f.evidence) for f in decision.factors.all()])


@dataclass
class Similar:
    """A precedent beside the decision: a decided case of this app or a typical case of the library."""

    source: str
    title: str
    url: str
    forms: list[str]  # form names
    severity: int
    summary: str = ""


def _severities() -> dict[str, tuple[str, int]]:
    return {code: (name, severity) for code, name, severity in
            AccountabilityForm.objects.values_list("code", "name", "severity")}


def similar_decisions(*, circumstance: Circumstance, responsibility_type: str, subject_kind: str,
                      exclude_case_id: int | None, limit: int = 20) -> list[Similar]:
    """Decided cases with the same circumstance and responsibility type — this app's current decisions that
    held someone accountable, newest first, then what the typical-case library offers (``hooks``)."""
    severities = _severities()
    decisions = (Decision.objects.filter(status=DecisionStatus.CURRENT, outcome=Outcome.ACCOUNTABLE,
                                         circumstance=circumstance, responsibility_type=responsibility_type,
                                         subject__kind=subject_kind)
                 .exclude(case_id=exclude_case_id).select_related("case", "subject").prefetch_related("forms")
                 .order_by("-decided_on", "-id")[:limit])
    found = [Similar(source="case", title=f"{d.case.number} {d.subject.name}",
                     url=reverse("accountability:case_detail", args=[d.case_id]),
                     forms=[f.name for f in d.forms.all()], severity=d.severity, summary=d.case.title)
             for d in decisions]
    for p in hooks.precedents(circumstances=[circumstance.code], responsibility_types=[responsibility_type],
                              limit=limit):
        if p.circumstances and circumstance.code not in p.circumstances:
            continue
        if p.responsibility_types and responsibility_type not in p.responsibility_types:
            continue
        known = [severities[code] for code in p.forms if code in severities]
        found.append(Similar(source=p.source, title=p.title, url=p.url, forms=[name for name, _s in known],
                             severity=max((s for _n, s in known), default=0), summary=p.summary))
    return found


def _median(similar: list[Similar]) -> float | None:
    values = [s.severity for s in similar if s.severity > 0]
    return statistics.median(values) if values else None


def decision_checks(case: AccountabilityCase, draft: DraftDecision, facts: ResponsibilityFacts, *,
                    similar: list[Similar] | None = None) -> list[Check]:
    """The checks a decision adds to its subject's: its type against the seat (when it differs from the
    subject's), consistency with similar cases, and its factors."""
    subject = draft.subject
    found: list[Check] = []
    if draft.responsibility_type != subject.responsibility_type:
        st = standing(facts, subject) if subject.kind == SubjectKind.PERSON else None
        type_check = _type_check(facts, subject, draft.responsibility_type, st)
        if type_check:
            found.append(type_check)
    severity = draft.severity
    if similar is None and draft.circumstance is not None and draft.outcome == Outcome.ACCOUNTABLE:
        similar = similar_decisions(circumstance=draft.circumstance, responsibility_type=draft.responsibility_type,
                                    subject_kind=subject.kind, exclude_case_id=case.pk)
    similar = similar or []
    median = _median(similar)
    gap = settings.RECTIFY_ACCOUNTABILITY_SEVERITY_GAP
    forms = "、".join(f.name for f in draft.forms) or _("无")
    side_by_side = [{"source": s.source, "title": s.title, "url": s.url, "forms": s.forms, "severity": s.severity}
                    for s in similar]
    if draft.outcome == Outcome.ACCOUNTABLE and severity and median is not None and abs(severity - median) >= gap:
        lighter = severity < median
        found.append(Check(INCONSISTENT, (_("拟给予的问责方式（%(forms)s）明显轻于同一情形、同一责任类型的已决案件（%(n)s 件，"
                                            "一般为%(usual)s），可能问责不严。") if lighter else
                                          _("拟给予的问责方式（%(forms)s）明显重于同一情形、同一责任类型的已决案件（%(n)s 件，"
                                            "一般为%(usual)s），可能过度问责。"))
                           % {"forms": forms, "n": len(similar), "usual": _usual(similar, median)},
                           subject.pk, subject.name,
                           {"severity": severity, "median": median, "gap": gap, "lighter": lighter,
                            "similar": side_by_side}))
    exempting = [f for f in draft.factors if f.kind in (FactorKind.EXEMPTION, FactorKind.NO_ACCOUNTABILITY)]
    mitigating = [f for f in draft.factors if f.kind == FactorKind.MITIGATING]
    if draft.outcome == Outcome.ACCOUNTABLE and draft.forms and exempting:
        found.append(Check(MITIGATION_IGNORED, _("已认定%(factors)s，却仍给予%(forms)s：认定免予或不予问责情形的，应当免予或"
                                                 "不予问责；确需问责的，请说明为何不适用。")
                           % {"factors": "、".join(f"“{f.name}”" for f in exempting), "forms": forms},
                           subject.pk, subject.name, {"factors": [f.name for f in exempting], "forms": forms}))
    reference, basis = _reference(subject, median)
    if draft.outcome == Outcome.ACCOUNTABLE and mitigating and reference is not None and severity >= reference:
        found.append(Check(MITIGATION_IGNORED, _("已认定从轻或减轻情形（%(factors)s），但拟给予的问责方式（%(forms)s）并不轻于"
                                                 "%(basis)s：从轻减轻情形没有体现在处理上。")
                           % {"factors": "、".join(f.name for f in mitigating), "forms": forms, "basis": basis},
                           subject.pk, subject.name, {"factors": [f.name for f in mitigating], "severity": severity,
                                                      "reference": reference}))
    for f in draft.factors:
        if f.factor is None and f.fault_tolerance is None:
            found.append(Check(EXEMPTION_WITHOUT_EVIDENCE, _("主张容错的理由“%(claim)s”不属于“三个区分开来”的任何一种"
                                                             "（先行先试的失误、探索性试验的失误、推动发展的无意过失）："
                                                             "只有这三种情形可以容错。") % {"claim": f.claim},
                               subject.pk, subject.name, {"claim": f.claim}))
        elif f.requires_evidence and not f.evidence.strip():
            item = f.factor or f.fault_tolerance
            assert item is not None
            found.append(Check(EXEMPTION_WITHOUT_EVIDENCE, _("认定“%(name)s”须有证据：%(evidence)s。目前没有记录证据。")
                               % {"name": item.name, "evidence": item.evidence}, subject.pk, subject.name,
                               {"factor": item.code, "evidence_required": item.evidence}))
    return found


def _usual(similar: list[Similar], median: float) -> str:
    closest = min((s for s in similar if s.severity > 0), key=lambda s: abs(s.severity - median))
    return "、".join(closest.forms) or "—"


def _reference(subject: CaseSubject, median: float | None) -> tuple[float | None, str]:
    """What a mitigated decision must be lighter than: the investigation's proposed form, else similar cases."""
    if subject.proposed_form is not None and subject.proposed_form.severity:
        return float(subject.proposed_form.severity), _("调查组建议的“%(form)s”") % {"form": subject.proposed_form.name}
    if median is not None:
        return median, _("同类已决案件的一般处理")
    return None, ""


def for_subject(checks: list[Check], subject: CaseSubject) -> list[Check]:
    """The checks a subject's decision answers: its own and the case's (subject-less) ones."""
    return [c for c in checks if c.subject_id in (None, subject.pk)]


def checks_for_decision(case: AccountabilityCase, subjects: list[CaseSubject], facts: ResponsibilityFacts,
                        draft: DraftDecision, *, similar: list[Similar] | None = None) -> list[Check]:
    """Everything a decision on ``draft.subject`` must answer: the subject's and the case's checks (with the
    draft's responsibility type instead of the subject's, when it changes it) and the decision's own."""
    base = for_subject(subject_checks(case, subjects, facts), draft.subject)
    if draft.responsibility_type != draft.subject.responsibility_type:
        base = [c for c in base if not (c.code == TYPE_NOT_SUPPORTED and c.subject_id == draft.subject.pk)]
    return base + decision_checks(case, draft, facts, similar=similar)


def case_checks(case: AccountabilityCase, subjects: list[CaseSubject], facts: ResponsibilityFacts) -> list[Check]:
    """The case's checks as they stand: every subject's, and every current decision's."""
    found = subject_checks(case, subjects, facts)
    for subject in subjects:
        decision = next((d for d in subject.decisions.all() if d.status == DecisionStatus.CURRENT), None)
        if decision is not None:
            found += decision_checks(case, DraftDecision.of(decision, subject=subject), facts)
    return found
