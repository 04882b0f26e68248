"""统计分析: the dashboards' figures come from the read model and stored facts, each chart is a table that
exports to Excel, figure cards link to the rows they count, and the pages cost the same queries at any size."""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from rectify.accounts.models import Role
from rectify.core.errors import NotFound
from rectify.inspections.models import InspectedUnit, Problem
from rectify.rectification.models import CloseOut, Task, TaskStatus
from rectify.reports import selectors
from tests import factories

TODAY = dt.date(2026, 7, 10)


@pytest.fixture
def round_with_history(world, frozen_today):
    """Unit A: a task closed on time (before 07-31), one closed late (due 06-30, closed 07-05), one red
    (due 07-01), one yellow (due 07-15) and one extended (due 08-31, originally 07-05: red by the original)."""
    frozen_today(TODAY)
    a = world.iu_a
    on_time = factories.task(prob=factories.problem(iu=a), status=TaskStatus.CLOSED)
    late = factories.task(prob=factories.problem(iu=a), status=TaskStatus.CLOSED, due=dt.date(2026, 6, 30))
    Task.objects.filter(pk=on_time.pk).update(closed_at=dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC))
    Task.objects.filter(pk=late.pk).update(closed_at=dt.datetime(2026, 7, 5, 9, tzinfo=dt.UTC))
    factories.refresh_rollups([on_time.problem_id, late.problem_id])  # as the close-out service would
    factories.task(prob=factories.problem(iu=a, category_code="3.2"), due=dt.date(2026, 7, 1))
    factories.task(prob=factories.problem(iu=a), due=dt.date(2026, 7, 15))
    ext = factories.task(prob=factories.problem(iu=a), due=dt.date(2026, 8, 31))
    Task.objects.filter(pk=ext.pk).update(original_due_date=dt.date(2026, 7, 5))
    factories.refresh_rollups([ext.problem_id])
    return world


def _card(board, label):
    return next(c for c in board.cards if c.label == label)


def test_the_round_dashboard_counts_from_the_rollups(round_with_history):
    w = round_with_history
    board = selectors.round_dashboard_for(user=w[Role.COMMISSION], code=w.round.code)
    assert _card(board, "反馈问题").value == 7  # A: 6 problems, B: 1
    assert _card(board, "逾期任务").value == 1  # the 07-01 task; the extended one is due 08-31
    assert _card(board, "黄灯任务").value == 1  # due 07-15, within 10 days
    assert _card(board, "经批准延期的任务").value == 1
    assert _card(board, "整改完成率").value == "28.57%"  # 2 of 7 problems closed
    progress = board.table("progress")
    assert progress.total == ["合计", 5, 0, 0, 2, Decimal("28.57")]
    warnings = board.table("warnings")
    assert warnings.total == ["合计", 1, 1, 3]


def test_the_red_card_links_to_exactly_the_tasks_it_counts(round_with_history, client):
    w = round_with_history
    board = selectors.round_dashboard_for(user=w[Role.COMMISSION], code=w.round.code)
    red = _card(board, "逾期任务")
    client.force_login(w[Role.COMMISSION])
    page = client.get(red.url)
    assert page.status_code == 200
    assert page.context["page_obj"].paginator.count == red.value
    yellow = _card(board, "黄灯任务")
    assert client.get(yellow.url).context["page_obj"].paginator.count == yellow.value
    extended = _card(board, "经批准延期的任务")
    assert client.get(extended.url).context["page_obj"].paginator.count == extended.value


def test_on_time_close_out_rate_compares_with_the_original_deadline(round_with_history):
    w = round_with_history
    board = selectors.round_dashboard_for(user=w[Role.COMMISSION], code=w.round.code)
    a = next(u for u in board.units if u.inspected_unit.pk == w.iu_a.pk)
    # closed on time 1; closed late 1; the red task (07-01) and the extended one (originally 07-05) are due
    assert (a.on_time, a.due_or_closed, str(a.on_time_rate)) == (1, 4, "25.00")
    ranking = board.table("on_time")
    assert ranking.rows[0][0] == "省教育厅"  # B has nothing due: 0 %
    assert "问责" not in "".join(ranking.columns)  # rule 25: never ranked by people held accountable


