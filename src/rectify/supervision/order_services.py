"""Writes of supervision orders: issue (to one or several units at once), answer, and the escalation notice.

Who: the inspection office or the commission issues (``can_issue_supervision_orders``); a unit lead or member of
the addressed unit answers (``can_answer_supervision_orders``, scope by the selectors: another unit's order is
404). Every write is one transaction with its audit events. Evidence sent with an answer is uploaded through
rectification's own service, so it gets the same checks (type, size, content) and lands on the named task.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from rectify.accounts.models import Role, User
from rectify.audit.services import audit_record
from rectify.core import clock
from rectify.core.dates import check_plausible_date
from rectify.core.errors import Conflict, DomainError, PermissionDenied
from rectify.inspections import selectors as inspection_selectors
from rectify.rectification import services as rectification_services
from rectify.rectification.models import Task
from rectify.supervision import order_selectors
from rectify.supervision.models import OrderIssuer, OrderKind, OrderResponse, SupervisionOrder

TEXT_MAX = 10000
UNITS_MAX = 200


def _invalid(message: str, *, field: str, code: str = "invalid") -> DomainError:
    return DomainError(message, code=code, details={"field": field}).with_status(422)


def _order_state(order: SupervisionOrder, task_ids: Iterable[int]) -> dict[str, object]:
    return {"number": order.number, "kind": order.kind, "unit": order.inspected_unit.unit.code,
            "round": order.inspected_unit.round.code, "tasks": sorted(task_ids), "text": order.text,
            "respond_by": order.respond_by, "issuer": order.issuer, "batch": str(order.batch)}


@transaction.atomic
def order_issue(*, actor: User, round_code: str, unit_codes: Sequence[str], kind: str, text: str,
                respond_by: dt.date | None, task_ids: Sequence[int] = ()) -> list[SupervisionOrder]:
    """Issue one order (or letter) to each unit, all under one document number.

    1. the actor is the office or the commission; the round and every unit are in its scope;
    2. the kind is one of ``OrderKind``, the text is not empty, ``respond_by`` is not before today;
    3. every named task belongs to one of the addressed units (each order names the tasks of its own unit);
    4. the number is the next of the kind in this year; a number taken at the same moment is a Conflict.
    """
    if not actor.can_issue_supervision_orders:
        raise PermissionDenied(_("督办单由巡视办或纪委监委签发。"), code="orders_reviewers_only")
    if kind not in OrderKind.values:
        raise _invalid(_("督办类型只能是督办单、提示函、阶段指导函、提醒函、告诫函或问责建议函。"), field="kind")
    codes = list(dict.fromkeys(c.strip() for c in unit_codes if c and c.strip()))
    if not codes:
        raise _invalid(_("请选择至少一个被督办单位。"), field="units", code="units_required")
    if len(codes) > UNITS_MAX:
        raise _invalid(_("一次最多向 %(max)d 个单位下发督办单。") % {"max": UNITS_MAX}, field="units")
    text = (text or "").strip()
    if not text:
        raise _invalid(_("请填写督办内容：督办的事项、整改要求和回复要求。"), field="text", code="text_required")
    if len(text) > TEXT_MAX:
        raise _invalid(_("督办内容不能超过 %(max)d 字。") % {"max": TEXT_MAX}, field="text")
    today = clock.today()
    if respond_by is None:
        raise _invalid(_("请填写回复期限。"), field="respond_by", code="date_required")
    check_plausible_date(respond_by, field="respond_by", label=_("回复期限"))
    if respond_by < today:
        raise _invalid(_("回复期限不能早于今天（%(today)s）。") % {"today": today.isoformat()}, field="respond_by",
                       code="respond_by_past")
    units = [inspection_selectors.inspected_unit_get_for(user=actor, round_code=round_code, unit_code=code)
             for code in codes]
    wanted = set(task_ids)
    tasks = list(Task.objects.filter(pk__in=wanted, problem__inspected_unit__in=units)
                 .values_list("pk", "problem__inspected_unit_id"))
    missing = wanted - {pk for pk, _iu in tasks}
    if missing:
        raise _invalid(_("任务 %(ids)s 不属于所选被督办单位在该轮次的任务清单。")
                       % {"ids": "、".join(str(i) for i in sorted(missing))}, field="tasks", code="task_other_unit")
    by_unit: dict[int, list[int]] = {}
    for pk, iu in tasks:
        by_unit.setdefault(iu, []).append(pk)
    year = today.year
    seq = (SupervisionOrder.objects.filter(kind=kind, year=year, batch_head=True).aggregate(m=Max("seq"))["m"] or 0) + 1
    batch = uuid.uuid4()
    issuer = OrderIssuer.COMMISSION if actor.role == Role.COMMISSION else OrderIssuer.INSPECTION_OFFICE
    now = clock.now()
    orders = []
    try:
        with transaction.atomic():
            for i, iu in enumerate(units):
                order = SupervisionOrder.objects.create(
                    inspected_unit=iu, kind=kind, year=year, seq=seq, batch=batch, batch_head=i == 0, text=text,
                    respond_by=respond_by, issuer=issuer, issued_by=actor, issued_by_name=str(actor), issued_at=now,
                    issued_on=today)
                order.tasks.set(by_unit.get(iu.pk, []))
                orders.append(order)
    except IntegrityError:
        raise Conflict(_("文号已被同时签发的督办单占用，请重新提交。"), code="number_taken") from None
    for order in orders:
        audit_record(actor=actor, action="supervision_order.issued", obj=order,
                     after=_order_state(order, by_unit.get(order.inspected_unit_id, [])))
    return orders


@dataclass
class EvidenceFile:
    """A file sent with an answer, for one of the order's tasks."""

    task_id: int
    file: IO[bytes]
    name: str


