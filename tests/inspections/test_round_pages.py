"""The round, team and inspected-unit pages: who sees the forms, what they save, the autocomplete,
and the query counts of the new list page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from rectify.accounts.models import Role
from rectify.core.testing import capture_queries
from rectify.inspections.models import InspectedUnit, InspectionRound, InspectionTeam
from rectify.orgs.models import OrgUnit, Person
from tests import factories

ROUND_POST = {"code": "YN-2026-4", "name": "省委第四轮巡视", "kind": "special", "level": "provincial",
              "start_date": "2026-03-02", "end_date": "", "look_back_of": "", "yellow_days": "10",
              "notice_days": "20", "rectification_months": "3", "report_months": "2"}


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


# --- round list and round form ----------------------------------------------------------------------

@pytest.mark.parametrize(("role", "shown"), [(Role.INSPECTION_OFFICE, True), (Role.COMMISSION, True),
                                             (Role.ADMIN, False), (Role.LEADER, False), (Role.UNIT_LEAD, False)])
def test_new_round_button_only_for_those_who_manage_rounds(world, role, shown):
    page = _client(world[role]).get(reverse("inspections:round_list")).content.decode()
    assert (reverse("inspections:round_create") in page) is shown


def test_office_creates_a_round_in_the_form_and_lands_on_its_units(world):
    c = _client(world[Role.INSPECTION_OFFICE])
    form = c.get(reverse("inspections:round_create")).content.decode()
    assert "黄灯预警" in form and "距完成时限不超过此天数时亮黄灯" in form  # the policy is explained
    assert world.round.name in form  # the look-back round is picked from existing rounds
    response = c.post(reverse("inspections:round_create"), {**ROUND_POST, "look_back_of": world.round.code,
                                                            "start_date": "2027-03-02"})
    assert response.status_code == 302
    assert response["Location"] == reverse("inspections:round_units", args=["YN-2026-4"])
    rnd = InspectionRound.objects.get(code="YN-2026-4")
    assert (rnd.kind, rnd.look_back_of) == ("special", world.round)


def test_round_form_shows_errors_inline_in_chinese(world):
    c = _client(world[Role.COMMISSION])
    response = c.post(reverse("inspections:round_create"), {**ROUND_POST, "end_date": "2026-03-01"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "结束日期不能早于进驻日期" in page and 'id="id_end_date_error"' in page
    dup = c.post(reverse("inspections:round_create"), {**ROUND_POST, "code": world.round.code})
    assert dup.status_code == 409 and "已存在" in dup.content.decode()
    missing = c.post(reverse("inspections:round_create"), {**ROUND_POST, "start_date": ""})
    assert missing.status_code == 400 and "请填写进驻日期" in missing.content.decode()
    assert not InspectionRound.objects.filter(code="YN-2026-4").exists()


def test_round_edit_saves_and_a_stale_form_is_refused(world):
    c = _client(world[Role.INSPECTION_OFFICE])
    url = reverse("inspections:round_edit", args=[world.round.code])
    page = c.get(url).content.decode()
    assert 'name="version" value="1"' in page
    post = {**ROUND_POST, "code": world.round.code, "name": "改名", "start_date": "2026-03-01", "version": "1"}
    assert c.post(url, post).status_code == 302
    stale = c.post(url, {**post, "name": "旧页面"})
    assert stale.status_code == 409 and "已被他人修改" in stale.content.decode()
    world.round.refresh_from_db()
    assert world.round.name == "改名"


@pytest.mark.parametrize("role", [Role.ADMIN, Role.LEADER, Role.UNIT_LEAD, Role.UNIT_MEMBER])
def test_read_only_and_unit_roles_cannot_open_or_post_the_forms(world, role):
    c = _client(world[role])
    assert c.get(reverse("inspections:round_create")).status_code == 403
    assert c.post(reverse("inspections:round_create"), ROUND_POST).status_code == 403
    edit = reverse("inspections:round_edit", args=[world.round.code])
    assert c.post(edit, {**ROUND_POST, "version": "1"}).status_code == 403
    add = reverse("inspections:inspected_unit_add", args=[world.round.code])
    assert c.post(add, {"unit": world.unit_a_dept.pk, "feedback_date": "2026-05-01"}).status_code == 403
    assert c.post(reverse("inspections:team_create", args=[world.round.code]), {"name": "x"}).status_code == 403
    assert not InspectionRound.objects.filter(code="YN-2026-4").exists()
    assert not InspectedUnit.objects.filter(unit=world.unit_a_dept).exists()


def test_a_unit_user_gets_404_for_a_round_their_unit_is_not_in(world):
    hidden = factories.inspection_round(code="R-HIDDEN")
    c = _client(world[Role.UNIT_LEAD])
    assert c.get(reverse("inspections:round_units", args=[hidden.code])).status_code == 404
    assert c.get(reverse("inspections:round_edit", args=[hidden.code])).status_code == 404


# --- the units tab ------------------------------------------------------------------------------------

def test_units_tab_lists_periods_from_the_policy_and_shows_forms_to_managers_only(world):
    url = reverse("inspections:round_units", args=[world.round.code])
    office = _client(world[Role.INSPECTION_OFFICE]).get(url).content.decode()
    assert "2026年7月31日" in office  # rectification period end: 2026-05-01 + 3 months − 1 day
    assert "2026年7月1日" in office  # report due: + 2 months
    assert 'action="' + reverse("inspections:inspected_unit_add", args=[world.round.code]) in office
    assert reverse("inspections:unit_options") in office  # the autocomplete, not a free-text code box
    add_form = office.split('id="add-unit"')[1].split("</form>")[0]
    assert '<input type="hidden" name="unit"' in add_form and add_form.count("<select") == 1  # the team only
    admin = _client(world[Role.ADMIN]).get(url).content.decode()
    assert "2026年7月31日" in admin and "添加被巡视单位" not in admin and "新建巡视组" not in admin
    lead = _client(world[Role.UNIT_LEAD]).get(url).content.decode()
    assert "省教育厅" in lead and "省财政厅" not in lead and "添加被巡视单位" not in lead


def test_office_adds_a_unit_picked_by_id_with_team_and_feedback_date(world):
    c = _client(world[Role.INSPECTION_OFFICE])
    team = InspectionTeam.objects.get(round=world.round, name="第一巡视组")
    audit = factories.org_unit(name="省审计厅", code="AUD", parent=world.unit_a.parent)
    response = c.post(reverse("inspections:inspected_unit_add", args=[world.round.code]),
                      {"unit": audit.pk, "team": team.pk, "feedback_date": "2026-05-31", "q": "审计"})
    assert response.status_code == 302
    iu = InspectedUnit.objects.get(round=world.round, unit=audit)
    assert (iu.team, iu.feedback_date) == (team, dt.date(2026, 5, 31))
    again = c.post(reverse("inspections:inspected_unit_add", args=[world.round.code]),
                   {"unit": audit.pk, "feedback_date": "2026-05-31", "q": "省审计厅"})
    assert again.status_code == 409 and "已在本轮" in again.content.decode()
    assert 'value="省审计厅"' in again.content.decode()  # the picked unit stays in the box
    nothing = c.post(reverse("inspections:inspected_unit_add", args=[world.round.code]),
                     {"unit": "", "feedback_date": "2026-05-31", "q": "某单位"})
    assert nothing.status_code == 400 and "从下拉结果中选择单位" in nothing.content.decode()


def test_editing_an_inspected_unit_moves_its_dates(world):
    c = _client(world[Role.COMMISSION])
    url = reverse("inspections:inspected_unit_edit", args=[world.round.code, world.unit_a.code])
    assert "2026年7月1日" in c.get(url).content.decode()
    early = c.post(url, {"feedback_date": "2026-02-01", "team": "", "version": "1"})
    assert early.status_code == 400 and "反馈日期不能早于巡视进驻日期" in early.content.decode()
    assert c.post(url, {"feedback_date": "2026-06-01", "team": "", "version": "1"}).status_code == 302
    world.iu_a.refresh_from_db()
    assert (world.iu_a.feedback_date, world.iu_a.team, world.iu_a.report_due) == (
        dt.date(2026, 6, 1), None, dt.date(2026, 8, 1))


def test_office_creates_and_edits_a_team_with_people_picked_by_id(world):
    leader = Person.objects.create(name="周组长", unit=world.unit_b)
    members = [Person.objects.create(name=n, unit=world.unit_b) for n in ("吴组员", "郑组员")]
    c = _client(world[Role.INSPECTION_OFFICE])
    page = c.get(reverse("inspections:team_create", args=[world.round.code])).content.decode()
    assert reverse("inspections:person_options") in page
    response = c.post(reverse("inspections:team_create", args=[world.round.code]),
                      {"name": "第十巡视组", "leader": leader.pk, "members": [m.pk for m in members]})
    assert response.status_code == 302
    team = InspectionTeam.objects.get(round=world.round, name="第十巡视组")
    assert team.leader == leader and set(team.members.all()) == set(members)
    edit = reverse("inspections:team_edit", args=[world.round.code, team.pk])
    form = c.get(edit).content.decode()
    assert "吴组员" in form and f'value="{team.updated_at.isoformat()}"' in form
    assert c.post(edit, {"name": "第十巡视组", "leader": "", "members": [members[0].pk],
                         "updated_at": team.updated_at.isoformat()}).status_code == 302
    team.refresh_from_db()
    assert team.leader is None and list(team.members.all()) == [members[0]]
    dup = c.post(reverse("inspections:team_create", args=[world.round.code]), {"name": "第十巡视组"})
    assert dup.status_code == 409 and "已有名为" in dup.content.decode()
    units = c.get(reverse("inspections:round_units", args=[world.round.code])).content.decode()
    assert "第十巡视组" in units and "吴组员" in units


# --- autocomplete -------------------------------------------------------------------------------------

def test_unit_autocomplete_matches_code_name_and_short_name_of_active_units_in_scope(world):
    OrgUnit.objects.filter(pk=world.unit_b.pk).update(short_name="财政")
    gone = factories.org_unit(name="省教育厅旧机构", code="EDU-OLD", parent=world.unit_a)
    OrgUnit.objects.filter(pk=gone.pk).update(is_active=False)
    office = _client(world[Role.INSPECTION_OFFICE])
    url = reverse("inspections:unit_options")
    by_name = office.get(url, {"q": "教育"}).content.decode()
    assert "省教育厅" in by_name and f'data-ac-value="{world.unit_a.pk}"' in by_name and "旧机构" not in by_name
    assert f'data-ac-value="{world.unit_b.pk}"' in office.get(url, {"q": "财政"}).content.decode()
    assert "data-ac-value" not in office.get(url, {"q": "edu-cw"}).content.decode()  # an office is never inspected
    assert f'data-ac-value="{world.unit_b.pk}"' in office.get(url, {"q": "fin"}).content.decode()  # code, any case
    assert "data-ac-value" not in office.get(url, {"q": ""}).content.decode()
    lead = _client(world[Role.UNIT_LEAD]).get(url, {"q": "省"}).content.decode()
    assert "省教育厅" in lead and "省财政厅" not in lead  # scoped to the user's subtree


def test_autocomplete_is_limited_and_costs_the_same_queries_at_any_size(world):
    from rectify.orgs.services import org_units_bulk_create

    office = _client(world[Role.INSPECTION_OFFICE])
    office.get(reverse("core:home"))
    url = reverse("inspections:unit_options")
    with capture_queries() as small:
        office.get(url, {"q": "州"})
    org_units_bulk_create([OrgUnit(code=f"Z{i}", name=f"第{i}州", parent=world.unit_a) for i in range(60)])
    with capture_queries() as large:
        page = office.get(url, {"q": "州"}).content.decode()
    assert page.count("data-ac-value") == 20 and "只显示前 20 条" in page
    assert len(small.captured_queries) == len(large.captured_queries)


def test_person_autocomplete_is_scoped(world):
    Person.objects.create(name="王老师", unit=world.unit_a)
    Person.objects.create(name="王会计", unit=world.unit_b)
    url = reverse("inspections:person_options")
    office = _client(world[Role.INSPECTION_OFFICE]).get(url, {"q": "王"}).content.decode()
    assert "王老师" in office and "王会计" in office
    lead = _client(world[Role.UNIT_LEAD]).get(url, {"q": "王"}).content.decode()
    assert "王老师" in lead and "王会计" not in lead


def test_picking_a_person_outside_ones_scope_is_refused(world):
    from rectify.core.errors import NotFound
    from rectify.orgs import selectors

    stranger = Person.objects.create(name="外单位人员", unit=None)
    with pytest.raises(NotFound):
        selectors.people_pick_for(user=world[Role.UNIT_LEAD], ids=[stranger.pk])
    assert selectors.people_pick_for(user=world[Role.INSPECTION_OFFICE], ids=[stranger.pk]) == [stranger]


# --- query counts -------------------------------------------------------------------------------------

def test_units_tab_query_count_does_not_grow_with_units_or_teams(world, settings):
    settings.RECTIFY_PAGE_SIZE = 50
    c = _client(world[Role.INSPECTION_OFFICE])
    c.get(reverse("core:home"))
    url = reverse("inspections:round_units", args=[world.round.code])

    def count() -> int:
        with capture_queries() as ctx:
            assert c.get(url).status_code == 200
        return len(ctx.captured_queries)

    first = InspectionTeam.objects.get(round=world.round, name="第一巡视组")
    first.members.set([Person.objects.create(name="组员甲", unit=world.unit_b)])
    small = count()
    for i in range(12):
        team = InspectionTeam.objects.create(round=world.round, name=f"组{i}",
                                             leader=Person.objects.create(name=f"组长{i}", unit=world.unit_b))
        team.members.set([Person.objects.create(name=f"组员{i}-{j}", unit=world.unit_b) for j in range(3)])
        InspectedUnit.objects.create(round=world.round, unit=factories.org_unit(name=f"新增单位{i}"), team=team,
                                     feedback_date=dt.date(2026, 5, 1))
    large = count()
    assert small == large
    assert large <= 12
