"""Reads of accountability files, scoped to the acting user: the commission's, 404 for everyone else.

Also the facts precise accountability is judged by (``responsibility_facts``): who led the unit during the
problem's occurrence period — read from the tenures' seat snapshots, so a post edited since does not change
who was in charge then — and who is on the responsibility list of the problem's (or the task's) tasks,
including leaders who handed a task over. The responsibility assistant (``candidates``) and the precision
checks (``checks.py``) both start from them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import formats
from django.utils.translation import gettext as _

from rectify.accountability.case_models import (
    AccountabilityCase,
    Appeal,
    AppealResult,
    CaseEvent,
    CaseState,
    CaseSubject,
    Decision,
    DecisionFactor,
    DecisionStatus,
    Statement,
    SubjectKind,
)
from rectify.accountability.models import ResponsibilityTypeCode
from rectify.accountability.pool_models import Assignment
from rectify.core import clock
from rectify.core.errors import NotFound
from rectify.orgs import selectors as org_selectors
from rectify.orgs.models import OrgKind, OrgUnit, Person, Tenure
from rectify.orgs.selectors import IN_CHARGE, PRINCIPAL, LeaderOfPeriod
from rectify.rectification.models import LeaderHandover, Responsibility, ResponsibilityKind

if TYPE_CHECKING:
    from rectify.accounts.models import User


def _not_found() -> NotFound:
    return NotFound(_("您访问的页面不存在，或您无权查看。"))


def require_accountability(user: User) -> None:
    """Accountability files are the commission's: for everyone else they do not exist."""
    if not user.sees_accountability:
        raise _not_found()


# --- cases -------------------------------------------------------------------------------------------

def cases_for(*, user: User, state: str | None = None) -> QuerySet[AccountabilityCase]:
    """Cases the user may see (all for the commission), newest first, with unit and subject counts."""
    require_accountability(user)
    qs = AccountabilityCase.objects.select_related("unit", "problem", "circumstance").annotate(
        subject_count=Count("subjects", distinct=True),
        pending_appeals=Count("appeals", filter=Q(appeals__result=AppealResult.PENDING), distinct=True))
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-opened_on", "-id")


def case_get_for(*, user: User, case_id: int) -> AccountabilityCase:
    require_accountability(user)
    try:
        return AccountabilityCase.objects.select_related(
            "unit", "unit__parent", "problem", "problem__inspected_unit__round", "problem__inspected_unit__unit",
            "task", "circumstance", "opened_by", "inspected_unit").get(pk=case_id)
    except AccountabilityCase.DoesNotExist:
        raise NotFound(_("未找到该问责案件，或您无权查看。")) from None


def case_state_counts(*, user: User) -> dict[str, int]:
    require_accountability(user)
    return dict(AccountabilityCase.objects.order_by().values_list("state").annotate(n=Count("id")))


def subjects_of(case: AccountabilityCase) -> list[CaseSubject]:
    """The case's subjects with their statements, current decision (with forms and factors) and appeals."""
    decisions = Decision.objects.order_by("decided_on", "id").prefetch_related(
        "forms", Prefetch("factors", queryset=DecisionFactor.objects.select_related("factor", "fault_tolerance")),
        "appeals").select_related("circumstance", "decided_by", "delivered_by")
    return list(case.subjects.select_related("person", "tenure", "tenure__post", "unit", "proposed_form")
                .prefetch_related(Prefetch("statements", queryset=Statement.objects.order_by("signed_on", "id")),
                                  Prefetch("decisions", queryset=decisions), "member_assessments")
                .order_by("kind", "id"))


def current_decision(subject: CaseSubject) -> Decision | None:
    """The subject's current decision, from prefetched decisions (``subjects_of``)."""
    return next((d for d in subject.decisions.all() if d.status == DecisionStatus.CURRENT), None)


def latest_statement(subject: CaseSubject) -> Statement | None:
    statements = list(subject.statements.all())
    return statements[-1] if statements else None


def subject_get_for(*, user: User, case: AccountabilityCase, subject_id: int) -> CaseSubject:
    require_accountability(user)
    subject = next((s for s in subjects_of(case) if s.pk == subject_id), None)
    if subject is None:
        raise NotFound(_("该案件中没有这个问责对象。"), details={"field": "subject"})
    return subject


def decision_get_for(*, user: User, decision_id: int) -> Decision:
    require_accountability(user)
    try:
        return Decision.objects.select_related("case", "subject", "circumstance").prefetch_related("forms").get(
            pk=decision_id)
    except Decision.DoesNotExist:
        raise NotFound(_("未找到该问责决定。")) from None


