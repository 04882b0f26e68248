"""The hand-over page (rule 10): a departing leader's open tasks, ticked, and the successor to take them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from rectify.core import clock
from rectify.core.errors import DomainError, PermissionDenied
from rectify.core.forms import form_error
from rectify.orgs import selectors as org_selectors
from rectify.orgs.models import Tenure
from rectify.rectification import handover_services, selectors
from rectify.rectification.handover_forms import HandoverForm


def _successor_choices(tenure: Tenure) -> tuple[list[tuple[int, str]], int | None]:
    """The unit's leadership members in post today (not the departing person), one option per person with
    every post they hold and its areas; and whoever holds the departing post now, to preselect."""
    posts: dict[int, list[str]] = {}
    names: dict[int, str] = {}
    same_seat = None
    for t in org_selectors.leadership_tenures_on(unit=tenure.post.unit, day=clock.today()):
        if t.person_id == tenure.person_id:
            continue
        names[t.person_id] = t.person.name
        if t.post_id == tenure.post_id:
            same_seat = t.person_id
        areas = "、".join(t.post.area_list)
        posts.setdefault(t.person_id, []).append(
            _("%(post)s（分管%(areas)s）") % {"post": t.post.title, "areas": areas} if areas else t.post.title)
    return [(pk, f"{names[pk]} — {'；'.join(titles)}") for pk, titles in posts.items()], same_seat


@login_required
def tenure_handover(request: HttpRequest, tenure_id: int) -> HttpResponse:
    """移交: the open tasks a tenure leads (all ticked), a successor picker; posting hands them over."""
    tenure = org_selectors.tenure_get_for(user=request.user, tenure_id=tenure_id)
    unit = tenure.post.unit
    if not request.user.can_maintain_roster_of(unit.path):
        raise PermissionDenied(_("只有系统管理员、巡视办或本单位整改牵头人可以办理责任领导的移交。"))
    tasks = selectors.open_tasks_of_tenure(tenure_id=tenure.pk)
    choices = [(t.pk, f"{t.problem.number}.{t.number}") for t in tasks]
    successors, same_seat = _successor_choices(tenure)
    form = HandoverForm(request.POST or None, tasks=choices, successors=successors,
                        initial={"tasks": [t.pk for t in tasks], "to_person": same_seat})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = handover_services.leader_handover(actor=request.user, tenure_id=tenure.pk,
                                                           to_person_id=data["to_person"], task_ids=data["tasks"],
                                                           note=data["note"])
            except DomainError as error:
                status = form_error(form, error)
            else:
                messages.success(request, _("已将 %(count)s 项整改任务的责任领导由%(from)s移交给%(to)s。") % {
                    "count": len(result.task_ids), "from": tenure.person.name, "to": result.to_tenure.person.name})
                return redirect("orgs:roster", code=unit.code)
    checked = set(form["tasks"].value() or []) if form.is_bound else {t.pk for t in tasks}
    crumbs = [(_("单位与人员"), reverse("orgs:tree")), (unit.label, reverse("orgs:roster", args=[unit.code])),
              (_("移交责任领导"), None)]
    return render(request, "rectification/tenure_handover.html", {
        "tenure": tenure, "unit": unit, "tasks": tasks, "form": form, "crumbs": crumbs,
        "checked": {str(pk) for pk in checked}, "today": clock.today(),
    }, status=status)
