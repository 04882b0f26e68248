"""Writes of the notifications app: the notify run, reading the inbox, preferences, webhooks, ladder settings.

``notify_run`` is safe to run twice and twice at once (the healthchecks pattern):

1. in one transaction, raise today's new alerts (``ladder.collect``) and store them, marked with this run, and
   their inbox items; a key that another run stored first is skipped (``INSERT … ON CONFLICT DO NOTHING`` on
   the unique key and the unique alert × user), so each alert belongs to exactly one run;
2. claim every undelivered inbox item with a conditional UPDATE (``WHERE delivered_at IS NULL``): each is
   claimed, and counted, by exactly one run;
3. claim each recipient's e-mail digest of the day (unique per user and day, ``WHERE run IS NULL``) and attach
   the user's inbox items not yet e-mailed; note one post per webhook with alerts of this run in its scope;
4. after commit (``transaction.on_commit``) send the e-mails and posts, each on its own: one bad address or
   unreachable robot is recorded on its row and never stops the rest.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.utils.translation import gettext as _

from rectify.accounts.models import User
from rectify.audit.services import audit_record
from rectify.core import clock
from rectify.core.errors import DomainError, NotFound, PermissionDenied
from rectify.inspections.models import InspectionRound
from rectify.notifications import delivery, ladder
from rectify.notifications.models import (
    Alert,
    EmailDigest,
    LadderSettings,
    Notification,
    NotifyRun,
    Preference,
    Webhook,
    WebhookKind,
    WebhookPost,
)
from rectify.orgs.models import OrgUnit, Person

logger = logging.getLogger(__name__)
CHUNK = 2000
BATCH = 20000  # rows per executemany


@dataclass
class NotifyResult:
    run_id: int
    alerts: int
    notifications: int
    emails: int
    webhooks: int
    email_failures: int = 0
    webhook_failures: int = 0

    def as_json(self) -> dict[str, int]:
        return {"notifications": self.notifications, "emails": self.emails, "webhooks": self.webhooks}


def _insert_ignoring_conflicts(model: type, columns: list[str], rows: list[tuple]) -> None:
    """INSERT … ON CONFLICT DO NOTHING with executemany (SQLite and PostgreSQL both have it): a row another run
    stored first is skipped. Plain SQL because bulk_create spends most of a large first run preparing values."""
    if not rows:
        return
    from django.db import connection

    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))}) ON CONFLICT DO NOTHING")
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _store(drafts: list[ladder.Draft], now: dt.datetime, day: dt.date, run: NotifyRun) -> None:
    """The alerts this run is the first to raise, then their inbox items. An alert another run stored first is
    skipped with its recipients: that run gives them their inbox items."""
    from django.db import connection

    ops = connection.ops
    at, today = ops.adapt_datetimefield_value(now), ops.adapt_datefield_value(day)
    drafts = sorted(drafts, key=lambda d: d.key)  # two runs insert the same keys in the same order: no deadlock
    columns = ["kind", "key", "task_id", "close_out_id", "inspected_unit_id", "day", "due_date", "final_date",
               "subject", "unit_name", "detail", "waited", "created_at", "run_id"]
    for start in range(0, len(drafts), BATCH):
        _insert_ignoring_conflicts(Alert, columns, [
            (d.kind, d.key, d.task_id, d.close_out_id, d.inspected_unit_id, today, ops.adapt_datefield_value(d.due_date),
             ops.adapt_datefield_value(d.final_date), d.subject[:200], d.unit_name[:100], d.detail, d.waited, at,
             run.pk) for d in drafts[start:start + BATCH]])
    ids = dict(Alert.objects.filter(run=run).values_list("key", "pk"))
    rows = [(ids[d.key], user_id, role) for d in drafts if d.key in ids for user_id, role in d.recipients.items()]
    for start in range(0, len(rows), BATCH):
        _insert_ignoring_conflicts(Notification, ["alert_id", "user_id", "role"], rows[start:start + BATCH])


def _email_wanted() -> set[int]:
    """Users who get e-mail: an address, active, and e-mail not switched off (on unless they chose)."""
    off = Preference.objects.filter(email=False).values("user_id")
    return set(User.objects.filter(is_active=True).exclude(email="").exclude(pk__in=off).values_list("pk", flat=True))


def _claim_digests(run: NotifyRun, day: dt.date) -> None:
    waiting = set(Notification.objects.filter(delivered_at__isnull=False, email_digest__isnull=True)
                  .values_list("user_id", flat=True).distinct())
    users = sorted(waiting & _email_wanted())
    if not users:
        return
    addresses = dict(User.objects.filter(pk__in=users).values_list("pk", "email"))
    EmailDigest.objects.bulk_create([EmailDigest(user_id=u, day=day, address=addresses[u]) for u in users],
                                    ignore_conflicts=True, batch_size=CHUNK)
    for start in range(0, len(users), CHUNK):
        chunk = users[start:start + CHUNK]
        EmailDigest.objects.filter(day=day, user_id__in=chunk, run__isnull=True).update(run=run)
        Notification.objects.filter(user_id__in=chunk, delivered_at__isnull=False, email_digest__isnull=True).filter(
            user_id__in=EmailDigest.objects.filter(run=run).values("user_id")
        ).update(email_digest=Subquery(EmailDigest.objects.filter(run=run, user_id=OuterRef("user_id")).values("pk")[:1]))
    for digest_id, n in (Notification.objects.filter(email_digest__run=run).order_by().values("email_digest_id")
                         .annotate(n=Count("pk")).values_list("email_digest_id", "n")):
        EmailDigest.objects.filter(pk=digest_id).update(items=n)
    EmailDigest.objects.filter(run=run, items=0).delete()  # claimed but nothing left (another run took it)


def _note_webhook_posts(run: NotifyRun) -> None:
    for hook in Webhook.objects.filter(is_active=True).select_related("unit"):
        n = Alert.objects.filter(delivery.webhook_scope(hook), run=run).count()
        if n:
            WebhookPost.objects.create(webhook=hook, run=run, items=n)


def _roomy_sqlite_cache() -> None:
    """A first run over a province writes hundreds of thousands of rows in one transaction; SQLite's default page
    cache (2 MB) spills them to the WAL page by page. 128 MB for this connection (the CLI's process, or the
    worker thread's connection, closed after the run) makes that run about a third faster."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -131072")


def notify_run(*, today: dt.date | None = None) -> NotifyResult:
    """Raise and send what is new today (see the module docstring). The counts are what this run sent."""
    today = today or clock.today()
    _roomy_sqlite_cache()
    with transaction.atomic():
        now = clock.now()
        run = NotifyRun.objects.create(day=today, started_at=now)
        drafts = ladder.collect(today)
        _store(drafts, now, today, run)
        alerts = Alert.objects.filter(run=run).count()
        notifications = Notification.objects.filter(delivered_at__isnull=True).update(delivered_at=now)
        if settings.RECTIFY_EMAIL_ENABLED:
            _claim_digests(run, today)
        _note_webhook_posts(run)
        NotifyRun.objects.filter(pk=run.pk).update(alerts=alerts, notifications=notifications)
        transaction.on_commit(partial(delivery.deliver, run.pk))
    run.refresh_from_db()
    return NotifyResult(run_id=run.pk, alerts=run.alerts, notifications=run.notifications, emails=run.emails,
                        webhooks=run.webhooks, email_failures=run.email_failures,
                        webhook_failures=run.webhook_failures)


# --- the inbox ---------------------------------------------------------------------------------

def notification_mark_read(*, actor: User, notification_ids: list[int] | None = None) -> int:
    """Mark the actor's own notifications read (all unread ones when ``notification_ids`` is None)."""
    qs = Notification.objects.filter(user=actor, read_at__isnull=True, delivered_at__isnull=False)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=clock.now())


