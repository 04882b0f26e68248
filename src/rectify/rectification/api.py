"""Problems, tasks, evidence and close-outs over the API.

Thin like the pages: every read goes through a scoped selector, every write through a
service (which checks the permission and records the audit event); domain errors become JSON
error bodies in ``rectify.api``. Missing and out-of-scope objects are both 404.
"""

from __future__ import annotations

from typing import Annotated

from django.http import FileResponse, HttpRequest
from ninja import File, Form, Path, Query, Router, Status
from ninja.files import UploadedFile

from rectify.core.schemas import READ_ERRORS, WRITE_ERRORS, Code, Text
from rectify.inspections import selectors as inspection_selectors
from rectify.inspections import services as inspection_services
from rectify.rectification import schemas, selectors, services
from rectify.rectification.models import CloseOutState

router = Router(tags=["整改"])

TaskId = Annotated[int, Path(ge=1, le=2**63 - 1, description="任务 ID")]
ProblemId = Annotated[int, Path(ge=1, le=2**63 - 1, description="问题 ID")]
CloseOutId = Annotated[int, Path(ge=1, le=2**63 - 1, description="销号申请 ID")]
EvidenceId = Annotated[int, Path(ge=1, le=2**63 - 1, description="佐证材料 ID")]


# --- problems ------------------------------------------------------------------------------------

@router.get("/problems", response={200: schemas.ProblemList, **READ_ERRORS}, tags=["问题清单"],
            summary="问题清单（可筛选、分页）",
            description="您可见范围内的问题及其状态、预警、完成情况，按轮次、单位、序号排序。"
                        "`has_clues` 只是有无线索的标记，对所有角色可见。")
def problem_list(request: HttpRequest, filters: Query[schemas.ProblemQuery]) -> dict:
    qs = selectors.problem_list_for(user=request.user, filters=selectors.ProblemFilters(
        round_code=filters.round, unit_code=filters.unit, status=filters.status, warning=filters.warning,
        category_code=filters.category, department=filters.department, query=filters.q, kind=filters.kind,
    ))
    page = selectors.annotate_task_count(qs)[filters.offset:filters.offset + filters.limit]
    return {"items": [schemas.problem_out(p) for p in page], "count": qs.count()}


@router.get("/problems/{problem_id}", response={200: schemas.ProblemDetailOut, **READ_ERRORS},
            tags=["问题清单"], summary="问题详情及其整改任务")
def problem_detail(request: HttpRequest, problem_id: ProblemId) -> dict:
    problem = selectors.problem_get_for(user=request.user, problem_id=problem_id)
    return schemas.problem_detail_out(problem, leaders=selectors.problem_leaders_of_period(problem=problem))


@router.post("/rounds/{code}/units/{unit}/problems", response={201: schemas.ProblemDetailOut, **WRITE_ERRORS},
             tags=["问题清单"], summary="录入问题",
             description="巡视办、纪委监委录入反馈问题（`kind` 默认 feedback）；被巡视单位整改牵头人只能录入"
                         "自查问题（`kind: self_found`，否则 403）。`number` 是本单位的编号（字符串，不超过 20 个字符，"
                         "不填则取下一个序号），同单位内不能重复（409）。返回新问题，含 `id`。")
def problem_create(
    request: HttpRequest, code: Annotated[Code, Path(description="轮次编码")],
    unit: Annotated[Code, Path(description="被巡视单位编码")], payload: schemas.ProblemIn,
) -> Status[dict]:
    inspected = inspection_selectors.inspected_unit_get_for(user=request.user, round_code=code, unit_code=unit)
    problem = inspection_services.problem_create(
        actor=request.user, inspected_unit=inspected, number=payload.number, description=payload.description,
        kind=payload.kind, category=payload.category, occurred_from=payload.occurred_from,
        occurred_to=payload.occurred_to, is_common=payload.is_common, detail=payload.detail,
    )
    created = selectors.problem_get_for(user=request.user, problem_id=problem.pk)
    return Status(201, schemas.problem_detail_out(created, leaders=selectors.problem_leaders_of_period(problem=created)))


# --- tasks ---------------------------------------------------------------------------------------

