"""This app's entries in the left navigation (registered in ``apps.NotificationsConfig.ready``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from rectify.core.navigation import NavItem
from rectify.notifications import selectors


def notification_items(request: HttpRequest) -> list[NavItem]:
    unread = selectors.unread_count_for(user=request.user, request=request)
    return [
        NavItem(_("通知"), reverse("notifications:inbox"), match=(reverse("notifications:inbox"),), exact=True,
                badge=unread or None),
        NavItem(_("通知设置"), reverse("notifications:settings"),
                match=(reverse("notifications:settings"), reverse("notifications:webhooks"),
                       "/notifications/ladder/")),
    ]
