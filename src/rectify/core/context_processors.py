"""Navigation by task, built for the signed-in user from what the apps registered (``core.navigation``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from rectify.core import navigation as registry


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    path = request.path
    items = [{"label": item.label, "url": item.url, "active": item.is_active(path), "badge": item.badge}
             for item in registry.items_for(request)]
    return {"nav_items": items}
