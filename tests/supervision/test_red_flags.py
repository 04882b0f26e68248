"""False-rectification red flags (issue 11 §5): every kind planted in unit A is found with its reason and rows,
unit B's clean rectification raises none; supervisors only; dismissal needs a reason and is kept."""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.accounts.models import Role
from rectify.accounts.services import api_token_create
from rectify.core.errors import DomainError, PermissionDenied
from rectify.supervision import redflag_selectors, redflag_services
from rectify.supervision.models import EvidenceFileFacts, RedFlagDismissal
from tests import factories
from tests.api.conftest import ApiClient
from tests.supervision.redflag_fixtures import at, docx_bytes, evidence, pdf_bytes, plant

TODAY = dt.date(2026, 8, 10)


@pytest.fixture
def planted(world, frozen_today):  # type: ignore[no-untyped-def]
    frozen_today(TODAY)
    return plant(world)


@pytest.fixture
def client_for(world):  # type: ignore[no-untyped-def]
    def make(role: str) -> ApiClient:
        return ApiClient(api_token_create(actor=None, user=world[role], name="t"))
    return make


def _flags(client: ApiClient, **params: str) -> dict:
    response = client.get("/red-flags", {"round": "R-TEST", **params})
    assert response.status_code == 200, response.content
    return response.json()


def test_every_planted_flag_is_found_and_none_on_the_clean_unit(planted, client_for) -> None:
    body = _flags(client_for(Role.COMMISSION))
    by_kind: dict[str, list[dict]] = {}
    for item in body["items"]:
        by_kind.setdefault(item["kind"], []).append(item)
    assert body["count"] == len(body["items"])
    assert set(by_kind) == {"evidence_reused", "closed_without_progress", "last_minute_close_outs",
                            "reappeared_in_look_back", "evidence_predates_feedback", "approved_instantly"}
    assert {i["unit"] for i in body["items"]} == {"EDU"}  # unit B (FIN) rectified cleanly

    reused = by_kind["evidence_reused"][0]
    assert reused["task"] == planted.reused_task.pk
    assert sorted(reused["tasks"]) == sorted([planted.original_task.pk, planted.reused_task.pk])
    assert "党组会会议纪要" in reused["reason"] and len(reused["rows"]) == 2
    # the same unit's papers in two rounds: two places, one unit named, nothing left unnamed
    assert reused["reason"].endswith("涉及 2 个单位或轮次：省教育厅。"), reused["reason"]
    assert reused["tasks"] == [planted.original_task.pk, planted.reused_task.pk]  # in upload order

    [no_progress] = by_kind["closed_without_progress"]
    assert no_progress["task"] == planted.no_progress_task.pk and "没有任何整改进展" in no_progress["reason"]

    [late] = by_kind["last_minute_close_outs"]
    assert sorted(late["tasks"]) == sorted(t.pk for t in planted.late_tasks)
    assert all(r["submitted_at"].startswith("2026-07-30") for r in late["rows"])
    assert {(r["deadline"], r["deadline_kind"]) for r in late["rows"]} == {("2026-07-31", "due")}

    [back] = by_kind["reappeared_in_look_back"]
    assert back["task"] == planted.original_task.pk
    assert "R-TEST 问题 1" in back["reason"]

    predating = {i["task"]: i for i in by_kind["evidence_predates_feedback"]}
    docx_flag = predating[planted.predating_task.pk]
    assert docx_flag["rows"][0]["source"] == "metadata" and docx_flag["rows"][0]["made"].startswith("2026-03-02")
    # The reused minutes were first uploaded in 2024: by upload order they predate this feedback too.
    assert predating[planted.reused_task.pk]["rows"][0]["source"] == "upload_order"

    [instant] = by_kind["approved_instantly"]
    assert instant["task"] == planted.instant_task.pk and "同一分钟" in instant["reason"]


def test_the_earlier_round_lists_its_closed_task_that_came_back(planted, client_for) -> None:
    body = client_for(Role.INSPECTION_OFFICE).get("/red-flags", {"round": "R-ORIG"}).json()
    kinds = {i["kind"]: i for i in body["items"]}
    assert kinds["reappeared_in_look_back"]["task"] == planted.original_task.pk
    assert "evidence_reused" in kinds  # the same minutes, now also under the look-back


def test_filters_by_kind_and_unit_and_pages(planted, client_for) -> None:
    client = client_for(Role.COMMISSION)
    assert {i["kind"] for i in _flags(client, kind="approved_instantly")["items"]} == {"approved_instantly"}
    assert _flags(client, unit="FIN")["count"] == 0
    everything = _flags(client)
    page = _flags(client, limit="2", offset="1")
    assert page["count"] == everything["count"] and [i["key"] for i in page["items"]] == \
        [i["key"] for i in everything["items"][1:3]]
    assert client.get("/red-flags", {"round": "R-TEST", "kind": "nonsense"}).status_code == 400


