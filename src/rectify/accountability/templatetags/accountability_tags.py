"""Template filters of the accountability pages."""

from __future__ import annotations

from django import template

from rectify.accountability.notice import notice_paragraphs

register = template.Library()


@register.filter
def notice_items(case, decisions):  # type: ignore[no-untyped-def]
    """The public-exposure notice's items (the same text as the Word file)."""
    return notice_paragraphs(case=case, decisions=decisions)
