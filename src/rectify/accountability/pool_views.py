"""Pages of the specialist pool (问责业务人才库) and the outcomes dashboard — the commission's only."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from rectify.accountability import case_forms as forms
from rectify.accountability import case_selectors as cs
from rectify.accountability import outcome_selectors, pool_selectors, pool_services
from rectify.accountability.case_models import AccountabilityCase
from rectify.accountability.conflicts import RULES
from rectify.accountability.pool_models import AssignmentKind
from rectify.core import clock
from rectify.core.errors import Conflict, DomainError, NotFound
from rectify.core.forms import form_error
from rectify.inspections import selectors as inspection_selectors
from rectify.orgs import selectors as org_selectors
from rectify.orgs.models import OrgUnit


def _crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("问责"), reverse("accountability:case_list")), *items]


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _target(request: HttpRequest, source: Any) -> tuple[AccountabilityCase | None, OrgUnit | None]:
    case_id, unit_id = _int(source.get("case")), _int(source.get("unit"))
    case = cs.case_get_for(user=request.user, case_id=case_id) if case_id else None
    unit = case.unit if case else (org_selectors.org_unit_pick_for(user=request.user, unit_id=unit_id)
                                   if unit_id else None)
    return case, unit


@login_required
def pool(request: HttpRequest) -> HttpResponse:
    """The pool: who, where, what expertise, how loaded; with ``?case=`` (or ``?unit=``) the assignment panel —
    the least loaded conflict-free specialists proposed, the blocked ones with the reasons, forced assignment
    with another commission user's approval."""
    source = request.POST if request.method == "POST" else request.GET
    case, unit = _target(request, source)
    kind = source.get("kind") or (AssignmentKind.INVESTIGATION if case else AssignmentKind.SPECIAL_INSPECTION)
    if kind not in AssignmentKind.values:
        kind = AssignmentKind.INVESTIGATION
    status, assign_form, refused = 200, None, None
    if request.method == "POST":
        assign_form = forms.AssignForm(request.POST)
        status = 400
        if assign_form.is_valid():
            data = assign_form.cleaned_data
            specialist = pool_selectors.specialist_get_for(user=request.user, specialist_id=data["specialist"])
            approver = next((u for u in pool_selectors.approvers_for(user=request.user)
                             if u.pk == data["approved_by"]), None) if data["approved_by"] else None
            try:
                assignment = pool_services.specialist_assign(
                    actor=request.user, specialist=specialist, kind=data["kind"], case=case, unit=unit,
                    title=data["title"], force=data["force"], approved_by=approver, reason=data["reason"])
            except Conflict as error:
                status = error.status
                refused = {"specialist": specialist, "message": error.message,
                           "conflicts": (error.details or {}).get("conflicts", [])}
                if error.code != "conflict_of_interest":
                    form_error(assign_form, error)
            except DomainError as error:
                status = form_error(assign_form, error)
                refused = {"specialist": specialist, "message": error.message,
                           "conflicts": (error.details or {}).get("conflicts", [])}
            else:
                messages.success(request, _("已抽调%(name)s参加%(task)s。") % {
                    "name": specialist.person.name, "task": assignment.get_kind_display()})
                if case is not None:
                    return redirect(reverse("accountability:case_detail", args=[case.pk]) + "#group")
                return redirect(reverse("accountability:specialist_detail", args=[specialist.pk]))
    region = _int(request.GET.get("region"))
    q, expertise = request.GET.get("q", ""), request.GET.get("expertise", "")
    rows = pool_selectors.specialists_for(user=request.user, region=region, q=q, expertise=expertise)
    page = Paginator(rows, settings.RECTIFY_PAGE_SIZE).get_page(request.GET.get("page"))
    free = blocked = None
    if unit is not None:
        free, blocked = pool_selectors.proposals(user=request.user, unit=unit, period=case.period if case else None,
                                                 expertise=source.get("want", ""))
    regions = pool_selectors.regions(user=request.user)
    return render(request, "accountability/pool.html", {
        "page_obj": page, "regions": regions, "region": region, "q": q, "expertise": expertise,
        "querystring": urlencode({k: v for k, v in {"region": region or "", "q": q, "expertise": expertise}.items()
                                  if v}),
        "total": sum(n for _u, n in regions), "case": case, "unit": unit, "kind": kind, "kinds": AssignmentKind.choices,
        "free": free, "blocked": blocked, "refused": refused, "assign_form": assign_form, "rules": RULES,
        "approvers": pool_selectors.approvers_for(user=request.user), "want": source.get("want", ""),
        "title": source.get("title", ""), "tab": "pool",
        "crumbs": _crumbs((_("问责业务人才库"), None)),
    }, status=status)


