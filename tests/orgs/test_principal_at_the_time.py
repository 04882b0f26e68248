"""Who led the unit when the problem happened: current and former principals, from tenures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from rectify.accounts.models import Role
from rectify.core.errors import DomainError
from rectify.orgs.models import Person, Post
from rectify.orgs.selectors import principals_during
from rectify.orgs.services import person_appoint


@pytest.fixture
def handover(world):
    """张书记 led unit A from 2020; 王书记 took over on 2025-07-01."""
    post = Post.objects.get(unit=world.unit_a, is_principal=True)
    new = Person.objects.create(name="王书记", unit=world.unit_a)
    person_appoint(actor=None, person=new, post=post, start=dt.date(2025, 7, 1))
    return post


def test_problem_before_the_handover_names_the_former_principal(world, handover):
    names = [t.person.name for t in principals_during(unit=world.unit_a, start=dt.date(2023, 1, 1),
                                                      end=dt.date(2024, 12, 31))]
    assert names == ["张书记"]


def test_problem_spanning_the_handover_names_both(world, handover):
    tenures = principals_during(unit=world.unit_a, start=dt.date(2024, 1, 1), end=dt.date(2026, 1, 1))
    assert [(t.person.name, t.end) for t in tenures] == [("张书记", dt.date(2025, 7, 1)), ("王书记", None)]


def test_handover_day_belongs_to_the_new_principal(world, handover):
    names = [t.person.name for t in principals_during(unit=world.unit_a, start=dt.date(2025, 7, 1),
                                                      end=dt.date(2025, 7, 1))]
    assert names == ["王书记"]


def test_appointment_before_the_current_start_is_refused(world, handover):
    with pytest.raises(DomainError):
        person_appoint(actor=None, person=Person.objects.create(name="李某"), post=handover, start=dt.date(2025, 1, 1))


def test_problem_page_shows_the_former_principal(world, handover, client):
    world.problem_a.occurred_from = dt.date(2023, 3, 1)
    world.problem_a.occurred_to = dt.date(2024, 6, 30)
    world.problem_a.save()
    client.force_login(world[Role.COMMISSION])
    body = client.get(reverse("rectification:problem_detail", args=[world.problem_a.pk])).content.decode()
    assert "张书记" in body and "已离任" in body and "王书记" not in body
