"""A supervisor confirms a look-back repeat in the browser: the earlier closed task is reopened and an
assessment is waiting; then schedules an interview with the current principal and a former one."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from rectify.accounts.models import Role
from rectify.inspections.models import Problem, RoundKind
from rectify.rectification.models import Task, TaskStatus
from rectify.supervision.models import FalseRectificationAssessment, InterviewParticipant
from tests import factories
from tests.factories import PASSWORD
from tests.supervision.redflag_fixtures import at, close, progress

pytestmark = pytest.mark.browser


def login(page, base: str, username: str) -> None:
    page.goto(base + reverse("accounts:login"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/$"))


def test_confirm_a_repeat_and_summon_a_former_head(live_server, world, page, shots):
    orig = factories.inspection_round(code="R-ORIG", start=dt.date(2024, 3, 1), kind=RoundKind.REGULAR)
    world.round.look_back_of = orig
    world.round.save(update_fields=["look_back_of"])
    iu = factories.inspected_unit(rnd=orig, unit=world.unit_a, feedback=dt.date(2024, 5, 1))
    earlier = factories.problem(iu=iu, description="违规发放津贴补贴")
    task = factories.task(prob=earlier, due=dt.date(2024, 7, 31))
    progress(task, dt.date(2024, 5, 20), world[Role.UNIT_LEAD])
    close(task, at(dt.date(2024, 6, 10)), at(dt.date(2024, 6, 12)), lead=world[Role.UNIT_LEAD],
          reviewer=world[Role.INSPECTION_OFFICE])
    Problem.objects.filter(pk=world.problem_a.pk).update(occurred_from=dt.date(2019, 1, 1),
                                                         occurred_to=dt.date(2021, 6, 30))
    factories.leadership_tenure(unit=world.unit_a, name="刘书记", title="党组书记、厅长", principal=True,
                                start=dt.date(2016, 1, 1), end=dt.date(2020, 1, 1))

    base = live_server.url
    login(page, base, world[Role.COMMISSION].username)
    page.goto(base + f"/look-back/R-TEST/problems/{world.problem_a.pk}/")
    first = page.locator("table.grid tbody tr").first
    first.get_by_role("button", name="确认重复").click()
    page.get_by_text("已确认为重复问题。").wait_for()
    page.screenshot(path=str(shots / "look-back-confirmed.png"), full_page=True)
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
    assert FalseRectificationAssessment.objects.filter(earlier=earlier).exists()

    page.goto(base + "/interviews/new/?round=R-TEST&unit=EDU")
    page.get_by_label("刘书记").check()
    page.get_by_label("名称").fill("约谈省教育厅")
    page.get_by_label("日期").fill("2026-06-20")
    page.get_by_role("button", name="安排约谈").click()
    page.get_by_text("已安排约谈。").wait_for()
    page.screenshot(path=str(shots / "interview.png"), full_page=True)
    assert set(InterviewParticipant.objects.values_list("name", flat=True)) == {"张书记", "刘书记"}
    assert Task.objects.filter(problem=earlier, status=TaskStatus.IN_PROGRESS).exists()
