"""Reads of the notifications app, always the acting user's own (inbox, digests) or what the role may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils.translation import gettext as _

from rectify.accounts.models import User
from rectify.inspections.models import InspectionRound
from rectify.notifications import ladder
from rectify.notifications.models import (
    AlertKind,
    EmailDigest,
    LadderSettings,
    Notification,
    Preference,
    RecipientRole,
    Webhook,
    WebhookPost,
)


def unread_count_for(*, user: User, request: HttpRequest | None = None) -> int:
    """Unread inbox items; memoised on the request (the top bar and the navigation badge both show it)."""
    cached = getattr(request, "_notifications_unread", None) if request is not None else None
    if cached is not None:
        return cached
    count = Notification.objects.filter(user=user, read_at__isnull=True, delivered_at__isnull=False).count()
    if request is not None:
        request._notifications_unread = count  # type: ignore[attr-defined]
    return count


def inbox_for(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    qs = (Notification.objects.filter(user=user, delivered_at__isnull=False).select_related("alert")
          .order_by("-delivered_at", "-pk"))
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def preference_for(*, user: User) -> Preference:
    """The user's settings (defaults when never saved: e-mail on, no roster link)."""
    return Preference.objects.filter(user=user).select_related("person__unit").first() or Preference(user=user)


def recent_digests_for(*, user: User, limit: int = 10) -> list[EmailDigest]:
    return list(EmailDigest.objects.filter(user=user).order_by("-day")[:limit])


@dataclass(frozen=True)
class RuleRow:
    kind: str
    when: str
    recipients: list[str]
    channels: str


def who_receives_what(*, round: InspectionRound | None = None) -> list[RuleRow]:
    """The ladder and the review reminders as a table: what is sent, when, to whom (rule 5)."""
    notice = round.notice_days if round else 20
    yellow = round.yellow_days if round else 10
    settings_row = LadderSettings.objects.filter(round=round).first() if round else None
    rl = ladder.round_ladder(round.pk if round else 0, {round.pk: settings_row} if round and settings_row else {})
    when = {
        AlertKind.NOTICE: _("距完成时限 %(n)s 天") % {"n": notice},
        AlertKind.YELLOW: _("距完成时限 %(n)s 天（黄灯）") % {"n": yellow},
        AlertKind.RED: _("超过完成时限（红灯）"),
        AlertKind.ADMONITION: _("逾期后又过 %(n)s 天仍未整改到位、未申请销号；最后期限为发函后 %(w)s 个工作日")
        % {"n": rl.admonition_days, "w": rl.final_working_days},
        AlertKind.INTERVIEW: _("与告诫函同时"),
        AlertKind.AWAITING_REVIEW: _("单位申请销号时"),
        AlertKind.REVIEW_OVERDUE: _("销号申请等待审核满 %(n)s 个工作日") % {"n": settings.RECTIFY_REVIEW_WARNING_WORKING_DAYS},
        AlertKind.RETURNED: _("销号申请被退回时（附退回理由）"),
    }
    channels = _("站内通知；邮件（每人每天一封摘要）；群机器人")
    return [RuleRow(kind=str(AlertKind(kind).label), when=str(when[kind]),
                    recipients=[str(RecipientRole(r).label) for r in roles], channels=str(channels))
            for kind, roles in ladder.STAGE_ROLES.items()]


def webhooks_for(*, user: User) -> list[Webhook]:
    if not (user.can_manage_rounds or user.can_manage_users):
        return []
    last = WebhookPost.objects.filter(webhook=OuterRef("pk")).order_by("-pk")
    return list(Webhook.objects.select_related("round", "unit").annotate(
        last_sent_at=Subquery(last.values("sent_at")[:1]), last_error=Subquery(last.values("error")[:1]),
    ).order_by("pk"))
