"""The case library over the API: search (every signed-in role), a document with its figures, import
(the same service and the same JSON shape as ``rectify import-cases --json``)."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from rectify.cases import selectors
from rectify.cases.figures import number_json
from rectify.cases.models import CaseDocument
from rectify.cases.reading import CaseFileError
from rectify.cases.services import document_import
from rectify.core.errors import DomainError
from rectify.core.schemas import READ_ERRORS, WRITE_ERRORS, Code, OptionalFilter
from rectify.core.uploads import refused_uploads

router = Router(tags=["典型案例库"])


def document_json(document: CaseDocument, *, duplicate: bool = False) -> dict[str, Any]:
    """The document as ``rectify import-cases --json`` prints it (the contract outside checks rely on)."""
    return {
        "id": document.pk,
        "title": document.title,
        "date": document.date.isoformat() if document.date else None,
        "source": document.source,
        "author": document.author,
        "editor": document.editor,
        "categories": categories_of(document),
        "paragraphs": list(document.paragraphs),
        "facts": [{"value": number_json(f.value), "approx": f.approx, "unit": f.unit, "what": f.what, "text": f.text}
                  for f in document.facts.order_by("position")],
        "duplicate": duplicate,
    }


def categories_of(document: CaseDocument) -> list[str]:
    """In the order the document gives them (the order they were linked)."""
    through = CaseDocument.categories.through
    return list(through.objects.filter(casedocument=document).order_by("id").values_list("casecategory__name", flat=True))


class SearchItem(Schema):
    id: int
    title: str
    date: str | None
    snippet: str = Field(description="正文摘录（HTML 转义，命中的词以 <mark> 标出）")
    score: float = Field(description="相关度，越大越相关")


class SearchOut(Schema):
    items: list[SearchItem]
    count: int = Field(description="命中篇数；超过 10,000 篇时为 10,000，且 count_exact 为 false")
    count_exact: bool = Field(True, description="count 是否为确数（false：多于 count 篇）")


class SearchFilters(Schema):
    q: str = Field("", max_length=200, description="检索词（中文按词切分，各词都须命中）")
    year: Annotated[int | None, OptionalFilter] = Field(None, ge=1949, le=2100)
    region: Annotated[str | None, OptionalFilter] = Field(None, max_length=40)
    category: Annotated[str | None, OptionalFilter] = Field(None, max_length=60)
    circumstance: Annotated[str | None, OptionalFilter] = Field(None, max_length=40, description="问责情形编码")
    form: Annotated[str | None, OptionalFilter] = Field(None, max_length=40, description="问责方式编码")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10_000)


@router.get("/cases/search", response={200: SearchOut, **READ_ERRORS}, summary="检索典型案例",
            url_name="cases_search")
def search(request: HttpRequest, filters: Query[SearchFilters]) -> dict[str, Any]:
    found = selectors.document_search_for(
        user=request.user, query=filters.q,
        filters=selectors.Filters(year=filters.year, region=filters.region or "", category=filters.category or "",
                                  circumstance=filters.circumstance or "", form=filters.form or ""),
        limit=filters.limit, offset=filters.offset)
    return {"items": [{"id": h.document.pk, "title": h.document.title,
                       "date": h.document.date.isoformat() if h.document.date else None,
                       "snippet": str(h.snippet), "score": h.score} for h in found.hits],
            "count": found.count, "count_exact": found.count_exact}


class FactOut(Schema):
    value: float | int
    approx: str
    unit: str
    what: str
    text: str


class DocumentOut(Schema):
    id: int
    title: str
    date: str | None
    source: str
    author: str
    editor: str
    categories: list[str]
    paragraphs: list[str]
    facts: list[FactOut]
    duplicate: bool


class ImportError_(Schema):
    path: str
    message: str


class ImportOut(Schema):
    documents: list[DocumentOut]
    created: int
    duplicates: int
    updated: int
    errors: list[ImportError_]


@router.get("/cases/{int:document_id}", response={200: DocumentOut, **READ_ERRORS}, summary="典型案例及其数据")
def document(request: HttpRequest, document_id: int) -> dict[str, Any]:
    return document_json(selectors.document_get_for(user=request.user, document_id=document_id))


def import_files(actor: Any, files: list[tuple[str, bytes]]) -> dict[str, Any]:
    """Import each file; a file that cannot be read is reported and the others still imported."""
    out: dict[str, Any] = {"documents": [], "created": 0, "duplicates": 0, "updated": 0, "errors": []}
    for name, data in files:
        try:
            imported = document_import(actor=actor, data=data, filename=name)
        except CaseFileError as error:
            out["errors"].append({"path": name, "message": error.message})
            continue
        out["documents"].append(document_json(imported.document, duplicate=imported.duplicate))
        key = "duplicates" if imported.duplicate else "updated" if imported.updated else "created"
        out[key] += 1
    return out


@router.post("/cases/import", response={200: ImportOut, 413: Any, **WRITE_ERRORS}, summary="导入典型案例（可多个文件）",
             url_name="cases_import")
def import_cases(request: HttpRequest, files: File[list[UploadedFile]]) -> Any:
    from rectify.cases.services import require_manager

    require_manager(request.user)
    if len(files) > 50:
        raise DomainError(_("一次最多导入 50 个文件。"), code="too_many_files")
    out = import_files(request.user, [(f.name or "", f.read()) for f in files])
    for refusal in refused_uploads(request).values():  # over the size limit: skipped while streaming
        out["errors"].append({"path": refusal.filename, "message": refusal.message})
    if out["errors"] and not out["documents"]:
        return 422, {"code": "unreadable", "message": out["errors"][0]["message"], "details": out}
    return out


class LinkIn(Schema):
    round: Code | None = Field(None, description="巡视轮次编码；空值取消关联")
    unit: Code | None = Field(None, description="单位编码；空值取消关联")
    region: str | None = Field(None, max_length=40, description="地区（州、市）；不填则不变")


@router.post("/cases/{int:document_id}/link", response={200: DocumentOut, **WRITE_ERRORS},
             summary="把典型案例关联到巡视轮次或单位（供轮次汇总和统计使用）")
def link(request: HttpRequest, document_id: int, payload: LinkIn) -> dict[str, Any]:
    from rectify.cases.services import document_link
    from rectify.inspections import selectors as inspection_selectors
    from rectify.orgs.models import OrgUnit

    document = selectors.document_get_for(user=request.user, document_id=document_id)
    rnd = inspection_selectors.round_get_for(user=request.user, code=payload.round) if payload.round else None
    unit = None
    if payload.unit:
        unit = OrgUnit.objects.filter(code=payload.unit).first()
        if unit is None:
            raise DomainError(_("单位“%(code)s”不存在。") % {"code": payload.unit}, code="unknown_unit",
                              details={"field": "unit"})
    document_link(actor=request.user, document=document, round=rnd, unit=unit, region=payload.region)
    return document_json(selectors.document_get_for(user=request.user, document_id=document_id))
