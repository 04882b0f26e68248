"""Pages for importing and exporting the ledger. Thin: selectors read, services and jobs write."""

from __future__ import annotations

import hashlib
import re
from pathlib import PurePath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rectify.core.errors import DomainError, PermissionDenied
from rectify.core.uploads import refusal_errors
from rectify.inspections import selectors as inspection_selectors
from rectify.ledger import forms, jobs, sandbox, selectors
from rectify.ledger.export import ledger_export, ledger_template
from rectify.ledger.models import ImportState
from rectify.ledger.parsing import LedgerFileError
from rectify.ledger.roster import roster_import as roster_import_service
from rectify.orgs import selectors as org_selectors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    user = request.user
    rounds = list(inspection_selectors.round_list_for(user=user))
    chosen = request.POST.get("round_code") or request.GET.get("round") or (rounds[0].code if rounds else "")
    units = _round_units(user, chosen)
    initial = {"round_code": chosen, "unit_code": request.GET.get("unit", "")}
    form = forms.LedgerUploadForm(request.POST or None, request.FILES or None, rounds=rounds, initial=initial,
                                  units=units, can_add_units=user.sees_all_units)
    if not (user.can_submit_close_out or user.can_review_close_out):
        messages.info(request, _("台账导入由被巡视单位整改牵头人、巡视办或纪委监委人员办理。"))
        return redirect("core:home")
    status = 200
    if request.method == "POST":
        status = 400
        if refusal_errors(form, request):  # over the size limit: skipped while it streamed in, never stored
            status = 413
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = jobs.ledger_upload(
                    actor=user, file=upload, filename=upload.name, round_code=form.cleaned_data["round_code"],
                    unit_code=form.cleaned_data["unit_code"], unit_name=form.cleaned_data.get("unit_name", ""),
                    password=form.cleaned_data["password"],
                )
            except DomainError as error:
                field = (error.details or {}).get("field") if isinstance(error.details, dict) else None
                form.add_error(field if field in form.fields else None, error.message)
            else:
                return redirect("ledger:import_job", job_id=job.pk)
    return render(request, "ledger/import_start.html", {
        "form": form, "recent": selectors.recent_imports_for(user=user),
        "can_add_units": user.sees_all_units,
    }, status=status)


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    """The blank standard ledger to fill in and import."""
    from django.utils.http import content_disposition_header

    response = HttpResponse(ledger_template(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename="整改台账模板.xlsx")
    return response


@login_required
def import_unit_options(request: HttpRequest) -> HttpResponse:
    """The inspected units of the chosen round, as <option>s for the import form's unit picker (htmx)."""
    units = _round_units(request.user, request.GET.get("round_code", ""))
    return render(request, "ledger/_unit_options.html", {"units": units,
                                                          "can_add_units": request.user.sees_all_units})


def _round_units(user: Any, round_code: str) -> list[Any]:
    if not round_code:
        return []
    try:
        rnd = inspection_selectors.round_get_for(user=user, code=round_code)
    except DomainError:
        return []
    return list(inspection_selectors.inspected_units_of_round_for(user=user, round=rnd)
                .select_related("unit").order_by("unit__path"))


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
    """导出台账: written at once when small, else by the worker with a page that follows it to the download."""
    round_code = request.GET.get("round", "")
    unit_code = request.GET.get("unit") or None
    if not jobs.export_is_small(user=request.user, round_code=round_code, unit_code=unit_code):
        job = jobs.ledger_export_start(actor=request.user, round_code=round_code, unit_code=unit_code)
        return redirect("ledger:export_job", job_id=job.pk)
    data = ledger_export(user=request.user, round_code=round_code, unit_code=unit_code)
    response = HttpResponse(data, content_type=XLSX)
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=jobs.export_filename(round_code, unit_code))
    return response


@login_required
def export_job(request: HttpRequest, job_id: str) -> HttpResponse:
    job = selectors.ledger_export_get_for(user=request.user, job_id=job_id)
    context = {"job": job, "running": job.state in (ImportState.QUEUED, ImportState.RUNNING)}
    if request.htmx:
        return render(request, "ledger/_export_status.html", context)
    return render(request, "ledger/export_job.html", context)


@login_required
def export_download(request: HttpRequest, job_id: str) -> FileResponse:
    job, handle = selectors.ledger_export_open_for(user=request.user, job_id=job_id)
    return FileResponse(handle, as_attachment=True, filename=job.filename, content_type=XLSX)


# --- leadership roster import: upload → dry run with the diff → confirm commits ---------------------

ROSTER_MAX_BYTES = 10 * 1024 * 1024  # rosters are small; a bigger file is not a roster
_ROSTER_SALT = "rectify.ledger.roster_import"
_ROSTER_TOKEN_MAX_AGE = 2 * 60 * 60
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_SUFFIXES = {".xlsx", ".xls", ".csv", ".xlsm", ".txt"}


