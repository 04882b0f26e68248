"""Supervision orders over the API: issue, list, read, answer. Thin: selectors read, services write."""

from __future__ import annotations

from typing import Annotated

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from rectify.core.schemas import READ_ERRORS, WRITE_ERRORS
from rectify.rectification.models import Task
from rectify.supervision import order_schemas as schemas
from rectify.supervision import order_selectors, order_services

router = Router(tags=["督办"])

OrderId = Annotated[int, Path(ge=1, le=2**63 - 1, description="督办单 ID")]


def _detail(request: HttpRequest, order_id: int) -> dict:
    return schemas.order_out(order_selectors.order_get_for(user=request.user, order_id=order_id), detail=True)


@router.post("/supervision-orders", response={201: schemas.OrderOut, **WRITE_ERRORS},
             summary="签发督办单（或提示函、阶段指导函、提醒函、告诫函、问责建议函）",
             description="巡视办或纪委监委向一个被巡视单位签发，列明督办的任务和回复期限；其他角色 403。"
                         "`tasks` 须是该单位在该轮次的任务（否则 422 `task_other_unit`），`respond_by` 不能早于今天。"
                         "返回新督办单，含 `id` 和文号 `number`。")
def order_create(request: HttpRequest, payload: schemas.OrderIn) -> Status[dict]:
    orders = order_services.order_issue(
        actor=request.user, round_code=payload.round, unit_codes=[payload.unit], kind=payload.kind,
        text=payload.text, respond_by=payload.respond_by, task_ids=payload.tasks)
    return Status(201, _detail(request, orders[0].pk))


@router.get("/supervision-orders", response={200: schemas.OrderList, **READ_ERRORS}, summary="督办单列表",
            description="您可见范围内的督办单，新签发的在前；单位用户只看到发给本单位的。"
                        "`state` 当天判断：逾期未回复的为 overdue（升级督办）。")
def order_list(request: HttpRequest, filters: Query[schemas.OrderQuery]) -> dict:
    qs = order_selectors.order_list_for(user=request.user, filters=order_selectors.OrderFilters(
        round_code=filters.round, unit_code=filters.unit, kind=filters.kind, state=filters.state))
    page = list(qs.prefetch_related(Prefetch("tasks", queryset=Task.objects.only("id")))
                [filters.offset:filters.offset + filters.limit])
    return {"items": [schemas.order_out(o) for o in page], "count": qs.count()}


@router.get("/supervision-orders/{order_id}", response={200: schemas.OrderOut, **READ_ERRORS},
            summary="督办单详情及回复记录")
def order_detail(request: HttpRequest, order_id: OrderId) -> dict:
    return _detail(request, order_id)


@router.post("/supervision-orders/{order_id}/respond", response={201: schemas.OrderOut, **WRITE_ERRORS},
             summary="回复督办单",
             description="被督办单位的整改牵头人或责任人填写整改进展；巡视办、纪委监委等其他角色 403，"
                         "其他单位 404。佐证材料可先通过 `POST /tasks/{id}/evidence` 上传到督办的任务。"
                         "首次回复后督办单不再逾期升级。")
def order_respond(request: HttpRequest, order_id: OrderId, payload: schemas.RespondIn) -> Status[dict]:
    order_services.order_respond(actor=request.user, order_id=order_id, text=payload.text)
    return Status(201, _detail(request, order_id))
