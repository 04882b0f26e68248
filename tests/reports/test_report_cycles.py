"""Report cycles on working days: cadence set by the round, deadlines moved past China's holidays, a missed
cycle yellow then red after the grace period, the report form pre-filled from the ledger, who filed and who not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rectify.accounts.models import Role
from rectify.core.errors import Conflict, DomainError, PermissionDenied
from rectify.inspections.models import InspectedUnit
from rectify.rectification.models import Task, TaskStatus
from rectify.reports import cycle_selectors, services
from rectify.reports.cycles import (
    all_cycles,
    default_policy,
    first_cycle,
    progress_cycles,
    rectification_cycle,
    unit_colour,
    unit_cycles,
)
from rectify.reports.models import Cadence, ReportPolicy, UnitReport
from tests import factories


def _policy(world, **fields) -> ReportPolicy:
    return ReportPolicy.objects.create(round=world.round, **fields)


def test_weekly_in_the_first_month_then_every_two_weeks(world):
    policy = _policy(world, cadence=Cadence.BIWEEKLY, weekly_first_month=True, shift_to_workday=False)
    cycles = progress_cycles(world.iu_a, policy)  # fed back 2026-05-01, concentrated period to 07-31
    assert [(c.start, c.end) for c in cycles[:6]] == [
        (dt.date(2026, 5, 1), dt.date(2026, 5, 7)), (dt.date(2026, 5, 8), dt.date(2026, 5, 14)),
        (dt.date(2026, 5, 15), dt.date(2026, 5, 21)), (dt.date(2026, 5, 22), dt.date(2026, 5, 28)),
        (dt.date(2026, 5, 29), dt.date(2026, 6, 4)), (dt.date(2026, 6, 5), dt.date(2026, 6, 18))]
    assert cycles[-1].end == dt.date(2026, 7, 31)  # the last cycle ends with the concentrated period
    monthly = progress_cycles(world.iu_a, ReportPolicy(round=world.round, cadence=Cadence.MONTHLY))
    assert [c.end for c in monthly] == [dt.date(2026, 5, 31), dt.date(2026, 6, 30), dt.date(2026, 7, 31)]


def test_the_rectification_report_is_due_two_months_after_the_feedback(world):
    assert rectification_cycle(world.iu_a, default_policy(world.round)).due == dt.date(2026, 7, 1)


@pytest.fixture
def national_day(world):
    """Fed back Friday 2026-09-18, every two weeks: the first cycle ends on National Day (10-01)."""
    InspectedUnit.objects.filter(pk=world.iu_a.pk).update(feedback_date=dt.date(2026, 9, 18))
    world.iu_a.refresh_from_db()
    return world


def test_a_deadline_on_a_holiday_moves_to_the_next_working_day_when_the_round_says_so(national_day):
    w = national_day
    shifted = progress_cycles(w.iu_a, _policy(w, cadence=Cadence.BIWEEKLY, shift_to_workday=True))[0]
    assert (shifted.end, shifted.due) == (dt.date(2026, 10, 1), dt.date(2026, 10, 8))  # holiday to 10-07
    kept = progress_cycles(w.iu_a, ReportPolicy(round=w.round, cadence=Cadence.BIWEEKLY, shift_to_workday=False))[0]
    assert kept.due == dt.date(2026, 10, 1)


def test_a_missed_cycle_is_yellow_then_red_after_the_grace_in_working_days(national_day, frozen_today):
    w = national_day
    _policy(w, cadence=Cadence.BIWEEKLY, grace_workdays=5, shift_to_workday=True)
    # After the 10-08 deadline: 10-09, Saturday 10-10 (an adjusted working day), 10-12, 10-13, 10-14 → 5.
    expected = {dt.date(2026, 10, 8): "green", dt.date(2026, 10, 9): "yellow", dt.date(2026, 10, 14): "yellow",
                dt.date(2026, 10, 15): "red"}
    for day, colour in expected.items():
        with _frozen(day):
            overview = cycle_selectors.round_cycles_for(user=w[Role.INSPECTION_OFFICE], code=w.round.code)
            unit = next(u for u in overview.units if u.inspected_unit.pk == w.iu_a.pk)
            assert unit.colour == colour, day


def _frozen(day):
    from rectify.core import clock

    return clock.frozen(day)


def test_filing_clears_the_colour_and_a_late_report_says_so(national_day):
    w = national_day
    _policy(w, cadence=Cadence.BIWEEKLY, grace_workdays=5)
    with _frozen(dt.date(2026, 10, 16)):
        services.unit_report_file(user=w[Role.UNIT_LEAD], round_code=w.round.code, unit_code=w.unit_a.code,
                                  kind="progress", cycle=1, moved="已完成第一阶段整改")
        cycles = cycle_selectors.unit_cycles_for(user=w[Role.INSPECTION_OFFICE], round_code=w.round.code,
                                                 unit_code=w.unit_a.code)
        first = cycles.progress[0]
        assert (first.state, first.workdays_late) == ("late", 7)  # 10-09 … 10-16, Saturday 10-10 included
        assert first.report.due_date == dt.date(2026, 10, 8)
        assert (cycles.progress[1].state, cycles.colour) == ("missing", "yellow")  # cycle 2 was due 10-15
        services.unit_report_file(user=w[Role.UNIT_LEAD], round_code=w.round.code, unit_code=w.unit_a.code,
                                  kind="progress", cycle=2, moved="第二期")
        cycles = cycle_selectors.unit_cycles_for(user=w[Role.INSPECTION_OFFICE], round_code=w.round.code,
                                                 unit_code=w.unit_a.code)
        assert cycles.colour == "green"
        with pytest.raises(Conflict):
            services.unit_report_file(user=w[Role.UNIT_LEAD], round_code=w.round.code, unit_code=w.unit_a.code,
                                      kind="progress", cycle=1, moved="再报一次")
        with pytest.raises(DomainError):  # cycle 3 (10-16 … 10-29) has begun, cycle 4 has not
            services.unit_report_file(user=w[Role.UNIT_LEAD], round_code=w.round.code, unit_code=w.unit_a.code,
                                      kind="progress", cycle=4, moved="提前报送")
        for who in (w[Role.UNIT_MEMBER], w[Role.INSPECTION_OFFICE]):
            with pytest.raises(PermissionDenied):
                services.unit_report_file(user=who, round_code=w.round.code, unit_code=w.unit_a.code,
                                          kind="progress", cycle=3, moved="x")


def test_the_rectification_report_due_date_shows_whether_it_was_met(world):
    with _frozen(dt.date(2026, 7, 1)):
        services.unit_report_file(user=w_lead(world), round_code=world.round.code, unit_code=world.unit_a.code,
                                  kind="rectification", cycle=0, moved="整改情况报告正文")
    with _frozen(dt.date(2026, 7, 2)):
        services.unit_report_file(user=world["unit_lead_b"], round_code=world.round.code,
                                  unit_code=world.unit_b.code, kind="rectification", cycle=0, moved="晚了一天")
        overview = cycle_selectors.round_cycles_for(user=world[Role.COMMISSION], code=world.round.code)
    states = {u.inspected_unit.unit.code: u.rectification.state for u in overview.units}
    assert states == {world.unit_a.code: "on_time", world.unit_b.code: "late"}


def w_lead(world):
    return world[Role.UNIT_LEAD]


def test_the_report_form_is_pre_filled_from_the_ledger(world, client):
    closed = factories.task(prob=factories.problem(iu=world.iu_a), status=TaskStatus.CLOSED)
    Task.objects.filter(pk=closed.pk).update(closed_at=dt.datetime(2026, 5, 20, 2, tzinfo=dt.UTC))
    factories.task(prob=factories.problem(iu=world.iu_a), due=dt.date(2026, 5, 25))
    client.force_login(world[Role.UNIT_LEAD])
    url = reverse("reports:unit_report", args=[world.round.code, world.unit_a.code, "progress", 2])
    with _frozen(dt.date(2026, 5, 28)):
        page = client.get(url)
        moved, late = page.context["form"]["moved"].value(), page.context["form"]["late"].value()
        assert "以来销号任务1项" in moved and closed.measure in moved
        assert "逾期未完成的任务1项" in late and "逾期3天" in late
        response = client.post(url, {"moved": moved, "late": late + "因招标延误", "next_steps": ""})
        assert response.status_code == 302
    report = UnitReport.objects.get()
    assert (report.cycle, report.figures["problems"], report.figures["tasks_overdue"]) == (2, 3, 1)
    client.force_login(world[Role.INSPECTION_OFFICE])
    office = client.get(reverse("reports:cycles", args=[world.round.code]))
    assert office.status_code == 200 and "省教育厅" in office.content.decode()


def test_the_office_page_costs_the_same_queries_at_any_size(world, client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world[Role.INSPECTION_OFFICE])
    counts = []
    for _ in range(2):
        for _n in range(3):
            iu = factories.inspected_unit(rnd=world.round, unit=factories.org_unit(parent=world.unit_a.parent))
            UnitReport.objects.create(inspected_unit=iu, kind="progress", cycle=1, period_start=iu.feedback_date,
                                      period_end=iu.feedback_date, due_date=iu.feedback_date, moved="x",
                                      filed_by=world[Role.UNIT_LEAD], filed_at=dt.datetime(2026, 5, 10, tzinfo=dt.UTC))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("reports:cycles", args=[world.round.code])).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] and counts[0] <= 12, counts


def test_the_round_policy_is_set_by_the_office_only(world, client):
    client.force_login(world[Role.INSPECTION_OFFICE])
    url = reverse("reports:cycle_settings", args=[world.round.code])
    assert client.get(url).status_code == 200
    response = client.post(url, {"cadence": "weekly", "grace_workdays": "3", "shift_to_workday": "on"})
    assert response.status_code == 302
    policy = ReportPolicy.objects.get(round=world.round)
    assert (policy.cadence, policy.grace_workdays, policy.shift_to_workday, policy.weekly_first_month) == \
        ("weekly", 3, True, False)
    client.force_login(world[Role.UNIT_LEAD])
    assert client.get(url).status_code == 403


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cadence=st.sampled_from(list(Cadence.values)), weekly_first_month=st.booleans(), shift=st.booleans(),
       grace=st.integers(0, 10), filed_share=st.floats(0, 1), seed=st.integers(0, 10_000),
       day_offset=st.integers(-10, 160))
def test_the_dashboard_colour_is_the_colour_of_every_cycle_judged(world, cadence, weekly_first_month, shift, grace,
                                                                    filed_share, seed, day_offset):
    """The dashboards' card judges only the earliest missing report (cycles.unit_colour); it must agree with
    judging every cycle (unit_cycles(…).colour), whatever the cadence, the reports filed and the day."""
    import random

    policy = ReportPolicy(round=world.round, cadence=cadence, weekly_first_month=weekly_first_month,
                          shift_to_workday=shift, grace_workdays=grace)
    cycles = all_cycles(world.iu_a, policy)
    assert first_cycle(world.iu_a, policy) == cycles[0]  # what a unit that filed nothing is judged by
    rng = random.Random(seed)
    filed = [c for c in cycles if rng.random() < filed_share]
    reports = [UnitReport(inspected_unit=world.iu_a, kind=c.kind, cycle=c.number, due_date=c.due,
                          filed_at=dt.datetime.combine(c.due, dt.time(2), tzinfo=dt.UTC)) for c in filed]
    today = world.iu_a.feedback_date + dt.timedelta(days=day_offset)
    assert unit_colour(cycles, {c.key for c in filed}, policy=policy, today=today) == unit_cycles(
        world.iu_a, reports, policy=policy, today=today).colour


def test_the_dashboard_card_counts_each_unit_by_its_own_cycles(world):
    """Units fed back the same day share their cycles and, missing the same report, one judgement: the card's
    counts are still each unit's own colour, day by day."""
    from collections import Counter

    policy = _policy(world, cadence=Cadence.BIWEEKLY, grace_workdays=3)
    third = factories.inspected_unit(rnd=world.round, unit=factories.org_unit(parent=world.unit_a.parent))
    units = list(InspectedUnit.objects.filter(pk__in=[world.iu_a.pk, world.iu_b.pk, third.pk])
                 .select_related("round"))
    first = all_cycles(world.iu_a, policy)[0]
    UnitReport.objects.create(inspected_unit=world.iu_a, kind=first.kind, cycle=first.number, period_start=first.start,
                              period_end=first.end, due_date=first.due, moved="x", filed_by=world[Role.UNIT_LEAD],
                              filed_at=dt.datetime.combine(first.due, dt.time(2), tzinfo=dt.UTC))
    colours = set()
    for offset in range(0, 60, 3):
        today = first.due + dt.timedelta(days=offset)
        each = Counter(unit_cycles(iu, list(UnitReport.objects.filter(inspected_unit=iu)), policy=policy,
                                   today=today).colour for iu in units)
        counts = cycle_selectors.report_colours(units=units, today=today)
        assert {k: v for k, v in counts.items() if v} == dict(each), today
        colours |= set(each)
    assert colours == {"red", "yellow", "green"}
