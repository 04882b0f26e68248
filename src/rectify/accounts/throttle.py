"""Login throttling on top of django-axes: who is locked, until when, and from which address.

The rules (settings RECTIFY_LOGIN_MAX_FAILURES, RECTIFY_LOGIN_LOCKOUT_MINUTES):
1. Every failed login is counted against the account name typed *and* against the client address.
2. When either count reaches the limit within the lockout period, further logins for that account, or
   from that address, are refused without checking the password, until the lockout period has passed
   since the failure that locked it (attempts while locked are not counted, so they do not extend it).
3. A successful login forgets the failures of that account from that address only, so an insider who
   logs into the own account cannot wipe the failures recorded against someone else's.
4. Time is ``rectify.core.clock`` time, so tests (and RECTIFY_TODAY) move it like everything else.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q, QuerySet, Sum
from django.http import HttpRequest

from rectify.core import clock


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses a locked account or address before the password is checked (ModelBackend checks it).

    Logins through the pages always pass the request (Django's AuthenticationForm does). A call without
    one — Django's test ``Client.login`` — has no client to count, so the throttle steps aside and the
    password backend alone decides, instead of failing with axes' "request required" error.
    """

    def authenticate(self, request: HttpRequest | None, username: str | None = None,  # type: ignore[override]
                     password: str | None = None, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class ClockedDatabaseHandler(AxesDatabaseHandler):
    """axes' database handler on the system clock, with the rules 3 and 4 above and an audit event
    when a lock happens."""

    @staticmethod
    def _on_clock(request: Any) -> None:
        if request is not None:
            request.axes_attempt_time = clock.now()

    def is_allowed(self, request: Any, credentials: dict | None = None) -> bool:
        self._on_clock(request)
        return super().is_allowed(request, credentials)

    def is_locked(self, request: Any, credentials: dict | None = None) -> bool:
        self._on_clock(request)
        return super().is_locked(request, credentials)

    def get_failures(self, request: Any, credentials: dict | None = None) -> int:
        self._on_clock(request)
        return super().get_failures(request, credentials)

    def user_login_failed(self, sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
        self._on_clock(request)
        already_locked = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or already_locked:
            return  # nothing counted: attempts while locked are refused, not recorded
        # axes' attempt_time is auto_now_add: a new record gets the real time, not the system clock's.
        AccessAttempt.objects.filter(
            username=(credentials or {}).get("username"), ip_address=request.axes_ip_address,
            user_agent=request.axes_user_agent,
        ).update(attempt_time=request.axes_attempt_time)
        if getattr(request, "axes_locked_out", False):
            _record_lockout(request, credentials)

    def user_logged_in(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        self._on_clock(request)
        super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        self._on_clock(request)
        super().user_logged_out(sender, request, user, **kwargs)

    def reset_user_attempts(self, request: Any, credentials: dict | None = None) -> int:
        """After a successful login: this account's failures from this address (rule 3)."""
        username = (credentials or {}).get("username")
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()
        return count


def _record_lockout(request: Any, credentials: dict | None) -> None:
    from rectify.accounts.models import User
    from rectify.audit.services import audit_record

    username = (credentials or {}).get("username") or ""
    address = getattr(request, "axes_ip_address", None) or ""
    status = lock_status(username=username, ip_address=address)
    user = User.objects.filter(username=username).first() if username else None
    with transaction.atomic():
        audit_record(actor=None, action="account.locked_out", obj=user, object_type="accounts.user",
                     object_id=user.pk if user else username,
                     after={"username": username, "ip_address": address,
                            "locked": status.kinds if status else [],
                            "failures": getattr(request, "axes_failures_since_start", None),
                            "locked_until": status.until if status else None})


# --- the client's address ------------------------------------------------------------------------

def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the socket peer, or — behind a reverse proxy named by RECTIFY_CLIENT_IP_HEADER —
    the entry the nearest of RECTIFY_PROXY_COUNT proxies wrote (X-Forwarded-For is read from the right,
    where the proxies append; what the client itself sent on the left is never trusted). A value that is
    not an address falls back to the socket peer."""
    peer = request.META.get("REMOTE_ADDR") or None
    header = settings.RECTIFY_CLIENT_IP_HEADER
    if header:
        raw = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        entries = [part.strip() for part in raw.split(",") if part.strip()]
        if len(entries) >= settings.RECTIFY_PROXY_COUNT:
            candidate = entries[-settings.RECTIFY_PROXY_COUNT]
            if _is_address(candidate):
                return candidate
    return peer if peer and _is_address(peer) else None


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


# --- who is locked --------------------------------------------------------------------------------

def failure_limit() -> int:
    return int(settings.AXES_FAILURE_LIMIT)


def lockout_period() -> dt.timedelta:
    return settings.AXES_COOLOFF_TIME


def _recent() -> QuerySet[AccessAttempt]:
    return AccessAttempt.objects.filter(attempt_time__gte=clock.now() - lockout_period())


def _locked_until(rows: list[tuple[dt.datetime, int]]) -> dt.datetime | None:
    """The end of the lock the recent failures ``rows`` (attempt time, count) make, or None.

    Rows leave the period oldest first, so the lock lasts while the newest rows that together reach the
    limit are in it: until the period has passed since the row where the running total reaches it.
    """
    total = 0
    for at, count in sorted(rows, key=lambda r: r[0], reverse=True):
        total += count
        if total >= failure_limit():
            return at + lockout_period()
    return None


@dataclass(frozen=True)
class LockStatus:
    kinds: list[str]  # "account" and/or "address"
    until: dt.datetime

    @property
    def by_account(self) -> bool:
        return "account" in self.kinds

    @property
    def minutes_left(self) -> int:
        seconds = (self.until - clock.now()).total_seconds()
        return max(1, int(-(-seconds // 60)))


def lock_status(*, username: str, ip_address: str | None) -> LockStatus | None:
    """Whether logins for ``username`` from ``ip_address`` are refused now, why and until when."""
    conditions = [("account", Q(username=username))] if username else []
    if ip_address:
        conditions.append(("address", Q(ip_address=ip_address)))
    if not conditions:
        return None
    rows = list(_recent().filter(Q(*(c for _, c in conditions), _connector=Q.OR))
                .values_list("username", "ip_address", "attempt_time", "failures_since_start"))
    kinds, ends = [], []
    for kind, _ in conditions:
        end = _locked_until([(at, n) for name, addr, at, n in rows
                             if (name == username if kind == "account" else addr == ip_address)])
        if end is not None:
            kinds.append(kind)
            ends.append(end)
    return LockStatus(kinds=kinds, until=max(ends)) if kinds else None


def locked_accounts(usernames: list[str] | None = None) -> dict[str, dt.datetime]:
    """Locked account names (all, or those of ``usernames``) and when each lock ends. One query."""
    qs = _recent().exclude(username__isnull=True).exclude(username="")
    if usernames is not None:
        qs = qs.filter(username__in=usernames)
    return _locks_by(qs, "username")


def locked_addresses() -> dict[str, dt.datetime]:
    """Locked client addresses and when each lock ends."""
    return _locks_by(_recent().exclude(ip_address__isnull=True), "ip_address")


def _locks_by(qs: QuerySet[AccessAttempt], field: str) -> dict[str, dt.datetime]:
    over = list(qs.values(field).annotate(total=Sum("failures_since_start"), last=Max("attempt_time"))
                .filter(total__gte=failure_limit()).order_by("-last").values_list(field, flat=True)[:200])
    if not over:
        return {}
    rows: dict[str, list[tuple[dt.datetime, int]]] = {}
    for key, at, count in qs.filter(**{f"{field}__in": over}).values_list(field, "attempt_time",
                                                                          "failures_since_start"):
        rows.setdefault(key, []).append((at, count))
    ends = {key: _locked_until(found) for key, found in rows.items()}
    return {key: end for key, end in ends.items() if end is not None}


def attempts_clear(*, username: str | None = None, ip_address: str | None = None) -> int:
    """Forget the recorded failures of an account name or an address (the unlock services call it)."""
    if not username and not ip_address:
        return 0
    qs = AccessAttempt.objects.all()
    if username:
        qs = qs.filter(username=username)
    if ip_address:
        qs = qs.filter(ip_address=ip_address)
    count, _ = qs.delete()
    return count
