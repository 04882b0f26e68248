"""The system's idea of "now" and "today", in one injectable place.

Derived state (warning colour, overdue) depends on today's date in China's time zone,
so every caller asks this module instead of ``date.today()``. Tests freeze it with
``frozen(...)``; the environment variable ``RECTIFY_TODAY`` (YYYY-MM-DD) pins it for a
demonstration or a reproduction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
_frozen_now: dt.datetime | None = None


def now() -> dt.datetime:
    """Aware UTC datetime."""
    if _frozen_now is not None:
        return _frozen_now
    pinned = os.environ.get("RECTIFY_TODAY")
    real = dt.datetime.now(dt.UTC)
    if pinned:
        day = dt.date.fromisoformat(pinned)
        local = real.astimezone(SHANGHAI)
        return dt.datetime.combine(day, local.time(), tzinfo=SHANGHAI).astimezone(dt.UTC)
    return real


def today() -> dt.date:
    """Today's date as people in China see it."""
    return now().astimezone(SHANGHAI).date()


def day_start(day: dt.date) -> dt.datetime:
    """The first moment (aware, UTC) of ``day`` as people in China see it: Beijing midnight."""
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=SHANGHAI).astimezone(dt.UTC)


@contextlib.contextmanager
def frozen(moment: dt.date | dt.datetime) -> Iterator[None]:
    """Freeze the clock. A bare date freezes at 10:00 Beijing time on that day."""
    global _frozen_now
    if isinstance(moment, dt.datetime):
        value = moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)
    else:
        value = dt.datetime.combine(moment, dt.time(10, 0), tzinfo=SHANGHAI)
    previous, _frozen_now = _frozen_now, value.astimezone(dt.UTC)
    try:
        yield
    finally:
        _frozen_now = previous
