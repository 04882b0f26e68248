"""Writes to users and API tokens."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rectify.accounts.models import UNIT_ROLES, ApiToken, Role, User
from rectify.audit.services import audit_record
from rectify.core import clock
from rectify.core.errors import DomainError
from rectify.orgs.models import OrgUnit


@transaction.atomic
def user_create(
    *, actor: User | None, username: str, role: str, password: str, unit_code: str | None = None,
    display_name: str = "", check_password: bool = True,
) -> User:
    username = (username or "").strip()
    if not username:
        raise DomainError(_("请填写用户名。"), code="username_required")
    if role not in Role.values:
        raise DomainError(_("角色“%(role)s”不存在，可选：%(roles)s。") % {"role": role, "roles": "、".join(Role.values)},
                          code="bad_role")
    if User.objects.filter(username=username).exists():
        raise DomainError(_("用户名“%(username)s”已被使用。") % {"username": username}, code="duplicate_username")
    unit = None
    if unit_code:
        unit = OrgUnit.objects.filter(code=unit_code).first()
        if unit is None:
            raise DomainError(_("单位编码“%(code)s”不存在。") % {"code": unit_code}, code="unknown_unit")
    if role in UNIT_ROLES and unit is None:
        raise DomainError(_("单位用户必须用 --unit 指定所属单位。"), code="unit_required")
    user = User(username=username, role=role, unit=unit, display_name=display_name or username)
    if check_password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise DomainError(_("密码不符合要求：%(reasons)s") % {"reasons": "；".join(exc.messages)}, code="weak_password") from exc
    user.set_password(password)
    user.is_staff = role == Role.ADMIN
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(actor=actor, action="user.created", obj=user,
                 after={"username": username, "role": role, "unit": unit_code})
    return user


@transaction.atomic
def api_token_create(*, actor: User | None, user: User, name: str = "") -> str:
    """Create a token and return the key; only its hash is stored, so it is shown once."""
    key = ApiToken.new_key()
    token = ApiToken.objects.create(user=user, name=name, key_hash=ApiToken.hash_key(key), prefix=key[:8])
    audit_record(actor=actor, action="api_token.created", obj=token, after={"user": user.pk, "name": name})
    return key


def api_token_authenticate(key: str) -> User | None:
    """The user a bearer token belongs to, or None. Touches last_used_at at most once a minute."""
    token = (
        ApiToken.objects.select_related("user", "user__unit")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = clock.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def cli_operator() -> User:
    """The local operator of the command line: reads everything a supervisor may read, writes as "命令行".

    Not saved: audit events record it by name (actor id empty), and services treat ``actor=None`` as it.
    """
    return User(username="cli", display_name="命令行操作员", role=Role.ADMIN, is_active=True)
