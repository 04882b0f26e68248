"""This app's entries in the left navigation (registered in ``apps.CasesConfig.ready``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from rectify.core.navigation import NavItem


def library_items(request: HttpRequest) -> list[NavItem]:
    """案例库: typical cases are training material, open to every signed-in role."""
    return [NavItem(_("案例库"), reverse("cases:library"), match=("/cases/library", "/cases/documents",
                                                                   "/cases/search", "/cases/upload"))]


def training_items(request: HttpRequest) -> list[NavItem]:
    """培训: courses and sessions, for every signed-in role (attendance and handouts by the organisers)."""
    return [NavItem(_("培训"), reverse("cases:training"), match=("/cases/training",))]
