"""The office has entered the feedback list; the unit lead uploads the unit's Excel ledger with the measures,
sees the diff, confirms, and the ledger shows the problems with their tasks."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from rectify.accounts.models import Role
from rectify.inspections.models import Problem
from rectify.ledger.services import ledger_import
from rectify.rectification.models import Task
from tests.browser.test_close_out_in_browser import login
from tests.ledger import fixtures

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("feedback_2021")]


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_upload_check_and_confirm_a_ledger(live_server, fresh_unit, page, shots, tmp_path, immediate_tasks):
    world = fresh_unit
    ledger_import(actor=world[Role.INSPECTION_OFFICE], data=fixtures.provincial_department_feedback_list_xlsx(),
                  filename="反馈问题清单.xlsx", round_code=world.round.code, unit_code="EDU", dry_run=False)
    ledger = tmp_path / "省教育厅巡视整改台账.xlsx"
    ledger.write_bytes(fixtures.provincial_department_xlsx())
    base = live_server.url
    login(page, base, world[Role.UNIT_LEAD].username)
    page.goto(base + reverse("rectification:ledger", args=[world.round.code, world.unit_a.code]))
    page.get_by_role("link", name="导入台账").click()
    page.locator("input[type=file]").set_input_files(str(ledger))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_url(re.compile(r"/imports/[0-9a-f-]+/$"))
    page.get_by_text("差异明细").wait_for()
    page.screenshot(path=str(shots / "import-diff.png"), full_page=True)
    assert not Task.objects.filter(problem__inspected_unit=world.iu_a).exists()  # nothing written by the check
    page.get_by_role("button", name="确认导入").click()
    page.get_by_text("已写入台账").wait_for()
    page.get_by_role("link", name=re.compile("整改台账$")).last.click()
    page.get_by_text("耕地保护责任落实不到位").wait_for()
    page.screenshot(path=str(shots / "ledger-after-import.png"), full_page=True)
    assert Problem.objects.filter(inspected_unit=world.iu_a).count() == 3
    assert Task.objects.filter(problem__inspected_unit=world.iu_a).count() == 6
