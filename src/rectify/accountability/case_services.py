"""Writes to accountability files: every step of a case, each one transaction, one audit event, one line on
the file's timeline (``CaseEvent``).

The procedure (问责条例 arts. 9–23; DOMAIN rules 14–23):

1. ``case_open`` (proposed) from a problem, a task, a supervision order, an interview, a red flag or by hand;
   ``subject_add`` / ``subject_update`` / ``subject_remove`` with the responsibility assistant's suggestion.
2. ``case_start`` (started): the approval of the commission's head — or of the same-level committee's
   principal for an organisation it leads directly, or that organisation's principal (rule 14).
3. ``investigation_begin`` (investigating) with a group from the specialist pool; ``statement_record`` per
   subject (rule 19); ``member_assess`` (rule 15); ``investigation_finish`` (reviewing).
4. ``opinion_record`` per joint-review member; ``review_finish`` (discussing); ``discussion_record`` (deciding).
5. ``decision_record`` per subject (decided once every subject has one), ``decision_deliver``.
6. ``appeal_record`` within a calendar month of delivery (rule 21), ``appeal_answer`` or ``decision_correct``
   for one of the six reasons (rule 23), ``case_close``.

State changes are conditional UPDATEs on (id, state, version): a stale page or a step taken twice is a
Conflict. Calendar months are counted as the Civil Code counts them (``add_months``, DECISIONS 27): the day of
the act is not counted and the period ends on the corresponding day of the final month (its last day when there
is none), that day included — delivered 2026-01-31, an appeal is accepted until 2026-02-28.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from rectify.accountability import case_selectors as cs
from rectify.accountability import checks as ck
from rectify.accountability.case_models import (
    AccountabilityCase,
    Appeal,
    AppealResult,
    ApproverCapacity,
    CaseEvent,
    CaseState,
    CaseSubject,
    CorrectionReason,
    Decision,
    DecisionFactor,
    DecisionStatus,
    Execution,
    MemberAssessment,
    Outcome,
    ReviewOpinion,
    Signature,
    SourceKind,
    Statement,
    SubjectKind,
)
from rectify.accountability.models import (
    AccountabilityForm,
    Circumstance,
    Factor,
    FactorKind,
    FaultTolerance,
    ResponsibilityTypeCode,
    direct_responsibility_message,
    impact_period,
    is_direct_responsibility,
)
from rectify.accountability.pool_models import Assignment, AssignmentKind
from rectify.audit.services import audit_record
from rectify.core import clock
from rectify.core.dates import check_plausible_date
from rectify.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from rectify.inspections.models import Problem, add_months
from rectify.orgs.models import OrgUnit, Person, Tenure
from rectify.orgs.selectors import overlap_days
from rectify.rectification.models import Task
from rectify.rectification.selectors import problem_occurrence_period

if TYPE_CHECKING:
    from rectify.accounts.models import User

BEFORE_REVIEW = (CaseState.PROPOSED, CaseState.STARTED, CaseState.INVESTIGATING)


# --- small helpers -------------------------------------------------------------------------------------

def _require_handler(actor: User) -> None:
    if not actor.sees_accountability:
        raise NotFound(_("您访问的页面不存在，或您无权查看。"))
    if not actor.can_handle_accountability:
        raise PermissionDenied(_("只有纪委监委监督检查室可以办理问责案件。"))


def _day(value: dt.date | None) -> str:
    return formats.date_format(value, "Y.m.d") if value else "—"


def _text(value: str | None, *, field: str, label: str, required: bool = True, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("请填写%(label)s。") % {"label": label}, code="required", details={"field": field})
    if max_length and len(value) > max_length:
        raise DomainError(_("%(label)s不能超过 %(max)s 个字。") % {"label": label, "max": max_length},
                          code="too_long", details={"field": field})
    return value


def _date(value: dt.date | None, *, field: str, label: str, not_before: dt.date | None = None,
          not_before_label: str = "") -> dt.date:
    if value is None:
        raise DomainError(_("请填写%(label)s。") % {"label": label}, code="required", details={"field": field})
    check_plausible_date(value, field=field, label=label)
    if value > clock.today():
        raise DomainError(_("%(label)s不能晚于今天。") % {"label": label}, code="future_date", details={"field": field})
    if not_before is not None and value < not_before:
        raise DomainError(_("%(label)s（%(day)s）不能早于%(other)s（%(other_day)s）。")
                          % {"label": label, "day": _day(value), "other": not_before_label,
                             "other_day": _day(not_before)}, code="date_order", details={"field": field})
    return value


def _stale() -> Conflict:
    return Conflict(_("该案件已被他人更新，或已进入下一阶段。请刷新页面，核对后重新操作。"), code="stale_version")


def _state_error(case: AccountabilityCase, allowed: Iterable[str], what: str) -> Conflict:
    names = "、".join(str(CaseState(s).label) for s in allowed)
    return Conflict(_("案件目前处于“%(state)s”阶段，不能%(what)s（仅在%(allowed)s阶段可以）。")
                    % {"state": case.get_state_display(), "what": what, "allowed": names}, code="wrong_state",
                    details={"state": case.state})


def _in_state(case: AccountabilityCase, allowed: Iterable[str], what: str) -> None:
    allowed = tuple(allowed)
    if case.state not in allowed:
        raise _state_error(case, allowed, what)


def _touch(case: AccountabilityCase, *, expected_version: int | None = None, from_states: Iterable[str] | None = None,
           to_state: str | None = None, **fields: Any) -> None:
    """Write ``fields`` (and move to ``to_state``) with a conditional UPDATE on the state and version."""
    version = case.version if expected_version is None else expected_version
    states = tuple(from_states) if from_states is not None else (case.state,)
    values = {**fields, **({"state": to_state} if to_state else {})}
    updated = AccountabilityCase.objects.filter(pk=case.pk, state__in=states, version=version).update(
        **values, version=models.F("version") + 1, updated_at=clock.now())
    if updated != 1:
        raise _stale()
    for name, value in values.items():
        setattr(case, name, value)
    case.version = version + 1


def _event(case: AccountabilityCase, event_kind: str, /, *, actor: User, on: dt.date | None = None,
           subject: CaseSubject | None = None, **params: Any) -> CaseEvent:
    return CaseEvent.objects.create(case=case, subject=subject, kind=event_kind, on=on or clock.today(), at=clock.now(),
                                    actor=actor, params={k: _plain(v) for k, v in params.items()})


def _plain(value: Any) -> Any:
    if isinstance(value, Promise):  # a lazy translation: the page translates again when it shows the line
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _refuse_direct(responsibility_type: str) -> None:
    """Rule 17: 直接责任 belongs to the disciplinary regulations — refused outright, with the way to go."""
    if is_direct_responsibility(code=responsibility_type, name=responsibility_type):
        raise DomainError(
            direct_responsibility_message(), code="direct_responsibility",
            details={"field": "responsibility_type",
                     "disciplinary_record": _("直接违纪的行为按《中国共产党纪律处分条例》另行立案审查，作出纪律处分；"
                                              "问责决定中的“纪律处分”方式须填写该纪律处分的决定文号或案件编号。")},
        ).with_status(422)
    if responsibility_type not in ResponsibilityTypeCode.values:
        raise DomainError(_("请选择责任类型：全面领导责任（overall）、主要领导责任（principal）或重要领导责任（important）。"),
                          code="invalid_responsibility_type", details={"field": "responsibility_type"}).with_status(422)


# --- 1. opening a case, its subjects ---------------------------------------------------------------------

def _next_number(year: int) -> str:
    prefix = f"WZ-{year}-"
    taken = AccountabilityCase.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{taken + 1:03d}"


@transaction.atomic
def case_open(*, actor: User, title: str, source_kind: str, problem: Problem | None = None, task: Task | None = None,
              source_reference: str = "", unit: OrgUnit | None = None, period_start: dt.date | None = None,
              period_end: dt.date | None = None, circumstance: Circumstance | None = None,
              summary: str = "") -> AccountabilityCase:
    """Open a case (proposed). A problem or task gives the unit, the inspected unit and the occurrence period
    (an open-ended problem runs until its feedback); other sources name their document and the unit."""
    _require_handler(actor)
    title = _text(title, field="title", label=_("案件名称"), max_length=200)
    if source_kind not in SourceKind.values:
        raise DomainError(_("请选择案件来源。"), code="invalid_source", details={"field": "source_kind"})
    if task is not None:
        problem = task.problem
    if source_kind == SourceKind.PROBLEM and problem is None:
        raise DomainError(_("请选择问责所针对的问题。"), code="required", details={"field": "problem"})
    if source_kind == SourceKind.TASK and task is None:
        raise DomainError(_("请选择问责所针对的整改任务。"), code="required", details={"field": "task"})
    source_reference = _text(source_reference, field="source_reference", label=_("来源文书"), required=False,
                             max_length=200)
    if source_kind in (SourceKind.SUPERVISION_ORDER, SourceKind.INTERVIEW, SourceKind.RED_FLAG) \
            and not source_reference:
        raise DomainError(_("请填写来源文书的编号（如督办单编号、约谈记录或预警编号）。"), code="required",
                          details={"field": "source_reference"})
    inspected_unit = None
    if problem is not None:
        inspected_unit = problem.inspected_unit
        unit = inspected_unit.unit
        if period_start is None and period_end is None:
            period_start, period_end = problem_occurrence_period(problem) or (None, None)
    elif unit is None:
        raise DomainError(_("请选择问责事项涉及的单位。"), code="required", details={"field": "unit"})
    for value, field, label in ((period_start, "period_start", _("问题发生起始")),
                                (period_end, "period_end", _("问题发生截止"))):
        check_plausible_date(value, field=field, label=label)
    if period_start and period_end and period_end < period_start:
        raise DomainError(_("问题发生截止日期不能早于起始日期。"), code="date_order", details={"field": "period_end"})
    if circumstance is not None and not circumstance.is_active:
        raise DomainError(_("该问责情形已停用，请另选。"), code="inactive", details={"field": "circumstance"})
    today = clock.today()
    for _attempt in range(3):
        try:
            with transaction.atomic():
                case = AccountabilityCase.objects.create(
                    number=_next_number(today.year), title=title, source_kind=source_kind, problem=problem, task=task,
                    source_reference=source_reference, unit=unit, inspected_unit=inspected_unit,
                    period_start=period_start, period_end=period_end, circumstance=circumstance,
                    summary=(summary or "").strip(), opened_by=actor, opened_on=today)
            break
        except IntegrityError:  # two cases opened at once took the same number: take the next
            continue
    else:
        raise Conflict(_("案件编号分配冲突，请重试。"), code="number_taken")
    _event(case, "opened", actor=actor, on=today, source=source_kind,
           reference=source_reference or (f"{problem.inspected_unit.unit.name} {problem.number}" if problem else ""))
    audit_record(actor=actor, action="accountability_case.opened", obj=case,
                 after={"number": case.number, "title": title, "source_kind": source_kind,
                        "problem": problem.pk if problem else None, "task": task.pk if task else None,
                        "unit": unit.code if unit else None, "period": [period_start, period_end]})
    return case


@transaction.atomic
def case_update(*, actor: User, case: AccountabilityCase, expected_version: int | None, title: str,
                circumstance: Circumstance | None, summary: str) -> AccountabilityCase:
    """Correct the case's name, circumstance and summary before decisions are made."""
    _require_handler(actor)
    _in_state(case, (*BEFORE_REVIEW, CaseState.REVIEWING, CaseState.DISCUSSING), _("修改案件信息"))
    title = _text(title, field="title", label=_("案件名称"), max_length=200)
    if circumstance is not None and not circumstance.is_active and circumstance.pk != case.circumstance_id:
        raise DomainError(_("该问责情形已停用，请另选。"), code="inactive", details={"field": "circumstance"})
    values = {"title": title, "circumstance_id": circumstance.pk if circumstance else None,
              "summary": (summary or "").strip()}
    before = {k: getattr(case, k) for k in values if getattr(case, k) != values[k]}
    if not before:
        return case
    _touch(case, expected_version=expected_version, **{k: values[k] for k in before})
    audit_record(actor=actor, action="accountability_case.updated", obj=case, before=before,
                 after={k: values[k] for k in before})
    return case