@pytest.mark.parametrize("role", [Role.UNIT_LEAD, Role.UNIT_MEMBER, Role.LEADER, Role.ADMIN])
def test_only_supervisors_see_red_flags(planted, client_for, role) -> None:
    response = client_for(role).get("/red-flags", {"round": "R-TEST"})
    assert response.status_code == 403
    assert "红旗预警" not in response.json().get("items", "")


def test_unit_users_are_refused_by_the_selector_too(planted) -> None:
    with pytest.raises(PermissionDenied):
        redflag_selectors.red_flags_for(user=planted.world[Role.UNIT_LEAD], round_code="R-TEST")


def test_dismissal_needs_a_reason_and_is_kept_with_it(planted, client_for) -> None:
    client = client_for(Role.COMMISSION)
    key = _flags(client, kind="approved_instantly")["items"][0]["key"]
    refused = client.post_json("/red-flags/dismissals", {"round": "R-TEST", "key": key, "reason": "  "})
    assert refused.status_code == 400 and refused.json()["code"] == "reason_required"
    ok = client.post_json("/red-flags/dismissals", {"round": "R-TEST", "key": key,
                                                    "reason": "经核实系补录历史审核记录，审核实际在线下完成。"})
    assert ok.status_code == 201, ok.content
    assert key not in [i["key"] for i in _flags(client)["items"]]
    [dismissed] = _flags(client, state="dismissed")["items"]
    assert dismissed["key"] == key and dismissed["dismissal"]["reason"].startswith("经核实")
    again = client.post_json("/red-flags/dismissals", {"round": "R-TEST", "key": key, "reason": "重复"})
    assert again.status_code == 409
    unknown = client.post_json("/red-flags/dismissals", {"round": "R-TEST", "key": "approved_instantly:999999",
                                                         "reason": "无"})
    assert unknown.status_code == 404
    assert RedFlagDismissal.objects.count() == 1
    assert client_for(Role.UNIT_LEAD).post_json("/red-flags/dismissals", {
        "round": "R-TEST", "key": key, "reason": "x"}).status_code == 403


def test_dismissing_through_the_service_refuses_a_blank_reason(planted) -> None:
    _rnd, flags = redflag_selectors.red_flags_for(user=planted.world[Role.COMMISSION], round_code="R-TEST")
    with pytest.raises(DomainError):
        redflag_services.red_flag_dismiss(actor=planted.world[Role.COMMISSION], round_code="R-TEST",
                                          key=flags[0].key, reason="")


def test_metadata_dates_are_read_once_per_content(planted, client_for) -> None:
    _flags(client_for(Role.COMMISSION))
    facts = {f.source for f in EvidenceFileFacts.objects.all()}
    assert "ooxml" in facts
    count = EvidenceFileFacts.objects.count()
    _flags(client_for(Role.INSPECTION_OFFICE))
    assert EvidenceFileFacts.objects.count() == count


def test_file_created_reads_pdf_and_docx_dates() -> None:
    import io

    created, source = redflag_services.file_created(
        "a.pdf", io.BytesIO(b"%PDF-1.4\n1 0 obj << /CreationDate (D:20250102030405+08'00') >> endobj\n%%EOF"))
    assert source == "pdf" and created == dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    when = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC)
    created, source = redflag_services.file_created("b.docx", io.BytesIO(docx_bytes(when, "x")))
    assert source == "ooxml" and created == when
    assert redflag_services.file_created("c.txt", io.BytesIO("文本".encode())) == (None, "")


def test_query_count_does_not_grow_with_the_round(planted, django_assert_max_num_queries) -> None:
    user = planted.world[Role.COMMISSION]
    with django_assert_max_num_queries(14):
        _rnd, before = redflag_selectors.red_flags_for(user=user, round_code="R-TEST", state="all")
    for i in range(8):  # more of everything: closed tasks without progress in a new unit
        unit = factories.org_unit(name=f"省单位{i}", parent=planted.world.unit_a.parent)
        iu = factories.inspected_unit(rnd=planted.world.round, unit=unit)
        factories.task(prob=factories.problem(iu=iu), status="closed")
    with django_assert_max_num_queries(14):
        _rnd, after = redflag_selectors.red_flags_for(user=user, round_code="R-TEST", state="all")
    assert len(after) == len(before) + 8


