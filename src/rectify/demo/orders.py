"""Demo data for issue 11 §1, §3 and §6: supervision orders (one answered, one overdue and unanswered, one
escalated and passed on, one to several units at once), a task's second extension waiting for the commission,
and a close-out held by its problem's clue beside one whose clue has its concluding result.

Written in bulk, deterministic (picked by order, no randomness), dated relative to today like the rest of the demo.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from typing import Any

from rectify.accounts.models import User
from rectify.core import clock
from rectify.inspections.models import Clue, InspectedUnit
from rectify.rectification.models import (
    ChangeRequest,
    ChangeRequestSource,
    ChangeRequestState,
    Task,
    TaskStatus,
)
from rectify.supervision.models import OrderIssuer, OrderKind, OrderResponse, SupervisionOrder

ORDER_TEXTS = {
    OrderKind.ORDER: "经调度，你单位下列整改任务进度滞后，已亮红灯或即将到期。请主要负责人亲自研究部署，逐项明确责任人和完成时间，"
                     "按期完成整改，并将整改进展和佐证材料书面回复。",
    OrderKind.REMINDER: "你单位下列整改任务临近完成时限，整改进展未按要求更新。请抓紧推进，确保按期完成，"
                        "逾期未完成的须书面说明原因。",
    OrderKind.ADMONITION: "你单位多项整改任务已逾期，前期督办单未按期回复。请于回复期限前报送整改情况和新的完成时限，"
                          "逾期仍未整改到位的，将按规定启动问责程序。",
    OrderKind.NOTICE: "巡视“回头看”集中整改期已过半。请各单位对照整改方案逐项自查，对进度滞后的任务明确补救措施，"
                      "并报送阶段性整改情况。",
}
ANSWER = ("已召开党组会专题研究，对督办任务逐项明确了责任领导和完成时间。违规发放的津贴补贴已清退大部分，"
          "剩余部分涉及调离人员，正协调其现单位配合清退，预计月底前全部完成。")


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 20), tzinfo=clock.SHANGHAI)


def seed_supervision(*, today: dt.date, seeded: list, inspected: list[InspectedUnit],
                     demo_unit: str, users: dict[str, User], unit_actor: dict[str, User], clues: list[Clue],
                     changes: list[ChangeRequest]) -> dict[str, Any]:
    """Orders, a second extension and the clue hold; returns counts for the summary."""
    by_unit: dict[str, list[Task]] = defaultdict(list)
    for task, _m, _spec, iu in seeded:
        by_unit[iu.unit.code].append(task)
    open_of = {code: sorted((t for t in tasks if t.status in (TaskStatus.PENDING, TaskStatus.IN_PROGRESS)),
                            key=lambda t: (t.due_date, t.pk)) for code, tasks in by_unit.items()}
    iu_of = {iu.unit.code: iu for iu in inspected}
    office, commission, lead = users["xunshiban"], users["jiwei"], users["jyt_lead"]
    seq: dict[tuple[str, int], int] = defaultdict(int)
    orders: list[tuple[SupervisionOrder, list[Task]]] = []

    def order(code: str, kind: str, *, by: User, issued: int, respond: int, tasks: list[Task],
              batch: uuid.UUID | None = None, answered: int | None = None, noticed: int | None = None
              ) -> SupervisionOrder:
        day = today - dt.timedelta(days=issued)
        if batch is None:
            seq[(kind, day.year)] += 1
        o = SupervisionOrder(
            inspected_unit=iu_of[code], kind=kind, year=day.year, seq=seq[(kind, day.year)], batch=batch or uuid.uuid4(),
            batch_head=batch is None, text=ORDER_TEXTS[kind], respond_by=today - dt.timedelta(days=respond),
            issuer=OrderIssuer.COMMISSION if by.role == "commission" else OrderIssuer.INSPECTION_OFFICE,
            issued_by=by, issued_by_name=str(by), issued_at=_at(day, 9), issued_on=day,
            answered_at=_at(today - dt.timedelta(days=answered), 16) if answered is not None else None,
            escalation_noticed_at=_at(today - dt.timedelta(days=noticed), 8) if noticed is not None else None)
        orders.append((o, tasks))
        return o

    demo_open = open_of.get(demo_unit, [])
    answered = order(demo_unit, OrderKind.ORDER, by=office, issued=24, respond=14, tasks=demo_open[:2], answered=16)
    order(demo_unit, OrderKind.REMINDER, by=commission, issued=12, respond=3, tasks=demo_open[2:4])  # overdue
    worst = max((c for c in open_of if c != demo_unit), key=lambda c: (sum(t.due_date < today for t in open_of[c]), c))
    order(worst, OrderKind.ADMONITION, by=commission, issued=30, respond=20,
          tasks=[t for t in open_of[worst] if t.due_date < today][:3], noticed=19)  # escalated and passed on
    several = [c for c in sorted(iu_of) if c not in (demo_unit, worst)][:3]
    head = order(several[0], OrderKind.ORDER, by=office, issued=4, respond=-10, tasks=[])
    for i, code in enumerate(several[1:]):
        order(code, OrderKind.ORDER, by=office, issued=4, respond=-10, tasks=[], batch=head.batch,
              answered=1 if i == 0 else None)
    SupervisionOrder.objects.bulk_create([o for o, _t in orders])
    through = SupervisionOrder.tasks.through
    through.objects.bulk_create([through(supervisionorder_id=o.pk, task_id=t.pk) for o, ts in orders for t in ts])
    responses = [OrderResponse(order=o, text=ANSWER if o.pk == answered.pk else "已收到，正组织各处室逐项自查，阶段性情况将按期报送。",
                               responded_by=lead if o.pk == answered.pk else unit_actor[o.inspected_unit.unit.code],
                               responded_by_name=str(lead if o.pk == answered.pk else unit_actor[o.inspected_unit.unit.code]),
                               responded_at=o.answered_at) for o, _t in orders if o.answered_at]
    OrderResponse.objects.bulk_create(responses)

    # §3: the demo unit's approved extension is followed by a second request, which only the commission approves.
    extended = next((c for c in changes if c.state == ChangeRequestState.APPROVED
                     and c.task.problem.inspected_unit.unit.code == demo_unit), None)
    second = []
    if extended is not None:
        task = extended.task
        second.append(ChangeRequest(
            problem_id=task.problem_id, task=task, state=ChangeRequestState.PENDING, source=ChangeRequestSource.PAGE,
            changes={"due_date": {"before": task.due_date.isoformat(),
                                  "after": (task.due_date + dt.timedelta(days=30)).isoformat()}},
            reason="涉及资金清退的当事人仍未到位，已函请其现工作单位协助，申请再延期一个月。", requested_by=lead,
            requested_by_name=str(lead), requested_at=_at(today - dt.timedelta(days=2), 11), is_extension=True))
        ChangeRequest.objects.bulk_create(second)

    # §6, scenario 10: of the demo unit's close-outs awaiting review, the first waits for its problem's clue; the
    # second's clue has its concluding result, so it may be approved.
    submitted = [t for t in by_unit.get(demo_unit, []) if t.status == TaskStatus.SUBMITTED]
    unit_clues = [c for c in clues if c.inspected_unit_id == iu_of[demo_unit].pk]
    open_clue = next((c for c in unit_clues if not c.concluded), None)
    closed_clue = next((c for c in unit_clues if c.concluded), None)
    moved = []
    if submitted and open_clue is not None:
        open_clue.problem_id = submitted[0].problem_id
        moved.append(open_clue)
    held = {submitted[0].problem_id} if moved else set()
    if len(submitted) > 1 and closed_clue is not None and submitted[1].problem_id not in held:
        closed_clue.problem_id = submitted[1].problem_id
        moved.append(closed_clue)
        for c in unit_clues:  # nothing else holds that one
            if c.problem_id == submitted[1].problem_id and not c.concluded and c not in moved:
                c.problem_id = None
                moved.append(c)
    Clue.objects.bulk_update(moved, ["problem"])
    return {"orders": len(orders), "second_extensions": len(second), "held_close_outs": len(held)}
