"""Reads of supervision orders, scoped to the acting user, with their state judged today.

State (computed when read, never stored):

* answered — the unit has answered at least once;
* overdue — unanswered and ``respond_by`` has passed: escalated, shown red, listed on the workbench;
* due_soon — unanswered and due within ``RECTIFY_ORDER_DUE_SOON_DAYS`` days (inclusive): yellow;
* waiting — unanswered, more time left: green.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, CharField, Count, Prefetch, Q, QuerySet, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rectify.accounts.models import User
from rectify.accounts.selectors import unit_scope_q
from rectify.core import clock
from rectify.core.errors import NotFound
from rectify.rectification.models import Evidence, Task
from rectify.supervision.models import OrderResponse, SupervisionOrder

ORDER_STATES = ("overdue", "due_soon", "waiting", "answered")
ORDER_STATE_LABELS = {"overdue": gettext_noop("逾期未回复"), "due_soon": gettext_noop("即将到期"),
                      "waiting": gettext_noop("待回复"), "answered": gettext_noop("已回复")}
# The colour shown beside the state (a dot plus the text, never colour alone).
ORDER_STATE_WARNING = {"overdue": "red", "due_soon": "yellow", "waiting": "green", "answered": None}


def orders_in_scope(*, user: User) -> QuerySet[SupervisionOrder]:
    """Orders the user may see: every order for the office, the commission and read-only roles; a unit user the
    orders addressed to its own unit and the units below it."""
    return SupervisionOrder.objects.filter(unit_scope_q(user, unit_path_field="inspected_unit__unit__path"))


def annotate_order_state(qs: QuerySet[SupervisionOrder], *, today: dt.date | None = None
                         ) -> QuerySet[SupervisionOrder]:
    today = today or clock.today()
    soon = today + dt.timedelta(days=settings.RECTIFY_ORDER_DUE_SOON_DAYS)
    return qs.annotate(state=Case(
        When(answered_at__isnull=False, then=Value("answered")),
        When(respond_by__lt=today, then=Value("overdue")),
        When(respond_by__lte=soon, then=Value("due_soon")),
        default=Value("waiting"), output_field=CharField()))


@dataclass
class OrderFilters:
    round_code: str | None = None
    unit_code: str | None = None
    kind: str | None = None
    state: str | None = None
    query: str | None = None


def order_list_for(*, user: User, filters: OrderFilters | None = None, today: dt.date | None = None
                   ) -> QuerySet[SupervisionOrder]:
    """Orders in scope, newest first, each with ``state`` and ``task_count``; filtered by round, unit, kind, state
    and a text query (document text or unit name)."""
    f = filters or OrderFilters()
    qs = annotate_order_state(orders_in_scope(user=user), today=today)
    if f.round_code:
        qs = qs.filter(inspected_unit__round__code=f.round_code)
    if f.unit_code:
        qs = qs.filter(inspected_unit__unit__code=f.unit_code)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.state in ORDER_STATES:
        qs = qs.filter(state=f.state)
    if f.query:
        qs = qs.filter(Q(text__icontains=f.query) | Q(inspected_unit__unit__name__icontains=f.query))
    return (qs.select_related("inspected_unit__unit", "inspected_unit__round")
            .annotate(task_count=Count("tasks", distinct=True)).order_by("-issued_at", "-id"))


def order_get_for(*, user: User, order_id: int, today: dt.date | None = None) -> SupervisionOrder:
    """One order with its state, tasks and answers (with their evidence); NotFound when missing or out of scope."""
    qs = annotate_order_state(orders_in_scope(user=user), today=today).select_related(
        "inspected_unit__unit", "inspected_unit__round", "issued_by").prefetch_related(
        Prefetch("tasks", queryset=Task.objects.select_related("problem").order_by("problem__sort_key", "number")),
        Prefetch("responses", queryset=OrderResponse.objects.select_related("responded_by").prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.select_related("task__problem").order_by("id")))))
    try:
        return qs.get(pk=order_id)
    except SupervisionOrder.DoesNotExist:
        raise NotFound(_("未找到该督办单，或您无权查看。")) from None


def batch_of(order: SupervisionOrder) -> list[SupervisionOrder]:
    """Every order issued with this one (the same letter to several units), the unit's own first."""
    return list(SupervisionOrder.objects.filter(batch=order.batch).select_related("inspected_unit__unit")
                .order_by("inspected_unit__unit__path", "id"))


def overdue_orders_for(*, user: User, today: dt.date | None = None) -> QuerySet[SupervisionOrder]:
    """Escalated orders in scope: unanswered past their response deadline, the longest overdue first."""
    today = today or clock.today()
    return (annotate_order_state(orders_in_scope(user=user), today=today)
            .filter(answered_at__isnull=True, respond_by__lt=today)
            .select_related("inspected_unit__unit", "inspected_unit__round").order_by("respond_by", "id"))


def orders_to_answer_for(*, user: User, today: dt.date | None = None) -> QuerySet[SupervisionOrder]:
    """A unit user's unanswered orders, the earliest deadline first (empty for other roles)."""
    if not user.can_answer_supervision_orders:
        return SupervisionOrder.objects.none()
    return (annotate_order_state(orders_in_scope(user=user), today=today).filter(answered_at__isnull=True)
            .select_related("inspected_unit__unit", "inspected_unit__round").order_by("respond_by", "id"))


def orders_needing_notice(*, today: dt.date | None = None) -> QuerySet[SupervisionOrder]:
    """For the notification sweep (no acting user: a background job): escalated orders whose escalation has not
    yet been passed on to the next level. Claim each with ``order_services.order_escalation_noticed`` (a
    conditional update), so two sweeps never notify twice."""
    today = today or clock.today()
    return (SupervisionOrder.objects.filter(answered_at__isnull=True, respond_by__lt=today,
                                            escalation_noticed_at__isnull=True)
            .select_related("inspected_unit__unit", "inspected_unit__round").order_by("respond_by", "id"))


def tasks_for_order(*, user: User, inspected_unit_id: int) -> QuerySet[Task]:
    """The open and closed tasks of a unit an order may name, in ledger order."""
    from rectify.rectification import selectors as rectification_selectors

    return (rectification_selectors.tasks_in_scope(user=user).filter(problem__inspected_unit_id=inspected_unit_id)
            .select_related("problem").order_by("problem__sort_key", "problem_id", "number"))
