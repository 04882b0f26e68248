"""This app's entry in the left navigation (registered in ``apps.AccountabilityConfig.ready``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from rectify.core.navigation import NavItem


def accountability_items(request: HttpRequest) -> list[NavItem]:
    """问责: the commission's work only (accountability files are commission-only). For now it leads to the
    catalogue of the accountability regulations; the admin reaches the catalogue from 系统管理."""
    if not request.user.sees_accountability:
        return []
    return [NavItem(_("问责"), reverse("accountability:catalogue"), match=("/accountability/",))]
