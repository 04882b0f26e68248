"""Reads of the org tree and who held which post when."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from rectify.accounts.selectors import unit_scope_q
from rectify.core.errors import NotFound
from rectify.orgs.models import OrgUnit, Person, Post, Tenure

if TYPE_CHECKING:
    from rectify.accounts.models import User

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
        """The post's title as it was during the tenure (the seat snapshot)."""
        return self.tenure.seat_title


def overlap_days(*, tenure_start: dt.date, tenure_end: dt.date | None, start: dt.date, end: dt.date) -> int:
    """Days a tenure [tenure_start, tenure_end) shares with the period [start, end] (both days included)."""
    stop = min(tenure_end or dt.date.max, end + dt.timedelta(days=1))
    return max(0, (stop - max(tenure_start, start)).days)


def seat_annotated(qs: QuerySet[Tenure]) -> QuerySet[Tenure]:
    """Tenures with ``seat_principal`` and ``seat_leadership``: the seat's flags during the tenure (its
    snapshot, or the post's where none was recorded), for filtering and ordering in SQL."""
    return qs.annotate(seat_principal=Coalesce("is_principal", "post__is_principal"),
                       seat_leadership=Coalesce("is_leadership_member", "post__is_leadership_member"))


def area_matches(area: str, department: str) -> bool:
    """Whether an area of a post (分管领域) covers a department: the same name, or one containing the other."""
    area, department = area.strip(), department.strip()
    if not area or not department:
        return False
    return area == department or (min(len(area), len(department)) >= 2 and (area in department or department in area))


def leaders_during(
    *, unit: OrgUnit, start: dt.date, end: dt.date,
    departments: Iterable[str] = (), leader_names: Iterable[str] = (), leader_person_ids: Iterable[int] = (),
) -> list[LeaderOfPeriod]:
    """Everyone who led ``unit`` during [start, end] (both days included), with the overlap in days.

    1. Principals: tenures that overlap the period in a seat that was the unit's principal one then.
    2. Members in charge: tenures of the other leadership seats that overlap the period and whose areas
       then included one of ``departments`` (the lead departments of the problem's tasks), or whose holder
       is named on the tasks' responsibility list (``leader_names`` / ``leader_person_ids``).
    Seats are read from each tenure's snapshot (what the post was during the tenure), so a post edited
    since does not change who was in charge then. Ordered principals first, then by start date. One query.
    """
    period_start, period_end = min(start, end), max(start, end)
    departments = {d.strip() for d in departments if d and d.strip()}
    leader_names = {n.strip() for n in leader_names if n and n.strip()}
    leader_person_ids = set(leader_person_ids)
    tenures = (
        seat_annotated(Tenure.objects.filter(post__unit=unit, start__lte=period_end))
        .filter(Q(end__isnull=True) | Q(end__gt=period_start))
        .filter(Q(seat_principal=True) | Q(seat_leadership=True))
        .select_related("person", "post")
        .order_by("-seat_principal", "start", "id")
    )
    found: list[LeaderOfPeriod] = []
    for tenure in tenures:
        days = overlap_days(tenure_start=tenure.start, tenure_end=tenure.end, start=period_start, end=period_end)
        if days <= 0:
            continue
        if tenure.seat_is_principal:
            found.append(LeaderOfPeriod(tenure=tenure, role=PRINCIPAL, overlap_days=days))
            continue
        in_areas = tuple(d for d in sorted(departments) if any(area_matches(a, d) for a in tenure.seat_area_list))
        named = tenure.person_id in leader_person_ids or tenure.person.name in leader_names
        if in_areas or named:
            found.append(LeaderOfPeriod(tenure=tenure, role=IN_CHARGE, overlap_days=days, departments=in_areas,
                                        named_on_list=named))
    return found


# ---------------------------------------------------------------------------------------------
# The org tree and rosters as pages and the API show them, scoped to the acting user.
# ---------------------------------------------------------------------------------------------

def leadership_in_post(*, unit: OrgUnit, day: dt.date) -> list[Tenure]:
    """The tenures of the unit's leadership body (principal or leadership-member posts) covering ``day``,
    with person and post, in roster order: whom a task's responsible leader can be picked from."""
    return list(
        Tenure.objects.filter(post__unit=unit, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gt=day))
        .filter(Q(post__is_leadership_member=True) | Q(post__is_principal=True))
        .select_related("person", "post").order_by("-post__is_principal", "post__sort_order", "post_id")
    )


