"""What is new to tell today, from the stored facts: the escalation ladder of open tasks and the review queue.

Rule 5 and scenario 2 (defaults; the round's ``notice_days`` and ``yellow_days``, the ladder settings' other
numbers). For a task due on D that is neither closed nor waiting for review:

1. D − notice_days (20): a notice to the responsible person (still green);
2. D − yellow_days (10): yellow, to the responsible person and the leader in charge;
3. D + 1 (overdue): red, to the unit lead and the unit's principal as well;
4. D + 1 + admonition_days (15) still unanswered: an admonition letter (告诫函, the ladder's letter — not the
   accountability form 诫勉) with a new final date some working days on, to the unit, and an interview proposal
   to the inspection office.

Each (task, deadline in force, stage) is told once: the key of the ``Alert`` says so, and an approved
extension (a new deadline) starts the ladder again. A task first seen at a later stage gets that stage only
(the first run after start-up sends the current state, not the history). A task submitted for close-out has
answered: it leaves the ladder and the reviewers get it instead — awaiting review at once, and a reviewer's
warning once it has waited ``RECTIFY_REVIEW_WARNING_WORKING_DAYS`` working days (the review queue's warning). A returned close-out goes back to the unit
with the reviewer's reason.

``collect(today)`` returns drafts with their recipients (user id → why); ``services.notify_run`` stores them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case, CharField, Exists, F, Max, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from rectify.accounts.models import REVIEWER_ROLES, Role, User
from rectify.core import workdays
from rectify.core.db import DaysUntil
from rectify.notifications.models import Alert, AlertKind, LadderSettings, Preference, RecipientRole
from rectify.orgs.models import Tenure
from rectify.rectification.models import (
    CloseOut,
    CloseOutState,
    Responsibility,
    ResponsibilityKind,
    Task,
    TaskStatus,
)

CHUNK = 2000
LADDER_STATUSES = (TaskStatus.PENDING, TaskStatus.IN_PROGRESS)
# Who receives each stage: the ladder escalates, the earlier recipients keep receiving.
STAGE_ROLES = {
    AlertKind.NOTICE: (RecipientRole.PERSON,),
    AlertKind.YELLOW: (RecipientRole.PERSON, RecipientRole.LEADER),
    AlertKind.RED: (RecipientRole.PERSON, RecipientRole.LEADER, RecipientRole.UNIT_LEAD, RecipientRole.PRINCIPAL),
    AlertKind.ADMONITION: (RecipientRole.PERSON, RecipientRole.LEADER, RecipientRole.UNIT_LEAD,
                           RecipientRole.PRINCIPAL),
    AlertKind.INTERVIEW: (RecipientRole.OFFICE,),
    AlertKind.AWAITING_REVIEW: (RecipientRole.REVIEWER,),
    AlertKind.REVIEW_OVERDUE: (RecipientRole.REVIEWER,),
    AlertKind.RETURNED: (RecipientRole.UNIT_LEAD, RecipientRole.SUBMITTER, RecipientRole.PERSON),
}


@dataclass(slots=True)
class Draft:
    kind: str
    key: str
    inspected_unit_id: int
    unit_id: int
    subject: str
    unit_name: str
    task_id: int | None = None
    close_out_id: int | None = None
    due_date: dt.date | None = None
    final_date: dt.date | None = None
    detail: str = ""
    waited: int | None = None
    submitter_id: int | None = None
    person_id: int | None = None  # the task's (lead) responsible person in the roster
    leader_id: int | None = None  # the task's (lead) leader in charge: the tenure's person
    recipients: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RoundLadder:
    admonition_days: int
    final_working_days: int


def round_ladder(round_id: int, rows: dict[int, LadderSettings]) -> RoundLadder:
    row = rows.get(round_id)
    if row is None:
        return RoundLadder(settings.RECTIFY_ADMONITION_DAYS, settings.RECTIFY_ADMONITION_FINAL_WORKING_DAYS)
    return RoundLadder(row.admonition_days, row.final_working_days)


def subject_of(problem_number: str, task_number: int, measure: str) -> str:
    measure = " ".join(measure.split())
    return f"{problem_number}.{task_number} {measure[:60]}"


# --- the ladder ------------------------------------------------------------------------------------

def _responsible(kind: str, task_ref: str = "pk") -> Subquery:
    """The roster person of a task's lead responsibility of ``kind`` (a leader through the tenure held)."""
    rows = (Responsibility.objects.filter(task=OuterRef(task_ref), kind=kind).order_by("-is_lead", "pk")
            .values_list(Coalesce("tenure__person_id", "person_id"))[:1])
    return Subquery(rows)


