"""Pages of the accountability catalogue: the commission reads it (问责), the admin maintains it (系统管理 →
问责规则目录). Everyone else gets 404, as for every accountability page. Thin: selectors read, services write."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rectify.accountability import forms, selectors, services
from rectify.accountability.models import AppliesTo, FactorKind
from rectify.core.errors import DomainError
from rectify.core.forms import form_error

SECTION_TITLES = {
    "circumstances": gettext_lazy("问责情形"),
    "forms": gettext_lazy("问责方式"),
    "responsibility_types": gettext_lazy("责任类型"),
    "factors": gettext_lazy("从重从轻及免责情形"),
    "fault_tolerance": gettext_lazy("容错纠错"),
}
TARGET_TITLES = {AppliesTo.ORGANISATION: gettext_lazy("对党组织"), AppliesTo.PERSON: gettext_lazy("对党的领导干部")}


def _crumbs(*, editing: bool, last: str | None = None) -> list[tuple[str, str | None]]:
    crumbs: list[tuple[str, str | None]] = (
        [(_("系统管理"), reverse("orgs:tree"))] if editing else [(_("问责"), None)])
    crumbs.append((_("问责规则目录"), reverse("accountability:catalogue") if last else None))
    if last:
        crumbs.append((last, None))
    return crumbs


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    """问责规则目录: every section of the regulations with its articles. The admin sees inactive rows too and an
    edit link per row; the commission reads the active rows."""
    editing = request.user.can_edit_accountability_catalogue
    cat = (selectors.catalogue_for_editing(user=request.user) if editing
           else selectors.catalogue_for(user=request.user))
    forms_by_target = [(title, [f for f in cat.forms if f.applies_to == target])
                       for target, title in TARGET_TITLES.items()]
    factors_by_kind = [(label, [f for f in cat.factors if f.kind == value]) for value, label in FactorKind.choices]
    return render(request, "accountability/catalogue.html", {
        "catalogue": cat, "editing": editing, "crumbs": _crumbs(editing=editing),
        "forms_by_target": forms_by_target, "factors_by_kind": factors_by_kind,
    })


@login_required
def catalogue_edit(request: HttpRequest, section: str, code: str) -> HttpResponse:
    """Edit one row (admin only): texts, article, impact period or evidence, active flag; a stale page is 409."""
    item = selectors.catalogue_item_get_for_editing(user=request.user, section=section, code=code)
    form_class = forms.FORM_CLASSES[section]
    status = 200
    if request.method == "POST":
        form = form_class(request.POST)
        status = 400
        if form.is_valid():
            try:
                services.catalogue_item_update(actor=request.user, item=item,
                                               expected_version=form.cleaned_data["version"], **form.values())
            except DomainError as error:
                status = form_error(form, error)
            else:
                messages.success(request, _("已保存“%(name)s”。") % {"name": item.name})
                return redirect(f"{reverse('accountability:catalogue')}#{section}-{item.code}")
    else:
        initial: dict[str, Any] = {name: getattr(item, name) for name in form_class.base_fields}
        form = form_class(initial=initial)
    return render(request, "accountability/catalogue_edit.html", {
        "item": item, "form": form, "section": section, "section_title": SECTION_TITLES[section],
        "crumbs": _crumbs(editing=True, last=item.name),
    }, status=status)
