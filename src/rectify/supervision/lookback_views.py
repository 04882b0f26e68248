"""Pages of the supervisors' tools (issue 11 §2, §4, §5): red flags, the look-back's repeats, interviews.

Supervisors only: anyone else gets the 404 page, as for a page that does not exist (a unit never learns that
a flag exists)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from rectify.core.errors import DomainError, NotFound
from rectify.inspections import selectors as inspection_selectors
from rectify.rectification.models import DeadlineKind
from rectify.supervision import (
    interview_selectors,
    interview_services,
    lookback_selectors,
    lookback_services,
    redflag_selectors,
    redflag_services,
)
from rectify.supervision.models import AssessmentConclusion, InterviewKind, RedFlagKind


def require_supervisor_page(request: HttpRequest) -> None:
    if not request.user.sees_red_flags:
        raise NotFound(_("您访问的页面不存在，或您无权查看。"))


def _round_code(request: HttpRequest, rounds: list) -> str:  # type: ignore[type-arg]
    code = request.POST.get("round") or request.GET.get("round") or ""
    if not code and rounds:
        code = rounds[0].code
    return code


@login_required
def red_flag_list(request: HttpRequest) -> HttpResponse:
    """红旗预警: the round's flags with their reasons and rows, filtered by kind, unit and state, paginated."""
    require_supervisor_page(request)
    rounds = list(inspection_selectors.round_list_for(user=request.user))
    code = _round_code(request, rounds)
    kind = request.GET.get("kind") or ""
    unit = request.GET.get("unit") or ""
    state = request.GET.get("state") or "open"
    if kind not in RedFlagKind.values:
        kind = ""
    if state not in redflag_selectors.STATES:
        state = "open"
    flags: list = []  # type: ignore[type-arg]
    rnd = None
    if code:
        rnd = inspection_selectors.round_get_for(user=request.user, code=code)
        contents = redflag_selectors.evidence_contents_of_round(rnd)
        redflag_services.evidence_facts_catch_up(round=rnd, contents=contents)
        _rnd, everything = redflag_selectors.red_flags_for(user=request.user, round_code=code, state=state,
                                                           contents=contents)
        units = sorted({(f.unit, f.unit_name) for f in everything})
        counts = {k: sum(f.kind == k for f in everything) for k in RedFlagKind.values}
        flags = [f for f in everything if (not kind or f.kind == kind) and (not unit or f.unit == unit)]
    else:
        units, counts = [], {}
    page = Paginator(flags, settings.RECTIFY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: v for k, v in {"round": code, "kind": kind, "unit": unit, "state": state}.items() if v}
    return render(request, "supervision/red_flags.html", {
        "rounds": rounds, "round": rnd, "kind": kind, "unit": unit, "state": state, "units": units,
        "kinds": [(k, label, counts.get(k, 0)) for k, label in RedFlagKind.choices],
        "page_obj": page, "querystring": urlencode(query),
        "states": [("open", _("待研判")), ("dismissed", _("已排除")), ("all", _("全部"))],
        "notices": list(lookback_selectors.notices_for(user=request.user)[:5]),
        "notice_count": lookback_selectors.notices_for(user=request.user).count(),
    })


@login_required
@require_POST
def notice_read(request: HttpRequest, notice_id: int) -> HttpResponse:
    require_supervisor_page(request)
    lookback_services.notice_mark_read(actor=request.user, notice_id=notice_id)
    back = request.POST.get("next") or ""
    return redirect(back if back.startswith("/") else reverse("lookback:red_flags"))


@login_required
@require_POST
def red_flag_dismiss(request: HttpRequest) -> HttpResponse:
    require_supervisor_page(request)
    code = request.POST.get("round", "")
    back = request.POST.get("next") or ""
    if not back.startswith("/"):
        back = reverse("lookback:red_flags") + "?" + urlencode({"round": code})
    try:
        redflag_services.red_flag_dismiss(actor=request.user, round_code=code, key=request.POST.get("key", ""),
                                          reason=request.POST.get("reason", ""))
    except DomainError as error:
        if error.status == 404 and "round" in (error.message or ""):
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, _("已排除该红旗预警，理由已记录。"))
    return redirect(back)


