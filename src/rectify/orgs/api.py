"""Who held which post in a unit, and when: reads scoped to the token's user, and ending a tenure."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Path, Router

from rectify.core.schemas import READ_ERRORS, WRITE_ERRORS, Code
from rectify.orgs import schemas, selectors, services

router = Router(tags=["单位与人员"])


@router.get("/units/{code}/people", response={200: schemas.UnitPeopleList, **READ_ERRORS},
            summary="单位的班子成员及任职经历",
            description="单位每个职务的任职记录，现任与历任各一条；离任日期为 null 表示至今在任。"
                        "单位不存在或不在您的查看范围内时返回 404。")
def unit_people(request: HttpRequest, code: Annotated[Code, Path(description="单位编码")]) -> dict:
    _unit, tenures = selectors.unit_tenures_for(user=request.user, code=code)
    items = [schemas.unit_person_out(t) for t in tenures]
    return {"items": items, "count": len(items)}


TenureId = Annotated[int, Path(ge=1, le=2**63 - 1, description="任职记录 ID")]


@router.post("/tenures/{tenure_id}/end", response={200: schemas.UnitPersonOut, **WRITE_ERRORS},
             summary="结束任职（离任）",
             description="系统管理员、巡视办或本单位整改牵头人结束一条在任的任职记录，`end_date` 当天起不再任职。"
                         "其本人仍是未销号整改任务（含申请销号中的任务）的责任领导时返回 409 `handover_required`，"
                         "`details.tasks` 列出这些任务的 ID：请先用 `POST /api/v1/tenures/{id}/handover` 移交给接任者。"
                         "已离任时 409 `already_ended`；不在您的查看范围内时 404。")
def tenure_end(request: HttpRequest, tenure_id: TenureId, payload: schemas.TenureEndIn) -> dict:
    tenure = selectors.tenure_get_for(user=request.user, tenure_id=tenure_id)
    tenure = services.tenure_end(actor=request.user, tenure=tenure, expected_version=payload.version,
                                 end=payload.end_date)
    return schemas.unit_person_out(tenure)