@router.get("/tasks/{task_id}", response={200: schemas.TaskDetailOut, **READ_ERRORS}, tags=["整改任务"],
            summary="整改任务详情",
            description="任务的时限、状态、预警、责任清单、佐证材料、销号申请与审核记录、整改进展。")
def task_detail(request: HttpRequest, task_id: TaskId) -> dict:
    task = selectors.task_get_for(user=request.user, task_id=task_id)
    return schemas.task_detail_out(task, selectors.task_history(task=task))


@router.post("/problems/{problem_id}/tasks", response={201: schemas.TaskDetailOut, **WRITE_ERRORS},
             tags=["整改任务"], summary="新增整改任务",
             description="本单位整改牵头人新增任务；`leader` 须对应本单位唯一一名在任班子成员（否则 422）。")
def task_create(request: HttpRequest, problem_id: ProblemId, payload: schemas.TaskIn) -> Status[dict]:
    task = services.task_create(actor=request.user, problem_id=problem_id, measure=payload.measure,
                                criterion=payload.criterion, deadline_kind=payload.deadline_kind,
                                due_date=payload.due_date, milestones=payload.milestones,
                                review_months=payload.review_months,
                                responsibilities=[r.dict() for r in payload.responsibilities])
    task = selectors.task_get_for(user=request.user, task_id=task.pk)
    return Status(201, schemas.task_detail_out(task, selectors.task_history(task=task)))


@router.patch("/tasks/{task_id}", response={200: schemas.TaskDetailOut, **WRITE_ERRORS}, tags=["整改任务"],
              summary="修改整改任务",
              description="传入读取时的 `version`；已被他人修改时 409 `conflict`，`details.changed` 列出此后的改动。"
                          "给出 `responsibilities` 时整体替换责任清单。整改方案审核中时 409 `plan_under_review`；"
                          "方案批准后调整 `due_date`、`deadline_kind` 或 `review_months` 时 409 "
                          "`change_request_required`（请用 `POST /tasks/{id}/change-requests`）。")
def task_patch(request: HttpRequest, task_id: TaskId, payload: schemas.TaskPatchIn) -> dict:
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    responsibilities = fields.pop("responsibilities", None)
    task = services.task_update(actor=request.user, task_id=task_id, expected_version=version,
                                responsibilities=responsibilities, **fields)
    return schemas.task_detail_out(task, selectors.task_history(task=task))


@router.post("/tasks/{task_id}/progress", response={201: schemas.ProgressOut, **WRITE_ERRORS},
             tags=["整改任务"], summary="填报整改进展",
             description="被巡视单位整改人员填报；第一次填报使任务进入“整改中”。")
def task_progress(request: HttpRequest, task_id: TaskId, payload: schemas.ProgressIn) -> Status[dict]:
    entry = services.task_add_progress(actor=request.user, task_id=task_id, text=payload.text)
    return Status(201, schemas.progress_out(entry))


@router.post("/tasks/{task_id}/evidence", response={201: schemas.EvidenceOut, **WRITE_ERRORS},
             tags=["佐证材料"], summary="上传佐证材料",
             description="multipart/form-data：文件字段 `file`，可选说明字段 `description`。"
                         "同一任务不能重复上传内容相同的文件。")
def task_evidence(
    request: HttpRequest, task_id: TaskId, file: File[UploadedFile],
    # The default goes inside Form(): with a validated type (Text) a signature default is lost.
    description: Annotated[Text, Form("", description="材料说明（可选）")],
) -> Status[dict]:
    evidence = services.evidence_upload(actor=request.user, task_id=task_id, file=file, name=file.name or "",
                                        description=description)
    return Status(201, schemas.evidence_out(evidence))


@router.post("/tasks/{task_id}/close-out", response={201: schemas.CloseOutOut, **WRITE_ERRORS},
             tags=["销号审核"], summary="申请销号",
             description="整改牵头人申请销号：须已上传佐证材料，或填写 `no_evidence_reason`。"
                         "传入读取任务时的 `version`，若任务已被他人更新则返回 409。")
