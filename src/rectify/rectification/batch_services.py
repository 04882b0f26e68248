"""Writing a whole ledger at once: the batch service the ledger importer calls.

The importer (``rectify.ledger``) reads a file and works out what it would change; this module owns the
writes — problems through ``inspections.services.problems_write_batch``, tasks, responsibility lists,
progress entries, the lifecycle transition a first progress report makes, and change requests — in the
caller's transaction, with ONE audit event holding every field-level change. The rules are the pages':
nothing changes the task list while the unit's plan is under review, and after approval a deadline or a
deadline kind changes only through a change request (which this batch files, never applies).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from rectify.accounts.models import User
from rectify.accounts.services import cli_operator
from rectify.audit.services import audit_record
from rectify.core import clock
from rectify.core.errors import Conflict, NotFound, PermissionDenied
from rectify.core.identifiers import identifier_key
from rectify.inspections import selectors as inspection_selectors
from rectify.inspections import services as inspection_services
from rectify.inspections.models import InspectedUnit
from rectify.orgs import selectors as org_selectors
from rectify.rectification import rollups, selectors
from rectify.rectification.models import (
    ChangeRequest,
    ChangeRequestSource,
    PlanState,
    ProgressEntry,
    Responsibility,
    ResponsibilityKind,
    Task,
    TaskStatus,
    is_extension,
)

BATCH = 2000
TASK_FIELDS = ("measure", "criterion", "deadline_kind", "due_date", "notes")
RESPONSIBILITY_COLUMNS = selectors.RESPONSIBLE_COLUMNS  # leader, department, co_department, person

TaskKey = int | tuple[str, int]  # a stored task's id, or (problem identifier, task number) of a new one


@dataclass
class RequestedChange:
    """A change request the batch files: for a task (``task_id``) or a problem's fed-back text."""

    problem_id: int
    task_id: int | None
    changes: dict[str, dict[str, Any]]  # field -> {"before", "after"}
    reason: str


@dataclass
class LedgerBatch:
    inspected_unit: InspectedUnit
    new_problems: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    changed_problems: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    new_tasks: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)
    changed_tasks: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    responsibilities: dict[TaskKey, dict[str, list[str]]] = field(default_factory=dict)
    progress: list[tuple[TaskKey, str]] = field(default_factory=list)
    change_requests: list[RequestedChange] = field(default_factory=list)

    @property
    def touches_task_list(self) -> bool:
        return bool(self.new_tasks or self.changed_tasks or self.responsibilities)


def _may_write(actor: User | None, inspected: InspectedUnit) -> None:
    """The command-line operator, the inspection office and the commission for any unit; a unit lead for
    its own units only."""
    if actor is None or actor.can_review_plan:
        return
    if not actor.can_edit_task_list:
        raise PermissionDenied(_("只有本单位整改牵头人、巡视办或纪委监委人员可以导入台账。"))
    if not inspection_selectors.inspected_units_for(user=actor).filter(pk=inspected.pk).exists():
        raise NotFound(_("未找到该单位，或您无权查看。"))


def link_responsibility(task_id: int, column: str, name: str, directory: org_selectors.UnitDirectory
                        ) -> Responsibility:
    """One entry of a ledger's responsibility columns, kept as written and linked to the org records when
    the name is unambiguous: a leader to the one leadership member in post with that name."""
    bare = org_selectors.bare_person_name(name)
    if column == "leader":
        tenures = directory.leaders.get(bare, [])
        tenure = tenures[0] if len({t.person_id for t in tenures}) == 1 else None
        return Responsibility(task_id=task_id, kind=ResponsibilityKind.LEADER, name=name, tenure=tenure,
                              person=tenure.person if tenure else None)
    if column in ("department", "co_department"):
        return Responsibility(task_id=task_id, kind=ResponsibilityKind.DEPARTMENT, name=name,
                              department=directory.departments.get(bare), is_lead=column == "department")
    return Responsibility(task_id=task_id, kind=ResponsibilityKind.PERSON, name=name,
                          person=directory.people.get(bare))


def _bulk_apply(changes: list[tuple[int, dict[str, Any]]], *, keep_original: bool) -> None:
    """Write field changes grouped by the set of fields changed, bumping each row's version. While the
    plan is not approved a new deadline is also the original one (there is nothing to measure against)."""
    by_fields: dict[tuple[str, ...], list[Task]] = {}
    now = clock.now()
    for pk, values in changes:
        values = dict(values)
        if not keep_original and "due_date" in values:
            values["original_due_date"] = values["due_date"]
        by_fields.setdefault(tuple(sorted(values)), []).append(Task(pk=pk, updated_at=now, **values))
    for fields, objs in by_fields.items():
        Task.objects.bulk_update(objs, [*fields, "updated_at"], batch_size=BATCH)
    ids = [pk for pk, _values in changes]
    for start in range(0, len(ids), BATCH):
        Task.objects.filter(pk__in=ids[start:start + BATCH]).update(version=models.F("version") + 1)


