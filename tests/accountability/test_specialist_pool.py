"""Scenario 9 and rule 11: conflict-of-interest rules block an assignment, each saying why; a forced assignment
needs the recorded approval of another commission user and a reason; proposals balance the workload."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from rectify.accountability import pool_selectors, pool_services
from rectify.accountability.conflicts import conflicts_for
from rectify.accountability.pool_models import (
    Assignment,
    AssignmentKind,
    PastEmployment,
    RelationKind,
    Specialist,
    SpecialistRelation,
)
from rectify.accounts.models import Role
from rectify.core.errors import DomainError
from rectify.orgs.models import Person, Post, Tenure
from tests import factories
from tests.accountability.conftest import add, open_case
from tests.api.conftest import api  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def _rules(scene, specialist, case=None):  # type: ignore[no-untyped-def]
    found = conflicts_for([specialist], unit=scene.unit, period=case.period if case else None)[specialist.pk]
    return [c.rule for c in found], found


def test_a_member_whose_spouse_works_in_the_unit_is_blocked(scene):
    spouse = Person.objects.create(name="刘会计", unit=scene.world.unit_a_dept, title="财务处科员")
    chen = scene.pool[0]
    SpecialistRelation.objects.create(specialist=chen, kind=RelationKind.SPOUSE, person=spouse, name=spouse.name)
    rules, found = _rules(scene, chen)
    assert rules == ["kin_in_unit"]
    assert found[0].message == "陈调查的配偶刘会计在省教育厅工作。"


def test_one_who_worked_there_two_years_ago_is_blocked_and_four_years_ago_is_not(scene, today):
    lin = scene.pool[1]
    PastEmployment.objects.create(specialist=lin, unit=scene.unit, position="人事处干部",
                                  start=dt.date(2019, 3, 1), end=dt.date(2024, 5, 31))
    rules, found = _rules(scene, lin)
    assert rules == ["worked_in_unit"] and "2024.05.31" in found[0].message and "不满3年" in found[0].message
    PastEmployment.objects.filter(specialist=lin).update(end=dt.date(2022, 5, 31))
    assert _rules(scene, lin)[0] == []


def test_a_post_held_in_the_unit_during_the_period_blocks(scene):
    zhou = scene.pool[2]
    post = Post.objects.create(unit=scene.unit, title="党组成员、纪检组长")
    Tenure.objects.create(person=zhou.person, post=post, start=dt.date(2020, 1, 1), end=dt.date(2024, 6, 1))
    case = open_case(scene)
    rules, found = _rules(scene, zhou, case)
    assert set(rules) == {"from_unit", "worked_in_unit"}
    assert "问题发生期间" in next(c.message for c in found if c.rule == "from_unit")


def test_the_same_leadership_body_as_a_current_leader_in_the_last_three_years_blocks(scene):
    """王书记 (省教育厅's principal since 2025-07) sat in 曲靖市's leadership until then, with 吴审理."""
    qujing = scene.pool[3].region
    body = Post.objects.create(unit=qujing, title="市委常委", is_leadership_member=True)
    other = Post.objects.create(unit=qujing, title="市纪委书记", is_leadership_member=True)
    Tenure.objects.create(person=scene.successor.person, post=body, start=dt.date(2021, 1, 1), end=dt.date(2025, 7, 1))
    Tenure.objects.create(person=scene.pool[3].person, post=other, start=dt.date(2022, 3, 1))
    rules, found = _rules(scene, scene.pool[3])
    assert rules == ["same_leadership_body"] and "王书记" in found[0].message and "曲靖市" in found[0].message


def test_a_declared_superior_subordinate_relation_in_the_last_three_years_blocks(scene):
    chen = scene.pool[0]
    SpecialistRelation.objects.create(specialist=chen, kind=RelationKind.SUPERIOR, person=scene.deputy.person,
                                      name="王副厅长", start=dt.date(2018, 1, 1), end=dt.date(2024, 12, 31))
    assert _rules(scene, chen)[0] == ["superior_subordinate"]
    SpecialistRelation.objects.filter(specialist=chen).update(end=dt.date(2022, 12, 31))
    assert _rules(scene, chen)[0] == []


def test_a_blocked_assignment_is_refused_with_the_reasons_unless_forced_with_another_approval(scene):
    spouse = Person.objects.create(name="刘会计", unit=scene.unit)
    chen = scene.pool[0]
    SpecialistRelation.objects.create(specialist=chen, kind=RelationKind.SPOUSE, person=spouse, name=spouse.name)
    case = open_case(scene)
    with pytest.raises(DomainError) as refused:
        pool_services.specialist_assign(actor=scene.commission, specialist=chen, kind=AssignmentKind.INVESTIGATION,
                                        case=case)
    assert refused.value.code == "conflict_of_interest" and refused.value.status == 409
    assert [c["rule"] for c in refused.value.details["conflicts"]] == ["kin_in_unit"]
    with pytest.raises(DomainError) as self_approved:
        pool_services.specialist_assign(actor=scene.commission, specialist=chen, kind=AssignmentKind.INVESTIGATION,
                                        case=case, force=True, approved_by=scene.commission, reason="熟悉情况")
    assert self_approved.value.code == "four_eyes"
    with pytest.raises(DomainError) as no_reason:
        pool_services.specialist_assign(actor=scene.commission, specialist=chen, kind=AssignmentKind.INVESTIGATION,
                                        case=case, force=True, approved_by=scene.head, reason=" ")
    assert no_reason.value.code == "required"
    with pytest.raises(DomainError) as not_commission:
        pool_services.specialist_assign(actor=scene.commission, specialist=chen, kind=AssignmentKind.INVESTIGATION,
                                        case=case, force=True, approved_by=scene.world[Role.INSPECTION_OFFICE],
                                        reason="熟悉情况")
    assert not_commission.value.code == "approval_required"
    forced = pool_services.specialist_assign(actor=scene.commission, specialist=chen,
                                             kind=AssignmentKind.INVESTIGATION, case=case, force=True,
                                             approved_by=scene.head, reason="全省唯一熟悉该领域审计的专家，其配偶不涉案")
    assert forced.forced and forced.approved_by == scene.head and forced.conflicts[0]["rule"] == "kin_in_unit"


def test_the_database_refuses_a_forced_assignment_approved_by_the_assigner(scene):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(specialist=scene.pool[0], kind=AssignmentKind.SPECIAL_INSPECTION, unit=scene.unit,
                                  title="专项检查", assigned_by=scene.commission, assigned_on=dt.date(2026, 5, 6),
                                  forced=True, approved_by=scene.commission, force_reason="x")


def test_proposals_leave_out_the_blocked_and_balance_the_workload(scene):
    spouse = Person.objects.create(name="刘会计", unit=scene.unit)
    SpecialistRelation.objects.create(specialist=scene.pool[0], kind=RelationKind.SPOUSE, person=spouse, name="刘会计")
    busy = scene.pool[1]
    for i in range(2):
        pool_services.specialist_assign(actor=scene.commission, specialist=busy, kind=AssignmentKind.SPECIAL_INSPECTION,
                                        unit=scene.world.unit_b, title=f"专项检查{i}")
    pool_services.specialist_assign(actor=scene.commission, specialist=scene.pool[3],
                                    kind=AssignmentKind.SPECIAL_INSPECTION, unit=scene.world.unit_b, title="专项检查")
    free, blocked = pool_selectors.proposals(user=scene.commission, unit=scene.unit)
    assert [(p.specialist.person.name, p.workload) for p in free] == [("周专员", 0), ("吴审理", 1), ("林会审", 2)]
    assert [p.specialist.person.name for p in blocked] == ["陈调查"]
    free, _blocked = pool_selectors.proposals(user=scene.commission, unit=scene.unit, expertise="案件审理")
    assert free[0].specialist.person.name == "周专员" and free[1].matches == ["案件审理"]


def test_assignment_over_the_api(scene, api):  # noqa: F811
    spouse = Person.objects.create(name="刘会计", unit=scene.unit)
    chen = scene.pool[0]
    SpecialistRelation.objects.create(specialist=chen, kind=RelationKind.SPOUSE, person=spouse, name="刘会计")
    case = open_case(scene)
    client = api(Role.COMMISSION)
    refused = client.post_json("/accountability/specialists/assign",
                               {"specialist": chen.pk, "kind": "investigation", "case": case.pk})
    assert refused.status_code == 409 and refused.json()["code"] == "conflict_of_interest"
    assert "配偶" in refused.json()["details"]["conflicts"][0]["message"]
    forced = client.post_json("/accountability/specialists/assign", {
        "specialist": chen.pk, "kind": "investigation", "case": case.pk, "force": True,
        "approved_by": scene.head.username, "reason": "经书记专题会研究同意"})
    assert forced.status_code == 201 and forced.json()["forced"] and forced.json()["approved_by"] == scene.head.pk
    listing = client.get("/accountability/specialists").json()
    assert listing["count"] == 4 and next(s for s in listing["items"] if s["id"] == chen.pk)["workload"] == 1


def test_the_pool_page_proposes_and_refuses_with_the_reasons(scene):
    spouse = Person.objects.create(name="刘会计", unit=scene.unit)
    SpecialistRelation.objects.create(specialist=scene.pool[0], kind=RelationKind.SPOUSE, person=spouse, name="刘会计")
    case = open_case(scene)
    add(scene, case, "张书记", "principal")
    c = Client()
    c.force_login(scene.commission)
    url = reverse("accountability:pool")
    page = c.get(url, {"case": case.pk, "kind": "investigation"}).content.decode()
    assert "需要回避的人员" in page and "陈调查的配偶刘会计在省教育厅工作" in page
    response = c.post(url, {"specialist": scene.pool[0].pk, "kind": "investigation", "case": case.pk})
    assert response.status_code == 409 and "经批准回避例外并抽调" in response.content.decode()
    response = c.post(url, {"specialist": scene.pool[0].pk, "kind": "investigation", "case": case.pk, "force": "on",
                            "approved_by": scene.head.pk, "reason": "经书记专题会研究同意"})
    assert response.status_code == 302
    assert Assignment.objects.get(specialist=scene.pool[0]).approved_by == scene.head


def test_a_specialist_is_a_person_of_a_prefecture(scene):
    with pytest.raises(DomainError) as refused:
        pool_services.specialist_add(actor=scene.commission, person=factories.leadership_tenure(
            unit=scene.world.unit_b, name="孙处长", title="处长").person, region=scene.world.unit_b, expertise="审计")
    assert refused.value.code == "invalid_region"
    assert Specialist.objects.count() == 4
