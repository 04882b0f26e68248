"""API tokens expire and can be revoked; a refused token gets a 401 that says why.

Issue 8 §4: "API tokens never expire and cannot be revoked." The command line keeps printing only the new
token on stdout (scripts capture it), lists a user's tokens without their secret and revokes one, audited.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from rectify import cli
from rectify.accounts.models import ApiToken, Role
from rectify.accounts.services import api_token_create, api_token_revoke
from rectify.audit.models import AuditEvent
from rectify.core import clock

T0 = dt.datetime(2026, 6, 1, 9, 0, tzinfo=clock.SHANGHAI)


def _get(token: str, path: str = "/api/v1/problems"):  # type: ignore[no-untyped-def]
    return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {token}")


def _refused(response, words: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == 401, response.content
    body = response.json()
    assert body["code"] == "unauthorized"
    assert words in body["message"], body
    return body


def test_a_token_works_until_it_expires_then_says_it_expired(world):
    with clock.frozen(T0):
        token = api_token_create(actor=None, user=world[Role.COMMISSION], name="OA", expires_days=30)
        assert _get(token).status_code == 200
    with clock.frozen(T0 + dt.timedelta(days=29, hours=23)):
        assert _get(token).status_code == 200
    with clock.frozen(T0 + dt.timedelta(days=30, minutes=1)):
        body = _refused(_get(token), "令牌已于 2026-07-01 09:00 过期")
        assert body["details"] == {"reason": "expired"}


def test_tokens_expire_after_the_configured_days_by_default(world, settings):
    settings.RECTIFY_TOKEN_DAYS = 7
    with clock.frozen(T0):
        api_token_create(actor=None, user=world[Role.COMMISSION])
    assert ApiToken.objects.get().expires_at == T0 + dt.timedelta(days=7)


def test_the_default_expiry_is_180_days(world):
    with clock.frozen(T0):
        api_token_create(actor=None, user=world[Role.COMMISSION])
    assert ApiToken.objects.get().expires_at == T0 + dt.timedelta(days=180)


def test_a_revoked_token_says_it_was_revoked(world):
    user = world[Role.UNIT_LEAD]
    with clock.frozen(T0):
        token = api_token_create(actor=None, user=user)
        other = api_token_create(actor=None, user=user)
        api_token_revoke(actor=world[Role.ADMIN], user=user, token_id=ApiToken.objects.get(
            key_hash=ApiToken.hash_key(token)).pk)
        body = _refused(_get(token), "令牌已于 2026-06-01 09:00 吊销")
        assert body["details"] == {"reason": "revoked"}
        assert _get(other).status_code == 200  # the user's other tokens keep working
    event = AuditEvent.objects.get(action="api_token.revoked")
    assert event.actor_id == world[Role.ADMIN].pk and event.after["username"] == user.username


def test_an_unknown_token_and_a_deactivated_users_token_are_refused(world):
    _refused(_get("rct_nothing-like-a-token"), "未认证")
    member = world[Role.UNIT_MEMBER]
    token = api_token_create(actor=None, user=member)
    member.is_active = False
    member.save()
    _refused(_get(token), "令牌所属的用户已停用")


def test_only_admins_and_the_command_line_create_or_revoke_tokens(world):
    from rectify.core.errors import PermissionDenied

    for role in (Role.COMMISSION, Role.INSPECTION_OFFICE, Role.UNIT_LEAD, Role.UNIT_MEMBER, Role.LEADER):
        with pytest.raises(PermissionDenied):
            api_token_create(actor=world[role], user=world[role])
    assert api_token_create(actor=world[Role.ADMIN], user=world[Role.LEADER]).startswith("rct_")


def test_the_expiry_must_be_between_one_day_and_ten_years(world):
    from rectify.core.errors import DomainError

    for days in (0, -5, 3651):
        with pytest.raises(DomainError, match="有效期须为 1 至 3650 天"):
            api_token_create(actor=None, user=world[Role.LEADER], expires_days=days)
    assert not ApiToken.objects.exists()


# --- the command line ---------------------------------------------------------------------------------

def test_cli_token_prints_only_the_token(world, capsys):
    assert cli.main(["token", world[Role.INSPECTION_OFFICE].username, "--label", "OA 同步", "--expires-days", "10"]) == 0
    out = capsys.readouterr().out
    assert re.fullmatch(r"rct_[A-Za-z0-9_-]{43}\n", out), out
    token = ApiToken.objects.get()
    assert token.name == "OA 同步" and token.key_hash == ApiToken.hash_key(out.strip())
    assert (token.expires_at - token.created_at).days in (9, 10)
    assert _get(out.strip()).status_code == 200


def test_cli_token_list_shows_every_token_without_its_secret(world, capsys):
    user = world[Role.INSPECTION_OFFICE]
    with clock.frozen(T0):
        first = api_token_create(actor=None, user=user, name="第一个")
        api_token_create(actor=None, user=user, name="第二个", expires_days=1)
    api_token_revoke(actor=None, user=user, token_id=ApiToken.objects.get(name="第一个").pk)
    api_token_create(actor=None, user=world[Role.LEADER], name="别人的")
    capsys.readouterr()
    assert cli.main(["token", user.username, "--list"]) == 0
    out = capsys.readouterr().out
    lines = out.strip().splitlines()
    assert lines[0].split("\t") == ["编号", "前缀", "用途", "创建时间", "到期时间", "最近使用", "吊销时间", "状态"]
    rows = [line.split("\t") for line in lines[1:]]
    assert [r[2] for r in rows] == ["第二个", "第一个"]  # newest first, only this user's
    second, revoked = rows
    assert second[1] == ApiToken.objects.get(name="第二个").prefix and second[3] == "2026-06-01 09:00"
    assert second[4] == "2026-06-02 09:00" and second[7] == "已过期"
    assert revoked[7] == "已吊销" and revoked[6] != "-"
    assert first not in out and first[8:] not in out  # the secret never appears


def test_cli_token_revoke_revokes_and_audits(world, capsys):
    user = world[Role.INSPECTION_OFFICE]
    key = api_token_create(actor=None, user=user)
    token = ApiToken.objects.get()
    assert cli.main(["token", user.username, "--revoke", str(token.pk)]) == 0
    assert f"已吊销用户 {user.username} 的令牌 {token.pk}" in capsys.readouterr().out
    _refused(_get(key), "吊销")
    assert AuditEvent.objects.filter(action="api_token.revoked", actor__isnull=True).count() == 1
    assert cli.main(["token", user.username, "--revoke", str(token.pk)]) == 2
    err = capsys.readouterr().err
    assert f"令牌 {token.prefix}… 已于" in err and "吊销" in err


def test_cli_token_revoke_refuses_another_users_token(world, capsys):
    api_token_create(actor=None, user=world[Role.LEADER])
    token = ApiToken.objects.get()
    assert cli.main(["token", world[Role.INSPECTION_OFFICE].username, "--revoke", str(token.pk)]) == 2
    assert "没有编号为" in capsys.readouterr().err
    assert ApiToken.objects.get().revoked_at is None


# --- existing tokens get an expiry from the migration ---------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_tokens_that_existed_before_expiry_get_180_days_from_the_migration():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0001_initial")])
    old = executor.loader.project_state([("accounts", "0001_initial")]).apps
    user = old.get_model("accounts", "User").objects.create(username="oa", role="commission")
    old.get_model("accounts", "ApiToken").objects.create(user=user, key_hash="a" * 64, prefix="rct_aaaa")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    with clock.frozen(T0):
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert ApiToken.objects.get(prefix="rct_aaaa").expires_at == T0 + dt.timedelta(days=180)