def test_the_burn_down_follows_the_close_out_history(round_with_history):
    w = round_with_history
    board = selectors.round_dashboard_for(user=w[Role.COMMISSION], code=w.round.code)
    line = dict(board.table("burn_down").rows)
    assert line["2026-05-01"] == 7  # every task open at the feedback
    assert line["2026-07-10"] == 5  # two closed since


def test_ageing_and_categories(round_with_history):
    w = round_with_history
    board = selectors.round_dashboard_for(user=w[Role.COMMISSION], code=w.round.code)
    ageing = dict(board.table("ageing_tasks").rows)
    assert ageing["逾期8–30天"] == 1 and ageing["未到期"] == 4
    categories = {row[0].split()[0]: row for row in board.table("categories").rows}
    assert categories["2"][1] == 5 and categories["3"][1] == 2  # 2.x five problems, 3.2 two


def test_ageing_buckets_at_their_edges_and_the_oldest_from_the_totals(world, frozen_today):
    """Tasks 7 and 8, 90 and 91 and 400 days late: each in its bucket (the page reads the deadline days of the
    last 90 days; older ones are the unit's open tasks less those), and the overdue figures count them all."""
    frozen_today(TODAY)
    for late in (7, 8, 90, 91, 400):
        factories.task(prob=factories.problem(iu=world.iu_b), due=TODAY - dt.timedelta(days=late))
    board = selectors.round_dashboard_for(user=world[Role.COMMISSION], code=world.round.code)
    ageing = dict(board.table("ageing_tasks").rows)
    assert (ageing["逾期1–7天"], ageing["逾期8–30天"], ageing["逾期31–90天"], ageing["逾期90天以上"]) == (1, 1, 1, 2)
    b = next(u for u in board.units if u.inspected_unit.pk == world.iu_b.pk)
    assert b.tasks_overdue == b.tasks_overdue_original == 5 and b.by_warning["red"] == 5
    assert sum(ageing.values()) == _card(board, "逾期任务").value + sum(u.open_tasks - u.tasks_overdue
                                                                       for u in board.units)


def test_a_burn_down_over_years_has_a_point_at_each_months_end_counted_exactly(world, frozen_today):
    """A unit inspected in 2024 and again now: its page spans more than a year, so the burn-down reads the
    month counts and has a point at each month's end — each equal to the tasks open at the end of that day."""
    from rectify.core import clock

    frozen_today(TODAY)
    earlier = factories.inspected_unit(rnd=factories.inspection_round(start=dt.date(2024, 1, 5)), unit=world.unit_a,
                                       feedback=dt.date(2024, 2, 10))
    closes = [dt.datetime(2024, 2, 29, 23, 30, tzinfo=clock.SHANGHAI),  # the last evening of February
              dt.datetime(2024, 3, 1, 0, 10, tzinfo=clock.SHANGHAI), dt.datetime(2025, 6, 15, 9, tzinfo=clock.SHANGHAI)]
    for moment in closes:
        task = factories.task(prob=factories.problem(iu=earlier), status=TaskStatus.CLOSED)
        Task.objects.filter(pk=task.pk).update(closed_at=moment)
        factories.refresh_rollups([task.problem_id])
    factories.task(prob=factories.problem(iu=earlier))  # still open
    board = selectors.unit_dashboard_for(user=world[Role.COMMISSION], unit_code=world.unit_a.code)
    table = board.table("burn_down")
    line = dict(table.rows)
    assert "按月末取点" in table.note
    assert list(line)[:3] == ["2024-02-29", "2024-03-31", "2024-04-30"] and list(line)[-1] == TODAY.isoformat()
    tasks = list(Task.objects.filter(problem__inspected_unit__unit=world.unit_a, problem__kind="feedback"))
    for day, n in line.items():
        end = dt.datetime.combine(dt.date.fromisoformat(day), dt.time.max, tzinfo=clock.SHANGHAI)
        assert n == sum(1 for t in tasks if t.closed_at is None or t.closed_at > end), day
    assert line["2024-02-29"] == line["2024-03-31"] + 1 == line["2025-06-30"] + 2


