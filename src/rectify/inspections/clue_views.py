"""The commission's clue pages (rule 12: nobody else sees that a clue exists beyond the problem's flag)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rectify.core import clock
from rectify.core.errors import DomainError, NotFound
from rectify.core.forms import form_action, form_error
from rectify.inspections import clue_forms, selectors, services


def _require_clues(request: HttpRequest) -> None:
    if not request.user.can_manage_clues:
        raise NotFound(_("您访问的页面不存在，或您无权查看。"))


@login_required
def clue_list(request: HttpRequest) -> HttpResponse:
    """问题线索: filtered by round and by 待移交 / 待反馈 / 超期未反馈, paginated."""
    _require_clues(request)
    rounds = list(selectors.round_list_for(user=request.user))
    form = clue_forms.ClueFilterForm(request.GET or None, rounds=rounds)
    data: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()  # the valid filters apply even when another is not (an over-long keyword shows its error)
        data = form.cleaned_data
    qs = selectors.clue_list_for(user=request.user, round_code=data.get("round") or None,
                                 state=data.get("state") or None, query=data.get("q") or None)
    page = Paginator(qs, settings.RECTIFY_PAGE_SIZE).get_page(request.GET.get("page"))
    today = clock.today()
    for clue in page.object_list:
        clue.is_overdue = selectors.clue_is_overdue(clue, today=today)  # type: ignore[attr-defined]
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    current_round = next((r for r in rounds if r.code == data.get("round")), None)
    return render(request, "inspections/clue_list.html", {
        "form": form, "page_obj": page, "querystring": urlencode(query), "state": data.get("state") or "",
        "current_round": current_round, "states": clue_forms.ClueFilterForm.STATE_CHOICES,
        "base_query": urlencode({k: v for k, v in query.items() if k not in ("state",)}),
        "feedback_months": settings.RECTIFY_CLUE_FEEDBACK_MONTHS,
    })


@login_required
def clue_register(request: HttpRequest) -> HttpResponse:
    """登记问题线索 for a unit of a round (``?round=CODE``)."""
    _require_clues(request)
    round_code = request.POST.get("round") or request.GET.get("round") or ""
    if not round_code:
        return render(request, "inspections/clue_round_pick.html",
                      {"rounds": list(selectors.round_list_for(user=request.user))})
    rnd = selectors.round_get_for(user=request.user, code=round_code)
    units = list(selectors.inspected_units_of_round_for(user=request.user, round=rnd))
    if request.method != "POST":
        initial = {"registered_on": clock.today(), "inspected_unit": request.GET.get("unit", "")}
        form = clue_forms.ClueRegisterForm(inspected_units=units, initial=initial)
        return render(request, "inspections/clue_register.html", {"form": form, "round": rnd})
    form = clue_forms.ClueRegisterForm(request.POST, inspected_units=units)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        inspected = next(iu for iu in units if str(iu.pk) == data["inspected_unit"])
        try:
            problem = (selectors.problem_in_unit_for(user=request.user, inspected_unit=inspected,
                                                     number=data["problem"]) if data["problem"].strip() else None)
            clue = services.clue_register(actor=request.user, inspected_unit=inspected, number=data["number"],
                                          summary=data["summary"], problem=problem,
                                          registered_on=data["registered_on"])
        except DomainError as error:
            status = form_error(form, error)
        else:
            messages.success(request, _("问题线索“%(number)s”已登记。") % {"number": clue.number})
            return redirect("inspections:clue_detail", clue_id=clue.pk)
    return render(request, "inspections/clue_register.html", {"form": form, "round": rnd}, status=status)


def _clue_page(request: HttpRequest, clue_id: int, *, status: int = 200, **forms_: Any) -> HttpResponse:
    clue = selectors.clue_get_for(user=request.user, clue_id=clue_id)
    version = {"version": clue.version}
    return render(request, "inspections/clue_detail.html", {
        "clue": clue,
        "is_overdue": selectors.clue_is_overdue(clue),
        "feedback_months": settings.RECTIFY_CLUE_FEEDBACK_MONTHS,
        "hand_over_form": forms_.get("hand_over_form") or clue_forms.ClueHandOverForm(initial={
            **version, "handed_to": clue.handed_to, "handed_over_on": clue.handed_over_on or clock.today()}),
        "disposition_form": forms_.get("disposition_form") or clue_forms.ClueDispositionForm(initial={
            **version, "disposition": clue.disposition}),
        "results_form": forms_.get("results_form") or clue_forms.ClueResultsForm(initial={
            **version, "feedback_on": clue.feedback_on or clock.today(), "result": clue.result,
            "concluded": clue.concluded or clue.feedback_on is None}),
    }, status=status)


@login_required
def clue_detail(request: HttpRequest, clue_id: int) -> HttpResponse:
    _require_clues(request)
    return _clue_page(request, clue_id)


def _clue_action(request: HttpRequest, clue_id: int, *, form: Any, form_name: str, act: Any) -> HttpResponse:
    _require_clues(request)
    return form_action(request, form=form, act=act,
                       done=lambda: redirect("inspections:clue_detail", clue_id=clue_id),
                       page=lambda status: _clue_page(request, clue_id, status=status, **{form_name: form}))


def _post_or_to_clue(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A clue action is a form post; reloading its address shows the clue page (404 to anyone but the
    commission), never an empty 405."""
    @functools.wraps(view)
    def wrapper(request: HttpRequest, clue_id: int) -> HttpResponse:
        if request.method != "POST":
            return redirect("inspections:clue_detail", clue_id=clue_id)
        return view(request, clue_id)

    return wrapper


@_post_or_to_clue
@login_required
def clue_hand_over(request: HttpRequest, clue_id: int) -> HttpResponse:
    def act(data: dict[str, Any]) -> str:
        services.clue_hand_over(actor=request.user, clue_id=clue_id, handed_to=data["handed_to"],
                                handed_over_on=data["handed_over_on"], expected_version=data["version"])
        return _("已登记线索移交情况。")

    return _clue_action(request, clue_id, form=clue_forms.ClueHandOverForm(request.POST), form_name="hand_over_form",
                        act=act)


@_post_or_to_clue
@login_required
def clue_disposition(request: HttpRequest, clue_id: int) -> HttpResponse:
    def act(data: dict[str, Any]) -> str:
        services.clue_record_disposition(actor=request.user, clue_id=clue_id, disposition=data["disposition"],
                                         expected_version=data["version"])
        return _("已记录处置方式。")

    return _clue_action(request, clue_id, form=clue_forms.ClueDispositionForm(request.POST),
                        form_name="disposition_form", act=act)


@_post_or_to_clue
@login_required
def clue_results(request: HttpRequest, clue_id: int) -> HttpResponse:
    def act(data: dict[str, Any]) -> str:
        services.clue_record_results(actor=request.user, clue_id=clue_id, feedback_on=data["feedback_on"],
                                     result=data["result"], expected_version=data["version"],
                                     concluded=data["concluded"])
        return _("已记录办理结果，线索已办结。") if data["concluded"] else _("已记录办理结果（线索尚未办结）。")

    return _clue_action(request, clue_id, form=clue_forms.ClueResultsForm(request.POST), form_name="results_form",
                        act=act)
