"""The rectification plan (整改方案) and change requests (变更申请): writes, one transaction and one audit
event each, permission checked.

Plan::

    draft ──submit──▶ submitted ──approve──▶ approved
      ▲                  │
      └──── returned ◀───┘ return (reason)      returned ──submit──▶ submitted

A unit lead submits the unit's three lists once rule 1 holds (``selectors.plan_gaps``); the inspection
office or the commission approves or returns it. Approval fixes every task's deadline as its original
deadline (``Task.original_due_date``, which overdue statistics count from). After approval a task's
deadline, deadline kind (with a long-term task's stage goals and review cycle) and a fed-back problem's
text change only through a change request that the office or the commission approves — never the person
who asked. The same requests come from the pages, the API and the ledger import.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from rectify.accounts.models import User
from rectify.accounts.services import cli_operator
from rectify.audit.services import audit_record
from rectify.core import clock
from rectify.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from rectify.inspections import selectors as inspection_selectors
from rectify.inspections import services as inspection_services
from rectify.inspections.models import InspectedUnit, Problem, ProblemKind
from rectify.rectification import rollups, selectors
from rectify.rectification.models import (
    ChangeRequest,
    ChangeRequestSource,
    ChangeRequestState,
    PlanAction,
    PlanEvent,
    PlanState,
    RectificationPlan,
    Task,
    is_extension,
)
from rectify.rectification.services import OPEN_STATES, checked_deadline

CHANGE_FIELDS = ("due_date", "deadline_kind", "milestones", "review_months")
NEEDS_REQUEST = ("due_date", "deadline_kind", "review_months")  # milestones alone are edited directly
REASON_MAX = 2000


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def _reason(text: str, *, message: str, field: str = "reason") -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(message, code="reason_required", details={"field": field}).with_status(422)
    if len(text) > REASON_MAX:
        raise DomainError(_("理由不能超过 %(max)d 字。") % {"max": REASON_MAX}, code="reason_too_long",
                          details={"field": field}).with_status(422)
    return text


def _actor_name(actor: User | None) -> str:
    return str(actor) if actor is not None else str(cli_operator())


# --- the plan ------------------------------------------------------------------------------------

def _locked_plan(inspected_unit: InspectedUnit, expected_version: int | None) -> RectificationPlan:
    """The unit's plan row, locked for this transaction, created in its draft state on first use.

    ``expected_version`` is the version the user's page showed: 0 for a plan never submitted (no row yet;
    every stored row has moved at least once, so its version is 2 or more). A stale one is a Conflict.
    """
    plan, created = RectificationPlan.objects.get_or_create(inspected_unit=inspected_unit)
    plan = RectificationPlan.objects.select_for_update().get(pk=plan.pk)
    if expected_version is not None and expected_version != (0 if created else plan.version):
        raise Conflict(_("整改方案的状态已被他人更新，请刷新页面后再操作。"), code="conflict",
                       details={"plan": plan.pk, "version": plan.version, "expected_version": expected_version})
    return plan


def _move(plan: RectificationPlan, *, to_state: str, actor: User, action: str, comment: str = "",
          **values: Any) -> PlanEvent:
    before = plan.state
    updated = RectificationPlan.objects.filter(pk=plan.pk, version=plan.version).update(
        state=to_state, version=models.F("version") + 1, updated_at=clock.now(), **values)
    if updated != 1:
        raise Conflict(_("整改方案的状态已被他人更新，请刷新页面后再操作。"))
    plan.refresh_from_db()
    problems = Problem.objects.filter(inspected_unit_id=plan.inspected_unit_id).count()
    tasks = Task.objects.filter(problem__inspected_unit_id=plan.inspected_unit_id).count()
    event = PlanEvent.objects.create(plan=plan, action=action, actor=actor, actor_name=_actor_name(actor),
                                     at=clock.now(), comment=comment, problems=problems, tasks=tasks)
    audit_record(actor=actor, action=f"plan.{action}", obj=plan, before={"state": before},
                 after={"state": to_state, "comment": comment, "problems": problems, "tasks": tasks})
    return event


@transaction.atomic
def plan_submit(*, actor: User, round_code: str, unit_code: str, expected_version: int | None = None
                ) -> RectificationPlan:
    """The unit lead submits the three lists as the unit's plan, once nothing of rule 1 is missing."""
    _require(actor.can_edit_task_list, _("整改方案由被巡视单位的整改牵头人报送。"))
    inspected = inspection_selectors.inspected_unit_get_for(user=actor, round_code=round_code, unit_code=unit_code)
    plan = _locked_plan(inspected, expected_version)
    if plan.state == PlanState.SUBMITTED:
        raise Conflict(_("整改方案已报送，正在审核中。"), code="plan_under_review")
    if plan.state == PlanState.APPROVED:
        raise Conflict(_("整改方案已经批准，无需再次报送；调整完成时限等请提交变更申请。"), code="plan_approved")
    gaps = selectors.plan_gaps(inspected_unit=inspected)
    if not gaps.complete:
        parts = "；".join(f"{label} {count} 项" for _key, label, count in gaps.summary())
        raise DomainError(
            _("三个清单还不完整，不能报送：%(parts)s。请补齐后再报送（每个问题至少一项任务，每项任务须有责任领导、牵头责任部门和责任人）。")
            % {"parts": parts}, code="plan_incomplete",
            details={"gaps": gaps.counts,
                     "tasks": [t.pk for t in gaps.tasks], "problems": [p.pk for p in gaps.problems_without_tasks]},
        ).with_status(422)
    _move(plan, to_state=PlanState.SUBMITTED, actor=actor, action=PlanAction.SUBMITTED, submitted_at=clock.now())
    return plan


