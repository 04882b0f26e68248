"""A user whose password an admin set (new account or reset) changes it before doing anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


class PasswordChangeRequiredMiddleware:
    """Sends a signed-in user with ``must_change_password`` to the change-password page, whatever page they
    ask for; signing out, the language switch, static files and the API (bearer tokens, not sessions —
    see DECISIONS) stay reachable. The page itself says why the user is there."""

    OPEN_PREFIXES = ("/static/", "/api/", "/i18n/", "/healthz")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(self.OPEN_PREFIXES):  # before touching request.user: no session query
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            target = reverse("accounts:password_change")
            if request.path not in (target, reverse("accounts:logout")):
                if request.headers.get("HX-Request"):  # htmx would swap the page into a fragment
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = target
                    return response
                return redirect(target)
        return self.get_response(request)
