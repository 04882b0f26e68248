"""Working days in China: weekends, public holidays and the adjusted working days (调休) from chinese-calendar.

chinese-calendar ships the State Council's schedule year by year; for a year it does not know yet (it raises
NotImplementedError) Monday to Friday count as working days, so deadlines still come out, and the package's
next release corrects them.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging

import chinese_calendar

log = logging.getLogger(__name__)
_warned: set[int] = set()


@functools.lru_cache(maxsize=8192)
def is_workday(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        if day.year not in _warned:
            _warned.add(day.year)
            log.warning("chinese-calendar has no holiday schedule for %s: Monday to Friday count as working days",
                        day.year)
        return day.weekday() < 5


def next_workday(day: dt.date) -> dt.date:
    """``day`` itself when it is a working day, else the first working day after it (a deadline that falls on
    a holiday moves there)."""
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


def add_workdays(day: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after ``day`` (``n`` >= 0; 0 gives ``day``)."""
    while n > 0:
        day += dt.timedelta(days=1)
        if is_workday(day):
            n -= 1
    return day


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]: how many working days ``end`` is after ``start`` (0 when end <= start).

    Read from per-year running totals (computed once per year and kept), so a span of years costs a few lookups
    rather than a walk over every day: dashboards judge thousands of report cycles per page."""
    if end <= start:
        return 0
    if start.year == end.year:
        return _through(end) - _through(start)
    years = sum(_year_running(year)[-1] for year in range(start.year + 1, end.year))
    return _year_running(start.year)[-1] - _through(start) + years + _through(end)


def _through(day: dt.date) -> int:
    """Working days from 1 January of ``day``'s year up to and including ``day``."""
    return _year_running(day.year)[day.timetuple().tm_yday - 1]


@functools.lru_cache(maxsize=256)
def _year_running(year: int) -> tuple[int, ...]:
    """The running count of working days through each day of ``year`` (index 0 is 1 January)."""
    day, end, count, totals = dt.date(year, 1, 1), dt.date(year, 12, 31), 0, []
    while day <= end:
        count += is_workday(day)
        totals.append(count)
        day += dt.timedelta(days=1)
    return tuple(totals)
