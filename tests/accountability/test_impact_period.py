"""The impact period of a form, computed from the decision date.

Rule (Civil Code arts. 201–202, see docs/DECISIONS.md): the decision day is not counted; the period ends on the
day of the final month that corresponds to the decision day, or on that month's last day when there is none;
that end day is inclusive — the restriction still applies on it and is lifted the day after.
"""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.accountability import selectors, services
from rectify.accountability.models import impact_period
from rectify.accounts.models import Role

pytestmark = pytest.mark.django_db


def test_admonishment_bars_promotion_for_six_months_to_the_month_end():
    period = selectors.form_get(code="admonishment").impact_period(dt.date(2026, 3, 31))
    assert period.no_promotion_until == dt.date(2026, 9, 30)  # no 31 September: the month's last day
    assert period.no_leading_post_until is None and period.no_higher_post_until is None
    assert period.ends_on == dt.date(2026, 9, 30)
    assert period.in_effect_on(dt.date(2026, 3, 31)) and period.in_effect_on(dt.date(2026, 9, 30))
    assert not period.in_effect_on(dt.date(2026, 10, 1))


def test_a_corresponding_day_ends_the_period_on_that_day():
    period = selectors.form_get(code="admonishment").impact_period(dt.date(2026, 4, 15))
    assert period.no_promotion_until == dt.date(2026, 10, 15)


@pytest.mark.parametrize(("decided", "until"), [
    (dt.date(2026, 8, 31), dt.date(2027, 2, 28)),
    (dt.date(2027, 8, 31), dt.date(2028, 2, 29)),  # a leap year's February
    (dt.date(2026, 12, 31), dt.date(2027, 6, 30)),
])
def test_month_arithmetic_clamps_at_the_month_end(decided, until):
    assert selectors.form_get(code="admonishment").impact_period(decided).no_promotion_until == until


def test_ordered_resignation_one_year_no_leading_post_two_years_nothing_above_the_former_rank():
    period = selectors.form_get(code="ordered_resignation").impact_period(dt.date(2026, 2, 28))
    assert period.no_leading_post_until == dt.date(2027, 2, 28)
    assert period.no_higher_post_until == dt.date(2028, 2, 28)
    assert period.no_promotion_until is None and period.ends_on == dt.date(2028, 2, 28)


def test_party_discipline_kinds():
    decided = dt.date(2026, 1, 31)
    assert selectors.form_get(code="discipline_warning").impact_period(decided).ends_on == dt.date(2027, 1, 31)
    assert selectors.form_get(code="discipline_serious_warning").impact_period(decided).ends_on == \
        dt.date(2027, 7, 31)
    removal = selectors.form_get(code="discipline_removal_from_post").impact_period(decided)
    assert removal.no_higher_post_until == removal.no_promotion_until == dt.date(2028, 1, 31)


def test_a_form_without_an_impact_period_restricts_nothing():
    period = selectors.form_get(code="person_circulation").impact_period(dt.date(2026, 3, 31))
    assert period.ends_on is None and not period.in_effect_on(dt.date(2026, 3, 31))


def test_forms_imposed_together_each_restriction_lasts_as_long_as_the_longest():
    decided = dt.date(2026, 3, 31)
    forms = [selectors.form_get(code=c) for c in ("admonishment", "removal", "discipline_warning")]
    period = impact_period(forms=forms, decided_on=decided)
    assert period.no_promotion_until == dt.date(2027, 3, 31)  # warning's 12 months outlast admonishment's 6
    assert period.no_leading_post_until == dt.date(2027, 3, 31)
    assert period.no_higher_post_until == dt.date(2028, 3, 31)
    assert impact_period(forms=[], decided_on=decided).ends_on is None


def test_the_admins_months_are_the_ones_computed(world):
    form = selectors.form_get(code="admonishment")
    services.catalogue_item_update(actor=world[Role.ADMIN], item=form, expected_version=form.version,
                                   no_promotion_months=12)
    period = selectors.form_get(code="admonishment").impact_period(dt.date(2026, 3, 31))
    assert period.no_promotion_until == dt.date(2027, 3, 31)
