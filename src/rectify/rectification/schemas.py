"""API shapes of problems, tasks, evidence and close-outs, and the functions that fill them.

Builders turn what the selectors return into plain dicts keyed by the API's field names, so
the wire format is written down in one place and no query runs here beyond relations the
selectors already loaded (or, on single-object pages, one small fetch).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.urls import reverse
from django.utils.translation import gettext
from ninja import Schema
from pydantic import Field

from rectify.core.schemas import Code, OptionalFilter, Text
from rectify.inspections.models import Problem
from rectify.orgs.selectors import LeaderOfPeriod
from rectify.rectification.models import (
    ChangeRequest,
    CloseOut,
    Evidence,
    LeaderHandover,
    ProgressEntry,
    Reopening,
    Responsibility,
    Task,
)
from rectify.rectification.selectors import (
    COMPLETION_LABELS,
    PROBLEM_STATUS_LABELS,
    WARNING_LABELS,
    TaskHistory,
)

StatusCode = Literal["pending", "in_progress", "submitted", "closed"]
WarningCode = Literal["red", "yellow", "green"]
CompletionCode = Literal["completed", "basic", "incomplete"]
CloseOutStateCode = Literal["pending", "approved", "returned"]
DeadlineKindCode = Literal["immediate", "deadline", "long_term"]
ProblemKindCode = Literal["feedback", "self_found"]

MAX_LIMIT = 500


# --- query parameters ----------------------------------------------------------------------------

class Page(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"每页条数，默认 50，最大 {MAX_LIMIT}")
    offset: int = Field(0, ge=0, le=10**9, description="跳过的条数")


class ProblemQuery(Page):
    round: Annotated[Code | None, OptionalFilter] = Field(None, description="轮次编码")
    unit: Annotated[Code | None, OptionalFilter] = Field(None, description="被巡视单位编码")
    status: Annotated[StatusCode | None, OptionalFilter] = Field(
        None, description="问题状态：pending 待整改、in_progress 整改中、submitted 申请销号、closed 已销号")
    warning: Annotated[WarningCode | None, OptionalFilter] = Field(
        None, description="预警：red 红灯、yellow 黄灯、green 绿灯（已销号问题无预警）")
    category: Annotated[Code | None, OptionalFilter] = Field(
        None, description="问题类别编码，如 “2” 含其全部子类，“2.2” 只含该类")
    department: Annotated[Code | None, OptionalFilter] = Field(None, description="责任部门名称")
    q: Annotated[Code | None, OptionalFilter] = Field(None, description="在问题描述和表现中查找的关键词")
    kind: Annotated[ProblemKindCode | None, OptionalFilter] = Field(
        None, description="问题来源：feedback 巡视反馈问题、self_found 单位自查问题（举一反三）")


class CloseOutQuery(Page):
    state: Annotated[CloseOutStateCode | None, OptionalFilter] = Field(
        None, description="审核状态：pending 待审核（默认）、approved 已销号、returned 已退回")


# --- request bodies ------------------------------------------------------------------------------

class ProgressIn(Schema):
    text: Text = Field(max_length=4000, description="整改进展内容（不超过 4000 字，同网页表单）")


class CloseOutIn(Schema):
    note: Text = Field("", max_length=10000, description="销号说明：整改完成情况和达到的标准")
    no_evidence_reason: Text = Field("", max_length=10000, description="未上传佐证材料时必须填写的原因")
    version: int | None = Field(None, ge=1, le=2**31, description="读取任务时的 version，用于防止覆盖他人的修改")


class ResponsibilityIn(Schema):
    kind: Literal["leader", "department", "person"]
    name: Text = Field("", max_length=100,
                       description="责任领导姓名（须对应本单位唯一一名在任班子成员，否则 422）、部门或责任人名称（原样保存）")
    tenure: int | None = Field(None, ge=1, le=2**63 - 1,
                               description="责任领导的任职记录 ID（`GET /units/{code}/people`），给出时不看 name")
    is_lead: bool = Field(True, description="部门：true 牵头部门，false 配合部门")


class TaskIn(Schema):
    measure: Text = Field(max_length=10000, description="整改措施")
    criterion: Text = Field(max_length=10000, description="可衡量的完成标准")
    deadline_kind: DeadlineKindCode
    due_date: dt.date | None = Field(None, description="完成时限；立行立改不填时取集中整改期末日")
    milestones: Text = Field("", max_length=10000, description="阶段目标（长期坚持的任务必填）")
    review_months: int | None = Field(None, ge=1, le=60, description="评估周期（月），长期坚持的任务默认 6")
    responsibilities: list[ResponsibilityIn] = Field(default_factory=list, max_length=50)


class TaskPatchIn(Schema):
    version: int = Field(ge=1, le=2**31, description="读取任务时的 version；已被他人修改时返回 409")
    measure: Text | None = Field(None, max_length=10000)
    criterion: Text | None = Field(None, max_length=10000)
    deadline_kind: DeadlineKindCode | None = None
    due_date: dt.date | None = None
    milestones: Text | None = Field(None, max_length=10000)
    review_months: int | None = Field(None, ge=1, le=60)
    responsibilities: list[ResponsibilityIn] | None = Field(
        None, max_length=50, description="给出时整体替换责任清单")


class ChangeRequestIn(Schema):
    reason: Text = Field(max_length=2000, description="变更理由（必填）")
    due_date: dt.date | None = Field(None, description="新的完成时限")
    deadline_kind: DeadlineKindCode | None = Field(None, description="新的整改类型，如转为 long_term（长期坚持）")
    milestones: Text | None = Field(None, max_length=10000, description="阶段目标（转为长期坚持时必填）")
    review_months: int | None = Field(None, ge=1, le=60, description="评估周期（月）")


class ExtensionIn(Schema):
    due_date: dt.date = Field(description="申请延期后的完成时限（须晚于现行完成时限；转为长期坚持时为下次评估日期）")
    reason: Text = Field(max_length=2000, description="延期理由（必填）")
    deadline_kind: DeadlineKindCode | None = Field(None, description="转为长期坚持时填 long_term，并附 milestones")
    milestones: Text | None = Field(None, max_length=10000, description="阶段目标（转为长期坚持时必填）")
    review_months: int | None = Field(None, ge=1, le=60, description="评估周期（月）")


class ProblemChangeRequestIn(Schema):
    reason: Text = Field(max_length=2000, description="变更理由（必填）")
    description: Text = Field(max_length=10000, description="更正后的反馈问题表述")


class PlanActionIn(Schema):
    version: int | None = Field(None, ge=0, le=2**31, description="读取方案时的 version（未报送过为 0），用于防止重复操作")
    comment: Text = Field("", max_length=2000, description="审核意见（可选）")


class PlanReturnIn(Schema):
    version: int | None = Field(None, ge=0, le=2**31)
    reason: Text = Field(max_length=2000, description="退回理由（必填）")


class ChangeRequestQuery(Page):
    state: Annotated[Literal["pending", "approved", "refused", "withdrawn"] | None, OptionalFilter] = Field(
        None, description="审批状态：pending 待审批（默认）、approved 已批准、refused 未批准、withdrawn 已撤回")
    round: Annotated[Code | None, OptionalFilter] = Field(None, description="轮次编码（与 unit 一起使用）")
    unit: Annotated[Code | None, OptionalFilter] = Field(None, description="被巡视单位编码")


class ApproveIn(Schema):
    comment: Text = Field("", max_length=10000, description="审核意见（可选）")


class ProblemIn(Schema):
    number: Text | None = Field(None, max_length=100,
                                description="本单位的问题序号或编号（不超过 20 个字符，如 3、P01、XS-2021-03、一-2）；"
                                            "不填则取下一个序号")
    description: Text = Field(max_length=10000, description="反馈问题（问题描述）")
    kind: ProblemKindCode = Field("feedback", description="feedback 反馈问题（巡视办、纪委监委录入）；"
                                                          "self_found 自查问题（被巡视单位整改牵头人可录入）")
    category: Code | None = Field(None, description="问题类别编码（问题类别目录中的一级或二级类别，如 “2.2”）")
    occurred_from: dt.date | None = Field(None, description="问题发生起始日期")
    occurred_to: dt.date | None = Field(None, description="问题发生截止日期（不早于起始日期，不晚于今天）")
    is_common: bool = Field(False, description="是否共性问题")
    detail: Text = Field("", max_length=10000, description="问题表现")


class ReasonIn(Schema):
    reason: Text = Field(max_length=2000, description="理由（必填，不超过 2000 字，同网页表单）")


# --- responses -----------------------------------------------------------------------------------

class CategoryOut(Schema):
    code: str
    name: str


class ProblemOut(Schema):
    id: int
    round: str = Field(description="轮次编码")
    unit: str = Field(description="被巡视单位编码")
    number: str = Field(description="问题序号，按单位原样保存的编号（如 “3”、“（1）”、“P01”）")
    kind: ProblemKindCode = Field(description="问题来源：feedback 反馈问题、self_found 自查问题（不计入反馈问题完成率）")
    kind_label: str
    category: CategoryOut | None
    description: str
    status: StatusCode
    status_label: str
    warning: WarningCode | None = Field(description="最严重的未销号任务预警；问题全部销号时为 null")
    warning_label: str | None
    completion: CompletionCode = Field(description="按公开通报口径：completed 已完成、basic 基本完成、incomplete 未完成")
    completion_label: str
    has_clues: bool = Field(description="是否有相关问题线索（只是标记，线索内容仅纪委监委可见）")
    task_count: int


class ProblemList(Schema):
    items: list[ProblemOut]
    count: int = Field(description="符合条件的总数（不受分页影响）")


class ResponsibilityOut(Schema):
    kind: Literal["leader", "department", "person"]
    kind_label: str
    name: str
    is_lead: bool
    tenure: int | None = Field(description="责任领导所关联的任职记录 ID；未关联班子成员时为 null")


class TaskSummaryOut(Schema):
    id: int
    number: int
    measure: str
    criterion: str
    deadline_kind: DeadlineKindCode
    deadline_kind_label: str
    deadline: dt.date = Field(description="完成时限")
    status: StatusCode
    status_label: str
    warning: WarningCode | None = Field(description="已销号任务为 null")
    warning_label: str | None
    responsibilities: list[ResponsibilityOut]


class LeaderOfPeriodOut(Schema):
    name: str = Field(description="姓名")
    post: str = Field(description="职务")
    role: str = Field(description="principal（主要负责人）或 in_charge（分管该领域或列为责任领导的班子成员）")
    start: dt.date = Field(description="任职日期")
    end: dt.date | None = Field(description="离任日期（不含当日）；在任为 null")
    overlap_days: int = Field(description="任职期与问题发生期间重合的天数")


class ProblemDetailOut(ProblemOut):
    detail: str = Field(description="问题表现")
    cause: str = Field(description="原因分析")
    is_common: bool = Field(description="是否共性问题")
    occurred_from: dt.date | None = Field(description="问题发生起始日期")
    occurred_to: dt.date | None = Field(description="问题发生截止日期")
    principals_at_the_time: list[LeaderOfPeriodOut] = Field(
        description="问题发生期间在任的主要负责人及分管该领域（或列为责任领导）的班子成员，含已离任者，及重合天数")
    tasks: list[TaskSummaryOut]


class EvidenceOut(Schema):
    id: int
    name: str = Field(description="原文件名")
    sha256: str
    size: int = Field(description="字节数")
    content_type: str
    description: str
    uploaded_by: str
    uploaded_at: dt.datetime
    download_url: str


class CloseOutOut(Schema):
    id: int
    task: int = Field(description="任务 ID")
    state: CloseOutStateCode
    state_label: str
    note: str
    no_evidence_reason: str
    submitted_by: str
    submitted_at: dt.datetime
    reviewed_by: str | None
    reviewed_at: dt.datetime | None
    review_comment: str = Field(description="审核意见；退回时为退回理由")
    evidence: list[int] = Field(description="提交时附带的佐证材料 ID")
    evidence_ids: list[int] = Field(description="同 evidence")


class CloseOutList(Schema):
    items: list[CloseOutOut]
    count: int


class ProgressOut(Schema):
    id: int
    text: str
    author: str
    created_at: dt.datetime


class ReopeningOut(Schema):
    reason: str
    reopened_by: str
    reopened_at: dt.datetime


class ChangeRequestOut(Schema):
    id: int
    state: Literal["pending", "approved", "refused", "withdrawn"]
    state_label: str
    problem: int
    task: int | None = Field(description="为 null 表示更正问题的反馈原文")
    changes: dict[str, dict[str, Any]] = Field(description="字段 → {before, after}")
    reason: str
    source: Literal["page", "api", "import"]
    requested_by: str
    requested_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_comment: str
    is_extension: bool = Field(description="是否延期申请（完成时限推后或转为长期坚持）；同一任务的第二次延期须由纪委监委批准")


class ChangeRequestList(Schema):
    items: list[ChangeRequestOut]
    count: int
class LeaderHandoverOut(Schema):
    from_name: str = Field(description="原责任领导姓名")
    from_post: str = Field(description="原责任领导移交时的职务")
    from_tenure_id: int = Field(description="原责任领导的任职记录 ID")
    to_name: str = Field(description="接任的责任领导姓名")
    to_post: str = Field(description="接任者的职务")
    to_tenure_id: int = Field(description="接任者的任职记录 ID")
    handed_over_by: str = Field(description="办理移交的人员")
    handed_over_at: dt.datetime = Field(description="移交时间")
    note: str = Field(description="移交说明")


class TaskDetailOut(TaskSummaryOut):
    problem: int = Field(description="所属问题 ID")
    problem_id: int = Field(description="同 problem")
    original_deadline: dt.date = Field(description="原定完成时限：整改方案批准时的时限，用于超期统计（经批准调整后仍保留）")
    milestones: str = Field(description="阶段目标（长期坚持）")
    review_months: int | None = Field(description="评估周期（月，长期坚持）")
    change_requests: list[ChangeRequestOut] = Field(description="该任务的变更申请，新的在前")
    days_left: int = Field(description="距完成时限的天数，已过期为负数")
    version: int = Field(description="申请销号时回传，用于防止覆盖他人的修改")
    evidence: list[EvidenceOut]
    close_outs: list[CloseOutOut]
    progress: list[ProgressOut]
    reopenings: list[ReopeningOut]
    handovers: list[LeaderHandoverOut] = Field(description="责任领导的移交记录（班子成员变动时），先移交的在前")


# --- builders ------------------------------------------------------------------------------------

def _warning_label(warning: str | None) -> str | None:
    return gettext(WARNING_LABELS[warning]) if warning else None


def problem_out(p: Problem, *, task_count: int | None = None) -> dict:
    """A problem row from ``problem_list_for`` (derived state annotated, round/unit/category joined).

    ``task_count`` comes from ``annotate_task_count`` unless given (the detail counts its tasks).
    """
    return {
        "id": p.pk,
        "round": p.inspected_unit.round.code,
        "unit": p.inspected_unit.unit.code,
        "number": p.number,
        "kind": p.kind, "kind_label": p.get_kind_display(),
        "category": {"code": p.category.code, "name": p.category.name} if p.category_id else None,
        "description": p.description,
        "status": p.status, "status_label": str(PROBLEM_STATUS_LABELS[p.status]),  # type: ignore[attr-defined]
        "warning": p.warning, "warning_label": _warning_label(p.warning),  # type: ignore[attr-defined]
        "completion": p.completion, "completion_label": gettext(COMPLETION_LABELS[p.completion]),  # type: ignore[attr-defined]
        "has_clues": bool(p.has_clues),  # type: ignore[attr-defined]
        "task_count": p.task_count if task_count is None else task_count,  # type: ignore[attr-defined]
    }


def responsibility_out(r: Responsibility) -> dict:
    return {"kind": r.kind, "kind_label": r.get_kind_display(), "name": r.name, "is_lead": r.is_lead,
            "tenure": r.tenure_id}


def task_summary_out(task: Task, *, responsibilities: list[Responsibility] | None = None) -> dict:
    """A task annotated by ``annotate_task_state``; responsibilities as prefetched unless given."""
    rows = task.responsibilities.all() if responsibilities is None else responsibilities
    return {
        "id": task.pk, "number": task.number, "measure": task.measure, "criterion": task.criterion,
        "deadline_kind": task.deadline_kind, "deadline_kind_label": task.get_deadline_kind_display(),
        "deadline": task.due_date,
        "status": task.status, "status_label": task.get_status_display(),
        "warning": task.warning, "warning_label": _warning_label(task.warning),  # type: ignore[attr-defined]
        "responsibilities": [responsibility_out(r) for r in rows],
    }


def leader_of_period_out(leader: LeaderOfPeriod) -> dict:
    return {"name": leader.name, "post": leader.post, "role": leader.role, "start": leader.tenure.start,
            "end": leader.tenure.end, "overlap_days": leader.overlap_days}


def problem_detail_out(problem: Problem, *, leaders: list[LeaderOfPeriod]) -> dict:
    """A problem from ``problem_get_for`` (tasks and responsibilities prefetched) and its leaders of the period."""
    tasks = list(problem.tasks.all())
    return {
        **problem_out(problem, task_count=len(tasks)),
        "detail": problem.detail, "cause": problem.cause, "is_common": problem.is_common,
        "occurred_from": problem.occurred_from, "occurred_to": problem.occurred_to,
        "principals_at_the_time": [leader_of_period_out(leader) for leader in leaders],
        "tasks": [task_summary_out(t) for t in tasks],
    }


def evidence_out(e: Evidence) -> dict:
    return {
        "id": e.pk, "name": e.original_name, "sha256": e.sha256, "size": e.size, "content_type": e.content_type,
        "description": e.description, "uploaded_by": str(e.uploaded_by), "uploaded_at": e.uploaded_at,
        "download_url": reverse("api:evidence_download", kwargs={"evidence_id": e.pk}),
    }


def close_out_out(c: CloseOut) -> dict:
    """A close-out; its evidence ids come from the prefetch cache when the selector filled it."""
    evidence_ids = [e.pk for e in c.evidence.all()]
    return {
        "id": c.pk, "task": c.task_id, "state": c.state, "state_label": c.get_state_display(),
        "note": c.note, "no_evidence_reason": c.no_evidence_reason,
        "submitted_by": str(c.submitted_by), "submitted_at": c.submitted_at,
        "reviewed_by": str(c.reviewed_by) if c.reviewed_by_id else None, "reviewed_at": c.reviewed_at,
        "review_comment": c.review_comment,
        "evidence": evidence_ids, "evidence_ids": evidence_ids,
    }


def change_request_out(c: ChangeRequest) -> dict:
    return {
        "id": c.pk, "state": c.state, "state_label": c.get_state_display(), "problem": c.problem_id,
        "task": c.task_id, "changes": c.changes, "reason": c.reason, "source": c.source,
        "requested_by": c.requested_by_name, "requested_at": c.requested_at,
        "decided_by": str(c.decided_by) if c.decided_by_id else None, "decided_at": c.decided_at,
        "decision_comment": c.decision_comment, "is_extension": c.is_extension,
    }


class PlanEventOut(Schema):
    action: Literal["submitted", "approved", "returned"]
    action_label: str
    by: str
    at: dt.datetime
    comment: str = Field(description="退回理由或审核意见")
    problems: int
    tasks: int


class PlanGapsOut(Schema):
    complete: bool = Field(description="三个清单是否完整（可以报送）")
    no_tasks: int = Field(description="尚无整改任务的问题数")
    no_leader: int
    leader_unlinked: int = Field(description="责任领导未关联本单位在任班子成员的任务数")
    no_department: int
    no_person: int
    no_milestones: int = Field(description="缺阶段目标的长期坚持任务数")
    no_criterion: int = Field(description="缺完成标准的任务数")
    tasks: list[int] = Field(description="有缺项的任务 ID（最多 50 个）")
    problems: list[int] = Field(description="尚无任务的问题 ID（最多 50 个）")


class PlanOut(Schema):
    round: str
    unit: str
    state: Literal["draft", "submitted", "approved", "returned"]
    state_label: str
    version: int = Field(description="审核操作时回传（未报送过为 0）")
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    gaps: PlanGapsOut
    history: list[PlanEventOut]


def plan_out(view: Any, gaps: Any) -> dict:
    """A ``selectors.PlanView`` and its ``PlanGaps``."""
    plan = view.plan
    return {
        "round": view.inspected_unit.round.code, "unit": view.inspected_unit.unit.code,
        "state": view.state, "state_label": view.state_label, "version": view.version,
        "submitted_at": plan.submitted_at if plan else None, "approved_at": plan.approved_at if plan else None,
        "gaps": {"complete": gaps.complete, **gaps.counts, "tasks": [t.pk for t in gaps.tasks],
                 "problems": [p.pk for p in gaps.problems_without_tasks]},
        "history": [{"action": e.action, "action_label": e.get_action_display(), "by": e.actor_name, "at": e.at,
                     "comment": e.comment, "problems": e.problems, "tasks": e.tasks} for e in view.history],
    }


def progress_out(p: ProgressEntry) -> dict:
    return {"id": p.pk, "text": p.text, "author": str(p.author), "created_at": p.created_at}


def reopening_out(r: Reopening) -> dict:
    return {"reason": r.reason, "reopened_by": str(r.reopened_by), "reopened_at": r.reopened_at}


def leader_handover_out(h: LeaderHandover) -> dict:
    return {"from_name": h.from_tenure.person.name, "from_post": h.from_tenure.post.title,
            "from_tenure_id": h.from_tenure_id, "to_name": h.to_tenure.person.name, "to_post": h.to_tenure.post.title,
            "to_tenure_id": h.to_tenure_id, "handed_over_by": h.handed_over_by_name, "handed_over_at": h.handed_over_at,
            "note": h.note}


def task_detail_out(task: Task, history: TaskHistory) -> dict:
    """A task from ``task_get_for`` with everything ``task_history`` found."""
    return {
        **task_summary_out(task, responsibilities=history.responsibilities),
        "problem": task.problem_id, "problem_id": task.problem_id,
        "original_deadline": task.original_due_date,
        "milestones": task.milestones, "review_months": task.review_months,
        "change_requests": [change_request_out(c) for c in history.change_requests],
        "days_left": task.days_left,  # type: ignore[attr-defined]
        "version": task.version,
        "evidence": [evidence_out(e) for e in history.evidence],
        "close_outs": [close_out_out(c) for c in history.close_outs],
        "progress": [progress_out(p) for p in history.progress],
        "reopenings": [reopening_out(r) for r in history.reopenings],
        "handovers": [leader_handover_out(h) for h in history.handovers],
    }
