"""Who held which post in a unit, and when. Reads only, scoped to the token's user."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Path, Router

from rectify.core.schemas import READ_ERRORS, Code
from rectify.orgs import schemas, selectors

router = Router(tags=["单位与人员"])


@router.get("/units/{code}/people", response={200: schemas.UnitPeopleList, **READ_ERRORS},
            summary="单位的班子成员及任职经历",
            description="单位每个职务的任职记录，现任与历任各一条；离任日期为 null 表示至今在任。"
                        "单位不存在或不在您的查看范围内时返回 404。")
def unit_people(request: HttpRequest, code: Annotated[Code, Path(description="单位编码")]) -> dict:
    _unit, tenures = selectors.unit_tenures_for(user=request.user, code=code)
    items = [schemas.unit_person_out(t) for t in tenures]
    return {"items": items, "count": len(items)}
