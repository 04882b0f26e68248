"""Ledger imports from the web run as background work: upload → dry run → (confirm) → commit.

Each step is a task for the django-tasks worker; progress and the result are kept on the
LedgerImport row, which the page polls. The worker only runs the same service the CLI runs, in the
language of the person who uploaded or confirmed (so the report reads in the language of the page).
"""

from __future__ import annotations

import hashlib
import logging
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from rectify.accounts.models import User
from rectify.audit.services import audit_record
from rectify.core import clock
from rectify.core.errors import Conflict, DomainError
from rectify.ledger.models import ImportState, LedgerImport
from rectify.ledger.parsing import LedgerFileError, decrypt_if_encrypted
from rectify.ledger.services import ledger_import

logger = logging.getLogger(__name__)
MAX_UPLOAD_BYTES = 200 * 1024 * 1024


@transaction.atomic
def ledger_upload(*, actor: User, file: IO[bytes], filename: str, round_code: str, unit_code: str,
                  unit_name: str = "", password: str = "") -> LedgerImport:
    """Store an uploaded ledger and queue its dry run. An encrypted workbook is decrypted here,
    so the password is never stored."""
    data = file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise DomainError(_("文件超过 200 MB，请拆分后再导入。"), code="file_too_large", details={"field": "file"})
    if not data:
        raise DomainError(_("上传的文件是空文件。"), code="file_empty", details={"field": "file"})
    try:
        data = decrypt_if_encrypted(data, password or None)
    except LedgerFileError as error:
        raise DomainError(str(error), code="ledger_file", details={"field": "password"}) from error
    job = LedgerImport(created_by=actor, round_code=round_code.strip(), unit_code=unit_code.strip(),
                       unit_name=unit_name.strip(), filename=filename[:255], sha256=hashlib.sha256(data).hexdigest())
    job.file.save(f"{job.id}{_suffix(filename)}", ContentFile(data), save=False)
    job.save()
    audit_record(actor=actor, action="ledger.uploaded", obj=job,
                 after={"file": filename, "sha256": job.sha256, "round": job.round_code, "unit": job.unit_code})
    language = translation.get_language()
    transaction.on_commit(lambda: run_ledger_import.enqueue(str(job.id), language))
    return job


@transaction.atomic
def ledger_confirm(*, actor: User, job_id: str) -> LedgerImport:
    """The user has seen the diff and confirms: queue the commit of the same file."""
    updated = LedgerImport.objects.filter(
        pk=job_id, created_by=actor, state=ImportState.DONE, committed=False, commit_requested=False,
    ).update(commit_requested=True, state=ImportState.QUEUED, progress=0, phase=_("等待写入"))
    if updated != 1:
        raise Conflict(_("该导入不能确认：可能已确认过、仍在处理，或检查发现了错误。请刷新页面。"))
    job = LedgerImport.objects.get(pk=job_id)
    if job.result and job.result.get("errors"):
        raise Conflict(_("台账中还有错误，修改文件后请重新上传。"))
    audit_record(actor=actor, action="ledger.confirmed", obj=job, after={"file": job.filename})
    language = translation.get_language()
    transaction.on_commit(lambda: run_ledger_import.enqueue(str(job.id), language))
    return job


def _suffix(filename: str) -> str:
    return "." + filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else ""


@task()
def run_ledger_import(job_id: str, language: str | None = None) -> None:
    """Run the dry run or the commit of one upload. Safe to run twice: a job is claimed once.

    ``language`` is the page language of whoever queued the step: phases, notices and errors are
    written in it (None: the site's default language)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        _run_ledger_import(job_id)


def _run_ledger_import(job_id: str) -> None:
    claimed = LedgerImport.objects.filter(pk=job_id, state=ImportState.QUEUED).update(
        state=ImportState.RUNNING, phase=_("开始处理"), progress=0)
    if not claimed:
        return
    job = LedgerImport.objects.select_related("created_by", "created_by__unit").get(pk=job_id)

    def progress(percent: int, phase: str) -> None:
        LedgerImport.objects.filter(pk=job.pk).update(progress=percent, phase=phase)

    try:
        with job.file.open("rb") as fh:
            data = fh.read()
        report = ledger_import(
            actor=job.created_by, data=data, filename=job.filename, round_code=job.round_code,
            unit_code=job.unit_code, unit_name=job.unit_name, dry_run=not job.commit_requested, progress=progress,
        )
    except (DomainError, LedgerFileError) as error:
        message = getattr(error, "message", None) or str(error)
        LedgerImport.objects.filter(pk=job.pk).update(state=ImportState.FAILED, failure=message,
                                                      finished_at=clock.now(), phase=_("失败"))
        return
    except Exception:  # one bad file must not take the worker down; the page says what happened
        logger.exception("ledger import %s failed", job.pk)
        LedgerImport.objects.filter(pk=job.pk).update(
            state=ImportState.FAILED, finished_at=clock.now(), phase=_("失败"),
            failure=_("处理时发生系统错误，已记录日志（编号 %(id)s）。请联系管理员。") % {"id": job.pk},
        )
        return
    LedgerImport.objects.filter(pk=job.pk).update(
        state=ImportState.DONE, progress=100, phase=_("已写入") if report.committed else _("检查完成"),
        result=report.as_full_json(), committed=report.committed, finished_at=clock.now(),
    )
