"""Interviews (约谈) and reminder talks (谈话提醒): whom to summon, and the sessions held. Supervisors only.

The participant picker (``interview_candidates_for``) proposes, for one unit of a round and the problems to be
discussed (all of the unit's problems in the round by default):

1. the unit's current principal, always;
2. every principal, former or current, whose tenure overlaps the period of one of the problems;
3. every member in charge, former or current, whose tenure overlaps a problem's period and who was in charge of
   it then: the seat's areas (as recorded in the tenure snapshot) include one of the problem's lead departments,
   or the problem's responsibility list names them as leader (now, or before a hand-over).

Each candidate shows the days their tenure shares with the periods of the problems they cover (the union of
those periods, so two problems of the same months are not counted twice) and those problems. A problem's
period is ``rectification.selectors.problem_occurrence_period``. Five queries, whatever the number of problems.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from rectify.accounts.models import User
from rectify.core import clock
from rectify.core.errors import DomainError, NotFound
from rectify.inspections import selectors as inspection_selectors
from rectify.inspections.models import InspectedUnit, Problem
from rectify.orgs.models import Tenure
from rectify.orgs.selectors import area_matches, seat_annotated
from rectify.rectification.models import LeaderHandover, Responsibility, ResponsibilityKind
from rectify.rectification.selectors import problem_occurrence_period
from rectify.supervision.models import InterviewParticipant, InterviewSession, InterviewUnit
from rectify.supervision.redflag_selectors import require_supervisor


@dataclass
class InterviewCandidate:
    tenure: Tenure
    name: str
    post: str
    current: bool
    principal: bool
    overlap_days: int
    problems: list[int] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)

    @property
    def start(self) -> dt.date:
        return self.tenure.start

    @property
    def last_day(self) -> dt.date | None:
        return self.tenure.last_day


def _union_days(spans: Iterable[tuple[dt.date, dt.date]]) -> int:
    """Days covered by closed intervals [start, end] (both days included), overlaps counted once."""
    total, current = 0, None
    for start, end in sorted(spans):
        if current is None or start > current[1] + dt.timedelta(days=1):
            if current is not None:
                total += (current[1] - current[0]).days + 1
            current = [start, end]
        else:
            current[1] = max(current[1], end)
    if current is not None:
        total += (current[1] - current[0]).days + 1
    return total


def parse_problem_ids(value: str | None) -> list[int] | None:
    """``?problems=12,15`` → [12, 15]; empty → None (all of the unit's problems)."""
    if not value or not value.strip():
        return None
    try:
        return [int(x) for x in value.replace("，", ",").split(",") if x.strip()]
    except ValueError:
        raise DomainError(_("problems 须为以逗号分隔的问题 id，例如 12,15。"), code="invalid_problems",
                          details={"field": "problems"}) from None


def interview_candidates_for(*, user: User, round_code: str, unit_code: str,
                             problem_ids: list[int] | None = None) -> tuple[InspectedUnit, list[InterviewCandidate]]:
    require_supervisor(user)
    iu = inspection_selectors.inspected_unit_get_for(user=user, round_code=round_code, unit_code=unit_code)
    problems = list(Problem.objects.filter(inspected_unit=iu).select_related("inspected_unit").order_by("sort_key", "id"))
    if problem_ids is not None:
        wanted = set(problem_ids)
        problems = [p for p in problems if p.pk in wanted]
        missing = wanted - {p.pk for p in problems}
        if missing:
            raise DomainError(_("问题 %(ids)s 不属于该单位在本轮次的问题清单。") % {
                "ids": "、".join(str(i) for i in sorted(missing))}, code="invalid_problems",
                details={"field": "problems", "problems": sorted(missing)})
    periods = {p.pk: period for p in problems if (period := problem_occurrence_period(p)) is not None}
    departments: dict[int, set[str]] = defaultdict(set)
    names: dict[int, set[str]] = defaultdict(set)
    people: dict[int, set[int]] = defaultdict(set)
    for problem_id, kind, name, person_id in Responsibility.objects.filter(
            task__problem_id__in=list(periods),
            kind__in=[ResponsibilityKind.DEPARTMENT, ResponsibilityKind.LEADER]).filter(
            is_lead=True).values_list("task__problem_id", "kind", "name", "person_id"):
        if kind == ResponsibilityKind.DEPARTMENT:
            departments[problem_id].add(name.strip())
        else:
            names[problem_id].add(name.strip())
            if person_id:
                people[problem_id].add(person_id)
    for problem_id, person_id, name in LeaderHandover.objects.filter(task__problem_id__in=list(periods)).values_list(
            "task__problem_id", "from_tenure__person_id", "from_tenure__person__name"):
        people[problem_id].add(person_id)
        names[problem_id].add(name)
    today = clock.today()
    tenures = (seat_annotated(Tenure.objects.filter(post__unit=iu.unit))
               .filter(Q(seat_leadership=True) | Q(seat_principal=True)))
    found: list[InterviewCandidate] = []
    for tenure in tenures.select_related("person", "post").order_by("start", "id"):
        current = tenure.end is None or tenure.end > today
        principal = tenure.seat_is_principal
        covered, spans, depts = [], [], set()
        stop = tenure.last_day or dt.date.max
        for problem in problems:
            period = periods.get(problem.pk)
            if period is None:
                continue
            start, end = max(period[0], tenure.start), min(period[1], stop)
            if start > end:
                continue
            if not principal:
                in_areas = {d for d in departments[problem.pk] if any(area_matches(a, d) for a in tenure.seat_area_list)}
                named = tenure.person_id in people[problem.pk] or tenure.person.name in names[problem.pk]
                if not (in_areas or named):
                    continue
                depts |= in_areas
            covered.append(problem.pk)
            spans.append((start, end))
        if covered or (principal and current):
            found.append(InterviewCandidate(tenure=tenure, name=tenure.person.name, post=tenure.seat_title,
                                            current=current, principal=principal, overlap_days=_union_days(spans),
                                            problems=covered, departments=sorted(depts)))
    found.sort(key=lambda c: (not (c.current and c.principal), not c.principal, -c.overlap_days, c.start))
    return iu, found


def sessions_for(*, user: User, round_code: str | None = None) -> QuerySet[InterviewSession]:
    require_supervisor(user)
    qs = InterviewSession.objects.select_related("round", "created_by").prefetch_related(
        Prefetch("units", queryset=InterviewUnit.objects.select_related("inspected_unit__unit")))
    if round_code:
        qs = qs.filter(round__code=round_code)
    return qs


def session_get_for(*, user: User, session_id: int) -> InterviewSession:
    require_supervisor(user)
    try:
        return (InterviewSession.objects.select_related("round", "created_by")
                .prefetch_related(
                    Prefetch("units", queryset=InterviewUnit.objects.select_related("inspected_unit__unit")
                             .prefetch_related("problems", "follow_ups__task",
                                               Prefetch("participants",
                                                        queryset=InterviewParticipant.objects.order_by("-current", "id")))))
                .get(pk=session_id))
    except InterviewSession.DoesNotExist:
        raise NotFound(_("未找到该约谈记录。")) from None