@transaction.atomic
def ledger_apply(*, actor: User | None, batch: LedgerBatch, audit: dict[str, Any]) -> dict[str, int]:
    """Write a planned ledger import in one transaction with one audit event (``ledger.imported``, whose
    ``after`` is ``audit`` plus what this batch filed). Returns counts of what was written."""
    inspected = batch.inspected_unit
    _may_write(actor, inspected)
    state = selectors.plan_state_of(inspected_unit_id=inspected.pk)
    if state == PlanState.SUBMITTED and batch.touches_task_list:
        raise Conflict(_("本单位的整改方案正在审核中，任务清单暂不能修改；审核退回后可以修改，批准后调整完成时限须提交变更申请。"),
                       code="plan_under_review")
    if state == PlanState.APPROVED and any({"due_date", "deadline_kind"} & set(values) for _pk, values in batch.changed_tasks):
        raise ValueError("ledger_apply: after approval deadlines change only through change requests")
    for _pk, values in batch.changed_tasks:
        if set(values) - set(TASK_FIELDS):
            raise ValueError(f"ledger_apply: unexpected task fields {sorted(set(values) - set(TASK_FIELDS))}")
    now = clock.now()
    saved_actor = actor if actor is not None and actor.pk else None

    problem_ids = inspection_services.problems_write_batch(
        inspected_unit=inspected, new=batch.new_problems, changed=batch.changed_problems)

    new_tasks = [Task(problem_id=problem_ids[identifier_key(number)], number=n, status=TaskStatus.PENDING,
                      original_due_date=values["due_date"], **values)
                 for number, n, values in batch.new_tasks]
    Task.objects.bulk_create(new_tasks, batch_size=BATCH)
    new_ids = {(identifier_key(number), n): task.pk
               for (number, n, _values), task in zip(batch.new_tasks, new_tasks, strict=True)}

    def task_id(key: TaskKey) -> int:
        return key if isinstance(key, int) else new_ids[(identifier_key(key[0]), key[1])]

    _bulk_apply(batch.changed_tasks, keep_original=state == PlanState.APPROVED)

    # Responsibility lists: the entries of tasks whose list changed are replaced, names linked.
    directory = org_selectors.unit_directory(unit=inspected.unit, day=clock.today())
    replaced = [key for key in batch.responsibilities if isinstance(key, int)]
    for start in range(0, len(replaced), BATCH):
        Responsibility.objects.filter(task_id__in=replaced[start:start + BATCH]).delete()
    rows = [link_responsibility(task_id(key), column, name, directory)
            for key, columns in batch.responsibilities.items()
            for column in RESPONSIBILITY_COLUMNS for name in columns.get(column, [])]
    Responsibility.objects.bulk_create(rows, batch_size=BATCH)

    # Progress: the first report starts a pending task (the same transition as on the task page).
    entries = [ProgressEntry(task_id=task_id(key), author=saved_actor, text=text, created_at=now)
               for key, text in batch.progress]
    ProgressEntry.objects.bulk_create(entries, batch_size=BATCH)
    started = sorted({e.task_id for e in entries})
    for start in range(0, len(started), BATCH):
        Task.objects.filter(pk__in=started[start:start + BATCH], status=TaskStatus.PENDING).update(
            status=TaskStatus.IN_PROGRESS, version=models.F("version") + 1, updated_at=now)

    requester_name = str(actor) if actor is not None else str(cli_operator())
    requests = [ChangeRequest(problem_id=c.problem_id, task_id=c.task_id, changes=c.changes, reason=c.reason,
                              source=ChangeRequestSource.IMPORT, requested_by=saved_actor,
                              requested_by_name=requester_name, requested_at=now,
                              is_extension=c.task_id is not None and is_extension(c.changes))
                for c in batch.change_requests]
    try:
        with transaction.atomic():
            ChangeRequest.objects.bulk_create(requests, batch_size=BATCH)
    except IntegrityError:  # a request was filed for one of these tasks since the dry run
        raise Conflict(_("导入期间有人为同一任务提出了变更申请，请重新检查台账后再导入。"),
                       code="change_request_pending") from None

    # The read model follows in the same transaction: every problem of the file's unit that may have changed.
    touched = {problem_ids[identifier_key(number)] for number, _n, _v in batch.new_tasks}
    touched.update(pk for pk, values in batch.changed_problems if "category_id" in values)  # rollups carry it
    moved = sorted({pk for pk, _v in batch.changed_tasks} | set(started))
    for start in range(0, len(moved), BATCH):
        touched.update(Task.objects.filter(pk__in=moved[start:start + BATCH]).values_list("problem_id", flat=True))
    rollups.refresh(touched)
    counts = {"problems_new": len(batch.new_problems), "problems_changed": len(batch.changed_problems),
              "tasks_new": len(new_tasks), "tasks_changed": len(batch.changed_tasks),
              "progress": len(entries), "started": len(started), "change_requests": len(requests)}
    audit_record(actor=actor or cli_operator(), action="ledger.imported", obj=inspected,
                 after={**audit, "written": counts,
                        "change_requests": [{"id": r.pk, "task": r.task_id, "problem": r.problem_id,
                                             "changes": r.changes} for r in requests[:5000]]})
    return counts

