"""A tenure keeps the seat it held — title, areas, principal and leadership flags — so editing a post later keeps
the current holder in step but never rewrites who was in charge of what in the past (precise accountability
judges by the post held at the time)."""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.accounts.models import Role
from rectify.orgs.models import Person, Post, Tenure
from rectify.orgs.selectors import IN_CHARGE, leaders_during
from rectify.orgs.services import RosterEntry, person_appoint, post_update, roster_apply, tenure_appoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def seat(world):  # type: ignore[no-untyped-def]
    """党组成员、副厅长 in charge of 财务处: 李 held it until 2024-09-01, 赵 since."""
    post = Post.objects.create(unit=world.unit_a, title="党组成员、副厅长", areas="财务处、审计处")
    li = Person.objects.create(name="李副厅长", unit=world.unit_a)
    zhao = Person.objects.create(name="赵副厅长", unit=world.unit_a)
    admin = world[Role.ADMIN]
    former = tenure_appoint(actor=admin, person=li, post=post, start=dt.date(2019, 3, 1), end=dt.date(2024, 9, 1))
    current = person_appoint(actor=admin, person=zhao, post=post, start=dt.date(2024, 9, 1))
    return post, former, current


def test_a_tenure_records_its_seat_when_it_starts(seat):
    _post, former, current = seat
    for tenure in (former, current):
        tenure.refresh_from_db()
        assert (tenure.title, tenure.areas, tenure.is_principal, tenure.is_leadership_member) == (
            "党组成员、副厅长", "财务处、审计处", False, True)


def test_editing_the_post_keeps_the_current_holder_in_step_and_the_former_one_as_it_was(world, seat):
    post, former, current = seat
    post_update(actor=world[Role.ADMIN], post=post, expected_version=post.version, title="党组成员、副厅长",
                is_principal=False, is_leadership_member=True, areas="人事处", sort_order=0)
    former.refresh_from_db()
    current.refresh_from_db()
    assert former.seat_areas == "财务处、审计处" and current.seat_areas == "人事处"
    in_2023 = leaders_during(unit=world.unit_a, start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31),
                             departments=["财务处"])
    assert [(leader.name, leader.role) for leader in in_2023 if leader.role == IN_CHARGE] == [("李副厅长", IN_CHARGE)]
    now = leaders_during(unit=world.unit_a, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31),
                         departments=["财务处"])
    assert [leader.name for leader in now if leader.role == IN_CHARGE] == []


def test_an_ended_tenure_written_without_a_snapshot_keeps_the_seat_as_it_was_before_the_edit(world):
    """Rows written directly (fixtures, older data) read as their post until a post edit would change them:
    then the old seat is written into the ended tenure first."""
    post = Post.objects.create(unit=world.unit_a, title="党组成员、副厅长", areas="财务处")
    old = Tenure.objects.create(person=Person.objects.create(name="钱", unit=world.unit_a), post=post,
                                start=dt.date(2018, 1, 1), end=dt.date(2022, 1, 1))
    assert old.areas is None and old.seat_areas == "财务处"
    post_update(actor=world[Role.ADMIN], post=post, expected_version=post.version, title=post.title,
                is_principal=False, is_leadership_member=True, areas="人事处", sort_order=0)
    old.refresh_from_db()
    assert old.areas == "财务处" and old.seat_areas == "财务处"


def test_the_principal_flag_of_a_former_principal_survives_a_post_edit(world):
    """Scenario 5: the secretary's post is later made an ordinary seat; 张书记 was still principal then."""
    post = Post.objects.get(unit=world.unit_a, is_principal=True)
    person_appoint(actor=None, person=Person.objects.create(name="王书记", unit=world.unit_a), post=post,
                   start=dt.date(2025, 7, 1))
    post_update(actor=world[Role.ADMIN], post=post, expected_version=post.version, title="党组副书记",
                is_principal=False, is_leadership_member=True, areas="", sort_order=0)
    leaders = leaders_during(unit=world.unit_a, start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))
    assert [(leader.name, leader.role, leader.post) for leader in leaders] == [("张书记", "principal", "党组书记、厅长")]


def test_a_roster_import_records_each_rows_seat(world):
    roster_apply(actor=world[Role.ADMIN], unit=world.unit_b, entries=[
        RosterEntry(sheet="Sheet1", row=2, name="周厅长", title="党组书记、厅长", start=dt.date(2020, 1, 1),
                    is_principal=True, principal_stated=True),
        RosterEntry(sheet="Sheet1", row=3, name="吴副厅长", title="党组成员、副厅长", start=dt.date(2021, 1, 1),
                    areas="预算处"),
    ])
    rows = {t.person.name: t for t in Tenure.objects.filter(post__unit=world.unit_b).select_related("person")}
    assert (rows["周厅长"].is_principal, rows["周厅长"].title) == (True, "党组书记、厅长")
    assert (rows["吴副厅长"].areas, rows["吴副厅长"].is_principal) == ("预算处", False)
