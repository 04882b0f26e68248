"""Exports too big for a request are written by the worker (issue 9 §4): the page follows the job to the
download, the API returns 202 and a URL to poll, only the requester sees the file, and a job whose worker died
is taken back like an import."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rectify.accounts.models import Role
from rectify.ledger import jobs
from rectify.ledger.models import ImportState, LedgerExport
from tests.api.conftest import api  # noqa: F401  (the fixture)


@pytest.fixture
def immediate_tasks(settings):  # type: ignore[no-untyped-def]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def big(settings):  # type: ignore[no-untyped-def]
    settings.RECTIFY_EXPORT_INLINE_TASKS = 0  # every export counts as big


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def test_a_big_export_goes_to_the_worker_and_the_page_leads_to_the_download(
        world, big, immediate_tasks, django_capture_on_commit_callbacks):
    c = client_for(world[Role.INSPECTION_OFFICE])
    with django_capture_on_commit_callbacks(execute=True):
        response = c.get(reverse("ledger:export") + f"?round={world.round.code}")
    job = LedgerExport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("ledger:export_job", args=[job.pk])
    job.refresh_from_db()
    assert (job.state, job.progress, job.filename) == (ImportState.DONE, 100, f"整改台账-{world.round.code}.xlsx")
    page = c.get(reverse("ledger:export_job", args=[job.pk])).content.decode()
    assert reverse("ledger:export_download", args=[job.pk]) in page
    download = c.get(reverse("ledger:export_download", args=[job.pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert "汇总" in workbook.sheetnames and len(workbook.sheetnames) == 3  # the summary and both units


def test_a_small_export_is_still_written_at_once(world):
    response = client_for(world[Role.UNIT_LEAD]).get(
        reverse("ledger:export") + f"?round={world.round.code}&unit={world.unit_a.code}")
    assert response.status_code == 200 and response.content[:2] == b"PK" and not LedgerExport.objects.exists()


def test_only_the_requester_downloads_and_scope_is_checked_first(world, big, immediate_tasks,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.ledger_export_start(actor=world[Role.COMMISSION], round_code=world.round.code)
    assert client_for(world[Role.INSPECTION_OFFICE]).get(reverse("ledger:export_download", args=[job.pk])).status_code == 404
    lead_b = client_for(world["unit_lead_b"])
    response = lead_b.get(reverse("ledger:export") + f"?round={world.round.code}&unit={world.unit_a.code}")
    assert response.status_code == 404 and LedgerExport.objects.count() == 1


def test_the_api_returns_a_job_to_poll_and_a_file_when_done(world, api, big, immediate_tasks,  # noqa: F811
                                                              django_capture_on_commit_callbacks):
    office = api(Role.INSPECTION_OFFICE)
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post_json("/ledger/exports", {"round": world.round.code, "unit": world.unit_a.code})
    assert response.status_code == 202
    state = office.get(response.json()["url"].removeprefix("/api/v1")).json()
    assert state["state"] == "done" and state["progress"] == 100
    file = office.get(state["download_url"].removeprefix("/api/v1"))
    assert file.status_code == 200 and b"".join(file.streaming_content)[:2] == b"PK"
    assert api("unit_lead_b").get(response.json()["url"].removeprefix("/api/v1")).status_code == 404
    assert office.post_json("/ledger/exports", {"round": "NO-SUCH"}).status_code == 404


def test_an_export_whose_worker_died_is_queued_again_then_failed(world, big, settings):
    settings.RECTIFY_JOB_MAX_ATTEMPTS = 2
    job = jobs.ledger_export_start(actor=world[Role.COMMISSION], round_code=world.round.code)
    past = timezone.now() - dt.timedelta(seconds=1)
    LedgerExport.objects.filter(pk=job.pk).update(state=ImportState.RUNNING, attempts=1, lease_until=past)
    assert jobs.ledger_jobs_recover()["requeued"] == 1
    assert LedgerExport.objects.get(pk=job.pk).state == ImportState.QUEUED
    LedgerExport.objects.filter(pk=job.pk).update(state=ImportState.RUNNING, attempts=2, lease_until=past)
    assert jobs.ledger_jobs_recover()["failed"] == 1
    failed = LedgerExport.objects.get(pk=job.pk)
    assert failed.state == ImportState.FAILED and failed.failure_code == "worker_lost" and "重新导出" in failed.failure
