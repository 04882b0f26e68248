"""Background imports survive hostile files and dead workers.

Hostile files run through the web job and the API job in this process (the immediate task backend: this
process is the worker), so a file that killed the reader would kill the test. Dead workers: the state a
worker killed in the middle of a job leaves behind — its django-tasks row RUNNING, the job RUNNING with a
lease that has run out — is recovered, and django-tasks' own worker then runs the queue. The same with a
real worker process killed by SIGKILL is in tests/cli/test_serve_supervises_worker.py.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from rectify.accounts.models import Role
from rectify.accounts.services import api_token_create
from rectify.ledger import jobs
from rectify.ledger.models import ImportState, LedgerImport
from tests.ledger import fixtures
from tests.ledger.test_hostile_files import _HEAD, _TAIL, far_cell_xlsx, streamed_sheet

pytestmark = pytest.mark.usefixtures("feedback_2021")
MB = 1024 * 1024


@pytest.fixture
def immediate_tasks(settings):  # type: ignore[no-untyped-def]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _auth(world, role=Role.INSPECTION_OFFICE):  # type: ignore[no-untyped-def]
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(actor=None, user=world[role])}"}


def _web_import(client, world, data: bytes, capture, name: str = "台账.xlsx") -> LedgerImport:  # type: ignore[no-untyped-def]
    client.force_login(world[Role.INSPECTION_OFFICE])
    with capture(execute=True):
        response = client.post(reverse("ledger:import_start"), {"round_code": world.round.code, "unit_code": "EDU",
                                                                "file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.content
    return LedgerImport.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def _api_import(client, world, data: bytes, capture, name: str = "台账.xlsx") -> dict:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        response = client.post("/api/v1/ledger/import", {"file": SimpleUploadedFile(name, data),
                                                         "round": world.round.code, "unit": "EDU"}, **_auth(world))
    assert response.status_code == 202, response.content
    return client.get(response.json()["url"], **_auth(world)).json()


# --------------------------------------------------------------------------- hostile files through the jobs

def test_a_dimension_bomb_and_a_zip_bomb_through_the_web_job_fail_clearly_and_the_next_import_runs(
        world, client, immediate_tasks, settings, django_capture_on_commit_callbacks):
    settings.RECTIFY_SHEET_MAX_COLUMNS, settings.RECTIFY_SHEET_MAX_CELLS = 16_384, 10**14  # past the guard
    job = _web_import(client, world, far_cell_xlsx(), django_capture_on_commit_callbacks)
    assert job.state == ImportState.FAILED and job.failure_code == "ledger_file"
    page = client.get(reverse("ledger:import_job", args=[job.pk])).content.decode()
    assert "导入未能完成：文件“台账.xlsx”过大或结构异常，解析时超出内存限制" in page
    settings.RECTIFY_SHEET_MAX_UNCOMPRESSED_BYTES = 20 * MB  # a 1.5 GB whitespace bomb, scaled down
    zipped = _web_import(client, world, streamed_sheet([_HEAD, *[b" " * MB] * 30, _TAIL]),
                         django_capture_on_commit_callbacks)
    assert zipped.state == ImportState.FAILED and "解压后超过 20 MB" in zipped.failure
    after = _web_import(client, world, fixtures.provincial_department_xlsx(), django_capture_on_commit_callbacks)
    assert after.state == ImportState.DONE and after.result["problems"]["new"] + after.result["problems"]["changed"] == 3


def test_a_dimension_bomb_and_a_zip_bomb_through_the_api_job_fail_clearly_and_the_next_import_runs(
        world, client, immediate_tasks, settings, django_capture_on_commit_callbacks):
    settings.RECTIFY_SHEET_MAX_COLUMNS, settings.RECTIFY_SHEET_MAX_CELLS = 16_384, 10**14
    bomb = _api_import(client, world, far_cell_xlsx(), django_capture_on_commit_callbacks)
    assert bomb["state"] == "failed" and bomb["error"]["code"] == "ledger_file"
    assert "超出内存限制（2,048 MB）" in bomb["error"]["message"]
    settings.RECTIFY_SHEET_MAX_UNCOMPRESSED_BYTES = 20 * MB  # a 1.5 GB whitespace bomb, scaled down
    zipped = _api_import(client, world, streamed_sheet([_HEAD, *[b" " * MB] * 30, _TAIL]),
                         django_capture_on_commit_callbacks)
    assert zipped["state"] == "failed" and zipped["error"]["code"] == "ledger_file"
    assert "解压后超过 20 MB" in zipped["error"]["message"]
    after = _api_import(client, world, fixtures.provincial_department_xlsx(), django_capture_on_commit_callbacks)
    assert after["state"] == "done" and after["report"]["errors"] == []


# --------------------------------------------------------------------------- dead workers

def _queued(world, capture) -> LedgerImport:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        return jobs.ledger_upload(actor=world[Role.INSPECTION_OFFICE], file=io.BytesIO(fixtures.provincial_department_xlsx()),
                                  filename="台账.xlsx", round_code=world.round.code, unit_code="EDU")


def _task_rows(job: LedgerImport):  # type: ignore[no-untyped-def]
    return DBTaskResult.objects.filter(args_kwargs__args__0=str(job.pk))


def _worker_died_during(job: LedgerImport, *, attempts: int) -> None:
    """What a worker killed in the middle of ``job`` leaves: it claimed the task row (RUNNING) and the job
    (RUNNING, its attempt counted), and then renewed the lease for the last time a while ago."""
    _task_rows(job).get().claim("worker-that-died")
    long_ago = timezone.now() - dt.timedelta(seconds=jobs.settings.RECTIFY_JOB_LEASE_SECONDS + 60)
    LedgerImport.objects.filter(pk=job.pk).update(state=ImportState.RUNNING, attempts=attempts, progress=40,
                                                  claimed_at=long_ago, lease_until=long_ago)


def _run_the_worker() -> None:
    """django-tasks' own worker, in this process, until the queue is empty. It closes the database connection
    between tasks as a worker must, so the tests that run it commit for real (``transactional_db``)."""
    call_command("db_worker", batch=True, interval=0, startup_delay=False, reload=False, verbosity=0)


def test_a_job_whose_worker_died_is_queued_again_and_the_worker_finishes_it(
        transactional_db, world, client, settings, django_capture_on_commit_callbacks):
    settings.RECTIFY_JOB_MAX_ATTEMPTS = 2
    job = _queued(world, django_capture_on_commit_callbacks)
    _worker_died_during(job, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.ledger_imports_recover() == {"requeued": 1, "failed": 0}
    job.refresh_from_db()
    assert job.state == ImportState.QUEUED and job.phase == "中断后重新排队"
    rows = _task_rows(job)
    assert rows.filter(status=TaskResultStatus.FAILED, exception_class_path="rectify.ledger.jobs.WorkerLost").count() == 1
    assert rows.filter(status=TaskResultStatus.READY).count() == 1
    _run_the_worker()
    job.refresh_from_db()
    assert job.state == ImportState.DONE and job.attempts == 2 and job.result["errors"] == []


def test_a_job_that_keeps_losing_its_worker_fails_with_a_message_and_the_queue_goes_on(
        transactional_db, world, client, settings, django_capture_on_commit_callbacks):
    settings.RECTIFY_JOB_MAX_ATTEMPTS = 2
    job = _queued(world, django_capture_on_commit_callbacks)
    _worker_died_during(job, attempts=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.ledger_imports_recover() == {"requeued": 0, "failed": 1}
    job.refresh_from_db()
    assert job.state == ImportState.FAILED and job.failure_code == "worker_lost" and job.lease_until is None
    assert "后台处理进程在处理该导入时意外退出（共尝试 2 次），未写入任何数据" in job.failure and str(job.pk) in job.failure
    assert not _task_rows(job).filter(status__in=[TaskResultStatus.RUNNING, TaskResultStatus.READY]).exists()
    state = client.get(f"/api/v1/ledger/imports/{job.pk}", **_auth(world)).json()
    assert state["state"] == "failed" and state["error"]["code"] == "worker_lost"
    client.force_login(world[Role.INSPECTION_OFFICE])
    assert "后台处理进程在处理该导入时意外退出" in client.get(reverse("ledger:import_job", args=[job.pk])).content.decode()

    after = _queued(world, django_capture_on_commit_callbacks)
    _run_the_worker()
    after.refresh_from_db()
    assert after.state == ImportState.DONE


def test_a_lease_that_is_still_running_is_left_alone(world, django_capture_on_commit_callbacks):
    job = _queued(world, django_capture_on_commit_callbacks)
    _task_rows(job).get().claim("worker-alive")
    LedgerImport.objects.filter(pk=job.pk).update(state=ImportState.RUNNING, attempts=1,
                                                  lease_until=timezone.now() + dt.timedelta(minutes=5))
    assert jobs.ledger_imports_recover() == {"requeued": 0, "failed": 0}
    job.refresh_from_db()
    assert job.state == ImportState.RUNNING and _task_rows(job).get().status == TaskResultStatus.RUNNING


def test_a_queued_job_whose_worker_died_before_claiming_it_is_queued_again(
        transactional_db, world, django_capture_on_commit_callbacks):
    job = _queued(world, django_capture_on_commit_callbacks)
    task = _task_rows(job).get()
    task.claim("worker-that-died")  # took the task, died before it claimed the job
    long_ago = timezone.now() - dt.timedelta(hours=1)
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=long_ago)
    LedgerImport.objects.filter(pk=job.pk).update(lease_until=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.ledger_imports_recover() == {"requeued": 1, "failed": 0}
    assert _task_rows(job).get(pk=task.pk).status == TaskResultStatus.FAILED
    _run_the_worker()
    job.refresh_from_db()
    assert job.state == ImportState.DONE and job.attempts == 1


def test_a_queued_job_waiting_its_turn_is_not_queued_twice(world, django_capture_on_commit_callbacks):
    job = _queued(world, django_capture_on_commit_callbacks)
    LedgerImport.objects.filter(pk=job.pk).update(lease_until=timezone.now() - dt.timedelta(hours=1))
    assert jobs.ledger_imports_recover() == {"requeued": 0, "failed": 0}
    assert _task_rows(job).count() == 1
    job.refresh_from_db()
    assert job.lease_until > timezone.now()  # looked at again after another lease
