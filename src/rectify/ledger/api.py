"""Ledger import and export over the API: the same service as the CLI and the web page."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from rectify.core.errors import DomainError
from rectify.core.schemas import READ_ERRORS, WRITE_ERRORS, Code, Text
from rectify.ledger.export import ledger_export
from rectify.ledger.parsing import LedgerFileError
from rectify.ledger.services import ledger_import

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


@router.post("/ledger/import", response={200: ImportOut, **WRITE_ERRORS}, summary="导入整改台账",
             description="上传 .xlsx/.xls/.csv 台账。`dry_run=true`（默认）只比对并返回差异和错误；"
                         "`dry_run=false` 且没有错误时在一个事务中写入。有错误时返回 422，`details` 为完整报告。")
def import_ledger(
    request: HttpRequest,
    file: File[UploadedFile],
    round: Annotated[Code, Form(..., description="巡视轮次编码")],
    unit: Annotated[Code, Form(..., description="被巡视单位编码")],
    unit_name: Annotated[Text, Form("", description="单位不存在时新建，用此名称")],
    dry_run: Annotated[bool, Form(True, description="只比对，不写入")],
    password: Annotated[Text, Form("", description="工作簿打开密码")],
) -> Any:
    try:
        report = ledger_import(actor=request.user, data=file.read(), filename=file.name or "ledger",
                               round_code=round, unit_code=unit, unit_name=unit_name, dry_run=dry_run,
                               password=password or None)
    except LedgerFileError as error:
        raise DomainError(str(error), code="ledger_file", details={"field": "file"}) from error
    if report.errors:
        raise DomainError(f"台账中有 {len(report.errors)} 处错误，未写入任何数据。", code="ledger_invalid",
                          details=report.as_json()).with_status(422)
    return report.as_json()


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