# --- look-back: the repeat review -----------------------------------------------------------------

LOOK_BACK_STATES = (("", gettext_lazy("全部")), ("open", gettext_lazy("待认定")), ("linked", gettext_lazy("已确认重复")),
                    ("rejected", gettext_lazy("已否定")))


@login_required
def look_back(request: HttpRequest, code: str) -> HttpResponse:
    """回头看 重复问题认定: the look-back round's problems with their link, old/new split per unit."""
    require_supervisor_page(request)
    rnd = lookback_selectors.look_back_round_for(user=request.user, code=code)
    unit = request.GET.get("unit") or ""
    state = request.GET.get("state") or ""
    split = lookback_selectors.look_back_split_for(user=request.user, round=rnd)
    qs = lookback_selectors.review_list_for(user=request.user, round=rnd, unit=unit, state=state)
    page = Paginator(qs, settings.RECTIFY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: v for k, v in {"unit": unit, "state": state}.items() if v}
    return render(request, "supervision/look_back.html", {
        "round": rnd, "split": split, "page_obj": page, "querystring": urlencode(query), "unit": unit,
        "state": state, "states": LOOK_BACK_STATES,
        "assessments": lookback_selectors.with_reopened_numbers(
            list(lookback_selectors.assessments_for(user=request.user, round=rnd)[:20])),
        "assessment_conclusions": AssessmentConclusion.choices,
    })


@login_required
def look_back_problem(request: HttpRequest, code: str, problem_id: int) -> HttpResponse:
    """One look-back problem beside the earlier round's ten most similar problems: confirm or reject each."""
    require_supervisor_page(request)
    problem, candidates = lookback_selectors.repeat_candidates_for(user=request.user, round_code=code,
                                                                   problem_id=problem_id)
    return render(request, "supervision/look_back_problem.html", {
        "round": problem.inspected_unit.round, "problem": problem, "candidates": candidates,
        "reviews": problem.repeat_reviews.select_related("earlier", "decided_by"),
    })


@login_required
@require_POST
def look_back_decide(request: HttpRequest, code: str, problem_id: int) -> HttpResponse:
    require_supervisor_page(request)
    try:
        score = float(request.POST.get("score") or 0) or None
        review = lookback_services.repeat_decide(
            actor=request.user, round_code=code, problem_id=problem_id,
            earlier_id=int(request.POST.get("earlier") or 0), decision=request.POST.get("decision", ""),
            note=request.POST.get("note", ""), score=score)
    except ValueError:
        messages.error(request, _("请求参数不正确，请刷新页面后重试。"))
    except DomainError as error:
        if error.status in (403, 404) and not isinstance(error.details, dict):
            raise
        messages.error(request, error.message)
    else:
        if review.decision == "confirmed":
            reopened = len(review.assessment.reopened_tasks) if hasattr(review, "assessment") else 0
            messages.success(request, _("已确认为重复问题。") + (
                _("原问题已销号的 %(n)d 项任务已重新打开，已通知原审核人，并提示开展虚假整改评估。") % {"n": reopened}
                if reopened else ""))
        else:
            messages.success(request, _("已记录：不是重复问题。"))
    return redirect("lookback:look_back_problem", code=code, problem_id=problem_id)


@login_required
@require_POST
def assessment_conclude(request: HttpRequest, assessment_id: int) -> HttpResponse:
    require_supervisor_page(request)
    back = request.POST.get("next") or "/"
    try:
        lookback_services.assessment_conclude(actor=request.user, assessment_id=assessment_id,
                                              conclusion=request.POST.get("conclusion", ""),
                                              reason=request.POST.get("reason", ""))
    except DomainError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, _("已记录虚假整改评估结论。"))
    return redirect(back if back.startswith("/") else "/")


# --- interviews -----------------------------------------------------------------------------------

