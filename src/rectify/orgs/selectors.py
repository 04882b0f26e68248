"""Reads of the org tree and who held which post when."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from rectify.orgs.models import OrgUnit, Tenure


def principals_during(*, unit: OrgUnit, start: dt.date | None, end: dt.date | None) -> list[Tenure]:
    """Tenures of the unit's principal (一把手) that overlap [start, end] — the people who led the unit
    while a problem was happening, current and former alike. Without a period: the current principal."""
    qs = Tenure.objects.filter(post__unit=unit, post__is_principal=True).select_related("person", "post")
    if start is None and end is None:
        qs = qs.filter(end__isnull=True)
    else:
        if end is not None:
            qs = qs.filter(start__lte=end)
        if start is not None:
            qs = qs.filter(Q(end__isnull=True) | Q(end__gt=start))
    return list(qs.order_by("start"))
