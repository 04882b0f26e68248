"""POST /api/v1/rounds and /api/v1/rounds/{code}/units: who may, what comes back, and the error codes."""

from __future__ import annotations

import pytest

from rectify.accounts.models import Role
from rectify.inspections.models import InspectedUnit, InspectionRound
from rectify.orgs.models import OrgUnit

ROUND = {"code": "YN-2026-2", "name": "省委第二轮巡视", "kind": "regular", "level": "provincial",
         "start": "2026-03-01", "end": "2026-04-30"}


@pytest.mark.parametrize("role", [Role.INSPECTION_OFFICE, Role.COMMISSION])
def test_office_and_commission_create_a_round(api, role):
    response = api(role).post_json("/rounds", ROUND)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["code"], body["kind"], body["level"], body["start_date"], body["end_date"]) == (
        "YN-2026-2", "regular", "provincial", "2026-03-01", "2026-04-30")
    assert body["look_back_of"] is None and body["unit_count"] == 0
    assert body["rectification_months"] == 3 and body["report_months"] == 2
    listed = api(role).get("/rounds").json()
    assert "YN-2026-2" in [r["code"] for r in listed["items"]]


def test_a_look_back_round_names_the_earlier_round(api, world):
    response = api(Role.INSPECTION_OFFICE).post_json(
        "/rounds", {**ROUND, "code": "LB-1", "kind": "look_back", "start": "2027-01-10", "end": None,
                    "look_back_of": world.round.code})
    assert response.status_code == 201, response.content
    assert response.json()["look_back_of"] == world.round.code


@pytest.mark.parametrize("role", [Role.ADMIN, Role.LEADER, Role.UNIT_LEAD, Role.UNIT_MEMBER])
def test_other_roles_get_403_and_nothing_is_created(api, role):
    response = api(role).post_json("/rounds", ROUND)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not InspectionRound.objects.filter(code="YN-2026-2").exists()


def test_duplicate_code_is_409_and_bad_values_are_422_naming_the_field(api, world):
    client = api(Role.INSPECTION_OFFICE)
    duplicate = client.post_json("/rounds", {**ROUND, "code": world.round.code})
    assert duplicate.status_code == 409
    assert duplicate.json()["details"]["field"] == "code"
    for payload, field in (({**ROUND, "end": "2026-02-01"}, "end_date"),
                           ({**ROUND, "code": "第二轮"}, "code"),
                           ({**ROUND, "look_back_of": "NO-SUCH"}, "look_back_of")):
        response = client.post_json("/rounds", payload)
        assert response.status_code == 422, (payload, response.content)
        body = response.json()
        assert body["details"]["field"] == field and body["message"]
    wrong_kind = client.post_json("/rounds", {**ROUND, "kind": "secret"})
    assert wrong_kind.status_code == 422 and "kind" in wrong_kind.json()["message"]
    bad_date = client.post_json("/rounds", {**ROUND, "start": "2026-13-01"})
    assert bad_date.status_code == 422 and "start" in bad_date.json()["message"]


def test_add_an_existing_unit_with_a_new_team(api, world):
    unit = OrgUnit.objects.create(code="SL", name="省水利厅", path="")
    unit.path = f"/{unit.pk:06d}/"
    unit.save()
    response = api(Role.COMMISSION).post_json(f"/rounds/{world.round.code}/units",
                                              {"unit": "SL", "feedback_date": "2026-05-31", "team": "第七巡视组"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["unit"], body["team"], body["feedback_date"]) == ("SL", "第七巡视组", "2026-05-31")
    assert (body["rectification_end"], body["report_due"]) == ("2026-08-30", "2026-07-31")
    assert (body["unit_created"], body["team_created"]) == (False, True)


def test_unit_name_creates_an_unknown_unit_at_the_top_of_the_tree(api, world):
    response = api(Role.INSPECTION_OFFICE).post_json(
        f"/rounds/{world.round.code}/units",
        {"unit": "KM", "unit_name": "昆明市", "kind": "prefecture", "feedback_date": "2026-05-10"})
    assert response.status_code == 201, response.content
    unit = OrgUnit.objects.get(code="KM")
    assert (unit.name, unit.kind, unit.parent_id) == ("昆明市", "prefecture", None)
    assert response.json()["unit_created"] is True


def test_add_unit_errors(api, world):
    office = api(Role.INSPECTION_OFFICE)
    path = f"/rounds/{world.round.code}/units"
    assert office.post_json("/rounds/NO-SUCH/units", {"unit": "EDU", "feedback_date": "2026-05-01"}).status_code == 404
    again = office.post_json(path, {"unit": "EDU", "feedback_date": "2026-05-01"})
    assert again.status_code == 409
    unknown = office.post_json(path, {"unit": "NOPE", "feedback_date": "2026-05-01"})
    assert unknown.status_code == 422 and unknown.json()["details"]["field"] == "unit"
    early = office.post_json(path, {"unit": "EDU-CW", "feedback_date": "2026-01-01"})
    assert early.status_code == 422 and early.json()["details"]["field"] == "feedback_date"
    bad_kind = office.post_json(path, {"unit": "NEW1", "unit_name": "新单位", "kind": "castle",
                                       "feedback_date": "2026-05-01"})
    assert bad_kind.status_code == 422 and bad_kind.json()["details"]["field"] == "kind"
    assert not OrgUnit.objects.filter(code="NEW1").exists()


def test_unit_roles_get_403_for_a_round_they_see_and_404_for_one_they_do_not(api, world):
    from tests import factories

    hidden = factories.inspection_round(code="R-HIDDEN")
    lead = api(Role.UNIT_LEAD)
    assert lead.post_json(f"/rounds/{world.round.code}/units",
                          {"unit": "EDU-CW", "feedback_date": "2026-05-01"}).status_code == 403
    assert lead.post_json(f"/rounds/{hidden.code}/units",
                          {"unit": "EDU-CW", "feedback_date": "2026-05-01"}).status_code == 404
    assert api(Role.ADMIN).post_json(f"/rounds/{world.round.code}/units",
                                     {"unit": "EDU-CW", "feedback_date": "2026-05-01"}).status_code == 403
    assert not InspectedUnit.objects.filter(unit__code="EDU-CW").exists()
