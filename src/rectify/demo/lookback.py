"""The demo's look-back, red flags and interviews (issue 11 §2, §4, §5).

1. Repeats: about half of the look-back problems that came back (``Problem.repeats`` from the loader) were
   confirmed by the office a few days after the feedback — their earlier closed tasks reopened for a re-check
   due by the end of the look-back's concentrated period, the original approvers notified, a
   false-rectification assessment opened (two in three concluded). The other half are left unlinked: their
   originals are the top proposals on the look-back page, for a user to confirm.
2. Red flags planted in five units (never the demo unit's own login, so its pages stay calm): a task closed
   without any progress entry, a close-out approved 25 seconds after it was submitted, one unit's close-outs all
   submitted the day before their deadline, the earlier round's minutes cited again in the look-back, a Word
   file whose own metadata dates it before the feedback. ``reappeared_in_look_back`` follows from item 1.
3. Interviews: the leading group summoned the heads of 12 units in 3 sessions — current principals and former
   heads in post while the problems happened — two held (attendance, minutes, a follow-up task), one ahead.

Written in bulk like the rest of the demo; ``before_write`` changes the tasks and histories in memory before
the loader writes them, ``after_write`` adds the rows that need their ids.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import docx
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from rectify.accounts.models import User
from rectify.core import clock
from rectify.inspections.models import InspectedUnit, Problem
from rectify.rectification.models import (
    CloseOut,
    CloseOutState,
    DeadlineKind,
    Evidence,
    Reopening,
    Responsibility,
    Task,
    TaskStatus,
)
from rectify.supervision import interview_selectors
from rectify.supervision.models import (
    AssessmentConclusion,
    EvidenceFileFacts,
    FalseRectificationAssessment,
    InterviewFollowUp,
    InterviewKind,
    InterviewParticipant,
    InterviewSession,
    InterviewUnit,
    RepeatDecision,
    RepeatNotice,
    RepeatReview,
)

NO_PROGRESS_UNIT, INSTANT_UNIT, LAST_MINUTE_UNIT, REUSED_UNIT, PREDATING_UNIT = (
    "YN-WJW", "YN-CZT", "YN-ZJT", "YN-JTTZ", "YN-SLT")
KEEP_UNCONFIRMED_IN = "YN-JYT"  # the demo unit keeps one repeat to confirm on the page
SESSIONS = [  # (title, days after the look-back feedback, units)
    ("“回头看”整改推进约谈会（第一批）", 14, ["YN-JYT", "YN-JTYST", "YN-ZRZYT", "YN-NYTZ"]),
    ("“回头看”整改推进约谈会（第二批）", 21, ["YN-ZJT", "YN-RST", "YN-STHJT", "YN-JCJT"]),
    ("“回头看”整改推进约谈会（第三批）", 77, ["YN-CZT", "YN-WJW", "YN-TZKG", "YN-NXS"]),
]
MINUTES = ("省委巡视工作领导小组组长主持约谈。通报“回头看”发现的问题，特别指出上轮巡视反馈问题整改不到位、问题反弹回潮的情况；"
           "现任主要负责人表态：对照问题清单逐项整改，举一反三；原主要负责人、原分管领导说明任职期间整改工作情况。"
           "要求各单位10日内报送整改推进计划，对整改不力的严肃追责问责。")
CONCLUSIONS = [
    (AssessmentConclusion.PERFUNCTORY, "原整改仅停发了相关补贴，未清退已发放资金、未建立长效机制，属敷衍整改。"),
    (AssessmentConclusion.INCOMPLETE, "原整改措施已落实，但制度执行不到位导致问题反弹，未发现弄虚作假。"),
    (AssessmentConclusion.FALSE, "原销号佐证材料中的清退凭证与财务账目不符，属虚假整改，移送问责。"),
]


@dataclass
class Plan:
    confirmed: list[Problem] = field(default_factory=list)
    unconfirmed: list[Problem] = field(default_factory=list)
    reopened: dict[int, list[Task]] = field(default_factory=dict)  # earlier problem id -> its reopened tasks
    approvers: dict[int, User] = field(default_factory=dict)  # id(task) -> the reviewer who closed it
    no_progress: Task | None = None
    instant: CloseOut | None = None
    last_minute: list[Task] = field(default_factory=list)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=clock.SHANGHAI)


def _code(task: Task) -> str:
    return task.problem.inspected_unit.unit.code


def before_write(rng: random.Random, *, current: list[Problem], all_tasks: list, history: Any,
                 today: dt.date, now: dt.datetime) -> Plan:
    plan = Plan()
    repeats = sorted((p for p in current if p.repeats_id), key=lambda p: (p.inspected_unit.unit.code, p.sort_key))
    for i, p in enumerate(repeats):
        keep_open = p.inspected_unit.unit.code == KEEP_UNCONFIRMED_IN and not any(
            q.inspected_unit.unit.code == KEEP_UNCONFIRMED_IN for q in plan.unconfirmed)
        (plan.unconfirmed if keep_open or i % 2 else plan.confirmed).append(p)
    approved: dict[int, CloseOut] = {}
    for close_out, _files in history.close_outs:
        if close_out.state == CloseOutState.APPROVED:
            approved[id(close_out.task)] = close_out
    earlier_ids = {p.repeats_id: p for p in plan.confirmed}
    for task, _m, _spec, _iu in all_tasks:
        look_back = earlier_ids.get(task.problem.pk)
        if look_back is None or task.status != TaskStatus.CLOSED:
            continue
        plan.approvers[id(task)] = approved[id(task)].reviewed_by
        task.status, task.closed_at = TaskStatus.IN_PROGRESS, None
        # The re-check is a new obligation due with the look-back, not an extension of the old deadline: both the
        # deadline in force and the original one move, so extension counts stay those of approved requests.
        task.due_date = task.original_due_date = look_back.inspected_unit.rectification_end
        plan.reopened.setdefault(task.problem.pk, []).append(task)

    by_task: dict[int, list[CloseOut]] = defaultdict(list)
    for close_out, _files in history.close_outs:
        by_task[id(close_out.task)].append(close_out)
    look_back_tasks = [t for t, _m, _s, iu in all_tasks if iu.round.look_back_of_id is not None]

    def closed_once(code: str) -> list[Task]:
        return [t for t in look_back_tasks if _code(t) == code and t.status == TaskStatus.CLOSED
                and len(by_task[id(t)]) == 1 and t.deadline_kind != DeadlineKind.LONG_TERM]

    # Closed without any progress entry.
    plan.no_progress = closed_once(NO_PROGRESS_UNIT)[0]
    history.progress = [e for e in history.progress if e.task is not plan.no_progress]
    # Approved 25 seconds after it was submitted.
    instant_task = closed_once(INSTANT_UNIT)[0]
    plan.instant = by_task[id(instant_task)][0]
    plan.instant.reviewed_at = plan.instant.submitted_at + dt.timedelta(seconds=25)
    instant_task.closed_at = plan.instant.reviewed_at
    # One unit applied for every close-out the day before the deadline.
    for task in closed_once(LAST_MINUTE_UNIT):
        day = by_task[id(task)][0].submitted_at.astimezone(clock.SHANGHAI).date()
        if day + dt.timedelta(days=1) > task.problem.inspected_unit.feedback_date:
            task.due_date = task.original_due_date = day + dt.timedelta(days=1)
            plan.last_minute.append(task)
    return plan


def _docx(created: dt.datetime) -> bytes:
    document = docx.Document()
    document.add_heading("党委理论学习中心组学习记录", 1)
    document.add_paragraph("学习传达巡视反馈意见，研究部署整改工作。")
    document.core_properties.created = created
    document.core_properties.author = "综合办公室"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _store(content: bytes) -> tuple[str, str]:
    sha = hashlib.sha256(content).hexdigest()
    path = f"evidence/{sha[:2]}/{sha}"
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(content))
    return path, sha


def after_write(rng: random.Random, *, plan: Plan, history: Any, all_tasks: list, today: dt.date,
                now: dt.datetime, office: User, commission: User, inspected: list[InspectedUnit]) -> dict[str, Any]:
    # --- repeats: the office's decisions, reopenings, notices, assessments ------------------------
    Problem.objects.filter(pk__in=[p.pk for p in plan.unconfirmed]).update(repeats=None)
    reviews, reopenings, notices = [], [], []
    for p in plan.confirmed:
        decided = min(now - dt.timedelta(minutes=5), _at(p.inspected_unit.feedback_date + dt.timedelta(days=5), 15))
        reviews.append(RepeatReview(problem=p, earlier_id=p.repeats_id, decision=RepeatDecision.CONFIRMED,
                                    note="与上轮巡视反馈问题性质相同，属整改不到位、问题反弹。", decided_by=office,
                                    decided_at=decided))
    RepeatReview.objects.bulk_create(reviews)
    assessments = []
    for k, review in enumerate(reviews):
        tasks = plan.reopened.get(review.earlier_id, [])
        for task in tasks:
            reason = (f"“回头看”发现该问题反弹（{review.problem.inspected_unit.round.code} 问题 {review.problem.number}），"
                      "经确认为重复问题，重新打开复查。")
            reopenings.append(Reopening(task=task, reason=reason, reopened_by=office, reopened_at=review.decided_at))
            notices.append(RepeatNotice(
                task=task, review=review, recipient=plan.approvers[id(task)], created_at=review.decided_at,
                text=f"您审核通过销号的任务（原问题 {task.problem.number} 第 {task.number} 项）在“回头看”中被确认为问题反弹，"
                     "已重新打开，请配合开展虚假整改评估。"))
        if tasks:
            conclusion, reason = CONCLUSIONS[k % 3] if k % 3 != 2 or k < 9 else ("", "")
            assessments.append(FalseRectificationAssessment(
                earlier_id=review.earlier_id, review=review, reopened_tasks=[t.pk for t in tasks],
                created_at=review.decided_at, conclusion=conclusion, reason=reason,
                assessed_by=commission if conclusion else None,
                assessed_at=min(now - dt.timedelta(minutes=1), review.decided_at + dt.timedelta(days=12))
                if conclusion else None))
    Reopening.objects.bulk_create(reopenings)
    # Most notices were read long ago; each reviewer still has the three latest to read.
    per_recipient: dict[int, int] = defaultdict(int)
    for notice in sorted(notices, key=lambda n: n.created_at, reverse=True):
        per_recipient[notice.recipient.pk] += 1
        if per_recipient[notice.recipient.pk] > 3:
            notice.read_at = min(now - dt.timedelta(minutes=1), notice.created_at + dt.timedelta(days=1))
    RepeatNotice.objects.bulk_create(notices)
    FalseRectificationAssessment.objects.bulk_create(assessments)

    # --- evidence red flags: the earlier round's minutes again, a Word file from before the feedback --------
    close_out_of = {id(c.task): c for c, _f in history.close_outs}
    earlier_file = next(e for e in history.evidence if _code(e.task) == REUSED_UNIT
                        and e.task.problem.inspected_unit.round.look_back_of_id is None)
    reused_task = next(t for t, _m, _s, iu in all_tasks if iu.unit.code == REUSED_UNIT
                       and iu.round.look_back_of_id is not None and t.status == TaskStatus.CLOSED)
    predating_task = next(t for t, _m, _s, iu in all_tasks if iu.unit.code == PREDATING_UNIT
                          and iu.round.look_back_of_id is not None and t.status == TaskStatus.CLOSED)
    planted = []
    for task, name, path, sha, size in [
        (reused_task, "党组会会议纪要（整改专题）.pdf", earlier_file.file.name, earlier_file.sha256, earlier_file.size),
        (predating_task, "党委理论学习中心组学习记录.docx",
         *_store(content := _docx(_at(predating_task.problem.inspected_unit.feedback_date - dt.timedelta(days=40),
                                      9))), len(content)),
    ]:
        submitted = close_out_of[id(task)].submitted_at
        planted.append((Evidence(task=task, file=path, original_name=name, sha256=sha, size=size,
                                 content_type="application/octet-stream", uploaded_by=close_out_of[id(task)].submitted_by,
                                 uploaded_at=submitted - dt.timedelta(hours=20)), close_out_of[id(task)]))
    Evidence.objects.bulk_create([e for e, _c in planted])
    through = CloseOut.evidence.through
    through.objects.bulk_create([through(closeout_id=c.pk, evidence_id=e.pk) for e, c in planted])
    # Metadata dates of every demo file, as the red-flag page would read them (PDFs here carry none).
    facts = {e.sha256: EvidenceFileFacts(sha256=e.sha256, created=None, source="", read_at=now)
             for e in history.evidence}
    docx_evidence = planted[1][0]
    facts[docx_evidence.sha256] = EvidenceFileFacts(
        sha256=docx_evidence.sha256, source="ooxml", read_at=now,
        created=_at(predating_task.problem.inspected_unit.feedback_date - dt.timedelta(days=40), 9))
    EvidenceFileFacts.objects.bulk_create(facts.values(), ignore_conflicts=True)

    # --- interviews: 12 units in 3 sessions, current and former heads together ---------------------
    sessions, follow_ups = _seed_interviews(rng, inspected=inspected, all_tasks=all_tasks, today=today, now=now,
                                commission=commission)
    return {
        "repeats_confirmed": len(plan.confirmed), "repeats_to_review": len(plan.unconfirmed),
        "tasks_reopened": sum(len(ts) for ts in plan.reopened.values()),
        "assessments_open": sum(not a.conclusion for a in assessments),
        "interview_sessions": sessions, "follow_up_tasks": follow_ups,
        "planted_red_flags": {"closed_without_progress": NO_PROGRESS_UNIT, "approved_instantly": INSTANT_UNIT,
                              "last_minute_close_outs": LAST_MINUTE_UNIT, "evidence_reused": REUSED_UNIT,
                              "evidence_predates_feedback": PREDATING_UNIT},
    }


def _seed_interviews(rng: random.Random, *, inspected: list[InspectedUnit], all_tasks: list, today: dt.date,
                     now: dt.datetime, commission: User) -> tuple[int, int]:
    by_code = {iu.unit.code: iu for iu in inspected}
    feedback = min(iu.feedback_date for iu in inspected)
    round_code = inspected[0].round.code
    created = follow_ups = 0
    for title, after, codes in SESSIONS:
        held_on = feedback + dt.timedelta(days=after)
        held = held_on < today
        session = InterviewSession.objects.create(
            round=inspected[0].round, kind=InterviewKind.INTERVIEW, title=title, held_on=held_on,
            place="省委巡视工作领导小组办公室会议室", convened_by="省委巡视工作领导小组组长",
            minutes=MINUTES if held else "", created_by=commission,
            created_at=min(now - dt.timedelta(minutes=1), _at(feedback + dt.timedelta(days=after - 5), 10)))
        created += 1
        participants = []
        units = InterviewUnit.objects.bulk_create([InterviewUnit(session=session, inspected_unit=by_code[code])
                                                   for code in codes])
        for code, unit in zip(codes, units, strict=True):
            iu = by_code[code]
            _iu, candidates = interview_selectors.interview_candidates_for(user=commission, round_code=round_code,
                                                                           unit_code=code)
            principals = [c for c in candidates if c.principal][:2]
            members = sorted((c for c in candidates if not c.principal), key=lambda c: -len(c.problems))[:1]
            for c in principals + members:
                absent = held and not c.current and rng.random() < 0.25
                participants.append(InterviewParticipant(
                    unit=unit, tenure=c.tenure, name=c.name, post=c.post, current=c.current,
                    overlap_days=c.overlap_days, problems=c.problems,
                    attended=(not absent) if held else None,
                    absence_reason="已调离本省，书面说明任职期间整改情况" if absent else ""))
            if held and code == "YN-JYT":
                _follow_up(unit=unit, iu=iu, all_tasks=all_tasks)
                follow_ups += 1
        InterviewParticipant.objects.bulk_create(participants)
    return created, follow_ups


def _follow_up(*, unit: InterviewUnit, iu: InspectedUnit, all_tasks: list) -> None:
    """The demo unit's follow-up after the first session: one more measure for its first problem."""
    tasks = [t for t, _m, _s, x in all_tasks if x is iu]
    problem = min((t.problem for t in tasks), key=lambda p: p.sort_key)
    own = [t for t in tasks if t.problem is problem]
    due = iu.rectification_end
    task = Task.objects.create(problem=problem, number=max(t.number for t in own) + 1,
                               measure="按照约谈要求，对照问题清单开展“回头看”自查，逐项建立整改销号台账并报送推进计划。",
                               criterion="约谈后10日内报送整改推进计划，自查台账全覆盖。",
                               deadline_kind=DeadlineKind.DEADLINE, due_date=due, original_due_date=due)
    Responsibility.objects.bulk_create([
        Responsibility(task=task, kind=r.kind, name=r.name, person_id=r.person_id, tenure_id=r.tenure_id,
                       department_id=r.department_id, is_lead=r.is_lead)
        for r in Responsibility.objects.filter(task=own[0])])
    InterviewFollowUp.objects.create(unit=unit, task=task)