def bare_person_name(name: str) -> str:
    """A name as ledgers write it, without a bracketed title: 王五（副厅长） → 王五."""
    return re.sub(r"[（(].*?[)）]", "", name or "").strip()


@dataclass
class UnitDirectory:
    """Names in a unit that a responsibility list links to: its leadership in post on a day, its internal
    offices (every unit below it) and its people (only names that are unique in the unit's subtree)."""

    leaders: dict[str, list[Tenure]]  # person name -> tenures of leadership posts covering the day
    leader_tenures: dict[int, Tenure]  # the same tenures by id (a page's picker sends the id)
    departments: dict[str, OrgUnit]
    people: dict[str, Person]


def unit_directory(*, unit: OrgUnit, day: dt.date) -> UnitDirectory:
    """Three queries, whatever the size of the unit."""
    in_post = leadership_in_post(unit=unit, day=day)
    leaders: dict[str, list[Tenure]] = {}
    for tenure in in_post:
        leaders.setdefault(tenure.person.name, []).append(tenure)
    departments = {u.name: u for u in OrgUnit.objects.filter(path__startswith=unit.path).exclude(pk=unit.pk)}
    named: dict[str, list[Person]] = {}
    for person in Person.objects.filter(unit__path__startswith=unit.path):
        named.setdefault(person.name, []).append(person)
    return UnitDirectory(leaders=leaders, leader_tenures={t.pk: t for t in in_post}, departments=departments,
                         people={name: ps[0] for name, ps in named.items() if len(ps) == 1})


def org_units_for(*, user: User) -> QuerySet[OrgUnit]:
    """Units the user may see: everything for supervisors, the own subtree for unit users."""
    return OrgUnit.objects.filter(unit_scope_q(user, unit_path_field="path"))


def org_unit_get_for(*, user: User, code: str) -> OrgUnit:
    try:
        return org_units_for(user=user).select_related("parent").get(code=code)
    except OrgUnit.DoesNotExist:
        raise NotFound(_("未找到单位“%(code)s”，或您无权查看该单位。请核对单位编码。") % {"code": code},
                       details={"field": "unit"}) from None


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


# =========================================================================== leadership roster import
# Reads for importing a unit's leadership roster (领导班子成员名单); see orgs.services.roster_apply.


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


# --- pickers for autocomplete (rounds, teams and inspected units) -------------------

SEARCH_LIMIT_MAX = 50


def _limit(limit: int) -> int:
    return max(1, min(int(limit), SEARCH_LIMIT_MAX))


def org_unit_search(*, user: User, q: str, limit: int = 20, exclude: OrgUnit | None = None,
                    exclude_kinds: tuple[str, ...] = ()) -> list[OrgUnit]:
    """Active units in the user's scope whose code, name or short name contains ``q`` (blank: none);
    ``exclude`` leaves out a unit and its subtree (the parents a unit may move under), ``exclude_kinds``
    the kinds that cannot be picked (internal offices are never inspected units)."""
    q = (q or "").strip()
    if not q:
        return []
    qs = (OrgUnit.objects.filter(unit_scope_q(user, unit_path_field="path"), is_active=True)
          .filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(short_name__icontains=q))
          .select_related("parent").order_by("path"))
    if exclude is not None:
        qs = qs.exclude(path__startswith=exclude.path)
    if exclude_kinds:
        qs = qs.exclude(kind__in=exclude_kinds)
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


def leadership_tenures_on(*, unit: OrgUnit, day: dt.date) -> list[Tenure]:
    """Tenures of the unit's principal and leadership posts that cover ``day``, in post order — who may take
    over a leader's tasks (rule 10). One query."""
    return list(Tenure.objects.filter(post__unit=unit, start__lte=day)
                .filter(Q(end__isnull=True) | Q(end__gt=day))
                .filter(Q(post__is_principal=True) | Q(post__is_leadership_member=True))
                .select_related("person", "post").order_by("post__sort_order", "post_id", "start", "id"))
