"""The demo modelled on the seed articles: 20 units, 624 problems, 158 clues, a login per role."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from django.db import models

from rectify import cli
from rectify.accounts.models import Role, User
from rectify.core import clock
from rectify.demo.loader import demo_load
from rectify.inspections.models import InspectionRound, Problem
from rectify.rectification import selectors
from rectify.rectification.models import Task, TaskStatus


@pytest.fixture
def demo_json(db, capsys):  # type: ignore[no-untyped-def]
    import datetime as dt

    with clock.frozen(dt.date(2026, 11, 23)):
        assert cli.main(["demo-data", "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1, "demo-data --json prints exactly one JSON object"
    return json.loads(out)


def test_demo_matches_the_seed_round(demo_json):
    assert demo_json["problems"] == 624 == Problem.objects.count()
    assert demo_json["clues"] == 158
    assert demo_json["tasks"] == Task.objects.count()
    assert 2 * 624 <= demo_json["tasks"] <= 4 * 624
    kinds = Counter(u["kind"] for u in demo_json["units"])
    assert kinds == {"department": 14, "enterprise": 6}
    assert {"code", "name", "kind"} == set(demo_json["units"][0])
    assert InspectionRound.objects.get(code=demo_json["round"]).look_back_of is not None


def test_demo_has_one_working_login_per_role(demo_json, client):
    roles = {login["role"] for login in demo_json["logins"]}
    assert roles == set(Role.values)
    for login in demo_json["logins"]:
        assert set(login) == {"username", "password", "role", "unit"}
        assert client.login(username=login["username"], password=login["password"])
        client.logout()
    unit_logins = [login for login in demo_json["logins"] if login["role"] in ("unit_lead", "unit_member")]
    assert all(login["unit"] for login in unit_logins)


def test_demo_shows_every_stage_of_the_lifecycle(demo_json):
    import datetime as dt

    statuses = set(Task.objects.values_list("status", flat=True))
    assert statuses == set(TaskStatus.values)
    with clock.frozen(dt.date(2026, 11, 23)):
        warnings = Counter(selectors.annotate_task_state(Task.objects.all()).values_list("warning", flat=True))
    assert warnings["red"] and warnings["yellow"] and warnings["green"]
    assert Task.objects.filter(close_outs__state="returned").exists()
    assert Task.objects.filter(problem__inspected_unit__unit__code="YN-JYT", status=TaskStatus.SUBMITTED).exists()


def test_round_overview_totals_agree_with_each_problems_derived_state(demo_json):
    """The per-unit tallies equal what each problem's own derived state says (many units, mixed states)."""
    import datetime as dt

    commission = User.objects.get(role=Role.COMMISSION, username="jiwei")
    rnd = InspectionRound.objects.get(code=demo_json["round"])
    with clock.frozen(dt.date(2026, 11, 23)):
        progress = selectors.round_progress_for(user=commission, round=rnd)
        per_problem = list(selectors.annotate_problem_state(Problem.objects.all())
                           .values_list("inspected_unit_id", "warning", "completion"))
    expected = Counter((u, w) for u, w, _ in per_problem)
    for p in progress:
        for colour in ("red", "yellow", "green"):
            assert p.by_warning.get(colour, 0) == expected[(p.inspected_unit.pk, colour)]
    totals = selectors.round_totals(progress)
    assert totals.problems == 624 and totals.clues == 158
    assert totals.completed == Counter(c for *_, c in per_problem)["completed"]


def test_demo_refuses_a_database_that_has_data(demo_json, capsys):
    assert cli.main(["demo-data"]) == 2
    assert "空数据库" in capsys.readouterr().err


def test_demo_history_never_lies_in_the_future(db):
    import datetime as dt

    from rectify.rectification.models import CloseOut, Evidence, ProgressEntry

    moment = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)  # 09:00 in Beijing: most of "today" is still ahead
    with clock.frozen(moment):
        demo_load()
    assert not CloseOut.objects.filter(submitted_at__gt=moment).exists()
    assert not CloseOut.objects.filter(reviewed_at__gt=moment).exists()
    assert not ProgressEntry.objects.filter(created_at__gt=moment).exists()
    assert not Evidence.objects.filter(uploaded_at__gt=moment).exists()
    assert not CloseOut.objects.filter(reviewed_at__lt=models.F("submitted_at")).exists()