# --- preferences -------------------------------------------------------------------------------

@transaction.atomic
def preference_update(*, actor: User, user: User | None = None, email: bool, person_id: int | None) -> Preference:
    """A user's channels and roster link. Users set their own; an admin may set anyone's roster link."""
    target = user or actor
    if target.pk != actor.pk and not actor.can_manage_users:
        raise PermissionDenied(_("只能修改本人的通知设置。"))
    person = None
    if person_id:
        person = Person.objects.filter(pk=person_id).first()
        if person is None:
            raise DomainError(_("所选人员不存在。"), code="unknown_person", details={"field": "person"})
        if not actor.can_manage_users and not (target.unit_id and person.unit_id and
                                               _within(person.unit_id, target.unit_id)) and target.is_unit_user:
            raise DomainError(_("只能选择本单位人员名单中的本人。"), code="person_out_of_unit",
                              details={"field": "person"})
    pref, _created = Preference.objects.get_or_create(user=target)
    before = {"email": pref.email, "person": pref.person_id}
    pref.email, pref.person = email, person
    pref.save()
    audit_record(actor=actor, action="notifications.preference_updated", obj=pref, before=before,
                 after={"email": pref.email, "person": pref.person_id})
    return pref


def _within(unit_id: int, ancestor_id: int) -> bool:
    paths = dict(OrgUnit.objects.filter(pk__in=[unit_id, ancestor_id]).values_list("pk", "path"))
    return unit_id in paths and ancestor_id in paths and paths[unit_id].startswith(paths[ancestor_id])


