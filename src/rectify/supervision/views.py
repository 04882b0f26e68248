"""The workbench (工作台, the home page) and a round's overview: findings beside their remedies."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rectify.inspections import selectors as inspection_selectors
from rectify.rectification import selectors as rectification_selectors
from rectify.supervision import order_selectors, selectors


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """工作台: what needs this user today."""
    user = request.user
    context = {
        "summaries": selectors.round_summaries_for(user=user),
        "attention_tasks": rectification_selectors.attention_tasks_for(user=user, limit=12),
        "returned": rectification_selectors.returned_close_outs_for(user=user, limit=8),
        "pending_reviews": (
            list(rectification_selectors.close_out_queue_for(user=user)[:8]) if user.can_review_close_out else []
        ),
        "pending_review_count": rectification_selectors.pending_close_out_count_for(user=user),
        "pending_change_count": rectification_selectors.pending_change_request_count_for(user=user),
    }
    # 督办: escalated orders (unanswered past their deadline) for the office and the commission; the unit's
    # unanswered orders for its users.
    if user.can_issue_supervision_orders:
        overdue_orders = order_selectors.overdue_orders_for(user=user)
        context["overdue_orders"], context["overdue_order_count"] = list(overdue_orders[:6]), overdue_orders.count()
    elif user.can_answer_supervision_orders:
        context["orders_to_answer"] = list(order_selectors.orders_to_answer_for(user=user)[:6])
    if user.can_review_plan:
        context["plans_to_review"], context["plans_to_review_count"] = \
            rectification_selectors.plans_awaiting_review_for(user=user)
    elif user.is_unit_user:
        context["own_plans"] = rectification_selectors.own_plans_for(user=user)
    if user.can_manage_clues:  # rule 12: clues handed over months ago without results
        overdue = inspection_selectors.clues_overdue_for(user=user)
        context["overdue_clues"] = list(overdue[:5])
        context["overdue_clue_count"] = overdue.count()
        context["clue_feedback_months"] = settings.RECTIFY_CLUE_FEEDBACK_MONTHS
    return render(request, "supervision/workbench.html", context)


@login_required
def round_overview(request: HttpRequest, code: str) -> HttpResponse:
    """Every inspected unit of a round with its progress bar and counts by state and colour."""
    order = request.GET.get("order", "")
    overview = selectors.round_overview_for(user=request.user, code=code, order=order)
    return render(request, "supervision/round_overview.html", {
        "round": overview.round,
        "progress": overview.progress,
        "totals": overview.totals,
        "order": order,
    })
