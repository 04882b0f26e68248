from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


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


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = getattr(exception, "message", None) or _("您没有执行此操作的权限。")
    return render(request, "core/error.html", {"title": _("无权操作"), "code": 403, "message": message}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "core/error.html",
                  {"title": _("系统错误"), "code": 500, "message": _("系统出现错误，已记录日志。请稍后重试或联系管理员。")},
                  status=500)