# --- webhooks ----------------------------------------------------------------------------------

def check_webhook_url(url: str) -> str:
    """http or https with a host; intranet and loopback addresses are normal in this deployment."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DomainError(_("群机器人地址须以 http:// 或 https:// 开头并包含主机名。"), code="invalid_url",
                          details={"field": "url"})
    if len(url) > 500:
        raise DomainError(_("群机器人地址过长（最多 500 个字符）。"), code="invalid_url", details={"field": "url"})
    return url


@transaction.atomic
def webhook_add(*, actor: User | None, url: str, kind: str, round_code: str | None = None,
                unit_code: str | None = None, secret: str = "") -> Webhook:
    """A group robot for a round or a unit (or both: the unit's alerts of that round). ``actor`` None is the
    command line's operator."""
    if actor is not None and not (actor.can_manage_rounds or actor.can_manage_users):
        raise PermissionDenied(_("群机器人由巡视办、纪委监委或系统管理员配置。"))
    if kind not in WebhookKind.values:
        raise DomainError(_("群机器人类型须为 wecom（企业微信）或 dingtalk（钉钉）。"), code="invalid_kind",
                          details={"field": "kind"})
    url = check_webhook_url(url)
    rnd = unit = None
    if round_code:
        rnd = InspectionRound.objects.filter(code=round_code).first()
        if rnd is None:
            raise DomainError(_("轮次编码“%(code)s”不存在。") % {"code": round_code}, code="unknown_round",
                              details={"field": "round"})
    if unit_code:
        unit = OrgUnit.objects.filter(code=unit_code).first()
        if unit is None:
            raise DomainError(_("单位编码“%(code)s”不存在。") % {"code": unit_code}, code="unknown_unit",
                              details={"field": "unit"})
    if rnd is None and unit is None:
        raise DomainError(_("请指定群机器人所属的轮次或单位。"), code="scope_required", details={"field": "round"})
    secret = (secret or "").strip()
    if secret and kind != WebhookKind.DINGTALK:
        raise DomainError(_("只有钉钉群机器人使用加签密钥。"), code="invalid_secret", details={"field": "secret"})
    hook = Webhook.objects.create(kind=kind, url=url, round=rnd, unit=unit, secret=secret[:200], created_by=actor,
                                  created_at=clock.now())
    audit_record(actor=actor, action="notifications.webhook_added", obj=hook,
                 after={"kind": kind, "url": url, "round": round_code or "", "unit": unit_code or "",
                        "signed": bool(secret)})
    return hook


@transaction.atomic
def webhook_set_active(*, actor: User, webhook_id: int, active: bool) -> Webhook:
    if not (actor.can_manage_rounds or actor.can_manage_users):
        raise PermissionDenied(_("群机器人由巡视办、纪委监委或系统管理员配置。"))
    hook = Webhook.objects.filter(pk=webhook_id).first()
    if hook is None:
        raise NotFound(_("未找到该群机器人。"))
    if hook.is_active != active:
        hook.is_active = active
        hook.save(update_fields=["is_active"])
        audit_record(actor=actor, action="notifications.webhook_" + ("enabled" if active else "disabled"), obj=hook,
                     after={"is_active": active})
    return hook


# --- the round's ladder ------------------------------------------------------------------------

@transaction.atomic
def ladder_settings_update(*, actor: User, round_code: str, admonition_days: int,
                           final_working_days: int) -> LadderSettings:
    if not actor.can_manage_rounds:
        raise PermissionDenied(_("预警升级设置由巡视办或纪委监委修改。"))
    rnd = InspectionRound.objects.filter(code=round_code).first()
    if rnd is None:
        raise NotFound(_("轮次编码“%(code)s”不存在。") % {"code": round_code})
    for name, value in (("admonition_days", admonition_days), ("final_working_days", final_working_days)):
        if not 1 <= int(value) <= 365:
            raise DomainError(_("天数须在 1 到 365 之间。"), code="invalid_days", details={"field": name})
    row, _created = LadderSettings.objects.get_or_create(round=rnd)
    before = {"admonition_days": row.admonition_days, "final_working_days": row.final_working_days}
    row.admonition_days, row.final_working_days = admonition_days, final_working_days
    row.save()
    audit_record(actor=actor, action="notifications.ladder_updated", obj=rnd, before=before,
                 after={"admonition_days": admonition_days, "final_working_days": final_working_days})
    return row
