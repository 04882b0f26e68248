"""Small presentation helpers shared by the pages: dates, sizes, percentages. Nothing of any app here —
rectification's own filters are its ``rectification_tags``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.core.paginator import Page
from django.utils import formats
from django.utils.translation import gettext

register = template.Library()


@register.filter
def percent_of(part: int, whole: int) -> float:
    return round(part * 100 / whole, 1) if whole else 0.0


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    return mapping.get(key, 0) if mapping else 0


@register.filter
def cn_date(value: dt.date | dt.datetime | None) -> str:
    if not isinstance(value, dt.date):  # None, or "" for a missing object on the template's path
        return "—"
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        value = timezone.localtime(value)
        # Translators: a Django date format (Y year, n month, j day, H:i time); other characters are literal.
        return formats.date_format(value, gettext("Y年n月j日 H:i"))
    # Translators: a Django date format (Y year, n month, j day); other characters are literal.
    return formats.date_format(value, gettext("Y年n月j日"))


@register.filter
def filesize(num: int) -> str:
    size = float(num or 0)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


@register.simple_tag(takes_context=True)
def page_window(context: template.Context) -> list[int | str]:
    """The page numbers a pagination bar shows: the page's own ``page_range`` when it gave one, else the first
    and last page and two either side of the current one, ``Paginator.ELLIPSIS`` between. Worked out in
    Python: a template loop over every page number of a list of 130,000 tasks cost 50 ms a request."""
    chosen = context.get("page_range")
    if chosen:
        return list(chosen)
    page: Page = context["page_obj"]
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