def _best_tenure(case: AccountabilityCase, person: Person) -> Tenure | None:
    """The person's tenure in the unit the case is judged by: one overlapping the period (the longest
    overlap), else the latest one."""
    tenures = list(Tenure.objects.filter(person=person, post__unit__path__startswith=case.unit.path)
                   .select_related("post", "post__unit").order_by("-start", "-id"))
    period = case.period
    if period:
        best = max(tenures, default=None, key=lambda t: overlap_days(tenure_start=t.start, tenure_end=t.end,
                                                                      start=period[0], end=period[1]))
        if best is not None and overlap_days(tenure_start=best.start, tenure_end=best.end, start=period[0],
                                             end=period[1]) > 0:
            return best
    return tenures[0] if tenures else None


@transaction.atomic
def subject_add(*, actor: User, case: AccountabilityCase, name: str, responsibility_type: str,
                kind: str = SubjectKind.PERSON, person: Person | None = None, tenure: Tenure | None = None,
                unit: OrgUnit | None = None, type_reason: str = "", participation_record: str = "") -> CaseSubject:
    """Name a person or an organisation in the case, with a responsibility type of the regulations.

    1. 直接责任 is refused outright (rule 17), with the pointer to a disciplinary record; subjects are named
       until the investigation ends.
    2. A person is matched to the org data: the tenure or person given, else the assistant's candidate of that
       name, else the one person of that name in the unit; nobody — an outside person (the checks flag it).
       An organisation is the case's unit when it names it, else a unit of that exact name.
    3. The assistant's suggestion is kept beside the chosen type (the decision page shows accepted/overridden).
    4. After the start, naming the organisation or its principal where the same-level committee leads the unit
       needs that committee principal's approval on record (rule 14).
    """
    _require_handler(actor)
    _refuse_direct(responsibility_type)
    if kind not in SubjectKind.values:
        raise DomainError(_("问责对象只能是党组织或党员领导干部。"), code="invalid_kind", details={"field": "kind"})
    _in_state(case, BEFORE_REVIEW, _("增加问责对象"))
    name = _text(name, field="name", label=_("名称"), required=not (kind == SubjectKind.ORGANISATION and unit),
                 max_length=100)
    facts = cs.responsibility_facts(case)
    cands = cs.candidates(case, facts=facts, subjects=[])
    outside = False
    if kind == SubjectKind.PERSON:
        if tenure is not None:
            person = tenure.person
        if person is None:
            cand = cs.candidate_for(cands, kind=kind, name=name, person_id=None)
            if cand is not None and cand.person_id:
                person = Person.objects.get(pk=cand.person_id)
                if cand.tenure_id:
                    tenure = Tenure.objects.select_related("post", "post__unit").get(pk=cand.tenure_id)
        if person is None:
            person = cs.person_in_unit(unit=case.unit, name=name)
        outside = person is None
        if person is not None:
            name = person.name
            tenure = tenure or _best_tenure(case, person)
        unit = tenure.post.unit if tenure else (person.unit if person else None)
        post_title = tenure.seat_title if tenure else (person.title if person else "")
    else:
        if unit is None:
            unit = case.unit if name in (case.unit.name, case.unit.short_name) else \
                OrgUnit.objects.filter(name=name).order_by("path").first()
        name = unit.name if unit is not None else name
        post_title = ""
    cand = cs.candidate_for(cands, kind=kind, name=name, person_id=person.pk if person else None)
    if CaseSubject.objects.filter(case=case, kind=kind, name=name).exists():
        raise Conflict(_("“%(name)s”已是本案的问责对象。") % {"name": name}, code="duplicate_subject",
                       details={"field": "name"})
    subject = CaseSubject(
        case=case, kind=kind, name=name, person=person if kind == SubjectKind.PERSON else None, tenure=tenure,
        unit=unit, post_title=post_title, is_outside=outside, responsibility_type=responsibility_type,
        suggested_type=cand.suggested_type if cand else "", suggestion_reason=cand.reason if cand else "",
        type_reason=(type_reason or "").strip(), participation_record=(participation_record or "").strip(),
        added_by=actor)
    if case.state != CaseState.PROPOSED and case.approver_capacity != ApproverCapacity.COMMITTEE_PRINCIPAL \
            and cs.needs_committee_approval(case, [subject]):
        raise DomainError(
            _("%(unit)s由同级党委直接领导：对该党组织或其主要负责人问责，须经同级党委主要负责人批准。本案立案时记录的是%(capacity)s"
              "的批准，请先补录同级党委主要负责人的批准，再增加“%(name)s”。")
            % {"unit": case.unit.name, "capacity": case.get_approver_capacity_display(), "name": name},
            code="committee_approval_required", details={"field": "name"})
    subject.save()
    _touch(case)
    _event(case, "subject_added", actor=actor, subject=subject, name=name, kind=kind,
           type=responsibility_type, outside=outside, suggested=subject.suggested_type)
    audit_record(actor=actor, action="accountability_subject.added", obj=subject,
                 after={"case": case.number, "kind": kind, "name": name, "person": person.pk if person else None,
                        "tenure": tenure.pk if tenure else None, "responsibility_type": responsibility_type,
                        "suggested_type": subject.suggested_type, "outside": outside})
    return subject


