"""Pages of 系统管理 → 单位与人员: the org tree and each unit's roster. Thin: selectors read, services write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rectify.core import clock
from rectify.core.errors import DomainError, NotFound
from rectify.core.forms import form_submit
from rectify.orgs import forms, hooks, selectors, services
from rectify.orgs.models import OrgUnit, Post, Tenure


def _parent_from_form(user: Any, code: str) -> OrgUnit:
    """The parent unit a form names by code: a typo is the form's error, not a missing page."""
    try:
        return selectors.org_unit_get_for(user=user, code=code.strip())
    except NotFound:
        raise DomainError(_("未找到上级单位“%(code)s”：请输入单位名称或编码，并从下拉结果中选择。") % {"code": code},
                          code="unknown_parent", details={"field": "parent"}) from None


def _crumbs(request: HttpRequest, unit: OrgUnit | None, *, last: str | None = None) -> list[tuple[str, str | None]]:
    crumbs: list[tuple[str, str | None]] = [(_("单位与人员"), reverse("orgs:tree"))]
    if unit is not None:
        for ancestor in selectors.org_unit_ancestors(user=request.user, unit=unit):
            crumbs.append((ancestor.label, reverse("orgs:roster", args=[ancestor.code])))
        crumbs.append((unit.label, reverse("orgs:roster", args=[unit.code]) if last else None))
    if last:
        crumbs.append((last, None))
    return crumbs


def _handover_url(tenure_id: int) -> str | None:
    try:
        return reverse("rectification:tenure_handover", args=[tenure_id])
    except NoReverseMatch:  # the tasks' context (which owns the hand-over page) is not installed
        return None


def _with_open_tasks(posts: list[Post]) -> list[Post]:
    """Mark each tenure with ``open_tasks``: how many open tasks its holder still leads as responsible
    leader (rule 10) — one query for the whole roster, through the hook the tasks' context registers —
    and ``handover_url``, the page that hands them over."""
    tenures = [t for post in posts for t in post.tenure_list]  # type: ignore[attr-defined]
    duties = hooks.open_duties([t.pk for t in tenures])
    for t in tenures:
        t.open_tasks = len(duties.get(t.pk, ()))  # type: ignore[attr-defined]
        t.handover_url = _handover_url(t.pk) if t.open_tasks else None  # type: ignore[attr-defined]
    return posts


def _import_url(unit: OrgUnit) -> str | None:
    try:
        return reverse("ledger:roster_import", kwargs={"unit_code": unit.code})
    except NoReverseMatch:  # the roster import page is built separately
        return None


# --- the tree ----------------------------------------------------------------------------------

