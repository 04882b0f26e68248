"""This app's entries in the left navigation (registered in ``apps.InspectionsConfig.ready``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from rectify.core.navigation import NavItem


def rounds_items(request: HttpRequest) -> list[NavItem]:
    return [NavItem(_("巡视轮次"), reverse("inspections:round_list"), match=("/rounds/",))]


def clue_items(request: HttpRequest) -> list[NavItem]:
    """问题线索: the commission's work only."""
    if not request.user.can_manage_clues:
        return []
    return [NavItem(_("问题线索"), reverse("inspections:clue_list"), match=("/clues/",))]
