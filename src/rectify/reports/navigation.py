"""This app's entries in the left navigation (registered in ``apps.ReportsConfig.ready``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from rectify.core.navigation import NavItem


def statistics_items(request: HttpRequest) -> list[NavItem]:
    return [NavItem(_("统计分析"), reverse("reports:index"), match=("/stats/", "/reports/"))]


def attention_items(request: HttpRequest) -> list[NavItem]:
    return [NavItem(_("逾期与黄灯任务"), reverse("reports:tasks"), match=("/attention/",))]
