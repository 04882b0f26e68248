"""The commission's clue pages and workbench card; everyone else never finds them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from rectify.accounts.models import Role
from rectify.core.testing import capture_queries
from rectify.inspections.models import Clue
from tests import factories

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    c.get(reverse("core:home"))
    return c


def _count(c: Client, url: str, **params) -> int:
    with capture_queries() as ctx:
        response = c.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", [Role.INSPECTION_OFFICE, Role.UNIT_LEAD, Role.UNIT_MEMBER, Role.LEADER, Role.ADMIN])
def test_only_the_commission_finds_the_clue_pages(world, role):
    c = client_for(world[role])
    for url in (reverse("inspections:clue_list"), reverse("inspections:clue_register"),
                reverse("inspections:clue_detail", args=[world.clue_a.pk])):
        assert c.get(url).status_code == 404, url
    hand_over = reverse("inspections:clue_hand_over", args=[world.clue_a.pk])
    assert c.post(hand_over, {"handed_to": "x", "handed_over_on": "2026-05-03", "version": 1}).status_code == 404
    nav_entry = f'href="{reverse("inspections:clue_list")}"'
    assert nav_entry not in c.get(reverse("core:home")).content.decode()
    assert nav_entry in client_for(world[Role.COMMISSION]).get(reverse("core:home")).content.decode()


def test_the_clue_list_filters_by_state(world, frozen_today):
    frozen_today(dt.date(2026, 8, 2))
    registered = Clue.objects.create(inspected_unit=world.iu_b, number="XS-NEW", summary="新登记线索",
                                     registered_on=dt.date(2026, 8, 1))
    c = client_for(world[Role.COMMISSION])
    url = reverse("inspections:clue_list")

    def numbers(**params) -> set[str]:
        html = c.get(url, params).content.decode()
        return {n for n in (world.clue_a.number, registered.number) if f">{n}</a>" in html}

    assert numbers() == {world.clue_a.number, registered.number}
    assert numbers(state="pending_hand_over") == {registered.number}
    assert numbers(state="awaiting_results") == {world.clue_a.number}
    assert numbers(state="overdue") == {world.clue_a.number}
    frozen_today(dt.date(2026, 8, 1))
    assert numbers(state="overdue") == set()


def test_the_commission_registers_a_clue_and_follows_it_through(world, frozen_today):
    frozen_today(dt.date(2026, 9, 1))
    c = client_for(world[Role.COMMISSION])
    register = reverse("inspections:clue_register") + f"?round={world.round.code}"
    assert c.get(register).status_code == 200
    unknown = c.post(register, {"round": world.round.code, "inspected_unit": world.iu_a.pk, "number": "XS-9",
                                "summary": "反映问题", "problem": "P404", "registered_on": "2026-08-01"})
    assert unknown.status_code == 404 and 'id="id_problem_error"' in unknown.content.decode()
    response = c.post(register, {"round": world.round.code, "inspected_unit": world.iu_a.pk, "number": "XS-9",
                                 "summary": "反映问题", "problem": world.problem_a.number,
                                 "registered_on": "2026-08-01"})
    clue = Clue.objects.get(number="XS-9")
    assert response.status_code == 302 and clue.problem == world.problem_a
    early = c.post(reverse("inspections:clue_hand_over", args=[clue.pk]),
                   {"handed_to": "省纪委监委", "handed_over_on": "2026-07-31", "version": clue.version})
    assert early.status_code == 422 and 'id="id_handed_over_on_error"' in early.content.decode()
    assert c.post(reverse("inspections:clue_hand_over", args=[clue.pk]),
                  {"handed_to": "省纪委监委", "handed_over_on": "2026-08-02", "version": 1}).status_code == 302
    assert c.post(reverse("inspections:clue_disposition", args=[clue.pk]),
                  {"disposition": "preliminary_check", "version": 2}).status_code == 302
    stale = c.post(reverse("inspections:clue_results", args=[clue.pk]),
                   {"feedback_on": "2026-08-20", "result": "属实", "version": 2})
    assert stale.status_code == 409
    assert c.post(reverse("inspections:clue_results", args=[clue.pk]),
                  {"feedback_on": "2026-08-20", "result": "初步核实属实，已立案", "version": 3}).status_code == 302
    clue.refresh_from_db()
    assert (clue.handed_to, clue.disposition, clue.feedback_on) == ("省纪委监委", "preliminary_check",
                                                                    dt.date(2026, 8, 20))
    page = c.get(reverse("inspections:clue_detail", args=[clue.pk])).content.decode()
    assert "初步核实属实，已立案" in page and "已反馈" in page


def test_the_workbench_alerts_the_commission_at_three_months(world, frozen_today):
    c = client_for(world[Role.COMMISSION])
    frozen_today(dt.date(2026, 8, 1))  # handed over 2026-05-02: 2 months 30 days
    html = c.get(reverse("core:home")).content.decode()
    assert "线索移交超过3个月未反馈" in html and f">{world.clue_a.number}</a>" not in html
    frozen_today(dt.date(2026, 8, 2))
    html = c.get(reverse("core:home")).content.decode()
    assert f">{world.clue_a.number}</a>" in html
    assert reverse("inspections:clue_list") + "?state=overdue" in html
    world.clue_a.feedback_on, world.clue_a.result = dt.date(2026, 8, 2), "予以了结"
    world.clue_a.save()
    assert f">{world.clue_a.number}</a>" not in c.get(reverse("core:home")).content.decode()
    office = client_for(world[Role.INSPECTION_OFFICE]).get(reverse("core:home")).content.decode()
    assert "线索移交超过3个月未反馈" not in office


def _grow_clues(world, n: int) -> None:
    for _ in range(n):
        p = factories.problem(iu=world.iu_a)
        factories.clue(iu=world.iu_a, prob=p)
        factories.clue(iu=world.iu_b)


def test_clue_list_query_count_does_not_grow_with_clues(world, settings, frozen_today):
    frozen_today(dt.date(2026, 9, 1))
    settings.RECTIFY_PAGE_SIZE = 50
    c = client_for(world[Role.COMMISSION])
    url = reverse("inspections:clue_list")
    _grow_clues(world, 2)
    small, small_overdue = _count(c, url), _count(c, url, state="overdue", round=world.round.code)
    _grow_clues(world, 20)
    assert (_count(c, url), _count(c, url, state="overdue", round=world.round.code)) == (small, small_overdue)
    assert small <= 11  # +1: the unread notifications in the top bar


def test_commission_workbench_query_count_does_not_grow_with_overdue_clues(world, frozen_today):
    frozen_today(dt.date(2026, 9, 1))
    c = client_for(world[Role.COMMISSION])
    url = reverse("core:home")
    _grow_clues(world, 2)
    small = _count(c, url)
    _grow_clues(world, 15)
    assert _count(c, url) == small
