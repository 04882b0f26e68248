"""The specialist pool over the API (commission only; 404 for everyone else)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from rectify.accountability import case_selectors as cs
from rectify.accountability import pool_selectors, pool_services
from rectify.accountability.pool_models import Assignment, Specialist
from rectify.accounts.models import User
from rectify.core.errors import NotFound
from rectify.core.schemas import READ_ERRORS, WRITE_ERRORS, OptionalFilter, Text
from rectify.orgs import selectors as org_selectors

router = Router(tags=["问责"])
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class Items(Schema):
    items: list[dict[str, Any]]
    count: int


class PoolFilters(Schema):
    region: Annotated[str | None, OptionalFilter] = Field(None, description="地区（州、市）编码")
    q: Annotated[str | None, OptionalFilter] = Field(None, description="姓名包含")
    expertise: Annotated[str | None, OptionalFilter] = Field(None, description="业务专长包含")


class AssignIn(Schema):
    specialist: Id = Field(description="人才库成员 ID")
    kind: str = Field(description="investigation 问责调查 / joint_review 会审 / special_inspection 专项检查")
    case: Id | None = Field(None, description="问责案件 ID（调查、会审）")
    unit: Text | None = Field(None, max_length=40, description="被检查单位编码（专项检查）")
    title: Text = Field("", max_length=200, description="任务名称（专项检查必填）")
    assigned_on: dt.date | None = None
    force: bool = Field(False, description="回避例外：须同时给出 approved_by 和 reason")
    approved_by: Id | str | None = Field(None, description="批准人：另一名纪委监委用户（ID 或用户名）")
    reason: Text = Field("", description="回避例外的理由")


def specialist_out(s: Specialist) -> dict[str, Any]:
    return {"id": s.pk, "name": s.person.name, "person": s.person_id, "unit": s.person.unit.name if s.person.unit else None,
            "region": {"code": s.region.code, "name": s.region.name}, "expertise": s.expertise_list,
            "available": s.is_available, "availability_note": s.availability_note or None,
            "workload": getattr(s, "workload", None)}


def assignment_out(a: Assignment) -> dict[str, Any]:
    return {"id": a.pk, "specialist": a.specialist_id, "kind": a.kind, "case": a.case_id, "unit": a.unit.code,
            "title": a.title, "assigned_on": a.assigned_on.isoformat(), "forced": a.forced,
            "approved_by": a.approved_by_id, "reason": a.force_reason or None, "conflicts": a.conflicts,
            "ended_on": a.ended_on.isoformat() if a.ended_on else None}


@router.get("/accountability/specialists", response={200: Items, **READ_ERRORS}, summary="问责业务人才库",
            description="每人附地区、专长、是否可抽调和工作量（未结束的抽调数）。")
def specialist_list(request: HttpRequest, filters: Query[PoolFilters]) -> dict:
    region = org_selectors.org_unit_get_for(user=request.user, code=filters.region) if filters.region else None
    rows = list(pool_selectors.specialists_for(user=request.user, region=region.pk if region else None,
                                               q=filters.q or "", expertise=filters.expertise or ""))
    return {"items": [specialist_out(s) for s in rows], "count": len(rows)}


def _approver(value: int | str | None) -> User | None:
    if value in (None, ""):
        return None
    user = (User.objects.filter(pk=int(value)) if isinstance(value, int) or str(value).isdigit()
            else User.objects.filter(username=value)).first()
    if user is None:
        raise NotFound(_("未找到批准人。"), details={"field": "approved_by"})
    return user


@router.post("/accountability/specialists/assign", response={201: dict, **WRITE_ERRORS}, summary="抽调人才",
             description="回避规则（本单位人员、亲属在该单位、近三年上下级或同一领导班子、近三年在该单位工作）命中时返回 409 "
                         "conflict_of_interest，details.conflicts 列出每条理由；确需抽调的，force=true 并给出另一名纪委监委用户"
                         "的批准（approved_by）和理由（reason）。")
def assign(request: HttpRequest, payload: AssignIn) -> Status[dict]:
    specialist = pool_selectors.specialist_get_for(user=request.user, specialist_id=payload.specialist)
    case = cs.case_get_for(user=request.user, case_id=payload.case) if payload.case else None
    unit = org_selectors.org_unit_get_for(user=request.user, code=payload.unit) if payload.unit else None
    assignment = pool_services.specialist_assign(
        actor=request.user, specialist=specialist, kind=payload.kind, case=case, unit=unit, title=payload.title,
        force=payload.force, approved_by=_approver(payload.approved_by), reason=payload.reason,
        assigned_on=payload.assigned_on)
    return Status(201, assignment_out(assignment))
