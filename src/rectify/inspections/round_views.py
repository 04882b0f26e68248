"""Pages to create and edit rounds, their teams and inspected units, and the autocomplete options
they pick units and people with. Thin: selectors read, services write; permission checks are the
services' (the pages only hide what a user may not do)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rectify.core.errors import DomainError, PermissionDenied
from rectify.core.forms import form_error
from rectify.core.templatetags.rectify_tags import cn_date
from rectify.inspections import round_forms, selectors, services
from rectify.inspections.models import InspectedUnit, InspectionRound, InspectionTeam
from rectify.orgs import selectors as org_selectors
from rectify.orgs.models import OrgKind

OPTIONS_LIMIT = 20


def _require_manager(request: HttpRequest) -> None:
    if not request.user.can_manage_rounds:
        raise PermissionDenied(_("只有巡视办或纪委监委人员可以管理巡视轮次、巡视组和被巡视单位。"))


def _show_error(form: Any, error: DomainError) -> int:
    """The error on the form (``core.forms.form_error``); the page answers 409 for a conflict, else 400."""
    return 409 if form_error(form, error) == 409 else 400


# --- rounds ----------------------------------------------------------------------------------------

def _round_values(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    look_back = None
    if data["look_back_of"]:
        look_back = selectors.round_get_for(user=request.user, code=data["look_back_of"])
    return {"code": data["code"], "name": data["name"], "kind": data["kind"], "level": data["level"],
            "start_date": data["start_date"], "end_date": data["end_date"], "look_back_of": look_back,
            **{f: data[f] for f in services.POLICY_LIMITS}}


def _round_form_page(request: HttpRequest, form: Any, rnd: InspectionRound | None, status: int = 200) -> HttpResponse:
    crumbs = [(_("巡视轮次"), reverse("inspections:round_list"))]
    if rnd is not None:
        crumbs += [(rnd.name, reverse("inspections:round_detail", args=[rnd.code])), (_("编辑轮次"), None)]
    else:
        crumbs += [(_("新建巡视轮次"), None)]
    return render(request, "inspections/round_form.html", {"form": form, "round": rnd, "crumbs": crumbs},
                  status=status)


@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    rounds = selectors.rounds_for_look_back(user=request.user)
    form = round_forms.RoundForm(request.POST or None, rounds=rounds)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                rnd = services.round_create(actor=request.user, **_round_values(request, form.cleaned_data))
            except DomainError as error:
                status = _show_error(form, error)
            else:
                messages.success(request, _("已新建巡视轮次“%(name)s”。请添加被巡视单位和巡视组。") % {"name": rnd.name})
                return redirect("inspections:round_units", code=rnd.code)
    return _round_form_page(request, form, None, status)


@login_required
def round_edit(request: HttpRequest, code: str) -> HttpResponse:
    rnd = selectors.round_get_for(user=request.user, code=code)
    _require_manager(request)
    rounds = selectors.rounds_for_look_back(user=request.user, exclude=rnd)
    initial = {f: getattr(rnd, f) for f in ("code", "name", "kind", "level", "start_date", "end_date",
                                            *services.POLICY_LIMITS, "version")}
    initial["look_back_of"] = rnd.look_back_of.code if rnd.look_back_of_id else ""
    form = round_forms.RoundForm(request.POST or None, rounds=rounds, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                rnd = services.round_update(actor=request.user, round=rnd,
                                            expected_version=form.cleaned_data["version"] or 0,
                                            **_round_values(request, form.cleaned_data))
            except DomainError as error:
                status = _show_error(form, error)
            else:
                messages.success(request, _("巡视轮次“%(name)s”已保存。") % {"name": rnd.name})
                return redirect("inspections:round_detail", code=rnd.code)
    return _round_form_page(request, form, rnd, status)


# --- the round's inspected units and teams ---------------------------------------------------------

def _units_page(request: HttpRequest, rnd: InspectionRound, *, add_form: Any = None, unit_label: str = "",
                status: int = 200) -> HttpResponse:
    teams = list(selectors.teams_of_round_for(user=request.user, round=rnd))
    units = selectors.inspected_units_of_round_for(user=request.user, round=rnd).order_by("unit__path")
    page = Paginator(units, settings.RECTIFY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspections/round_units.html", {
        "round": rnd,
        "page_obj": page,
        "teams": teams,
        "show_teams": request.user.sees_all_units,
        "can_manage": request.user.can_manage_rounds,
        "add_form": add_form or round_forms.InspectedUnitAddForm(teams=teams),
        "unit_label": unit_label,
        "unit_options_url": reverse("inspections:unit_options"),
        "crumbs": [(_("巡视轮次"), reverse("inspections:round_list")),
                   (rnd.name, reverse("inspections:round_detail", args=[rnd.code])), (_("被巡视单位与巡视组"), None)],
    }, status=status)


@login_required
def round_units(request: HttpRequest, code: str) -> HttpResponse:
    """The round's inspected units (with their rectification period end and report due date) and teams."""
    rnd = selectors.round_get_for(user=request.user, code=code)
    return _units_page(request, rnd)


