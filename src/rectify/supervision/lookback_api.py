"""API of the supervisors' tools of issue 11 §2, §4, §5: red flags, look-back repeat candidates and decisions,
interview candidates. Supervisors only (commission and inspection office); anyone else gets 403."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from rectify.core.schemas import WRITE_ERRORS, Code, Text
from rectify.inspections import selectors as inspection_selectors
from rectify.supervision import redflag_selectors, redflag_services
from rectify.supervision.redflag_selectors import RedFlag

router = Router(tags=["监督：红旗预警、回头看、约谈"])

ERRORS = WRITE_ERRORS  # 400 bad filter, 403 not a supervisor, 404 round, 409 state moved on


# --- red flags ------------------------------------------------------------------------------------

class DismissalOut(Schema):
    reason: str
    by: str
    at: dt.datetime


class RedFlagOut(Schema):
    kind: str = Field(description="evidence_reused / closed_without_progress / last_minute_close_outs / "
                                  "reappeared_in_look_back / evidence_predates_feedback / approved_instantly")
    kind_label: str
    key: str = Field(description="预警标识（排除时使用）")
    task: int = Field(description="任务 id")
    tasks: list[int] = Field(description="涉及的全部任务 id")
    unit: str = Field(description="单位编码")
    unit_name: str
    reason: str = Field(description="触发原因")
    rows: list[dict[str, Any]] = Field(description="触发预警的记录")
    dismissed: bool
    dismissal: DismissalOut | None


class RedFlagList(Schema):
    items: list[RedFlagOut]
    count: int = Field(description="符合条件的预警总数（分页前）")


class RedFlagFilters(Schema):
    round: Code = Field(description="轮次编码")
    kind: str | None = Field(None, description="预警类型")
    unit: str | None = Field(None, description="单位编码")
    state: str = Field("open", description="open（未排除，默认）/ dismissed / all")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0)


def red_flag_out(flag: RedFlag) -> dict[str, Any]:
    d = flag.dismissal
    return {
        "kind": flag.kind, "kind_label": flag.kind_label, "key": flag.key, "task": flag.task, "tasks": flag.tasks,
        "unit": flag.unit, "unit_name": flag.unit_name, "reason": flag.reason, "rows": flag.rows,
        "dismissed": d is not None,
        "dismissal": {"reason": d.reason, "by": str(d.dismissed_by), "at": d.dismissed_at} if d else None,
    }


@router.get("/red-flags", response={200: RedFlagList, **ERRORS}, summary="虚假整改/敷衍整改红旗预警",
            description="按轮次从现有记录实时计算的红旗预警，每条附触发原因和所依据的记录；仅纪委监委和巡视办可见。")
def red_flags(request: HttpRequest, filters: Annotated[RedFlagFilters, Query()]) -> dict:
    redflag_selectors.require_supervisor(request.user)
    rnd = inspection_selectors.round_get_for(user=request.user, code=filters.round)
    redflag_services.evidence_facts_catch_up(round_id=rnd.pk)
    _rnd, flags = redflag_selectors.red_flags_for(user=request.user, round_code=filters.round, kind=filters.kind or None,
                                                  unit=filters.unit or None, state=filters.state)
    page = flags[filters.offset:filters.offset + filters.limit]
    return {"items": [red_flag_out(f) for f in page], "count": len(flags)}


class DismissIn(Schema):
    round: Code
    key: Annotated[str, Field(max_length=200)]
    reason: Text


class DismissOut(Schema):
    id: int
    round: str
    kind: str
    key: str
    reason: str
    by: str
    at: dt.datetime


@router.post("/red-flags/dismissals", response={201: DismissOut, **ERRORS}, summary="排除红旗预警（须填写理由）")
def red_flag_dismiss(request: HttpRequest, payload: DismissIn) -> Status:
    d = redflag_services.red_flag_dismiss(actor=request.user, round_code=payload.round, key=payload.key,
                                          reason=payload.reason)
    return Status(201, {"id": d.pk, "round": payload.round, "kind": d.kind, "key": d.key, "reason": d.reason,
                 "by": str(d.dismissed_by), "at": d.dismissed_at})
