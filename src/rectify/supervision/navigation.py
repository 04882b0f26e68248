"""This app's entry in the left navigation (registered in ``apps.SupervisionConfig.ready``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from rectify.core.navigation import NavItem


def workbench_items(request: HttpRequest) -> list[NavItem]:
    return [NavItem(_("工作台"), reverse("core:home"), exact=True)]


def order_items(request: HttpRequest) -> list[NavItem]:
    """督办: every signed-in user with orders to see; the badge counts escalated orders (reviewers) or the unit's
    unanswered ones (unit users)."""
    from rectify.supervision import order_selectors

    user = request.user
    if user.can_answer_supervision_orders:
        badge = order_selectors.orders_to_answer_for(user=user).count()
    elif user.can_issue_supervision_orders:
        badge = order_selectors.overdue_orders_for(user=user).count()
    else:
        badge = None
    return [NavItem(_("督办"), reverse("supervision:order_list"), match=("/supervision/",), badge=badge)]
