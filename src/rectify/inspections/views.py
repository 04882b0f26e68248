from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rectify.inspections import selectors
from rectify.rectification import selectors as rectification_selectors


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    rounds = list(selectors.round_list_for(user=request.user).select_related("look_back_of"))
    return render(request, "inspections/round_list.html", {"rounds": rounds})


@login_required
def round_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Round overview: every inspected unit with its progress bar and counts by state and colour."""
    rnd = selectors.round_get_for(user=request.user, code=code)
    progress = rectification_selectors.round_progress_for(user=request.user, round=rnd)
    order = request.GET.get("order", "")
    if order == "rate":
        progress.sort(key=lambda p: (p.rate, -p.by_warning.get("red", 0)))
    elif order == "red":
        progress.sort(key=lambda p: (-p.by_warning.get("red", 0), p.rate))
    return render(request, "inspections/round_detail.html", {
        "round": rnd,
        "progress": progress,
        "totals": rectification_selectors.round_totals(progress),
        "order": order,
    })