def _team_or_none(request: HttpRequest, rnd: InspectionRound, team_id: str) -> InspectionTeam | None:
    return selectors.team_get_for(user=request.user, round=rnd, team_id=int(team_id)) if team_id else None


@require_POST
@login_required
def inspected_unit_add(request: HttpRequest, code: str) -> HttpResponse:
    rnd = selectors.round_get_for(user=request.user, code=code)
    _require_manager(request)
    teams = list(selectors.teams_of_round_for(user=request.user, round=rnd))
    form = round_forms.InspectedUnitAddForm(request.POST, teams=teams)
    unit_label = ""
    status = 400
    if form.is_valid():
        try:
            unit = org_selectors.org_unit_pick_for(user=request.user, unit_id=form.cleaned_data["unit"])
            unit_label = unit.name
            inspected = services.inspected_unit_add(
                actor=request.user, round=rnd, unit=unit, feedback_date=form.cleaned_data["feedback_date"],
                team=_team_or_none(request, rnd, form.cleaned_data["team"]))
        except DomainError as error:
            status = _show_error(form, error)
        else:
            messages.success(request, _("已将“%(unit)s”加入本轮被巡视单位：集中整改期至 %(end)s，整改报告于 %(due)s 前报送。")
                             % {"unit": unit.name, "end": cn_date(inspected.rectification_end),
                                "due": cn_date(inspected.report_due)})
            return redirect("inspections:round_units", code=rnd.code)
    return _units_page(request, rnd, add_form=form, unit_label=unit_label, status=status)