def _plan_for_review(actor: User, round_code: str, unit_code: str, expected_version: int | None
                     ) -> RectificationPlan:
    _require(actor.can_review_plan, _("整改方案由巡视办或纪委监委审核。"))
    inspected = inspection_selectors.inspected_unit_get_for(user=actor, round_code=round_code, unit_code=unit_code)
    plan = _locked_plan(inspected, expected_version)
    if plan.state != PlanState.SUBMITTED:
        raise Conflict(_("整改方案当前为“%(state)s”，只有待审核的方案可以批准或退回。") % {"state": plan.get_state_display()},
                       code="plan_not_submitted", details={"state": plan.state})
    last = plan.events.filter(action=PlanAction.SUBMITTED).order_by("-at", "-id").first()
    if last is not None and last.actor_id == actor.pk:
        raise PermissionDenied(_("不能审核本人报送的整改方案。"), code="four_eyes")
    return plan


@transaction.atomic
def plan_approve(*, actor: User, round_code: str, unit_code: str, comment: str = "",
                 expected_version: int | None = None) -> RectificationPlan:
    """Approve the plan: every task's deadline becomes the original deadline it is measured against."""
    plan = _plan_for_review(actor, round_code, unit_code, expected_version)
    now = clock.now()
    Task.objects.filter(problem__inspected_unit_id=plan.inspected_unit_id).exclude(
        original_due_date=models.F("due_date")).update(original_due_date=models.F("due_date"))
    rollups.refresh_unit(plan.inspected_unit_id)
    _move(plan, to_state=PlanState.APPROVED, actor=actor, action=PlanAction.APPROVED,
          comment=(comment or "").strip()[:REASON_MAX], approved_at=now)
    return plan


@transaction.atomic
def plan_return(*, actor: User, round_code: str, unit_code: str, reason: str,
                expected_version: int | None = None) -> RectificationPlan:
    """Return the plan for revision, saying what to change; the unit edits and submits again."""
    reason = _reason(reason, message=_("退回整改方案须填写退回理由，说明需要修改或补充的内容。"))
    plan = _plan_for_review(actor, round_code, unit_code, expected_version)
    _move(plan, to_state=PlanState.RETURNED, actor=actor, action=PlanAction.RETURNED, comment=reason)
    return plan


@transaction.atomic
def problem_edit(*, actor: User, problem_id: int, expected_version: int, **fields: Any) -> Problem:
    """Edit a problem's entry through its owner (``inspections.services.problem_update``), refusing a new
    fed-back text once the unit's plan is approved: that needs a change request (rule 3). A new category
    reaches the problem's rollup in the same transaction (the dashboards count by category from it)."""
    problem = selectors.problem_get_for(user=actor, problem_id=problem_id)
    text = fields.get("description")
    if (text is not None and problem.kind == ProblemKind.FEEDBACK and (text or "").strip() != problem.description
            and selectors.plan_state_of(inspected_unit_id=problem.inspected_unit_id) == PlanState.APPROVED):
        raise Conflict(_("整改方案已批准，反馈问题的表述须提出更正申请，经巡视办或纪委监委（申请人以外的人员）批准后更正。"),
                       code="change_request_required", details={"field": "description", "problem": problem.pk})
    problem = inspection_services.problem_update(actor=actor, problem_id=problem_id,
                                                 expected_version=expected_version, **fields)
    if "category" in fields:
        rollups.refresh([problem.pk])
    return problem