def test_a_unit_sees_only_its_own_figures(round_with_history, client):
    w = round_with_history
    board = selectors.round_dashboard_for(user=w[Role.UNIT_LEAD], code=w.round.code)
    assert [u.inspected_unit.pk for u in board.units] == [w.iu_a.pk]
    with pytest.raises(NotFound):
        selectors.unit_dashboard_for(user=w[Role.UNIT_LEAD], unit_code=w.unit_b.code)
    client.force_login(w[Role.UNIT_LEAD])
    assert client.get(reverse("reports:unit", args=[w.unit_b.code])).status_code == 404
    listed = client.get(reverse("reports:tasks") + "?warning=all").context["page_obj"].paginator.count
    assert listed == 4  # unit A's open tasks only (B's task is open too, but out of scope)


@pytest.mark.parametrize("name", ["index", "province"])
def test_every_dashboard_page_renders_with_charts_served_locally(round_with_history, client, name):
    w = round_with_history
    client.force_login(w[Role.LEADER])
    html = client.get(reverse(f"reports:{name}")).content.decode()
    assert re.search(r'<script src="/static/vendor/echarts/echarts\.min\.js"', html)
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing from the internet (intranet)
    assert "chart-data-on_time" in html


def test_team_unit_and_category_pages(round_with_history, client):
    w = round_with_history
    client.force_login(w[Role.COMMISSION])
    team = w.iu_a.team
    for url in (reverse("reports:team", args=[w.round.code, team.pk]), reverse("reports:unit", args=[w.unit_a.code]),
                reverse("reports:category", args=["3"]) + f"?round={w.round.code}", reverse("reports:category", args=["2"])):
        response = client.get(url)
        assert response.status_code == 200, url
    board = selectors.category_dashboard_for(user=w[Role.COMMISSION], code="3", round_code=w.round.code)
    rows = {row[0]: row for row in board.table("category_units").rows}
    assert rows["省教育厅"][1:3] == [1, 0] and rows["省财政厅"][1] == 1
    overdue = _card(board, "逾期任务")
    assert overdue.value == 1  # the red task is unit A's 3.2 problem
    assert client.get(overdue.url).context["page_obj"].paginator.count == 1


def test_a_categorys_overdue_card_sums_the_overdue_tasks_of_its_red_problems_as_the_list_shows(
        round_with_history, client):
    """Across the category and its sub-categories: each red problem's tasks past their deadline, not its tasks
    still ahead, not a self-found problem's, in SQL from the rollups' open deadlines on both databases."""
    w = round_with_history
    several = factories.problem(iu=w.iu_b, category_code="3.2")
    for due in (dt.date(2026, 7, 1), dt.date(2026, 7, 9), dt.date(2026, 7, 20)):
        factories.task(prob=several, due=due)
    other = factories.problem(iu=w.iu_b, category_code="3.1")
    factories.task(prob=other, due=dt.date(2026, 6, 1))
    own = factories.problem(iu=w.iu_b, category_code="3.2")
    factories.task(prob=own, due=dt.date(2026, 6, 1))
    factories.make_self_found(own)
    factories.refresh_rollups([several.pk, other.pk, own.pk])
    board = selectors.category_dashboard_for(user=w[Role.COMMISSION], code="3")
    overdue = _card(board, "逾期任务")
    assert overdue.value == 4  # unit A's 07-01, and unit B's 07-01, 07-09 and 06-01
    client.force_login(w[Role.COMMISSION])
    assert client.get(overdue.url).context["page_obj"].paginator.count == 4


