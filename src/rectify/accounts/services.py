"""Writes to users and API tokens, and unlocking after login throttling.

Every write: one transaction, a capability check (``actor=None`` is the local operator of the command
line), one audit event. Passwords and token keys never enter the audit log.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from rectify.accounts import throttle
from rectify.accounts.models import UNIT_ROLES, ApiToken, Role, User
from rectify.audit.services import audit_record
from rectify.core import clock
from rectify.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from rectify.orgs.models import OrgUnit

TOKEN_DAYS_MAX = 3650


class TokenRejected(DomainError):
    """A bearer token that is unknown, expired, revoked or belongs to a deactivated user (401)."""

    status = 401
    code = "unauthorized"


def _require_user_manager(actor: User | None) -> None:
    if actor is not None and not actor.can_manage_users:
        raise PermissionDenied(_("只有系统管理员可以管理用户和接口令牌。"))


def _check_password(password: str, user: User, *, field: str = "password") -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(_("密码不符合要求：%(reasons)s") % {"reasons": "；".join(exc.messages)},
                          code="weak_password", details={"field": field}) from exc


def _unit_for(role: str, unit: OrgUnit | None) -> OrgUnit | None:
    if role not in Role.values:
        raise DomainError(_("角色“%(role)s”不存在，可选：%(roles)s。") % {"role": role, "roles": "、".join(Role.values)},
                          code="bad_role", details={"field": "role"})
    if role in UNIT_ROLES and unit is None:
        raise DomainError(_("整改牵头人和整改责任人必须指定所属单位：请输入单位名称或编码，并从下拉结果中选择。"),
                          code="unit_required", details={"field": "unit"})
    return unit


def _user_facts(user: User) -> dict:
    return {"username": user.username, "display_name": user.display_name, "role": user.role,
            "unit": user.unit.code if user.unit_id else None, "is_active": user.is_active, "email": user.email}


# --- users ----------------------------------------------------------------------------------------

@transaction.atomic
def user_create(
    *, actor: User | None, username: str, role: str, password: str, unit_code: str | None = None,
    unit: OrgUnit | None = None, display_name: str = "", check_password: bool = True,
    must_change_password: bool = False, email: str = "",
) -> User:
    """A new user. On the admin pages the password is a temporary one the user must change at the first
    login (``must_change_password``); the command line sets a final one."""
    _require_user_manager(actor)
    username = (username or "").strip()
    if not username:
        raise DomainError(_("请填写用户名。"), code="username_required", details={"field": "username"})
    if unit is None and unit_code:
        unit = OrgUnit.objects.filter(code=unit_code).first()
        if unit is None:
            raise DomainError(_("单位编码“%(code)s”不存在。") % {"code": unit_code}, code="unknown_unit",
                              details={"field": "unit"})
    if role in UNIT_ROLES and unit is None and actor is None:
        raise DomainError(_("单位用户必须用 --unit 指定所属单位。"), code="unit_required", details={"field": "unit"})
    unit = _unit_for(role, unit)
    duplicate = DomainError(_("用户名“%(username)s”已被使用。") % {"username": username}, code="duplicate_username",
                            details={"field": "username"})
    if User.objects.filter(username=username).exists():
        raise duplicate
    user = User(username=username, role=role, unit=unit, display_name=(display_name or "").strip() or username,
                must_change_password=must_change_password, email=(email or "").strip())
    if check_password:
        _check_password(password, user)
    user.set_password(password)
    user.is_staff = role == Role.ADMIN
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        field = next(iter(exc.message_dict), None)
        raise DomainError("；".join(m for ms in exc.message_dict.values() for m in ms), code="invalid_user",
                          details={"field": field}) from exc
    try:
        with transaction.atomic():  # a double submit racing past the check above meets the unique index
            user.save()
    except IntegrityError:
        raise duplicate from None
    audit_record(actor=actor, action="user.created", obj=user, after=_user_facts(user))
    return user


def _last_admin_guard(actor: User | None, user: User, *, losing_admin: bool) -> None:
    if not losing_admin:
        return
    if actor is not None and actor.pk == user.pk:
        raise DomainError(_("不能停用自己的账号或取消自己的系统管理员角色，请由另一位系统管理员操作。"),
                          code="self_demotion")
    others = User.objects.select_for_update().filter(role=Role.ADMIN, is_active=True).exclude(pk=user.pk)
    if not others.exists():
        raise DomainError(_("这是最后一个启用的系统管理员账号，不能停用或更改其角色；请先设置另一位系统管理员。"),
                          code="last_admin")


@transaction.atomic
def user_update(*, actor: User | None, user: User, display_name: str, role: str,
                unit: OrgUnit | None, email: str | None = None) -> User:
    """Display name, role, unit scope and (when given) e-mail address. Only fields that change are written."""
    _require_user_manager(actor)
    user = User.objects.select_for_update(of=("self",)).select_related("unit").get(pk=user.pk)
    unit = _unit_for(role, unit)
    _last_admin_guard(actor, user, losing_admin=user.role == Role.ADMIN and role != Role.ADMIN and user.is_active)
    before = _user_facts(user)
    user.display_name = (display_name or "").strip() or user.username
    user.role = role
    user.unit = unit
    user.is_staff = role == Role.ADMIN
    if email is not None:
        user.email = email.strip()
    after = _user_facts(user)
    if after == before:
        return user
    user.save(update_fields=["display_name", "role", "unit", "is_staff", "email"])
    changed = [key for key in after if after[key] != before[key]]
    audit_record(actor=actor, action="user.updated", obj=user, before={k: before[k] for k in changed},
                 after={k: after[k] for k in changed})
    return user


@transaction.atomic
def user_set_active(*, actor: User | None, user: User, active: bool) -> User:
    """Deactivate (the user can no longer sign in, open sessions end, API tokens stop working) or reactivate."""
    _require_user_manager(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        raise Conflict(_("该用户已经是“%(state)s”状态。") % {"state": _("启用") if active else _("停用")},
                       code="unchanged")
    _last_admin_guard(actor, user, losing_admin=not active and user.role == Role.ADMIN)
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, action="user.reactivated" if active else "user.deactivated", obj=user,
                 before={"is_active": not active}, after={"is_active": active})
    return user


@transaction.atomic
def user_reset_password(*, actor: User | None, user: User, password: str, revoke_tokens: bool = False) -> int:
    """An admin sets a temporary password: the user's sessions end and the next login must change it.
    With ``revoke_tokens`` the user's API tokens are revoked too (a suspected compromise); otherwise they keep
    working. Also clears login failures recorded against the account. Returns the number of tokens revoked."""
    _require_user_manager(actor)
    if actor is not None and actor.pk == user.pk:
        raise DomainError(_("不能给自己重置临时密码：请用页面顶部的“修改密码”。"), code="self_reset")
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_password(password, user)
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    revoked: list[int] = []
    if revoke_tokens:
        now = clock.now()
        tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
        revoked = list(tokens.values_list("pk", flat=True))
        tokens.update(revoked_at=now)
    cleared = throttle.attempts_clear(username=user.username)
    audit_record(actor=actor, action="user.password_reset", obj=user,
                 after={"must_change_password": True, "tokens_revoked": revoked, "login_failures_cleared": cleared})
    return len(revoked)


@transaction.atomic
def password_change_own(*, user: User, old_password: str, new_password: str) -> User:
    """The signed-in user changes the own password (and so meets a "must change" flag)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(old_password):
        raise DomainError(_("原密码不正确，请重新输入。"), code="wrong_password", details={"field": "old_password"})
    if old_password == new_password:
        raise DomainError(_("新密码不能与原密码相同。"), code="same_password", details={"field": "new_password1"})
    _check_password(new_password, user, field="new_password1")
    was_required = user.must_change_password
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit_record(actor=user, action="user.password_changed", obj=user,
                 before={"must_change_password": was_required}, after={"must_change_password": False})
    return user


