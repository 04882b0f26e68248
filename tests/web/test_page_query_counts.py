"""N+1 guards: the round overview, unit ledger and review queue cost the same queries at any size."""

from __future__ import annotations

import io

from django.test import Client
from django.urls import reverse

from rectify.accounts.models import Role
from rectify.core.testing import capture_queries
from rectify.rectification import services
from tests import factories


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    c.get(reverse("core:home"))  # warm the session so it is not counted below
    return c


def _count(c: Client, url: str) -> int:
    with capture_queries() as ctx:
        response = c.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow_ledger(world, problems: int) -> None:
    for _ in range(problems):
        p = factories.problem(iu=world.iu_a)
        for _ in range(3):
            factories.task(prob=p)
        factories.clue(iu=world.iu_a, prob=p)


def test_unit_ledger_query_count_does_not_grow_with_problems(world, settings):
    settings.RECTIFY_PAGE_SIZE = 50
    c = _client(world[Role.INSPECTION_OFFICE])
    url = reverse("rectification:ledger", args=[world.round.code, world.unit_a.code])
    _grow_ledger(world, 2)
    small = _count(c, url)
    _grow_ledger(world, 25)
    large = _count(c, url)
    assert small == large
    assert large <= 15  # +1: the unread notifications in the top bar


def test_round_overview_query_count_does_not_grow_with_units(world):
    c = _client(world[Role.COMMISSION])
    url = reverse("inspections:round_detail", args=[world.round.code])
    small = _count(c, url)
    for i in range(10):
        unit = factories.org_unit(name=f"新增单位{i}")
        iu = factories.inspected_unit(rnd=world.round, unit=unit)
        p = factories.problem(iu=iu)
        factories.task(prob=p)
        factories.clue(iu=iu, prob=p)
    large = _count(c, url)
    assert small == large
    assert large <= 12


def test_review_queue_query_count_does_not_grow_with_requests(world):
    c = _client(world[Role.INSPECTION_OFFICE])
    url = reverse("rectification:review_queue")

    def submit(n: int) -> None:
        for _ in range(n):
            t = factories.task(prob=world.problem_a)
            services.evidence_upload(actor=world[Role.UNIT_MEMBER], task_id=t.pk,
                                     file=io.BytesIO(f"%PDF-1.4 proof {t.pk}".encode()), name="凭证.pdf")
            services.close_out_submit(actor=world[Role.UNIT_LEAD], task_id=t.pk)

    submit(2)
    small = _count(c, url)
    submit(12)
    large = _count(c, url)
    assert small == large


def test_workbench_query_count_does_not_grow(world):
    c = _client(world[Role.UNIT_LEAD])
    url = reverse("core:home")
    small = _count(c, url)
    _grow_ledger(world, 15)
    assert _count(c, url) == small
