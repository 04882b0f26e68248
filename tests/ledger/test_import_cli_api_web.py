"""The same import through the command line, the API and the web page (background job)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rectify import cli
from rectify.accounts.models import Role
from rectify.accounts.services import api_token_create
from rectify.inspections.models import Problem
from rectify.ledger.models import LedgerImport
from tests.ledger import fixtures

pytestmark = pytest.mark.usefixtures("feedback_2021")


@pytest.fixture
def ledger_file(tmp_path):
    path = tmp_path / "省教育厅整改台账.xlsx"
    path.write_bytes(fixtures.provincial_department_xlsx())
    return path


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_cli_dry_run_json_is_one_object_and_writes_nothing(world, ledger_file, capsys):
    code = cli.main(["import-ledger", str(ledger_file), "--round", world.round.code, "--unit", "EDU",
                     "--dry-run", "--json"])
    out = capsys.readouterr().out
    assert code == 0 and out.count("\n") == 1
    data = json.loads(out)
    assert set(data) >= {"problems", "tasks", "errors", "skipped_sheets"}
    assert data["problems"]["new"] + data["problems"]["changed"] == 3 and data["errors"] == []
    assert Problem.objects.filter(inspected_unit=world.iu_a).count() == 1


def test_cli_commit_then_errors_exit_non_zero(world, ledger_file, tmp_path, capsys):
    assert cli.main(["import-ledger", str(ledger_file), "--round", world.round.code, "--unit", "EDU"]) == 0
    assert Problem.objects.filter(inspected_unit=world.iu_a).count() == 3
    capsys.readouterr()
    bad = tmp_path / "错误台账.xlsx"
    bad.write_bytes(fixtures.mistakes_xlsx())
    code = cli.main(["import-ledger", str(bad), "--round", world.round.code, "--unit", "EDU", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 2 and len(data["errors"]) >= 8
    assert all({"sheet", "row", "column", "message"} == set(e) for e in data["errors"])


def test_cli_asks_for_the_password(world, tmp_path, capsys):
    locked = tmp_path / "加密台账.xlsx"
    locked.write_bytes(fixtures.encrypt_xlsx(fixtures.provincial_department_xlsx(), "mima"))
    code = cli.main(["import-ledger", str(locked), "--round", world.round.code, "--unit", "EDU", "--dry-run"])
    assert code == 2 and "--password" in capsys.readouterr().err
    assert cli.main(["import-ledger", str(locked), "--round", world.round.code, "--unit", "EDU", "--dry-run",
                     "--password", "mima"]) == 0


def _auth(world, role):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(actor=None, user=world[role])}"}


def test_api_import_dry_run_and_invalid_file(world, client):
    upload = SimpleUploadedFile("台账.xlsx", fixtures.provincial_department_xlsx())
    response = client.post("/api/v1/ledger/import", {"file": upload, "round": world.round.code, "unit": "EDU"},
                           **_auth(world, Role.INSPECTION_OFFICE))
    assert response.status_code == 200, response.content
    assert response.json()["committed"] is False
    bad = SimpleUploadedFile("错误.xlsx", fixtures.mistakes_xlsx())
    response = client.post("/api/v1/ledger/import", {"file": bad, "round": world.round.code, "unit": "EDU",
                                                     "dry_run": "false"}, **_auth(world, Role.INSPECTION_OFFICE))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "ledger_invalid" and body["details"]["errors"]
    garbage = SimpleUploadedFile("notes.docx", b"PK\x03\x04 not really")
    response = client.post("/api/v1/ledger/import", {"file": garbage, "round": world.round.code, "unit": "EDU"},
                           **_auth(world, Role.INSPECTION_OFFICE))
    assert response.status_code == 400 and response.json()["code"] == "ledger_file"


def test_api_unit_user_cannot_import_into_another_unit(world, client):
    upload = SimpleUploadedFile("台账.xlsx", fixtures.provincial_department_xlsx())
    response = client.post("/api/v1/ledger/import", {"file": upload, "round": world.round.code, "unit": "FIN"},
                           **_auth(world, Role.UNIT_LEAD))
    assert response.status_code == 404


def test_web_upload_dry_run_then_confirm(fresh_unit, client, immediate_tasks, django_capture_on_commit_callbacks):
    world = fresh_unit
    client.force_login(world[Role.INSPECTION_OFFICE])  # new fed-back problems: the office enters them
    upload = SimpleUploadedFile("省教育厅台账.xlsx", fixtures.provincial_department_xlsx())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ledger:import_start"), {"round_code": world.round.code,
                                                                "unit_code": "EDU", "file": upload})
    assert response.status_code == 302
    job = LedgerImport.objects.get()
    assert job.state == "done" and not job.committed and job.result["problems"]["new"] == 3
    page = client.get(response["Location"]).content.decode()
    assert "确认导入" in page and "差异明细" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ledger:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.committed
    assert Problem.objects.filter(inspected_unit=world.iu_a).count() == 3
    assert "已写入台账" in client.get(reverse("ledger:import_job", args=[job.pk])).content.decode()


def test_web_job_of_another_user_is_not_found(world, client, immediate_tasks, django_capture_on_commit_callbacks):
    client.force_login(world[Role.UNIT_LEAD])
    upload = SimpleUploadedFile("台账.xlsx", fixtures.provincial_department_xlsx())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ledger:import_start"), {"round_code": world.round.code, "unit_code": "EDU",
                                                     "file": upload})
    job = LedgerImport.objects.get()
    client.force_login(world["unit_lead_b"])
    assert client.get(reverse("ledger:import_job", args=[job.pk])).status_code == 404
    assert client.post(reverse("ledger:import_confirm", args=[job.pk])).status_code == 404


def test_web_errors_are_listed_and_confirm_is_refused(world, client, immediate_tasks,
                                                      django_capture_on_commit_callbacks):
    client.force_login(world[Role.INSPECTION_OFFICE])
    upload = SimpleUploadedFile("错误.xlsx", fixtures.mistakes_xlsx())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ledger:import_start"), {"round_code": world.round.code,
                                                                "unit_code": "EDU", "file": upload})
    page = client.get(response["Location"]).content.decode()
    assert "未写入任何数据" in page and "确认导入" not in page
    job = LedgerImport.objects.get()
    client.post(reverse("ledger:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert not job.committed and not job.commit_requested
