"""Reads of the org tree and who held which post when."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext

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


# =========================================================================== leadership roster import
# Reads for importing a unit's leadership roster (领导班子成员名单); see orgs.services.roster_apply.


def unit_for_roster(*, user: User, code: str) -> OrgUnit:
    """The unit with this code as ``user`` may see it; out of scope or unknown is NotFound."""
    unit = (OrgUnit.objects.filter(unit_scope_q(user, unit_path_field="path"), code=code.strip())
            .first() if code and code.strip() else None)
    if unit is None:
        raise NotFound(gettext("未找到单位“%(code)s”，或您无权查看该单位。请核对单位编码。") % {"code": code},
                       code="unknown_unit", details={"field": "unit"})
    return unit


@dataclass
class RosterSnapshot:
    """What is stored of a unit's roster: its people (by name; those who left keep ``unit``) and every
    tenure in its posts, each with its post and person."""

    people_by_name: dict[str, list[Person]]
    tenures: list[Tenure]


def roster_snapshot(*, unit: OrgUnit, lock: bool = False) -> RosterSnapshot:
    """Two queries whatever the roster's size. ``lock``: inside the import's transaction, so that nobody
    edits these rows between the comparison and the write (PostgreSQL; SQLite writes one at a time)."""
    people = Person.objects.filter(unit=unit).order_by("id")
    tenures = Tenure.objects.filter(post__unit=unit).select_related("person", "post").order_by("start", "id")
    if lock:
        people = people.select_for_update()
        tenures = tenures.select_for_update(of=("self", "post"))
    by_name: dict[str, list[Person]] = {}
    for person in people:
        by_name.setdefault(person.name, []).append(person)
    return RosterSnapshot(people_by_name=by_name, tenures=list(tenures))
