"""Who sees what: a unit user sees their own unit and everything below it, nothing beside it.

Scope is the org subtree by materialised path (``/000001/000007/``); supervisors see all
units; clues only the commission (DOMAIN §6 rule 12); an inactive account sees nothing.
"""

from __future__ import annotations

import io

import pytest

from rectify.accounts.models import Role, User
from rectify.accounts.selectors import unit_scope_q
from rectify.core.errors import NotFound
from rectify.inspections.models import Problem
from rectify.inspections.selectors import clues_for, inspected_units_for, round_get_for, round_list_for
from rectify.orgs.models import OrgUnit
from rectify.orgs.services import org_units_bulk_create
from rectify.rectification import selectors, services
from rectify.rectification.models import Task
from tests import factories

SUPERVISORS = [Role.COMMISSION, Role.INSPECTION_OFFICE, Role.LEADER, Role.ADMIN]


@pytest.fixture
def activity(world):  # type: ignore[no-untyped-def]
    """Both units have evidence and a pending close-out; unit A's internal 财务处 has its own inspection."""
    evidence = {}
    for key, member, lead, task in [("a", world[Role.UNIT_MEMBER], world[Role.UNIT_LEAD], world.task_a),
                                    ("b", factories.user(role=Role.UNIT_MEMBER, unit=world.unit_b),
                                     world["unit_lead_b"], world.task_b)]:
        evidence[key] = services.evidence_upload(actor=member, task_id=task.pk, name=f"{key}.pdf",
                                                 file=io.BytesIO(f"%PDF {key}".encode()))
        services.close_out_submit(actor=lead, task_id=task.pk)
    iu_dept = factories.inspected_unit(rnd=world.round, unit=world.unit_a_dept)
    problem_dept = factories.problem(iu=iu_dept, description="财务处报销审核不严")
    task_dept = factories.task(prob=problem_dept)
    return {"evidence": evidence, "iu_dept": iu_dept, "problem_dept": problem_dept, "task_dept": task_dept}


def visible_problems(user: User) -> set[int]:
    return set(selectors.problem_list_for(user=user).values_list("pk", flat=True))


def queued_tasks(user: User) -> set[int]:
    return set(selectors.close_out_queue_for(user=user).values_list("task_id", flat=True))


def test_unit_user_sees_own_unit_and_the_units_below_it(world, activity):
    lead_a = world[Role.UNIT_LEAD]
    assert visible_problems(lead_a) == {world.problem_a.pk, activity["problem_dept"].pk}
    assert selectors.task_get_for(user=lead_a, task_id=activity["task_dept"].pk) == activity["task_dept"]
    assert set(inspected_units_for(user=lead_a)) == {world.iu_a, activity["iu_dept"]}


def test_user_of_a_child_unit_does_not_see_its_parent(world, activity):
    dept_member = factories.user(role=Role.UNIT_MEMBER, unit=world.unit_a_dept)
    assert visible_problems(dept_member) == {activity["problem_dept"].pk}
    with pytest.raises(NotFound):
        selectors.task_get_for(user=dept_member, task_id=world.task_a.pk)
    with pytest.raises(NotFound):
        selectors.evidence_get_for(user=dept_member, evidence_id=activity["evidence"]["a"].pk)


def test_user_of_the_parent_of_both_units_sees_both(world, activity):
    province_lead = factories.user(role=Role.UNIT_LEAD, unit=world.unit_a.parent)
    assert visible_problems(province_lead) == {world.problem_a.pk, world.problem_b.pk, activity["problem_dept"].pk}
    assert queued_tasks(province_lead) == {world.task_a.pk, world.task_b.pk}


@pytest.mark.parametrize("role", [Role.UNIT_LEAD, Role.UNIT_MEMBER])
def test_unit_a_sees_nothing_of_unit_b(world, activity, role):
    user = world[role]
    assert world.problem_b.pk not in visible_problems(user)
    with pytest.raises(NotFound):
        selectors.problem_get_for(user=user, problem_id=world.problem_b.pk)
    with pytest.raises(NotFound):
        selectors.task_get_for(user=user, task_id=world.task_b.pk)
    assert queued_tasks(user) == {world.task_a.pk}
    close_out_b = world.task_b.close_outs.get()
    with pytest.raises(NotFound):
        selectors.close_out_get_for(user=user, close_out_id=close_out_b.pk)
    with pytest.raises(NotFound):
        selectors.evidence_get_for(user=user, evidence_id=activity["evidence"]["b"].pk)
    assert selectors.evidence_get_for(user=user, evidence_id=activity["evidence"]["a"].pk).task_id == world.task_a.pk


def test_filtering_by_another_units_code_does_not_widen_scope(world, activity):
    from rectify.rectification.selectors import ProblemFilters

    lead_a = world[Role.UNIT_LEAD]
    assert not selectors.problem_list_for(user=lead_a, filters=ProblemFilters(unit_code=world.unit_b.code)).exists()
    assert not selectors.problem_list_for(
        user=lead_a, filters=ProblemFilters(inspected_unit_id=world.iu_b.pk)).exists()


def test_missing_and_out_of_scope_look_the_same(world):
    """NotFound says the same for "does not exist" and "not yours", so existence does not leak."""
    lead_a = world[Role.UNIT_LEAD]
    with pytest.raises(NotFound) as other_units:
        selectors.task_get_for(user=lead_a, task_id=world.task_b.pk)
    with pytest.raises(NotFound) as missing:
        selectors.task_get_for(user=lead_a, task_id=Task.objects.order_by("-pk").first().pk + 1000)
    assert other_units.value.message == missing.value.message


