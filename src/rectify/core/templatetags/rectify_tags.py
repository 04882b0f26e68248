"""Small presentation helpers shared by the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import formats
from django.utils.translation import gettext, ngettext

from rectify.rectification.selectors import COMPLETION_LABELS

register = template.Library()


@register.filter
def completion_label(code: str) -> str:
    label = COMPLETION_LABELS.get(code)
    return gettext(label) if label else "—"


@register.filter
def responsible(task: Any, kind: str) -> str:
    """Names of a task's responsibility entries of one kind ("leader", "department", "person"), lead first.

    Reads the prefetched ``responsibilities`` so a ledger page stays at a constant query count.
    """
    entries = [r for r in task.responsibilities.all() if r.kind == kind]
    entries.sort(key=lambda r: not r.is_lead)
    co_operating = gettext("（配合）")
    return "、".join(r.name + ("" if r.is_lead or kind != "department" else co_operating) for r in entries) or "—"


@register.filter
def days_hint(task: Any) -> str:
    """"逾期3天" / "今天到期" / "剩5天" for an open task with ``days_left``; empty for a closed one."""
    days = getattr(task, "days_left", None)
    if days is None or getattr(task, "warning", None) is None:
        return ""
    if days < 0:
        return ngettext("逾期%(days)d天", "逾期%(days)d天", -days) % {"days": -days}
    if days == 0:
        return gettext("今天到期")
    return ngettext("剩%(days)d天", "剩%(days)d天", days) % {"days": days}


@register.filter
def percent_of(part: int, whole: int) -> float:
    return round(part * 100 / whole, 1) if whole else 0.0


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    return mapping.get(key, 0) if mapping else 0


@register.filter
def cn_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
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
