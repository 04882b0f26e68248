"""The supervisors' pages of issue 11: look-back review, candidates with confirm/reject, assessments,
interviews (list, new in two steps, detail with attendance and follow-ups). Units get 404 and no menu entry."""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.inspections.models import Problem, RoundKind
from rectify.rectification.models import Task, TaskStatus
from rectify.supervision.models import FalseRectificationAssessment, InterviewSession, RepeatReview
from tests import factories
from tests.factories import PASSWORD
from tests.supervision.redflag_fixtures import at, close, progress

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def setup(world, frozen_today):  # type: ignore[no-untyped-def]
    frozen_today(TODAY)
    orig = factories.inspection_round(code="R-ORIG", start=dt.date(2024, 3, 1), kind=RoundKind.REGULAR)
    world.round.look_back_of = orig
    world.round.save(update_fields=["look_back_of"])
    iu = factories.inspected_unit(rnd=orig, unit=world.unit_a, feedback=dt.date(2024, 5, 1))
    earlier = factories.problem(iu=iu, description="违规发放津贴补贴")
    task = factories.task(prob=earlier, due=dt.date(2024, 7, 31))
    progress(task, dt.date(2024, 5, 20), world["unit_lead"])
    close(task, at(dt.date(2024, 6, 10)), at(dt.date(2024, 6, 12)), lead=world["unit_lead"],
          reviewer=world["inspection_office"])
    Problem.objects.filter(pk=world.problem_a.pk).update(occurred_from=dt.date(2021, 1, 1),
                                                         occurred_to=dt.date(2021, 12, 31))
    return {"earlier": earlier, "task": task}


def test_look_back_pages_confirm_and_assess(world, setup, client) -> None:  # type: ignore[no-untyped-def]
    client.login(username="commission", password=PASSWORD)
    page = client.get("/look-back/R-TEST/")
    assert page.status_code == 200 and "新发现问题" in page.content.decode()
    detail = client.get(f"/look-back/R-TEST/problems/{world.problem_a.pk}/")
    assert detail.status_code == 200 and "违规发放津贴补贴" in detail.content.decode()
    response = client.post(f"/look-back/R-TEST/problems/{world.problem_a.pk}/decide/",
                           {"earlier": setup["earlier"].pk, "decision": "confirmed", "score": "0.9"})
    assert response.status_code == 302
    assert Task.objects.get(pk=setup["task"].pk).status == TaskStatus.IN_PROGRESS
    assessment = FalseRectificationAssessment.objects.get()
    assert "待开展的虚假整改评估" in client.get("/look-back/R-TEST/").content.decode()
    client.post(f"/false-rectification-assessments/{assessment.pk}/conclude/",
                {"conclusion": "false", "reason": "", "next": "/look-back/R-TEST/"})
    assessment.refresh_from_db()
    assert assessment.conclusion == ""  # a reason is required
    client.post(f"/false-rectification-assessments/{assessment.pk}/conclude/",
                {"conclusion": "false", "reason": "仅停发未清退", "next": "/look-back/R-TEST/"})
    assessment.refresh_from_db()
    assert assessment.conclusion == "false"
    assert RepeatReview.objects.count() == 1


def test_interview_pages_schedule_record_and_follow_up(world, setup, client) -> None:  # type: ignore[no-untyped-def]
    client.login(username="office", password=PASSWORD)
    assert client.get("/interviews/").status_code == 200
    step1 = client.get("/interviews/new/", {"round": "R-TEST", "unit": "EDU"})
    assert step1.status_code == 200 and "张书记" in step1.content.decode()
    principal = world.unit_a.posts.get(is_principal=True).tenures.get()
    response = client.post("/interviews/new/", {
        "round": "R-TEST", "unit": "EDU", "kind": "interview", "title": "约谈省教育厅", "held_on": "2026-06-20",
        "participants-EDU": [str(principal.pk)]})
    assert response.status_code == 302, response.content.decode()[:500]
    session = InterviewSession.objects.get()
    detail = client.get(f"/interviews/{session.pk}/")
    assert detail.status_code == 200 and "张书记" in detail.content.decode()
    participant = session.units.get().participants.get()
    client.post(f"/interviews/{session.pk}/", {"action": "record", "version": session.version,
                                                "minutes": "要求限期整改", f"attended-{participant.pk}": "1"})
    participant.refresh_from_db()
    assert participant.attended is True
    client.post(f"/interviews/{session.pk}/", {"action": "follow_up", "problem": world.problem_a.pk,
                                                "measure": "清退违规津贴", "criterion": "全部清退",
                                                "deadline_kind": "deadline", "due_date": "2026-07-31"})
    assert Task.objects.filter(problem=world.problem_a, measure="清退违规津贴").exists()
    assert "清退违规津贴" in client.get(f"/interviews/{session.pk}/").content.decode()


@pytest.mark.parametrize("path", ["/look-back/R-TEST/", "/interviews/", "/interviews/new/", "/red-flags/"])
def test_units_get_404_and_no_menu(world, setup, client, path) -> None:  # type: ignore[no-untyped-def]
    client.login(username="lead_a", password=PASSWORD)
    assert client.get(path).status_code == 404
    home = client.get("/").content.decode()
    assert "红旗预警" not in home and "/interviews/" not in home


def test_supervisors_see_both_menu_entries(world, setup, client) -> None:  # type: ignore[no-untyped-def]
    client.login(username="commission", password=PASSWORD)
    home = client.get("/").content.decode()
    assert "/red-flags/" in home and "/interviews/" in home


def test_the_original_approver_sees_the_notice_until_read(world, setup, client) -> None:  # type: ignore[no-untyped-def]
    from rectify.supervision.models import RepeatNotice

    client.login(username="commission", password=PASSWORD)
    client.post(f"/look-back/R-TEST/problems/{world.problem_a.pk}/decide/",
                {"earlier": setup["earlier"].pk, "decision": "confirmed"})
    client.logout()
    client.login(username="office", password=PASSWORD)  # approved the earlier close-out
    page = client.get("/red-flags/", {"round": "R-TEST"}).content.decode()
    assert "问题反弹通知" in page and 'title="待处理 1 项"' in page
    notice = RepeatNotice.objects.get()
    client.post(f"/red-flags/notices/{notice.pk}/read/", {"next": "/red-flags/"})
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert "问题反弹通知" not in client.get("/red-flags/", {"round": "R-TEST"}).content.decode()


def test_the_problem_page_shows_the_earlier_problem_it_repeats(world, setup, client) -> None:  # type: ignore[no-untyped-def]
    Problem.objects.filter(pk=world.problem_a.pk).update(repeats=setup["earlier"])
    client.login(username="lead_a", password=PASSWORD)
    page = client.get(f"/problems/{world.problem_a.pk}/").content.decode()
    assert "重复的原问题" in page and "R-ORIG" in page and "比对原轮次问题" not in page
    client.logout()
    client.login(username="office", password=PASSWORD)
    page = client.get(f"/problems/{world.problem_a.pk}/").content.decode()
    assert f"/look-back/R-TEST/problems/{world.problem_a.pk}/" in page
    overview = client.get("/rounds/R-TEST/").content.decode()
    assert "/look-back/R-TEST/" in overview and "/red-flags/?round=R-TEST" in overview