def test_a_category_none_of_whose_problems_is_in_scope_shows_an_empty_page(round_with_history, client):
    """A round without problems of the category, or a unit lead whose unit has none: zero everywhere, no error."""
    w = round_with_history
    board = selectors.category_dashboard_for(user=w[Role.COMMISSION], code="1", round_code=w.round.code)
    assert [c.value for c in board.cards] == [0, 0, "0.00%", 0, 0]
    client.force_login(w[Role.UNIT_LEAD])
    response = client.get(reverse("reports:category", args=["1"]))
    assert response.status_code == 200 and _card(response.context["board"], "逾期任务").value == 0


def test_a_problem_moved_to_another_category_takes_its_completion_with_it(round_with_history):
    """Counts by category read the category from the problems' rollups: editing a closed problem's category
    moves its problem and its completion to the new category on every page at once."""
    from rectify.rectification import plan_services, rollups

    w = round_with_history
    office = w[Role.INSPECTION_OFFICE]
    closed = Problem.objects.filter(inspected_unit=w.iu_a, rollup__completion="completed").order_by("pk").first()

    def category_rows():
        board = selectors.province_dashboard_for(user=w[Role.COMMISSION])[0]
        return {row[0].split()[0]: row[1:3] for row in board.table("categories").rows}

    assert category_rows()["2"] == [5, 2] and category_rows()["3"] == [2, 0]
    plan_services.problem_edit(actor=office, problem_id=closed.pk, expected_version=closed.version, category="3.2")
    assert category_rows()["2"] == [4, 1] and category_rows()["3"] == [3, 1]
    board = selectors.category_dashboard_for(user=w[Role.COMMISSION], code="3", round_code=w.round.code)
    assert {row[0]: row[1:3] for row in board.table("category_units").rows}["省教育厅"] == [2, 1]
    assert rollups.verify() is None


def test_a_category_across_rounds_lists_the_units_with_most_problems_and_exports_them_all(
        round_with_history, client, monkeypatch):
    """Across every round a category page would list thousands of units: the page lists and draws the first
    ``CATEGORY_UNITS_SHOWN`` by number of problems (ties in the pages' order: newest round first, then the
    units' order) and says how many it left out; the export has every unit, in the same order."""
    w = round_with_history
    for _ in range(6):  # unit B: six problems of category 2.2; unit A, listed before it, has five
        factories.task(prob=factories.problem(iu=w.iu_b))
    client.force_login(w[Role.LEADER])
    url = reverse("reports:category", args=["2"])
    every = client.get(url).context["board"].table("category_units")
    assert every.shown is None and [r[1] for r in every.rows] == [5, 6]  # few units: all, in the pages' order
    assert every.rows[0][0].startswith("省教育厅") and every.rows[1][0].startswith("省财政厅")
    monkeypatch.setattr(selectors, "CATEGORY_UNITS_SHOWN", 1)
    response = client.get(url)
    table = response.context["board"].table("category_units")
    assert [r[:2] for r in table.rows] == [every.rows[1][:2]]  # most problems first; only the listed row built
    assert table.links == [every.links[1]]
    assert table.shown == 1 and table.rows_not_shown == 1 and table.chart_data()["labels"] == [str(table.rows[0][0])]
    one_round = client.get(url, {"round": w.round.code}).context["board"].table("category_units")
    assert one_round.shown is None and len(one_round.rows) == 2  # one round lists every unit, in its order
    html = response.content.decode()
    assert "图表和数据表列出前 1 行，另有 1 行未列出" in html and str(every.rows[0][0]) not in html
    assert _card(response.context["board"], "该类反馈问题").value == 11  # the cards count every unit
    sheet = load_workbook(io.BytesIO(client.get(url + "?export=category_units").content)).worksheets[0]
    assert [r[:2] for r in sheet.iter_rows(min_row=3, values_only=True)] == [(every.rows[1][0], 6),
                                                                              (every.rows[0][0], 5)]
    factories.task(prob=factories.problem(iu=w.iu_a))  # six each: the tie keeps the pages' order
    tied = client.get(url).context["board"].table("category_units")
    assert [r[0] for r in tied.rows] == [every.rows[0][0]]


