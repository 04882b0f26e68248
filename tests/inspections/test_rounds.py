"""Creating and editing rounds, teams and inspected units: the rules, the rights and the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.accounts.models import Role
from rectify.audit.models import AuditEvent
from rectify.core.errors import Conflict, DomainError, PermissionDenied
from rectify.inspections import services
from rectify.inspections.models import InspectedUnit, InspectionRound, InspectionTeam, add_months
from rectify.orgs.models import OrgUnit, Person
from tests import factories

D = dt.date


def _create(actor, **overrides):  # type: ignore[no-untyped-def]
    values = {"code": "YN-2026-1", "name": "省委第一轮巡视", "kind": "regular", "level": "provincial",
              "start_date": D(2026, 3, 1)}
    values.update(overrides)
    return services.round_create(actor=actor, **values)


def _field(error: DomainError) -> str | None:
    return error.details.get("field") if isinstance(error.details, dict) else None


# --- rounds ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.INSPECTION_OFFICE, Role.COMMISSION])
def test_office_and_commission_create_a_round_with_default_policy_and_one_audit_event(world, settings, role):
    before = AuditEvent.objects.count()
    rnd = _create(world[role], end_date=D(2026, 4, 30))
    assert (rnd.code, rnd.kind, rnd.level, rnd.end_date) == ("YN-2026-1", "regular", "provincial", D(2026, 4, 30))
    assert (rnd.yellow_days, rnd.notice_days, rnd.rectification_months, rnd.report_months) == (
        settings.RECTIFY_YELLOW_DAYS_DEFAULT, settings.RECTIFY_NOTICE_DAYS_DEFAULT,
        settings.RECTIFY_RECTIFICATION_MONTHS_DEFAULT, settings.RECTIFY_REPORT_MONTHS_DEFAULT)
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert [e.action for e in events] == ["round.created"]
    assert events[0].after["code"] == "YN-2026-1"


@pytest.mark.parametrize("role", [Role.ADMIN, Role.LEADER, Role.UNIT_LEAD, Role.UNIT_MEMBER])
def test_other_roles_cannot_create_a_round(world, role):
    with pytest.raises(PermissionDenied):
        _create(world[role])
    assert not InspectionRound.objects.filter(code="YN-2026-1").exists()


def test_the_command_line_operator_may_create_a_round(world):
    rnd = _create(None)
    assert AuditEvent.objects.filter(action="round.created", object_id=str(rnd.pk), actor_name="命令行操作员").exists()


@pytest.mark.parametrize(("overrides", "field"), [
    ({"code": "R-TEST"}, "code"),               # the world's round already has it
    ({"code": "巡视一"}, "code"),               # unit code rules: ASCII letters, digits, - _ .
    ({"code": "-R1"}, "code"),
    ({"code": ""}, "code"),
    ({"name": "  "}, "name"),
    ({"kind": "secret"}, "kind"),
    ({"level": "village"}, "level"),
    ({"end_date": D(2026, 2, 28)}, "end_date"),  # before the start
    ({"yellow_days": 30, "notice_days": 20}, "notice_days"),
    ({"rectification_months": 0}, "rectification_months"),
])
def test_a_round_that_breaks_a_rule_is_refused_naming_the_field(world, overrides, field):
    with pytest.raises(DomainError) as info:
        _create(world[Role.INSPECTION_OFFICE], **overrides)
    assert _field(info.value) == field
    assert info.value.message  # Chinese text telling what to fix


def test_a_duplicate_code_is_a_conflict(world):
    with pytest.raises(Conflict):
        _create(world[Role.INSPECTION_OFFICE], code=world.round.code)


def test_look_back_round_may_name_an_earlier_round_or_none(world):
    office = world[Role.INSPECTION_OFFICE]
    plain = _create(office, code="LB-1", kind="look_back")
    assert plain.look_back_of is None
    lb = _create(office, code="LB-2", kind="look_back", look_back_of=world.round, start_date=D(2027, 3, 1))
    assert lb.look_back_of == world.round


def test_the_looked_back_round_must_be_earlier_and_not_itself(world):
    office = world[Role.INSPECTION_OFFICE]
    with pytest.raises(DomainError) as info:
        _create(office, code="LB-3", kind="look_back", look_back_of=world.round, start_date=world.round.start_date)
    assert _field(info.value) == "look_back_of"
    rnd = world.round
    with pytest.raises(DomainError) as info:
        services.round_update(actor=office, round=rnd, expected_version=rnd.version, code=rnd.code, name=rnd.name,
                              kind="look_back", level=rnd.level, start_date=rnd.start_date, look_back_of=rnd)
    assert _field(info.value) == "look_back_of"


def test_round_update_changes_policy_and_bumps_the_version(world):
    office, rnd = world[Role.INSPECTION_OFFICE], world.round
    old_name = rnd.name
    updated = services.round_update(actor=office, round=rnd, expected_version=rnd.version, code=rnd.code,
                                    name="改名后的轮次", kind=rnd.kind, level=rnd.level, start_date=rnd.start_date,
                                    rectification_months=6, report_months=3)
    assert (updated.name, updated.rectification_months, updated.report_months, updated.version) == (
        "改名后的轮次", 6, 3, 2)
    event = AuditEvent.objects.get(action="round.updated")
    assert (event.before["name"], event.after["name"]) == (old_name, "改名后的轮次")
    assert (event.before["rectification_months"], event.after["rectification_months"]) == (3, 6)
    world.iu_a.refresh_from_db()
    assert world.iu_a.rectification_end == D(2026, 10, 31)  # 2026-05-01 + 6 months − 1 day


def test_round_update_with_a_stale_version_is_a_conflict_and_changes_nothing(world):
    office, rnd = world[Role.INSPECTION_OFFICE], world.round
    with pytest.raises(Conflict):
        services.round_update(actor=office, round=rnd, expected_version=rnd.version + 5, code=rnd.code,
                              name="不应保存", kind=rnd.kind, level=rnd.level, start_date=rnd.start_date)
    rnd.refresh_from_db()
    assert rnd.name != "不应保存"


def test_round_start_cannot_move_after_a_units_feedback_date(world):
    rnd = world.round  # the units were fed back on 2026-05-01
    with pytest.raises(DomainError) as info:
        services.round_update(actor=world[Role.COMMISSION], round=rnd, expected_version=rnd.version, code=rnd.code,
                              name=rnd.name, kind=rnd.kind, level=rnd.level, start_date=D(2026, 5, 2))
    assert _field(info.value) == "start_date"


# --- teams ----------------------------------------------------------------------------------------

def _people(world, *names):  # type: ignore[no-untyped-def]
    return [Person.objects.create(name=n, unit=world.unit_b) for n in names]


def test_a_team_has_a_leader_and_members_and_a_name_unique_in_the_round(world):
    office = world[Role.INSPECTION_OFFICE]
    leader, m1, m2 = _people(world, "赵组长", "钱组员", "孙组员")
    team = services.team_create(actor=office, round=world.round, name="第二巡视组", leader=leader,
                                members=[m1, m2, leader])
    assert team.leader == leader
    assert set(team.members.all()) == {m1, m2}  # the leader is not also a member
    with pytest.raises(Conflict) as info:
        services.team_create(actor=office, round=world.round, name="第二巡视组")
    assert _field(info.value) == "name"
    other = factories.inspection_round(code="OTHER")
    assert services.team_create(actor=office, round=other, name="第二巡视组").round == other


def test_team_update_replaces_leader_and_members_and_detects_a_stale_edit(world):
    office = world[Role.COMMISSION]
    a, b, c = _people(world, "甲", "乙", "丙")
    team = services.team_create(actor=office, round=world.round, name="第三巡视组", leader=a, members=[b])
    seen = team.updated_at
    services.team_update(actor=office, team=team, expected_updated_at=seen, name="第三巡视组（调整）", leader=c,
                         members=[a, b])
    team.refresh_from_db()
    assert (team.name, team.leader, set(team.members.all())) == ("第三巡视组（调整）", c, {a, b})
    with pytest.raises(Conflict):
        services.team_update(actor=office, team=team, expected_updated_at=seen, name="旧页面", members=[])
    assert AuditEvent.objects.filter(action="team.updated").count() == 1


@pytest.mark.parametrize("role", [Role.ADMIN, Role.UNIT_LEAD, Role.LEADER])
def test_other_roles_cannot_create_teams(world, role):
    with pytest.raises(PermissionDenied):
        services.team_create(actor=world[role], round=world.round, name="第九巡视组")


# --- inspected units ------------------------------------------------------------------------------

def test_adding_a_unit_with_its_team_shows_the_periods_from_the_policy(world):
    office = world[Role.INSPECTION_OFFICE]
    rnd = factories.inspection_round(code="R-JAN", start=D(2026, 1, 5))
    services.round_update(actor=office, round=rnd, expected_version=rnd.version, code=rnd.code, name=rnd.name,
                          kind=rnd.kind, level=rnd.level, start_date=rnd.start_date, rectification_months=1,
                          report_months=1)
    rnd.refresh_from_db()
    team = services.team_create(actor=office, round=rnd, name="第一组")
    unit = factories.org_unit(name="省民政厅", code="MZ")
    iu = services.inspected_unit_add(actor=office, round=rnd, unit=unit, feedback_date=D(2026, 1, 31), team=team)
    # 1月31日 + 1 month clamps to the end of February
    assert iu.report_due == D(2026, 2, 28)
    assert iu.rectification_end == D(2026, 2, 27)
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert AuditEvent.objects.filter(action="inspected_unit.added", object_id=str(iu.pk)).count() == 1


def test_feedback_never_before_the_round_start_and_a_unit_only_once(world):
    office = world[Role.INSPECTION_OFFICE]
    unit = factories.org_unit(name="省水利厅", code="SL")
    with pytest.raises(DomainError) as info:
        services.inspected_unit_add(actor=office, round=world.round, unit=unit, feedback_date=D(2026, 2, 28))
    assert _field(info.value) == "feedback_date"
    with pytest.raises(Conflict):
        services.inspected_unit_add(actor=office, round=world.round, unit=world.unit_a, feedback_date=D(2026, 5, 1))


def test_a_deactivated_unit_or_a_team_of_another_round_cannot_be_added(world):
    office = world[Role.INSPECTION_OFFICE]
    closed = factories.org_unit(name="已撤销单位", code="GONE")
    OrgUnit.objects.filter(pk=closed.pk).update(is_active=False)
    closed.refresh_from_db()
    with pytest.raises(DomainError) as info:
        services.inspected_unit_add(actor=office, round=world.round, unit=closed, feedback_date=D(2026, 5, 1))
    assert _field(info.value) == "unit"
    other_team = InspectionTeam.objects.create(round=factories.inspection_round(code="R-OTHER"), name="外轮组")
    unit = factories.org_unit(name="省林草局", code="LC")
    with pytest.raises(DomainError) as info:
        services.inspected_unit_add(actor=office, round=world.round, unit=unit, feedback_date=D(2026, 5, 1),
                                    team=other_team)
    assert _field(info.value) == "team"


def test_inspected_unit_update_moves_the_periods_and_checks_the_version(world):
    office, iu = world[Role.COMMISSION], world.iu_a
    team = services.team_create(actor=office, round=world.round, name="第五巡视组")
    updated = services.inspected_unit_update(actor=office, inspected_unit=iu, expected_version=iu.version,
                                             feedback_date=D(2026, 6, 15), team=team)
    assert (updated.feedback_date, updated.team, updated.version) == (D(2026, 6, 15), team, 2)
    assert updated.report_due == D(2026, 8, 15)
    with pytest.raises(Conflict):
        services.inspected_unit_update(actor=office, inspected_unit=iu, expected_version=1,
                                       feedback_date=D(2026, 7, 1))
    with pytest.raises(DomainError) as info:
        services.inspected_unit_update(actor=office, inspected_unit=iu, expected_version=updated.version,
                                       feedback_date=D(2026, 1, 1))
    assert _field(info.value) == "feedback_date"


@pytest.mark.parametrize("role", [Role.ADMIN, Role.UNIT_LEAD, Role.UNIT_MEMBER, Role.LEADER])
def test_other_roles_cannot_add_or_edit_inspected_units(world, role):
    unit = factories.org_unit(name="省卫健委", code="WJ")
    with pytest.raises(PermissionDenied):
        services.inspected_unit_add(actor=world[role], round=world.round, unit=unit, feedback_date=D(2026, 5, 1))
    with pytest.raises(PermissionDenied):
        services.inspected_unit_update(actor=world[role], inspected_unit=world.iu_a, expected_version=1,
                                       feedback_date=D(2026, 5, 2))
    assert not InspectedUnit.objects.filter(unit=unit).exists()


def test_add_by_code_creates_an_unknown_unit_under_its_parent_and_an_unknown_team(world):
    office = world[Role.INSPECTION_OFFICE]
    iu, unit_created, team_created = services.inspected_unit_add_by_code(
        actor=office, round=world.round, unit_code="KM", unit_name="昆明市", parent_code="PROV", kind="prefecture",
        feedback_date=D(2026, 5, 10), team_name="第六巡视组")
    assert (unit_created, team_created) == (True, True)
    assert iu.unit.parent.code == "PROV" and iu.unit.kind == "prefecture"
    assert iu.unit.path.startswith(iu.unit.parent.path)
    factories.org_unit(name="省审计厅", code="AUD", parent=world.unit_a.parent)
    again, unit_created, team_created = services.inspected_unit_add_by_code(
        actor=office, round=world.round, unit_code="AUD", feedback_date=D(2026, 5, 10), team_name="第六巡视组")
    assert (unit_created, team_created) == (False, False) and again.team == iu.team
    with pytest.raises(DomainError) as info:
        services.inspected_unit_add_by_code(actor=office, round=world.round, unit_code="NOPE",
                                            feedback_date=D(2026, 5, 10))
    assert _field(info.value) == "unit"
