"""GET /api/v1/units/{code}/people: one item per tenure of the unit, current and former, scoped."""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.accounts.models import Role
from rectify.core.testing import capture_queries
from rectify.orgs.models import Person, Post, Tenure


@pytest.fixture
def history(world):  # type: ignore[no-untyped-def]
    """Unit A: 刘前任 was principal 2015-03-01 → 2020-01-01, then 张书记 (factory); a deputy 李 since 2021."""
    principal = Post.objects.get(unit=world.unit_a, is_principal=True)
    former = Person.objects.create(name="刘前任", unit=world.unit_a)
    Tenure.objects.create(person=former, post=principal, start=dt.date(2015, 3, 1), end=dt.date(2020, 1, 1))
    deputy = Post.objects.create(unit=world.unit_a, title="党组成员、副厅长", sort_order=2)
    li = Person.objects.create(name="李副厅长", unit=world.unit_a)
    Tenure.objects.create(person=li, post=deputy, start=dt.date(2021, 6, 1))
    return world


def test_every_tenure_of_the_unit_is_an_item(history, api):
    body = api(Role.INSPECTION_OFFICE).get("/units/EDU/people").json()
    assert body["count"] == 3 == len(body["items"])
    rows = [(i["name"], i["post"], i["start"], i["end"], i["is_principal"]) for i in body["items"]]
    assert rows == [
        ("张书记", "党组书记、厅长", "2020-01-01", None, True),
        ("刘前任", "党组书记、厅长", "2015-03-01", "2020-01-01", True),
        ("李副厅长", "党组成员、副厅长", "2021-06-01", None, False),
    ]
    first = body["items"][0]
    tenure = Tenure.objects.get(pk=first["tenure_id"])
    assert tenure.person_id == first["person_id"] and tenure.person.name == "张书记"
    assert set(first) == {"person_id", "name", "post", "tenure_id", "start", "end", "is_principal"}


@pytest.mark.parametrize("role", [Role.UNIT_LEAD, Role.UNIT_MEMBER, Role.COMMISSION, Role.LEADER, Role.ADMIN])
def test_roles_that_see_the_unit_get_its_people(history, api, role):
    response = api(role).get("/units/EDU/people")
    assert response.status_code == 200 and response.json()["count"] == 3


def test_a_unit_out_of_scope_is_a_404_json_error(history, api):
    response = api("unit_lead_b").get("/units/EDU/people")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found" and "EDU" in response.json()["message"]
    assert api(Role.UNIT_LEAD).get("/units/FIN/people").status_code == 404
    assert api(Role.UNIT_LEAD).get("/units/NOPE/people").status_code == 404


def test_query_count_does_not_grow_with_tenures(history, api):
    client = api(Role.INSPECTION_OFFICE)
    client.get("/units/EDU/people")
    with capture_queries() as small:
        client.get("/units/EDU/people")
    post = Post.objects.create(unit=history.unit_a, title="党组成员")
    for i in range(10):
        person = Person.objects.create(name=f"成员{i}", unit=history.unit_a)
        Tenure.objects.create(person=person, post=post, start=dt.date(2000 + i, 1, 1), end=dt.date(2001 + i, 1, 1))
    with capture_queries() as large:
        body = client.get("/units/EDU/people").json()
    assert body["count"] == 13
    assert len(small.captured_queries) == len(large.captured_queries)