# --- unlocking after login throttling ---------------------------------------------------------------

@transaction.atomic
def account_unlock(*, actor: User | None, username: str) -> int:
    """Forget the login failures recorded against an account name (it need not exist: a locked name that
    someone guessed is unlocked the same way). Returns the number of records removed."""
    _require_user_manager(actor)
    username = (username or "").strip()
    if not username:
        raise DomainError(_("请填写要解锁的用户名。"), code="username_required", details={"field": "username"})
    user = User.objects.filter(username=username).first()
    status = throttle.lock_status(username=username, ip_address=None)
    cleared = throttle.attempts_clear(username=username)
    audit_record(actor=actor, action="account.unlocked", obj=user, object_type="accounts.user",
                 object_id=user.pk if user else username[:40],
                 after={"username": username, "was_locked": status is not None, "records_cleared": cleared})
    return cleared


@transaction.atomic
def address_unlock(*, actor: User | None, ip_address: str) -> int:
    """Forget the login failures recorded from a client address (e.g. an office behind one NAT address)."""
    _require_user_manager(actor)
    ip_address = (ip_address or "").strip()
    if not throttle._is_address(ip_address):
        raise DomainError(_("“%(address)s”不是有效的 IP 地址。") % {"address": ip_address}, code="bad_address",
                          details={"field": "ip_address"})
    status = throttle.lock_status(username="", ip_address=ip_address)
    cleared = throttle.attempts_clear(ip_address=ip_address)
    audit_record(actor=actor, action="address.unlocked", object_type="axes.accessattempt", object_id=ip_address,
                 after={"ip_address": ip_address, "was_locked": status is not None, "records_cleared": cleared})
    return cleared


