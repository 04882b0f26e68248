"""The JSON API at /api/v1 (django-ninja): token auth, JSON errors, routers from each app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer

from rectify.accounts.services import api_token_authenticate
from rectify.core.errors import DomainError
from rectify.core.uploads import refused_uploads


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):  # type: ignore[no-untyped-def]
        """The token's user; an unknown, expired or revoked token raises a 401 that says which."""
        user = api_token_authenticate(token)
        request.user = user
        return user


class JsonOrFormParser(Parser):
    """Bodies are JSON; a form post carries the same fields (so an empty form is an empty body).

    HTTP clients (and Django's test client) send a bare POST as an empty multipart form, which
    the plain JSON parser rejects — but "approve with no comment" must accept it.
    """

    FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")

    def parse_body(self, request: HttpRequest) -> dict:
        if request.content_type in self.FORM_TYPES:
            return request.POST.dict()
        return super().parse_body(request)


class Utf8JSONRenderer(JSONRenderer):
    """Chinese as readable UTF-8 (the response is declared charset=utf-8), not \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="整改通 Rectify API",
    version="1",
    description="巡视巡察整改监督接口。认证：`Authorization: Bearer <token>`（用 `rectify token NAME` 或“系统管理 → 用户与令牌”生成；"
                "到期或被吊销的令牌返回 401）。",
    auth=BearerToken(),
    urls_namespace="api",
    parser=JsonOrFormParser(),
    renderer=Utf8JSONRenderer(),
    # Intranet: Swagger UI from ninja's static files (ninja is in INSTALLED_APPS) and no validator badge,
    # which would fetch validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
)


def _error(request: HttpRequest, status: int, code: str, message: str, details: object = None) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "details": details}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.details)


_PLACES = {"body": "请求体", "query": "查询参数", "path": "路径参数", "form": "表单字段", "file": "文件字段"}


def _field_problem(error: dict) -> str:
    loc = [str(part) for part in error.get("loc", ())]
    place = _PLACES.get(loc[0], "") if loc else ""
    name = ".".join(part for part in loc[1:] if part not in ("payload", "filters", "query")) or (loc[-1] if loc else "")
    kind = error.get("type", "")
    if kind == "missing":
        return f"缺少{place}“{name}”"
    return f"{place}“{name}”的值不正确"


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    refused = refused_uploads(request)
    if refused:  # the file is "missing" because it was over the limit and skipped while streaming
        first = next(iter(refused.values()))
        return _error(request, 413, "file_too_large", first.message,
                      {"field": first.field, "file": first.filename, "limit_bytes": first.limit})
    problems = "；".join(dict.fromkeys(_field_problem(e) for e in exc.errors)) or "请求参数不正确"
    return _error(request, 422, "validation_error", f"{problems}。详见 details。", exc.errors)


@api.exception_handler(MultiPartParserError)
def on_multipart_error(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    return _error(request, 400, "bad_request", "上传内容无法解析：请用 multipart/form-data 格式提交文件。", str(exc))


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthorized", "未认证：请在 Authorization 头中提供有效的 Bearer 令牌。")


@api.exception_handler(Exception)
def on_unexpected_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Anything no other handler claims is a bug or an outage: JSON 500 with an id in the log, not HTML."""
    from rectify.core.views import api_client_error, api_server_error

    return api_client_error(request, exc) or api_server_error(request, (type(exc), exc, exc.__traceback__))


# django-ninja raises HttpError itself with English text; users get Chinese (the original in details).
_HTTP_ERROR_MESSAGES = {
    400: ("bad_request", "请求体无法解析：请发送有效的 JSON，并设置 Content-Type: application/json。"),
}


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code, message = _HTTP_ERROR_MESSAGES.get(exc.status_code, ("http_error", str(exc)))
    details = str(exc) if message != str(exc) else None
    return _error(request, exc.status_code, code, message, details)


from rectify.accountability.api import router as accountability_router  # noqa: E402
from rectify.accountability.case_api import router as accountability_case_router  # noqa: E402
from rectify.accountability.pool_api import router as accountability_pool_router  # noqa: E402
from rectify.cases.api import router as cases_router  # noqa: E402
from rectify.inspections.api import router as inspections_router  # noqa: E402
from rectify.ledger.api import router as ledger_router  # noqa: E402
from rectify.orgs.api import router as orgs_router  # noqa: E402
from rectify.rectification.api import router as rectification_router  # noqa: E402
from rectify.rectification.handover_api import router as handover_router  # noqa: E402
from rectify.rectification.plan_api import router as plan_router  # noqa: E402
from rectify.supervision import api as supervision_api  # noqa: E402, F401  (adds GET /rounds/{code}/units)
from rectify.supervision.lookback_api import router as lookback_router  # noqa: E402
from rectify.supervision.order_api import router as supervision_orders_router  # noqa: E402

api.add_router("", inspections_router)
api.add_router("", rectification_router)
api.add_router("", plan_router)
api.add_router("", ledger_router)
api.add_router("", orgs_router)
api.add_router("", handover_router)
api.add_router("", accountability_router)
api.add_router("", accountability_case_router)
api.add_router("", accountability_pool_router)
api.add_router("", supervision_orders_router)
api.add_router("", lookback_router)
api.add_router("", cases_router)
