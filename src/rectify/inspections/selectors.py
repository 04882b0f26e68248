"""Reads of rounds, inspected units and clues — always scoped to the acting user."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from rectify.accounts.models import User
from rectify.accounts.selectors import unit_scope_q
from rectify.core import clock
from rectify.core.errors import NotFound
from rectify.inspections.models import (
    PROBLEM_COUNTS,
    Clue,
    InspectedUnit,
    InspectionRound,
    InspectionTeam,
    Problem,
    ProblemCategory,
    ProblemCount,
    add_months,
)


def inspected_units_for(*, user: User) -> QuerySet[InspectedUnit]:
    return InspectedUnit.objects.filter(unit_scope_q(user, unit_path_field="unit__path"))


def problem_count_drift(units: QuerySet[InspectedUnit]) -> dict[int, tuple[dict[str, int], dict[tuple[str, int | None], int]]]:
    """The inspected units among ``units`` whose stored problem counts (by kind on the unit, ``PROBLEM_COUNTS``;
    by kind and category, ``ProblemCount``) differ from a count of their problems, with the right counts: a
    system check for ``rectify verify-rollups`` and the recount."""
    chosen = units.order_by().values("pk")
    by_kind: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(PROBLEM_COUNTS.values(), 0))
    by_category: dict[int, dict[tuple[str, int | None], int]] = defaultdict(dict)
    for pk, kind, category, n in (Problem.objects.filter(inspected_unit__in=chosen).order_by()
                                  .values_list("inspected_unit_id", "kind", "category_id").annotate(n=Count("*"))):
        by_kind[pk][PROBLEM_COUNTS[kind]] += n
        by_category[pk][(kind, category)] = n
    stored: dict[int, dict[tuple[str, int | None], int]] = defaultdict(dict)
    for pk, kind, category, n in (ProblemCount.objects.filter(inspected_unit__in=chosen, problems__gt=0)
                                  .values_list("inspected_unit_id", "kind", "category_id", "problems")):
        stored[pk][(kind, category)] = n
    wrong = {}
    for pk, *kept in units.order_by("pk").values_list("pk", *PROBLEM_COUNTS.values()):
        if dict(zip(PROBLEM_COUNTS.values(), kept, strict=True)) != by_kind[pk] or stored[pk] != by_category[pk]:
            wrong[pk] = (by_kind[pk], by_category[pk])
    return wrong


def inspected_unit_index_for(*, user: User, round_code: str = "", query: str = "") -> QuerySet[InspectedUnit]:
    """The inspected units in scope for the ledger index, newest round first: of one round, and whose unit's
    name contains ``query`` or whose code is it."""
    qs = inspected_units_for(user=user).select_related("round", "unit", "team")
    if round_code:
        qs = qs.filter(round__code=round_code)
    if query:
        qs = qs.filter(Q(unit__name__icontains=query) | Q(unit__code__iexact=query))
    return qs.order_by("-round__start_date", "round__code", "unit__path", "pk")


def widest_yellow_days() -> int:
    """The longest yellow period of any round: a task due within it of today may be yellow in its own round, so
    lists of red and yellow tasks read only the deadlines up to today plus this many days."""
    return InspectionRound.objects.aggregate(n=Max("yellow_days"))["n"] or 0


def round_list_for(*, user: User) -> QuerySet[InspectionRound]:
    visible = inspected_units_for(user=user).filter(round=OuterRef("pk"))
    qs = InspectionRound.objects.all()
    if not (user.sees_all_units and user.is_active):  # an inactive account sees no round at all
        qs = qs.filter(Exists(visible))
    return qs.annotate(
        unit_count=Count("inspected_units", filter=Q(inspected_units__in=inspected_units_for(user=user)),
                         distinct=True),
    ).select_related("look_back_of").order_by("-start_date", "code")


def round_get_for(*, user: User, code: str) -> InspectionRound:
    try:
        return round_list_for(user=user).get(code=code)
    except InspectionRound.DoesNotExist:
        raise NotFound(_("未找到巡视轮次“%(code)s”，或您无权查看。") % {"code": code}) from None


def inspected_unit_get_for(*, user: User, round_code: str, unit_code: str) -> InspectedUnit:
    try:
        return (
            inspected_units_for(user=user)
            .select_related("round", "unit", "team")
            .get(round__code=round_code, unit__code=unit_code)
        )
    except InspectedUnit.DoesNotExist:
        raise NotFound(_("未找到轮次“%(round)s”中的被巡视单位“%(unit)s”，或您无权查看。")
                       % {"round": round_code, "unit": unit_code}) from None


def inspected_units_of_round_for(*, user: User, round: InspectionRound) -> QuerySet[InspectedUnit]:
    return inspected_units_for(user=user).filter(round=round).select_related("unit", "team", "round")


def problems_in_scope(*, user: User) -> QuerySet[Problem]:
    """Problems the user may see, not yet annotated (rectification.selectors adds derived state)."""
    return Problem.objects.filter(unit_scope_q(user, unit_path_field="inspected_unit__unit__path"))


def clues_for(*, user: User) -> QuerySet[Clue]:
    """Clues are confidential: only commission supervisors see them at all."""
    if not user.sees_clues:
        return Clue.objects.none()
    return Clue.objects.filter(unit_scope_q(user, unit_path_field="inspected_unit__unit__path"))


def clue_counts_by_unit(*, user: User, round: InspectionRound) -> dict[int, int]:
    rows = clues_for(user=user).filter(inspected_unit__round=round).values("inspected_unit_id").annotate(n=Count("id"))
    return {row["inspected_unit_id"]: row["n"] for row in rows}


def categories_top_level() -> QuerySet[ProblemCategory]:
    return ProblemCategory.objects.filter(parent__isnull=True).order_by("code")


# --- rounds, teams and inspected units: management reads ----------------------------

def teams_of_round_for(*, user: User, round: InspectionRound) -> QuerySet[InspectionTeam]:
    """The round's teams with leader and members loaded; a unit user sees only the teams of their units."""
    qs = InspectionTeam.objects.filter(round=round)
    if not user.sees_all_units:
        qs = qs.filter(inspected_units__in=inspected_units_for(user=user)).distinct()
    return (qs.select_related("leader").prefetch_related("members")
            .annotate(unit_count=Count("inspected_units", distinct=True)).order_by("id"))