def test_the_page_lists_flags_for_supervisors_and_is_missing_for_units(planted, client) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import PASSWORD

    client.login(username="commission", password=PASSWORD)
    page = client.get("/red-flags/", {"round": "R-TEST"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "无整改进展即销号" in html and "同一分钟" in html and "红旗预警" in html
    key = next(f.key for f in redflag_selectors.red_flags_for(user=planted.world[Role.COMMISSION],
                                                              round_code="R-TEST")[1])
    assert client.post("/red-flags/dismiss/", {"round": "R-TEST", "key": key, "reason": ""}).status_code == 302
    assert not RedFlagDismissal.objects.exists()
    client.post("/red-flags/dismiss/", {"round": "R-TEST", "key": key, "reason": "已核实，属正常情况。"})
    assert RedFlagDismissal.objects.get().reason == "已核实，属正常情况。"
    client.logout()
    client.login(username="lead_a", password=PASSWORD)
    assert client.get("/red-flags/", {"round": "R-TEST"}).status_code == 404
    assert "红旗预警" not in client.get("/").content.decode()


def test_a_file_shared_by_many_units_is_one_flag_that_counts_every_task(planted, client_for, client) -> None:  # type: ignore[no-untyped-def]
    """The same circular attached by 25 units: one flag; the page lists the first rows and says how many it
    left out, the API lists every task and counts every row."""
    from tests.factories import PASSWORD

    w, shown = planted.world, redflag_selectors.ROWS_SHOWN
    content, tasks = pdf_bytes("全省统一转发的整改通知"), []
    for i in range(shown + 5):
        unit = factories.org_unit(name=f"第{i}县", parent=w.unit_a.parent)
        t = factories.task(prob=factories.problem(iu=factories.inspected_unit(rnd=w.round, unit=unit)))
        evidence(t, content, "转发通知.pdf", at(dt.date(2026, 7, 1), minute=i), w["unit_lead"])
        tasks.append(t)
    body = _flags(client_for(Role.COMMISSION), kind="evidence_reused")
    [flag] = [i for i in body["items"] if "转发通知.pdf" in i["reason"]]
    assert flag["task"] == tasks[0].pk and sorted(flag["tasks"]) == sorted(t.pk for t in tasks)
    assert flag["task_count"] == shown + 5 and flag["row_count"] == shown + 5
    assert [r["task"] for r in flag["rows"]] == [t.pk for t in tasks[:shown]]  # the earliest uploads
    assert f"作为 {shown + 5} 项任务的佐证材料，涉及 {shown + 5} 个单位或轮次：第0县、第1县" in flag["reason"]
    assert flag["reason"].endswith("第9县等。")  # ten units named, then 等

    client.login(username="commission", password=PASSWORD)
    html = client.get("/red-flags/", {"round": "R-TEST", "kind": "evidence_reused"}).content.decode()
    assert f"{shown + 5} 项任务" in html and "另有 5 项任务未列出" in html and "另有 5 条记录未列出" in html
    assert html.count(f'href="/tasks/{tasks[shown].pk}/"') == 0 and f'href="/tasks/{tasks[0].pk}/"' in html


def test_a_round_late_to_a_widely_shared_file_still_lists_its_own_row(planted, client_for) -> None:  # type: ignore[no-untyped-def]
    """Twenty-two units of an earlier round used the file first; this round's task is the flag's task and its
    row is among the twenty listed."""
    w, shown = planted.world, redflag_selectors.ROWS_SHOWN
    earlier = factories.inspection_round(code="R-EARLY", start=dt.date(2025, 1, 1))
    content = pdf_bytes("年度通用工作制度汇编")
    for i in range(shown + 2):
        unit = factories.org_unit(name=f"早轮单位{i}", parent=w.unit_a.parent)
        t = factories.task(prob=factories.problem(iu=factories.inspected_unit(rnd=earlier, unit=unit)))
        evidence(t, content, "制度汇编.pdf", at(dt.date(2025, 3, 1), minute=i), w["unit_lead"])
    own = factories.task(prob=factories.problem(iu=w.iu_b))
    evidence(own, content, "制度汇编.pdf", at(dt.date(2026, 6, 1)), w["unit_lead_b"])
    [flag] = [i for i in _flags(client_for(Role.COMMISSION), kind="evidence_reused")["items"]
              if "制度汇编.pdf" in i["reason"]]
    assert flag["task"] == own.pk and flag["unit"] == "FIN"
    assert len(flag["rows"]) == shown and flag["rows"][-1]["task"] == own.pk and flag["row_count"] == shown + 3
    assert flag["tasks"][-1] == own.pk and len(flag["tasks"]) == shown + 3  # the API: every task, upload order
