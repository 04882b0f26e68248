from __future__ import annotations

import logging
import sys
import uuid

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger("rectify.errors")


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = getattr(exception, "message", None) or _("您访问的页面不存在，或您无权查看。")
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "message": "接口地址不存在，请对照 /api/v1/docs 检查路径。",
                             "details": {"path": request.path}}, status=404)
    return render(request, "core/error.html", {"title": _("未找到"), "code": 404, "message": message}, status=404)


def _api_error(status: int, code: str, message: str, details: object = None) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "details": details}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def api_client_error(request: HttpRequest, exc: Exception) -> JsonResponse | None:
    """The JSON answer for Django's own request errors under /api/ (an oversized body, a request Django finds
    suspicious, a permission refusal); None for anything else."""
    from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
    from django.http import UnreadablePostError

    if isinstance(exc, RequestDataTooBig):
        return _api_error(413, "request_too_large", _("请求内容过大：表单字段合计不能超过 %(mb)s MB。")
                          % {"mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)})
    if isinstance(exc, SuspiciousOperation | UnreadablePostError):
        return _api_error(400, "bad_request", _("请求无法处理：请检查请求的地址、请求头和内容。"), type(exc).__name__)
    if isinstance(exc, PermissionDenied):
        return _api_error(403, "forbidden", _("您没有执行此操作的权限。"))
    return None


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_client_error(request, exception or ValueError()) or _api_error(
            400, "bad_request", _("请求无法处理：请检查请求的地址、请求头和内容。"))
    return render(request, "core/error.html", {"title": _("请求无效"), "code": 400,
                                               "message": _("请求无法处理，请返回上一页重试。")}, status=400)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = getattr(exception, "message", None) or _("您没有执行此操作的权限。")
    if request.path.startswith("/api/"):
        return _api_error(403, "forbidden", message)
    return render(request, "core/error.html", {"title": _("无权操作"), "code": 403, "message": message}, status=403)


def api_server_error(request: HttpRequest, exc_info: object = None) -> JsonResponse:
    """An unexpected error under /api/: logged with an id the client can quote, answered as JSON — never an
    HTML page, wherever it was raised (a view, django-ninja, a middleware)."""
    error_id = uuid.uuid4().hex[:12]
    logger.error("server error %s: %s %s", error_id, request.method, request.path,
                 exc_info=exc_info if exc_info is not None else sys.exc_info())
    return JsonResponse({"code": "server_error",
                         "message": _("服务器内部错误，已记录日志（编号 %(id)s）。请稍后重试；如仍出错，请把编号告知管理员。")
                         % {"id": error_id},
                         "details": {"error_id": error_id}}, status=500, json_dumps_params={"ensure_ascii": False})


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):  # Django calls this inside the except block: sys.exc_info() is the error
        return api_server_error(request)
    return render(request, "core/error.html",
                  {"title": _("系统错误"), "code": 500, "message": _("系统出现错误，已记录日志。请稍后重试或联系管理员。")},
                  status=500)