def appeal_get_for(*, user: User, appeal_id: int) -> Appeal:
    require_accountability(user)
    try:
        return Appeal.objects.select_related("case", "decision", "subject").get(pk=appeal_id)
    except Appeal.DoesNotExist:
        raise NotFound(_("未找到该申诉。")) from None


def events_of(case: AccountabilityCase) -> list[CaseEvent]:
    return list(case.events.select_related("actor", "subject").order_by("on", "at", "id"))


def assignments_of(case: AccountabilityCase) -> list[Assignment]:
    return list(case.assignments.select_related("specialist__person", "specialist__region", "approved_by",
                                                "assigned_by").prefetch_related("opinions")
                .order_by("kind", "assigned_on", "id"))


APPEAL_ALERT_DAYS = 7


def _appeals_due(today: dt.date | None, within_days: int) -> QuerySet[Appeal]:
    today = today or clock.today()
    return Appeal.objects.filter(result=AppealResult.PENDING, answer_due__lte=today + dt.timedelta(days=within_days))


def appeals_due_count_for(*, user: User) -> int:
    """For the navigation badge: appeals to answer within a week or overdue (one COUNT)."""
    return _appeals_due(None, APPEAL_ALERT_DAYS).count() if user.sees_accountability else 0


def appeals_due_for(*, user: User, within_days: int = APPEAL_ALERT_DAYS, today: dt.date | None = None) -> list[Appeal]:
    """Appeals still to be answered whose answer is due within ``within_days`` or overdue (an alert)."""
    require_accountability(user)
    return list(_appeals_due(today, within_days).select_related("case", "subject").order_by("answer_due", "id"))


# --- rule 14: who may approve the start --------------------------------------------------------------

COMMITTEE_KINDS = (OrgKind.PROVINCE, OrgKind.PREFECTURE, OrgKind.COUNTY)


def led_by_same_level_committee(unit: OrgUnit) -> bool:
    """A unit whose parent is a party committee of the tree (province, prefecture, county) is led directly by
    the same-level committee: its departments, enterprises and the committees below it."""
    return unit.parent is not None and unit.parent.kind in COMMITTEE_KINDS


def needs_committee_approval(case: AccountabilityCase, subjects: list[CaseSubject]) -> list[CaseSubject]:
    """Rule 14: the subjects for whom the commission's head alone cannot start the case — the organisation
    itself, or its principal, when the same-level committee leads it directly. Then the committee's principal
    approves."""
    if not led_by_same_level_committee(case.unit):
        return []
    needing = []
    for s in subjects:
        if s.kind == SubjectKind.ORGANISATION and s.unit_id == case.unit_id:
            needing.append(s)
        elif s.kind == SubjectKind.PERSON and s.tenure_id and s.tenure.post.unit_id == case.unit_id \
                and s.tenure.seat_is_principal:
            needing.append(s)
    return needing


# --- the facts responsibility is judged by ------------------------------------------------------------

@dataclass(frozen=True)
class Listed:
    """An entry of the responsibility list (or a leader who handed the task over)."""

    kind: str  # leader | person | handed_over
    name: str
    person_id: int | None
    tenure: Tenure | None
    task_number: int


@dataclass
class ResponsibilityFacts:
    case: AccountabilityCase
    period: tuple[dt.date, dt.date] | None
    leaders: list[LeaderOfPeriod]
    listed: list[Listed]
    departments: list[str]
    subject_tenures: dict[int, list[Tenure]] = field(default_factory=dict)  # person id -> tenures in the unit

    def listed_for(self, *, person_id: int | None, name: str) -> list[Listed]:
        return [entry for entry in self.listed
                if (person_id is not None and entry.person_id == person_id) or entry.name == name]

    def leader_roles(self, person_id: int | None, name: str) -> list[LeaderOfPeriod]:
        return [leader for leader in self.leaders
                if (person_id is not None and leader.tenure.person_id == person_id)
                or (person_id is None and leader.name == name)]


