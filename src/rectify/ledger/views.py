"""Pages for importing and exporting the ledger. Thin: selectors read, services and jobs write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rectify.core.errors import DomainError
from rectify.inspections import selectors as inspection_selectors
from rectify.ledger import forms, jobs, selectors
from rectify.ledger.export import ledger_export
from rectify.ledger.models import ImportState

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    user = request.user
    rounds = list(inspection_selectors.round_list_for(user=user))
    units = list(inspection_selectors.inspected_units_for(user=user).select_related("round", "unit")
                 .order_by("round__code", "unit__path"))
    initial = {"round_code": request.GET.get("round", ""), "unit_code": request.GET.get("unit", "")}
    form = forms.LedgerUploadForm(request.POST or None, request.FILES or None, rounds=rounds, initial=initial)
    if not (user.can_submit_close_out or user.can_review_close_out):
        messages.info(request, _("台账导入由被巡视单位整改牵头人、巡视办或纪委监委人员办理。"))
        return redirect("core:home")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = jobs.ledger_upload(
                    actor=user, file=upload, filename=upload.name, round_code=form.cleaned_data["round_code"],
                    unit_code=form.cleaned_data["unit_code"], unit_name=form.cleaned_data["unit_name"],
                    password=form.cleaned_data["password"],
                )
            except DomainError as error:
                field = (error.details or {}).get("field") if isinstance(error.details, dict) else None
                form.add_error(field if field in form.fields else None, error.message)
            else:
                return redirect("ledger:import_job", job_id=job.pk)
    return render(request, "ledger/import_start.html", {
        "form": form, "units": units, "recent": selectors.recent_imports_for(user=user),
        "can_add_units": user.sees_all_units,
    }, status=status)


@login_required
def import_job(request: HttpRequest, job_id: str) -> HttpResponse:
    job = selectors.ledger_import_get_for(user=request.user, job_id=job_id)
    context = {"job": job, "running": job.state in (ImportState.QUEUED, ImportState.RUNNING),
               "result": job.result or {}}
    if request.htmx:
        return render(request, "ledger/_import_status.html", context)
    return render(request, "ledger/import_job.html", context)


@require_POST
@login_required
def import_confirm(request: HttpRequest, job_id: str) -> HttpResponse:
    job = selectors.ledger_import_get_for(user=request.user, job_id=job_id)
    try:
        jobs.ledger_confirm(actor=request.user, job_id=str(job.pk))
    except DomainError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, _("已确认，正在写入台账。"))
    return redirect("ledger:import_job", job_id=job.pk)


@login_required
def export(request: HttpRequest) -> HttpResponse:
    round_code = request.GET.get("round", "")
    unit_code = request.GET.get("unit") or None
    data = ledger_export(user=request.user, round_code=round_code, unit_code=unit_code)
    name = f"整改台账-{round_code}{'-' + unit_code if unit_code else ''}.xlsx"
    response = HttpResponse(data, content_type=XLSX)
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response
