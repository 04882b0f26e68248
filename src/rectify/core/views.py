from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from rectify.inspections import selectors as inspection_selectors
from rectify.rectification import selectors as rectification_selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """工作台: what needs this user today."""
    user = request.user
    rounds = list(inspection_selectors.round_list_for(user=user)[:5])
    summaries = []
    for rnd in rounds[:3]:
        progress = rectification_selectors.round_progress_for(user=user, round=rnd)
        summaries.append({"round": rnd, "totals": rectification_selectors.round_totals(progress),
                          "units": sorted(progress, key=lambda p: (-p.by_warning.get("red", 0), p.rate))[:8]})
    context = {
        "summaries": summaries,
        "attention_tasks": rectification_selectors.attention_tasks_for(user=user, limit=12),
        "returned": rectification_selectors.returned_close_outs_for(user=user, limit=8),
        "pending_reviews": (
            list(rectification_selectors.close_out_queue_for(user=user)[:8]) if user.can_review_close_out else []
        ),
        "pending_review_count": rectification_selectors.pending_close_out_count_for(user=user),
    }
    if user.can_manage_clues:  # rule 12: clues handed over months ago without results
        overdue = inspection_selectors.clues_overdue_for(user=user)
        context["overdue_clues"] = list(overdue[:5])
        context["overdue_clue_count"] = overdue.count()
        context["clue_feedback_months"] = settings.RECTIFY_CLUE_FEEDBACK_MONTHS
    return render(request, "core/home.html", context)


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