@transaction.atomic
def order_respond(*, actor: User, order_id: int, text: str, files: Sequence[EvidenceFile] = ()) -> OrderResponse:
    """The addressed unit answers with its progress and, optionally, evidence for the order's tasks.

    An order to another unit is NotFound (scope); the office, the commission and read-only roles cannot answer
    (403). A unit may answer more than once (later progress); the first answer ends the escalation.
    """
    order = order_selectors.order_get_for(user=actor, order_id=order_id)
    if not actor.can_answer_supervision_orders:
        raise PermissionDenied(_("督办单由被督办单位的整改人员回复。"), code="addressed_unit_only")
    text = (text or "").strip()
    if not text:
        raise _invalid(_("请填写回复内容：整改进展、已采取的措施和下一步安排。"), field="text", code="text_required")
    if len(text) > TEXT_MAX:
        raise _invalid(_("回复内容不能超过 %(max)d 字。") % {"max": TEXT_MAX}, field="text")
    task_ids = {t.pk for t in order.tasks.all()}
    for f in files:
        if f.task_id not in task_ids:
            raise _invalid(_("佐证材料须上传到本督办单所列的任务。"), field="task", code="task_not_in_order")
    now = clock.now()
    response = OrderResponse.objects.create(order=order, text=text, responded_by=actor,
                                            responded_by_name=str(actor), responded_at=now)
    evidence = []
    for f in files:
        try:
            evidence.append(rectification_services.evidence_upload(
                actor=actor, task_id=f.task_id, file=f.file, name=f.name,
                description=_("%(number)s 回复材料") % {"number": order.number}))
        except DomainError as error:  # name the file, so the user knows which one to fix
            raise DomainError(_("文件“%(name)s”：%(message)s") % {"name": f.name, "message": error.message},
                              code=error.code, details={"field": "file", "file": f.name}).with_status(
                error.status) from None
    response.evidence.set(evidence)
    first = order.answered_at is None
    if first:
        SupervisionOrder.objects.filter(pk=order.pk, answered_at__isnull=True).update(answered_at=now)
    audit_record(actor=actor, action="supervision_order.answered", obj=order,
                 before={"answered": not first},
                 after={"response": response.pk, "text": text, "evidence": [e.pk for e in evidence],
                        "late": order.respond_by < clock.today()})
    return response


@transaction.atomic
def order_escalation_noticed(*, order_id: int) -> bool:
    """Claim an escalated order for the notification to the next level: True for the one caller that claimed it
    (a conditional update, safe to run twice), False when it was answered or already noticed meanwhile."""
    today = clock.today()
    updated = SupervisionOrder.objects.filter(pk=order_id, answered_at__isnull=True, respond_by__lt=today,
                                              escalation_noticed_at__isnull=True).update(
        escalation_noticed_at=clock.now())
    if updated != 1:
        return False
    order = SupervisionOrder.objects.select_related("inspected_unit__unit", "inspected_unit__round").get(pk=order_id)
    audit_record(actor=None, action="supervision_order.escalated", obj=order,
                 after={"number": order.number, "respond_by": order.respond_by,
                        "days_overdue": (today - order.respond_by).days})
    return True

