"""Presentation of rectification's own data: a problem's completion, a task's responsibilities and days left.

``{% load rectification_tags %}``; the generic helpers (dates, sizes, percentages) are core's ``rectify_tags``.
"""

from __future__ import annotations

from typing import Any

from django import template
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
