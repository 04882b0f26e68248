"""Supervision orders (督办单): issued to one or several units about named tasks, answered by the addressed unit,
escalated when unanswered past the deadline (computed when read), and printed as an official Word letter."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from rectify.accounts.models import Role
from rectify.audit.models import AuditEvent
from rectify.core import clock
from rectify.core.errors import DomainError, NotFound, PermissionDenied
from rectify.rectification.models import Evidence
from rectify.supervision import letter, order_selectors, order_services
from rectify.supervision.models import OrderResponse, SupervisionOrder

ISSUED = dt.date(2026, 6, 1)
RESPOND_BY = dt.date(2026, 6, 10)


def issue(world, *, units=("EDU",), tasks=None, kind="order", respond_by=RESPOND_BY, actor=Role.INSPECTION_OFFICE):
    return order_services.order_issue(
        actor=world[actor], round_code=world.round.code, unit_codes=list(units), kind=kind,
        text="你单位违规发放津贴补贴问题整改进度滞后，请加快整改。",
        respond_by=respond_by, task_ids=[world.task_a.pk] if tasks is None else tasks)


def state_of(world, order, role=Role.INSPECTION_OFFICE):
    return order_selectors.order_get_for(user=world[role], order_id=order.pk).state


@pytest.fixture
def on_issue_day(frozen_today):
    frozen_today(ISSUED)


def test_an_order_names_tasks_and_gets_a_document_number(world, on_issue_day):
    [order] = issue(world)
    assert order.number == "巡整督〔2026〕1号"
    assert list(order.tasks.values_list("pk", flat=True)) == [world.task_a.pk]
    assert order.issuer == "inspection_office"
    [second] = issue(world, actor=Role.COMMISSION)
    assert second.number == "巡整督〔2026〕2号" and second.issuer == "commission"
    [letter_] = issue(world, kind="reminder")
    assert letter_.number == "巡整提〔2026〕1号"  # each kind numbers its own letters
    assert AuditEvent.objects.filter(action="supervision_order.issued").count() == 3


def test_one_order_to_several_units_shares_the_number_and_each_names_its_own_tasks(world, on_issue_day):
    orders = issue(world, units=("EDU", "FIN"), tasks=[world.task_a.pk, world.task_b.pk])
    assert [o.inspected_unit.unit.code for o in orders] == ["EDU", "FIN"]
    assert {o.number for o in orders} == {"巡整督〔2026〕1号"}
    assert [list(o.tasks.values_list("pk", flat=True)) for o in orders] == [[world.task_a.pk], [world.task_b.pk]]
    assert len(order_selectors.batch_of(orders[1])) == 2
    [next_] = issue(world)
    assert next_.number == "巡整督〔2026〕2号"


def test_the_state_follows_today_answered_due_soon_waiting_overdue(world, frozen_today):
    frozen_today(ISSUED)
    [order] = issue(world)
    assert state_of(world, order) == "waiting"
    frozen_today(RESPOND_BY - dt.timedelta(days=3))
    assert state_of(world, order) == "due_soon"
    frozen_today(RESPOND_BY)
    assert state_of(world, order) == "due_soon"  # due today is not yet overdue
    frozen_today(RESPOND_BY + dt.timedelta(days=1))
    assert state_of(world, order) == "overdue"
    assert [o.pk for o in order_selectors.overdue_orders_for(user=world[Role.COMMISSION])] == [order.pk]
    order_services.order_respond(actor=world[Role.UNIT_LEAD], order_id=order.pk, text="已清退全部违规发放资金。")
    assert state_of(world, order) == "answered"  # a late answer ends the escalation
    assert not order_selectors.overdue_orders_for(user=world[Role.COMMISSION]).exists()
    event = AuditEvent.objects.filter(action="supervision_order.answered").get()
    assert event.after["late"] is True


def test_an_escalated_order_is_passed_on_to_the_next_level_once(world, frozen_today):
    frozen_today(ISSUED)
    [late] = issue(world)
    [answered] = issue(world)
    [later] = issue(world, respond_by=dt.date(2026, 7, 1))
    order_services.order_respond(actor=world[Role.UNIT_LEAD], order_id=answered.pk, text="已完成。")
    frozen_today(dt.date(2026, 6, 20))
    assert [o.pk for o in order_selectors.orders_needing_notice()] == [late.pk]
    assert order_services.order_escalation_noticed(order_id=late.pk) is True
    assert order_services.order_escalation_noticed(order_id=late.pk) is False  # a second sweep claims nothing
    assert order_services.order_escalation_noticed(order_id=later.pk) is False  # not overdue yet
    assert not order_selectors.orders_needing_notice().exists()
    assert AuditEvent.objects.filter(action="supervision_order.escalated").count() == 1


def test_only_the_office_or_the_commission_issues(world, on_issue_day):
    for role in (Role.UNIT_LEAD, Role.UNIT_MEMBER, Role.LEADER, Role.ADMIN):
        with pytest.raises(PermissionDenied):
            issue(world, actor=role)
    assert not SupervisionOrder.objects.exists()


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"respond_by": ISSUED - dt.timedelta(days=1)}, "respond_by"),
    ({"respond_by": None}, "respond_by"),
    ({"units": ()}, "units"),
    ({"kind": "memo"}, "kind"),
])
def test_bad_orders_are_refused_with_the_field_named(world, on_issue_day, kwargs, field):
    with pytest.raises(DomainError) as error:
        issue(world, **kwargs)
    assert error.value.details["field"] == field
    assert not SupervisionOrder.objects.exists()


def test_an_order_names_only_tasks_of_its_units(world, on_issue_day):
    with pytest.raises(DomainError) as error:
        issue(world, tasks=[world.task_b.pk])
    assert error.value.code == "task_other_unit"
    assert not SupervisionOrder.objects.exists()


def test_only_the_addressed_unit_answers(world, on_issue_day):
    [order] = issue(world)
    with pytest.raises(NotFound):
        order_services.order_respond(actor=world["unit_lead_b"], order_id=order.pk, text="不是本单位的")
    for role in (Role.COMMISSION, Role.INSPECTION_OFFICE, Role.LEADER):
        with pytest.raises(PermissionDenied):
            order_services.order_respond(actor=world[role], order_id=order.pk, text="代为回复")
    with pytest.raises(NotFound):  # another unit does not even see it
        order_selectors.order_get_for(user=world["unit_lead_b"], order_id=order.pk)
    assert not order_selectors.order_list_for(user=world["unit_lead_b"]).exists()
    response = order_services.order_respond(actor=world[Role.UNIT_MEMBER], order_id=order.pk, text="已部署整改。")
    assert response.responded_by_name == "member_a"


def test_evidence_sent_with_an_answer_lands_on_the_task_after_the_same_checks(world, on_issue_day):
    [order] = issue(world)
    good = order_services.EvidenceFile(task_id=world.task_a.pk, file=io.BytesIO("清退资金凭证".encode()), name="清退凭证.txt")
    response = order_services.order_respond(actor=world[Role.UNIT_LEAD], order_id=order.pk, text="已清退。",
                                            files=[good])
    [evidence] = response.evidence.all()
    assert evidence.task_id == world.task_a.pk and evidence.original_name == "清退凭证.txt"
    exe = order_services.EvidenceFile(task_id=world.task_a.pk, file=io.BytesIO(b"MZ\x90\x00" + b"\x00" * 200),
                                      name="说明.exe")
    with pytest.raises(DomainError) as error:
        order_services.order_respond(actor=world[Role.UNIT_LEAD], order_id=order.pk, text="补充材料", files=[exe])
    assert "说明.exe" in error.value.message
    assert OrderResponse.objects.count() == 1 and Evidence.objects.count() == 1  # nothing half-written
    other = order_services.EvidenceFile(task_id=world.task_b.pk, file=io.BytesIO(b"x"), name="a.txt")
    with pytest.raises(DomainError) as error:
        order_services.order_respond(actor=world[Role.UNIT_LEAD], order_id=order.pk, text="补充", files=[other])
    assert error.value.code == "task_not_in_order"


def _document_text(data: bytes) -> tuple[list[str], docx.document.Document]:
    doc = docx.Document(io.BytesIO(data))
    return [p.text for p in doc.paragraphs], doc


def test_the_letter_is_in_official_layout_with_chinese_fonts(world, on_issue_day):
    [order] = issue(world, kind="admonition")
    order = order_selectors.order_get_for(user=world[Role.COMMISSION], order_id=order.pk)
    lines, doc = _document_text(letter.letter_document(order))
    assert lines[0] == "巡视工作领导小组办公室"
    assert "巡整诫〔2026〕1号" in lines
    assert "关于督促省教育厅抓好巡视整改的告诫函" in lines
    assert "省教育厅：" in lines
    assert any("违规发放津贴补贴问题整改进度滞后" in line for line in lines)
    assert any(line.startswith("1. 问题1 任务1.1：整改措施1") and "2026年7月31日" in line for line in lines)
    assert any("请于2026年6月10日前" in line for line in lines)
    assert lines[-2:] == ["巡视工作领导小组办公室", "2026年6月1日"]
    east_asia = doc.styles["Normal"].element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
    assert east_asia == "仿宋_GB2312"


# --- pages -----------------------------------------------------------------------------------------

def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_office_issues_to_several_units_from_the_page(world, on_issue_day):
    office = _client(world[Role.INSPECTION_OFFICE])
    url = reverse("supervision:order_new") + f"?round={world.round.code}"
    page = office.get(url)
    assert page.status_code == 200 and "省财政厅" in page.content.decode()
    bad = office.post(url, {"units": ["EDU", "FIN"], "kind": "order", "text": "请加快整改", "respond_by": "2026-05-01"})
    assert bad.status_code == 422 and "回复期限不能早于今天" in bad.content.decode()
    done = office.post(url, {"units": ["EDU", "FIN"], "kind": "notice", "text": "请按期报送整改方案",
                             "respond_by": "2026-06-15"})
    assert done.status_code == 302
    assert SupervisionOrder.objects.filter(kind="notice").count() == 2
    one = office.get(url + "&unit=EDU")
    assert "整改措施1" in one.content.decode()  # with one unit chosen, its tasks can be named
    assert _client(world[Role.UNIT_LEAD]).get(url).status_code == 403


def test_the_unit_answers_on_the_order_page_and_sees_it_answered(world, on_issue_day):
    [order] = issue(world)
    lead = _client(world[Role.UNIT_LEAD])
    url = reverse("supervision:order_detail", args=[order.pk])
    page = lead.get(url)
    assert page.status_code == 200 and "回复督办" in page.content.decode()
    empty = lead.post(url, {"text": ""})
    assert empty.status_code == 400 and "请填写回复内容" in empty.content.decode()
    upload = SimpleUploadedFile("整改台账.txt", "已清退".encode())
    done = lead.post(url, {"text": "已清退违规发放的津贴。", "task": str(world.task_a.pk), "file": upload})
    assert done.status_code == 302
    page = lead.get(url).content.decode()
    assert "已清退违规发放的津贴。" in page and "整改台账.txt" in page and "已回复" in page
    assert _client(world["unit_lead_b"]).get(url).status_code == 404
    assert _client(world[Role.COMMISSION]).post(url, {"text": "代为回复"}).status_code == 403


def test_the_list_filters_and_the_workbench_shows_escalated_orders(world, frozen_today, django_assert_max_num_queries):
    frozen_today(ISSUED)
    [late] = issue(world)
    for _ in range(5):
        issue(world, units=("EDU", "FIN"), tasks=[], respond_by=dt.date(2026, 8, 1))
    frozen_today(dt.date(2026, 6, 20))
    office = _client(world[Role.INSPECTION_OFFICE])
    overdue = office.get(reverse("supervision:order_list") + "?state=overdue").content.decode()
    assert late.number in overdue and "巡整督〔2026〕2号" not in overdue
    with django_assert_max_num_queries(14):
        page = office.get(reverse("supervision:order_list"))
    assert page.content.decode().count("逾期未回复") >= 1
    home = office.get(reverse("core:home")).content.decode()
    assert "逾期未回复的督办单" in home and late.number in home
    unit_home = _client(world[Role.UNIT_LEAD]).get(reverse("core:home")).content.decode()
    assert "待回复的督办单" in unit_home and "已逾期" in unit_home


def test_the_letter_downloads_for_whoever_sees_the_order(world, on_issue_day):
    [order] = issue(world)
    url = reverse("supervision:order_letter", args=[order.pk])
    response = _client(world[Role.UNIT_LEAD]).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    lines, _doc = _document_text(response.content)
    assert "巡整督〔2026〕1号" in lines
    assert _client(world["unit_lead_b"]).get(url).status_code == 404


def test_issue_time_is_the_system_clock(world, on_issue_day):
    [order] = issue(world)
    assert order.issued_at == clock.now() and order.issued_on == ISSUED