def _tree_page(request: HttpRequest, *, status: int = 200, create_form: Any = None) -> HttpResponse:
    user = request.user
    query = request.GET.get("q", "").strip()[:50]
    parent_code = request.GET.get("parent", "")
    parent = selectors.org_unit_get_for(user=user, code=parent_code) if parent_code else None
    paginator = Paginator(selectors.org_unit_level_for(user=user, parent=parent, query=query),
                          settings.RECTIFY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    crumbs = _crumbs(request, parent) if parent else []
    if parent is not None:
        crumbs[-1] = (parent.label, None)
    context = {
        "parent": parent, "query": query, "page_obj": page,
        "page_range": paginator.get_elided_page_range(page.number),
        "querystring": urlencode({k: v for k, v in {"parent": parent_code, "q": query}.items() if v}),
        "crumbs": crumbs,
        "can_maintain_tree": user.can_maintain_all_rosters,
        "create_form": create_form or forms.OrgUnitCreateForm(initial={"parent": parent.code if parent else ""}),
        "parent_inactive": parent is not None and not parent.is_active,
    }
    return render(request, "orgs/tree.html", context, status=status)


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    """单位与人员: one level of the tree with children counts, drill down by ``?parent=``, search by ``?q=``."""
    return _tree_page(request)


@require_POST
@login_required
def unit_create(request: HttpRequest) -> HttpResponse:
    form = forms.OrgUnitCreateForm(request.POST)

    def act(data: dict[str, Any]) -> tuple[str, str]:
        parent = _parent_from_form(request.user, data["parent"]) if data["parent"] else None
        unit = services.org_unit_add(actor=request.user, code=data["code"], name=data["name"], kind=data["kind"],
                                     short_name=data["short_name"], parent=parent)
        target = reverse("orgs:tree") + (f"?{urlencode({'parent': parent.code})}" if parent else "")
        return _("已新建单位“%(unit)s”。") % {"unit": unit.name}, target

    def page(*, status: int, create_form: Any) -> HttpResponse:
        request.GET = request.GET.copy()
        request.GET["parent"] = request.POST.get("parent", "")
        return _tree_page(request, status=status, create_form=create_form)

    return form_submit(request, form, act, page, "create_form")


@login_required
def parent_choices(request: HttpRequest) -> HttpResponse:
    """Autocomplete for the move form: active units matching ``?parent=`` (the typed text), as <option>s."""
    exclude = None
    if request.GET.get("exclude"):
        exclude = selectors.org_unit_get_for(user=request.user, code=request.GET["exclude"])
    units = selectors.org_unit_search(user=request.user, q=request.GET.get("parent", ""), exclude=exclude)
    return render(request, "orgs/_parent_choices.html", {"units": units})


# --- a unit's roster -----------------------------------------------------------------------------

def _roster_page(request: HttpRequest, code: str, *, status: int = 200, **forms_: Any) -> HttpResponse:
    user = request.user
    unit = selectors.org_unit_get_for(user=user, code=code)
    can_edit = user.can_maintain_roster_of(unit.path)
    people = Paginator(selectors.people_of_unit(unit=unit), settings.RECTIFY_PAGE_SIZE)
    people_page = people.get_page(request.GET.get("page"))
    version = {"version": unit.version}
    context = {
        "unit": unit,
        "crumbs": _crumbs(request, unit),
        "posts": _with_open_tasks(selectors.roster_posts(unit=unit)),
        "people_page": people_page,
        "can_edit": can_edit,
        "can_maintain_tree": user.can_maintain_all_rosters,
        "import_url": _import_url(unit) if can_edit else None,
        "person_form": forms_.get("person_form") or forms.PersonForm(),
        "post_form": forms_.get("post_form") or forms.PostForm(),
        "edit_form": forms_.get("edit_form") or forms.OrgUnitEditForm(
            initial={"name": unit.name, "short_name": unit.short_name, "kind": unit.kind, **version}),
        "move_form": forms_.get("move_form") or forms.OrgUnitMoveForm(initial=version),
        "active_form": forms_.get("active_form") or forms.VersionForm(initial=version),
        "today": clock.today(),
    }
    return render(request, "orgs/roster.html", context, status=status)


@login_required
def roster(request: HttpRequest, code: str) -> HttpResponse:
    """A unit's roster: its posts with current and former holders, and its people."""
    return _roster_page(request, code)


def _roster_action(request: HttpRequest, code: str, form: Any, form_name: str,
                   act: Callable[[OrgUnit, dict[str, Any]], tuple[str, str] | str]) -> HttpResponse:
    unit = selectors.org_unit_get_for(user=request.user, code=code)

    def run(data: dict[str, Any]) -> tuple[str, str]:
        result = act(unit, data)
        return result if isinstance(result, tuple) else (result, reverse("orgs:roster", args=[unit.code]))

    def page(*, status: int, **kw: Any) -> HttpResponse:
        return _roster_page(request, code, status=status, **kw)

    return form_submit(request, form, run, page, form_name)


@require_POST
@login_required
def unit_edit(request: HttpRequest, code: str) -> HttpResponse:
    def act(unit: OrgUnit, data: dict[str, Any]) -> str:
        services.org_unit_update(actor=request.user, unit=unit, expected_version=data["version"], name=data["name"],
                                 short_name=data["short_name"], kind=data["kind"])
        return _("单位信息已保存。")

    return _roster_action(request, code, forms.OrgUnitEditForm(request.POST, require_version=True), "edit_form", act)


@require_POST
@login_required
def unit_move(request: HttpRequest, code: str) -> HttpResponse:
    def act(unit: OrgUnit, data: dict[str, Any]) -> str:
        parent = None if data["to_top"] else _parent_from_form(request.user, data["parent"])
        count = services.org_unit_move(actor=request.user, unit=unit, new_parent=parent,
                                       expected_version=data["version"])
        where = parent.name if parent else _("顶级")
        return _("已将“%(unit)s”（含下级共 %(count)s 个单位）调整到“%(where)s”之下。") % {
            "unit": unit.name, "count": count, "where": where}

    return _roster_action(request, code, forms.OrgUnitMoveForm(request.POST, require_version=True), "move_form", act)


def _set_active(request: HttpRequest, code: str, active: bool) -> HttpResponse:
    def act(unit: OrgUnit, data: dict[str, Any]) -> str:
        count = services.org_unit_set_active(actor=request.user, unit=unit, active=active,
                                             expected_version=data["version"])
        if active:
            return _("已启用“%(unit)s”；已停用的下级单位不会随之启用，需要时请逐个启用。") % {"unit": unit.name}
        return _("已停用“%(unit)s”（含下级共 %(count)s 个单位）；历史记录保留，不再出现在选择列表中。") % {
            "unit": unit.name, "count": count}

    return _roster_action(request, code, forms.VersionForm(request.POST, require_version=True), "active_form", act)


@require_POST
@login_required
def unit_deactivate(request: HttpRequest, code: str) -> HttpResponse:
    return _set_active(request, code, False)


@require_POST
@login_required
def unit_reactivate(request: HttpRequest, code: str) -> HttpResponse:
    return _set_active(request, code, True)


@require_POST
@login_required
def person_add(request: HttpRequest, code: str) -> HttpResponse:
    def act(unit: OrgUnit, data: dict[str, Any]) -> str:
        person = services.person_add(actor=request.user, unit=unit, name=data["name"], title=data["title"])
        return _("已添加人员“%(name)s”。") % {"name": person.name}

    return _roster_action(request, code, forms.PersonForm(request.POST), "person_form", act)


@require_POST
@login_required
def post_add(request: HttpRequest, code: str) -> HttpResponse:
    def act(unit: OrgUnit, data: dict[str, Any]) -> tuple[str, str]:
        post = services.post_add(actor=request.user, unit=unit, title=data["title"],
                                 is_principal=data["is_principal"], is_leadership_member=data["is_leadership_member"],
                                 areas=data["areas"], sort_order=data["sort_order"] or 0)
        return (_("已添加职务“%(title)s”，可在此任命人员。") % {"title": post.title},
                reverse("orgs:post_detail", args=[unit.code, post.pk]))

    return _roster_action(request, code, forms.PostForm(request.POST), "post_form", act)


# --- a post: edit it, appoint to it, correct or end its tenures -----------------------------------

def _post_in_unit(request: HttpRequest, code: str, post_id: int) -> Post:
    post = selectors.post_get_for(user=request.user, post_id=post_id)
    if post.unit.code != code:
        raise NotFound(_("未找到该职务，或您无权查看。"))
    return post


def _post_page(request: HttpRequest, code: str, post_id: int, *, status: int = 200, **forms_: Any) -> HttpResponse:
    post = _post_in_unit(request, code, post_id)
    unit = post.unit
    tenures = _post_tenures(post)
    current = next((t for t in tenures if t.end is None), None)
    tenure_forms = []
    bound = forms_.get("tenure_form")
    bound_end = forms_.get("end_form")
    for t in tenures:
        initial = {"start": t.start, "end": t.end, "version": t.version}
        tenure_form = bound if bound is not None and bound.tenure_id == t.pk else forms.TenureForm(
            initial=initial, prefix=f"t{t.pk}")
        end_form = bound_end if bound_end is not None and bound_end.tenure_id == t.pk else forms.TenureEndForm(
            initial={"end": clock.today(), "version": t.version}, prefix=f"e{t.pk}")
        tenure_forms.append((t, tenure_form, end_form))
    context = {
        "unit": unit, "post": post,
        "crumbs": _crumbs(request, unit, last=post.title),
        "tenure_forms": tenure_forms,
        "can_edit": request.user.can_maintain_roster_of(unit.path),
        "post_form": forms_.get("post_form") or forms.PostForm(initial={
            "title": post.title, "is_principal": post.is_principal, "is_leadership_member": post.is_leadership_member,
            "areas": post.areas, "sort_order": post.sort_order, "version": post.version}),
        "appoint_form": forms_.get("appoint_form") or forms.AppointForm(
            people=selectors.people_of_unit(unit=unit), initial={"start": clock.today()},
            current_holder=_holder_with_tasks(current)),
        "current": current,
    }
    return render(request, "orgs/post_detail.html", context, status=status)


def _post_tenures(post: Post) -> list[Tenure]:
    """The post's tenures (current first), each with ``open_tasks``."""
    return next(p for p in _with_open_tasks(selectors.roster_posts(unit=post.unit))
                if p.pk == post.pk).tenure_list  # type: ignore[attr-defined]


def _holder_with_tasks(current: Tenure | None) -> tuple[str, int] | None:
    """The post's current holder and how many open tasks they lead, when they lead any: the appoint form
    then offers to hand those tasks to the new holder."""
    if current is None or not current.open_tasks:  # type: ignore[attr-defined]
        return None
    return current.person.name, current.open_tasks  # type: ignore[attr-defined]


@login_required
def post_detail(request: HttpRequest, code: str, post_id: int) -> HttpResponse:
    return _post_page(request, code, post_id)


def _post_action(request: HttpRequest, code: str, post_id: int, form: Any, form_name: str,
                 act: Callable[[Post, dict[str, Any]], str]) -> HttpResponse:
    post = _post_in_unit(request, code, post_id)

    def run(data: dict[str, Any]) -> tuple[str, str]:
        return act(post, data), reverse("orgs:post_detail", args=[code, post_id])

    def page(*, status: int, **kw: Any) -> HttpResponse:
        return _post_page(request, code, post_id, status=status, **kw)

    return form_submit(request, form, run, page, form_name)


@require_POST
@login_required
def post_edit(request: HttpRequest, code: str, post_id: int) -> HttpResponse:
    def act(post: Post, data: dict[str, Any]) -> str:
        services.post_update(actor=request.user, post=post, expected_version=data["version"], title=data["title"],
                             is_principal=data["is_principal"], is_leadership_member=data["is_leadership_member"],
                             areas=data["areas"], sort_order=data["sort_order"] or 0)
        return _("职务信息已保存。")

    return _post_action(request, code, post_id, forms.PostForm(request.POST, require_version=True), "post_form", act)


@require_POST
@login_required
def post_appoint(request: HttpRequest, code: str, post_id: int) -> HttpResponse:
    post = _post_in_unit(request, code, post_id)
    current = next((t for t in _post_tenures(post) if t.end is None), None)
    form = forms.AppointForm(request.POST, people=selectors.people_of_unit(unit=post.unit),
                             current_holder=_holder_with_tasks(current))

    def act(post: Post, data: dict[str, Any]) -> str:
        tenure = services.tenure_appoint(actor=request.user, person=data["person"], post=post, start=data["start"],
                                         end=data["end"], hand_over=data.get("hand_over", False))
        message = _("已任命%(name)s为%(post)s。") % {"name": data["person"].name, "post": post.title}
        moved = hooks.open_duties([tenure.pk]).get(tenure.pk, []) if data.get("hand_over") else []
        if moved:
            message += _("原任者负责的 %(count)s 项未销号整改任务已移交给%(name)s。") % {
                "count": len(moved), "name": data["person"].name}
        return message

    return _post_action(request, code, post_id, form, "appoint_form", act)


def _tenure_form(request: HttpRequest, cls: type, prefix: str, tenure_id: int) -> Any:
    form = cls(request.POST, prefix=f"{prefix}{tenure_id}", require_version=True)
    form.tenure_id = tenure_id
    return form


def _tenure_of_post(request: HttpRequest, post: Post, tenure_id: int) -> Any:
    tenure = selectors.tenure_get_for(user=request.user, tenure_id=tenure_id)
    if tenure.post_id != post.pk:
        raise NotFound(_("未找到该任职记录，或您无权查看。"))
    return tenure


@require_POST
@login_required
def tenure_edit(request: HttpRequest, code: str, post_id: int, tenure_id: int) -> HttpResponse:
    def act(post: Post, data: dict[str, Any]) -> str:
        tenure = _tenure_of_post(request, post, tenure_id)
        services.tenure_update(actor=request.user, tenure=tenure, expected_version=data["version"],
                               start=data["start"], end=data["end"])
        return _("%(name)s的任职时间已保存。") % {"name": tenure.person.name}

    return _post_action(request, code, post_id, _tenure_form(request, forms.TenureForm, "t", tenure_id),
                        "tenure_form", act)


@require_POST
@login_required
def tenure_end(request: HttpRequest, code: str, post_id: int, tenure_id: int) -> HttpResponse:
    def act(post: Post, data: dict[str, Any]) -> str:
        tenure = _tenure_of_post(request, post, tenure_id)
        services.tenure_end(actor=request.user, tenure=tenure, expected_version=data["version"], end=data["end"])
        return _("%(name)s已于%(date)s离任。") % {"name": tenure.person.name, "date": f"{data['end']:%Y-%m-%d}"}

    return _post_action(request, code, post_id, _tenure_form(request, forms.TenureEndForm, "e", tenure_id),
                        "end_form", act)


# --- a person -----------------------------------------------------------------------------------

def _person_in_unit(request: HttpRequest, code: str, person_id: int) -> Any:
    person = selectors.person_get_for(user=request.user, person_id=person_id)
    if person.unit is None or person.unit.code != code:
        raise NotFound(_("未找到该人员，或您无权查看。"))
    return person


def _person_page(request: HttpRequest, code: str, person_id: int, *, status: int = 200,
                 person_form: Any = None) -> HttpResponse:
    person = _person_in_unit(request, code, person_id)
    unit = person.unit
    context = {
        "unit": unit, "person": person,
        "crumbs": _crumbs(request, unit, last=person.name),
        "tenures": selectors.tenures_of_person(person=person),
        "can_edit": request.user.can_maintain_roster_of(unit.path),
        "person_form": person_form or forms.PersonForm(
            initial={"name": person.name, "title": person.title, "version": person.version}),
    }
    return render(request, "orgs/person_detail.html", context, status=status)


@login_required
def person_detail(request: HttpRequest, code: str, person_id: int) -> HttpResponse:
    return _person_page(request, code, person_id)


@require_POST
@login_required
def person_edit(request: HttpRequest, code: str, person_id: int) -> HttpResponse:
    person = _person_in_unit(request, code, person_id)

    def act(data: dict[str, Any]) -> tuple[str, str]:
        services.person_update(actor=request.user, person=person, expected_version=data["version"],
                               name=data["name"], title=data["title"])
        return _("人员信息已保存。"), reverse("orgs:person_detail", args=[code, person_id])

    def page(*, status: int, person_form: Any) -> HttpResponse:
        return _person_page(request, code, person_id, status=status, person_form=person_form)

    return form_submit(request, forms.PersonForm(request.POST, require_version=True), act, page, "person_form")
