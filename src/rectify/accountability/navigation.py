"""This app's entry in the left navigation (registered in ``apps.AccountabilityConfig.ready``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from rectify.core.navigation import NavItem


def accountability_items(request: HttpRequest) -> list[NavItem]:
    """问责: the commission's work only (accountability files are commission-only): cases, the specialist pool,
    outcomes beside rectification and the catalogue, as tabs of one item. The badge counts appeals whose answer
    is due within a week or overdue. The admin reaches the catalogue from 系统管理."""
    if not request.user.sees_accountability:
        return []
    from rectify.accountability.case_selectors import appeals_due_count_for

    return [NavItem(_("问责"), reverse("accountability:case_list"), match=("/accountability/",),
                    badge=appeals_due_count_for(user=request.user))]
