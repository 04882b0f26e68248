"""The unread count in the top bar (base.html shows it when the key is present)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from rectify.notifications import selectors


def inbox(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # One count per page, memoised on the request: the navigation badge asks for the same number.
    return {"notifications_unread": selectors.unread_count_for(user=user, request=request)}
