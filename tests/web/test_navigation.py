"""The left navigation: the entries each role sees, in menu order; the one the user is on; the badge.

The entries come from the apps (each registers its own in ``AppConfig.ready``); the page shows them as
one menu, so these tests read the rendered page.
"""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from rectify.accounts.models import Role
from rectify.core import navigation
from rectify.core.navigation import NavItem
from rectify.rectification import services

NAV_LINK = re.compile(r'<a class="nav-link( is-active)?" href="([^"]*)"[^>]*>\s*<span class="nav-label">([^<]*)</span>'
                      r'\s*(?:<span class="badge"[^>]*>([^<]*)</span>)?')


def entries(c: Client, url: str) -> list[tuple[str, str]]:
    """(label, href) of every entry, in order."""
    return [(label, href) for _active, href, label, _badge in _links(c, url)]


def active(c: Client, url: str) -> list[str]:
    return [label for is_active, _href, label, _badge in _links(c, url) if is_active]


def badges(c: Client, url: str) -> dict[str, str]:
    return {label: badge for _active, _href, label, badge in _links(c, url) if badge}


def _links(c: Client, url: str) -> list[tuple[str, str, str, str]]:
    response = c.get(url)
    assert response.status_code == 200, url
    nav = re.search(r'<nav class="sidenav".*?</nav>', response.content.decode(), re.S).group(0)
    return NAV_LINK.findall(nav)


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


HOME, ROUNDS, LEDGER, CLUES, CLOSE_OUTS = ("工作台", "/"), ("巡视轮次", "/rounds/"), ("整改台账", "/ledger/"), \
    ("问题线索", "/clues/"), ("销号审核", "/close-outs/")
ORGS = ("系统管理", "/orgs/")
ACCOUNTABILITY = ("问责", "/accountability/")
DECIDE_CHANGES, MY_CHANGES = ("变更审批", "/change-requests/"), ("变更申请", "/change-requests/")
ORDERS = ("督办", "/supervision/orders/")
INTERVIEWS, RED_FLAGS = ("约谈", "/interviews/"), ("红旗预警", "/red-flags/")
STATS, ATTENTION = ("统计分析", "/stats/"), ("逾期与黄灯任务", "/attention/")
CASES, TRAINING = ("案例库", "/cases/library/"), ("培训", "/cases/training/")
INBOX, NOTIFY_SETTINGS = ("通知", "/notifications/"), ("通知设置", "/notifications/settings/")


@pytest.mark.parametrize(("role", "expected"), [
    (Role.COMMISSION, [HOME, ROUNDS, LEDGER, CLUES, CLOSE_OUTS, DECIDE_CHANGES, ORDERS, INTERVIEWS, RED_FLAGS, STATS,
                       ATTENTION, ACCOUNTABILITY, CASES, TRAINING, INBOX, NOTIFY_SETTINGS, ORGS]),
    (Role.INSPECTION_OFFICE, [HOME, ROUNDS, LEDGER, CLOSE_OUTS, DECIDE_CHANGES, ORDERS, INTERVIEWS, RED_FLAGS, STATS,
                              ATTENTION, CASES, TRAINING, INBOX, NOTIFY_SETTINGS, ORGS]),
    (Role.UNIT_LEAD, [HOME, ROUNDS, LEDGER, MY_CHANGES, ORDERS, STATS, ATTENTION, CASES, TRAINING, INBOX,
                      NOTIFY_SETTINGS, ("系统管理", "/orgs/EDU/")]),
    (Role.UNIT_MEMBER, [HOME, ROUNDS, LEDGER, ORDERS, STATS, ATTENTION, CASES, TRAINING, INBOX, NOTIFY_SETTINGS]),
    (Role.LEADER, [HOME, ROUNDS, LEDGER, ORDERS, STATS, ATTENTION, CASES, TRAINING, INBOX, NOTIFY_SETTINGS, ORGS]),
    (Role.ADMIN, [HOME, ROUNDS, LEDGER, ORDERS, STATS, ATTENTION, CASES, TRAINING, INBOX, NOTIFY_SETTINGS, ORGS]),
])
def test_each_role_sees_its_entries_in_menu_order(world, role, expected):
    assert entries(client_for(world[role]), reverse("core:home")) == expected


