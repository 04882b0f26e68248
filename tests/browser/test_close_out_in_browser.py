"""A unit lead submits a close-out with an evidence file; a reviewer approves; the ledger says 已销号."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from rectify.accounts.models import Role
from rectify.rectification.models import Task, TaskStatus
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def login(page, base: str, username: str) -> None:
    page.goto(base + reverse("accounts:login"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/$"))


def logout(page) -> None:
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(re.compile(r"/login/"))


def test_close_out_submitted_with_evidence_then_approved(live_server, world, page, shots, tmp_path):
    base = live_server.url
    evidence = tmp_path / "津贴补贴清退凭证.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% proof of refund\n")
    factories.conclude(world.clue_a)  # the problem's clue has its concluding result: approval is not held
    task_url = base + reverse("rectification:task_detail", args=[world.task_a.pk])

    login(page, base, world[Role.UNIT_LEAD].username)
    page.goto(task_url)
    page.locator("input[type=file][name=file]").set_input_files(str(evidence))
    page.get_by_role("button", name="上传佐证材料").click()
    page.get_by_text("佐证材料“津贴补贴清退凭证.pdf”已上传").wait_for()
    page.get_by_label("销号说明", exact=True).fill("违规发放的津贴补贴已全部清退，清退凭证已上传。")
    page.get_by_role("button", name="提交销号申请").click()
    page.get_by_text("销号申请已提交，等待审核").wait_for()
    page.screenshot(path=str(shots / "task-submitted.png"), full_page=True)
    assert Task.objects.get(pk=world.task_a.pk).status == TaskStatus.SUBMITTED
    logout(page)

    login(page, base, world[Role.INSPECTION_OFFICE].username)
    page.get_by_role("link", name=re.compile("销号审核")).click()
    row = page.locator("tr", has_text="违规发放的津贴补贴已全部清退")
    page.screenshot(path=str(shots / "review-queue.png"), full_page=True)
    assert row.get_by_role("button", name="通过").count() == 0  # no approval from the list (issue 10 §5)
    row.get_by_role("link", name="查阅材料并审核").click()
    page.get_by_role("button", name="审核通过，予以销号").click()  # evidence not opened, nothing confirmed
    page.get_by_text("请先打开查阅全部佐证材料").wait_for()
    with page.expect_download():
        page.get_by_role("link", name="津贴补贴清退凭证.pdf").click()
    page.reload()
    page.get_by_text("您已打开查阅本次申请的全部佐证材料").wait_for()
    page.get_by_role("button", name="审核通过，予以销号").click()
    page.get_by_text("予以销号").first.wait_for()

    page.goto(base + reverse("rectification:ledger", args=[world.round.code, world.unit_a.code]))
    task_row = page.locator("tbody.group tr", has_text=world.task_a.measure)
    assert task_row.locator("td.task-status").inner_text().strip() == "已销号"
    page.screenshot(path=str(shots / "ledger-closed.png"), full_page=True)
    assert Task.objects.get(pk=world.task_a.pk).status == TaskStatus.CLOSED