SUBJECT_FIELDS = ("responsibility_type", "type_reason", "participation_record", "execution", "finding",
                  "proposed_form")


@transaction.atomic
def subject_update(*, actor: User, subject: CaseSubject, expected_version: int | None, **values: Any) -> CaseSubject:
    """Change what the investigation establishes of a subject: type (never 直接责任), the reason for it, the
    record of taking part, the kind of execution found, the finding and the proposed form. Until a decision is
    made; after it, only a correction changes anything."""
    _require_handler(actor)
    unknown = set(values) - set(SUBJECT_FIELDS)
    if unknown:
        raise TypeError(f"CaseSubject has no editable fields {sorted(unknown)}")
    case = subject.case
    _in_state(case, (*BEFORE_REVIEW, CaseState.REVIEWING, CaseState.DISCUSSING, CaseState.DECIDING),
              _("修改问责对象"))
    if Decision.objects.filter(subject=subject, status=DecisionStatus.CURRENT).exists():
        raise Conflict(_("已对“%(name)s”作出决定；如需改变，请按纠正程序办理。") % {"name": subject.name},
                       code="decided")
    if "responsibility_type" in values:
        _refuse_direct(values["responsibility_type"])
    if values.get("execution") and values["execution"] not in Execution.values:
        raise DomainError(_("请选择执行情况：执行不当、执行不力或不执行。"), code="invalid", details={"field": "execution"})
    form = values.get("proposed_form")
    if isinstance(form, AccountabilityForm) and form.applies_to != subject.kind:
        raise DomainError(_("“%(form)s”不适用于%(kind)s。") % {"form": form.name, "kind": subject.get_kind_display()},
                          code="form_not_applicable", details={"field": "proposed_form"})
    for key in ("type_reason", "participation_record", "finding"):
        if key in values:
            values[key] = (values[key] or "").strip()
    current = {k: getattr(subject, k) for k in values}
    before = {k: v for k, v in current.items() if v != values[k]}
    if not before:
        return subject
    version = subject.version if expected_version is None else expected_version
    after = {k: values[k] for k in before}
    updated = CaseSubject.objects.filter(pk=subject.pk, version=version).update(
        **after, version=models.F("version") + 1, updated_at=clock.now())
    if updated != 1:
        raise Conflict(_("该问责对象已被他人修改。请刷新页面，核对后重新填写。"), code="stale_version")
    for k, v in after.items():
        setattr(subject, k, v)
    subject.version = version + 1
    _touch(case)
    _event(case, "subject_updated", actor=actor, subject=subject, name=subject.name,
           fields=sorted(str(CaseSubject._meta.get_field(k).verbose_name) for k in after))
    audit_record(actor=actor, action="accountability_subject.updated", obj=subject, before=before, after=after)
    return subject


@transaction.atomic
def subject_remove(*, actor: User, subject: CaseSubject, reason: str) -> None:
    """Take a subject out before the investigation: someone wrongly named (the file keeps the line)."""
    _require_handler(actor)
    case = subject.case
    _in_state(case, (CaseState.PROPOSED, CaseState.STARTED), _("移除问责对象"))
    reason = _text(reason, field="reason", label=_("移除理由"))
    if subject.statements.exists() or subject.decisions.exists():
        raise Conflict(_("“%(name)s”已有陈述或决定记录，不能移除。") % {"name": subject.name}, code="has_records")
    name, pk = subject.name, subject.pk
    subject.member_assessments.all().delete()
    subject.delete()
    _touch(case)
    _event(case, "subject_removed", actor=actor, name=name, reason=reason)
    audit_record(actor=actor, action="accountability_subject.removed", object_type="accountability.casesubject",
                 object_id=pk, before={"case": case.number, "name": name}, after={"reason": reason})


@transaction.atomic
def member_assess(*, actor: User, subject: CaseSubject, name: str, reason: str, person: Person | None = None,
                  post_title: str = "") -> MemberAssessment:
    """Rule 15: a responsible member of an organisation held accountable is not pursued — record why."""
    _require_handler(actor)
    if subject.kind != SubjectKind.ORGANISATION:
        raise DomainError(_("班子成员责任评估只针对被问责的党组织。"), code="not_organisation")
    case = subject.case
    _in_state(case, (*BEFORE_REVIEW, CaseState.REVIEWING, CaseState.DISCUSSING, CaseState.DECIDING),
              _("记录班子成员责任评估"))
    name = _text(name, field="name", label=_("班子成员"), max_length=100)
    reason = _text(reason, field="reason", label=_("不予追究的理由"))
    if MemberAssessment.objects.filter(subject=subject, name=name).exists():
        raise Conflict(_("已记录对%(name)s的评估。") % {"name": name}, code="duplicate")
    row = MemberAssessment.objects.create(subject=subject, name=name, person=person, post_title=post_title,
                                          reason=reason, recorded_by=actor, recorded_at=clock.now())
    _touch(case)
    _event(case, "member_assessed", actor=actor, subject=subject, member=name, reason=reason)
    audit_record(actor=actor, action="accountability_member.assessed", obj=row,
                 after={"case": case.number, "organisation": subject.name, "member": name, "reason": reason})
    return row


