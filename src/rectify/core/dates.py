"""Dates as people give and read them: the range the system accepts (a typo such as 0201 or 9999 is refused
before it is stored — a year-9999 feedback date would make every deadline computed from it overflow), and a
period written the way Chinese documents write it (2021.03.01至今)."""

from __future__ import annotations

import datetime as dt

from django.utils import formats
from django.utils.translation import gettext as _

from rectify.core.errors import DomainError

EARLIEST = dt.date(1949, 10, 1)
LATEST = dt.date(2099, 12, 31)


def check_plausible_date(value: dt.date | None, *, field: str, label: str) -> None:
    """Raise a 422 DomainError naming ``field`` when ``value`` lies outside [EARLIEST, LATEST]."""
    if value is not None and not EARLIEST <= value <= LATEST:
        raise DomainError(
            _("%(label)s“%(date)s”不在 %(earliest)s 至 %(latest)s 之间，请检查年份是否填错。")
            % {"label": label, "date": value.isoformat(), "earliest": EARLIEST.isoformat(),
               "latest": LATEST.isoformat()},
            code="implausible_date", details={"field": field}).with_status(422)


def day_label(value: dt.date | None) -> str:
    """A day as documents write it (2021.03.01); no day is 至今 (still running)."""
    return formats.date_format(value, "Y.m.d") if value else _("至今")


def span_label(start: dt.date | None, end: dt.date | None) -> str:
    """A period from ``start`` to ``end`` (its last day), or 至今 while it runs."""
    if end is None:
        return _("%(start)s至今") % {"start": day_label(start)}
    return _("%(start)s至%(end)s") % {"start": day_label(start), "end": day_label(end)}