@login_required
def inspected_unit_edit(request: HttpRequest, code: str, unit_code: str) -> HttpResponse:
    inspected: InspectedUnit = selectors.inspected_unit_get_for(user=request.user, round_code=code,
                                                                unit_code=unit_code)
    _require_manager(request)
    rnd = inspected.round
    teams = list(selectors.teams_of_round_for(user=request.user, round=rnd))
    initial = {"team": str(inspected.team_id or ""), "feedback_date": inspected.feedback_date,
               "version": inspected.version}
    form = round_forms.InspectedUnitEditForm(request.POST or None, teams=teams, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.inspected_unit_update(
                    actor=request.user, inspected_unit=inspected, expected_version=form.cleaned_data["version"],
                    feedback_date=form.cleaned_data["feedback_date"],
                    team=_team_or_none(request, rnd, form.cleaned_data["team"]))
            except DomainError as error:
                status = _show_error(form, error)
            else:
                messages.success(request, _("“%(unit)s”已保存。") % {"unit": inspected.unit.name})
                return redirect("inspections:round_units", code=rnd.code)
    return render(request, "inspections/inspected_unit_form.html", {
        "form": form, "inspected": inspected, "round": rnd,
        "crumbs": [(_("巡视轮次"), reverse("inspections:round_list")),
                   (rnd.name, reverse("inspections:round_detail", args=[rnd.code])),
                   (_("被巡视单位与巡视组"), reverse("inspections:round_units", args=[rnd.code])),
                   (inspected.unit.name, None)],
    }, status=status)


def _team_page(request: HttpRequest, rnd: InspectionRound, team: InspectionTeam | None, form: Any,
               status: int = 200, leader: Any = None, members: Any = None) -> HttpResponse:
    if team is not None and leader is None and members is None and not form.is_bound:
        leader, members = team.leader, list(team.members.all())
    return render(request, "inspections/team_form.html", {
        "form": form, "round": rnd, "team": team, "leader": leader,
        "member_chips": [(p.pk, p.name) for p in members or []],
        "person_options_url": reverse("inspections:person_options"),
        "crumbs": [(_("巡视轮次"), reverse("inspections:round_list")),
                   (rnd.name, reverse("inspections:round_detail", args=[rnd.code])),
                   (_("被巡视单位与巡视组"), reverse("inspections:round_units", args=[rnd.code])),
                   (team.name if team else _("新建巡视组"), None)],
    }, status=status)


def _team_save(request: HttpRequest, rnd: InspectionRound, team: InspectionTeam | None) -> HttpResponse:
    initial = {"name": team.name, "updated_at": team.updated_at.isoformat()} if team else None
    form = round_forms.TeamForm(request.POST or None, initial=initial)
    if request.method != "POST":
        return _team_page(request, rnd, team, form)
    status, leader, members = 400, None, []
    if form.is_valid():
        data = form.cleaned_data
        try:
            members = org_selectors.people_pick_for(user=request.user, ids=data["members"])
            if data["leader"]:
                leader = org_selectors.people_pick_for(user=request.user, ids=[data["leader"]])[0]
            if team is None:
                team = services.team_create(actor=request.user, round=rnd, name=data["name"], leader=leader,
                                            members=members)
            else:
                if data["updated_at"] is None:
                    raise DomainError(_("页面已过期，请刷新后重试。"))
                services.team_update(actor=request.user, team=team, expected_updated_at=data["updated_at"],
                                     name=data["name"], leader=leader, members=members)
        except DomainError as error:
            status = _show_error(form, error)
        else:
            messages.success(request, _("巡视组“%(name)s”已保存。") % {"name": data["name"].strip()})
            return redirect("inspections:round_units", code=rnd.code)
    return _team_page(request, rnd, team if team and team.pk else None, form, status, leader=leader,
                      members=members)


@login_required
def team_create(request: HttpRequest, code: str) -> HttpResponse:
    rnd = selectors.round_get_for(user=request.user, code=code)
    _require_manager(request)
    return _team_save(request, rnd, None)


@login_required
def team_edit(request: HttpRequest, code: str, team_id: int) -> HttpResponse:
    rnd = selectors.round_get_for(user=request.user, code=code)
    team = selectors.team_get_for(user=request.user, round=rnd, team_id=team_id)
    _require_manager(request)
    return _team_save(request, rnd, team)


# --- autocomplete options (htmx) -------------------------------------------------------------------

@require_GET
@login_required
def unit_options(request: HttpRequest) -> HttpResponse:
    """The first few active units in the user's scope matching ``q``, as pickable options."""
    units = org_selectors.org_unit_search(user=request.user, q=request.GET.get("q", ""), limit=OPTIONS_LIMIT,
                                          exclude_kinds=(OrgKind.INTERNAL,))
    options = [{"value": u.pk, "label": u.name, "hint": " · ".join(x for x in (u.code, u.parent.label if u.parent
                                                                                    else "") if x)}
               for u in units]
    return render(request, "includes/autocomplete_options.html",
                  {"options": options, "q": request.GET.get("q", "").strip(), "limit": OPTIONS_LIMIT})


@require_GET
@login_required
def person_options(request: HttpRequest) -> HttpResponse:
    people = org_selectors.person_search(user=request.user, q=request.GET.get("q", ""), limit=OPTIONS_LIMIT)
    options = [{"value": p.pk, "label": p.name,
                "hint": " · ".join(x for x in (p.unit.label if p.unit_id else "", p.title) if x)} for p in people]
    return render(request, "includes/autocomplete_options.html",
                  {"options": options, "q": request.GET.get("q", "").strip(), "limit": OPTIONS_LIMIT})


