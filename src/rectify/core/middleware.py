"""Turn domain errors that escape a page view into the right error page."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from rectify.core.errors import NotFound, PermissionDenied


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and request.path.startswith("/api/") \
                and not response.get("Content-Type", "").startswith("application/json"):
            # django-ninja answers a wrong method in plain text; API clients get our JSON error shape.
            allowed = response.get("Allow", "")
            json_response = JsonResponse({"code": "method_not_allowed",
                                          "message": f"该接口不支持 {request.method} 方法，可用：{allowed}。",
                                          "details": {"allow": allowed}}, status=405)
            json_response["Allow"] = allowed
            return json_response
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from rectify.core import views

        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, NotFound):
            return views.not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return views.forbidden(request, exception)
        return None


class ChosenLanguageMiddleware:
    """Chinese unless the user chose English with the language switch.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would turn the UI into
    English for anyone with an English browser. Rectify's users work in Chinese; English is a choice
    (the language cookie set by the switch), never a guess.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