# --- change requests ---------------------------------------------------------------------------

def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _require_requester(actor: User | None) -> User:
    if actor is None:
        return cli_operator()
    _require(actor.can_request_changes, _("变更申请由被巡视单位的整改牵头人、巡视办或纪委监委人员提出。"))
    return actor


def _require_approved_plan(inspected_unit_id: int) -> None:
    state = selectors.plan_state_of(inspected_unit_id=inspected_unit_id)
    if state != PlanState.APPROVED:
        raise Conflict(_("整改方案尚未批准（当前为“%(state)s”）：方案批准前，整改牵头人可直接修改任务。")
                       % {"state": PlanState(state).label}, code="plan_not_approved", details={"plan": state})


def task_change_values(task: Task, requested: dict[str, Any]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The task's values with ``requested`` applied, checked by rules 2 and 3, and the changes as
    ``{field: {"before", "after"}}`` — empty when nothing that needs a request would change."""
    unknown = set(requested) - set(CHANGE_FIELDS)
    if unknown:
        raise DomainError(_("变更申请只能调整完成时限、整改类型、阶段目标和评估周期。"), code="invalid",
                          details={"field": sorted(unknown)[0]}).with_status(422)
    current = {f: getattr(task, f) for f in CHANGE_FIELDS}
    values = checked_deadline(inspected_unit=task.problem.inspected_unit, **{**current, **requested})
    changes = {f: {"before": _jsonable(current[f]), "after": _jsonable(values[f])}
               for f in CHANGE_FIELDS if values[f] != current[f]}
    if not any(f in changes for f in NEEDS_REQUEST):
        return values, {}
    return values, changes


def approved_extensions_of(*, task_id: int, exclude: int | None = None) -> int:
    """How many extensions of the task were approved before (a second one needs the commission)."""
    qs = ChangeRequest.objects.filter(task_id=task_id, is_extension=True, state=ChangeRequestState.APPROVED)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.count()


def _create(*, actor: User | None, problem: Problem, task: Task | None, changes: dict, reason: str,
            source: str) -> ChangeRequest:
    pending = ChangeRequest.objects.filter(problem=problem, task=task, state=ChangeRequestState.PENDING)
    if pending.exists():
        raise Conflict(_("已有一项待审批的变更申请，请等待审批结果或先撤回该申请。"), code="change_request_pending",
                       details={"change_request": pending.values_list("pk", flat=True).first()})
    try:
        with transaction.atomic():
            request = ChangeRequest.objects.create(
                problem=problem, task=task, changes=changes, reason=reason, source=source,
                requested_by=actor if actor is not None else None, requested_by_name=_actor_name(actor),
                requested_at=clock.now(), is_extension=task is not None and is_extension(changes))
    except IntegrityError:  # another request was filed at the same moment
        raise Conflict(_("已有一项待审批的变更申请，请等待审批结果或先撤回该申请。"),
                       code="change_request_pending") from None
    audit_record(actor=actor, action="change_request.created", obj=request, before={},
                 after={"problem": problem.pk, "task": task.pk if task else None, "changes": changes,
                        "reason": reason, "source": source, "extension": request.is_extension})
    return request


@transaction.atomic
def change_request_create(*, actor: User | None, task_id: int, reason: str, source: str = ChangeRequestSource.PAGE,
                          require_approved_plan: bool = True, **requested: Any) -> ChangeRequest:
    """Ask to move a task's deadline, change its deadline kind (e.g. convert it to long-term with stage goals
    and a review cycle) or its review cycle. ``actor`` None is the command-line operator (ledger import)."""
    requester = _require_requester(actor)
    reason = _reason(reason, message=_("请填写变更理由，说明为什么需要调整。"))
    task = selectors.task_get_for(user=requester, task_id=task_id)
    if task.status not in OPEN_STATES:
        raise Conflict(_("任务当前状态为“%(status)s”，不能申请调整。") % {"status": task.get_status_display()},
                       code="task_locked", details={"task": task.pk, "status": task.status})
    if require_approved_plan:
        _require_approved_plan(task.problem.inspected_unit_id)
    requested = {k: v for k, v in requested.items() if v is not None}
    _values, changes = task_change_values(task, requested)
    if not changes:
        raise DomainError(_("申请的内容与现行的完成时限和整改类型相同，无需变更。"), code="no_change",
                          details={"field": "due_date"}).with_status(422)
    return _create(actor=actor, problem=task.problem, task=task, changes=changes, reason=reason, source=source)


@transaction.atomic
def extension_request_create(*, actor: User | None, task_id: int, due_date: dt.date | None, reason: str,
                             deadline_kind: str | None = None, milestones: str | None = None,
                             review_months: int | None = None, source: str = ChangeRequestSource.PAGE
                             ) -> ChangeRequest:
    """延期申请: a change request for a later deadline — or, for a long-term conversion (scenario 4), the
    deadline kind 长期坚持 with its stage goals, review cycle and first review date. Anything else (an earlier
    date, the same date) is refused here: that is an ordinary change request, not an extension.

    Unlike other change requests an extension may be asked before the plan is approved (the unit lead could
    edit the date directly, but the request puts a decision by someone else on record, e.g. from an outside
    system); the plan's approval then fixes the deadline in force as the original one, as for every task."""
    if due_date is None:
        raise DomainError(_("请填写申请延期后的完成时限。"), code="due_date_required",
                          details={"field": "due_date"}).with_status(422)
    request = change_request_create(actor=actor, task_id=task_id, reason=reason, source=source, due_date=due_date,
                                    deadline_kind=deadline_kind, milestones=milestones, review_months=review_months,
                                    require_approved_plan=False)
    if not request.is_extension:
        raise DomainError(_("延期申请的完成时限须晚于现行完成时限（%(due)s）；提前或不变的调整请提交变更申请。")
                          % {"due": request.changes.get("due_date", {}).get("before") or request.task.due_date},
                          code="not_extension", details={"field": "due_date"}).with_status(422)
    return request


