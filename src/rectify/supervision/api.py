"""GET /api/v1/rounds/{code}/units: each inspected unit of a round with its rectification progress.

The path is also inspections' ``POST /rounds/{code}/units`` (add an inspected unit). django-ninja serves
the methods of one path from one router — a second router with the same path would answer 405 to the
other method — so this operation is added to the rounds router, and ``rectify.api`` imports this module
before the URLs are built. The operation keeps the tag and the operationId it had when it lived there.
"""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Path

from rectify.core.schemas import READ_ERRORS, Code
from rectify.inspections import selectors as inspection_selectors
from rectify.inspections.api import router as rounds_router
from rectify.rectification import selectors as rectification_selectors
from rectify.supervision import schemas


@rounds_router.get("/rounds/{code}/units", response={200: schemas.UnitProgressList, **READ_ERRORS},
                   summary="轮次内各被巡视单位的整改进度",
                   description="每个您可见的被巡视单位的问题数、完成情况、完成率、预警和任务统计；"
                               "问题线索数（`clues`）仅纪委监委监督人员可见。",
                   operation_id="rectify_inspections_api_round_units")
def round_units(request: HttpRequest, code: Annotated[Code, Path(description="轮次编码")]) -> dict:
    rnd = inspection_selectors.round_get_for(user=request.user, code=code)
    progress = rectification_selectors.round_progress_for(user=request.user, round=rnd)
    items = [schemas.unit_progress_out(p) for p in progress]
    return {"items": items, "count": len(items)}
