"""Rounds and the progress of their inspected units. Reads only, scoped to the token's user."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Path, Router

from rectify.core.schemas import READ_ERRORS, Code
from rectify.inspections import schemas
from rectify.inspections import selectors as inspection_selectors
from rectify.rectification import selectors as rectification_selectors

router = Router(tags=["巡视轮次"])


@router.get("/rounds", response={200: schemas.RoundList, **READ_ERRORS}, summary="巡视轮次列表",
            description="您可见的巡视轮次，新的在前；`unit_count` 只计您可见的被巡视单位。")
def round_list(request: HttpRequest) -> dict:
    rounds = [schemas.round_out(r) for r in inspection_selectors.round_list_for(user=request.user)]
    return {"items": rounds, "count": len(rounds)}


@router.get("/rounds/{code}/units", response={200: schemas.UnitProgressList, **READ_ERRORS},
            summary="轮次内各被巡视单位的整改进度",
            description="每个您可见的被巡视单位的问题数、完成情况、完成率、预警和任务统计；"
                        "问题线索数（`clues`）仅纪委监委监督人员可见。")
def round_units(request: HttpRequest, code: Annotated[Code, Path(description="轮次编码")]) -> dict:
    rnd = inspection_selectors.round_get_for(user=request.user, code=code)
    progress = rectification_selectors.round_progress_for(user=request.user, round=rnd)
    items = [schemas.unit_progress_out(p) for p in progress]
    return {"items": items, "count": len(items)}