@login_required
def interview_list(request: HttpRequest) -> HttpResponse:
    require_supervisor_page(request)
    rounds = list(inspection_selectors.round_list_for(user=request.user))
    code = request.GET.get("round") or ""
    qs = interview_selectors.sessions_for(user=request.user, round_code=code or None)
    page = Paginator(qs, settings.RECTIFY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/interview_list.html", {
        "rounds": rounds, "code": code, "page_obj": page, "querystring": urlencode({"round": code} if code else {}),
    })


@login_required
def interview_new(request: HttpRequest) -> HttpResponse:
    """Step 1 (GET): round and units → the candidates per unit; step 2 (POST): schedule the session."""
    require_supervisor_page(request)
    rounds = list(inspection_selectors.round_list_for(user=request.user))
    code = request.POST.get("round") or request.GET.get("round") or (rounds[0].code if rounds else "")
    picked_units = request.POST.getlist("unit") or request.GET.getlist("unit")
    round_units = (list(inspection_selectors.inspected_units_of_round_for(
        user=request.user, round=inspection_selectors.round_get_for(user=request.user, code=code))) if code else [])
    proposals = []
    for unit_code in picked_units:
        iu, found = interview_selectors.interview_candidates_for(user=request.user, round_code=code,
                                                                 unit_code=unit_code)
        proposals.append((iu, found))
    if request.method == "POST":
        try:
            session = interview_services.interview_schedule(
                actor=request.user, round_code=code, kind=request.POST.get("kind", ""),
                title=request.POST.get("title", ""), held_on=_date(request.POST.get("held_on")),
                place=request.POST.get("place", ""), convened_by=request.POST.get("convened_by", ""),
                units=[{"unit": iu.unit.code, "participants": request.POST.getlist(f"participants-{iu.unit.code}")}
                       for iu, _found in proposals])
        except DomainError as error:
            if error.status in (403, 404) and not isinstance(error.details, dict):
                raise
            messages.error(request, error.message)
        else:
            messages.success(request, _("已安排约谈。"))
            return redirect("lookback:interview_detail", session_id=session.pk)
    return render(request, "supervision/interview_new.html", {
        "rounds": rounds, "code": code, "round_units": round_units, "picked_units": picked_units,
        "proposals": proposals, "kinds": InterviewKind.choices, "post": request.POST,
    }, status=400 if request.method == "POST" else 200)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise DomainError(_("日期格式不正确，请按“2026-06-20”的格式填写。"), code="invalid",
                          details={"field": "held_on"}) from None


@login_required
def interview_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    require_supervisor_page(request)
    session = interview_selectors.session_get_for(user=request.user, session_id=session_id)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "record":
                participants = [p for u in session.units.all() for p in u.participants.all()]
                interview_services.interview_record(
                    actor=request.user, session_id=session.pk, expected_version=int(request.POST.get("version") or 0),
                    minutes=request.POST.get("minutes", ""),
                    attendance={p.pk: request.POST.get(f"attended-{p.pk}") == "1" for p in participants},
                    absence_reasons={p.pk: request.POST.get(f"absence-{p.pk}", "") for p in participants})
                messages.success(request, _("已保存出席情况和谈话记录。"))
            elif action == "follow_up":
                interview_services.interview_add_follow_up(
                    actor=request.user, session_id=session.pk, problem_id=int(request.POST.get("problem") or 0),
                    measure=request.POST.get("measure", ""), criterion=request.POST.get("criterion", ""),
                    deadline_kind=request.POST.get("deadline_kind", "deadline"),
                    due_date=_date(request.POST.get("due_date")))
                messages.success(request, _("后续整改任务已进入该单位的整改台账。"))
        except DomainError as error:
            if error.status in (403, 404) and not isinstance(error.details, dict):
                raise
            messages.error(request, error.message)
        return redirect("lookback:interview_detail", session_id=session.pk)
    problems = {u.pk: list(u.inspected_unit.problems.order_by("sort_key", "id")) for u in session.units.all()}
    return render(request, "supervision/interview_detail.html", {
        "session": session, "problems": problems, "deadline_kinds": DeadlineKind.choices,
    })
