"""API shapes of a unit's roster (who held which post when), and the functions that fill them."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from rectify.orgs.models import Tenure


class UnitPersonOut(Schema):
    person_id: int = Field(description="人员 ID")
    name: str = Field(description="姓名")
    post: str = Field(description="职务名称，如“党组书记、厅长”")
    tenure_id: int = Field(description="任职记录 ID")
    start: dt.date = Field(description="任职日期")
    end: dt.date | None = Field(description="离任日期（当天起不再任职）；null 表示至今在任")
    is_principal: bool = Field(description="是否主要负责人（一把手）")


class TenureEndIn(Schema):
    end_date: dt.date = Field(description="离任日期（当天起不再任职），须晚于任职日期")
    version: int | None = Field(None, ge=1, le=2**63 - 1,
                                description="读取时任职记录的版本（可选）；已被他人修改时返回 409 stale_version")


class UnitPeopleList(Schema):
    items: list[UnitPersonOut] = Field(description="本单位每一条任职记录（现任与历任），按职务排序，同一职务新的在前")
    count: int = Field(description="任职记录数")


def unit_person_out(tenure: Tenure) -> dict:
    return {
        "person_id": tenure.person_id, "name": tenure.person.name, "post": tenure.post.title,
        "tenure_id": tenure.pk, "start": tenure.start, "end": tenure.end, "is_principal": tenure.post.is_principal,
    }
