"""The rectification plan and change requests over the API: thin, like the pages."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from rectify.core.errors import DomainError, NotFound
from rectify.core.schemas import READ_ERRORS, WRITE_ERRORS, Code
from rectify.inspections import selectors as inspection_selectors
from rectify.rectification import plan_services, schemas, selectors
from rectify.rectification.models import ChangeRequestSource, ChangeRequestState

router = Router(tags=["整改方案与变更申请"])

RoundCode = Annotated[Code, Path(description="轮次编码")]
UnitCode = Annotated[Code, Path(description="被巡视单位编码")]
TaskId = Annotated[int, Path(ge=1, le=2**63 - 1, description="任务 ID")]
ProblemId = Annotated[int, Path(ge=1, le=2**63 - 1, description="问题 ID")]
ChangeRequestId = Annotated[int, Path(ge=1, le=2**63 - 1, description="变更申请 ID")]
ExtensionId = Annotated[int, Path(ge=1, le=2**63 - 1, description="延期申请 ID（即其变更申请的 ID）")]


def _plan(request: HttpRequest, code: str, unit: str) -> dict:
    view = selectors.plan_get_for(user=request.user, round_code=code, unit_code=unit)
    return schemas.plan_out(view, selectors.plan_gaps(inspected_unit=view.inspected_unit))


@router.get("/rounds/{code}/units/{unit}/plan", response={200: schemas.PlanOut, **READ_ERRORS},
            summary="整改方案：状态、缺项和审核历史",
            description="`state`：draft 编制中、submitted 待审核、approved 已批准、returned 已退回。"
                        "`gaps` 列出三个清单的缺项（每个问题至少一项任务，每项任务须有责任领导、牵头责任部门和责任人），"
                        "有缺项时不能报送。")
def plan_detail(request: HttpRequest, code: RoundCode, unit: UnitCode) -> dict:
    return _plan(request, code, unit)


@router.post("/rounds/{code}/units/{unit}/plan/submit", response={200: schemas.PlanOut, **WRITE_ERRORS},
             summary="报送整改方案",
             description="本单位整改牵头人报送。三个清单有缺项时 422（`details.gaps`）；审核中或已批准时 409。")
def plan_submit(request: HttpRequest, code: RoundCode, unit: UnitCode,
                payload: schemas.PlanActionIn | None = None) -> dict:
    plan_services.plan_submit(actor=request.user, round_code=code, unit_code=unit,
                              expected_version=payload.version if payload else None)
    return _plan(request, code, unit)


@router.post("/rounds/{code}/units/{unit}/plan/approve", response={200: schemas.PlanOut, **WRITE_ERRORS},
             summary="批准整改方案",
             description="巡视办或纪委监委批准待审核的方案；各任务的完成时限记为原定完成时限（用于超期统计）。")
def plan_approve(request: HttpRequest, code: RoundCode, unit: UnitCode,
                 payload: schemas.PlanActionIn | None = None) -> dict:
    plan_services.plan_approve(actor=request.user, round_code=code, unit_code=unit,
                               comment=payload.comment if payload else "",
                               expected_version=payload.version if payload else None)
    return _plan(request, code, unit)


@router.post("/rounds/{code}/units/{unit}/plan/return", response={200: schemas.PlanOut, **WRITE_ERRORS},
             summary="退回整改方案", description="须填写退回理由 `reason`；单位修改后重新报送。")
def plan_return(request: HttpRequest, code: RoundCode, unit: UnitCode, payload: schemas.PlanReturnIn) -> dict:
    plan_services.plan_return(actor=request.user, round_code=code, unit_code=unit, reason=payload.reason,
                              expected_version=payload.version)
    return _plan(request, code, unit)


@router.post("/tasks/{task_id}/change-requests", response={201: schemas.ChangeRequestOut, **WRITE_ERRORS},
             summary="申请调整完成时限或整改类型",
             description="整改方案批准后，调整完成时限（`due_date`）、整改类型（`deadline_kind`，如转为长期坚持，须附"
                         "`milestones` 阶段目标）或评估周期须提出变更申请并说明 `reason`，由巡视办或纪委监委"
                         "（申请人以外的人员）批准。方案未批准时 409 `plan_not_approved`（可直接修改任务）；"
                         "同一任务已有待审批的申请时 409 `change_request_pending`。")
def task_change_request(request: HttpRequest, task_id: TaskId, payload: schemas.ChangeRequestIn) -> Status[dict]:
    change = plan_services.change_request_create(
        actor=request.user, task_id=task_id, reason=payload.reason, source=ChangeRequestSource.API,
        due_date=payload.due_date, deadline_kind=payload.deadline_kind, milestones=payload.milestones,
        review_months=payload.review_months)
    return Status(201, schemas.change_request_out(change))


@router.post("/tasks/{task_id}/extension", response={201: schemas.ChangeRequestOut, **WRITE_ERRORS},
             tags=["延期申请"], summary="申请延期（或转为长期坚持）",
             description="延期申请是一项变更申请：`due_date` 须晚于现行完成时限（否则 422 `not_extension`），"
                         "`reason` 必填；转为长期坚持时再给 `deadline_kind: long_term`、`milestones` 阶段目标和"
                         "`review_months`，`due_date` 为下次评估日期。由巡视办或纪委监委（申请人以外的人员）批准；"
                         "同一任务的第二次延期须由纪委监委批准。预警按批准后的时限，超期统计按原定完成时限。"
                         "整改方案批准前也可以申请。")
def task_extension(request: HttpRequest, task_id: TaskId, payload: schemas.ExtensionIn) -> Status[dict]:
    change = plan_services.extension_request_create(
        actor=request.user, task_id=task_id, due_date=payload.due_date, reason=payload.reason,
        deadline_kind=payload.deadline_kind, milestones=payload.milestones, review_months=payload.review_months,
        source=ChangeRequestSource.API)
    return Status(201, schemas.change_request_out(change))


def _extension(request: HttpRequest, extension_id: int) -> None:
    """The id names an extension (a task's change request marked as one), or it is 404."""
    change = selectors.change_request_get_for(user=request.user, change_request_id=extension_id)
    if not change.is_extension:
        raise NotFound("未找到该延期申请，或您无权查看。")


@router.post("/extensions/{extension_id}/approve", response={200: schemas.ChangeRequestOut, **WRITE_ERRORS},
             tags=["延期申请"], summary="批准延期申请",
             description="巡视办或纪委监委批准；申请人本人不能批准（403 `four_eyes`）；该任务已延期过一次的，"
                         "只有纪委监委可以批准（403 `second_extension_commission`）。请求体可为空或 `{\"comment\": ...}`。")
def extension_approve(request: HttpRequest, extension_id: ExtensionId,
                      payload: schemas.ApproveIn | None = None) -> dict:
    _extension(request, extension_id)
    change = plan_services.change_request_approve(actor=request.user, change_request_id=extension_id,
                                                  comment=payload.comment if payload else "")
    return schemas.change_request_out(change)


@router.post("/extensions/{extension_id}/refuse", response={200: schemas.ChangeRequestOut, **WRITE_ERRORS},
             tags=["延期申请"], summary="不予批准延期申请", description="须填写理由 `reason`；申请人本人不能处理。")
def extension_refuse(request: HttpRequest, extension_id: ExtensionId, payload: schemas.ReasonIn) -> dict:
    _extension(request, extension_id)
    change = plan_services.change_request_refuse(actor=request.user, change_request_id=extension_id,
                                                 reason=payload.reason)
    return schemas.change_request_out(change)


@router.post("/problems/{problem_id}/change-requests", response={201: schemas.ChangeRequestOut, **WRITE_ERRORS},
             summary="申请更正反馈问题的表述",
             description="整改方案批准后，更正反馈问题原文须提出变更申请，由巡视办或纪委监委（申请人以外的人员）批准。")
def problem_change_request(request: HttpRequest, problem_id: ProblemId,
                           payload: schemas.ProblemChangeRequestIn) -> Status[dict]:
    change = plan_services.problem_change_request_create(
        actor=request.user, problem_id=problem_id, description=payload.description, reason=payload.reason,
        source=ChangeRequestSource.API)
    return Status(201, schemas.change_request_out(change))


@router.get("/change-requests", response={200: schemas.ChangeRequestList, **READ_ERRORS},
            summary="变更申请列表", description="您可见范围内的变更申请；默认待审批的，先提出的在前。")
def change_request_list(request: HttpRequest, filters: Query[schemas.ChangeRequestQuery]) -> dict:
    inspected_id = None
    if filters.round or filters.unit:
        if not (filters.round and filters.unit):
            raise DomainError("round 和 unit 须同时给出。", code="invalid", details={"field": "unit"}).with_status(422)
        inspected_id = inspection_selectors.inspected_unit_get_for(
            user=request.user, round_code=filters.round, unit_code=filters.unit).pk
    qs = selectors.change_request_list_for(user=request.user, state=filters.state or ChangeRequestState.PENDING,
                                           inspected_unit_id=inspected_id)
    page = list(qs[filters.offset:filters.offset + filters.limit])
    return {"items": [schemas.change_request_out(c) for c in page], "count": qs.count()}


@router.get("/change-requests/{change_request_id}", response={200: schemas.ChangeRequestOut, **READ_ERRORS},
            summary="变更申请详情")
def change_request_detail(request: HttpRequest, change_request_id: ChangeRequestId) -> dict:
    return schemas.change_request_out(
        selectors.change_request_get_for(user=request.user, change_request_id=change_request_id))


@router.post("/change-requests/{change_request_id}/approve", response={200: schemas.ChangeRequestOut, **WRITE_ERRORS},
             summary="批准变更申请",
             description="巡视办或纪委监委批准；申请人本人不能批准（403 `four_eyes`）。任务的原定完成时限保留。"
                         "请求体可为空，或 `{\"comment\": ...}`。")
def change_request_approve(request: HttpRequest, change_request_id: ChangeRequestId,
                           payload: schemas.ApproveIn | None = None) -> dict:
    change = plan_services.change_request_approve(actor=request.user, change_request_id=change_request_id,
                                                  comment=payload.comment if payload else "")
    return schemas.change_request_out(change)


@router.post("/change-requests/{change_request_id}/refuse", response={200: schemas.ChangeRequestOut, **WRITE_ERRORS},
             summary="不予批准变更申请", description="须填写理由 `reason`。")
def change_request_refuse(request: HttpRequest, change_request_id: ChangeRequestId,
                          payload: schemas.ReasonIn) -> dict:
    change = plan_services.change_request_refuse(actor=request.user, change_request_id=change_request_id,
                                                 reason=payload.reason)
    return schemas.change_request_out(change)


@router.post("/change-requests/{change_request_id}/withdraw",
             response={200: schemas.ChangeRequestOut, **WRITE_ERRORS}, summary="撤回变更申请",
             description="申请人本人撤回尚待审批的申请。")
def change_request_withdraw(request: HttpRequest, change_request_id: ChangeRequestId) -> dict:
    change = plan_services.change_request_withdraw(actor=request.user, change_request_id=change_request_id)
    return schemas.change_request_out(change)