@login_required
def specialist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    specialist = pool_selectors.specialist_get_for(user=request.user, specialist_id=pk)
    bound: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        form_class = {"edit": forms.SpecialistForm, "relation": forms.RelationForm,
                      "employment": forms.EmploymentForm}.get(action or "")
        if form_class is None:
            raise NotFound(_("您访问的页面不存在，或您无权查看。"))
        form = form_class(request.POST)
        bound[f"{action}_form"] = form
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                _specialist_action(request, specialist, action or "", data)
            except DomainError as error:
                status = form_error(form, error)
            else:
                messages.success(request, _("已保存。"))
                return redirect(reverse("accountability:specialist_detail", args=[specialist.pk]))
    context = {
        "specialist": specialist, "tenures": org_selectors.tenures_of_person(person=specialist.person),
        "relations": list(specialist.relations.select_related("person__unit", "unit")),
        "employments": list(specialist.employments.select_related("unit")),
        "assignments": pool_selectors.assignments_of_specialist(specialist),
        "edit_form": forms.SpecialistForm(initial={"version": specialist.version, "region": specialist.region_id,
                                                   "expertise": specialist.expertise,
                                                   "is_available": specialist.is_available,
                                                   "availability_note": specialist.availability_note}),
        "relation_form": forms.RelationForm(), "employment_form": forms.EmploymentForm(),
        "regions": pool_selectors.regions(user=request.user), "tab": "pool",
        "crumbs": _crumbs((_("问责业务人才库"), reverse("accountability:pool")), (specialist.person.name, None)),
        **bound,
    }
    return render(request, "accountability/specialist_detail.html", context, status=status)


def _unit(request: HttpRequest, unit_id: int | None) -> OrgUnit | None:
    return org_selectors.org_unit_pick_for(user=request.user, unit_id=unit_id) if unit_id else None


def _specialist_action(request: HttpRequest, specialist: Any, action: str, data: dict[str, Any]) -> None:
    user = request.user
    if action == "edit":
        region = _unit(request, data["region"])
        assert region is not None
        pool_services.specialist_update(actor=user, specialist=specialist, expected_version=data["version"],
                                        region=region, expertise=data["expertise"], is_available=data["is_available"],
                                        availability_note=data["availability_note"])
    elif action == "relation":
        pool_services.relation_declare(actor=user, specialist=specialist, kind=data["kind"], name=data["name"],
                                       unit=_unit(request, data["unit"]), start=data["start"], end=data["end"])
    else:
        unit = _unit(request, data["unit"])
        assert unit is not None
        pool_services.employment_declare(actor=user, specialist=specialist, unit=unit, start=data["start"],
                                         end=data["end"], position=data["position"])


@login_required
def outcomes(request: HttpRequest) -> HttpResponse:
    """问责与整改成效: per inspected unit of a round, accountability outcomes beside rectification results —
    never alone, never ranked by the number held accountable (rule 25)."""
    cs.require_accountability(request.user)
    rounds = list(inspection_selectors.round_list_for(user=request.user))
    code = request.GET.get("round") or (rounds[0].code if rounds else None)
    rnd = next((r for r in rounds if r.code == code), None)
    rows, totals, total = outcome_selectors.outcomes_for(user=request.user, round=rnd) if rnd else ([], None, None)
    return render(request, "accountability/outcomes.html", {
        "rounds": rounds, "round": rnd, "rows": rows, "totals": totals, "total": total, "today": clock.today(),
        "tab": "outcomes", "crumbs": _crumbs((_("问责与整改成效"), None)),
    })
