"""API of the supervisors' tools of issue 11 §2, §4, §5: red flags, look-back repeat candidates and decisions,
interview candidates. Supervisors only (commission and inspection office); anyone else gets 403."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from rectify.core.schemas import WRITE_ERRORS, Code, Text
from rectify.inspections import selectors as inspection_selectors
from rectify.supervision import (
    interview_selectors,
    interview_services,
    lookback_selectors,
    lookback_services,
    redflag_selectors,
    redflag_services,
)
from rectify.supervision.redflag_selectors import RedFlag

router = Router(tags=["监督：红旗预警、回头看、约谈"])

ERRORS = WRITE_ERRORS  # 400 bad filter, 403 not a supervisor, 404 round, 409 state moved on


# --- red flags ------------------------------------------------------------------------------------

class DismissalOut(Schema):
    reason: str
    by: str
    at: dt.datetime


class RedFlagOut(Schema):
    kind: str = Field(description="evidence_reused / closed_without_progress / last_minute_close_outs / "
                                  "reappeared_in_look_back / evidence_predates_feedback / approved_instantly")
    kind_label: str
    key: str = Field(description="预警标识（排除时使用）")
    task: int = Field(description="任务 id")
    tasks: list[int] = Field(description="涉及的全部任务 id")
    task_count: int = Field(description="涉及的任务数")
    unit: str = Field(description="单位编码")
    unit_name: str
    reason: str = Field(description="触发原因")
    rows: list[dict[str, Any]] = Field(
        description=f"触发预警的记录（每条预警最多列出前 {redflag_selectors.ROWS_SHOWN} 条，总数见 row_count）")
    row_count: int = Field(description="触发预警的记录总数")
    dismissed: bool
    dismissal: DismissalOut | None


class RedFlagList(Schema):
    items: list[RedFlagOut]
    count: int = Field(description="符合条件的预警总数（分页前）")


class RedFlagFilters(Schema):
    round: Code = Field(description="轮次编码")
    kind: str | None = Field(None, description="预警类型")
    unit: str | None = Field(None, description="单位编码")
    state: str = Field("open", description="open（未排除，默认）/ dismissed / all")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0)


def red_flag_out(flag: RedFlag) -> dict[str, Any]:
    d = flag.dismissal
    return {
        "kind": flag.kind, "kind_label": flag.kind_label, "key": flag.key, "task": flag.task, "tasks": flag.tasks,
        "task_count": flag.task_count, "unit": flag.unit, "unit_name": flag.unit_name, "reason": flag.reason,
        "rows": flag.rows, "row_count": flag.row_count,
        "dismissed": d is not None,
        "dismissal": {"reason": d.reason, "by": str(d.dismissed_by), "at": d.dismissed_at} if d else None,
    }


@router.get("/red-flags", response={200: RedFlagList, **ERRORS}, summary="虚假整改/敷衍整改红旗预警",
            description="按轮次从现有记录实时计算的红旗预警，每条附触发原因和所依据的记录；仅纪委监委和巡视办可见。")
def red_flags(request: HttpRequest, filters: Annotated[RedFlagFilters, Query()]) -> dict:
    redflag_selectors.require_supervisor(request.user)
    rnd = inspection_selectors.round_get_for(user=request.user, code=filters.round)
    contents = redflag_selectors.evidence_contents_of_round(rnd)
    redflag_services.evidence_facts_catch_up(round=rnd, contents=contents)
    _rnd, flags = redflag_selectors.red_flags_for(user=request.user, round_code=filters.round, kind=filters.kind or None,
                                                  unit=filters.unit or None, state=filters.state, every_task=True,
                                                  contents=contents)
    page = flags[filters.offset:filters.offset + filters.limit]
    return {"items": [red_flag_out(f) for f in page], "count": len(flags)}


class DismissIn(Schema):
    round: Code
    key: Annotated[str, Field(max_length=200)]
    reason: Text


class DismissOut(Schema):
    id: int
    round: str
    kind: str
    key: str
    reason: str
    by: str
    at: dt.datetime


@router.post("/red-flags/dismissals", response={201: DismissOut, **ERRORS}, summary="排除红旗预警（须填写理由）")
def red_flag_dismiss(request: HttpRequest, payload: DismissIn) -> Status:
    d = redflag_services.red_flag_dismiss(actor=request.user, round_code=payload.round, key=payload.key,
                                          reason=payload.reason)
    return Status(201, {"id": d.pk, "round": payload.round, "kind": d.kind, "key": d.key, "reason": d.reason,
                 "by": str(d.dismissed_by), "at": d.dismissed_at})


# --- look-back: repeat candidates and decisions ---------------------------------------------------

class CandidateOut(Schema):
    problem: int = Field(description="原轮次问题 id")
    score: float = Field(description="综合得分：文本相似度（TF-IDF 余弦）+ 同单位、同类别加分")
    similarity: float = Field(description="文本相似度（0–1）")
    number: str
    unit: str
    unit_name: str
    category: str | None
    description: str
    same_unit: bool
    same_category: bool
    tasks: int
    closed_tasks: int
    linked: bool = Field(description="当前已确认为该问题的重复")
    decision: str = Field(description="对这一对问题的最近结论：confirmed / rejected / 空")


class CandidateList(Schema):
    problem: int
    repeats: int | None = Field(description="已确认重复的原问题 id")
    items: list[CandidateOut]
    count: int


@router.get("/rounds/{code}/repeat-candidates", response={200: CandidateList, **ERRORS},
            summary="“回头看”问题可能重复的原轮次问题",
            description="按中文文本相似度（jieba 分词 + TF-IDF 余弦）加同单位、同类别加分排序，返回原轮次最相似的 10 个问题。")
def repeat_candidates(request: HttpRequest, code: str, problem: int) -> dict:
    prob, candidates = lookback_selectors.repeat_candidates_for(user=request.user, round_code=code, problem_id=problem)
    items = [{
        "problem": c.problem.pk, "score": c.score, "similarity": c.similarity, "number": c.problem.number,
        "unit": c.problem.inspected_unit.unit.code, "unit_name": c.problem.inspected_unit.unit.name,
        "category": c.problem.category.code if c.problem.category_id else None,
        "description": c.problem.description, "same_unit": c.same_unit, "same_category": c.same_category,
        "tasks": c.tasks, "closed_tasks": c.closed_tasks, "linked": c.linked, "decision": c.decision,
    } for c in candidates]
    return {"problem": prob.pk, "repeats": prob.repeats_id, "items": items, "count": len(items)}


class RepeatDecisionIn(Schema):
    problem: int = Field(description="“回头看”问题 id")
    earlier: int = Field(description="原轮次问题 id")
    decision: str = Field(description="confirmed / rejected")
    note: Text = ""
    score: float | None = None


class RepeatDecisionOut(Schema):
    id: int
    problem: int
    earlier: int
    decision: str
    reopened_tasks: list[int]
    assessment: int | None = Field(description="因重新打开已销号任务而提示的虚假整改评估 id")
    notified: list[str] = Field(description="已通知的原销号审核人")


@router.post("/rounds/{code}/repeats", response={201: RepeatDecisionOut, **ERRORS},
             summary="确认或否定重复问题",
             description="确认后：已销号的原任务重新打开（保留原审核记录），通知原审核人，并提示虚假整改评估。")
def repeat_decide(request: HttpRequest, code: str, payload: RepeatDecisionIn) -> Status:
    review = lookback_services.repeat_decide(actor=request.user, round_code=code, problem_id=payload.problem,
                                             earlier_id=payload.earlier, decision=payload.decision,
                                             note=payload.note, score=payload.score)
    assessment = getattr(review, "assessment", None) if review.decision == "confirmed" else None
    return Status(201, {
        "id": review.pk, "problem": review.problem_id, "earlier": review.earlier_id, "decision": review.decision,
        "reopened_tasks": assessment.reopened_tasks if assessment else [],
        "assessment": assessment.pk if assessment else None,
        "notified": [str(n.recipient) for n in review.notices.select_related("recipient")],
    })


class SplitUnitOut(Schema):
    unit: str
    unit_name: str
    old: int = Field(description="旧问题整改不到位（确认为原问题重复）")
    new: int = Field(description="新发现问题")
    old_completed: int
    new_completed: int


class SplitOut(Schema):
    round: str
    old: int
    new: int
    units: list[SplitUnitOut]


@router.get("/rounds/{code}/look-back-split", response={200: SplitOut, **ERRORS},
            summary="“回头看”问题新旧划分（旧问题整改不到位 / 新发现问题）")
def look_back_split(request: HttpRequest, code: str) -> dict:
    rnd = lookback_selectors.look_back_round_for(user=request.user, code=code)
    split = lookback_selectors.look_back_split_for(user=request.user, round=rnd)
    return {"round": rnd.code, "old": split.old, "new": split.new, "units": [
        {"unit": r.inspected_unit.unit.code, "unit_name": r.inspected_unit.unit.name, "old": r.old, "new": r.new,
         "old_completed": r.old_completed, "new_completed": r.new_completed} for r in split.units]}


class AssessmentIn(Schema):
    conclusion: str = Field(description="false / perfunctory / incomplete / not_found")
    reason: Text


class AssessmentOut(Schema):
    id: int
    earlier: int
    conclusion: str
    reason: str
    reopened_tasks: list[int]


@router.post("/false-rectification-assessments/{assessment_id}/conclude", response={200: AssessmentOut, **ERRORS},
             summary="记录虚假整改评估结论")
def assessment_conclude(request: HttpRequest, assessment_id: int, payload: AssessmentIn) -> dict:
    a = lookback_services.assessment_conclude(actor=request.user, assessment_id=assessment_id,
                                              conclusion=payload.conclusion, reason=payload.reason)
    return {"id": a.pk, "earlier": a.earlier_id, "conclusion": a.conclusion, "reason": a.reason,
            "reopened_tasks": a.reopened_tasks}


# --- interviews -----------------------------------------------------------------------------------

class InterviewCandidateOut(Schema):
    name: str
    post: str = Field(description="任职时的职务")
    current: bool = Field(description="现任")
    principal: bool = Field(description="主要负责人")
    overlap_days: int = Field(description="任期与所涉问题发生期间重叠的天数")
    problems: list[int] = Field(description="所涉问题 id")
    tenure: int = Field(description="任职记录 id（安排约谈时选择）")
    start: dt.date
    last_day: dt.date | None
    departments: list[str] = Field(description="分管领域中与问题牵头部门对应的部门")


class InterviewCandidateList(Schema):
    items: list[InterviewCandidateOut]
    count: int


@router.get("/interviews/candidates", response={200: InterviewCandidateList, **ERRORS},
            summary="约谈对象建议名单",
            description="单位现任主要负责人，以及任期与所涉问题发生期间重叠的历任主要负责人和分管领导，"
                        "附重叠天数和所涉问题。不传 problems 时为该单位本轮全部问题。")
def interview_candidates(request: HttpRequest, round: Code, unit: Code, problems: str | None = None) -> dict:
    _iu, found = interview_selectors.interview_candidates_for(
        user=request.user, round_code=round, unit_code=unit,
        problem_ids=interview_selectors.parse_problem_ids(problems))
    items = [{"name": c.name, "post": c.post, "current": c.current, "principal": c.principal,
              "overlap_days": c.overlap_days, "problems": c.problems, "tenure": c.tenure.pk, "start": c.start,
              "last_day": c.last_day, "departments": c.departments} for c in found]
    return {"items": items, "count": len(items)}


class InterviewUnitIn(Schema):
    unit: Code
    problems: list[int] | None = None
    participants: list[int] = Field(description="所选约谈对象的任职记录 id")


class InterviewIn(Schema):
    round: Code
    kind: str = Field("interview", description="interview（约谈）/ reminder_talk（谈话提醒）")
    title: Text
    held_on: dt.date
    place: Text = ""
    convened_by: Text = ""
    units: list[InterviewUnitIn]


class ParticipantOut(Schema):
    id: int
    unit: str
    name: str
    post: str
    current: bool
    overlap_days: int
    problems: list[int]
    attended: bool | None


class InterviewOut(Schema):
    id: int
    round: str
    kind: str
    kind_label: str
    first_form: bool = Field(description="谈话提醒属于第一种形态，不是问责方式")
    title: str
    held_on: dt.date
    version: int
    participants: list[ParticipantOut]


def interview_out(user: Any, session_id: int) -> dict:
    session = interview_selectors.session_get_for(user=user, session_id=session_id)
    return {"id": session.pk, "round": session.round.code, "kind": session.kind,
            "kind_label": session.get_kind_display(), "first_form": session.kind == "reminder_talk",
            "title": session.title, "held_on": session.held_on, "version": session.version,
            "participants": [{"id": p.pk, "unit": u.inspected_unit.unit.code, "name": p.name, "post": p.post,
                              "current": p.current, "overlap_days": p.overlap_days, "problems": p.problems,
                              "attended": p.attended}
                             for u in session.units.all() for p in u.participants.all()]}


@router.post("/interviews", response={201: InterviewOut, **ERRORS}, summary="安排约谈或谈话提醒")
def interview_schedule(request: HttpRequest, payload: InterviewIn) -> Status:
    session = interview_services.interview_schedule(
        actor=request.user, round_code=payload.round, kind=payload.kind, title=payload.title,
        held_on=payload.held_on, place=payload.place, convened_by=payload.convened_by,
        units=[u.dict() for u in payload.units])
    return Status(201, interview_out(request.user, session.pk))


class InterviewRecordIn(Schema):
    version: int
    minutes: Text = ""
    attendance: dict[int, bool] = Field(default_factory=dict, description="约谈对象 id → 是否出席")
    absence_reasons: dict[int, str] = Field(default_factory=dict)


@router.post("/interviews/{session_id}/record", response={200: InterviewOut, **ERRORS}, summary="记录出席情况和谈话记录")
def interview_record(request: HttpRequest, session_id: int, payload: InterviewRecordIn) -> dict:
    session = interview_services.interview_record(
        actor=request.user, session_id=session_id, expected_version=payload.version, minutes=payload.minutes,
        attendance=payload.attendance, absence_reasons=payload.absence_reasons)
    return interview_out(request.user, session.pk)


class FollowUpIn(Schema):
    problem: int
    measure: Text
    criterion: Text
    deadline_kind: str = "deadline"
    due_date: dt.date


class FollowUpOut(Schema):
    id: int
    task: int
    problem: int


@router.post("/interviews/{session_id}/follow-ups", response={201: FollowUpOut, **ERRORS},
             summary="布置约谈后续整改任务（进入该单位的整改台账）")
def interview_follow_up(request: HttpRequest, session_id: int, payload: FollowUpIn) -> Status:
    f = interview_services.interview_add_follow_up(
        actor=request.user, session_id=session_id, problem_id=payload.problem, measure=payload.measure,
        criterion=payload.criterion, deadline_kind=payload.deadline_kind, due_date=payload.due_date)
    return Status(201, {"id": f.pk, "task": f.task_id, "problem": payload.problem})
