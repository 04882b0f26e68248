"""Handing a departing leader's open tasks to a successor over the API (DOMAIN rule 10)."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Path, Router, Schema
from pydantic import Field

from rectify.core.schemas import WRITE_ERRORS, Text
from rectify.orgs.models import Tenure
from rectify.rectification import handover_services

router = Router(tags=["单位与人员"])

TenureId = Annotated[int, Path(ge=1, le=2**63 - 1, description="移交人的任职记录 ID")]
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class HandoverIn(Schema):
    to_person: Id = Field(description="接任人（人员 ID）：须为本单位人员，且今天在本单位领导班子中任职")
    tasks: list[Id] | None = Field(
        None, description="要移交的任务 ID，须为该任职记录负责的未销号任务；不传则移交其负责的全部未销号任务")
    note: Text = Field("", max_length=300, description="移交说明（可选），记入每项任务的移交记录")


class HandoverTenureOut(Schema):
    tenure_id: int = Field(description="任职记录 ID")
    person_id: int = Field(description="人员 ID")
    name: str = Field(description="姓名")
    post: str = Field(description="职务名称")


class HandoverOut(Schema):
    from_tenure: HandoverTenureOut = Field(description="移交人及其任职")
    to_tenure: HandoverTenureOut = Field(
        description="接任人及其任职（接任人有多个职务时：与移交人同一职务优先，其次主要负责人职务，再次按职务排序的第一个）")
    tasks: list[int] = Field(description="责任领导已移交的任务 ID")
    count: int = Field(description="移交的任务数")


def _tenure_out(tenure: Tenure) -> dict:
    return {"tenure_id": tenure.pk, "person_id": tenure.person_id, "name": tenure.person.name,
            "post": tenure.post.title}


@router.post("/tenures/{tenure_id}/handover", response={200: HandoverOut, **WRITE_ERRORS},
             summary="移交责任领导（班子成员变动）",
             description="班子成员离任或调整前，把其作为责任领导的未销号整改任务（含申请销号中的任务）移交给接任的班子成员；"
                         "每项任务保留移交记录，原责任领导仍出现在任务的整改过程和问题的“时任”领导中。"
                         "系统管理员、巡视办或本单位整改牵头人可以办理。接任人不是本单位在任班子成员、是移交人本人，"
                         "或所列任务不是其负责的未销号任务时返回 422（`details.field`、`details.tasks`）；"
                         "任职记录不在您的查看范围内时 404。")
def tenure_handover(request: HttpRequest, tenure_id: TenureId, payload: HandoverIn) -> dict:
    result = handover_services.leader_handover(actor=request.user, tenure_id=tenure_id, to_person_id=payload.to_person,
                                               task_ids=payload.tasks, note=payload.note)
    return {"from_tenure": _tenure_out(result.from_tenure), "to_tenure": _tenure_out(result.to_tenure),
            "tasks": result.task_ids, "count": len(result.task_ids)}
