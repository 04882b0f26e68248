"""督办 pages: the list with filters, a new order (one or several units), an order with its answers and the
answer form, and the Word letter."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from rectify.core.errors import DomainError, PermissionDenied
from rectify.core.forms import form_error
from rectify.inspections import selectors as inspection_selectors
from rectify.rectification import selectors as rectification_selectors
from rectify.supervision import letter, order_forms, order_selectors, order_services
from rectify.supervision.models import OrderKind
from rectify.supervision.order_selectors import ORDER_STATE_LABELS, ORDER_STATE_WARNING


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    g = request.GET
    filters = order_selectors.OrderFilters(
        round_code=g.get("round") or None, unit_code=g.get("unit") or None,
        kind=g.get("kind") if g.get("kind") in OrderKind.values else None,
        state=g.get("state") if g.get("state") in order_selectors.ORDER_STATES else None,
        query=(g.get("q") or "").strip()[:100] or None)
    qs = order_selectors.order_list_for(user=request.user, filters=filters)
    page = Paginator(qs, 20).get_page(g.get("page"))
    keep = {k: v for k, v in g.items() if k != "page" and v}
    return render(request, "supervision/order_list.html", {
        "page_obj": page, "filters": filters, "kinds": OrderKind.choices,
        "states": [(s, _(ORDER_STATE_LABELS[s])) for s in order_selectors.ORDER_STATES],
        "rounds": inspection_selectors.round_list_for(user=request.user),
        "warnings": ORDER_STATE_WARNING, "labels": {k: _(v) for k, v in ORDER_STATE_LABELS.items()},
        "query_string": urlencode(keep),
    })


def _task_label(task) -> str:  # type: ignore[no-untyped-def]
    hint = {"red": _("逾期"), "yellow": _("即将到期")}.get(getattr(task, "warning", None) or "", "")
    return _("%(problem)s.%(task)s %(measure)s（完成时限 %(due)s）%(hint)s") % {
        "problem": task.problem.number, "task": task.number, "measure": task.measure[:40],
        "due": task.due_date.isoformat(), "hint": f" · {hint}" if hint else ""}


@login_required
def order_new(request: HttpRequest) -> HttpResponse:
    """New order: pick the round first; with one unit given (``?unit=``) its tasks can be named."""
    if not request.user.can_issue_supervision_orders:
        raise PermissionDenied(_("督办单由巡视办或纪委监委签发。"))
    round_code = request.GET.get("round") or ""
    if not round_code:
        return render(request, "supervision/order_round_pick.html",
                      {"rounds": inspection_selectors.round_list_for(user=request.user)})
    rnd = inspection_selectors.round_get_for(user=request.user, code=round_code)
    units = list(inspection_selectors.inspected_units_of_round_for(user=request.user, round=rnd)
                 .select_related("unit").order_by("unit__path"))
    unit_choices = [(iu.unit.code, iu.unit.name) for iu in units]
    one = next((iu for iu in units if iu.unit.code == request.GET.get("unit")), None)
    task_choices: list[tuple[str, str]] = []
    if one is not None:
        tasks = rectification_selectors.annotate_task_state(
            order_selectors.tasks_for_order(user=request.user, inspected_unit_id=one.pk).exclude(status="closed"))
        rank = {"red": 0, "yellow": 1}
        ordered = sorted(tasks, key=lambda t: (rank.get(t.warning or "", 2), t.due_date, t.pk))
        task_choices = [(str(t.pk), _task_label(t)) for t in ordered]
    initial = {"units": [one.unit.code]} if one else {}
    form = order_forms.OrderForm(request.POST or None, units=unit_choices, tasks=task_choices, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                orders = order_services.order_issue(
                    actor=request.user, round_code=rnd.code, unit_codes=data["units"], kind=data["kind"],
                    text=data["text"], respond_by=data["respond_by"],
                    task_ids=[int(t) for t in data.get("tasks") or []])
            except DomainError as error:
                status = form_error(form, error)
            else:
                messages.success(request, _("%(number)s 已签发给 %(n)d 个单位。") % {
                    "number": orders[0].number, "n": len(orders)})
                return redirect("supervision:order_detail", orders[0].pk)
    return render(request, "supervision/order_form.html",
                  {"form": form, "round": rnd, "one": one, "units": units}, status=status)


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = order_selectors.order_get_for(user=request.user, order_id=pk)
    tasks = list(order.tasks.all())
    can_answer = request.user.can_answer_supervision_orders
    form = None
    status = 200
    if can_answer:
        choices = [(str(t.pk), f"{t.problem.number}.{t.number} {t.measure[:40]}") for t in tasks]
        form = order_forms.RespondForm(request.POST or None, request.FILES or None, tasks=choices)
        if request.method == "POST":
            status = 400
            if form.is_valid():
                data = form.cleaned_data
                upload = data.get("file")
                files = ([order_services.EvidenceFile(task_id=int(data["task"]), file=upload, name=upload.name)]
                         if upload else [])
                try:
                    order_services.order_respond(actor=request.user, order_id=order.pk, text=data["text"],
                                                 files=files)
                except DomainError as error:
                    status = form_error(form, error)
                else:
                    messages.success(request, _("已回复 %(number)s。") % {"number": order.number})
                    return redirect("supervision:order_detail", order.pk)
    elif request.method == "POST":
        raise PermissionDenied(_("督办单由被督办单位的整改人员回复。"))
    warned = {t.pk: t for t in rectification_selectors.annotate_task_state(
        rectification_selectors.tasks_in_scope(user=request.user).filter(pk__in=[t.pk for t in tasks]))}
    return render(request, "supervision/order_detail.html", {
        "order": order, "tasks": [warned.get(t.pk, t) for t in tasks], "form": form,
        "batch": order_selectors.batch_of(order), "state_label": _(ORDER_STATE_LABELS[order.state]),
        "warning": ORDER_STATE_WARNING[order.state],
        "crumbs": [(_("督办"), reverse("supervision:order_list")), (order.number, None)],
    }, status=status)


@login_required
def order_letter(request: HttpRequest, pk: int) -> HttpResponse:
    order = order_selectors.order_get_for(user=request.user, order_id=pk)
    response = HttpResponse(letter.letter_document(order), content_type=(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
    filename = f"{order.number}-{order.inspected_unit.unit.name}.docx"
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename=\"order-{order.pk}.docx\"; filename*=UTF-8''{quote(filename)}"
    return response
