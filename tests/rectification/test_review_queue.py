"""Issue 10 §5: a review queue that supports a real review — filters by round and unit, how long each application
has waited (with the reviewers' own warning), newest or longest waiting first, approval only from the task page
with the evidence opened or explicitly confirmed, and rule 6's paper-rectification prompt (scenario 3)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse

from rectify.accounts.models import Role
from rectify.core import clock
from rectify.rectification import services
from rectify.rectification.models import CloseOut, CloseOutState, Task, TaskStatus
from rectify.rectification.review_rules import is_paper_only
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clue_concluded(world):  # type: ignore[no-untyped-def]
    """These tests approve close-outs of problem A: its clue has its concluding result (a clue still being handled
    holds approval back — tests/rectification/test_clue_results.py)."""
    factories.conclude(world.clue_a)


def upload(world, name: str, task=None, description: str = "") -> None:  # type: ignore[no-untyped-def]
    services.evidence_upload(actor=world[Role.UNIT_MEMBER], task_id=(task or world.task_a).pk,
                             file=io.BytesIO(b"%PDF-1.4 " + name.encode()), name=name, description=description)


def submit(world, task=None, at: dt.datetime | None = None) -> CloseOut:  # type: ignore[no-untyped-def]
    task = task or world.task_a
    lead = world[Role.UNIT_LEAD] if task.problem.inspected_unit_id == world.iu_a.pk else world["unit_lead_b"]
    with clock.frozen(at or dt.datetime(2026, 6, 1, 2, tzinfo=dt.UTC)):
        return services.close_out_submit(actor=lead, task_id=task.pk, no_evidence_reason="材料线下报送")


def login(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client


def test_filters_order_and_days_waiting(world, client, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    a = submit(world, at=dt.datetime(2026, 9, 29, 2, tzinfo=dt.UTC))  # before the National Day holidays
    b = submit(world, task=world.task_b, at=dt.datetime(2026, 10, 9, 2, tzinfo=dt.UTC))
    login(client, world[Role.INSPECTION_OFFICE])
    url = reverse("rectification:review_queue")
    with clock.frozen(dt.date(2026, 10, 12)):
        with django_assert_max_num_queries(12):
            page = client.get(url).content.decode()
        assert page.index(f"close-out-{a.pk}") < page.index(f"close-out-{b.pk}")  # longest waiting first
        row_a = page[page.index(f"close-out-{a.pk}"):page.index(f"close-out-{b.pk}")]
        assert "13 天" in row_a and "5 个工作日" in row_a and "审核超时" in row_a  # 30 Sep, 8, 9, 10, 12 Oct
        newest = client.get(url, {"order": "newest"}).content.decode()
        assert newest.index(f"close-out-{b.pk}") < newest.index(f"close-out-{a.pk}")
        only_b = client.get(url, {"unit": world.unit_b.code}).content.decode()
        assert f"close-out-{b.pk}" in only_b and f"close-out-{a.pk}" not in only_b
        by_name = client.get(url, {"unit": "教育"}).content.decode()
        assert f"close-out-{a.pk}" in by_name and f"close-out-{b.pk}" not in by_name
        other_round = factories.inspection_round(code="R-OTHER")
        assert f"close-out-{a.pk}" not in client.get(url, {"round": other_round.code}).content.decode()
        assert f"close-out-{a.pk}" in client.get(url, {"round": world.round.code}).content.decode()
    assert 'action="/close-outs/' not in page  # no approval from the list


def test_query_count_does_not_grow_with_the_queue(world, client, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for n in range(15):
        prob = factories.problem(iu=world.iu_a)
        task = factories.task(prob=prob)
        submit(world, task=task, at=dt.datetime(2026, 6, 1 + n, 2, tzinfo=dt.UTC))
    login(client, world[Role.COMMISSION])
    with django_assert_max_num_queries(12):
        assert client.get(reverse("rectification:review_queue")).status_code == 200


def test_approval_on_the_page_needs_the_evidence_opened_or_confirmed(world, client) -> None:  # type: ignore[no-untyped-def]
    upload(world, "清退资金银行回单.pdf")
    close_out = services.close_out_submit(actor=world[Role.UNIT_LEAD], task_id=world.task_a.pk, note="已清退")
    login(client, world[Role.INSPECTION_OFFICE])
    approve = reverse("rectification:close_out_approve", args=[close_out.pk])
    client.post(approve, {"comment": "同意"})
    assert CloseOut.objects.get(pk=close_out.pk).state == CloseOutState.PENDING
    evidence = close_out.evidence.get()
    assert client.get(reverse("rectification:evidence_download", args=[evidence.pk])).status_code == 200
    client.post(approve, {"comment": "同意"})
    assert CloseOut.objects.get(pk=close_out.pk).state == CloseOutState.APPROVED


def test_an_explicit_confirmation_is_enough(world, client) -> None:  # type: ignore[no-untyped-def]
    close_out = submit(world)  # no evidence, a reason instead
    login(client, world[Role.COMMISSION])
    client.post(reverse("rectification:close_out_approve", args=[close_out.pk]), {"confirm_evidence": "on"})
    assert CloseOut.objects.get(pk=close_out.pk).state == CloseOutState.APPROVED


def test_the_api_keeps_accepting_an_empty_body(world, client) -> None:  # type: ignore[no-untyped-def]
    upload(world, "关于印发津贴补贴管理办法的通知.pdf")
    close_out = services.close_out_submit(actor=world[Role.UNIT_LEAD], task_id=world.task_a.pk)
    from rectify.accounts.services import api_token_create

    token = api_token_create(actor=None, user=world[Role.INSPECTION_OFFICE], name="test")
    response = client.post(f"/api/v1/close-outs/{close_out.pk}/approve", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response.json()["state"] == "approved"


@pytest.mark.parametrize(("names", "paper"), [
    (["关于印发《津贴补贴管理办法》的通知.pdf"], True),
    (["关于召开专题民主生活会的会议通知.docx", "财务管理制度（试行）.pdf"], True),
    (["津贴补贴管理办法.pdf", "清退资金银行回单.pdf"], False),
    (["整改落实情况台账.xlsx"], False),
    (["现场照片.jpg"], False),
])
def test_what_counts_as_paper_only(names, paper) -> None:  # type: ignore[no-untyped-def]
    from rectify.rectification.models import Evidence

    assert is_paper_only([Evidence(original_name=n, description="") for n in names]) is paper


def test_scenario_3_paper_rectification_returned_then_approved_with_proof(world, client) -> None:  # type: ignore[no-untyped-def]
    upload(world, "关于印发《津贴补贴发放管理办法》的通知.pdf")
    first = services.close_out_submit(actor=world[Role.UNIT_LEAD], task_id=world.task_a.pk, note="已建立制度")
    office = login(client, world[Role.INSPECTION_OFFICE])
    task_page = reverse("rectification:task_detail", args=[world.task_a.pk])
    assert "形式整改" in office.get(task_page).content.decode()
    approve = reverse("rectification:close_out_approve", args=[first.pk])
    office.post(approve, {"confirm_evidence": "on"})  # no answer to the prompt
    assert CloseOut.objects.get(pk=first.pk).state == CloseOutState.PENDING
    response = office.post(approve, {"confirm_evidence": "on", "execution_proven": "no"}, follow=True)
    assert "执行情况未得到证明" in response.content.decode()
    assert CloseOut.objects.get(pk=first.pk).state == CloseOutState.PENDING
    office.post(reverse("rectification:close_out_return", args=[first.pk]),
                {"reason": "只有新制度文件，未见执行情况", "execution_proven": "no"})
    returned = CloseOut.objects.get(pk=first.pk)
    assert returned.state == CloseOutState.RETURNED and returned.execution_proven is False
    # Execution proof added: no prompt any more, approved by someone other than the applicant.
    upload(world, "津贴补贴清退资金银行回单.pdf")
    second = services.close_out_submit(actor=world[Role.UNIT_LEAD], task_id=world.task_a.pk, note="已补充执行证明")
    assert "形式整改" not in office.get(task_page).content.decode()
    office.post(reverse("rectification:close_out_approve", args=[second.pk]), {"confirm_evidence": "on"})
    assert Task.objects.get(pk=world.task_a.pk).status == TaskStatus.CLOSED
    assert [c.state for c in CloseOut.objects.filter(task=world.task_a).order_by("pk")] == ["returned", "approved"]


def test_the_applicant_still_cannot_approve(world, client) -> None:  # type: ignore[no-untyped-def]
    close_out = submit(world)
    CloseOut.objects.filter(pk=close_out.pk).update(submitted_by=world[Role.INSPECTION_OFFICE])
    login(client, world[Role.INSPECTION_OFFICE])
    response = client.post(reverse("rectification:close_out_approve", args=[close_out.pk]),
                           {"confirm_evidence": "on"}, follow=True)
    assert "不能审核本人提交的销号申请" in response.content.decode()
    assert CloseOut.objects.get(pk=close_out.pk).state == CloseOutState.PENDING
