"""Clues: the commission registers, hands over, disposes and records results; 3 months without results alerts."""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.accounts.models import Role
from rectify.audit.models import AuditEvent
from rectify.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from rectify.inspections import selectors, services
from rectify.inspections.models import ClueDisposition

pytestmark = pytest.mark.django_db


def _register(world, *, number="XS-2026-001", registered_on=dt.date(2026, 5, 2), **kwargs):
    return services.clue_register(actor=world[Role.COMMISSION], inspected_unit=world.iu_a, number=number,
                                  summary="反映某处长违规收受礼金", problem=kwargs.pop("problem", world.problem_a),
                                  registered_on=registered_on, **kwargs)


def _hand_over(world, clue, day=dt.date(2026, 5, 10)):
    return services.clue_hand_over(actor=world[Role.COMMISSION], clue_id=clue.pk, handed_to="省纪委监委第三监督检查室",
                                   handed_over_on=day, expected_version=clue.version)


def test_the_commission_follows_a_clue_from_registration_to_results(world, frozen_today):
    frozen_today(dt.date(2026, 9, 1))
    clue = _register(world)
    assert clue.handed_over_on is None and clue.version == 1
    clue = _hand_over(world, clue)
    clue = services.clue_record_disposition(actor=world[Role.COMMISSION], clue_id=clue.pk,
                                            disposition=ClueDisposition.TALK_OR_INQUIRY, expected_version=clue.version)
    clue = services.clue_record_results(actor=world[Role.COMMISSION], clue_id=clue.pk, feedback_on=dt.date(2026, 8, 1),
                                        result="经谈话函询，反映问题基本属实，予以批评教育", expected_version=clue.version)
    clue.refresh_from_db()
    assert (clue.handed_to, clue.disposition, clue.feedback_on, clue.version) == (
        "省纪委监委第三监督检查室", "talk_inquiry", dt.date(2026, 8, 1), 4)
    actions = list(AuditEvent.objects.filter(object_id=str(clue.pk), object_type="inspections.clue")
                   .values_list("action", flat=True))
    assert actions == ["clue.registered", "clue.handed_over", "clue.disposition_recorded", "clue.results_recorded"]


@pytest.mark.parametrize("role", [Role.INSPECTION_OFFICE, Role.UNIT_LEAD, Role.UNIT_MEMBER, Role.LEADER, Role.ADMIN])
def test_only_the_commission_handles_clues(world, role):
    with pytest.raises(PermissionDenied):
        services.clue_register(actor=world[role], inspected_unit=world.iu_a, number="X-1", summary="s")
    with pytest.raises(PermissionDenied):
        services.clue_hand_over(actor=world[role], clue_id=world.clue_a.pk, handed_to="省纪委",
                                handed_over_on=dt.date(2026, 5, 2), expected_version=world.clue_a.version)


def test_clue_numbers_are_unique(world):
    _register(world, number="XS-1")
    with pytest.raises(Conflict):
        _register(world, number="XS-1")


def test_hand_over_is_not_before_registration_nor_in_the_future(world, frozen_today):
    frozen_today(dt.date(2026, 6, 1))
    clue = _register(world)
    with pytest.raises(DomainError) as early:
        _hand_over(world, clue, dt.date(2026, 5, 1))
    assert early.value.details == {"field": "handed_over_on"}
    with pytest.raises(DomainError) as future:
        _hand_over(world, clue, dt.date(2026, 6, 2))
    assert future.value.details == {"field": "handed_over_on"}


def test_results_are_not_before_hand_over_and_need_a_hand_over(world, frozen_today):
    frozen_today(dt.date(2026, 9, 1))
    clue = _register(world)
    with pytest.raises(Conflict):
        services.clue_record_results(actor=world[Role.COMMISSION], clue_id=clue.pk, feedback_on=dt.date(2026, 8, 1),
                                     result="r", expected_version=clue.version)
    clue = _hand_over(world, clue)
    with pytest.raises(DomainError) as early:
        services.clue_record_results(actor=world[Role.COMMISSION], clue_id=clue.pk, feedback_on=dt.date(2026, 5, 9),
                                     result="r", expected_version=clue.version)
    assert early.value.details == {"field": "feedback_on"}


def test_a_stale_clue_version_is_a_conflict(world):
    clue = _register(world)
    _hand_over(world, clue)
    with pytest.raises(Conflict):
        services.clue_hand_over(actor=world[Role.COMMISSION], clue_id=clue.pk, handed_to="省委组织部",
                                handed_over_on=dt.date(2026, 5, 11), expected_version=clue.version)


def test_the_related_problem_belongs_to_the_clue_s_unit(world):
    with pytest.raises(DomainError):
        _register(world, problem=world.problem_b)


def test_the_alert_comes_at_three_months_and_goes_with_the_results(world, frozen_today):
    clue = world.clue_a  # handed over 2026-05-02 without results
    frozen_today(dt.date(2026, 8, 1))  # 2 months 30 days
    assert list(selectors.clues_overdue_for(user=world[Role.COMMISSION])) == []
    frozen_today(dt.date(2026, 8, 2))  # 3 months
    assert list(selectors.clues_overdue_for(user=world[Role.COMMISSION])) == [clue]
    services.clue_record_results(actor=world[Role.COMMISSION], clue_id=clue.pk, feedback_on=dt.date(2026, 8, 2),
                                 result="初步核实后予以了结", expected_version=clue.version)
    assert list(selectors.clues_overdue_for(user=world[Role.COMMISSION])) == []


def test_the_alert_period_is_a_setting(world, settings):
    settings.RECTIFY_CLUE_FEEDBACK_MONTHS = 2
    assert list(selectors.clues_overdue_for(user=world[Role.COMMISSION], today=dt.date(2026, 7, 2))) == [world.clue_a]
    assert list(selectors.clues_overdue_for(user=world[Role.COMMISSION], today=dt.date(2026, 7, 1))) == []


@pytest.mark.parametrize(("handed", "today", "overdue"), [
    (dt.date(2025, 11, 30), dt.date(2026, 2, 28), True),  # 11-30 + 3 months is 02-28
    (dt.date(2025, 11, 30), dt.date(2026, 2, 27), False),
    (dt.date(2026, 3, 1), dt.date(2026, 5, 31), False),
    (dt.date(2026, 2, 28), dt.date(2026, 5, 28), True),
])
def test_month_ends_count_like_add_months(world, handed, today, overdue):
    world.clue_a.handed_over_on = handed
    world.clue_a.save()
    found = list(selectors.clues_overdue_for(user=world[Role.COMMISSION], today=today))
    assert (found == [world.clue_a]) is overdue
    assert selectors.clue_is_overdue(world.clue_a, today=today) is overdue


@pytest.mark.parametrize("role", [Role.INSPECTION_OFFICE, Role.UNIT_LEAD, Role.LEADER])
def test_nobody_but_the_commission_sees_overdue_clues(world, role):
    assert list(selectors.clues_overdue_for(user=world[role], today=dt.date(2027, 1, 1))) == []
    with pytest.raises(NotFound):
        selectors.clue_get_for(user=world[role], clue_id=world.clue_a.pk)
