"""Reads of the org tree and who held which post when."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from rectify.accounts.models import User
from rectify.accounts.selectors import unit_scope_q
from rectify.core.errors import NotFound
from rectify.orgs.models import OrgUnit, Person, Tenure


def principals_during(*, unit: OrgUnit, start: dt.date | None, end: dt.date | None) -> list[Tenure]:
    """Tenures of the unit's principal (一把手) that overlap [start, end] — the people who led the unit
    while a problem was happening, current and former alike. Without a period: the current principal."""
    qs = Tenure.objects.filter(post__unit=unit, post__is_principal=True).select_related("person", "post")
    if start is None and end is None:
        qs = qs.filter(end__isnull=True)
    else:
        if end is not None:
            qs = qs.filter(start__lte=end)
        if start is not None:
            qs = qs.filter(Q(end__isnull=True) | Q(end__gt=start))
    return list(qs.order_by("start"))


# --- pickers for autocomplete (engineer 4: rounds, teams and inspected units) -------------------

SEARCH_LIMIT_MAX = 50


def _limit(limit: int) -> int:
    return max(1, min(int(limit), SEARCH_LIMIT_MAX))


def org_unit_search(*, user: User, q: str, limit: int = 20) -> list[OrgUnit]:
    """Active units in the user's scope whose code, name or short name contains ``q`` (blank: none)."""
    q = (q or "").strip()
    if not q:
        return []
    qs = (OrgUnit.objects.filter(unit_scope_q(user, unit_path_field="path"), is_active=True)
          .filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(short_name__icontains=q))
          .select_related("parent").order_by("path"))
    return list(qs[:_limit(limit)])


def org_unit_pick_for(*, user: User, unit_id: int) -> OrgUnit:
    """An active unit the user may pick, or NotFound."""
    unit = OrgUnit.objects.filter(unit_scope_q(user, unit_path_field="path"), is_active=True, pk=unit_id).first()
    if unit is None:
        raise NotFound(_("未找到该单位，或该单位已停用。"), details={"field": "unit"})
    return unit


def _people_in_scope(user: User) -> QuerySet[Person]:
    # Someone who sees every unit also sees people not (yet) placed in a unit; a unit user does not.
    return Person.objects.filter(unit_scope_q(user, unit_path_field="unit__path"))


def person_search(*, user: User, q: str, limit: int = 20) -> list[Person]:
    """People in the user's scope whose name contains ``q`` (blank: none), with their unit."""
    q = (q or "").strip()
    if not q:
        return []
    qs = _people_in_scope(user).filter(name__icontains=q).select_related("unit").order_by("name", "id")
    return list(qs[:_limit(limit)])


def people_pick_for(*, user: User, ids: list[int]) -> list[Person]:
    """The people with these ids the user may pick, in the given order; NotFound if any is missing."""
    wanted = list(dict.fromkeys(ids))
    found = {p.pk: p for p in _people_in_scope(user).filter(pk__in=wanted).select_related("unit")}
    if len(found) != len(wanted):
        raise NotFound(_("所选人员不存在，或您无权查看。"), details={"field": "members"})
    return [found[i] for i in wanted]
