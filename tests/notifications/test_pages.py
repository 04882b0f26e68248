"""The inbox with its unread count in the top bar, marking read, 通知设置 (channels, the roster link, who receives
what), the group-robot page and a round's ladder page — each for the people allowed to use it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from rectify.accounts.models import Role
from rectify.core import clock
from rectify.notifications.models import LadderSettings, Notification, Preference, Webhook
from rectify.notifications.services import notify_run
from tests.notifications.conftest import FEEDBACK

pytestmark = pytest.mark.django_db


def red_day(people) -> None:  # type: ignore[no-untyped-def]
    with clock.frozen(FEEDBACK + dt.timedelta(days=61)):
        notify_run()


def test_inbox_unread_count_and_mark_read(people, client, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    red_day(people)
    client.force_login(people.lead)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("notifications:inbox")).content.decode()
    assert "红灯预警（已逾期）" in page and "1.1 整改措施1" in page
    assert 'class="topbar-link topbar-inbox"' in page and "未读 1 条" in page
    mine = Notification.objects.get(user=people.lead)
    other = Notification.objects.get(user=people.principal)
    client.post(reverse("notifications:mark_read"), {"id": [mine.pk, other.pk]})  # someone else's id is ignored
    assert Notification.objects.get(pk=mine.pk).read_at is not None
    assert Notification.objects.get(pk=other.pk).read_at is None
    page = client.get(reverse("core:home")).content.decode()
    assert "未读 1 条" not in page


def test_inbox_queries_do_not_grow(people, client, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    from tests import factories

    for n in range(25):
        factories.task(prob=people.world.problem_a, due=FEEDBACK + dt.timedelta(days=n))
    red_day(people)
    client.force_login(people.lead)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("notifications:inbox")).status_code == 200
    client.post(reverse("notifications:mark_read"))
    assert not Notification.objects.filter(user=people.lead, read_at__isnull=True).exists()


def test_preferences_link_the_roster_and_show_who_receives_what(people, client) -> None:  # type: ignore[no-untyped-def]
    Preference.objects.filter(user=people.person).delete()
    client.force_login(people.person)
    url = reverse("notifications:settings")
    page = client.get(url).content.decode()
    assert "谁收到什么" in page and "单位主要负责人" in page and "告诫函" in page
    worker = people.task.responsibilities.get(kind="person").person
    client.post(url, {"email": "", "person": worker.pk})
    pref = Preference.objects.get(user=people.person)
    assert pref.person == worker and pref.email is False
    outsider = type(worker).objects.create(name="外单位人员", unit=people.world.unit_b)
    response = client.post(url, {"email": "on", "person": outsider.pk})
    assert response.status_code == 400  # not among the choices of a unit user
    assert Preference.objects.get(user=people.person).person == worker


def test_webhook_page_for_the_office_only(people, client) -> None:  # type: ignore[no-untyped-def]
    url = reverse("notifications:webhooks")
    client.force_login(people.lead)
    assert client.get(url).status_code == 403
    client.force_login(people.office)
    response = client.post(url, {"url": "ftp://10.0.0.5/robot", "kind": "wecom", "round": people.world.round.code})
    assert response.status_code == 400 and "http://" in response.content.decode()
    response = client.post(url, {"url": "http://10.0.0.5/robot", "kind": "dingtalk", "round": "NOPE"})
    assert response.status_code == 400 and "NOPE" in response.content.decode()
    client.post(url, {"url": "http://127.0.0.1:8080/cgi-bin/webhook/send?key=k", "kind": "wecom",
                      "unit": people.world.unit_a.code})
    hook = Webhook.objects.get()
    assert hook.unit == people.world.unit_a and hook.is_active
    client.post(reverse("notifications:webhook_toggle", args=[hook.pk]), {"active": "0"})
    assert not Webhook.objects.get().is_active


def test_ladder_page_edits_the_rounds_numbers(people, client) -> None:  # type: ignore[no-untyped-def]
    url = reverse("notifications:ladder", args=[people.world.round.code])
    client.force_login(people.lead)
    assert client.get(url).status_code == 200  # units may read the rules that apply to them
    assert client.post(url, {"admonition_days": 5, "final_working_days": 3}).status_code == 403
    client.force_login(people.office)
    assert client.post(url, {"admonition_days": 0, "final_working_days": 3}).status_code == 400
    client.post(url, {"admonition_days": 7, "final_working_days": 4})
    row = LadderSettings.objects.get(round=people.world.round)
    assert (row.admonition_days, row.final_working_days) == (7, 4)
    assert "7 天" in client.get(url).content.decode()


def test_navigation_entries(people, client) -> None:  # type: ignore[no-untyped-def]
    red_day(people)
    client.force_login(people.world[Role.UNIT_LEAD])
    page = client.get(reverse("core:home")).content.decode()
    assert ">通知<" in page.replace('<span class="nav-label">', ">").replace("</span>", "<") or "通知" in page
    assert reverse("notifications:settings") in page and reverse("notifications:inbox") in page


def test_the_admin_sets_a_users_email_address(world, client) -> None:  # type: ignore[no-untyped-def]
    member = world[Role.UNIT_MEMBER]
    client.force_login(world[Role.ADMIN])
    url = reverse("accounts:user_edit", args=[member.pk])
    data = {"display_name": "周经办", "role": member.role, "unit": member.unit_id}
    assert client.post(url, {**data, "email": "not an address"}).status_code == 400
    client.post(url, {**data, "email": "zhou@jyt.example.gov.cn"})
    member.refresh_from_db()
    assert member.email == "zhou@jyt.example.gov.cn"
