"""Ledger import and export over the API: the same background job as the web page, the same service as
the CLI."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from rectify.core.schemas import READ_ERRORS, WRITE_ERRORS, Code, Text
from rectify.ledger import jobs, selectors
from rectify.ledger.export import ledger_export
from rectify.ledger.models import ImportState

router = Router(tags=["台账"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Counts(Schema):
    new: int
    changed: int
    unchanged: int
    missing: int


class LedgerErrorOut(Schema):
    sheet: str | None
    row: int | None
    column: str | None
    message: str


class ImportOut(Schema):
    problems: Counts
    tasks: Counts
    errors: list[LedgerErrorOut]
    skipped_sheets: list[str]
    notices: list[str]
    committed: bool


class JobError(Schema):
    code: str = Field(description="ledger_file（文件无法读取、过大或结构异常）、not_found、forbidden、"
                                  "worker_lost（后台进程中断）、server_error 等")
    message: str = Field(description="给用户看的说明，告诉用户如何处理")


class ImportJobOut(Schema):
    job: str = Field(description="导入任务编号")
    url: str = Field(description="查询该导入任务的地址")


class ImportJobStateOut(Schema):
    job: str
    state: str = Field(description="queued（排队中）、running（处理中）、done（已完成）、failed（失败）")
    progress: int = Field(description="进度，0–100")
    phase: str = Field(description="当前阶段")
    report: ImportOut | None = Field(None, description="state 为 done 时的导入报告（与命令行 --json 相同）")
    error: JobError | None = Field(None, description="state 为 failed 时的原因")


def _job_url(job_id: object) -> str:
    from django.urls import reverse

    return reverse("api:ledger_import_job", kwargs={"job_id": job_id})


@router.post("/ledger/import", response={202: ImportJobOut, **WRITE_ERRORS}, summary="导入整改台账（后台任务）",
             description="上传 .xlsx/.xls/.csv 台账，在后台检查（和写入）。立即返回 202 和任务地址 `url`，"
                         "用 `GET url` 查询：`state` 为 `queued`/`running` 时稍后再查；为 `done` 时 `report` "
                         "是导入报告；为 `failed` 时 `error` 说明原因（如文件无法读取、过大或结构异常：`ledger_file`）。"
                         "`dry_run=true`（默认）只比对并报告差异和错误；`dry_run=false` 在检查没有发现错误时于一个事务中写入。"
                         "检查发现错误时任务仍为 `done`，`report.errors` 列出每处错误，`report.committed` 为 false，"
                         "未写入任何数据。无权导入该单位、轮次或单位不存在时立即返回 403/404/400，不创建任务。")
def import_ledger(
    request: HttpRequest,
    file: File[UploadedFile],
    round: Annotated[Code, Form(..., description="巡视轮次编码")],
    unit: Annotated[Code, Form(..., description="被巡视单位编码")],
    unit_name: Annotated[Text, Form("", description="单位不存在时新建，用此名称")],
    dry_run: Annotated[bool, Form(True, description="只比对，不写入")],
    password: Annotated[Text, Form("", description="工作簿打开密码")],
) -> Any:
    job = jobs.ledger_upload(actor=request.user, file=file, filename=file.name or "ledger", round_code=round,
                             unit_code=unit, unit_name=unit_name, password=password, commit=not dry_run)
    return Status(202, {"job": str(job.pk), "url": _job_url(job.pk)})


@router.get("/ledger/imports/{job_id}", response={200: ImportJobStateOut, **READ_ERRORS},
            url_name="ledger_import_job", summary="查询台账导入任务",
            description="只有上传人和可查看全部单位的人员（巡视办、纪委监委等）可以查询；其他人得到 404。")
def import_job(request: HttpRequest, job_id: str) -> Any:
    job = selectors.ledger_import_get_for(user=request.user, job_id=job_id)
    out: dict[str, Any] = {"job": str(job.pk), "state": job.state, "progress": job.progress, "phase": job.phase}
    if job.state == ImportState.DONE:
        out["report"] = job.result
    elif job.state == ImportState.FAILED:
        out["error"] = {"code": job.failure_code or "failed", "message": job.failure}
    return out


class ExportQuery(Schema):
    round: Code = Field(description="巡视轮次编码")
    unit: Code | None = Field(None, description="被巡视单位编码；不填导出全轮次")


@router.get("/ledger/export", response={200: None, **READ_ERRORS}, summary="导出标准格式整改台账（.xlsx）")
def export_ledger(request: HttpRequest, query: Query[ExportQuery]) -> HttpResponse:
    from django.utils.http import content_disposition_header

    data = ledger_export(user=request.user, round_code=query.round, unit_code=query.unit or None)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"整改台账-{query.round}{'-' + query.unit if query.unit else ''}.xlsx")
    return response


class ExportIn(Schema):
    round: Code = Field(description="巡视轮次编码")
    unit: Code | None = Field(None, description="被巡视单位编码；不填导出全轮次")


class ExportJobStateOut(Schema):
    job: str
    state: str = Field(description="queued 排队中、running 处理中、done 已完成、failed 失败")
    progress: int = Field(description="进度（0–100）")
    phase: str = Field(description="当前阶段")
    download_url: str | None = Field(None, description="state 为 done 时的下载地址")
    error: JobError | None = Field(None, description="state 为 failed 时的原因")


def _export_url(job_id: object, name: str = "ledger_export_job") -> str:
    from django.urls import reverse

    return reverse(f"api:{name}", kwargs={"job_id": job_id})


@router.post("/ledger/exports", response={202: ImportJobOut, **WRITE_ERRORS}, summary="导出整改台账（后台任务）",
             description="在后台生成标准格式台账（适合整轮或大单位）。立即返回 202 和任务地址 `url`；`GET url` 查询进度，"
                         "`state` 为 `done` 时用 `download_url` 下载。轮次或单位不在可见范围内时 404。")
def export_start(request: HttpRequest, payload: ExportIn) -> Any:
    job = jobs.ledger_export_start(actor=request.user, round_code=payload.round, unit_code=payload.unit or None)
    return Status(202, {"job": str(job.pk), "url": _export_url(job.pk)})


@router.get("/ledger/exports/{job_id}", response={200: ExportJobStateOut, **READ_ERRORS},
            url_name="ledger_export_job", summary="查询台账导出任务", description="只有申请人可以查询。")
def export_job(request: HttpRequest, job_id: str) -> Any:
    job = selectors.ledger_export_get_for(user=request.user, job_id=job_id)
    out: dict[str, Any] = {"job": str(job.pk), "state": job.state, "progress": job.progress, "phase": job.phase}
    if job.state == ImportState.DONE:
        out["download_url"] = _export_url(job.pk, "ledger_export_download")
    elif job.state == ImportState.FAILED:
        out["error"] = {"code": job.failure_code or "failed", "message": job.failure}
    return out


@router.get("/ledger/exports/{job_id}/download", response={200: None, **READ_ERRORS},
            url_name="ledger_export_download", summary="下载已生成的台账",
            openapi_extra={"responses": {200: {"description": "xlsx 文件", "content": {XLSX: {}}}}})
def export_download(request: HttpRequest, job_id: str) -> Any:
    from django.http import FileResponse

    job, handle = selectors.ledger_export_open_for(user=request.user, job_id=job_id)
    return FileResponse(handle, as_attachment=True, filename=job.filename, content_type=XLSX)
