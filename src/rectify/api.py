"""The JSON API at /api/v1 (django-ninja): token auth, JSON errors, routers from each app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from rectify.accounts.services import api_token_authenticate
from rectify.core.errors import DomainError


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):  # type: ignore[no-untyped-def]
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="整改通 Rectify API",
    version="1",
    description="巡视巡察整改监督接口。认证：`Authorization: Bearer <token>`（用 `rectify token NAME` 生成）。",
    auth=BearerToken(),
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, code: str, message: str, details: object = None) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "details": details}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(request, 422, "validation_error", "请求参数不正确，请检查 details 中列出的字段。", exc.errors)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthorized", "未认证：请在 Authorization 头中提供有效的 Bearer 令牌。")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "http_error", str(exc))


from rectify.inspections.api import router as inspections_router  # noqa: E402
from rectify.rectification.api import router as rectification_router  # noqa: E402

api.add_router("", inspections_router)
api.add_router("", rectification_router)