def task_close_out(request: HttpRequest, task_id: TaskId, payload: schemas.CloseOutIn) -> Status[dict]:
    close_out = services.close_out_submit(actor=request.user, task_id=task_id, note=payload.note,
                                          no_evidence_reason=payload.no_evidence_reason,
                                          expected_version=payload.version)
    return Status(201, schemas.close_out_out(close_out))


@router.post("/tasks/{task_id}/reopen", response={200: schemas.TaskDetailOut, **WRITE_ERRORS},
             tags=["整改任务"], summary="重新打开已销号任务",
             description="巡视办或纪委监委监督人员重新打开已销号任务（如“回头看”发现问题反弹），须填写原因；"
                         "原审核记录保留。返回重新打开后的任务。")
def task_reopen(request: HttpRequest, task_id: TaskId, payload: schemas.ReasonIn) -> dict:
    services.task_reopen(actor=request.user, task_id=task_id, reason=payload.reason)
    task = selectors.task_get_for(user=request.user, task_id=task_id)
    return schemas.task_detail_out(task, selectors.task_history(task=task))


# --- evidence ------------------------------------------------------------------------------------

@router.get("/evidence/{evidence_id}/download", url_name="evidence_download",
            response={200: None, **READ_ERRORS}, tags=["佐证材料"], summary="下载佐证材料",
            openapi_extra={"responses": {200: {"description": "文件内容",
                                               "content": {"application/octet-stream": {}}}}})
def evidence_download(request: HttpRequest, evidence_id: EvidenceId) -> FileResponse:
    evidence, handle = selectors.evidence_open_for(user=request.user, evidence_id=evidence_id)
    return FileResponse(handle, as_attachment=True, filename=evidence.original_name,
                        content_type=evidence.content_type)


# --- close-outs ----------------------------------------------------------------------------------

@router.get("/close-outs", response={200: schemas.CloseOutList, **READ_ERRORS}, tags=["销号审核"],
            summary="销号审核队列",
            description="待审核的销号申请，先提交的在前（`state` 可查已销号、已退回的）。"
                        "仅巡视办和纪委监委监督人员有审核队列，其他角色得到空列表。")
def close_out_list(request: HttpRequest, filters: Query[schemas.CloseOutQuery]) -> dict:
    if not request.user.can_review_close_out:
        return {"items": [], "count": 0}
    qs = selectors.close_out_queue_for(user=request.user, state=filters.state or CloseOutState.PENDING)
    page = selectors.prefetch_close_out_evidence(list(qs[filters.offset:filters.offset + filters.limit]))
    return {"items": [schemas.close_out_out(c) for c in page], "count": qs.count()}


@router.get("/close-outs/{close_out_id}", response={200: schemas.CloseOutOut, **READ_ERRORS},
            tags=["销号审核"], summary="销号申请详情")
def close_out_detail(request: HttpRequest, close_out_id: CloseOutId) -> dict:
    return schemas.close_out_out(selectors.close_out_get_for(user=request.user, close_out_id=close_out_id))


@router.post("/close-outs/{close_out_id}/approve", response={200: schemas.CloseOutOut, **WRITE_ERRORS},
             tags=["销号审核"], summary="审核通过，予以销号",
             description="审核人不能是申请人（双人原则，否则 403 `four_eyes`）。请求体可为空，或 `{\"comment\": ...}`。")
def close_out_approve(
    request: HttpRequest, close_out_id: CloseOutId, payload: schemas.ApproveIn | None = None,
) -> dict:
    close_out = services.close_out_approve(actor=request.user, close_out_id=close_out_id,
                                           comment=payload.comment if payload else "")
    return schemas.close_out_out(close_out)


@router.post("/close-outs/{close_out_id}/return", response={200: schemas.CloseOutOut, **WRITE_ERRORS},
             tags=["销号审核"], summary="退回销号申请",
             description="须填写退回理由 `reason`，说明还需补充或整改的内容；任务回到“整改中”。")
def close_out_return(request: HttpRequest, close_out_id: CloseOutId, payload: schemas.ReasonIn) -> dict:
    close_out = services.close_out_return(actor=request.user, close_out_id=close_out_id, reason=payload.reason)
    return schemas.close_out_out(close_out)