# --- 2. the start (rule 14) ------------------------------------------------------------------------------

@transaction.atomic
def case_start(*, actor: User, case: AccountabilityCase, expected_version: int | None, approver_name: str,
               approver_capacity: str, approved_on: dt.date, approval_document: str) -> AccountabilityCase:
    """Record the approval that starts the case (proposed → started), or — later — the same-level committee
    principal's approval that a newly named organisation or principal needs (rule 14).

    The commission's head approves; where the same-level committee leads the unit directly and the case holds
    that organisation or its principal accountable, the committee's principal does.
    """
    _require_handler(actor)
    _in_state(case, BEFORE_REVIEW, _("记录立案批准"))
    approver_name = _text(approver_name, field="approver_name", label=_("批准人"), max_length=50)
    if approver_capacity not in ApproverCapacity.values:
        raise DomainError(_("请选择批准人身份。"), code="required", details={"field": "approver_capacity"})
    approved_on = _date(approved_on, field="approved_on", label=_("批准日期"), not_before=case.opened_on,
                        not_before_label=_("案件提出日期"))
    approval_document = _text(approval_document, field="approval_document", label=_("批准文书"), max_length=200)
    subjects = cs.subjects_of(case)
    if not subjects:
        raise DomainError(_("立案前请先确定至少一个问责对象（可从定责助手的建议中选择）。"), code="no_subjects")
    needing = cs.needs_committee_approval(case, subjects)
    if needing and approver_capacity != ApproverCapacity.COMMITTEE_PRINCIPAL:
        raise DomainError(
            _("%(unit)s由同级党委直接领导，本案问责%(names)s：须经同级党委主要负责人批准（问责条例第九条）。"
              "请记录同级党委主要负责人的批准。") % {"unit": case.unit.name, "names": "、".join(s.name for s in needing)},
            code="approval_competence", details={"field": "approver_capacity", "subjects": [s.pk for s in needing]})
    fields = {"approver_name": approver_name, "approver_capacity": approver_capacity, "approved_on": approved_on,
              "approval_document": approval_document}
    before = {k: getattr(case, k) for k in fields}
    starting = case.state == CaseState.PROPOSED
    _touch(case, expected_version=expected_version, to_state=CaseState.STARTED if starting else None, **fields)
    _event(case, "started" if starting else "approval_recorded", actor=actor, on=approved_on,
           approver=approver_name, capacity=approver_capacity, document=approval_document)
    audit_record(actor=actor, action="accountability_case.started" if starting else "accountability_case.approved",
                 obj=case, before=before, after=fields)
    return case


# --- 3. investigation ----------------------------------------------------------------------------------

@transaction.atomic
def investigation_begin(*, actor: User, case: AccountabilityCase, expected_version: int | None,
                        started_on: dt.date) -> AccountabilityCase:
    """The investigation group from the specialist pool starts work (started → investigating)."""
    _require_handler(actor)
    _in_state(case, (CaseState.STARTED,), _("开始调查"))
    started_on = _date(started_on, field="started_on", label=_("调查开始日期"), not_before=case.approved_on,
                       not_before_label=_("立案批准日期"))
    group = list(case.assignments.filter(kind=AssignmentKind.INVESTIGATION, ended_on__isnull=True)
                 .select_related("specialist__person"))
    if not group:
        raise DomainError(_("请先从问责业务人才库抽调调查组成员，再开始调查。"), code="no_investigators")
    _touch(case, expected_version=expected_version, to_state=CaseState.INVESTIGATING,
           investigation_started_on=started_on)
    members = [a.specialist.person.name for a in group]
    _event(case, "investigation_started", actor=actor, on=started_on, members=members)
    audit_record(actor=actor, action="accountability_case.investigation_started", obj=case,
                 after={"started_on": started_on, "members": members})
    return case


@transaction.atomic
def statement_record(*, actor: User, subject: CaseSubject, facts_shown_on: dt.date, statement: str, defence: str,
                     signature: str, signed_on: dt.date) -> Statement:
    """Rule 19: the facts found were shown to the subject, who stated their case and defence and signed
    (agree / disagree / refused). A statement recorded again later (e.g. after more facts) adds a row."""
    _require_handler(actor)
    case = subject.case
    _in_state(case, (CaseState.INVESTIGATING,), _("记录陈述申辩"))
    facts_shown_on = _date(facts_shown_on, field="facts_shown_on", label=_("告知事实日期"),
                           not_before=case.investigation_started_on, not_before_label=_("调查开始日期"))
    statement = _text(statement, field="statement", label=_("本人陈述"))
    if signature not in Signature.values:
        raise DomainError(_("请选择签字意见：同意、不同意或拒绝签字。"), code="required", details={"field": "signature"})
    signed_on = _date(signed_on, field="signed_on", label=_("签字日期"), not_before=facts_shown_on,
                      not_before_label=_("告知事实日期"))
    row = Statement.objects.create(subject=subject, facts_shown_on=facts_shown_on, statement=statement,
                                   defence=(defence or "").strip(), signature=signature, signed_on=signed_on,
                                   recorded_by=actor, recorded_at=clock.now())
    _touch(case)
    _event(case, "statement_recorded", actor=actor, on=signed_on, subject=subject, name=subject.name,
           signature=signature, defence=bool(row.defence))
    audit_record(actor=actor, action="accountability_statement.recorded", obj=row,
                 after={"case": case.number, "subject": subject.name, "facts_shown_on": facts_shown_on,
                        "signature": signature, "signed_on": signed_on})
    return row


@transaction.atomic
def investigation_finish(*, actor: User, case: AccountabilityCase, expected_version: int | None, findings: str,
                         finished_on: dt.date) -> AccountabilityCase:
    """The investigation reports (investigating → reviewing): the facts found, and for every subject the kind
    of execution found and a signed statement (rule 19)."""
    _require_handler(actor)
    _in_state(case, (CaseState.INVESTIGATING,), _("结束调查"))
    findings = _text(findings, field="findings", label=_("调查认定的事实"))
    finished_on = _date(finished_on, field="finished_on", label=_("调查结束日期"),
                        not_before=case.investigation_started_on, not_before_label=_("调查开始日期"))
    subjects = cs.subjects_of(case)
    if not subjects:
        raise DomainError(_("本案还没有问责对象。"), code="no_subjects")
    no_execution = [s.name for s in subjects if not s.execution]
    if no_execution:
        raise DomainError(_("请先认定以下问责对象的执行情况（执行不当、执行不力或不执行）：%(names)s。")
                          % {"names": "、".join(no_execution)}, code="execution_missing",
                          details={"subjects": no_execution})
    no_statement = [s.name for s in subjects if cs.latest_statement(s) is None]
    if no_statement:
        raise DomainError(_("以下问责对象还没有告知事实、听取陈述申辩并签字（规则19）：%(names)s。")
                          % {"names": "、".join(no_statement)}, code="statements_missing",
                          details={"subjects": no_statement})
    _touch(case, expected_version=expected_version, to_state=CaseState.REVIEWING, investigation_findings=findings,
           investigation_finished_on=finished_on)
    _event(case, "investigation_finished", actor=actor, on=finished_on, subjects=len(subjects))
    audit_record(actor=actor, action="accountability_case.investigation_finished", obj=case,
                 after={"finished_on": finished_on, "findings": findings})
    return case


# --- 4. joint review and collective discussion -------------------------------------------------------------