def _roster_store(data: bytes, filename: str) -> tuple[str, str]:
    """Keep the (decrypted) upload under media/imports/roster/ by its SHA-256, for the confirmation and
    for the record (DECISIONS 13). Returns (sha256, stored name)."""
    sha = hashlib.sha256(data).hexdigest()
    suffix = PurePath(filename).suffix.lower()
    name = f"imports/roster/{sha}{suffix if suffix in _SUFFIXES else ''}"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(data))
    return sha, name


def _roster_load(token: str, *, user_id: int, unit_code: str) -> tuple[bytes, dict[str, str]]:
    """The file a signed confirmation token names, only for the user and unit it was issued to."""
    try:
        claim = signing.loads(token, salt=_ROSTER_SALT, max_age=_ROSTER_TOKEN_MAX_AGE)
    except signing.BadSignature:
        raise DomainError(_("确认已过期或无效，请重新上传名单文件。"), code="stale_upload") from None
    name = str(claim.get("stored", ""))
    sha = name.removeprefix("imports/roster/")[:64]
    if (claim.get("user") != user_id or claim.get("unit") != unit_code or not _SHA256.match(sha)
            or not name.startswith("imports/roster/") or ".." in name or not default_storage.exists(name)):
        raise DomainError(_("确认已过期或无效，请重新上传名单文件。"), code="stale_upload")
    with default_storage.open(name, "rb") as fh:
        data = fh.read(ROSTER_MAX_BYTES + 1)
    if hashlib.sha256(data).hexdigest() != sha:
        raise DomainError(_("确认已过期或无效，请重新上传名单文件。"), code="stale_upload")
    return data, claim


@login_required
def roster_import(request: HttpRequest, unit_code: str) -> HttpResponse:
    """A unit's roster: upload and see the dry run (diff and errors); confirm writes exactly that."""
    user = request.user
    unit = org_selectors.org_unit_get_for(user=user, code=(unit_code or "").strip())
    if not user.can_maintain_roster_of(unit.path):
        raise PermissionDenied(_("只有系统管理员、巡视办或本单位整改牵头人可以导入本单位的领导班子名单。"))
    form = forms.RosterUploadForm()
    context: dict[str, object] = {"unit": unit, "form": form, "max_mb": ROSTER_MAX_BYTES // (1024 * 1024)}
    status = 200
    if request.method == "POST" and request.POST.get("token"):
        try:
            data, claim = _roster_load(request.POST["token"], user_id=user.pk, unit_code=unit.code)
            result = roster_import_service(actor=user, data=data, filename=claim["filename"], unit_code=unit.code,
                                           dry_run=False, expected_fingerprint=claim["fingerprint"])
        except (DomainError, LedgerFileError) as error:
            if isinstance(error, DomainError) and error.status == 404:
                raise
            messages.error(request, getattr(error, "message", None) or str(error))
            return redirect("ledger:roster_import", unit_code=unit.code)
        if result.committed and not result.errors:
            messages.success(request, _("已写入领导班子名单：人员新增 %(pn)s、变更 %(pc)s；任职经历新增 %(tn)s、变更 %(tc)s。")
                             % {"pn": result.people["new"], "pc": result.people["changed"],
                                "tn": result.tenures["new"], "tc": result.tenures["changed"]})
            return redirect("orgs:roster", code=unit.code)
        context.update(result=result, filename=claim["filename"])  # someone changed the roster meanwhile
        status = 409
    elif request.method == "POST":
        form = forms.RosterUploadForm(request.POST, request.FILES)
        context["form"] = form
        status = 400
        if refusal_errors(form, request):
            status = 413
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > ROSTER_MAX_BYTES:
                    raise DomainError(_("文件超过 %(mb)s MB，不像领导班子名单。请只保留名单所在的工作表后再上传。")
                                      % {"mb": ROSTER_MAX_BYTES // (1024 * 1024)}, details={"field": "file"})
                data = upload.read(ROSTER_MAX_BYTES + 1)
                try:
                    data = sandbox.decrypt_if_encrypted(data, form.cleaned_data["password"] or None, filename=upload.name)
                except LedgerFileError as error:
                    raise DomainError(error.message, details={"field": "password"}) from error
                try:
                    result = roster_import_service(actor=user, data=data, filename=upload.name, unit_code=unit.code,
                                                   dry_run=True)
                except LedgerFileError as error:
                    raise DomainError(error.message, details={"field": "file"}) from error
            except DomainError as error:
                if error.status == 404:
                    raise
                field = (error.details or {}).get("field") if isinstance(error.details, dict) else None
                form.add_error(field if field in form.fields else None, error.message)
            else:
                status = 200
                context.update(result=result, filename=upload.name)
                if not result.errors:
                    _sha, stored = _roster_store(data, upload.name)
                    context["token"] = signing.dumps(
                        {"user": user.pk, "unit": unit.code, "stored": stored, "filename": upload.name[:200],
                         "fingerprint": result.fingerprint}, salt=_ROSTER_SALT)
    result_obj = context.get("result")
    if result_obj is not None:
        changes = result_obj.changes  # type: ignore[attr-defined]
        context["changes_shown"] = changes[:500]
        context["changes_total"] = len(changes)
    return render(request, "ledger/roster_import.html", context, status=status)