# --- API tokens -------------------------------------------------------------------------------------

def _token_days(expires_days: int | None) -> int:
    days = settings.RECTIFY_TOKEN_DAYS if expires_days is None else expires_days
    if not 1 <= days <= TOKEN_DAYS_MAX:
        raise DomainError(_("有效期须为 1 至 %(max)s 天。") % {"max": TOKEN_DAYS_MAX}, code="bad_expiry",
                          details={"field": "expires_days"})
    return days


@transaction.atomic
def api_token_create(*, actor: User | None, user: User, name: str = "", expires_days: int | None = None) -> str:
    """Create a token and return the key; only its hash is stored, so it is shown once.
    It expires after ``expires_days`` (default RECTIFY_TOKEN_DAYS)."""
    _require_user_manager(actor)
    if not user.is_active:
        raise DomainError(_("用户“%(username)s”已停用，不能生成接口令牌。") % {"username": user.username},
                          code="user_inactive")
    days = _token_days(expires_days)
    name = (name or "").strip()
    if len(name) > 100:
        raise DomainError(_("用途说明不能超过 100 个字。"), code="label_too_long", details={"field": "label"})
    key = ApiToken.new_key()
    expires_at = clock.now() + dt.timedelta(days=days)
    token = ApiToken.objects.create(user=user, name=name, key_hash=ApiToken.hash_key(key), prefix=key[:8],
                                    expires_at=expires_at)
    audit_record(actor=actor, action="api_token.created", obj=token,
                 after={"user": user.pk, "username": user.username, "name": name, "prefix": token.prefix,
                        "expires_at": expires_at})
    return key


@transaction.atomic
def api_token_revoke(*, actor: User | None, user: User, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s tokens: from now on it is refused with "已吊销"."""
    _require_user_manager(actor)
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFound(_("用户“%(username)s”没有编号为 %(id)s 的接口令牌。") % {"username": user.username, "id": token_id},
                       details={"field": "token"})
    if token.revoked_at is not None:
        raise Conflict(_("令牌 %(prefix)s… 已于 %(at)s 吊销。") % {"prefix": token.prefix, "at": _local(token.revoked_at)},
                       code="already_revoked")
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="api_token.revoked", obj=token,
                 after={"user": user.pk, "username": user.username, "prefix": token.prefix,
                        "revoked_at": token.revoked_at})
    return token


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M")


def api_token_authenticate(key: str) -> User:
    """The user a bearer token belongs to. Touches last_used_at at most once a minute.

    Raises ``TokenRejected`` (401) saying why: unknown, revoked, expired, or its user deactivated.
    """
    token = ApiToken.objects.select_related("user", "user__unit").filter(key_hash=ApiToken.hash_key(key)).first()
    if token is None:
        raise TokenRejected(_("未认证：请在 Authorization 头中提供有效的 Bearer 令牌。"))
    now = clock.now()
    state = token.state_at(now)
    if state == "revoked":
        raise TokenRejected(_("令牌已于 %(at)s 吊销，不能再使用。请联系系统管理员生成新令牌。") % {"at": _local(token.revoked_at)},
                            details={"reason": "revoked"})
    if state == "expired":
        raise TokenRejected(_("令牌已于 %(at)s 过期。请联系系统管理员生成新令牌。") % {"at": _local(token.expires_at)},
                            details={"reason": "expired"})
    if not token.user.is_active:
        raise TokenRejected(_("令牌所属的用户已停用。"), details={"reason": "user_inactive"})
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def cli_operator() -> User:
    """The local operator of the command line: reads everything a supervisor may read, writes as "命令行".

    Not saved: audit events record it by name (actor id empty), and services treat ``actor=None`` as it.
    """
    return User(username="cli", display_name="命令行操作员", role=Role.ADMIN, is_active=True)