def team_get_for(*, user: User, round: InspectionRound, team_id: int) -> InspectionTeam:
    try:
        return teams_of_round_for(user=user, round=round).select_related("round").get(pk=team_id)
    except InspectionTeam.DoesNotExist:
        raise NotFound(_("未找到该巡视组，或您无权查看。"), details={"field": "team"}) from None


def rounds_for_look_back(*, user: User, exclude: InspectionRound | None = None) -> list[InspectionRound]:
    """Rounds a round may look back on (the few rounds of the office's history, newest first)."""
    qs = round_list_for(user=user)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs)


# --- clues: the commission's list and the 3-month alert -------------------------------------------

CLUE_STATES = ("pending_hand_over", "awaiting_results", "overdue")


def clue_feedback_cutoff(today: dt.date, months: int) -> dt.date:
    """The latest hand-over date whose results are due by ``today``: ``add_months(day, months) <= today``."""
    day = add_months(today, -months)
    while add_months(day + dt.timedelta(days=1), months) <= today:  # month ends: 11-30 + 3 months = 02-28
        day += dt.timedelta(days=1)
    return day


def clues_overdue_for(*, user: User, today: dt.date | None = None) -> QuerySet[Clue]:
    """Clues handed over at least ``RECTIFY_CLUE_FEEDBACK_MONTHS`` months ago whose results have not come back."""
    cutoff = clue_feedback_cutoff(today or clock.today(), settings.RECTIFY_CLUE_FEEDBACK_MONTHS)
    return (
        clues_for(user=user)
        .filter(handed_over_on__isnull=False, handed_over_on__lte=cutoff, feedback_on__isnull=True)
        .select_related("inspected_unit__unit", "inspected_unit__round", "problem")
        .order_by("handed_over_on", "id")
    )


def clue_list_for(*, user: User, round_code: str | None = None, state: str | None = None,
                  query: str | None = None, today: dt.date | None = None) -> QuerySet[Clue]:
    """The commission's clue list, filtered: 待移交 (pending_hand_over), 待反馈 (awaiting_results),
    超期未反馈 (overdue)."""
    if state == "overdue":
        qs = clues_overdue_for(user=user, today=today)
    else:
        qs = clues_for(user=user)
        if state == "pending_hand_over":
            qs = qs.filter(handed_over_on__isnull=True)
        elif state == "awaiting_results":
            qs = qs.filter(handed_over_on__isnull=False, feedback_on__isnull=True)
    if round_code:
        qs = qs.filter(inspected_unit__round__code=round_code)
    if query:
        qs = qs.filter(Q(number__icontains=query) | Q(summary__icontains=query))
    return qs.select_related("inspected_unit__unit", "inspected_unit__round", "problem").order_by(
        "-inspected_unit__round__start_date", "inspected_unit__unit__path", "number", "id")


def clue_get_for(*, user: User, clue_id: int) -> Clue:
    try:
        return clues_for(user=user).select_related(
            "inspected_unit__unit", "inspected_unit__round", "problem").get(pk=clue_id)
    except Clue.DoesNotExist:
        raise NotFound(_("未找到该问题线索，或您无权查看。")) from None


def clue_is_overdue(clue: Clue, *, today: dt.date | None = None) -> bool:
    if clue.handed_over_on is None or clue.feedback_on is not None:
        return False
    return add_months(clue.handed_over_on, settings.RECTIFY_CLUE_FEEDBACK_MONTHS) <= (today or clock.today())


def unconcluded_clues_of(problem_ids: list[int]) -> dict[int, list[str]]:
    """Problem id -> numbers of its clues without a concluding result. A rule check for the close-out review, not
    a list a user sees: callers show the numbers only to those who see clues (``user.sees_clues``)."""
    found: dict[int, list[str]] = {}
    rows = (Clue.objects.filter(problem_id__in=problem_ids, concluded=False)
            .order_by("number").values_list("problem_id", "number"))
    for problem_id, number in rows:
        found.setdefault(problem_id, []).append(number)
    return found


def problem_in_unit_for(*, user: User, inspected_unit: InspectedUnit, number: str) -> Problem:
    """A problem of the unit by its identifier as written (for linking a clue to it)."""
    try:
        return problems_in_scope(user=user).get(inspected_unit=inspected_unit, number=number.strip())
    except Problem.DoesNotExist:
        raise NotFound(_("本单位没有序号为“%(number)s”的问题。") % {"number": number}, code="problem_not_found",
                       details={"field": "problem"}) from None


def categories_tree() -> list[tuple[ProblemCategory, list[ProblemCategory]]]:
    """The two-level catalogue: each top-level category with its subcategories (one query)."""
    rows = list(ProblemCategory.objects.select_related("parent").order_by("code"))
    children: dict[int, list[ProblemCategory]] = {}
    for c in rows:
        if c.parent_id:
            children.setdefault(c.parent_id, []).append(c)
    return [(c, children.get(c.pk, [])) for c in rows if c.parent_id is None]
