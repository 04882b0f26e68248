"""This app's entry in the left navigation (registered in ``apps.SupervisionConfig.ready``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from rectify.core.navigation import NavItem


def workbench_items(request: HttpRequest) -> list[NavItem]:
    return [NavItem(_("工作台"), reverse("core:home"), exact=True)]
