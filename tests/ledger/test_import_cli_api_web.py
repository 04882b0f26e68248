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


def _api_import(client, world, role, data, name="台账.xlsx", capture=None, **fields):  # type: ignore[no-untyped-def]
    """POST an import; the job runs when the request's transaction commits (immediate backend)."""
    form = {"file": SimpleUploadedFile(name, data), "round": world.round.code, "unit": "EDU", **fields}
    with capture(execute=True):
        return client.post("/api/v1/ledger/import", form, **_auth(world, role))


def _job(client, world, role, response):  # type: ignore[no-untyped-def]
    assert response.status_code == 202, response.content
    body = response.json()
    assert set(body) == {"job", "url"} and body["url"] == f"/api/v1/ledger/imports/{body['job']}"
    state = client.get(body["url"], **_auth(world, role))
    assert state.status_code == 200, state.content
    return state.json()


REPORT_KEYS = {"problems", "tasks", "errors", "skipped_sheets", "notices", "committed"}


def test_api_import_is_a_job_whose_report_is_the_import_report(fresh_unit, client, immediate_tasks,
                                                               django_capture_on_commit_callbacks):
    world = fresh_unit
    office = Role.INSPECTION_OFFICE
    dry = _job(client, world, office, _api_import(client, world, office, fixtures.provincial_department_xlsx(),
                                                  capture=django_capture_on_commit_callbacks))
    assert dry["state"] == "done" and dry["error"] is None
    assert set(dry["report"]) == REPORT_KEYS
    assert dry["report"]["committed"] is False and dry["report"]["problems"]["new"] == 3
    assert not Problem.objects.filter(inspected_unit=world.iu_a).exists()
    done = _job(client, world, office, _api_import(client, world, office, fixtures.provincial_department_xlsx(),
                                                   capture=django_capture_on_commit_callbacks, dry_run="false"))
    assert done["state"] == "done" and done["report"]["committed"] is True
    assert Problem.objects.filter(inspected_unit=world.iu_a).count() == 3


def test_api_import_with_errors_is_done_with_the_errors_listed_and_nothing_written(
        world, client, immediate_tasks, django_capture_on_commit_callbacks):
    office = Role.INSPECTION_OFFICE
    before = Problem.objects.count()
    job = _job(client, world, office, _api_import(client, world, office, fixtures.mistakes_xlsx(),
                                                  capture=django_capture_on_commit_callbacks, dry_run="false"))
    assert job["state"] == "done" and job["report"]["committed"] is False
    assert len(job["report"]["errors"]) >= 8
    assert all(set(e) == {"sheet", "row", "column", "message"} for e in job["report"]["errors"])
    assert Problem.objects.count() == before


def test_a_csv_with_an_absurd_number_is_a_row_error_of_the_api_job_not_a_server_error(
        fresh_unit, client, immediate_tasks, django_capture_on_commit_callbacks):
    world = fresh_unit
    rows = [["序号", "问题描述", "整改措施", "责任领导", "责任部门", "完成时限"],
            ["1", "问题甲", "措施甲", "王副厅长", "办公室", "2021年12月31日"],
            ["99999999999999999999", "问题乙", "措施乙", "王副厅长", "办公室", "2021年12月31日"]]
    office = Role.INSPECTION_OFFICE
    job = _job(client, world, office, _api_import(client, world, office, fixtures.csv_bytes("utf-8", rows),
                                                  name="台账.csv", capture=django_capture_on_commit_callbacks,
                                                  dry_run="false"))
    assert job["state"] == "done" and job["report"]["committed"] is False
    [error] = job["report"]["errors"]
    assert (error["row"], error["column"]) == (3, "A") and "纯数字序号最多6位" in error["message"]
    assert not Problem.objects.filter(inspected_unit=world.iu_a).exists()


def test_api_import_of_an_unreadable_file_fails_with_the_reason(world, client, immediate_tasks,
                                                                django_capture_on_commit_callbacks):
    office = Role.INSPECTION_OFFICE
    job = _job(client, world, office, _api_import(client, world, office, b"PK\x03\x04 not really",
                                                  name="notes.docx", capture=django_capture_on_commit_callbacks))
    assert job["state"] == "failed" and job["report"] is None
    assert job["error"]["code"] == "ledger_file" and "notes.docx" in job["error"]["message"]


def test_api_unit_user_cannot_import_into_another_unit(world, client):
    upload = SimpleUploadedFile("台账.xlsx", fixtures.provincial_department_xlsx())
    response = client.post("/api/v1/ledger/import", {"file": upload, "round": world.round.code, "unit": "FIN"},
                           **_auth(world, Role.UNIT_LEAD))
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert not LedgerImport.objects.exists()  # refused at once: no job


def test_an_api_job_is_read_by_its_creator_and_supervisors_only(world, client, immediate_tasks,
                                                                django_capture_on_commit_callbacks):
    response = _api_import(client, world, Role.UNIT_LEAD, fixtures.provincial_department_xlsx(),
                           capture=django_capture_on_commit_callbacks)
    url = response.json()["url"]
    assert client.get(url, **_auth(world, Role.UNIT_LEAD)).json()["state"] == "done"
    assert client.get(url, **_auth(world, Role.COMMISSION)).status_code == 200
    for other in ("unit_lead_b", Role.UNIT_MEMBER):
        denied = client.get(url, **_auth(world, other))
        assert denied.status_code == 404 and denied.json()["code"] == "not_found"
    assert client.get("/api/v1/ledger/imports/not-a-job", **_auth(world, Role.UNIT_LEAD)).status_code == 404


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
