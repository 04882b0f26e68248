"""Every role × page: what each user may open, and that another unit's data is a 404."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rectify.accounts.models import Role

ALL_ROLES = [Role.COMMISSION, Role.INSPECTION_OFFICE, Role.UNIT_LEAD, Role.UNIT_MEMBER, Role.LEADER, Role.ADMIN]


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def pages_of(world, which: str) -> list[str]:
    task = world.task_a if which == "a" else world.task_b
    iu = world.iu_a if which == "a" else world.iu_b
    return [
        reverse("rectification:ledger", args=[world.round.code, iu.unit.code]),
        reverse("rectification:problem_detail", args=[task.problem_id]),
        reverse("rectification:task_detail", args=[task.pk]),
    ]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_role_opens_the_common_pages(world, role):
    c = client_for(world[role])
    for url in [reverse("core:home"), reverse("inspections:round_list"),
                reverse("inspections:round_detail", args=[world.round.code]), *pages_of(world, "a")]:
        response = c.get(url)
        assert response.status_code == 200, url
        assert "整改通" in response.content.decode()


@pytest.mark.parametrize("role", [Role.UNIT_LEAD, Role.UNIT_MEMBER])
def test_unit_user_gets_404_for_another_units_pages(world, role):
    c = client_for(world[role])
    for url in pages_of(world, "b"):
        response = c.get(url)
        assert response.status_code == 404, url
        assert "省财政厅" not in response.content.decode()


@pytest.mark.parametrize("role", [Role.UNIT_LEAD, Role.UNIT_MEMBER])
def test_unit_user_round_overview_lists_only_own_unit(world, role):
    body = client_for(world[role]).get(reverse("inspections:round_detail", args=[world.round.code])).content.decode()
    assert "省教育厅" in body and "省财政厅" not in body


def test_evidence_download_is_scoped(world):
    import io

    from rectify.rectification.services import evidence_upload

    evidence = evidence_upload(actor=world[Role.UNIT_MEMBER], task_id=world.task_a.pk, file=io.BytesIO(b"proof"),
                               name="凭证.txt")
    url = reverse("rectification:evidence_download", args=[evidence.pk])
    assert client_for(world[Role.UNIT_LEAD]).get(url).status_code == 200
    assert client_for(world["unit_lead_b"]).get(url).status_code == 404


@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_commission_sees_clues_on_pages(world, role):
    c = client_for(world[role])
    problem_page = c.get(reverse("rectification:problem_detail", args=[world.problem_a.pk])).content.decode()
    overview = c.get(reverse("inspections:round_detail", args=[world.round.code])).content.decode()
    sees = role == Role.COMMISSION
    assert (world.clue_a.number in problem_page) is sees
    assert ("问题线索" in overview.split("<table")[0]) is sees  # the clue tile above the table
    assert "涉及问题线索（已移交）" in problem_page  # the flag itself is visible to everyone


def test_review_queue_is_for_reviewers_only(world):
    assert client_for(world[Role.INSPECTION_OFFICE]).get(reverse("rectification:review_queue")).status_code == 200
    response = client_for(world[Role.UNIT_LEAD]).get(reverse("rectification:review_queue"))
    assert response.status_code == 302


def test_anonymous_user_is_sent_to_login(world):
    response = Client().get(pages_of(world, "a")[0])
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_unit_member_cannot_submit_close_out_through_the_page(world):
    c = client_for(world[Role.UNIT_MEMBER])
    response = c.post(reverse("rectification:task_close_out", args=[world.task_a.pk]),
                      {"note": "x", "no_evidence_reason": "y"})
    assert response.status_code == 403
    world.task_a.refresh_from_db()
    assert world.task_a.status == "pending"


def test_post_to_another_units_task_is_404(world):
    c = client_for(world[Role.UNIT_LEAD])
    response = c.post(reverse("rectification:task_progress", args=[world.task_b.pk]), {"text": "越权填报"})
    assert response.status_code == 404
    assert not world.task_b.progress_entries.exists()