def test_the_whole_province_counted_without_selecting_its_units_gives_the_same_figures(round_with_history):
    """Someone who sees every unit: the province's queries drop the unit condition. Same cards and tables as
    selecting every unit by id, a pending close-out and its waiting time included."""
    w = round_with_history
    task = factories.task(prob=factories.problem(iu=w.iu_b), status=TaskStatus.SUBMITTED)
    CloseOut.objects.create(task=task, submitted_by=w["unit_lead_b"], submitted_at=dt.datetime(2026, 7, 1, tzinfo=dt.UTC))
    own = factories.problem(iu=w.iu_b)
    factories.task(prob=own, status=TaskStatus.CLOSED)
    factories.make_self_found(own)
    long_term = factories.problem(iu=w.iu_b)  # basically complete: a long-term task under way
    factories.task(prob=long_term, status=TaskStatus.IN_PROGRESS, kind="long_term", due=dt.date(2026, 12, 31))
    factories.refresh_rollups([task.problem_id, own.pk, long_term.pk])
    board, _rounds = selectors.province_dashboard_for(user=w[Role.LEADER])
    assert board.units.everything
    units = selectors.unit_facts(InspectedUnit.objects.filter(pk__in=[w.iu_a.pk, w.iu_b.pk]), today=board.today)
    assert not units.everything
    by_ids = selectors.build(title=board.title, scope="province", units=units, today=board.today, task_filter={},
                             row_label="both")

    def figures(b):
        return ([(c.label, c.value, c.sub) for c in b.cards], [(t.key, t.rows, t.total) for t in b.tables])

    assert figures(by_ids) == (figures(board)[0], figures(board)[1][1:])  # the province adds its rounds table
    assert sum(row[1] for row in board.table("ageing_close_outs").rows) == 1  # the pending close-out
    assert _card(board, "自查问题").sub == "已完成 1，不计入完成率"
    assert _card(board, "逾期任务").value == 1 and _card(board, "黄灯任务").value == 1
    assert "基本完成 1" in _card(board, "整改完成率").sub


def test_the_province_lists_its_newest_rounds_each_summed_and_exports_every_one(world, client, frozen_today):
    frozen_today(TODAY)
    shown = selectors.PROVINCE_ROUNDS_SHOWN
    made = [factories.inspection_round(start=dt.date(2026, 3, 2) + dt.timedelta(days=i)) for i in range(shown)]
    for i, rnd in enumerate(made):  # the i-th round: i + 1 units of one problem each, one of them completed
        for k in range(i % 3 + 1):
            iu = factories.inspected_unit(rnd=rnd, unit=factories.org_unit(), feedback=dt.date(2026, 5, 1))
            done = factories.task(prob=factories.problem(iu=iu), status=TaskStatus.CLOSED if k == 0 else "pending",
                                  due=dt.date(2026, 6, 1))
            Task.objects.filter(pk=done.pk).update(closed_at=dt.datetime(2026, 5, 20, tzinfo=dt.UTC))
            factories.refresh_rollups([done.problem_id])
    _board, rounds = selectors.province_dashboard_for(user=world[Role.LEADER])
    assert len(rounds.rows) == shown + 1 and rounds.shown == shown  # the world's own round is the oldest
    assert rounds.rows[0][0] == made[-1].name
    assert world.round.name not in [r[0] for r, _link in rounds.page_row_links]
    row = next(r for r in rounds.rows if r[0] == made[4].name)  # 2 units, 2 problems, 1 completed, 1 red
    assert row == [made[4].name, 2, 2, 1, Decimal("50.00"), 1, 1, Decimal("50.00")]
    assert rounds.links[:shown] == [reverse("reports:round", args=[r.code]) for r in reversed(made)]
    client.force_login(world[Role.LEADER])
    html = client.get(reverse("reports:province")).content.decode()
    assert made[-1].name in html and world.round.name not in html
    assert "另有 1 行未列出" in html
    sheet = load_workbook(io.BytesIO(client.get(reverse("reports:province") + "?export=rounds").content)).worksheets[0]
    assert world.round.name in [row[0] for row in sheet.iter_rows(values_only=True)]


