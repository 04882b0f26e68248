"""Working days between two dates, as report cycles, the ladder and the review queue count them."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from rectify.core.workdays import is_workday, workdays_between


def counted_day_by_day(start: dt.date, end: dt.date) -> int:
    return sum(is_workday(start + dt.timedelta(days=n)) for n in range(1, (end - start).days + 1))


@settings(max_examples=200, deadline=None)
@given(start=st.dates(min_value=dt.date(2017, 1, 1), max_value=dt.date(2030, 12, 31)),
       days=st.integers(min_value=-10, max_value=2000))
def test_the_count_over_any_span_is_the_count_day_by_day(start: dt.date, days: int) -> None:
    end = start + dt.timedelta(days=days)
    assert workdays_between(start, end) == (counted_day_by_day(start, end) if days > 0 else 0)


def test_national_day_week_and_its_make_up_saturday() -> None:
    # 2025: 1–8 October off; Sunday 28 September and Saturday 11 October are working days.
    assert workdays_between(dt.date(2025, 9, 30), dt.date(2025, 10, 8)) == 0
    assert workdays_between(dt.date(2025, 9, 27), dt.date(2025, 9, 28)) == 1
    assert workdays_between(dt.date(2025, 10, 8), dt.date(2025, 10, 11)) == 3  # Thu, Fri and the Saturday
    assert workdays_between(dt.date(2024, 12, 31), dt.date(2025, 1, 2)) == 1  # across the new year's holiday
