from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rectify.inspections import selectors


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    rounds = list(selectors.round_list_for(user=request.user).select_related("look_back_of"))
    return render(request, "inspections/round_list.html", {"rounds": rounds})
