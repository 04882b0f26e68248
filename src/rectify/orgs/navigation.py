"""This app's entry in the left navigation (registered in ``apps.OrgsConfig.ready``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from rectify.core.navigation import NavItem


def system_admin_items(request: HttpRequest) -> list[NavItem]:
    """系统管理 → 单位与人员: the whole tree for those who maintain it or see every unit; a unit lead
    goes to its own unit's roster. Unit members have nothing to administer there."""
    user = request.user
    match = ("/orgs/", "/units/")
    if user.can_maintain_all_rosters or user.sees_all_units:
        return [NavItem(_("系统管理"), reverse("orgs:tree"), match=match)]
    if user.unit_id is not None and user.can_maintain_roster_of(user.unit.path):
        return [NavItem(_("系统管理"), reverse("orgs:roster", args=[user.unit.code]), match=match)]
    return []
