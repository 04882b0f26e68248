"""Turn domain errors that escape a page view into the right error page."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from rectify.core.errors import NotFound, PermissionDenied


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from rectify.core import views

        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, NotFound):
            return views.not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return views.forbidden(request, exception)
        return None
