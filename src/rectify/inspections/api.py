"""Rounds, scoped to the token's user; creating rounds and adding units.

``GET /rounds/{code}/units`` (each unit's progress) is registered on this router by ``rectify.supervision.api``:
it combines rounds with rectification, and django-ninja serves the methods of one path from one router.
"""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Router, Status

from rectify.core.errors import DomainError, NotFound, PermissionDenied
from rectify.core.schemas import READ_ERRORS, WRITE_ERRORS, Code
from rectify.inspections import schemas
from rectify.inspections import selectors as inspection_selectors
from rectify.inspections import services as inspection_services

router = Router(tags=["巡视轮次"])


@router.get("/rounds", response={200: schemas.RoundList, **READ_ERRORS}, summary="巡视轮次列表",
            description="您可见的巡视轮次，新的在前；`unit_count` 只计您可见的被巡视单位。")
def round_list(request: HttpRequest) -> dict:
    rounds = [schemas.round_out(r) for r in inspection_selectors.round_list_for(user=request.user)]
    return {"items": rounds, "count": len(rounds)}


# --- creating rounds and adding inspected units ------------------------------------

def _as_bad_input(error: DomainError) -> DomainError:
    """A value the service refused is bad input (422, naming the field); scope, rights and
    duplicates keep their status (404, 403, 409)."""
    return error.with_status(422) if error.status == 400 else error


@router.post("/rounds", response={201: schemas.CreatedRoundOut, **WRITE_ERRORS}, summary="新建巡视轮次",
             description="巡视办或纪委监委人员可用。编码重复为 409；日期、类型等不正确为 422（`details.field` 指出字段）。"
                         "`look_back_of` 可不填，即使是“回头看”轮次。")
def round_create(request: HttpRequest, payload: schemas.RoundIn) -> Status[dict]:
    try:
        if not request.user.can_manage_rounds:
            raise PermissionDenied(_("只有巡视办或纪委监委人员可以新建巡视轮次。"))
        look_back = None
        if payload.look_back_of:
            try:
                look_back = inspection_selectors.round_get_for(user=request.user, code=payload.look_back_of)
            except NotFound as error:
                raise DomainError(error.message, code="unknown_look_back_of",
                                  details={"field": "look_back_of"}) from None
        rnd = inspection_services.round_create(
            actor=request.user, code=payload.code, name=payload.name, kind=payload.kind, level=payload.level,
            start_date=payload.start, end_date=payload.end, look_back_of=look_back,
            yellow_days=payload.yellow_days, notice_days=payload.notice_days,
            rectification_months=payload.rectification_months, report_months=payload.report_months)
    except DomainError as error:
        raise _as_bad_input(error) from None
    return Status(201, schemas.created_round_out(rnd))


@router.post("/rounds/{code}/units", response={201: schemas.InspectedUnitOut, **WRITE_ERRORS},
             summary="添加被巡视单位",
             description="按单位编码把单位加入轮次；单位不存在且给出 `unit_name` 时在单位树顶层新建；"
                         "`team` 为本轮没有的巡视组名称时新建该组。已在本轮中为 409。")
def round_add_unit(request: HttpRequest, code: Annotated[Code, Path(description="轮次编码")],
                   payload: schemas.InspectedUnitIn) -> Status[dict]:
    rnd = inspection_selectors.round_get_for(user=request.user, code=code)
    try:
        if not request.user.can_manage_rounds:
            raise PermissionDenied(_("只有巡视办或纪委监委人员可以添加被巡视单位。"))
        inspected, unit_created, team_created = inspection_services.inspected_unit_add_by_code(
            actor=request.user, round=rnd, unit_code=payload.unit, unit_name=payload.unit_name or "",
            kind=payload.kind or None, feedback_date=payload.feedback_date, team_name=payload.team)
    except DomainError as error:
        raise _as_bad_input(error) from None
    return Status(201, schemas.inspected_unit_out(inspected, unit_created=unit_created,
                                                team_created=team_created))