@pytest.mark.parametrize("role", SUPERVISORS)
def test_supervisors_see_every_unit(world, activity, role):
    user = world[role]
    assert visible_problems(user) == set(Problem.objects.values_list("pk", flat=True))
    assert selectors.task_get_for(user=user, task_id=world.task_b.pk) == world.task_b
    assert queued_tasks(user) == {world.task_a.pk, world.task_b.pk}


@pytest.mark.parametrize("role", [*SUPERVISORS, Role.UNIT_LEAD, Role.UNIT_MEMBER])
def test_an_inactive_account_sees_nothing(world, activity, role):
    user = world[role]
    user.is_active = False
    user.save(update_fields=["is_active"])
    user = User.objects.get(pk=user.pk)
    assert visible_problems(user) == set()
    with pytest.raises(NotFound):
        selectors.task_get_for(user=user, task_id=world.task_a.pk)
    with pytest.raises(NotFound):
        selectors.evidence_get_for(user=user, evidence_id=activity["evidence"]["a"].pk)
    assert queued_tasks(user) == set()
    assert not clues_for(user=user).exists()
    assert not inspected_units_for(user=user).exists()
    assert not round_list_for(user=user).exists()
    with pytest.raises(NotFound):
        round_get_for(user=user, code=world.round.code)
    assert selectors.round_progress_for(user=user, round=world.round) == []


def test_unit_user_without_a_unit_sees_nothing(world):
    orphan = User.objects.create(username="orphan", role=Role.UNIT_LEAD, unit=None)
    assert visible_problems(orphan) == set()
    assert not round_list_for(user=orphan).exists()


# --- clues -------------------------------------------------------------------------------------------

def test_only_the_commission_sees_clues(world):
    assert list(clues_for(user=world[Role.COMMISSION])) == [world.clue_a]


@pytest.mark.parametrize("role", [Role.INSPECTION_OFFICE, Role.LEADER, Role.ADMIN, Role.UNIT_LEAD, Role.UNIT_MEMBER])
def test_no_one_else_sees_clues(world, role):
    assert not clues_for(user=world[role]).exists()


def test_no_one_else_sees_clue_counts_in_round_progress(world):
    by_role = {role: {p.inspected_unit.pk: p.clues for p in selectors.round_progress_for(user=world[role],
                                                                                       round=world.round)}
               for role in [Role.COMMISSION, Role.INSPECTION_OFFICE, Role.LEADER, Role.UNIT_LEAD]}
    assert by_role[Role.COMMISSION] == {world.iu_a.pk: 1, world.iu_b.pk: 0}
    assert by_role[Role.INSPECTION_OFFICE] == by_role[Role.LEADER] == {world.iu_a.pk: None, world.iu_b.pk: None}
    assert by_role[Role.UNIT_LEAD] == {world.iu_a.pk: None}


# --- the materialised path does not leak between look-alike ids -------------------------------------

def test_paths_are_zero_padded_ids_ending_in_a_slash(world):
    for unit in OrgUnit.objects.all():
        parent_path = unit.parent.path if unit.parent_id else "/"
        assert unit.path == f"{parent_path}{unit.pk:06d}/"


@pytest.mark.parametrize(("short_id", "long_id"), [(1, 10), (100000, 1000000), (123456, 1234567)])
def test_a_sibling_whose_path_extends_anothers_id_does_not_leak(db, short_id, long_id):
    """Siblings whose ids share a prefix (``…/100000/`` and ``…/1000000/``) stay apart: the trailing
    slash ends each id, so a LIKE 'prefix%' match on one never reaches the other."""
    province = OrgUnit(pk=7654321, code="PROV", name="省委")
    _, short, long = org_units_bulk_create([
        province,
        OrgUnit(pk=short_id, code=f"U{short_id}", name=f"单位{short_id}", parent=province),
        OrgUnit(pk=long_id, code=f"U{long_id}", name=f"单位{long_id}", parent=province),
    ])
    assert short.path.endswith(f"{short_id:06d}/")
    assert not long.path.startswith(short.path)
    rnd = factories.inspection_round()
    problems = {}
    for unit in (short, long):
        problems[unit.pk] = factories.problem(iu=factories.inspected_unit(rnd=rnd, unit=unit))
        factories.task(prob=problems[unit.pk])
    for unit, other in ((short, long), (long, short)):
        lead = factories.user(role=Role.UNIT_LEAD, unit=unit)
        assert visible_problems(lead) == {problems[unit.pk].pk}
        with pytest.raises(NotFound):
            selectors.task_get_for(user=lead, task_id=problems[other.pk].tasks.get().pk)
        assert set(OrgUnit.objects.filter(unit_scope_q(lead, unit_path_field="path"))) == {unit}


def test_scope_covers_deep_subtrees(db):
    top = factories.org_unit(name="市委")
    county = factories.org_unit(name="某县", parent=top)
    town = factories.org_unit(name="某镇", parent=county)
    village = factories.org_unit(name="某村", parent=town)
    beside = factories.org_unit(name="另一县", parent=top)
    rnd = factories.inspection_round()
    problems = {u.name: factories.problem(iu=factories.inspected_unit(rnd=rnd, unit=u))
                for u in (top, county, town, village, beside)}

    def names_seen_by(unit: OrgUnit) -> set[str]:
        lead = factories.user(role=Role.UNIT_LEAD, unit=unit)
        return {p.inspected_unit.unit.name for p in selectors.problem_list_for(user=lead)}

    assert names_seen_by(top) == set(problems)
    assert names_seen_by(county) == {"某县", "某镇", "某村"}
    assert names_seen_by(village) == {"某村"}
    assert names_seen_by(beside) == {"另一县"}