def responsibility_facts(case: AccountabilityCase, *, subjects: list[CaseSubject] | None = None) -> ResponsibilityFacts:
    """Leaders of the period and the responsibility list of the case's problem (or task): four queries.

    1. The responsibility list of the task (a case from a task) or of every task of the problem, with the
       linked persons and tenures; the leaders who handed one of those tasks over.
    2. The leaders of the case's period (``orgs.selectors.leaders_during``, seat snapshots): principals, and
       members in charge whose areas then covered a lead department or who are named leader on the list.
    3. The tenures the subjects held in the unit (for the checks).
    """
    entries: list[Responsibility] = []
    handovers: list[LeaderHandover] = []
    if case.task_id or case.problem_id:
        where = Q(task_id=case.task_id) if case.task_id else Q(task__problem_id=case.problem_id)
        entries = list(Responsibility.objects.filter(where).select_related("task", "tenure__post", "person")
                       .order_by("task__number", "kind", "-is_lead", "id"))
        handovers = list(LeaderHandover.objects.filter(where).select_related(
            "task", "from_tenure__person", "from_tenure__post").order_by("handed_over_at", "id"))
    listed: list[Listed] = []
    departments: set[str] = set()
    names: set[str] = set()
    people: set[int] = set()
    for r in entries:
        if r.kind == ResponsibilityKind.DEPARTMENT:
            if r.is_lead:
                departments.add(r.name)
            continue
        listed.append(Listed(kind=r.kind, name=org_selectors.bare_person_name(r.name), person_id=r.person_id,
                             tenure=r.tenure, task_number=r.task.number))
        if r.kind == ResponsibilityKind.LEADER:
            names.add(org_selectors.bare_person_name(r.name))
            if r.person_id:
                people.add(r.person_id)
    for h in handovers:
        person = h.from_tenure.person
        listed.append(Listed(kind="handed_over", name=person.name, person_id=person.pk, tenure=h.from_tenure,
                             task_number=h.task.number))
        names.add(person.name)
        people.add(person.pk)
    period = case.period
    leaders = (org_selectors.leaders_during(unit=case.unit, start=period[0], end=period[1], departments=departments,
                                            leader_names=names, leader_person_ids=people) if period else [])
    facts = ResponsibilityFacts(case=case, period=period, leaders=leaders, listed=listed,
                                departments=sorted(departments))
    person_ids = {s.person_id for s in subjects or [] if s.person_id}
    if person_ids:
        tenures = (Tenure.objects.filter(person_id__in=person_ids, post__unit__path__startswith=case.unit.path)
                   .select_related("post", "post__unit").order_by("start", "id"))
        grouped: dict[int, list[Tenure]] = defaultdict(list)
        for tenure in tenures:
            grouped[tenure.person_id].append(tenure)
        facts.subject_tenures = dict(grouped)
    return facts


# --- the responsibility assistant (定责) -----------------------------------------------------------------

@dataclass
class Candidate:
    """Someone the assistant proposes, why, and the responsibility type the post supports."""

    kind: str  # person | organisation
    name: str
    post: str
    reason: str
    overlap_days: int
    suggested_type: str  # "" when no responsibility type of the regulations fits (staff)
    person_id: int | None = None
    tenure_id: int | None = None
    unit_id: int | None = None
    term_start: dt.date | None = None
    term_end: dt.date | None = None  # last day in post; None: still in post
    is_former: bool = False
    subject_id: int | None = None  # already named in the case

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.person_id or self.unit_id or self.name}"


def _day(value: dt.date | None) -> str:
    return formats.date_format(value, "Y.m.d") if value else _("至今")


def _term(tenure: Tenure) -> str:
    return _("%(start)s—%(end)s") % {"start": _day(tenure.start), "end": _day(tenure.last_day)}


def _leader_reason(leader: LeaderOfPeriod) -> str:
    tenure = leader.tenure
    held = _("%(post)s，%(term)s%(former)s") % {
        "post": tenure.seat_title, "term": _term(tenure), "former": _("，已离任") if tenure.end else ""}
    if leader.role == PRINCIPAL:
        why = _("问题发生期间的主要负责人（%(held)s）") % {"held": held}
    else:
        parts = []
        if leader.departments:
            parts.append(_("分管%(departments)s（问题的牵头部门）") % {"departments": "、".join(leader.departments)})
        if leader.named_on_list:
            parts.append(_("整改任务责任清单所列责任领导"))
        why = _("问题发生期间的分管领导（%(held)s）：%(parts)s") % {"held": held, "parts": "；".join(parts)}
    return _("%(why)s，任职与问题发生期间重合 %(days)s 天") % {"why": why, "days": leader.overlap_days}