@transaction.atomic
def opinion_record(*, actor: User, case: AccountabilityCase, assignment: Assignment, opinion: str,
                   given_on: dt.date) -> ReviewOpinion:
    """One joint-review member's opinion (every member assigned to the review gives one)."""
    _require_handler(actor)
    _in_state(case, (CaseState.REVIEWING,), _("记录会审意见"))
    if assignment.case_id != case.pk or assignment.kind != AssignmentKind.JOINT_REVIEW:
        raise DomainError(_("请选择本案会审的成员。"), code="not_a_reviewer", details={"field": "assignment"})
    opinion = _text(opinion, field="opinion", label=_("会审意见"))
    given_on = _date(given_on, field="given_on", label=_("提出日期"), not_before=case.investigation_finished_on,
                     not_before_label=_("调查结束日期"))
    if ReviewOpinion.objects.filter(case=case, assignment=assignment).exists():
        raise Conflict(_("已记录%(name)s的会审意见。") % {"name": assignment.specialist.person.name},
                       code="duplicate")
    row = ReviewOpinion.objects.create(case=case, assignment=assignment, opinion=opinion, given_on=given_on,
                                       recorded_by=actor, recorded_at=clock.now())
    _touch(case)
    name = assignment.specialist.person.name
    _event(case, "opinion_recorded", actor=actor, on=given_on, member=name)
    audit_record(actor=actor, action="accountability_opinion.recorded", obj=row,
                 after={"case": case.number, "member": name, "opinion": opinion, "given_on": given_on})
    return row


@transaction.atomic
def review_finish(*, actor: User, case: AccountabilityCase, expected_version: int | None,
                  finished_on: dt.date) -> AccountabilityCase:
    """The joint review is complete when every member assigned to it gave an opinion (reviewing → discussing)."""
    _require_handler(actor)
    _in_state(case, (CaseState.REVIEWING,), _("结束会审"))
    finished_on = _date(finished_on, field="finished_on", label=_("会审日期"),
                        not_before=case.investigation_finished_on, not_before_label=_("调查结束日期"))
    members = list(case.assignments.filter(kind=AssignmentKind.JOINT_REVIEW).select_related("specialist__person"))
    if not members:
        raise DomainError(_("请先从问责业务人才库抽调会审成员。"), code="no_reviewers")
    given = set(ReviewOpinion.objects.filter(case=case).values_list("assignment_id", flat=True))
    missing = [a.specialist.person.name for a in members if a.pk not in given]
    if missing:
        raise DomainError(_("以下会审成员还没有提出意见：%(names)s。") % {"names": "、".join(missing)},
                          code="opinions_missing", details={"members": missing})
    _touch(case, expected_version=expected_version, to_state=CaseState.DISCUSSING, review_finished_on=finished_on)
    _event(case, "review_finished", actor=actor, on=finished_on, members=len(members))
    audit_record(actor=actor, action="accountability_case.reviewed", obj=case,
                 after={"finished_on": finished_on, "opinions": len(members)})
    return case


@transaction.atomic
def discussion_record(*, actor: User, case: AccountabilityCase, expected_version: int | None, discussed_on: dt.date,
                      body: str, minutes: str, conclusion: str) -> AccountabilityCase:
    """The collective discussion that decisions cite (rule 20; discussing → deciding)."""
    _require_handler(actor)
    _in_state(case, (CaseState.DISCUSSING,), _("记录集体讨论"))
    discussed_on = _date(discussed_on, field="discussed_on", label=_("集体讨论日期"),
                         not_before=case.review_finished_on, not_before_label=_("会审日期"))
    body = _text(body, field="body", label=_("讨论机构"), max_length=100)
    minutes = _text(minutes, field="minutes", label=_("会议纪要"), max_length=200)
    conclusion = _text(conclusion, field="conclusion", label=_("讨论结论"))
    _touch(case, expected_version=expected_version, to_state=CaseState.DECIDING, discussed_on=discussed_on,
           discussion_body=body, discussion_minutes=minutes, discussion_conclusion=conclusion)
    _event(case, "discussed", actor=actor, on=discussed_on, body=body, minutes=minutes)
    audit_record(actor=actor, action="accountability_case.discussed", obj=case,
                 after={"discussed_on": discussed_on, "body": body, "minutes": minutes, "conclusion": conclusion})
    return case


# --- 5. decisions ------------------------------------------------------------------------------------------

def draft_from(*, subject: CaseSubject, outcome: str, responsibility_type: str, circumstance: str | None,
               forms: Iterable[str], factors: Iterable[dict[str, Any]]) -> ck.DraftDecision:
    """A decision as entered (codes from a page or the API), resolved against the catalogue."""
    form_codes = [c for c in dict.fromkeys(forms) if c]
    found_forms = {f.code: f for f in AccountabilityForm.objects.filter(code__in=form_codes).select_related(
        "parent").prefetch_related("children")}
    missing = [c for c in form_codes if c not in found_forms]
    if missing:
        raise DomainError(_("问责规则目录中没有编码为“%(code)s”的问责方式。") % {"code": missing[0]},
                          code="unknown_form", details={"field": "forms"})
    found_circumstance = None
    if circumstance:
        found_circumstance = Circumstance.objects.filter(code=circumstance).first()
        if found_circumstance is None:
            raise DomainError(_("问责规则目录中没有编码为“%(code)s”的问责情形。") % {"code": circumstance},
                              code="unknown_circumstance", details={"field": "circumstance"})
    specs = [f for f in factors if f and (f.get("factor") or f.get("fault_tolerance") or f.get("claim"))]
    factor_rows = {f.code: f for f in Factor.objects.filter(code__in=[s["factor"] for s in specs if s.get("factor")])}
    tolerance_rows = {f.code: f for f in FaultTolerance.objects.filter(
        code__in=[s["fault_tolerance"] for s in specs if s.get("fault_tolerance")])}
    drafts = []
    for spec in specs:
        factor = factor_rows.get(spec.get("factor") or "")
        tolerance = tolerance_rows.get(spec.get("fault_tolerance") or "")
        if spec.get("factor") and factor is None:
            raise DomainError(_("问责规则目录中没有编码为“%(code)s”的从重从轻或免责情形。") % {"code": spec["factor"]},
                              code="unknown_factor", details={"field": "factors"})
        if spec.get("fault_tolerance") and tolerance is None:
            raise DomainError(_("问责规则目录中没有编码为“%(code)s”的容错情形。") % {"code": spec["fault_tolerance"]},
                              code="unknown_fault_tolerance", details={"field": "factors"})
        drafts.append(ck.DraftFactor(factor=factor, fault_tolerance=tolerance,
                                     claim=(spec.get("claim") or "").strip()[:300],
                                     evidence=(spec.get("evidence") or "").strip()))
    return ck.DraftDecision(subject=subject, outcome=outcome, responsibility_type=responsibility_type,
                            circumstance=found_circumstance, forms=[found_forms[c] for c in form_codes],
                            factors=drafts)