def _ladder_tasks(today: dt.date) -> list[tuple]:
    """Open tasks (not waiting for review) whose stage today has not been told for their deadline in force:
    one query, bounded by the widest notice period so the (status, due date) index gives the rows."""
    from rectify.inspections.models import InspectionRound

    widest = InspectionRound.objects.aggregate(m=Max("notice_days"))["m"] or 0
    widest = max(widest, InspectionRound.objects.aggregate(m=Max("yellow_days"))["m"] or 0)
    round_field = "problem__inspected_unit__round__"
    qs = (Task.objects.filter(status__in=LADDER_STATUSES, due_date__lte=today + dt.timedelta(days=widest))
          .annotate(days_left=DaysUntil(F("due_date"), today),
                    adm=Coalesce(F(round_field + "ladder__admonition_days"), Value(settings.RECTIFY_ADMONITION_DAYS)))
          .annotate(stage=Case(
              When(days_left__lt=-F("adm"), then=Value(AlertKind.ADMONITION.value)),
              When(days_left__lt=0, then=Value(AlertKind.RED.value)),
              When(days_left__lte=F(round_field + "yellow_days"), then=Value(AlertKind.YELLOW.value)),
              When(days_left__lte=F(round_field + "notice_days"), then=Value(AlertKind.NOTICE.value)),
              default=Value(None), output_field=CharField(null=True)))
          .filter(stage__isnull=False)
          .exclude(Exists(Alert.objects.filter(task=OuterRef("pk"), due_date=OuterRef("due_date"),
                                               kind=OuterRef("stage"))))
          .annotate(person=_responsible(ResponsibilityKind.PERSON), leader=_responsible(ResponsibilityKind.LEADER))
          .order_by())
    return list(qs.values_list("pk", "stage", "due_date", "problem__inspected_unit_id",
                               "problem__inspected_unit__unit_id", "problem__inspected_unit__unit__name",
                               "problem__number", "number", "measure", "problem__inspected_unit__round_id",
                               "days_left", "person", "leader"))


def _ladder_drafts(today: dt.date, ladders: dict[int, LadderSettings]) -> list[Draft]:
    """The ladder's letters, one per task and stage, and one interview proposal per inspected unit for the
    admonitions of the day (the office interviews a unit's principal, not a task)."""
    drafts = []
    admonished: dict[int, list[Draft]] = defaultdict(list)
    finals: dict[int, dt.date] = {}
    for (task_id, stage, due, iu_id, unit_id, unit_name, p_number, t_number, measure, round_id,
         days_left, person, leader) in _ladder_tasks(today):
        subject = subject_of(p_number, t_number, measure)
        base = {"inspected_unit_id": iu_id, "unit_id": unit_id, "unit_name": unit_name, "subject": subject,
                "task_id": task_id, "due_date": due, "person_id": person, "leader_id": leader}
        if stage == AlertKind.ADMONITION:
            if round_id not in finals:
                finals[round_id] = workdays.add_workdays(today, round_ladder(round_id, ladders).final_working_days)
            letter = Draft(kind=stage, key=f"task:{task_id}:{due}:{stage}", final_date=finals[round_id],
                           waited=-days_left, **base)
            drafts.append(letter)
            admonished[iu_id].append(letter)
        else:
            drafts.append(Draft(kind=stage, key=f"task:{task_id}:{due}:{stage}",
                                waited=-days_left if days_left < 0 else None, **base))
    for iu_id, letters in admonished.items():
        first = min(letters, key=lambda d: (d.due_date, d.task_id))
        drafts.append(Draft(kind=AlertKind.INTERVIEW, key=f"interview:{iu_id}:{today}", inspected_unit_id=iu_id,
                            unit_id=first.unit_id, unit_name=first.unit_name, subject=first.subject,
                            task_id=first.task_id if len(letters) == 1 else None, due_date=first.due_date,
                            final_date=first.final_date, waited=max(d.waited or 0 for d in letters),
                            detail=str(len(letters))))
    return drafts


# --- the review queue --------------------------------------------------------------------------

_CLOSE_OUT_FIELDS = ("pk", "task_id", "task__due_date", "task__problem__inspected_unit_id",
                     "task__problem__inspected_unit__unit_id", "task__problem__inspected_unit__unit__name",
                     "task__problem__number", "task__number", "task__measure", "task__problem__inspected_unit__round_id",
                     "submitted_at", "submitted_by_id", "review_comment", "person")


def _untold(kind: str) -> Exists:
    return Exists(Alert.objects.filter(close_out=OuterRef("pk"), kind=kind))


