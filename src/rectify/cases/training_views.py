"""Pages of training (培训): courses and sessions, the attendance import and the Word handout."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rectify.cases import services
from rectify.cases import training as tr
from rectify.cases.models import CaseDocument, Course, CourseItem, Venue
from rectify.core import clock
from rectify.core.errors import DomainError, NotFound
from rectify.core.uploads import refused_uploads


def _int(value: object) -> int | None:
    try:
        return int(str(value)) if value not in (None, "") else None
    except ValueError:
        return None


def _crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("培训"), reverse("cases:training")), *items]


@login_required
def training(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/training.html", {
        "crumbs": _crumbs(), "courses": tr.course_list(), "sessions": tr.session_list(),
        "figures": tr.prefecture_figures(), "can_manage": services.can_manage_library(request.user),
        "today": clock.today(),
    })


@login_required
@require_POST
def course_new(request: HttpRequest) -> HttpResponse:
    try:
        course = tr.course_create(actor=request.user, title=request.POST.get("title", ""),
                                        description=request.POST.get("description", ""))
    except DomainError as e:
        if e.status == 403:
            raise Forbidden from None
        messages.error(request, e.message)
        return redirect("cases:training")
    messages.success(request, _("课程已建立，已按制度、实务、规范、评价四个层面和六个专题生成默认大纲。"))
    return redirect("cases:course", course.pk)


@login_required
def course(request: HttpRequest, course_id: int) -> HttpResponse:
    try:
        c = tr.course_get(course_id)
    except NotFound:
        raise Http404 from None
    if request.method == "POST":
        if not services.can_manage_library(request.user):
            raise Forbidden
        item = CourseItem.objects.filter(pk=_int(request.POST.get("item")) or 0).first()  # any course's item
        document = CaseDocument.objects.filter(pk=_int(request.POST.get("document")) or 0).first()
        if item is not None and document is not None:
            docs = list(item.documents.all())
            docs = [d for d in docs if d.pk != document.pk] if request.POST.get("remove") else [*docs, document]
            tr.course_item_set_documents(actor=request.user, item=item, documents=docs)
            messages.success(request, _("课程案例已更新。"))
        target = request.POST.get("next") or ""
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("cases:course", args=[c.pk])
        return redirect(target)
    return render(request, "cases/course.html", {
        "crumbs": _crumbs((c.title, None)), "course": c, "can_manage": services.can_manage_library(request.user),
        "sessions": list(c.sessions.order_by("-held_on")),
    })


@login_required
def handout(request: HttpRequest, course_id: int) -> HttpResponse:
    try:
        c = tr.course_get(course_id)
    except NotFound:
        raise Http404 from None
    response = HttpResponse(tr.handout_docx(c), content_type=(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
    name = _("%(title)s-培训讲义.docx") % {"title": c.title}
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
@require_POST
def session_new(request: HttpRequest) -> HttpResponse:
    c = Course.objects.filter(pk=request.POST.get("course") or 0).first()
    try:
        held_on = dt.date.fromisoformat((request.POST.get("held_on") or "").strip())
    except ValueError:
        messages.error(request, _("举办日期不正确，请按 YYYY-MM-DD 填写。"))
        return redirect("cases:training")
    if c is None:
        messages.error(request, _("请选择课程。"))
        return redirect("cases:training")
    try:
        s = tr.session_create(actor=request.user, course=c, title=request.POST.get("title", ""), held_on=held_on)
    except DomainError as e:
        if e.status == 403:
            raise Forbidden from None
        messages.error(request, e.message)
        return redirect("cases:training")
    return redirect("cases:session", s.pk)


@login_required
def session(request: HttpRequest, session_id: int, result: tr.AttendanceResult | None = None,
            status: int = 200) -> HttpResponse:
    try:
        s = tr.session_get(session_id)
    except NotFound:
        raise Http404 from None
    venues = tr.venue_counts(s)
    people = Paginator(s.attendance.select_related("venue").order_by("venue__position", "id"), 50).get_page(
        request.GET.get("page"))
    return render(request, "cases/session.html", {
        "crumbs": _crumbs((s.title, None)), "session": s, "venues": venues, "people": people,
        "total": sum(v.people for v in venues), "branches": sum(1 for v in venues if not v.is_main),
        "result": result, "can_manage": services.can_manage_library(request.user),
    }, status=status)


@login_required
@require_POST
def attendance_import(request: HttpRequest, session_id: int) -> HttpResponse:
    if not services.can_manage_library(request.user):
        raise Forbidden
    try:
        s = tr.session_get(session_id)
    except NotFound:
        raise Http404 from None
    upload = request.FILES.get("file")
    refused = refused_uploads(request)  # known once the body is parsed
    result = tr.AttendanceResult()
    if refused:
        result.errors.append({"message": next(iter(refused.values())).message})
    elif upload is None:
        result.errors.append({"message": _("请选择签到表文件（.xlsx、.xls 或 .csv）。")})
    else:
        venue = Venue.objects.filter(session=s, pk=request.POST.get("venue") or 0).first()
        try:
            result = tr.attendance_import(actor=request.user, session=s, data=upload.read(),
                                                filename=upload.name or "", venue=venue)
        except DomainError as e:
            result.errors.append({"message": e.message})
    if not result.errors:
        messages.success(request, _("已导入签到 %(n)s 人（%(already)s 人此前已签到）。")
                         % {"n": result.added, "already": result.already})
        return redirect("cases:session", s.pk)
    request.method = "GET"
    return session(request, session_id, result=result, status=400)

