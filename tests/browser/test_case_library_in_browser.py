"""The commission uploads the circulated articles several at once and watches each file's progress; a copy under
another name is recognised as a duplicate; a search in Chinese finds and marks the words; the case shows its
figures."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rectify.accounts.models import Role
from rectify.cases.models import CaseDocument
from tests.browser.test_close_out_in_browser import login
from tests.cases.conftest import seed_bytes  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser


def test_upload_several_articles_search_and_read_one(live_server, world, page, shots, tmp_path, seed_bytes):  # noqa: F811
    files = []
    for name, data in (("000.txt", seed_bytes["training"]), ("002.txt", seed_bytes["interview"]),
                       ("转发-约谈.html", seed_bytes["interview"])):
        path = tmp_path / name
        path.write_bytes(data)
        files.append(str(path))
    base = live_server.url
    login(page, base, world[Role.COMMISSION].username)
    page.goto(base + reverse("cases:library"))
    page.get_by_role("link", name="导入案例").click()
    page.locator("input[type=file]").set_input_files(files)
    page.get_by_role("button", name="导入").click()
    rows = page.locator("#upload-list li")
    rows.nth(2).get_by_text("重复，未再导入").wait_for()
    assert page.locator("#upload-progress .progress-text").inner_text() == "100%"
    assert rows.nth(0).get_by_text("已导入").is_visible() and rows.nth(1).get_by_text("已导入").is_visible()
    page.screenshot(path=str(shots / "cases-upload.png"), full_page=True)
    assert CaseDocument.objects.count() == 2

    page.goto(base + reverse("cases:library"))
    page.locator("input[name=q]").fill("瑞丽形式主义")
    page.get_by_role("button", name="检索").click()
    page.get_by_text("检索结果").wait_for()
    assert page.locator(".hit mark", has_text="形式主义").count() >= 1
    page.screenshot(path=str(shots / "cases-search.png"), full_page=True)
    page.get_by_role("link", name="中纪委：云南开展精准问责培训，瑞丽防疫不力成典型案例").click()
    page.locator("#facts").get_by_role("cell", name="近1400人", exact=True).wait_for()
    assert page.locator("#facts").get_by_role("cell", name="89人", exact=True).is_visible()
    page.screenshot(path=str(shots / "cases-document.png"), full_page=True)
