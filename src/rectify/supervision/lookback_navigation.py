"""Left-navigation entries of the supervisors' tools (registered in ``apps.SupervisionConfig.ready``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from rectify.core.navigation import NavItem


def red_flag_items(request: HttpRequest) -> list[NavItem]:
    """红旗预警 (虚假整改线索): commission and inspection office only; the badge counts unread notices that a
    close-out the user approved came back in a look-back."""
    if not request.user.sees_red_flags:
        return []
    from rectify.supervision.lookback_selectors import notices_for

    return [NavItem(_("红旗预警"), reverse("lookback:red_flags"),
                    match=("/red-flags/", "/look-back/", "/false-rectification-assessments/"),
                    badge=notices_for(user=request.user).count())]


def interview_items(request: HttpRequest) -> list[NavItem]:
    """约谈 (interviews and reminder talks): commission and inspection office only."""
    if not request.user.sees_red_flags:
        return []
    return [NavItem(_("约谈"), reverse("lookback:interviews"), match=("/interviews/",))]
