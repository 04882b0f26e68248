"""Reads the importer compares a file against: one inspected unit's three lists, in bulk."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from rectify.inspections.models import InspectedUnit, InspectionRound, Problem, ProblemCategory
from rectify.orgs.models import OrgUnit
from rectify.rectification import selectors as rectification_selectors
from rectify.rectification.models import ChangeRequest, ChangeRequestState, Task


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
    milestones: str = ""
    pending_change: dict | None = None  # the changes of a change request awaiting a decision


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
    pending_description: str | None = None  # the text a pending change request asks for


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
                        "status", "latest_progress", "milestones")
                .iterator(chunk_size=5000)):
        task = StoredTask(id=row["id"], number=row["number"], measure=row["measure"], criterion=row["criterion"],
                          deadline_kind=row["deadline_kind"], due_date=row["due_date"], notes=row["notes"],
                          status=row["status"], progress=row["latest_progress"] or "", milestones=row["milestones"])
        by_id[row["problem_id"]].tasks[task.number] = task
        tasks[task.id] = task
    names = rectification_selectors.responsible_names(tasks=Q(task__problem__inspected_unit=inspected_unit))
    for task_id, resp in names.items():
        tasks[task_id].responsibilities = resp
    for problem_id, task_id, changes in ChangeRequest.objects.filter(
            problem__inspected_unit=inspected_unit, state=ChangeRequestState.PENDING).values_list(
            "problem_id", "task_id", "changes"):
        if task_id is None:
            by_id[problem_id].pending_description = changes.get("description", {}).get("after")
        else:
            tasks[task_id].pending_change = changes
    return problems


def province_root() -> OrgUnit | None:
    """Where a unit created by an import goes: under the first province of the tree (or at the top)."""
    from rectify.orgs.models import OrgKind

    return OrgUnit.objects.filter(kind=OrgKind.PROVINCE).order_by("path").first()


def other_unit_names(*, round: InspectionRound, unit: OrgUnit) -> set[str]:
    """Names and short names of the round's other inspected units (to recognise a whole-round workbook)."""
    names: set[str] = set()
    for name, short_name in InspectedUnit.objects.filter(round=round).exclude(unit=unit).values_list(
            "unit__name", "unit__short_name"):
        names.update(n for n in (name, short_name) if n)
    return names


def categories_by_name() -> list[ProblemCategory]:
    return list(ProblemCategory.objects.select_related("parent").order_by("code"))


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


def ledger_export_get_for(*, user, job_id: str):  # type: ignore[no-untyped-def]
    """An export is its requester's: it holds what their scope let them see."""
    from django.utils.translation import gettext

    from rectify.core.errors import NotFound
    from rectify.ledger.models import LedgerExport

    try:
        return LedgerExport.objects.select_related("created_by").get(pk=job_id, created_by=user)
    except (LedgerExport.DoesNotExist, ValueError):
        raise NotFound(gettext("未找到该导出记录，或您无权查看。")) from None


def ledger_export_open_for(*, user, job_id: str):  # type: ignore[no-untyped-def]
    """A finished export and its file opened for reading; NotFound while it is not done or if the file is gone."""
    from django.utils.translation import gettext

    from rectify.core.errors import NotFound
    from rectify.ledger.models import ImportState

    job = ledger_export_get_for(user=user, job_id=job_id)
    if job.state != ImportState.DONE or not job.file:
        raise NotFound(gettext("导出尚未完成。"), code="not_ready")
    try:
        return job, job.file.open("rb")
    except FileNotFoundError:
        raise NotFound(gettext("导出文件已不在存储中，请重新导出。"), code="file_missing") from None