def test_waiting_close_outs_fall_in_their_bucket_by_the_beijing_day_they_were_submitted(world, frozen_today):
    """Days waited count from the Beijing date of submission: 00:00 and 23:59 of one Beijing day wait as long,
    and a bucket's edges (3 | 4, 7 | 8, 14 | 15, 30 | 31 days) fall where the labels say."""
    frozen_today(TODAY)
    from rectify.core.clock import SHANGHAI

    waited = [0, 3, 4, 7, 8, 14, 15, 30, 31, 200]
    tasks = [factories.task(prob=p) for p in factories.problems_bulk(iu=world.iu_a, count=2 * len(waited), tasks=())]
    for index, days in enumerate(waited):
        day = TODAY - dt.timedelta(days=days)
        for k, moment in enumerate((dt.time(0, 0), dt.time(23, 59, 59))):
            CloseOut.objects.create(task=tasks[2 * index + k], submitted_by=world[Role.UNIT_LEAD],
                                    submitted_at=dt.datetime.combine(day, moment, tzinfo=SHANGHAI))
    board = selectors.round_dashboard_for(user=world[Role.COMMISSION], code=world.round.code)
    assert board.table("ageing_close_outs").rows == [["3天以内", 4], ["4–7天", 4], ["8–14天", 4], ["15–30天", 4],
                                                     ["30天以上", 4]]
    assert _card(board, "待审核的销号申请").sub == "已等待 15 天以上 8 项"


def test_each_table_exports_to_excel_as_shown(round_with_history, client):
    w = round_with_history
    client.force_login(w[Role.COMMISSION])
    response = client.get(reverse("reports:round", args=[w.round.code]) + "?export=warnings")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert values[0] == ["单位", "红灯", "黄灯", "绿灯"]
    assert ["合计", 1, 1, 3] in values
    everything = load_workbook(io.BytesIO(client.get(reverse("reports:round", args=[w.round.code])
                                                     + "?export=all").content))
    assert len(everything.worksheets) == 9
    tasks = load_workbook(io.BytesIO(client.get(reverse("reports:tasks") + "?warning=red&export=xlsx").content))
    rows = list(tasks.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][8] == "红灯"


def test_the_api_docs_page_loads_nothing_from_the_internet(client, world):
    html = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)