@transaction.atomic
def problem_change_request_create(*, actor: User | None, problem_id: int, description: str, reason: str,
                                  source: str = ChangeRequestSource.PAGE) -> ChangeRequest:
    """Ask to correct a fed-back problem's text after the plan's approval (a self-found problem's text is
    the unit's own and is edited directly)."""
    requester = _require_requester(actor)
    reason = _reason(reason, message=_("请填写变更理由，说明为什么需要更正反馈问题的表述。"))
    try:
        problem = inspection_selectors.problems_in_scope(user=requester).get(pk=problem_id)
    except Problem.DoesNotExist:
        raise NotFound(_("未找到该问题，或您无权查看。")) from None
    if problem.kind != ProblemKind.FEEDBACK:
        raise Conflict(_("自查问题的表述由本单位直接修改，无需变更申请。"), code="not_feedback")
    _require_approved_plan(problem.inspected_unit_id)
    text = (description or "").strip()
    if not text:
        raise DomainError(_("请填写更正后的反馈问题。"), code="description_required",
                          details={"field": "description"}).with_status(422)
    if text == problem.description:
        raise DomainError(_("更正后的表述与原文相同，无需变更。"), code="no_change",
                          details={"field": "description"}).with_status(422)
    changes = {"description": {"before": problem.description, "after": text}}
    return _create(actor=actor, problem=problem, task=None, changes=changes, reason=reason, source=source)


def _pending_for_decision(actor: User, change_request_id: int) -> ChangeRequest:
    _require(actor.can_decide_change_requests, _("变更申请由巡视办或纪委监委审批。"))
    request = selectors.change_request_get_for(user=actor, change_request_id=change_request_id)
    if request.state != ChangeRequestState.PENDING:
        raise Conflict(_("该变更申请已%(state)s，无需重复处理。") % {"state": request.get_state_display()},
                       code="change_request_decided", details={"state": request.state})
    if request.requested_by_id is not None and request.requested_by_id == actor.pk:
        raise PermissionDenied(_("不能审批本人提出的变更申请（须由申请人以外的人员审批）。"), code="four_eyes")
    return request


