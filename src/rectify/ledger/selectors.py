"""Reads the importer compares a file against: one inspected unit's three lists, in bulk."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from rectify.inspections.models import InspectedUnit, InspectionRound, Problem, ProblemCategory
from rectify.orgs.models import OrgUnit, Person, Tenure
from rectify.rectification import selectors as rectification_selectors
from rectify.rectification.models import Task


@dataclass
class StoredTask:
    id: int
    number: int
    measure: str
    criterion: str
    deadline_kind: str
    due_date: object
    notes: str
    status: str
    progress: str  # latest progress entry text
    responsibilities: dict[str, list[str]] = field(default_factory=dict)  # leader/department/co_department/person


@dataclass
class StoredProblem:
    id: int
    number: str
    description: str
    detail: str
    cause: str
    category_id: int | None
    notes: str
    kind: str = "feedback"  # rectify.inspections.models.ProblemKind
    tasks: dict[int, StoredTask] = field(default_factory=dict)


def ledger_snapshot(*, inspected_unit: InspectedUnit | None) -> dict[str, StoredProblem]:
    """Problems of the unit by number, with tasks by number: four queries whatever the size."""
    if inspected_unit is None:
        return {}
    problems = {
        row["number"]: StoredProblem(id=row["id"], number=row["number"], description=row["description"],
                                     detail=row["detail"], cause=row["cause"], category_id=row["category_id"],
                                     notes=row["notes"], kind=row["kind"])
        for row in Problem.objects.filter(inspected_unit=inspected_unit).values(
            "id", "number", "description", "detail", "cause", "category_id", "notes", "kind")
    }
    by_id = {p.id: p for p in problems.values()}
    tasks: dict[int, StoredTask] = {}
    for row in (Task.objects.filter(problem__inspected_unit=inspected_unit)
                .annotate(latest_progress=rectification_selectors.latest_progress_text())
                .values("id", "problem_id", "number", "measure", "criterion", "deadline_kind", "due_date", "notes",
                        "status", "latest_progress")
                .iterator(chunk_size=5000)):
        task = StoredTask(id=row["id"], number=row["number"], measure=row["measure"], criterion=row["criterion"],
                          deadline_kind=row["deadline_kind"], due_date=row["due_date"], notes=row["notes"],
                          status=row["status"], progress=row["latest_progress"] or "")
        by_id[row["problem_id"]].tasks[task.number] = task
        tasks[task.id] = task
    names = rectification_selectors.responsible_names(tasks=Q(task__problem__inspected_unit=inspected_unit))
    for task_id, resp in names.items():
        tasks[task_id].responsibilities = resp
    return problems


def other_unit_names(*, round: InspectionRound, unit: OrgUnit) -> set[str]:
    """Names and short names of the round's other inspected units (to recognise a whole-round workbook)."""
    names: set[str] = set()
    for name, short_name in InspectedUnit.objects.filter(round=round).exclude(unit=unit).values_list(
            "unit__name", "unit__short_name"):
        names.update(n for n in (name, short_name) if n)
    return names


def categories_by_name() -> list[ProblemCategory]:
    return list(ProblemCategory.objects.select_related("parent").order_by("code"))


@dataclass
class UnitDirectory:
    """Names in a unit that the responsibility list can be linked to."""

    leaders: dict[str, Tenure]  # person name -> current tenure of a leadership post
    departments: dict[str, OrgUnit]  # internal office name -> org unit
    people: dict[str, Person]  # person name -> person (only names that are unique in the unit)


def unit_directory(*, unit: OrgUnit) -> UnitDirectory:
    leaders = {t.person.name: t for t in Tenure.objects.filter(post__unit=unit, end__isnull=True)
               .select_related("person")}
    departments = {u.name: u for u in OrgUnit.objects.filter(path__startswith=unit.path).exclude(pk=unit.pk)}
    counts: dict[str, list[Person]] = defaultdict(list)
    for person in Person.objects.filter(unit__path__startswith=unit.path):
        counts[person.name].append(person)
    return UnitDirectory(leaders=leaders, departments=departments,
                         people={name: ps[0] for name, ps in counts.items() if len(ps) == 1})


def ledger_import_get_for(*, user, job_id: str):  # type: ignore[no-untyped-def]
    """An upload is visible to the person who made it, and to supervisors."""
    from django.utils.translation import gettext

    from rectify.core.errors import NotFound
    from rectify.ledger.models import LedgerImport

    qs = LedgerImport.objects.select_related("created_by")
    if not (user.sees_all_units and user.is_active):
        qs = qs.filter(created_by=user)
    from django.core.exceptions import ValidationError

    try:
        return qs.get(pk=job_id)
    except (LedgerImport.DoesNotExist, ValueError, ValidationError):  # not a job id: as missing as any other
        raise NotFound(gettext("未找到该导入记录，或您无权查看。")) from None


def recent_imports_for(*, user, limit: int = 10):  # type: ignore[no-untyped-def]
    from rectify.ledger.models import LedgerImport

    qs = LedgerImport.objects.select_related("created_by")
    if not (user.sees_all_units and user.is_active):
        qs = qs.filter(created_by=user)
    return list(qs.order_by("-created_at")[:limit])
