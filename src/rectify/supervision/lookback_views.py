"""Pages of the supervisors' tools (issue 11 §2, §4, §5): red flags, the look-back's repeats, interviews.

Supervisors only: anyone else gets the 404 page, as for a page that does not exist (a unit never learns that
a flag exists)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rectify.core.errors import DomainError, NotFound
from rectify.inspections import selectors as inspection_selectors
from rectify.supervision import redflag_selectors, redflag_services
from rectify.supervision.models import RedFlagKind


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
        redflag_services.evidence_facts_catch_up(round_id=rnd.pk)
        _rnd, everything = redflag_selectors.red_flags_for(user=request.user, round_code=code, state=state)
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
    })


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
