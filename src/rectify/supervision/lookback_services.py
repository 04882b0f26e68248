"""Look-back (回头看) decisions: a supervisor confirms or rejects that a look-back problem repeats an earlier
one, and concludes the false-rectification assessment a confirmed repeat prompts.

Confirming (scenario 6, rule 9), in one transaction:
1. the link is written through inspections (``problem_set_repeat``);
2. every closed task of the earlier problem is reopened through rectification (``task_reopen``: the old review
   chain is kept, the task is back in progress — the re-check);
3. whoever approved each reopened task's close-out is notified (``RepeatNotice``);
4. a false-rectification assessment is opened for the earlier problem when a task was reopened.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from rectify.accounts.models import User
from rectify.audit.services import audit_record
from rectify.core import clock
from rectify.core.errors import Conflict, DomainError
from rectify.inspections import services as inspection_services
from rectify.inspections.models import Problem
from rectify.rectification import services as rectification_services
from rectify.rectification.models import CloseOut, CloseOutState, Task, TaskStatus
from rectify.supervision import lookback_selectors
from rectify.supervision.models import (
    AssessmentConclusion,
    FalseRectificationAssessment,
    RepeatDecision,
    RepeatNotice,
    RepeatReview,
)

NOTE_MAX = 2000


def _clean_note(note: str, *, required: bool = False) -> str:
    note = (note or "").strip()
    if required and not note:
        raise DomainError(_("请填写理由。"), code="reason_required", details={"field": "note"})
    if len(note) > NOTE_MAX:
        raise DomainError(_("说明不能超过 %(n)d 个字。") % {"n": NOTE_MAX}, code="note_too_long", details={"field": "note"})
    return note


@transaction.atomic
def repeat_decide(*, actor: User, round_code: str, problem_id: int, earlier_id: int, decision: str,
                  note: str = "", score: float | None = None) -> RepeatReview:
    """Confirm or reject that ``problem_id`` (of the look-back round) repeats ``earlier_id``."""
    if decision not in RepeatDecision.values:
        raise DomainError(_("结论只能是 confirmed（确认为重复问题）或 rejected（不是重复问题）。"), code="invalid_decision",
                          details={"field": "decision"})
    rnd = lookback_selectors.look_back_round_for(user=actor, code=round_code)
    problem = lookback_selectors._problem_of_round(rnd, problem_id)
    if not Problem.objects.filter(pk=earlier_id, inspected_unit__round_id=rnd.look_back_of_id).exists():
        raise DomainError(_("所选原问题不属于本次“回头看”对应的轮次。"), code="invalid_earlier",
                          details={"field": "earlier"})
    note = _clean_note(note)
    now = clock.now()
    if decision == RepeatDecision.CONFIRMED and problem.repeats_id == earlier_id:
        raise Conflict(_("该问题已确认为原问题的重复问题。"), code="already_confirmed")
    review = RepeatReview.objects.create(problem=problem, earlier_id=earlier_id, decision=decision, score=score,
                                         note=note, decided_by=actor, decided_at=now)
    reopened: list[int] = []
    if decision == RepeatDecision.CONFIRMED:
        inspection_services.problem_set_repeat(actor=actor, problem_id=problem.pk, earlier_id=earlier_id)
        reopened = _reopen_earlier(actor=actor, review=review, problem=problem)
    elif problem.repeats_id == earlier_id:  # rejecting the link in force removes it
        inspection_services.problem_set_repeat(actor=actor, problem_id=problem.pk, earlier_id=None)
    audit_record(actor=actor, action=f"look_back.repeat_{decision}", obj=review,
                 after={"round": rnd.code, "problem": problem.pk, "earlier": earlier_id, "note": note,
                        "score": score, "reopened": reopened})
    return review


def _reopen_earlier(*, actor: User, review: RepeatReview, problem: Problem) -> list[int]:
    closed = list(Task.objects.filter(problem_id=review.earlier_id, status=TaskStatus.CLOSED).order_by("number"))
    if not closed:
        return []
    reason = _("“回头看”发现该问题反弹（%(round)s 问题 %(number)s），经确认为重复问题，重新打开复查。") % {
        "round": problem.inspected_unit.round.code, "number": problem.number}
    approvers: dict[int, int] = {}
    for co in (CloseOut.objects.filter(task__in=closed, state=CloseOutState.APPROVED)
               .order_by("reviewed_at", "id").values("task_id", "reviewed_by_id")):
        approvers[co["task_id"]] = co["reviewed_by_id"]  # the latest approval of each task
    now = clock.now()
    notices = []
    for task in closed:
        rectification_services.task_reopen(actor=actor, task_id=task.pk, reason=reason)
        if approvers.get(task.pk):
            notices.append(RepeatNotice(
                task=task, review=review, recipient_id=approvers[task.pk], created_at=now,
                text=_("您审核通过销号的任务（原问题 %(earlier)s 第 %(task)d 项）在“回头看”中被确认为问题反弹，已重新打开，"
                       "请配合开展虚假整改评估。") % {"earlier": review.earlier.number, "task": task.number}))
    RepeatNotice.objects.bulk_create(notices)
    FalseRectificationAssessment.objects.create(earlier_id=review.earlier_id, review=review,
                                                reopened_tasks=[t.pk for t in closed], created_at=now)
    return [t.pk for t in closed]


@transaction.atomic
def assessment_conclude(*, actor: User, assessment_id: int, conclusion: str, reason: str
                        ) -> FalseRectificationAssessment:
    """Record the false-rectification assessment's conclusion and its reason (both required)."""
    assessment = lookback_selectors.assessment_get_for(user=actor, assessment_id=assessment_id)
    if conclusion not in AssessmentConclusion.values:
        raise DomainError(_("请选择评估结论。"), code="invalid_conclusion", details={"field": "conclusion"})
    reason = _clean_note(reason, required=True)
    updated = FalseRectificationAssessment.objects.filter(pk=assessment.pk, conclusion="").update(
        conclusion=conclusion, reason=reason, assessed_by=actor, assessed_at=clock.now())
    if updated != 1:
        raise Conflict(_("该评估已有结论。"), code="already_assessed")
    assessment.refresh_from_db()
    audit_record(actor=actor, action="look_back.assessment_concluded", obj=assessment,
                 after={"earlier": assessment.earlier_id, "conclusion": conclusion, "reason": reason})
    return assessment



@transaction.atomic
def notice_mark_read(*, actor: User, notice_id: int) -> None:
    """The recipient has read a notice that a close-out they approved came back (only their own)."""
    updated = RepeatNotice.objects.filter(pk=notice_id, recipient=actor, read_at__isnull=True).update(
        read_at=clock.now())
    if updated:
        audit_record(actor=actor, action="look_back.notice_read", object_type="supervision.repeatnotice",
                     object_id=notice_id, after={"read": True})