def second_extension_needs_commission(request: ChangeRequest) -> bool:
    """A pending extension of a task that already had one approved: only the commission approves it."""
    return (request.is_extension and request.task_id is not None
            and approved_extensions_of(task_id=request.task_id, exclude=request.pk) > 0)


def _finish(request: ChangeRequest, *, actor: User, state: str, comment: str) -> None:
    updated = ChangeRequest.objects.filter(pk=request.pk, state=ChangeRequestState.PENDING).update(
        state=state, decided_by=actor, decided_at=clock.now(), decision_comment=comment)
    if updated != 1:
        raise Conflict(_("该变更申请已被他人处理，请刷新页面。"), code="change_request_decided")
    request.refresh_from_db()


@transaction.atomic
def change_request_approve(*, actor: User, change_request_id: int, comment: str = "") -> ChangeRequest:
    """Apply the requested change. The original deadline stays: overdue statistics count from it, warnings
    follow the approved date."""
    request = _pending_for_decision(actor, change_request_id)
    if second_extension_needs_commission(request) and not actor.can_approve_repeated_extensions:
        raise PermissionDenied(_("该任务已延期过一次，再次延期须由纪委监委审批。"), code="second_extension_commission",
                               details={"task": request.task_id})
    comment = (comment or "").strip()[:REASON_MAX]
    if request.task_id is None:
        problem = Problem.objects.get(pk=request.problem_id)
        inspection_services.problem_update(actor=actor, problem_id=problem.pk, expected_version=problem.version,
                                           description=request.changes["description"]["after"])
    else:
        task = Task.objects.select_for_update().select_related("problem__inspected_unit__round").get(
            pk=request.task_id)
        if task.status not in OPEN_STATES:
            raise Conflict(_("任务已“%(status)s”，不能再调整；请拒绝该申请并说明原因。") % {"status": task.get_status_display()},
                           code="task_locked", details={"task": task.pk, "status": task.status})
        requested = {f: change["after"] for f, change in request.changes.items()}
        if "due_date" in requested:
            requested["due_date"] = dt.date.fromisoformat(requested["due_date"])
        values, _changes = task_change_values(task, requested)
        updated = Task.objects.filter(pk=task.pk, version=task.version, status__in=OPEN_STATES).update(
            **{f: values[f] for f in CHANGE_FIELDS}, version=models.F("version") + 1, updated_at=clock.now())
        if updated != 1:
            raise Conflict(_("任务已被他人更新，请刷新页面后再审批。"))
        rollups.refresh([task.problem_id])
    _finish(request, actor=actor, state=ChangeRequestState.APPROVED, comment=comment)
    audit_record(actor=actor, action="change_request.approved", obj=request, before={"state": "pending"},
                 after={"state": request.state, "changes": request.changes, "comment": comment,
                        "task": request.task_id, "problem": request.problem_id})
    return request


@transaction.atomic
def change_request_refuse(*, actor: User, change_request_id: int, reason: str) -> ChangeRequest:
    reason = _reason(reason, message=_("不予批准须填写理由，说明原因或应如何调整。"))
    request = _pending_for_decision(actor, change_request_id)
    _finish(request, actor=actor, state=ChangeRequestState.REFUSED, comment=reason)
    audit_record(actor=actor, action="change_request.refused", obj=request, before={"state": "pending"},
                 after={"state": request.state, "reason": reason})
    return request


@transaction.atomic
def change_request_withdraw(*, actor: User, change_request_id: int) -> ChangeRequest:
    """The requester takes back a request that is still pending."""
    request = selectors.change_request_get_for(user=actor, change_request_id=change_request_id)
    if request.requested_by_id != actor.pk:
        raise PermissionDenied(_("只有申请人本人可以撤回变更申请。"), code="not_requester")
    if request.state != ChangeRequestState.PENDING:
        raise Conflict(_("该变更申请已%(state)s，不能撤回。") % {"state": request.get_state_display()},
                       code="change_request_decided")
    updated = ChangeRequest.objects.filter(pk=request.pk, state=ChangeRequestState.PENDING).update(
        state=ChangeRequestState.WITHDRAWN, decided_at=clock.now())
    if updated != 1:
        raise Conflict(_("该变更申请已被他人处理，请刷新页面。"), code="change_request_decided")
    request.refresh_from_db()
    audit_record(actor=actor, action="change_request.withdrawn", obj=request, before={"state": "pending"},
                 after={"state": request.state})
    return request
