"""The responsibility assistant (定责): for the problem's unit and occurrence period it proposes the principals of
the period (current and former, with the days they share with it), the member in charge of the problem's area,
and the people on the responsibility list — each with its reason and the type the seat supports — read from
the tenures' seat snapshots, so a post edited since does not change who was in charge then (scenario 5)."""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.accountability import case_selectors
from rectify.accountability.case_models import SubjectKind
from rectify.accounts.models import Role
from rectify.orgs.services import post_update
from tests.accountability.conftest import add, open_case
from tests.api.conftest import api  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def _by_name(case):  # type: ignore[no-untyped-def]
    return {c.name: c for c in case_selectors.candidates(case)}


def test_the_former_head_who_led_the_unit_then_is_proposed_with_principal_responsibility(scene):
    case = open_case(scene)
    proposed = _by_name(case)
    former = proposed["张书记"]
    assert former.suggested_type == "principal" and former.is_former
    assert former.overlap_days == 456  # 2024-01-01 … 2025-03-31, both days counted
    assert "主要负责人" in former.reason and "已离任" in former.reason and "456" in former.reason
    assert "王书记" not in proposed, "the successor took over after the problem: not a principal of the period"


def test_the_member_in_charge_of_the_lead_department_is_proposed_and_the_other_member_is_not(scene):
    proposed = _by_name(open_case(scene))
    deputy = proposed["王副厅长"]
    assert deputy.suggested_type == "principal" and deputy.overlap_days == 456
    assert "分管财务处" in deputy.reason and "责任清单" in deputy.reason
    assert "赵副厅长" not in proposed  # in charge of 人事处, not of the problem's area


def test_staff_on_the_responsibility_list_are_proposed_without_a_leadership_type(scene):
    staff = _by_name(open_case(scene))["李四"]
    assert staff.suggested_type == "" and "责任人" in staff.reason and "纪律处分" in staff.reason


def test_the_organisation_is_proposed_with_overall_responsibility(scene):
    org = _by_name(open_case(scene))["省教育厅"]
    assert org.kind == SubjectKind.ORGANISATION and org.suggested_type == "overall"


def test_editing_the_post_later_does_not_change_who_was_in_charge_then(scene):
    """王副厅长's post is given 人事处 instead of 财务处 today; in 2024 it was 财务处, and the snapshot keeps it."""
    post = scene.deputy.post
    # A member who left: the deputy's tenure ends, the post is edited for the next holder.
    scene.deputy.end = dt.date(2026, 1, 1)
    scene.deputy.save(update_fields=["end"])
    post_update(actor=scene.world[Role.ADMIN], post=post, expected_version=post.version, title=post.title,
                is_principal=False, is_leadership_member=True, areas="人事处", sort_order=post.sort_order)
    deputy = _by_name(open_case(scene))["王副厅长"]
    assert "分管财务处" in deputy.reason and deputy.suggested_type == "principal"


def test_the_assistant_marks_who_is_already_named(scene):
    case = open_case(scene)
    subject = add(scene, case, "张书记", "principal")
    proposed = _by_name(case)
    assert proposed["张书记"].subject_id == subject.pk and proposed["王副厅长"].subject_id is None
    assert subject.suggested_type == "principal" and subject.tenure_id == scene.secretary.pk
    assert subject.post_title == "党组书记、厅长" and not subject.is_outside


def test_candidates_over_the_api(scene, api):  # noqa: F811
    case = open_case(scene)
    body = api(Role.COMMISSION).get(f"/accountability/cases/{case.pk}/candidates").json()
    assert body["count"] == len(body["items"]) == 4
    former = next(c for c in body["items"] if c["name"] == "张书记")
    assert {"name", "post", "reason", "overlap_days", "suggested_type"} <= set(former)
    assert former["post"] == "党组书记、厅长" and former["overlap_days"] == 456 and former["suggested_type"] == "principal"
