"""The one place that turns a user into a data scope."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from rectify.accounts import throttle
from rectify.accounts.models import ApiToken, Role, User
from rectify.core import clock
from rectify.core.errors import NotFound, PermissionDenied


def sees_every_unit(user: User) -> bool:
    """The user's scope is the whole province: ``unit_scope_q`` limits nothing."""
    return bool(user.is_authenticated and user.is_active and user.sees_all_units)


def unit_scope_q(user: User, *, unit_path_field: str) -> Q:
    """Q limiting rows to the user's org subtree via ``unit_path_field`` (a path to OrgUnit.path).

    Users who see all units get an always-true Q. A unit user without a unit sees nothing.
    """
    if sees_every_unit(user):
        return Q()
    if not user.is_authenticated or not user.is_active or user.unit_id is None:
        return Q(pk__in=[])
    return Q(**{f"{unit_path_field}__startswith": user.unit.path})


# --- 系统管理 → 用户与令牌 (admins only) -----------------------------------------------------------

def _require_user_manager(user: User) -> None:
    if not user.can_manage_users:
        raise PermissionDenied(_("只有系统管理员可以管理用户和接口令牌。"))


def user_list_for(*, user: User, query: str = "", role: str = "", state: str = "") -> QuerySet[User]:
    """Users whose username or name contains ``query``, optionally of one role and state ("active" or
    "inactive"); active first, then by username."""
    _require_user_manager(user)
    qs = User.objects.select_related("unit")
    if query:
        qs = qs.filter(Q(username__icontains=query) | Q(display_name__icontains=query))
    if role in Role.values:
        qs = qs.filter(role=role)
    if state in ("active", "inactive"):
        qs = qs.filter(is_active=state == "active")
    return qs.order_by("-is_active", "username")


def user_get_for(*, user: User, user_id: int) -> User:
    _require_user_manager(user)
    found = User.objects.select_related("unit").filter(pk=user_id).first()
    if found is None:
        raise NotFound(_("未找到该用户。"))
    return found


def api_tokens_of(*, user: User, owner: User) -> list[ApiToken]:
    """The owner's tokens, newest first, each with ``state`` ("active", "expired" or "revoked")."""
    _require_user_manager(user)
    now = clock.now()
    tokens = list(ApiToken.objects.filter(user=owner).order_by("-created_at", "-pk"))
    for token in tokens:
        token.state = token.state_at(now)  # type: ignore[attr-defined]
    return tokens


def lockouts_for(*, user: User, usernames: list[str] | None = None) -> dict[str, dict[str, dt.datetime]]:
    """Accounts (all, or those of ``usernames``) and client addresses locked now, with when each lock ends."""
    _require_user_manager(user)
    return {"accounts": throttle.locked_accounts(usernames),
            "addresses": throttle.locked_addresses() if usernames is None else {}}
