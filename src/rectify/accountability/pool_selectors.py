"""Reads of the specialist pool: the commission's, like every accountability page (404 for others).

Workload is counted, never stored: the specialist's open assignments (investigations, joint reviews, special
inspections not yet ended). Proposals for an assignment leave out whom a conflict rule blocks (listed apart,
with the reasons) and put the least loaded first, then those whose expertise matches.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from rectify.accountability.case_selectors import require_accountability
from rectify.accountability.conflicts import Conflict, conflicts_for
from rectify.accountability.pool_models import Assignment, Specialist
from rectify.core.errors import NotFound
from rectify.orgs.models import OrgKind, OrgUnit

if TYPE_CHECKING:
    from rectify.accounts.models import User


def specialists_for(*, user: User, region: int | None = None, q: str = "", available: bool | None = None,
                    expertise: str = "") -> QuerySet[Specialist]:
    """The pool with ``workload`` (open assignments), filtered by region, name, expertise and availability;
    ordered by region, then the least loaded."""
    require_accountability(user)
    qs = Specialist.objects.select_related("person", "person__unit", "region").annotate(
        workload=Count("assignments", filter=Q(assignments__ended_on__isnull=True)))
    if region:
        qs = qs.filter(region_id=region)
    if q.strip():
        qs = qs.filter(person__name__icontains=q.strip())
    if expertise.strip():
        qs = qs.filter(expertise__icontains=expertise.strip())
    if available is not None:
        qs = qs.filter(is_available=available)
    return qs.order_by("region__path", "workload", "person__name", "id")


def specialist_get_for(*, user: User, specialist_id: int) -> Specialist:
    try:
        return specialists_for(user=user).get(pk=specialist_id)
    except Specialist.DoesNotExist:
        raise NotFound(_("未找到该问责业务人才。")) from None


def regions(*, user: User) -> list[tuple[OrgUnit, int]]:
    """The prefectures with how many specialists each has (the pool's regions)."""
    counts = pool_counts(user=user)
    return [(u, counts.get(u.pk, 0)) for u in OrgUnit.objects.filter(kind=OrgKind.PREFECTURE).order_by("path")]


def pool_counts(*, user: User) -> dict[int, int]:
    require_accountability(user)
    return dict(Specialist.objects.order_by().values_list("region_id").annotate(n=Count("id")))


def assignments_of_specialist(specialist: Specialist) -> list[Assignment]:
    return list(specialist.assignments.select_related("case", "unit", "approved_by", "assigned_by")
                .order_by("-assigned_on", "-id"))


@dataclass
class Proposal:
    specialist: Specialist
    workload: int
    conflicts: list[Conflict] = field(default_factory=list)
    matches: list[str] = field(default_factory=list)  # expertise that matches what was asked

    @property
    def blocked(self) -> bool:
        return bool(self.conflicts)


def proposals(*, user: User, unit: OrgUnit, period: tuple[dt.date, dt.date] | None = None, expertise: str = "",
              limit: int = 12, today: dt.date | None = None) -> tuple[list[Proposal], list[Proposal]]:
    """Whom to assign to work concerning ``unit``: (free, blocked). Free ones are available, conflict-free,
    least loaded first, then by matching expertise; blocked ones carry the reasons. Seven queries."""
    pool = list(specialists_for(user=user, available=True))
    hits = conflicts_for(pool, unit=unit, period=period, today=today)
    wanted = [w for w in expertise.replace("，", "、").replace(",", "、").split("、") if w.strip()]
    rows = [Proposal(specialist=s, workload=s.workload,  # type: ignore[attr-defined]
                     conflicts=hits[s.pk], matches=[w for w in wanted if any(w in e for e in s.expertise_list)])
            for s in pool]
    free = sorted((r for r in rows if not r.blocked),
                  key=lambda r: (r.workload, -len(r.matches), r.specialist.person.name))
    blocked = [r for r in rows if r.blocked]
    return free[:limit], blocked


def approvers_for(*, user: User) -> list[User]:
    """Who may approve a forced assignment: the other active commission users (never the assigner)."""
    from rectify.accounts.models import Role
    from rectify.accounts.models import User as UserModel

    require_accountability(user)
    return list(UserModel.objects.filter(role=Role.COMMISSION, is_active=True).exclude(pk=user.pk)
                .order_by("display_name", "username"))