def _validate(case: AccountabilityCase, draft: ck.DraftDecision, *, subjects: list[CaseSubject],
              facts: cs.ResponsibilityFacts, disciplinary_record: str, publish: bool, public_summary: str) -> None:
    """What a decision must have, whatever the warnings say (rules 15, 17, 19, 20)."""
    subject = draft.subject
    _refuse_direct(draft.responsibility_type)
    if draft.outcome not in Outcome.values:
        raise DomainError(_("请选择处理结果：予以问责、免予问责或不予问责。"), code="required", details={"field": "outcome"})
    if cs.latest_statement(subject) is None:
        raise DomainError(_("作出决定前须告知“%(name)s”所认定的事实，听取其陈述和申辩并由其签字（规则19）。")
                          % {"name": subject.name}, code="statement_missing")
    kinds = {f.kind for f in draft.factors}
    if draft.outcome == Outcome.ACCOUNTABLE:
        if draft.circumstance is None:
            raise DomainError(_("请选择问责情形。"), code="required", details={"field": "circumstance"})
        if not draft.forms:
            raise DomainError(_("予以问责的，请选择至少一种问责方式。"), code="required", details={"field": "forms"})
        for form in draft.forms:
            if form.applies_to != subject.kind:
                raise DomainError(_("“%(form)s”不适用于%(kind)s。") % {"form": form.name,
                                                                   "kind": subject.get_kind_display()},
                                  code="form_not_applicable", details={"field": "forms"})
            if not form.is_active:
                raise DomainError(_("问责方式“%(form)s”已停用，请另选。") % {"form": form.name}, code="inactive",
                                  details={"field": "forms"})
            if any(child.is_active for child in form.children.all()):
                raise DomainError(_("“%(form)s”请选择具体措施或种类（如%(examples)s）。")
                                  % {"form": form.name,
                                     "examples": "、".join(c.name for c in form.children.all() if c.is_active)},
                                  code="form_needs_measure", details={"field": "forms"})
        if any(f.requires_disciplinary_record for f in draft.forms) and not disciplinary_record.strip():
            raise DomainError(_("纪律处分按《中国共产党纪律处分条例》另行办理：请填写所关联的纪律处分决定文号或案件编号（规则20）。"),
                              code="disciplinary_record_required", details={"field": "disciplinary_record"})
    else:
        if draft.forms:
            raise DomainError(_("免予或不予问责的，不能同时给予问责方式。"), code="forms_with_exemption",
                              details={"field": "forms"})
        needed = ({FactorKind.EXEMPTION} if draft.outcome == Outcome.EXEMPTED else {FactorKind.NO_ACCOUNTABILITY})
        if not kinds & needed:
            raise DomainError(_("%(outcome)s须认定相应情形（问责条例第十七条）：请在“从重从轻及免责情形”中选择。")
                              % {"outcome": Outcome(draft.outcome).label}, code="grounds_required",
                              details={"field": "factors"})
    if publish and draft.outcome != Outcome.ACCOUNTABLE:
        raise DomainError(_("只有予以问责的决定可以通报曝光。"), code="publish_not_accountable", details={"field": "publish"})
    if publish and not public_summary.strip():
        raise DomainError(_("通报曝光的，请填写对外通报的事实概要（不含涉密内容）。"), code="required",
                          details={"field": "public_summary"})
    if subject.kind == SubjectKind.ORGANISATION and draft.outcome == Outcome.ACCOUNTABLE:
        _require_members_assessed(subject, subjects, facts)


def _require_members_assessed(subject: CaseSubject, subjects: list[CaseSubject],
                              facts: cs.ResponsibilityFacts) -> None:
    """Rule 15: each responsible member of the period is named in the case or assessed as not pursued."""
    named_people = {s.person_id for s in subjects if s.kind == SubjectKind.PERSON and s.person_id}
    named_names = {s.name for s in subjects if s.kind == SubjectKind.PERSON}
    assessed = {a.name for a in subject.member_assessments.all()} | \
        {a.person_id for a in subject.member_assessments.all() if a.person_id}
    leaders = cs.leaders_to_assess(facts)
    if not leaders:
        if not named_names and not assessed:
            raise DomainError(_("对党组织问责，须同时评估其领导班子成员的责任（规则15）：请将负有责任的成员列为问责对象，"
                                "或记录不予追究的理由。"), code="members_not_assessed")
        return
    missing = [f"{leader.name}（{leader.post}）" for leader in leaders
               if leader.tenure.person_id not in named_people and leader.name not in named_names
               and leader.tenure.person_id not in assessed and leader.name not in assessed]
    if missing:
        raise DomainError(_("对%(org)s问责，须同时评估其班子成员的责任（规则15）：%(names)s既未列为问责对象，也未记录不予追究"
                            "的理由。") % {"org": subject.name, "names": "、".join(dict.fromkeys(missing))},
                          code="members_not_assessed", details={"members": list(dict.fromkeys(missing))})


def _default_basis(draft: ck.DraftDecision) -> str:
    articles = []
    if draft.circumstance is not None:
        articles.append(draft.circumstance.article)
    articles += [f.article for f in draft.forms]
    articles += [f.factor.article for f in draft.factors if f.factor is not None]
    return _("《中国共产党问责条例》%(articles)s") % {"articles": "、".join(dict.fromkeys(articles))} if articles else ""


def _write(*, actor: User, case: AccountabilityCase, draft: ck.DraftDecision, subjects: list[CaseSubject],
           basis: str, reasoning: str, decided_on: dt.date, disciplinary_record: str, publish: bool,
           public_summary: str, override_reason: str, type_reason: str, replaces: Decision | None = None,
           correction: dict[str, Any] | None = None) -> tuple[Decision, list[ck.Check]]:
    subject = draft.subject
    facts = cs.responsibility_facts(case, subjects=subjects)
    disciplinary_record = (disciplinary_record or "").strip()
    public_summary = (public_summary or "").strip()
    _validate(case, draft, subjects=subjects, facts=facts, disciplinary_record=disciplinary_record,
              publish=publish, public_summary=public_summary)
    decided_on = _date(decided_on, field="decided_on", label=_("决定日期"), not_before=case.discussed_on,
                       not_before_label=_("集体讨论日期"))
    type_reason = (type_reason or "").strip() or (subject.type_reason if draft.responsibility_type ==
                                                  subject.responsibility_type else "")
    if subject.suggested_type and draft.responsibility_type != subject.suggested_type and not type_reason:
        raise DomainError(_("定责助手建议认定%(suggested)s（%(reason)s）；认定为%(chosen)s，请说明理由。")
                          % {"suggested": ResponsibilityTypeCode(subject.suggested_type).label,
                             "reason": subject.suggestion_reason,
                             "chosen": ResponsibilityTypeCode(draft.responsibility_type).label},
                          code="type_reason_required", details={"field": "type_reason"})
    found = ck.checks_for_decision(case, subjects, facts, draft)
    override_reason = (override_reason or "").strip()
    if found and not override_reason:
        raise DomainError(_("保存前请处理以下 %(n)s 项精准问责提示，或说明不予采纳的理由：%(list)s")
                          % {"n": len(found), "list": "；".join(f"【{c.label}】{c.message}" for c in found)},
                          code="checks_need_reason", details={"field": "override_reason",
                                                              "checks": [c.as_json() for c in found]})
    period = impact_period(forms=draft.forms, decided_on=decided_on)
    adjusting = any(f.code == "organisational_adjustment" or (f.parent_id and f.parent.code ==
                                                              "organisational_adjustment") for f in draft.forms)
    assistant = {"suggested_type": subject.suggested_type, "reason": subject.suggestion_reason,
                 "chosen": draft.responsibility_type,
                 "accepted": (draft.responsibility_type == subject.suggested_type) if subject.suggested_type else None,
                 "type_reason": type_reason}
    decision = Decision.objects.create(
        case=case, subject=subject, outcome=draft.outcome, responsibility_type=draft.responsibility_type,
        circumstance=draft.circumstance, basis=(basis or "").strip() or _default_basis(draft),
        reasoning=(reasoning or "").strip(), decided_on=decided_on,
        discussion_reference=_("%(body)s（%(day)s，%(minutes)s）") % {
            "body": case.discussion_body, "day": _day(case.discussed_on), "minutes": case.discussion_minutes},
        disciplinary_record=disciplinary_record, severity=draft.severity,
        no_promotion_until=period.no_promotion_until, no_leading_post_until=period.no_leading_post_until,
        no_higher_post_until=period.no_higher_post_until, impact_ends_on=period.ends_on,
        formalities_due=add_months(decided_on, settings.RECTIFY_FORMALITIES_MONTHS) if adjusting else None,
        publish=publish, public_summary=public_summary, checks=[c.as_json() for c in found],
        override_reason=override_reason if found else "", assistant=assistant, decided_by=actor,
        replaces=replaces, **(correction or {}))
    decision.forms.set(draft.forms)
    DecisionFactor.objects.bulk_create([DecisionFactor(decision=decision, factor=f.factor,
                                                       fault_tolerance=f.fault_tolerance, claim=f.claim,
                                                       evidence=f.evidence) for f in draft.factors])
    if draft.responsibility_type != subject.responsibility_type or (type_reason and type_reason != subject.type_reason):
        CaseSubject.objects.filter(pk=subject.pk).update(responsibility_type=draft.responsibility_type,
                                                         type_reason=type_reason, version=models.F("version") + 1)
        subject.responsibility_type, subject.type_reason = draft.responsibility_type, type_reason
    return decision, found


