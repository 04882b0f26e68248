"""Reads of the org tree and who held which post when."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from rectify.orgs.models import OrgUnit, Tenure

# --- leaders of a period: principals and members in charge ---------------------------------------

PRINCIPAL = "principal"
IN_CHARGE = "in_charge"


@dataclass(frozen=True)
class LeaderOfPeriod:
    """A tenure that overlaps a period, why it matters (principal or member in charge) and for how long."""

    tenure: Tenure
    role: str  # PRINCIPAL | IN_CHARGE
    overlap_days: int
    departments: tuple[str, ...] = ()  # for a member in charge: the problem's lead departments in their areas
    named_on_list: bool = False  # for a member in charge: named as leader on the tasks' responsibility list

    @property
    def name(self) -> str:
        return self.tenure.person.name

    @property
    def post(self) -> str:
        return self.tenure.post.title


def overlap_days(*, tenure_start: dt.date, tenure_end: dt.date | None, start: dt.date, end: dt.date) -> int:
    """Days a tenure [tenure_start, tenure_end) shares with the period [start, end] (both days included)."""
    stop = min(tenure_end or dt.date.max, end + dt.timedelta(days=1))
    return max(0, (stop - max(tenure_start, start)).days)


def _area_matches(area: str, department: str) -> bool:
    area, department = area.strip(), department.strip()
    if not area or not department:
        return False
    return area == department or (min(len(area), len(department)) >= 2 and (area in department or department in area))


def leaders_during(
    *, unit: OrgUnit, start: dt.date | None, end: dt.date | None, today: dt.date,
    departments: Iterable[str] = (), leader_names: Iterable[str] = (), leader_person_ids: Iterable[int] = (),
) -> list[LeaderOfPeriod]:
    """Everyone who led ``unit`` during [start, end] and answers for the problem, with the overlap in days.

    1. The period: a missing end means "until today", a missing start means the day the end names
       (a problem of one known day); with neither, the period is today (who leads it now).
    2. Principals: tenures of the unit's principal posts that overlap the period.
    3. Members in charge: tenures of the other leadership posts that overlap the period and whose post's
       areas include one of ``departments`` (the lead departments of the problem's tasks), or whose holder
       is named on the tasks' responsibility list (``leader_names`` / ``leader_person_ids``).
    Ordered principals first, then by start date. One query.
    """
    period_end = end or today
    period_start = start or period_end
    if period_start > period_end:
        period_start, period_end = period_end, period_start
    departments = {d.strip() for d in departments if d and d.strip()}
    leader_names = {n.strip() for n in leader_names if n and n.strip()}
    leader_person_ids = set(leader_person_ids)
    tenures = (
        Tenure.objects.filter(post__unit=unit, start__lte=period_end)
        .filter(Q(end__isnull=True) | Q(end__gt=period_start))
        .filter(Q(post__is_principal=True) | Q(post__is_leadership_member=True))
        .select_related("person", "post")
        .order_by("-post__is_principal", "start", "id")
    )
    found: list[LeaderOfPeriod] = []
    for tenure in tenures:
        days = overlap_days(tenure_start=tenure.start, tenure_end=tenure.end, start=period_start, end=period_end)
        if days <= 0:
            continue
        if tenure.post.is_principal:
            found.append(LeaderOfPeriod(tenure=tenure, role=PRINCIPAL, overlap_days=days))
            continue
        in_areas = tuple(d for d in sorted(departments) if any(_area_matches(a, d) for a in tenure.post.area_list))
        named = tenure.person_id in leader_person_ids or tenure.person.name in leader_names
        if in_areas or named:
            found.append(LeaderOfPeriod(tenure=tenure, role=IN_CHARGE, overlap_days=days, departments=in_areas,
                                        named_on_list=named))
    return found
