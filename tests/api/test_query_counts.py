"""N+1 guards: list endpoints run the same number of queries for 5 rows as for 40."""

from __future__ import annotations

import io

from rectify.accounts.models import Role
from rectify.core.testing import capture_queries
from rectify.rectification import services
from rectify.rectification.models import TaskStatus
from tests import factories


def _queries(client, path: str) -> int:  # type: ignore[no-untyped-def]
    client.get(path)  # warm-up: the token's last_used_at is touched at most once a minute
    with capture_queries() as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _add_problems(world, count: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(count):
        iu = world.iu_a if i % 2 else world.iu_b
        problem = factories.problem(iu=iu, category_code="1.1" if i % 3 else "3.3")
        factories.task(prob=problem, status=TaskStatus.IN_PROGRESS if i % 2 else TaskStatus.PENDING)
        factories.task(prob=problem, status=TaskStatus.CLOSED)
        if i % 4 == 0:
            factories.clue(iu=iu, prob=problem)


def test_problem_list_query_count_does_not_grow_with_the_page(world, api):
    client = api(Role.COMMISSION)
    _add_problems(world, 3)  # 5 problems in all
    assert api(Role.COMMISSION).get("/problems").json()["count"] == 5
    small = _queries(client, "/problems")
    _add_problems(world, 35)  # 40
    body = client.get("/problems").json()
    assert body["count"] == len(body["items"]) == 40
    assert sum(p["task_count"] for p in body["items"]) == 2 + 38 * 2
    large = _queries(client, "/problems")
    assert small == large
    assert large <= 4  # token, count, page


def test_round_units_query_count_does_not_grow_with_units(world, api):
    client = api(Role.COMMISSION)
    small = _queries(client, "/rounds/R-TEST/units")
    for _ in range(10):
        iu = factories.inspected_unit(rnd=world.round, unit=factories.org_unit(parent=world.unit_b.parent))
        factories.task(prob=factories.problem(iu=iu))
        factories.clue(iu=iu)
    assert client.get("/rounds/R-TEST/units").json()["count"] == 12
    assert _queries(client, "/rounds/R-TEST/units") == small


def test_review_queue_query_count_does_not_grow_with_the_queue(world, api):
    client = api(Role.INSPECTION_OFFICE)

    def submit(task) -> None:  # type: ignore[no-untyped-def]
        lead = world[Role.UNIT_LEAD]
        services.evidence_upload(actor=lead, task_id=task.pk, file=io.BytesIO(f"%PDF {task.pk}".encode()),
                                 name="凭证.pdf")
        services.close_out_submit(actor=lead, task_id=task.pk)

    submit(world.task_a)
    small = _queries(client, "/close-outs")
    for _ in range(8):
        submit(factories.task(prob=world.problem_a))
    assert client.get("/close-outs").json()["count"] == 9
    assert _queries(client, "/close-outs") == small


def test_round_list_query_count_does_not_grow_with_rounds(world, api):
    client = api(Role.LEADER)
    small = _queries(client, "/rounds")
    for _ in range(6):
        rnd = factories.inspection_round()
        rnd.look_back_of = world.round
        rnd.save()
        factories.inspected_unit(rnd=rnd, unit=world.unit_a)
    assert _queries(client, "/rounds") == small
