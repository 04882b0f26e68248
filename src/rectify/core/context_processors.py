"""Navigation by task, built for the signed-in user's role."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from rectify.rectification.selectors import pending_close_out_count_for

    path = request.path
    items: list[dict[str, Any]] = [
        {"label": _("工作台"), "url": reverse("core:home"), "match": ("/",), "exact": True},
        {"label": _("巡视轮次"), "url": reverse("inspections:round_list"), "match": ("/rounds/",)},
        {"label": _("整改台账"), "url": reverse("rectification:ledger_index"), "match": ("/ledger/", "/problems/", "/tasks/", "/imports/")},
    ]
    if user.can_manage_clues:
        items.append({"label": _("问题线索"), "url": reverse("inspections:clue_list"), "match": ("/clues/",)})
    if user.can_review_close_out:
        items.append({"label": _("销号审核"), "url": reverse("rectification:review_queue"), "match": ("/close-outs/",),
                      "badge": pending_close_out_count_for(user=user) or None})
    admin_item = _system_admin_item(user)
    if admin_item is not None:
        items.append(admin_item)
    for item in items:
        if item.pop("exact", False):
            item["active"] = path == item["url"]
        else:
            item["active"] = any(path.startswith(m) for m in item["match"])
        item.pop("match")
    return {"nav_items": items}


def _system_admin_item(user: Any) -> dict[str, Any] | None:
    """系统管理 → 单位与人员: the whole tree for those who maintain it or see every unit; a unit lead
    goes to its own unit's roster. Unit members have nothing to administer there."""
    if user.can_maintain_all_rosters or user.sees_all_units:
        return {"label": _("系统管理"), "url": reverse("orgs:tree"), "match": ("/orgs/", "/units/")}
    if user.unit_id is not None and user.can_maintain_roster_of(user.unit.path):
        return {"label": _("系统管理"), "url": reverse("orgs:roster", args=[user.unit.code]), "match": ("/orgs/", "/units/")}
    return None
