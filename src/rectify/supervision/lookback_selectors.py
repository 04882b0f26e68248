"""Look-back (回头看) reads: the earlier problems a look-back problem likely repeats, the split of a look-back
round's problems into old ones (旧问题整改不到位: a confirmed repeat) and new ones (新发现问题), the review list
of a round's problems with their decisions, and open false-rectification assessments. Supervisors only."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext as _

from rectify.accounts.models import User
from rectify.core.errors import DomainError, NotFound
from rectify.inspections import selectors as inspection_selectors
from rectify.inspections.models import InspectedUnit, InspectionRound, Problem, ProblemKind
from rectify.rectification.models import Task, TaskStatus
from rectify.supervision import similarity
from rectify.supervision.models import (
    FalseRectificationAssessment,
    RepeatDecision,
    RepeatNotice,
    RepeatReview,
)
from rectify.supervision.redflag_selectors import require_supervisor

CANDIDATES = 10


def look_back_round_for(*, user: User, code: str) -> InspectionRound:
    """A look-back round (with the round it looks back on) the supervisor sees; 400 for another kind."""
    require_supervisor(user)
    rnd = inspection_selectors.round_get_for(user=user, code=code)
    if rnd.look_back_of_id is None:
        raise DomainError(_("轮次“%(code)s”不是“回头看”轮次（未指定对应的原轮次）。") % {"code": code},
                          code="not_look_back", details={"field": "code"})
    return rnd


def _problem_of_round(rnd: InspectionRound, problem_id: int) -> Problem:
    try:
        return (Problem.objects.select_related("inspected_unit__unit", "category", "repeats")
                .get(pk=problem_id, inspected_unit__round=rnd))
    except Problem.DoesNotExist:
        raise NotFound(_("轮次“%(code)s”中没有 id 为 %(id)s 的问题。") % {"code": rnd.code, "id": problem_id}) from None


def _earlier_index(earlier_round_id: int) -> similarity.TfidfIndex:
    problems = Problem.objects.filter(inspected_unit__round_id=earlier_round_id)
    stamp = problems.aggregate(n=Count("id"), latest=Max("updated_at"))

    def load() -> list[tuple[similarity.Doc, str]]:
        rows = problems.values_list("id", "inspected_unit__unit_id", "category__code", "description", "detail")
        return [(similarity.Doc(id=pk, unit_id=unit, category=cat or ""), f"{desc}\n{detail}")
                for pk, unit, cat, desc, detail in rows.order_by("id")]

    return similarity.index_for(earlier_round_id, (stamp["n"], stamp["latest"]), load)


@dataclass
class Candidate:
    problem: Problem
    score: float
    similarity: float
    same_unit: bool
    same_category: bool
    closed_tasks: int = 0
    tasks: int = 0
    linked: bool = False
    decision: str = ""


def repeat_candidates_for(*, user: User, round_code: str, problem_id: int,
                          limit: int = CANDIDATES) -> tuple[Problem, list[Candidate]]:
    """The earlier round's ``limit`` problems most like this look-back problem, best first: TF-IDF cosine of
    their texts plus the same-unit and category bonuses (``similarity``). Never empty while the earlier round
    has problems. Three queries and the index (built once per earlier round's state)."""
    rnd = look_back_round_for(user=user, code=round_code)
    problem = _problem_of_round(rnd, problem_id)
    index = _earlier_index(rnd.look_back_of_id)  # type: ignore[arg-type]
    if not index.docs:
        return problem, []
    category = problem.category.code if problem.category_id else ""
    unit_id = problem.inspected_unit.unit_id
    cosines = index.cosine(f"{problem.description}\n{problem.detail}")
    scored = sorted(
        ((c + similarity.bonus(doc, unit_id=unit_id, category=category), c, doc)
         for doc, c in zip(index.docs, cosines, strict=True)),
        key=lambda x: (-x[0], x[2].id))[:limit]
    ids = [doc.id for _s, _c, doc in scored]
    rows = {p.pk: p for p in Problem.objects.filter(pk__in=ids).select_related("inspected_unit__unit", "category")
            .annotate(n_tasks=Count("tasks", distinct=True),
                      n_closed=Count("tasks", filter=Q(tasks__status=TaskStatus.CLOSED), distinct=True))}
    decisions: dict[int, str] = {}
    for earlier_id, decision in (RepeatReview.objects.filter(problem=problem, earlier_id__in=ids)
                                 .order_by("decided_at", "id").values_list("earlier_id", "decision")):
        decisions[earlier_id] = decision  # the latest decision on each pair wins
    out = []
    for score, cos, doc in scored:
        p = rows[doc.id]
        out.append(Candidate(problem=p, score=round(score, 4), similarity=round(cos, 4),
                             same_unit=doc.unit_id == unit_id, same_category=bool(category) and doc.category == category,
                             closed_tasks=p.n_closed, tasks=p.n_tasks,  # type: ignore[attr-defined]
                             linked=problem.repeats_id == p.pk, decision=decisions.get(p.pk, "")))
    return problem, out


@dataclass
class SplitRow:
    inspected_unit: InspectedUnit
    old: int = 0
    new: int = 0
    old_completed: int = 0
    new_completed: int = 0


@dataclass
class LookBackSplit:
    """旧问题整改不到位 (problems that repeat an earlier one) vs 新发现问题, per unit and in all."""

    round: InspectionRound
    units: list[SplitRow] = field(default_factory=list)

    @property
    def old(self) -> int:
        return sum(r.old for r in self.units)

    @property
    def new(self) -> int:
        return sum(r.new for r in self.units)


def look_back_split_for(*, user: User, round: InspectionRound) -> LookBackSplit:
    """Fed-back problems of a round the user sees, counted old (a confirmed repeat) or new, and completed
    ones of each (from the rollups). Two queries, whatever the round's size; for dashboards too."""
    units = list(inspection_selectors.inspected_units_of_round_for(user=user, round=round))
    rows = {iu.pk: SplitRow(inspected_unit=iu) for iu in units}
    counts = (Problem.objects.filter(inspected_unit__in=list(rows), kind=ProblemKind.FEEDBACK)
              .values("inspected_unit_id")
              .annotate(old=Count("id", filter=Q(repeats__isnull=False)), new=Count("id", filter=Q(repeats__isnull=True)),
                        old_completed=Count("id", filter=Q(repeats__isnull=False, rollup__completion="completed")),
                        new_completed=Count("id", filter=Q(repeats__isnull=True, rollup__completion="completed"))))
    for c in counts:
        row = rows[c["inspected_unit_id"]]
        row.old, row.new = c["old"], c["new"]
        row.old_completed, row.new_completed = c["old_completed"], c["new_completed"]
    return LookBackSplit(round=round, units=list(rows.values()))


def problem_origin_q(origin: str) -> Q:
    """For problem lists and dashboards: "old" problems repeat an earlier one, "new" do not."""
    return Q(repeats__isnull=origin != "old")


def review_list_for(*, user: User, round: InspectionRound, unit: str = "", state: str = "") -> QuerySet[Problem]:
    """The look-back round's fed-back problems for the repeat review: ``state`` "linked" (a confirmed repeat),
    "open" (not linked, no decision yet), "rejected" (every proposal looked at was rejected)."""
    require_supervisor(user)
    qs = (inspection_selectors.problems_in_scope(user=user)
          .filter(inspected_unit__round=round, kind=ProblemKind.FEEDBACK)
          .select_related("inspected_unit__unit", "category", "repeats__inspected_unit__unit")
          .annotate(reviews=Count("repeat_reviews"))
          .order_by("inspected_unit__unit__path", "sort_key", "id"))
    if unit:
        qs = qs.filter(inspected_unit__unit__code=unit)
    if state == "linked":
        qs = qs.filter(repeats__isnull=False)
    elif state == "open":
        qs = qs.filter(repeats__isnull=True, reviews=0)
    elif state == "rejected":
        qs = qs.filter(repeats__isnull=True, reviews__gt=0)
    return qs


def assessments_for(*, user: User, round: InspectionRound | None = None, open_only: bool = True
                    ) -> QuerySet[FalseRectificationAssessment]:
    require_supervisor(user)
    qs = FalseRectificationAssessment.objects.select_related(
        "earlier__inspected_unit__unit", "earlier__inspected_unit__round", "review__problem", "assessed_by")
    if round is not None:
        qs = qs.filter(Q(review__problem__inspected_unit__round=round) | Q(earlier__inspected_unit__round=round))
    if open_only:
        qs = qs.filter(conclusion="")
    return qs


def with_reopened_numbers(assessments: list[FalseRectificationAssessment]) -> list[FalseRectificationAssessment]:
    """Give each assessment ``reopened``: (task id, number as the ledger writes it, e.g. 12.2) of the tasks it
    reopened, read in one query for the whole list."""
    ids = {pk for a in assessments for pk in a.reopened_tasks}
    numbers = {t["id"]: f'{t["problem__number"]}.{t["number"]}'
               for t in Task.objects.filter(pk__in=ids).values("id", "number", "problem__number")}
    for a in assessments:
        a.reopened = [(pk, numbers.get(pk, f"#{pk}")) for pk in a.reopened_tasks]
    return assessments


def assessment_get_for(*, user: User, assessment_id: int) -> FalseRectificationAssessment:
    try:
        return assessments_for(user=user, open_only=False).get(pk=assessment_id)
    except FalseRectificationAssessment.DoesNotExist:
        raise NotFound(_("未找到该虚假整改评估。")) from None


def notices_for(*, user: User, unread_only: bool = True) -> QuerySet[RepeatNotice]:
    """Notices to this user that a close-out they approved came back in a look-back."""
    qs = RepeatNotice.objects.filter(recipient=user).select_related("task__problem__inspected_unit__unit")
    return qs.filter(read_at__isnull=True) if unread_only else qs


CONFIRMED = RepeatDecision.CONFIRMED
