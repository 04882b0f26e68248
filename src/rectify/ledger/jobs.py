"""Ledger imports from the web and the API run as background work: upload → dry run → (confirm) → commit.

Each step is a task for the django-tasks worker; progress and the result are kept on the LedgerImport
row, which the page and ``GET /api/v1/ledger/imports/{id}`` poll. The worker only runs the same service
the CLI runs, in the language of the person who uploaded or confirmed (so the report reads in the
language of the page). The file itself is read in a child process with a memory and a time limit
(``sandbox``), so no file can take the worker down.

Jobs survive their worker:

1. A worker claims a queued job with a conditional UPDATE that sets a lease (``lease_until``, now +
   ``RECTIFY_JOB_LEASE_SECONDS``) and counts the attempt; the lease is renewed every time the job reports
   progress (the file reader repeats its last report at least every 10 s while it reads).
2. Every later write of the run is conditional on the same attempt, so a run whose lease was taken back
   can never overwrite what came after it.
3. :func:`ledger_imports_recover` — run by every worker when it starts and then periodically — takes back
   expired leases: the job is queued again (its commit, if any, was rolled back with the dead worker's
   transaction), or after ``RECTIFY_JOB_MAX_ATTEMPTS`` claims it fails with a message that says so; the
   django-tasks row the dead worker left RUNNING is closed as failed. A queued job whose task is gone (the
   worker died between taking the task and claiming the job) is queued again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import signal
import threading
import time
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import close_old_connections, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from rectify.accounts.models import User
from rectify.audit.services import audit_record
from rectify.core.errors import Conflict, DomainError
from rectify.inspections import selectors as inspection_selectors
from rectify.ledger import sandbox
from rectify.ledger.export import ledger_export
from rectify.ledger.models import ImportState, LedgerExport, LedgerImport
from rectify.ledger.parsing import LedgerFileError
from rectify.ledger.services import ledger_import, ledger_import_check_target

logger = logging.getLogger(__name__)
MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class LeaseLost(Exception):
    """This run's claim on the job expired and was taken back: stop without writing anything."""


class WorkerLost(Exception):
    """Recorded on a django-tasks row whose worker died while running it (never raised)."""


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.RECTIFY_JOB_LEASE_SECONDS)


def ledger_upload(*, actor: User, file: IO[bytes], filename: str, round_code: str, unit_code: str,
                  unit_name: str = "", password: str = "", commit: bool = False) -> LedgerImport:
    """Store an uploaded ledger and queue its dry run — or, with ``commit`` (the API's ``dry_run=false``),
    its import, which writes when the check finds no errors. Whether the actor may import for the unit
    is checked now; an encrypted workbook is decrypted now (in a child process), so the password is never
    stored."""
    round_code, unit_code, unit_name = round_code.strip(), unit_code.strip(), unit_name.strip()
    data = file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise DomainError(_("文件超过 200 MB，请拆分后再导入。"), code="file_too_large", details={"field": "file"})
    if not data:
        raise DomainError(_("上传的文件是空文件。"), code="file_empty", details={"field": "file"})
    ledger_import_check_target(actor=actor, round_code=round_code, unit_code=unit_code, unit_name=unit_name)
    try:
        data = sandbox.decrypt_if_encrypted(data, password or None, filename=filename)
    except LedgerFileError as error:
        raise DomainError(error.message, code="ledger_file", details={"field": "password"}) from error
    return _store(actor=actor, data=data, filename=filename, round_code=round_code, unit_code=unit_code,
                  unit_name=unit_name, commit=commit)


@transaction.atomic
def _store(*, actor: User, data: bytes, filename: str, round_code: str, unit_code: str, unit_name: str,
           commit: bool) -> LedgerImport:
    language = translation.get_language() or settings.LANGUAGE_CODE
    job = LedgerImport(created_by=actor, round_code=round_code, unit_code=unit_code, unit_name=unit_name,
                       filename=filename[:255], sha256=hashlib.sha256(data).hexdigest(), commit_requested=commit,
                       language=language, lease_until=timezone.now() + _lease())
    job.file.save(f"{job.id}{_suffix(filename)}", ContentFile(data), save=False)
    job.save()
    audit_record(actor=actor, action="ledger.uploaded", obj=job,
                 after={"file": filename, "sha256": job.sha256, "round": job.round_code, "unit": job.unit_code,
                        "commit": commit})
    _enqueue(job.pk, language)
    return job


