"""Entering problems: who may enter fed-back and self-found problems, identifiers, category, period."""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.accounts.models import Role
from rectify.audit.models import AuditEvent
from rectify.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from rectify.inspections import services
from rectify.inspections.models import Problem, ProblemKind

pytestmark = pytest.mark.django_db


def _create(world, role, **kwargs):
    actor = world[role] if role else None
    kwargs.setdefault("description", "公务接待超标准问题")
    return services.problem_create(actor=actor, inspected_unit=kwargs.pop("iu", world.iu_a), **kwargs)


@pytest.mark.parametrize("role", [Role.INSPECTION_OFFICE, Role.COMMISSION, None])
def test_office_commission_and_the_cli_operator_enter_fed_back_problems(world, role):
    p = _create(world, role, number="P01")
    assert p.kind == ProblemKind.FEEDBACK and p.number == "P01"
    assert AuditEvent.objects.filter(action="problem.created", object_id=str(p.pk)).count() == 1


@pytest.mark.parametrize("role", [Role.UNIT_LEAD, Role.UNIT_MEMBER, Role.LEADER, Role.ADMIN])
def test_nobody_else_enters_a_fed_back_problem(world, role):
    with pytest.raises(PermissionDenied):
        _create(world, role)
    assert not Problem.objects.filter(description="公务接待超标准问题").exists()


def test_the_unit_lead_adds_self_found_problems_to_its_own_unit_only(world):
    p = _create(world, Role.UNIT_LEAD, kind=ProblemKind.SELF_FOUND)
    assert p.is_self_found and p.inspected_unit == world.iu_a
    with pytest.raises(NotFound):
        _create(world, Role.UNIT_LEAD, kind=ProblemKind.SELF_FOUND, iu=world.iu_b)


@pytest.mark.parametrize("role", [Role.UNIT_MEMBER, Role.LEADER, Role.ADMIN])
def test_other_roles_add_no_self_found_problem(world, role):
    with pytest.raises(PermissionDenied):
        _create(world, role, kind=ProblemKind.SELF_FOUND)


def test_each_problem_entered_is_counted_on_its_unit_by_kind_and_a_refused_one_is_not(world):
    world.iu_a.refresh_from_db()
    before = (world.iu_a.fed_back_problems, world.iu_a.self_found_problems)
    _create(world, Role.INSPECTION_OFFICE)
    _create(world, Role.UNIT_LEAD, kind=ProblemKind.SELF_FOUND)
    _create(world, Role.UNIT_LEAD, kind=ProblemKind.SELF_FOUND)
    with pytest.raises(DomainError):
        _create(world, Role.INSPECTION_OFFICE, number="P01", occurred_from=dt.date(2025, 2, 1),
                occurred_to=dt.date(2024, 1, 1))
    world.iu_a.refresh_from_db()
    assert (world.iu_a.fed_back_problems, world.iu_a.self_found_problems) == (before[0] + 1, before[1] + 2)
    assert world.iu_a.fed_back_problems == Problem.objects.filter(inspected_unit=world.iu_a, kind="feedback").count()


def test_an_empty_number_takes_the_next_free_ordinal(world):
    _create(world, Role.INSPECTION_OFFICE, number="P07")
    _create(world, Role.INSPECTION_OFFICE, number="5")
    assert _create(world, Role.INSPECTION_OFFICE).number == "6"


@pytest.mark.parametrize(("number", "stored"), [
    ("P01", "P01"), ("XS-2021-03", "XS-2021-03"), ("一-2", "一-2"), ("（5）", "（5）"), ("⑤", "⑤"),
    ("五、", "五"), ("5、", "5"), ("123456", "123456"), ("ＸＳ－０１", "XS-01"),
])
def test_short_identifiers_are_kept_as_written(world, number, stored):
    """As written, but without the list punctuation after an ordinal and with full-width letters made ASCII."""
    assert _create(world, Role.INSPECTION_OFFICE, number=number).number == stored


@pytest.mark.parametrize("number", ["1", "（1）", "①", "一、", "一", "001"])
def test_the_same_ordinal_in_another_spelling_is_a_duplicate(world, number):
    """The world's unit already has problem 1."""
    with pytest.raises(DomainError) as caught:
        _create(world, Role.INSPECTION_OFFICE, number=number)
    assert caught.value.status == 409 and caught.value.code == "duplicate_number"


