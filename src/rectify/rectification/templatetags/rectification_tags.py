"""Presentation of rectification's own data: a problem's completion, a task's responsibilities and days left.

``{% load rectification_tags %}``; the generic helpers (dates, sizes, percentages) are core's ``rectify_tags``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_noop, ngettext

from rectify.core.templatetags.rectify_tags import cn_date
from rectify.rectification.models import DeadlineKind
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


_CHANGE_LABELS = {"due_date": gettext_noop("完成时限"), "deadline_kind": gettext_noop("整改类型"),
                  "milestones": gettext_noop("阶段目标"), "review_months": gettext_noop("评估周期（月）"),
                  "description": gettext_noop("反馈问题")}


def _change_value(field: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    if field == "deadline_kind":
        return str(DeadlineKind(value).label) if value in DeadlineKind.values else str(value)
    if field == "due_date":
        try:
            return cn_date(dt.date.fromisoformat(value))
        except (TypeError, ValueError):
            return str(value)
    return str(value)


@register.filter
def change_rows(change: Any) -> list[tuple[str, str, str]]:
    """A change request's ``changes`` as (label, before, after) rows in a fixed order, values as people read
    them (dates in Chinese, kinds by name)."""
    rows = []
    for field in _CHANGE_LABELS:
        if field in change.changes:
            entry = change.changes[field]
            rows.append((gettext(_CHANGE_LABELS[field]), _change_value(field, entry.get("before")),
                         _change_value(field, entry.get("after"))))
    return rows


@register.filter
def responsible_cell(task: Any, kind: str) -> str:
    """``responsible`` for a table cell: the names, or a red 未明确 where rule 1 finds the list incomplete."""
    names = responsible(task, kind)
    if names == "—":
        return format_html('<span class="text-danger" title="{}">{}</span>', gettext("责任清单缺项"), gettext("未明确"))
    return names