def _decision_after(decision: Decision, draft: ck.DraftDecision) -> dict[str, Any]:
    return {"subject": draft.subject.name, "outcome": decision.outcome, "type": decision.responsibility_type,
            "circumstance": draft.circumstance.code if draft.circumstance else None,
            "forms": [f.code for f in draft.forms], "decided_on": decision.decided_on,
            "impact_ends_on": decision.impact_ends_on, "checks": [c["code"] for c in decision.checks],
            "override_reason": decision.override_reason, "publish": decision.publish}


@transaction.atomic
def decision_record(*, actor: User, subject: CaseSubject, draft: ck.DraftDecision, decided_on: dt.date,
                    basis: str = "", reasoning: str = "", disciplinary_record: str = "", publish: bool = False,
                    public_summary: str = "", override_reason: str = "", type_reason: str = "") -> Decision:
    """The decision on one subject after the collective discussion (deciding).

    1. It must have what the rules require: a signed statement (19), a circumstance and forms that fit the
       subject — a measure of 组织调整 or a kind of 纪律处分, the latter linked to its disciplinary record (20) —
       or the grounds of an exemption; for an organisation, its members assessed (15); never 直接责任 (17).
    2. The precision checks are computed on the draft; saving over any of them needs a recorded reason, and an
       assistant's suggestion not followed needs one too.
    3. The impact period is computed per form and kept with the decision; organisational adjustments get
       their formalities' due date (rule 22). Once every subject has a decision the case moves to decided.
    """
    _require_handler(actor)
    case = AccountabilityCase.objects.select_for_update().get(pk=subject.case_id)
    _in_state(case, (CaseState.DECIDING, CaseState.DECIDED), _("作出问责决定"))
    subjects = cs.subjects_of(case)
    subject = next(s for s in subjects if s.pk == subject.pk)
    if cs.current_decision(subject) is not None:
        raise Conflict(_("已对“%(name)s”作出决定；如需改变，请按纠正程序办理。") % {"name": subject.name},
                       code="already_decided")
    draft.subject = subject
    decision, _found = _write(actor=actor, case=case, draft=draft, subjects=subjects, basis=basis,
                              reasoning=reasoning, decided_on=decided_on, disciplinary_record=disciplinary_record,
                              publish=publish, public_summary=public_summary, override_reason=override_reason,
                              type_reason=type_reason)
    undecided = CaseSubject.objects.filter(case=case).exclude(decisions__status=DecisionStatus.CURRENT).exists()
    _touch(case, to_state=CaseState.DECIDED if not undecided else None)
    _event(case, "decided", actor=actor, on=decision.decided_on, subject=subject, name=subject.name,
           outcome=decision.outcome, type=decision.responsibility_type,
           forms=[f.name for f in draft.forms], impact_ends_on=decision.impact_ends_on,
           overridden=len(decision.checks))
    audit_record(actor=actor, action="accountability_decision.made", obj=decision,
                 after={"case": case.number, **_decision_after(decision, draft)})
    return decision


@transaction.atomic
def decision_deliver(*, actor: User, decision: Decision, delivered_on: dt.date, delivery_note: str = "") -> Decision:
    """The decision was delivered to its subject on ``delivered_on`` (the appeal period runs from it)."""
    _require_handler(actor)
    case = decision.case
    _in_state(case, (CaseState.DECIDING, CaseState.DECIDED), _("登记送达"))
    if decision.status != DecisionStatus.CURRENT:
        raise Conflict(_("该决定已被纠正，请送达纠正后的决定。"), code="corrected")
    delivered_on = _date(delivered_on, field="delivered_on", label=_("送达日期"), not_before=decision.decided_on,
                         not_before_label=_("决定日期"))
    note = _text(delivery_note, field="delivery_note", label=_("送达方式"), required=False, max_length=200)
    updated = Decision.objects.filter(pk=decision.pk, delivered_on__isnull=True, status=DecisionStatus.CURRENT).update(
        delivered_on=delivered_on, delivery_note=note, delivered_by=actor, version=models.F("version") + 1,
        updated_at=clock.now())
    if updated != 1:
        raise Conflict(_("该决定已登记送达。"), code="already_delivered")
    decision.delivered_on, decision.delivery_note, decision.delivered_by = delivered_on, note, actor
    _touch(case)
    last_day = add_months(delivered_on, settings.RECTIFY_APPEAL_MONTHS)
    _event(case, "delivered", actor=actor, on=delivered_on, subject=decision.subject, name=decision.subject.name,
           note=note, appeal_until=last_day)
    audit_record(actor=actor, action="accountability_decision.delivered", obj=decision,
                 after={"delivered_on": delivered_on, "note": note, "appeal_until": last_day})
    return decision


# --- 6. appeals, corrections, closing -------------------------------------------------------------------

def appeal_last_day(delivered_on: dt.date) -> dt.date:
    """The last day an appeal is accepted: one calendar month after delivery, that day included."""
    return add_months(delivered_on, settings.RECTIFY_APPEAL_MONTHS)


@transaction.atomic
def appeal_record(*, actor: User, decision: Decision, received_on: dt.date, grounds: str = "") -> Appeal:
    """A subject appeals against the decision delivered to them (rule 21): received within one calendar month
    of that delivery, else refused (422 ``appeal_too_late``); the answer is due one calendar month after
    receipt; the decision keeps being executed meanwhile."""
    _require_handler(actor)
    case = decision.case
    if decision.status != DecisionStatus.CURRENT:
        raise Conflict(_("该决定已被纠正，申诉请针对纠正后的决定。"), code="corrected")
    if decision.delivered_on is None:
        raise Conflict(_("对“%(name)s”的决定尚未送达，不能申诉。") % {"name": decision.subject.name},
                       code="not_delivered")
    received_on = _date(received_on, field="received_on", label=_("收到申诉日期"), not_before=decision.delivered_on,
                        not_before_label=_("送达日期"))
    last_day = appeal_last_day(decision.delivered_on)
    if received_on > last_day:
        raise DomainError(
            _("申诉已超过期限：决定于%(delivered)s送达，申诉应在一个月内（至%(last)s）提出，%(received)s收到的申诉不予受理"
              "（规则21）。") % {"delivered": _day(decision.delivered_on), "last": _day(last_day),
                             "received": _day(received_on)},
            code="appeal_too_late", details={"field": "received_on", "delivered_on": decision.delivered_on.isoformat(),
                                             "last_day": last_day.isoformat()}).with_status(422)
    if Appeal.objects.filter(decision=decision).exists():
        raise Conflict(_("“%(name)s”已对该决定提出申诉。") % {"name": decision.subject.name}, code="already_appealed")
    answer_due = add_months(received_on, settings.RECTIFY_APPEAL_ANSWER_MONTHS)
    appeal = Appeal.objects.create(case=case, decision=decision, subject=decision.subject, received_on=received_on,
                                   grounds=(grounds or "").strip(), answer_due=answer_due, recorded_by=actor)
    _touch(case, from_states=(case.state,))
    _event(case, "appealed", actor=actor, on=received_on, subject=decision.subject, name=decision.subject.name,
           answer_due=answer_due)
    audit_record(actor=actor, action="accountability_appeal.received", obj=appeal,
                 after={"case": case.number, "subject": decision.subject.name, "received_on": received_on,
                        "answer_due": answer_due, "delivered_on": decision.delivered_on})
    return appeal


