"""Reads of the org tree and who held which post when."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from rectify.accounts.selectors import unit_scope_q
from rectify.core.errors import NotFound
from rectify.orgs.models import OrgUnit, Person, Post, Tenure

if TYPE_CHECKING:
    from rectify.accounts.models import User


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


# ---------------------------------------------------------------------------------------------
# The org tree and rosters as pages and the API show them, scoped to the acting user.
# ---------------------------------------------------------------------------------------------

def org_units_for(*, user: User) -> QuerySet[OrgUnit]:
    """Units the user may see: everything for supervisors, the own subtree for unit users."""
    return OrgUnit.objects.filter(unit_scope_q(user, unit_path_field="path"))


def org_unit_get_for(*, user: User, code: str) -> OrgUnit:
    try:
        return org_units_for(user=user).select_related("parent").get(code=code)
    except OrgUnit.DoesNotExist:
        raise NotFound(_("未找到单位“%(code)s”，或您无权查看。") % {"code": code}) from None


def org_unit_level_for(*, user: User, parent: OrgUnit | None, query: str = "") -> QuerySet[OrgUnit]:
    """One level of the tree (the children of ``parent``; without one, the top of the user's scope),
    or, with ``query``, every unit in scope whose name, short name or code contains it.
    Each unit carries ``child_count``."""
    qs = org_units_for(user=user)
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(short_name__icontains=query) | Q(code__icontains=query))
    elif parent is not None:
        qs = qs.filter(parent=parent)
    elif user.sees_all_units:
        qs = qs.filter(parent__isnull=True)
    else:
        qs = qs.filter(pk=user.unit_id)
    return qs.select_related("parent").annotate(child_count=Count("children")).order_by("-is_active", "path")


def org_unit_ancestors(*, user: User, unit: OrgUnit) -> list[OrgUnit]:
    """The unit's ancestors the user may see, top first (one query, from the materialised path)."""
    ids = [int(part) for part in unit.path.strip("/").split("/")[:-1] if part]
    if not ids:
        return []
    return list(org_units_for(user=user).filter(pk__in=ids).order_by("path"))


def org_unit_parent_choices_for(*, user: User, query: str, exclude: OrgUnit | None = None,
                                limit: int = 20) -> list[OrgUnit]:
    """Active units matching ``query`` that may become a parent (never ``exclude`` or its subtree)."""
    query = query.strip()
    if not query:
        return []
    qs = org_units_for(user=user).filter(is_active=True).filter(
        Q(name__icontains=query) | Q(short_name__icontains=query) | Q(code__istartswith=query))
    if exclude is not None:
        qs = qs.exclude(path__startswith=exclude.path)
    return list(qs.select_related("parent").order_by("path")[:limit])


def roster_posts(*, unit: OrgUnit) -> list[Post]:
    """The unit's posts in order, each with ``tenure_list`` (current first, then former, newest first)."""
    tenures = Tenure.objects.select_related("person").order_by(F("end").desc(nulls_first=True), "-start")
    return list(Post.objects.filter(unit=unit).order_by("sort_order", "id")
                .prefetch_related(Prefetch("tenures", queryset=tenures, to_attr="tenure_list")))


def people_of_unit(*, unit: OrgUnit) -> QuerySet[Person]:
    """The unit's people with ``current_posts`` (how many posts each holds today)."""
    return Person.objects.filter(unit=unit).annotate(
        current_posts=Count("tenures", filter=Q(tenures__end__isnull=True))).order_by("name", "id")


def person_get_for(*, user: User, person_id: int) -> Person:
    try:
        return Person.objects.filter(unit_scope_q(user, unit_path_field="unit__path")).select_related(
            "unit").get(pk=person_id)
    except Person.DoesNotExist:
        raise NotFound(_("未找到该人员，或您无权查看。")) from None


def post_get_for(*, user: User, post_id: int) -> Post:
    try:
        return Post.objects.filter(unit_scope_q(user, unit_path_field="unit__path")).select_related(
            "unit").get(pk=post_id)
    except Post.DoesNotExist:
        raise NotFound(_("未找到该职务，或您无权查看。")) from None


def tenure_get_for(*, user: User, tenure_id: int) -> Tenure:
    try:
        return Tenure.objects.filter(unit_scope_q(user, unit_path_field="post__unit__path")).select_related(
            "person", "post", "post__unit").get(pk=tenure_id)
    except Tenure.DoesNotExist:
        raise NotFound(_("未找到该任职记录，或您无权查看。")) from None


def unit_tenures_for(*, user: User, code: str) -> tuple[OrgUnit, list[Tenure]]:
    """Every tenure of the unit's posts, current and former, in roster order (for the API)."""
    unit = org_unit_get_for(user=user, code=code)
    tenures = list(Tenure.objects.filter(post__unit=unit).select_related("person", "post")
                   .order_by("post__sort_order", "post_id", "-start"))
    return unit, tenures


def tenures_of_person(*, person: Person) -> list[Tenure]:
    return list(Tenure.objects.filter(person=person).select_related("post", "post__unit")
                .order_by(F("end").desc(nulls_first=True), "-start"))
