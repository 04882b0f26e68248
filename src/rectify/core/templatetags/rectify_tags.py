"""Small presentation helpers shared by the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from rectify.rectification.selectors import COMPLETION_LABELS

register = template.Library()


@register.filter
def completion_label(code: str) -> str:
    return COMPLETION_LABELS.get(code, "—")


@register.filter
def responsible(task: Any, kind: str) -> str:
    """Names of a task's responsibility entries of one kind ("leader", "department", "person"), lead first.

    Reads the prefetched ``responsibilities`` so a ledger page stays at a constant query count.
    """
    entries = [r for r in task.responsibilities.all() if r.kind == kind]
    entries.sort(key=lambda r: not r.is_lead)
    return "、".join(r.name + ("" if r.is_lead or kind != "department" else "（配合）") for r in entries) or "—"


@register.filter
def days_hint(task: Any) -> str:
    """"逾期3天" / "今天到期" / "剩5天" for an open task with ``days_left``; empty for a closed one."""
    days = getattr(task, "days_left", None)
    if days is None or getattr(task, "warning", None) is None:
        return ""
    if days < 0:
        return f"逾期{-days}天"
    if days == 0:
        return "今天到期"
    return f"剩{days}天"


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
        return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def filesize(num: int) -> str:
    size = float(num or 0)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"