@transaction.atomic
def ledger_confirm(*, actor: User, job_id: str) -> LedgerImport:
    """The user has seen the diff and confirms: queue the commit of the same file."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    updated = LedgerImport.objects.filter(
        pk=job_id, created_by=actor, state=ImportState.DONE, committed=False, commit_requested=False,
    ).update(commit_requested=True, state=ImportState.QUEUED, progress=0, phase=_("等待写入"), language=language,
             lease_until=timezone.now() + _lease())
    if updated != 1:
        raise Conflict(_("该导入不能确认：可能已确认过、仍在处理，或检查发现了错误。请刷新页面。"))
    job = LedgerImport.objects.get(pk=job_id)
    if job.result and job.result.get("errors"):
        raise Conflict(_("台账中还有错误，修改文件后请重新上传。"))
    audit_record(actor=actor, action="ledger.confirmed", obj=job, after={"file": job.filename})
    _enqueue(job.pk, language)
    return job


def _enqueue(job_id: object, language: str) -> None:
    _IMPORTS.enqueue(job_id, language)


def _suffix(filename: str) -> str:
    return "." + filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else ""


@task()
def run_ledger_import(job_id: str, language: str | None = None) -> None:
    """Run the dry run or the commit of one upload. Safe to run twice: a job is claimed once.

    ``language`` is the page language of whoever queued the step: phases, notices and errors are
    written in it (None: the site's default language)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        _run_ledger_import(job_id)


@dataclass
class _Claim:
    """A run's hold on its job: every write it makes is conditional on still holding it."""

    job: Any
    label: str

    @property
    def mine(self) -> models.QuerySet[Any]:
        return type(self.job).objects.filter(pk=self.job.pk, state=ImportState.RUNNING, attempts=self.job.attempts)

    def report(self, **values: object) -> None:
        """Progress: renews the lease; LeaseLost when the job was taken back meanwhile."""
        if not self.mine.update(lease_until=timezone.now() + _lease(), **values):
            raise LeaseLost(self.job.pk)

    def finish(self, **values: object) -> None:
        if not self.mine.update(finished_at=timezone.now(), lease_until=None, **values):
            logger.warning("%s %s: its lease was taken back before it finished; result dropped", self.label,
                           self.job.pk)


def _claim(model: Any, job_id: str, label: str) -> _Claim | None:
    """Claim a queued job with a conditional UPDATE that sets the lease and counts the attempt; None when
    another worker has it (a task run twice is harmless)."""
    now = timezone.now()
    claimed = model.objects.filter(pk=job_id, state=ImportState.QUEUED).update(
        state=ImportState.RUNNING, phase=_("开始处理"), progress=0, claimed_at=now, lease_until=now + _lease(),
        attempts=models.F("attempts") + 1)
    if not claimed:
        return None
    return _Claim(job=model.objects.select_related("created_by", "created_by__unit").get(pk=job_id), label=label)


def _run_ledger_import(job_id: str) -> None:
    claim = _claim(LedgerImport, job_id, "ledger import")
    if claim is None:
        return
    job, finish = claim.job, claim.finish

    def progress(percent: int, phase: str) -> None:
        claim.report(progress=percent, phase=phase)

    try:
        with job.file.open("rb") as fh:
            data = fh.read()
        report = ledger_import(
            actor=job.created_by, data=data, filename=job.filename, round_code=job.round_code,
            unit_code=job.unit_code, unit_name=job.unit_name, dry_run=not job.commit_requested, progress=progress,
        )
    except LeaseLost:
        logger.warning("ledger import %s: lease lost while running (attempt %s); stopped", job.pk, job.attempts)
        return
    except LedgerFileError as error:
        finish(state=ImportState.FAILED, failure=error.message, failure_code="ledger_file", phase=_("失败"))
        return
    except DomainError as error:
        finish(state=ImportState.FAILED, failure=error.message, failure_code=error.code, phase=_("失败"))
        return
    except Exception:  # one bad file must not take the worker down; the page says what happened
        logger.exception("ledger import %s failed", job.pk)
        finish(state=ImportState.FAILED, phase=_("失败"), failure_code="server_error",
               failure=_("处理时发生系统错误，已记录日志（编号 %(id)s）。请联系管理员。") % {"id": job.pk})
        return
    finish(state=ImportState.DONE, progress=100, phase=_("已写入") if report.committed else _("检查完成"),
           result=report.as_full_json(), committed=report.committed)


# --- jobs whose worker died -----------------------------------------------------------------------

@dataclass(frozen=True)
class _Kind:
    """A kind of leased job: its table, the task that runs it, and what a job lost twice says."""

    model: Any
    task: Any
    lost: str  # gettext_noop text with %(n)s (attempts) and %(id)s
    label: str

    def enqueue(self, job_id: object, language: str) -> None:
        transaction.on_commit(lambda: self.task.enqueue(str(job_id), language))

    def task_rows(self, job_id: object) -> models.QuerySet[DBTaskResult]:
        return DBTaskResult.objects.filter(task_path=self.task.module_path, args_kwargs__args__0=str(job_id))


def _task_rows(job_id: object) -> models.QuerySet[DBTaskResult]:
    return _IMPORTS.task_rows(job_id)


def _recover(kind: _Kind) -> dict[str, int]:
    now = timezone.now()
    counts = {"requeued": 0, "failed": 0}
    for job in kind.model.objects.filter(state=ImportState.RUNNING, lease_until__lt=now).only(
            "pk", "attempts", "language")[:100]:
        stale = kind.model.objects.filter(pk=job.pk, state=ImportState.RUNNING, attempts=job.attempts,
                                          lease_until__lt=now)
        with transaction.atomic():
            if job.attempts >= settings.RECTIFY_JOB_MAX_ATTEMPTS:
                with translation.override(job.language or settings.LANGUAGE_CODE):
                    message = _(kind.lost) % {"n": job.attempts, "id": job.pk}
                    done = stale.update(state=ImportState.FAILED, failure=message, failure_code="worker_lost",
                                        phase=_("失败"), finished_at=now, lease_until=None)
                counts["failed"] += done
            else:
                with translation.override(job.language or settings.LANGUAGE_CODE):
                    done = stale.update(state=ImportState.QUEUED, phase=_("中断后重新排队"), progress=0,
                                        lease_until=now + _lease())
                if done:
                    kind.enqueue(job.pk, job.language or settings.LANGUAGE_CODE)
                counts["requeued"] += done
            if done:
                logger.warning("%s %s: the worker holding it (attempt %s) is gone; %s", kind.label, job.pk,
                               job.attempts, "failed" if job.attempts >= settings.RECTIFY_JOB_MAX_ATTEMPTS
                               else "queued again")
                kind.task_rows(job.pk).filter(status=TaskResultStatus.RUNNING).update(
                    status=TaskResultStatus.FAILED, finished_at=now, exception_class_path=f"{__name__}.WorkerLost",
                    traceback="The worker running this task stopped before it finished (its job's lease expired).")
    for job in kind.model.objects.filter(state=ImportState.QUEUED, lease_until__lt=now).only(
            "pk", "language")[:100]:
        tasks = kind.task_rows(job.pk)
        with transaction.atomic():
            waiting = tasks.filter(models.Q(status=TaskResultStatus.READY)
                                   | models.Q(status=TaskResultStatus.RUNNING, started_at__gte=now - _lease()))
            if not waiting.exists():  # nothing will ever run it: its task ended or its worker died at the start
                tasks.filter(status=TaskResultStatus.RUNNING).update(
                    status=TaskResultStatus.FAILED, finished_at=now, exception_class_path=f"{__name__}.WorkerLost",
                    traceback="The worker running this task stopped before it claimed the job.")
                if kind.model.objects.filter(pk=job.pk, state=ImportState.QUEUED, lease_until__lt=now).update(
                        lease_until=now + _lease()):
                    kind.enqueue(job.pk, job.language or settings.LANGUAGE_CODE)
                    counts["requeued"] += 1
                    logger.warning("%s %s was queued without a task to run it: queued again", kind.label, job.pk)
            else:  # still waiting its turn: look again after another lease
                kind.model.objects.filter(pk=job.pk, state=ImportState.QUEUED).update(lease_until=now + _lease())
    return counts


def ledger_imports_recover() -> dict[str, int]:
    """Take back the imports of workers that died (see the module's docstring). Safe to run at any time, in
    any number of workers at once: every change is a conditional UPDATE. Returns how many jobs were
    queued again and how many failed."""
    return _recover(_IMPORTS)


def ledger_jobs_recover() -> dict[str, int]:
    """Imports and exports alike."""
    imports, exports = _recover(_IMPORTS), _recover(_EXPORTS)
    return {key: imports[key] + exports[key] for key in imports}


def recovery_interval() -> float:
    """How often a worker looks for expired leases: a third of a lease, between 1 s and 60 s."""
    return max(1.0, min(60.0, settings.RECTIFY_JOB_LEASE_SECONDS / 3))


def start_recovery(stop: threading.Event, *, parent_pid: int | None = None) -> threading.Thread:
    """A daemon thread of the worker process: recover expired leases now and every ``recovery_interval()``;
    with ``parent_pid``, stop the worker (SIGTERM to itself, a graceful stop) when that process is gone —
    the worker that ``rectify serve`` supervises never outlives it."""

    def loop() -> None:
        next_sweep = 0.0
        while not stop.is_set():
            if parent_pid is not None and os.getppid() != parent_pid:
                logger.warning("the process that started this worker (%s) is gone: stopping", parent_pid)
                os.kill(os.getpid(), signal.SIGTERM)
                return
            if time.monotonic() >= next_sweep:
                try:
                    ledger_jobs_recover()
                except Exception:  # a database hiccup must not end the recovery: try again next time
                    logger.exception("recovering ledger jobs failed")
                finally:
                    close_old_connections()
                next_sweep = time.monotonic() + recovery_interval()
            stop.wait(1.0)

    thread = threading.Thread(target=loop, name="ledger-import-recovery", daemon=True)
    thread.start()
    return thread


# --- exports --------------------------------------------------------------------------------------

def export_is_small(*, user: User, round_code: str, unit_code: str | None) -> bool:
    """Whether an export is quick enough to write inside the request (``RECTIFY_EXPORT_INLINE_TASKS``): a unit
    of a few thousand tasks takes a second or two; a round of 10^5 takes much longer and goes to the worker.
    Raises NotFound for a round or unit outside the user's scope, like the export itself."""
    from rectify.rectification.models import Task

    if unit_code:
        inspected = inspection_selectors.inspected_unit_get_for(user=user, round_code=round_code, unit_code=unit_code)
        tasks = Task.objects.filter(problem__inspected_unit=inspected)
    else:
        rnd = inspection_selectors.round_get_for(user=user, code=round_code)
        units = inspection_selectors.inspected_units_of_round_for(user=user, round=rnd)
        tasks = Task.objects.filter(problem__inspected_unit__in=units)
    return tasks.count() <= settings.RECTIFY_EXPORT_INLINE_TASKS


def export_filename(round_code: str, unit_code: str | None) -> str:
    return f"整改台账-{round_code}{'-' + unit_code if unit_code else ''}.xlsx"


@transaction.atomic
def ledger_export_start(*, actor: User, round_code: str, unit_code: str | None = None) -> LedgerExport:
    """Queue an export for the worker; the round or unit must be in the user's scope (404 otherwise)."""
    if unit_code:
        inspection_selectors.inspected_unit_get_for(user=actor, round_code=round_code, unit_code=unit_code)
    else:
        inspection_selectors.round_get_for(user=actor, code=round_code)
    language = translation.get_language() or settings.LANGUAGE_CODE
    job = LedgerExport.objects.create(created_by=actor, round_code=round_code, unit_code=unit_code or "",
                                      filename=export_filename(round_code, unit_code), language=language,
                                      lease_until=timezone.now() + _lease(), phase=_("排队等待"))
    audit_record(actor=actor, action="ledger.export_requested", obj=job,
                 after={"round": round_code, "unit": unit_code or None})
    _EXPORTS.enqueue(job.pk, language)
    return job


@task()
def run_ledger_export(job_id: str, language: str | None = None) -> None:
    """Write one export. Safe to run twice: a job is claimed once, with a lease like an import."""
    with translation.override(language or settings.LANGUAGE_CODE):
        _run_ledger_export(job_id)


def _run_ledger_export(job_id: str) -> None:
    claim = _claim(LedgerExport, job_id, "ledger export")
    if claim is None:
        return
    job, finish = claim.job, claim.finish

    def progress(percent: int) -> None:
        claim.report(progress=percent, phase=_("正在写入台账") if percent < 92 else _("正在压缩文件"))

    try:
        data = ledger_export(user=job.created_by, round_code=job.round_code, unit_code=job.unit_code or None,
                             progress=progress)
        stored = job.file.storage.save(f"exports/{job.pk}.xlsx", ContentFile(data))
    except LeaseLost:
        logger.warning("ledger export %s: lease lost while running (attempt %s); stopped", job.pk, job.attempts)
        return
    except DomainError as error:
        finish(state=ImportState.FAILED, failure=error.message, failure_code=error.code, phase=_("失败"))
        return
    except Exception:
        logger.exception("ledger export %s failed", job.pk)
        finish(state=ImportState.FAILED, phase=_("失败"), failure_code="server_error",
               failure=_("处理时发生系统错误，已记录日志（编号 %(id)s）。请联系管理员。") % {"id": job.pk})
        return
    finish(state=ImportState.DONE, progress=100, phase=_("已完成"), file=stored)


_IMPORTS = _Kind(model=LedgerImport, task=run_ledger_import, label="ledger import", lost=gettext_noop(
    "后台处理进程在处理该导入时意外退出（共尝试 %(n)s 次），未写入任何数据。请稍后重新上传；如果同一文件反复出现此情况，"
    "请联系管理员（编号 %(id)s）。"))
_EXPORTS = _Kind(model=LedgerExport, task=run_ledger_export, label="ledger export", lost=gettext_noop(
    "后台处理进程在导出时意外退出（共尝试 %(n)s 次）。请重新导出；如果反复出现此情况，请联系管理员（编号 %(id)s）。"))