def candidates(case: AccountabilityCase, *, facts: ResponsibilityFacts | None = None,
               subjects: list[CaseSubject] | None = None) -> list[Candidate]:
    """Whom the assistant proposes for the case's unit and period, each with the reason and the type the post
    supports (rule 16: 主要领导责任 only for the principal or the member in charge of the area; the leadership
    body 全面领导责任; staff none):

    1. the organisation itself (its leadership body);
    2. principals in post during the period, current and former, with the days they share with it;
    3. members in charge of the problem's area (their seat's areas then) or named leader on the list;
    4. the other people on the task's responsibility list (leaders who took over since, staff in charge).
    """
    facts = facts or responsibility_facts(case)
    subjects = subjects if subjects is not None else list(case.subjects.all())
    found: list[Candidate] = [Candidate(
        kind=SubjectKind.ORGANISATION, name=case.unit.name, post=_("领导班子"), unit_id=case.unit_id,
        reason=_("被问责事项所在单位的党组织（领导班子），在职责范围内负有全面领导责任"), overlap_days=0,
        suggested_type=ResponsibilityTypeCode.OVERALL)]
    seen: set[int] = set()
    for leader in facts.leaders:
        tenure = leader.tenure
        if tenure.person_id in seen:
            continue
        seen.add(tenure.person_id)
        found.append(Candidate(
            kind=SubjectKind.PERSON, name=leader.name, post=tenure.seat_title, reason=_leader_reason(leader),
            overlap_days=leader.overlap_days, suggested_type=ResponsibilityTypeCode.PRINCIPAL,
            person_id=tenure.person_id, tenure_id=tenure.pk, unit_id=case.unit_id, term_start=tenure.start,
            term_end=tenure.last_day, is_former=tenure.end is not None))
    for entry in facts.listed:
        if (entry.person_id and entry.person_id in seen) or any(c.name == entry.name for c in found[1:]):
            continue
        if entry.person_id:
            seen.add(entry.person_id)
        tenure = entry.tenure
        if entry.kind == ResponsibilityKind.PERSON:
            found.append(Candidate(
                kind=SubjectKind.PERSON, name=entry.name, post=_("责任人"), overlap_days=0, suggested_type="",
                person_id=entry.person_id, unit_id=case.unit_id,
                reason=_("整改任务 %(n)s 责任清单所列责任人，不是领导班子成员：问责条例的三种领导责任不适用于其本人；"
                         "如有直接违纪行为，另行办理纪律处分") % {"n": entry.task_number}))
            continue
        what = (_("整改任务 %(n)s 的原责任领导（已移交）") if entry.kind == "handed_over"
                else _("整改任务 %(n)s 责任清单所列责任领导")) % {"n": entry.task_number}
        found.append(Candidate(
            kind=SubjectKind.PERSON, name=entry.name, post=tenure.seat_title if tenure else _("责任领导"),
            overlap_days=0, suggested_type=ResponsibilityTypeCode.PRINCIPAL, person_id=entry.person_id,
            tenure_id=tenure.pk if tenure else None, unit_id=case.unit_id,
            term_start=tenure.start if tenure else None, term_end=tenure.last_day if tenure else None,
            is_former=bool(tenure and tenure.end),
            reason=_("%(what)s，直接主管该项整改；其任职与问题发生期间不重合，对整改不力负主要领导责任") % {"what": what}))
    by_key = {(s.kind, s.person_id or s.name): s for s in subjects}
    for c in found:
        subject = by_key.get((c.kind, c.person_id or c.name)) or by_key.get((c.kind, c.name))
        c.subject_id = subject.pk if subject else None
    return found


def candidate_for(candidates_: list[Candidate], *, kind: str, name: str, person_id: int | None) -> Candidate | None:
    return next((c for c in candidates_ if c.kind == kind and ((person_id and c.person_id == person_id)
                                                               or c.name == name)), None)


def person_in_unit(*, unit: OrgUnit, name: str) -> Person | None:
    """The one person of the unit's subtree with this name (None when nobody or several have it)."""
    people = list(Person.objects.filter(unit__path__startswith=unit.path, name=name)[:2])
    return people[0] if len(people) == 1 else None


def active_states() -> tuple[str, ...]:
    return tuple(s for s in CaseState.values if s != CaseState.CLOSED)


def leaders_to_assess(facts: ResponsibilityFacts) -> list[LeaderOfPeriod]:
    """Rule 15: the responsible members of an organisation held accountable — its principals and members in
    charge of the period."""
    return [leader for leader in facts.leaders if leader.role in (PRINCIPAL, IN_CHARGE)]