def test_identifiers_longer_than_20_characters_are_refused(world):
    with pytest.raises(DomainError) as caught:
        _create(world, Role.INSPECTION_OFFICE, number="XS-2021-03-第一巡察组-补充-01")
    assert caught.value.status == 422 and caught.value.details == {"field": "number"}
    assert "20" in caught.value.message


@pytest.mark.parametrize("number", ["99999999999999999999", "1234567"])
def test_a_numeric_ordinal_of_more_than_six_digits_is_refused(world, number):
    with pytest.raises(DomainError) as caught:
        _create(world, Role.INSPECTION_OFFICE, number=number)
    assert caught.value.status == 422 and "序号" in caught.value.message


def test_a_number_is_unique_within_the_unit_but_not_across_units(world):
    _create(world, Role.INSPECTION_OFFICE, number="P01")
    with pytest.raises(Conflict) as caught:
        _create(world, Role.INSPECTION_OFFICE, number="P01")
    assert caught.value.status == 409
    assert _create(world, Role.INSPECTION_OFFICE, number="P01", iu=world.iu_b).number == "P01"


def test_category_comes_from_the_catalogue(world):
    assert _create(world, Role.INSPECTION_OFFICE, category="2.2").category.code == "2.2"
    with pytest.raises(DomainError) as caught:
        _create(world, Role.INSPECTION_OFFICE, category="9.9")
    assert caught.value.details == {"field": "category"}


def test_occurrence_period_runs_forward_and_not_into_the_future(world, frozen_today):
    frozen_today(dt.date(2026, 6, 1))
    p = _create(world, Role.INSPECTION_OFFICE, occurred_from=dt.date(2021, 1, 1), occurred_to=dt.date(2026, 6, 1))
    assert p.occurred_to == dt.date(2026, 6, 1)
    with pytest.raises(DomainError) as reversed_:
        _create(world, Role.INSPECTION_OFFICE, occurred_from=dt.date(2022, 1, 1), occurred_to=dt.date(2021, 1, 1))
    assert reversed_.value.details == {"field": "occurred_to"}
    with pytest.raises(DomainError) as future:
        _create(world, Role.INSPECTION_OFFICE, occurred_from=dt.date(2026, 6, 2))
    assert future.value.details == {"field": "occurred_from"}


def test_the_office_edits_a_fed_back_problem_with_its_version(world):
    p = world.problem_a
    updated = services.problem_update(actor=world[Role.COMMISSION], problem_id=p.pk, expected_version=p.version,
                                      description="改写后的反馈问题", number="A-1")
    p.refresh_from_db()
    assert (p.description, p.number, p.version) == ("改写后的反馈问题", "A-1", updated.version)
    assert p.sort_key  # the sort key follows the new identifier
    event = AuditEvent.objects.get(action="problem.updated", object_id=str(p.pk))
    assert event.before["description"] != event.after["description"]


def test_a_stale_version_is_a_conflict(world):
    p = world.problem_a
    services.problem_update(actor=world[Role.INSPECTION_OFFICE], problem_id=p.pk, expected_version=p.version,
                            detail="补充")
    with pytest.raises(Conflict):
        services.problem_update(actor=world[Role.COMMISSION], problem_id=p.pk, expected_version=p.version,
                                description="覆盖")
    p.refresh_from_db()
    assert p.description != "覆盖"


def test_the_unit_lead_edits_its_self_found_problems_but_not_fed_back_text(world):
    own = _create(world, Role.UNIT_LEAD, kind=ProblemKind.SELF_FOUND)
    services.problem_update(actor=world[Role.UNIT_LEAD], problem_id=own.pk, expected_version=own.version,
                            description="自查发现的问题（修改）")
    with pytest.raises(PermissionDenied):
        services.problem_update(actor=world[Role.UNIT_LEAD], problem_id=world.problem_a.pk,
                                expected_version=world.problem_a.version, description="单位改写反馈问题")
    with pytest.raises(NotFound):
        services.problem_update(actor=world["unit_lead_b"], problem_id=own.pk, expected_version=own.version + 1,
                                description="别的单位")