def _queries(client, url, django_assert_max_num_queries, budget):
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url_name", ["round", "tasks", "province"])
def test_query_counts_do_not_grow_with_the_data(world, client, frozen_today, django_assert_num_queries, url_name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    frozen_today(TODAY)
    client.force_login(world[Role.COMMISSION])
    url = {"round": reverse("reports:round", args=[world.round.code]), "tasks": reverse("reports:tasks"),
           "province": reverse("reports:province")}[url_name]
    counts = []
    for _ in range(2):
        unit = factories.org_unit(parent=world.unit_a.parent)
        iu = factories.inspected_unit(rnd=world.round, unit=unit)
        factories.problems_bulk(iu=iu, count=30, due=dt.date(2026, 7, 1), with_responsibilities=True)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    # the page (its categories table reads the problems and their rollups apart), the category catalogue and one
    # query per menu badge
    assert counts[0] <= 24, counts


def test_a_close_out_late_in_the_evening_of_the_deadline_in_beijing_is_on_time(world):
    """Dates are Beijing dates: 23:30 on the deadline is on time, 00:10 the next day is late (both are the
    previous day in UTC)."""
    from rectify.core import clock

    on_time = factories.task(prob=factories.problem(iu=world.iu_b), status=TaskStatus.CLOSED, due=dt.date(2026, 6, 30))
    late = factories.task(prob=factories.problem(iu=world.iu_b), status=TaskStatus.CLOSED, due=dt.date(2026, 6, 30))
    Task.objects.filter(pk=on_time.pk).update(closed_at=dt.datetime(2026, 6, 30, 23, 30, tzinfo=clock.SHANGHAI))
    Task.objects.filter(pk=late.pk).update(closed_at=dt.datetime(2026, 7, 1, 0, 10, tzinfo=clock.SHANGHAI))
    factories.refresh_rollups([on_time.problem_id, late.problem_id])
    with clock.frozen(dt.date(2026, 7, 2)):
        board = selectors.round_dashboard_for(user=world[Role.COMMISSION], code=world.round.code)
    b = next(u for u in board.units if u.inspected_unit.pk == world.iu_b.pk)
    assert (b.on_time, b.due_or_closed) == (1, 2)
    line = dict(board.table("burn_down").rows)
    assert line["2026-06-30"] - line["2026-07-02"] == 1  # each counted on the Beijing date it was closed


@pytest.mark.parametrize("query", ["", "?warning=red", "?warning=yellow", "?warning=all", "?warning=red&round=R-TEST",
                                   "?warning=all&kind=all", "?warning=attention&category=2"])
def test_the_task_list_count_from_the_read_model_is_the_number_of_rows(round_with_history, client, query):
    """Counts come from the deadline-day counts where they can; they must equal the rows listed."""
    w = round_with_history
    self_found = factories.problem(iu=w.iu_a)
    factories.make_self_found(self_found)
    factories.task(prob=self_found, due=dt.date(2026, 7, 2))
    client.force_login(w[Role.COMMISSION])
    page = client.get(reverse("reports:tasks") + query)
    filters = page.context["filters"]
    rows = selectors.task_list_for(user=w[Role.COMMISSION], filters=filters)
    assert page.context["page_obj"].paginator.count == len(list(rows))


def test_a_close_out_approved_through_the_services_counts_on_time_and_in_the_burn_down(world):
    import io

    from rectify.core import clock
    from rectify.rectification import services
    from rectify.rectification.models import CloseOut
    from tests import factories

    factories.conclude(world.clue_a)  # the clue handed over on problem A no longer holds its close-outs
    with clock.frozen(dt.datetime(2026, 7, 31, 23, 50, tzinfo=clock.SHANGHAI)):  # the deadline's last minutes
        services.evidence_upload(actor=world[Role.UNIT_MEMBER], task_id=world.task_a.pk,
                                 file=io.BytesIO(b"%PDF-1.4 proof"), name="proof.pdf")
        services.close_out_submit(actor=world[Role.UNIT_LEAD], task_id=world.task_a.pk)
        services.close_out_approve(actor=world[Role.INSPECTION_OFFICE],
                                   close_out_id=CloseOut.objects.get(task=world.task_a).pk)
    with clock.frozen(dt.date(2026, 8, 2)):
        board = selectors.round_dashboard_for(user=world[Role.COMMISSION], code=world.round.code)
    a = next(u for u in board.units if u.inspected_unit.pk == world.iu_a.pk)
    assert (a.on_time, a.due_or_closed) == (1, 1)
    line = dict(board.table("burn_down").rows)
    assert line["2026-05-01"] == 2 and line["2026-08-02"] == 1


@pytest.mark.parametrize("url_name", ["round", "province"])
def test_many_units_selected_by_their_query_give_the_same_figures(round_with_history, client, monkeypatch, url_name):
    """Above MANY_UNITS the dashboards select units in SQL by the scope's query instead of a list of ids: the
    same page either way."""
    w = round_with_history
    client.force_login(w[Role.LEADER])
    url = reverse("reports:round", args=[w.round.code]) if url_name == "round" else reverse("reports:province")
    by_list = client.get(url)
    monkeypatch.setattr(selectors, "MANY_UNITS", 0)
    by_query = client.get(url)
    assert by_list.status_code == by_query.status_code == 200
    assert isinstance(by_query.context["board"].units, selectors.UnitList)
    assert not isinstance(by_query.context["board"].units.ids, list)  # the query path was taken
    strip = functools.partial(re.sub, r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]*"', "")
    assert strip(by_list.content.decode()) == strip(by_query.content.decode())