@transaction.atomic
def appeal_answer(*, actor: User, appeal: Appeal, answered_on: dt.date, answer: str) -> Appeal:
    """The review upholds the decision (to correct it, use ``decision_correct`` with the appeal)."""
    _require_handler(actor)
    answered_on = _date(answered_on, field="answered_on", label=_("答复日期"), not_before=appeal.received_on,
                        not_before_label=_("收到申诉日期"))
    answer = _text(answer, field="answer", label=_("复查意见"))
    updated = Appeal.objects.filter(pk=appeal.pk, result=AppealResult.PENDING).update(
        result=AppealResult.UPHELD, answered_on=answered_on, answer=answer, answered_by=actor)
    if updated != 1:
        raise Conflict(_("该申诉已经答复。"), code="already_answered")
    appeal.result, appeal.answered_on, appeal.answer = AppealResult.UPHELD, answered_on, answer
    case = appeal.case
    _touch(case, from_states=(case.state,))
    _event(case, "appeal_answered", actor=actor, on=answered_on, subject=appeal.subject, name=appeal.subject.name,
           result=appeal.result, late=answered_on > appeal.answer_due)
    audit_record(actor=actor, action="accountability_appeal.answered", obj=appeal,
                 after={"result": appeal.result, "answered_on": answered_on, "answer": answer})
    return appeal


@transaction.atomic
def decision_correct(*, actor: User, decision: Decision, reason: str, note: str, draft: ck.DraftDecision,
                     decided_on: dt.date, appeal: Appeal | None = None, basis: str = "", reasoning: str = "",
                     disciplinary_record: str = "", publish: bool = False, public_summary: str = "",
                     override_reason: str = "", type_reason: str = "") -> Decision:
    """Correct a decision for one of the six legal reasons only (rule 23): a new decision replaces it; the old
    one is kept, marked corrected. From an appeal's review, the appeal is answered "corrected" with it."""
    _require_handler(actor)
    case = AccountabilityCase.objects.select_for_update().get(pk=decision.case_id)
    _in_state(case, (CaseState.DECIDING, CaseState.DECIDED, CaseState.CLOSED), _("纠正问责决定"))
    if reason not in CorrectionReason.values:
        raise DomainError(_("问责决定只能因以下理由纠正：%(reasons)s。") % {"reasons": "、".join(
            str(label) for label in CorrectionReason.labels)}, code="invalid_correction_reason",
            details={"field": "reason"})
    note = _text(note, field="note", label=_("纠正说明"))
    if appeal is not None and (appeal.decision_id != decision.pk or appeal.result != AppealResult.PENDING):
        raise Conflict(_("该申诉已答复或不针对这一决定。"), code="appeal_mismatch")
    corrected_on = decided_on
    updated = Decision.objects.filter(pk=decision.pk, status=DecisionStatus.CURRENT).update(
        status=DecisionStatus.CORRECTED, correction_reason=reason, correction_note=note,
        corrected_on=corrected_on, version=models.F("version") + 1, updated_at=clock.now())
    if updated != 1:
        raise Conflict(_("该决定已被纠正。"), code="already_corrected")
    subjects = cs.subjects_of(case)
    subject = next(s for s in subjects if s.pk == decision.subject_id)
    draft.subject = subject
    new, _found = _write(actor=actor, case=case, draft=draft, subjects=subjects, basis=basis, reasoning=reasoning,
                         decided_on=decided_on, disciplinary_record=disciplinary_record, publish=publish,
                         public_summary=public_summary, override_reason=override_reason, type_reason=type_reason,
                         replaces=decision)
    if appeal is not None:
        Appeal.objects.filter(pk=appeal.pk).update(result=AppealResult.CORRECTED, answered_on=corrected_on,
                                                   answer=note, correction=new, answered_by=actor)
    reopened = case.state == CaseState.CLOSED  # the new decision is to be delivered: the file is open again
    _touch(case, to_state=CaseState.DECIDED if reopened else None, **({"closed_on": None} if reopened else {}))
    _event(case, "corrected", actor=actor, on=corrected_on, subject=subject, name=subject.name,
           reason=reason, forms=[f.name for f in draft.forms],
           outcome=new.outcome, from_appeal=appeal is not None)
    audit_record(actor=actor, action="accountability_decision.corrected", obj=new,
                 before={"decision": decision.pk, "outcome": decision.outcome},
                 after={"reason": reason, "note": note, "appeal": appeal.pk if appeal else None,
                        **_decision_after(new, draft)})
    return new


@transaction.atomic
def case_close(*, actor: User, case: AccountabilityCase, expected_version: int | None, closed_on: dt.date,
               note: str = "") -> AccountabilityCase:
    """Close the file: after every decision was delivered and every appeal answered; or, before the
    investigation, a case not pursued (with the reason). The case's assignments end with it."""
    _require_handler(actor)
    _in_state(case, (CaseState.PROPOSED, CaseState.STARTED, CaseState.DECIDED), _("结案"))
    closed_on = _date(closed_on, field="closed_on", label=_("结案日期"), not_before=case.opened_on,
                      not_before_label=_("案件提出日期"))
    note = _text(note, field="note", label=_("结案说明"), required=case.state != CaseState.DECIDED)
    if case.state == CaseState.DECIDED:
        undelivered = list(Decision.objects.filter(case=case, status=DecisionStatus.CURRENT, delivered_on__isnull=True)
                           .values_list("subject__name", flat=True))
        if undelivered:
            raise DomainError(_("以下问责对象的决定尚未送达：%(names)s。") % {"names": "、".join(undelivered)},
                              code="undelivered", details={"subjects": undelivered})
        pending = list(Appeal.objects.filter(case=case, result=AppealResult.PENDING).values_list("subject__name",
                                                                                                flat=True))
        if pending:
            raise DomainError(_("以下申诉尚未答复：%(names)s。") % {"names": "、".join(pending)},
                              code="appeals_pending", details={"subjects": pending})
    was = case.state
    _touch(case, expected_version=expected_version, to_state=CaseState.CLOSED, closed_on=closed_on, closing_note=note)
    ended = Assignment.objects.filter(case=case, ended_on__isnull=True).update(ended_on=closed_on,
                                                                              updated_at=clock.now())
    _event(case, "closed", actor=actor, on=closed_on, note=note, without_decision=was != CaseState.DECIDED)
    audit_record(actor=actor, action="accountability_case.closed", obj=case,
                 before={"state": was}, after={"closed_on": closed_on, "note": note, "assignments_ended": ended})
    return case
