"""The hand-over on the pages: the roster shows who still leads open tasks, the end and appoint forms say
what to do instead of failing, and the hand-over page moves the ticked tasks to the picked successor."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from rectify.accounts.models import Role
from rectify.orgs.models import Tenure
from rectify.rectification.models import LeaderHandover, Responsibility, ResponsibilityKind

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _today(frozen_today):  # type: ignore[no-untyped-def]
    frozen_today(TODAY)


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _handover_url(s) -> str:  # type: ignore[no-untyped-def]
    return reverse("rectification:tenure_handover", args=[s.secretary.pk])


def test_the_roster_shows_how_many_open_tasks_each_leader_holds_and_links_the_hand_over(succession):
    s = succession
    html = _client(s.world[Role.UNIT_LEAD]).get(reverse("orgs:roster", args=["EDU"])).content.decode()
    assert 'data-open-tasks="8"' in html and 'data-open-tasks="0"' in html
    assert f'href="{_handover_url(s)}"' in html
    member = _client(s.world[Role.UNIT_MEMBER]).get(reverse("orgs:roster", args=["EDU"])).content.decode()
    assert 'data-open-tasks="8"' in member and _handover_url(s) not in member  # sees, cannot act


def test_ending_on_the_post_page_shows_the_reason_and_the_way_to_the_hand_over(succession):
    s = succession
    url = reverse("orgs:tenure_end", args=["EDU", s.secretary.post_id, s.secretary.pk])
    response = _client(s.world[Role.UNIT_LEAD]).post(url, {f"e{s.secretary.pk}-end": "2026-06-30",
                                                           f"e{s.secretary.pk}-version": s.secretary.version})
    assert response.status_code == 409
    text = _text(response.content.decode())
    assert "张书记仍是 8 项未销号整改任务的责任领导" in text and "去移交整改任务" in text
    assert f'href="{_handover_url(s)}"' in response.content.decode()
    assert Tenure.objects.get(pk=s.secretary.pk).end is None


def test_the_appoint_form_offers_the_hand_over_and_refuses_without_it(succession):
    s = succession
    c = _client(s.world[Role.UNIT_LEAD])
    page = c.get(reverse("orgs:post_detail", args=["EDU", s.secretary.post_id])).content.decode()
    assert "将现任者张书记负责的 8 项未销号整改任务移交给新任者" in page and 'name="hand_over"' in page
    url = reverse("orgs:post_appoint", args=["EDU", s.secretary.post_id])
    refused = c.post(url, {"person": s.newcomer.pk, "start": "2026-07-01"})
    assert refused.status_code == 409 and "现任者张书记仍是 8 项未销号整改任务的责任领导" in _text(refused.content.decode())
    assert not Tenure.objects.filter(person=s.newcomer).exists()
    done = c.post(url, {"person": s.newcomer.pk, "start": "2026-07-01", "hand_over": "on"}, follow=True)
    assert "原任者负责的 8 项未销号整改任务已移交给李新" in done.content.decode()
    new = Tenure.objects.get(person=s.newcomer)
    assert set(Responsibility.objects.filter(task__in=s.open_tasks, kind=ResponsibilityKind.LEADER)
               .values_list("tenure_id", flat=True)) == {new.pk}


def test_the_appoint_form_has_no_hand_over_when_the_holder_leads_nothing(world):
    post_id = Tenure.objects.get(post__unit=world.unit_a, post__is_principal=True).post_id
    page = _client(world[Role.UNIT_LEAD]).get(reverse("orgs:post_detail", args=["EDU", post_id])).content.decode()
    assert 'name="hand_over"' not in page


def test_the_hand_over_page_lists_the_tasks_ticked_and_the_current_leadership_members(succession):
    s = succession
    html = _client(s.world[Role.UNIT_LEAD]).get(_handover_url(s)).content.decode()
    ticked = re.findall(r'<input type="checkbox" name="tasks" value="(\d+)"[^>]*\schecked', html)
    assert sorted(int(i) for i in ticked) == sorted(t.pk for t in s.open_tasks)
    assert f'value="{s.closed_task.pk}"' not in html
    options = re.findall(r"<option value=\"(\d*)\"[^>]*>([^<]*)</option>", html)
    assert [(int(v), label) for v, label in options if v] == [
        (s.deputy.person_id, "王副厅长 — 党组成员、副厅长（分管财务处）")]  # not the departing one, not 李新
    assert "整改措施1" in html and "2026年7月31日" in _text(html)


def test_handing_over_some_tasks_on_the_page_returns_to_the_roster_with_the_rest_still_counted(succession):
    s = succession
    c = _client(s.world[Role.INSPECTION_OFFICE])
    picked = [s.open_tasks[0].pk, s.open_tasks[1].pk]
    response = c.post(_handover_url(s), {"tasks": picked, "to_person": s.deputy.person_id}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("orgs:roster", args=["EDU"])
    html = response.content.decode()
    assert "已将 2 项整改任务的责任领导由张书记移交给王副厅长" in html
    assert 'data-open-tasks="6"' in html and 'data-open-tasks="2"' in html
    assert sorted(LeaderHandover.objects.values_list("task_id", flat=True)) == sorted(picked)


def test_the_page_shows_the_services_errors_on_the_form(succession):
    s = succession
    c = _client(s.world[Role.UNIT_LEAD])
    nothing = c.post(_handover_url(s), {"to_person": s.deputy.person_id})
    assert nothing.status_code == 400 and "请至少选择一项要移交的整改任务" in nothing.content.decode()
    stranger = c.post(_handover_url(s), {"tasks": [s.open_tasks[0].pk], "to_person": s.newcomer.pk})
    assert stranger.status_code == 400 and "请从本单位在任的班子成员中选择接任人" in stranger.content.decode()
    assert not LeaderHandover.objects.exists()


@pytest.mark.parametrize("who, status", [("unit_lead_b", 404), (Role.UNIT_MEMBER, 403), (Role.COMMISSION, 403)])
def test_the_hand_over_page_is_for_roster_maintainers_of_the_unit(succession, who, status):
    s = succession
    c = _client(s.world[who])
    assert c.get(_handover_url(s)).status_code == status
    posted = c.post(_handover_url(s), {"tasks": [s.open_tasks[0].pk], "to_person": s.deputy.person_id})
    assert posted.status_code == status and not LeaderHandover.objects.exists()


def test_the_task_page_shows_the_hand_over_in_its_timeline(succession):
    s = succession
    _client(s.world[Role.UNIT_LEAD]).post(_handover_url(s), {"tasks": [s.open_tasks[0].pk],
                                                              "to_person": s.deputy.person_id})
    html = _client(s.world[Role.UNIT_MEMBER]).get(
        reverse("rectification:task_detail", args=[s.open_tasks[0].pk])).content.decode()
    assert "移交责任领导" in html and "责任领导由张书记移交给王副厅长" in html


def test_for_a_former_holder_the_page_preselects_whoever_holds_the_seat_now(succession):
    s = succession
    Tenure.objects.filter(pk=s.secretary.pk).update(end=dt.date(2026, 6, 1))  # left before hand-overs existed
    Tenure.objects.create(person=s.newcomer, post=s.secretary.post, start=dt.date(2026, 6, 1))
    html = _client(s.world[Role.UNIT_LEAD]).get(_handover_url(s)).content.decode()
    selected = re.findall(r'<option value="(\d+)" selected>', html)
    assert selected == [str(s.newcomer.pk)]
