"""API shapes of supervision orders."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.utils.translation import gettext
from ninja import Schema
from pydantic import Field

from rectify.core.schemas import Code, OptionalFilter, Text
from rectify.supervision.models import SupervisionOrder
from rectify.supervision.order_selectors import ORDER_STATE_LABELS, ORDER_STATE_WARNING

OrderKindCode = Literal["order", "notice", "guidance", "reminder", "admonition", "accountability_letter"]
OrderStateCode = Literal["overdue", "due_soon", "waiting", "answered"]
MAX_LIMIT = 200


class OrderIn(Schema):
    unit: Code = Field(description="被督办单位编码")
    round: Code = Field(description="轮次编码")
    tasks: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] = Field(
        default_factory=list, max_length=1000, description="督办的任务 ID（须是该单位在该轮次的任务）")
    kind: OrderKindCode = Field("order", description="order 督办单、notice 提示函、guidance 阶段指导函、reminder 提醒函、"
                                                     "admonition 告诫函、accountability_letter 问责建议函")
    text: Text = Field(max_length=10000, description="督办内容")
    respond_by: dt.date = Field(description="回复期限（不早于今天）")


class RespondIn(Schema):
    text: Text = Field(max_length=10000, description="回复内容：整改进展、已采取的措施和下一步安排")


class OrderQuery(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"每页条数，默认 50，最大 {MAX_LIMIT}")
    offset: int = Field(0, ge=0, le=10**9, description="跳过的条数")
    round: Annotated[Code | None, OptionalFilter] = Field(None, description="轮次编码")
    unit: Annotated[Code | None, OptionalFilter] = Field(None, description="被督办单位编码")
    kind: Annotated[OrderKindCode | None, OptionalFilter] = Field(None, description="督办类型")
    state: Annotated[OrderStateCode | None, OptionalFilter] = Field(
        None, description="overdue 逾期未回复（升级督办）、due_soon 即将到期、waiting 待回复、answered 已回复")


class ResponseOut(Schema):
    id: int
    text: str
    by: str
    at: dt.datetime
    evidence: list[int] = Field(description="随回复上传的佐证材料 ID")


class OrderOut(Schema):
    id: int
    number: str = Field(description="文号")
    kind: OrderKindCode
    kind_label: str
    round: str
    unit: str
    unit_name: str
    tasks: list[int]
    text: str
    respond_by: dt.date
    issuer: Literal["inspection_office", "commission"]
    issuer_label: str
    issued_by: str
    issued_at: dt.datetime
    state: OrderStateCode = Field(description="当天判断：overdue 逾期未回复（升级督办，红色）、due_soon 即将到期（黄色）、"
                                              "waiting 待回复、answered 已回复")
    state_label: str
    warning: Literal["red", "yellow", "green"] | None
    answered_at: dt.datetime | None
    escalation_noticed_at: dt.datetime | None = Field(description="逾期情况已通知上一级的时间")
    batch: str = Field(description="同一批次（同一文号下发多个单位）的标识")
    responses: list[ResponseOut] | None = Field(None, description="回复记录（详情与回复接口返回）")


class OrderList(Schema):
    items: list[OrderOut]
    count: int


def order_out(o: SupervisionOrder, *, tasks: list[int] | None = None, detail: bool = False) -> dict:
    iu = o.inspected_unit
    state = getattr(o, "state", "answered" if o.answered_at else "waiting")
    out = {
        "id": o.pk, "number": o.number, "kind": o.kind, "kind_label": o.get_kind_display(),
        "round": iu.round.code, "unit": iu.unit.code, "unit_name": iu.unit.name,
        "tasks": tasks if tasks is not None else [t.pk for t in o.tasks.all()],
        "text": o.text, "respond_by": o.respond_by, "issuer": o.issuer, "issuer_label": o.get_issuer_display(),
        "issued_by": o.issued_by_name, "issued_at": o.issued_at, "state": state,
        "state_label": gettext(ORDER_STATE_LABELS[state]), "warning": ORDER_STATE_WARNING[state],
        "answered_at": o.answered_at, "escalation_noticed_at": o.escalation_noticed_at, "batch": str(o.batch),
    }
    if detail:
        out["responses"] = [{"id": r.pk, "text": r.text, "by": r.responded_by_name, "at": r.responded_at,
                             "evidence": [e.pk for e in r.evidence.all()]} for r in o.responses.all()]
    return out