def test_the_entry_of_the_page_the_user_is_on_is_marked(world):
    c = client_for(world[Role.COMMISSION])
    assert active(c, reverse("core:home")) == ["工作台"]
    assert active(c, reverse("inspections:round_detail", args=[world.round.code])) == ["巡视轮次"]
    assert active(c, reverse("inspections:round_units", args=[world.round.code])) == ["巡视轮次"]
    assert active(c, reverse("rectification:ledger", args=[world.round.code, world.unit_a.code])) == ["整改台账"]
    assert active(c, reverse("rectification:task_detail", args=[world.task_a.pk])) == ["整改台账"]
    assert active(c, reverse("ledger:import_start")) == ["整改台账"]
    assert active(c, reverse("inspections:clue_list")) == ["问题线索"]
    assert active(c, reverse("rectification:review_queue")) == ["销号审核"]
    assert active(c, reverse("orgs:tree")) == ["系统管理"]
    assert active(c, reverse("cases:library")) == ["案例库"]
    assert active(c, reverse("cases:upload")) == ["案例库"]
    assert active(c, reverse("cases:training")) == ["培训"]
    assert active(c, reverse("accountability:catalogue")) == ["问责"]
    assert active(c, reverse("reports:round", args=[world.round.code])) == ["统计分析"]
    assert active(c, reverse("reports:cycles", args=[world.round.code])) == ["统计分析"]
    assert active(c, reverse("reports:tasks")) == ["逾期与黄灯任务"]
    assert active(c, reverse("notifications:inbox")) == ["通知"]
    assert active(c, reverse("notifications:settings")) == ["通知设置"]
    assert active(c, reverse("notifications:ladder", args=[world.round.code])) == ["通知设置"]


def test_reviewers_see_how_many_close_outs_wait(world):
    office = client_for(world[Role.INSPECTION_OFFICE])
    assert badges(office, reverse("core:home")) == {}
    services.evidence_upload(actor=world[Role.UNIT_MEMBER], task_id=world.task_a.pk,
                             file=io.BytesIO(b"%PDF-1.4 proof"), name="凭证.pdf")
    services.close_out_submit(actor=world[Role.UNIT_LEAD], task_id=world.task_a.pk)
    assert badges(office, reverse("core:home")) == {"销号审核": "1"}
    assert badges(client_for(world[Role.UNIT_LEAD]), reverse("core:home")) == {}


def test_reviewers_see_how_many_change_requests_wait(world):
    from rectify.rectification import plan_services
    from rectify.rectification.models import RectificationPlan

    RectificationPlan.objects.create(inspected_unit=world.iu_a, state="approved", version=3)
    plan_services.change_request_create(actor=world[Role.UNIT_LEAD], task_id=world.task_a.pk, reason="当事人已调离",
                                        due_date=world.task_a.due_date.replace(day=30))
    assert badges(client_for(world[Role.COMMISSION]), reverse("core:home")) == {"变更审批": "1"}
    assert badges(client_for(world[Role.UNIT_LEAD]), reverse("core:home")) == {}


@pytest.fixture
def registered():
    """Register a provider for the length of a test, as a later app's ``ready()`` would."""
    added = []

    def register(order, provider):
        added.append(navigation.register(order, provider))

    yield register
    for provider in added:
        navigation.unregister(provider)


def test_an_app_adds_its_entry_at_its_place_in_the_menu(world, registered):
    def talks(request):
        return [NavItem("专项检查", "/checks/", match=("/checks/",), badge=3)] if request.user.sees_all_units else []

    registered(450, talks)  # after 销号审核 (400) and 变更审批 (420), before 督办 (500), 约谈 (520) and 系统管理 (1000)
    office = client_for(world[Role.INSPECTION_OFFICE])
    assert entries(office, reverse("core:home")) == [HOME, ROUNDS, LEDGER, CLOSE_OUTS, DECIDE_CHANGES,
                                                     ("专项检查", "/checks/"), ORDERS, INTERVIEWS, RED_FLAGS, STATS,
                                                     ATTENTION, CASES, TRAINING, INBOX, NOTIFY_SETTINGS, ORGS]
    assert badges(office, reverse("core:home"))["专项检查"] == "3"
    assert ("专项检查", "/checks/") not in entries(client_for(world[Role.UNIT_MEMBER]), reverse("core:home"))
