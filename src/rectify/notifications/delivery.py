"""Sending, after the notify run's transaction has committed: the e-mail digests over SMTP and the posts to
WeCom and DingTalk group robots. Each message is sent on its own and its outcome recorded on its row: one
refused address or unreachable robot never stops the rest."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from rectify.core import clock
from rectify.notifications import present
from rectify.notifications.models import (
    LADDER_KINDS,
    Alert,
    AlertKind,
    EmailDigest,
    NotifyRun,
    Webhook,
    WebhookKind,
    WebhookPost,
)

logger = logging.getLogger(__name__)
ROBOT_LIMIT = 30  # lines per robot message: group robots cap a message at a few thousand characters
# What a unit's group robot is told: what the unit must act on. A round's robot (the office's group) gets all.
UNIT_WEBHOOK_KINDS = (*LADDER_KINDS, AlertKind.RETURNED)


def webhook_scope(hook: Webhook) -> Q:
    """The alerts a group robot is told: its round's, its unit's (and the units below), or both."""
    q = Q()
    if hook.round_id:
        q &= Q(inspected_unit__round_id=hook.round_id)
    if hook.unit_id:
        q &= Q(inspected_unit__unit__path__startswith=hook.unit.path, kind__in=UNIT_WEBHOOK_KINDS)
    return q


def deliver(run_id: int) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        emails, email_failures = _send_emails(run_id)
        posts, post_failures = _send_webhooks(run_id)
    NotifyRun.objects.filter(pk=run_id).update(emails=emails, email_failures=email_failures, webhooks=posts,
                                               webhook_failures=post_failures, finished_at=clock.now())


def _send_emails(run_id: int) -> tuple[int, int]:
    digests = list(EmailDigest.objects.filter(run_id=run_id, sent_at__isnull=True, error="").order_by("pk"))
    if not digests:
        return 0, 0
    sent = failed = 0
    connection = get_connection()
    try:
        for digest in digests:
            alerts = list(Alert.objects.filter(notifications__email_digest=digest).order_by("kind", "due_date", "pk"))
            subject = _("【整改通】%(day)s 通知摘要：%(n)s 条") % {"day": digest.day.isoformat(), "n": len(alerts)}
            body = present.digest_text(alerts)
            message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [digest.address], connection=connection)
            try:
                message.send()
            except Exception as error:  # one address refused, one connection dropped: record it, go on
                failed += 1
                EmailDigest.objects.filter(pk=digest.pk).update(error=f"{type(error).__name__}: {error}"[:2000])
                logger.warning("e-mail digest %s to user %s failed: %s", digest.pk, digest.user_id, error)
                try:
                    connection.close()
                except Exception:  # the connection may be gone already; the next message opens a new one
                    logger.debug("closing the SMTP connection failed", exc_info=True)
                continue
            sent += 1
            EmailDigest.objects.filter(pk=digest.pk).update(sent_at=clock.now())
    finally:
        try:
            connection.close()
        except Exception:
            logger.debug("closing the SMTP connection failed", exc_info=True)
    return sent, failed


def robot_payload(kind: str, title: str, text: str) -> dict[str, Any]:
    """The JSON a group robot accepts: WeCom's and DingTalk's markdown messages."""
    if kind == WebhookKind.WECOM:
        return {"msgtype": "markdown", "markdown": {"content": f"**{title}**\n{text}"}}
    return {"msgtype": "markdown", "markdown": {"title": title, "text": f"### {title}\n\n{text}"}}


def signed_url(url: str, secret: str, *, now_ms: int | None = None) -> str:
    """A DingTalk robot with signing ("加签") wants ``timestamp`` (ms) and ``sign`` = Base64(HMAC-SHA256 of
    "timestamp\nsecret" keyed with the secret), URL-encoded, on the query string."""
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest).decode("ascii"))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"


def post_json(url: str, payload: dict[str, Any]) -> None:
    """POST the payload; raise on a transport error, a non-2xx answer or a robot's errcode other than 0."""
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    with urllib.request.urlopen(request, timeout=settings.RECTIFY_WEBHOOK_TIMEOUT) as response:
        body = response.read(65536)
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        return  # a plain 2xx without JSON (a relay, a test server) is a delivery
    if isinstance(answer, dict) and answer.get("errcode", 0) not in (0, "0"):
        raise RuntimeError(f"robot answered errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")


def _send_webhooks(run_id: int) -> tuple[int, int]:
    sent = failed = 0
    for post in WebhookPost.objects.filter(run_id=run_id, sent_at__isnull=True, error="").select_related(
            "webhook__unit", "webhook__round"):
        hook = post.webhook
        alerts = list(Alert.objects.filter(webhook_scope(hook), run_id=run_id).order_by("kind", "due_date", "pk"))
        scope = " · ".join(x.name for x in (hook.round, hook.unit) if x is not None)
        title = _("整改通通知摘要（%(scope)s）") % {"scope": scope}
        try:
            url = signed_url(hook.url, hook.secret) if hook.secret else hook.url
            post_json(url, robot_payload(hook.kind, title, present.digest_text(alerts, limit=ROBOT_LIMIT)))
        except (OSError, urllib.error.URLError, RuntimeError, ValueError) as error:
            failed += 1
            WebhookPost.objects.filter(pk=post.pk).update(error=f"{type(error).__name__}: {error}"[:2000])
            logger.warning("webhook %s post for run %s failed: %s", hook.pk, run_id, error)
            continue
        sent += 1
        WebhookPost.objects.filter(pk=post.pk).update(sent_at=clock.now())
    return sent, failed
