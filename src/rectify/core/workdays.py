"""Working days in China, with the State Council's adjusted holidays (chinese-calendar).

A date outside the years chinese-calendar knows is judged by the weekday alone (Monday–Friday), so a run far
in the future still works instead of failing.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar


def is_workday(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # a year the calendar does not cover yet
        return day.weekday() < 5


def add_workdays(start: dt.date, days: int) -> dt.date:
    """The ``days``-th working day after ``start`` (``start`` itself does not count)."""
    day, left = start, days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_workday(day):
            left -= 1
    return day


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not after ``start``):
    a close-out submitted on Friday has waited one working day on Monday."""
    if end <= start:
        return 0
    return sum(1 for n in range(1, (end - start).days + 1) if is_workday(start + dt.timedelta(days=n)))
