"""The range of dates the system accepts from people: a typo such as 0201 or 9999 is refused before it is
stored (a year-9999 feedback date would make every deadline computed from it overflow)."""

from __future__ import annotations

import datetime as dt

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
