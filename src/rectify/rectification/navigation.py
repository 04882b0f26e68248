"""This app's entries in the left navigation (registered in ``apps.RectificationConfig.ready``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from rectify.core.navigation import NavItem
from rectify.rectification.selectors import pending_change_request_count_for, pending_close_out_count_for


def ledger_items(request: HttpRequest) -> list[NavItem]:
    # The ledger import pages (/imports/, the ledger app) are reached from 整改台账 and belong to it.
    return [NavItem(_("整改台账"), reverse("rectification:ledger_index"),
                    match=("/ledger/", "/problems/", "/tasks/", "/imports/"))]


def close_out_items(request: HttpRequest) -> list[NavItem]:
    """销号审核 for the reviewers, with the number of requests waiting as a badge."""
    user = request.user
    if not user.can_review_close_out:
        return []
    return [NavItem(_("销号审核"), reverse("rectification:review_queue"), match=("/close-outs/",),
                    badge=pending_close_out_count_for(user=user) or None)]


def change_request_items(request: HttpRequest) -> list[NavItem]:
    """变更审批 for the reviewers (with the number waiting), 变更申请 for a unit lead's own requests."""
    user = request.user
    url = reverse("rectification:change_request_list")
    if user.can_decide_change_requests:
        return [NavItem(_("变更审批"), url, match=("/change-requests/",),
                        badge=pending_change_request_count_for(user=user) or None)]
    if user.can_request_changes:
        return [NavItem(_("变更申请"), url, match=("/change-requests/",))]
    return []