def _close_out_drafts(today: dt.date, ladders: dict[int, LadderSettings]) -> list[Draft]:
    from rectify.core.clock import SHANGHAI

    drafts = []

    def draft(kind: str, row: tuple, **extra: object) -> Draft:
        (co_id, task_id, due, iu_id, unit_id, unit_name, p_number, t_number, measure, _round, _at, submitter,
         _comment, person) = row
        return Draft(kind=kind, key=f"close_out:{co_id}:{kind}", inspected_unit_id=iu_id, unit_id=unit_id,
                     unit_name=unit_name, subject=subject_of(p_number, t_number, measure), task_id=task_id,
                     close_out_id=co_id, due_date=due, submitter_id=submitter, person_id=person,
                     **extra)  # type: ignore[arg-type]

    close_outs = CloseOut.objects.annotate(person=_responsible(ResponsibilityKind.PERSON, "task_id"))
    pending = close_outs.filter(state=CloseOutState.PENDING).order_by()
    for row in pending.exclude(_untold(AlertKind.AWAITING_REVIEW)).values_list(*_CLOSE_OUT_FIELDS):
        drafts.append(draft(AlertKind.AWAITING_REVIEW, row))
    # A working day is at least a calendar day: only applications older than the setting can be late.
    limit = settings.RECTIFY_REVIEW_WARNING_WORKING_DAYS
    cutoff = dt.datetime.combine(today - dt.timedelta(days=limit - 1), dt.time(), tzinfo=SHANGHAI)
    for row in (pending.filter(submitted_at__lt=cutoff).exclude(_untold(AlertKind.REVIEW_OVERDUE))
                .values_list(*_CLOSE_OUT_FIELDS)):
        waited = workdays.workdays_between(row[10].astimezone(SHANGHAI).date(), today)
        if waited >= limit:
            drafts.append(draft(AlertKind.REVIEW_OVERDUE, row, waited=waited))
    later = CloseOut.objects.filter(task=OuterRef("task"), submitted_at__gt=OuterRef("submitted_at"))
    for row in (close_outs.filter(state=CloseOutState.RETURNED).exclude(_untold(AlertKind.RETURNED))
                .exclude(Exists(later)).order_by().values_list(*_CLOSE_OUT_FIELDS)):
        drafts.append(draft(AlertKind.RETURNED, row, detail=row[12]))
    return drafts


# --- recipients --------------------------------------------------------------------------------

class Directory:
    """Who is who for a batch of drafts: a handful of queries for any number of them."""

    def __init__(self, drafts: list[Draft], today: dt.date) -> None:
        active = User.objects.filter(is_active=True)
        unit_ids = sorted({d.unit_id for d in drafts})
        self.principals: dict[int, set[int]] = defaultdict(set)  # unit -> persons
        for unit_id, person_id in (
                Tenure.objects.filter(post__unit_id__in=unit_ids, start__lte=today)
                .filter(Q(end__isnull=True) | Q(end__gt=today))
                .filter(Q(is_principal=True) | Q(is_principal__isnull=True, post__is_principal=True))
                .values_list("post__unit_id", "person_id")):
            self.principals[unit_id].add(person_id)
        # Every person with an account is few (the users), however many tasks there are.
        self.person_users: dict[int, set[int]] = defaultdict(set)
        for person_id, user_id in (Preference.objects.filter(person__isnull=False, user__is_active=True)
                                   .values_list("person_id", "user_id")):
            self.person_users[person_id].add(user_id)
        self.unit_leads: dict[int, set[int]] = defaultdict(set)
        for unit_id, user_id in active.filter(role=Role.UNIT_LEAD, unit_id__in=unit_ids).values_list("unit_id", "pk"):
            self.unit_leads[unit_id].add(user_id)
        self.reviewers = set(active.filter(role__in=REVIEWER_ROLES).values_list("pk", flat=True))
        self.office = set(active.filter(role=Role.INSPECTION_OFFICE).values_list("pk", flat=True))
        submitters = {d.submitter_id for d in drafts if d.submitter_id}
        self.active_submitters = set(active.filter(pk__in=submitters).values_list("pk", flat=True))
        self._cache: dict[tuple, dict[int, str]] = {}

    def _users_of(self, persons: set[int]) -> set[int]:
        return {u for p in persons for u in self.person_users.get(p, ())}

    def recipients(self, draft: Draft) -> dict[int, str]:
        """User id → the first (closest) role that makes the user a recipient. Drafts of one unit with the same
        people share the (read-only) answer: a first run over a province has hundreds of thousands of them."""
        key = (draft.kind, draft.unit_id, draft.person_id, draft.leader_id, draft.submitter_id)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._recipients(draft)
        return cached

    def _recipients(self, draft: Draft) -> dict[int, str]:
        found: dict[int, str] = {}
        for role in STAGE_ROLES[AlertKind(draft.kind)]:
            if role == RecipientRole.PERSON:
                users = self.person_users.get(draft.person_id, set()) if draft.person_id else set()
            elif role == RecipientRole.LEADER:
                users = self.person_users.get(draft.leader_id, set()) if draft.leader_id else set()
            elif role == RecipientRole.PRINCIPAL:
                users = self._users_of(self.principals.get(draft.unit_id, set()))
            elif role == RecipientRole.UNIT_LEAD:
                users = self.unit_leads.get(draft.unit_id, set())
            elif role == RecipientRole.SUBMITTER:
                users = {draft.submitter_id} & self.active_submitters if draft.submitter_id else set()
            elif role == RecipientRole.REVIEWER:
                users = self.reviewers
            else:
                users = self.office
            for user_id in sorted(users):
                found.setdefault(user_id, role)
        return found


def collect(today: dt.date) -> list[Draft]:
    """Every alert that is due today and was not raised before, with its recipients."""
    ladders = {row.round_id: row for row in LadderSettings.objects.all()}
    drafts = _ladder_drafts(today, ladders) + _close_out_drafts(today, ladders)
    directory = Directory(drafts, today)
    for d in drafts:
        d.recipients = directory.recipients(d)
    return drafts
