"""Guessing passwords stops: five failures lock the account, and five from one address lock that address.

Issue 8 §4: "40 wrong passwords in 19 s, then the right one logs in". Now the fifth failure answers with the
login form again and a plain Chinese message saying the account is locked and until when; the lock is audited
once; it ends by itself after the lockout period (the clock is moved, nothing sleeps) or when an admin unlocks.
"""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from rectify import cli
from rectify.accounts.models import Role
from rectify.audit.models import AuditEvent
from rectify.core import clock
from tests.factories import PASSWORD

T0 = dt.datetime(2026, 6, 1, 9, 0, tzinfo=clock.SHANGHAI)


def _login(username: str, password: str, address: str = "10.0.0.1", **extra: str):  # type: ignore[no-untyped-def]
    client = Client(REMOTE_ADDR=address, **extra)
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    response.signed_in = "_auth_user_id" in client.session
    return response


def _fail(username: str, times: int, address: str = "10.0.0.1") -> None:
    for _ in range(times):
        response = _login(username, "wrong-password", address)
        assert not response.signed_in


def test_forty_wrong_passwords_then_the_right_one_is_refused_with_the_lockout_message(world):
    lead = world[Role.UNIT_LEAD]
    with clock.frozen(T0):
        _fail(lead.username, 40)
        response = _login(lead.username, PASSWORD)
    assert response.status_code == 429
    assert not response.signed_in
    body = response.content.decode()
    assert "该账号连续登录失败 5 次，已被锁定 15 分钟" in body
    assert "请在 09:00 之后" not in body  # the lock runs from the fifth failure, 09:00 + 15 min
    assert "请在 09:15 之后（约 15 分钟后）再试，或请系统管理员解锁" in body
    # the login form again, the name kept, no English, no stack trace
    assert 'name="password"' in body and f'value="{lead.username}"' in body and ">登录</button>" in body
    assert "Traceback" not in body and "Account locked" not in body


def test_the_fifth_failure_locks_the_account_whatever_address_the_attempts_come_from(world):
    lead = world[Role.UNIT_LEAD]
    with clock.frozen(T0):
        for n in range(4):
            assert _login(lead.username, "wrong", f"10.0.1.{n}").status_code == 200  # the plain login error
        fifth = _login(lead.username, "wrong", "10.0.1.9")
        assert fifth.status_code == 429 and "该账号连续登录失败 5 次" in fifth.content.decode()
        assert not _login(lead.username, PASSWORD, "192.168.7.7").signed_in
        # another account from the same addresses is not affected
        assert _login(world[Role.UNIT_MEMBER].username, PASSWORD, "10.0.1.9").signed_in


def test_five_failures_from_one_address_stop_logins_from_it_for_every_account(world):
    names = ["nobody1", "nobody2", world[Role.LEADER].username, "nobody3", world[Role.COMMISSION].username]
    with clock.frozen(T0):
        for name in names:
            _login(name, "wrong", "10.9.9.9")
        refused = _login(world[Role.UNIT_MEMBER].username, PASSWORD, "10.9.9.9")
        assert refused.status_code == 429 and not refused.signed_in
        assert "本机所在地址登录失败次数过多，已暂停登录 15 分钟" in refused.content.decode()
        assert _login(world[Role.UNIT_MEMBER].username, PASSWORD, "10.9.9.10").signed_in


def test_a_lock_is_audited_once_with_the_account_name_and_address(world):
    lead = world[Role.UNIT_LEAD]
    with clock.frozen(T0):
        _fail(lead.username, 5, "10.0.0.7")
        _fail(lead.username, 3, "10.0.0.7")  # refused while locked: no new lock, no new event
        _login(lead.username, PASSWORD, "10.0.0.7")
    events = list(AuditEvent.objects.filter(action="account.locked_out"))
    assert len(events) == 1
    event = events[0]
    assert event.after["username"] == lead.username and event.after["ip_address"] == "10.0.0.7"
    assert event.after["locked"] == ["account", "address"]
    assert event.object_id == str(lead.pk) and event.actor_id is None
    assert dt.datetime.fromisoformat(event.after["locked_until"]) == T0 + dt.timedelta(minutes=15)


def test_a_lock_ends_by_itself_after_the_lockout_period(world):
    lead = world[Role.UNIT_LEAD]
    with clock.frozen(T0):
        _fail(lead.username, 5)
    with clock.frozen(T0 + dt.timedelta(minutes=14, seconds=59)):
        still = _login(lead.username, PASSWORD)
        assert still.status_code == 429 and "约 1 分钟后" in still.content.decode()
    with clock.frozen(T0 + dt.timedelta(minutes=15, seconds=1)):
        assert _login(lead.username, PASSWORD).signed_in


def test_attempts_while_locked_do_not_extend_the_lock(world):
    lead = world[Role.UNIT_LEAD]
    with clock.frozen(T0):
        _fail(lead.username, 5)
    with clock.frozen(T0 + dt.timedelta(minutes=10)):
        _fail(lead.username, 10)
    with clock.frozen(T0 + dt.timedelta(minutes=15, seconds=1)):
        assert _login(lead.username, PASSWORD).signed_in


def test_failures_are_forgotten_after_a_lockout_period_without_any(world):
    lead = world[Role.UNIT_LEAD]
    for minute in (0, 16, 32, 48, 64, 80):  # a quiet period longer than the lockout between each
        with clock.frozen(T0 + dt.timedelta(minutes=minute)):
            assert _login(lead.username, "wrong").status_code == 200
    with clock.frozen(T0 + dt.timedelta(minutes=81)):
        assert _login(lead.username, PASSWORD).signed_in


def test_slow_guessing_still_locks(world):
    lead = world[Role.UNIT_LEAD]
    for minute in (0, 14, 28, 42):
        with clock.frozen(T0 + dt.timedelta(minutes=minute)):
            assert _login(lead.username, "wrong").status_code == 200
    with clock.frozen(T0 + dt.timedelta(minutes=56)):
        assert _login(lead.username, "wrong").status_code == 429
        assert not _login(lead.username, PASSWORD).signed_in


def test_a_successful_login_forgets_only_that_accounts_failures_from_that_address(world):
    victim, insider = world[Role.UNIT_LEAD], world[Role.UNIT_MEMBER]
    with clock.frozen(T0):
        _fail(victim.username, 4, "10.0.0.1")  # typos by the owner …
        assert _login(victim.username, PASSWORD, "10.0.0.1").signed_in  # … then the right one
        _fail(victim.username, 4, "10.0.0.1")
        assert _login(victim.username, PASSWORD, "10.0.0.1").signed_in  # never locked by own typos

        _fail(victim.username, 4, "10.0.0.66")  # someone guesses the victim's password …
        assert _login(insider.username, PASSWORD, "10.0.0.66").signed_in  # … and signs in as themself
        locked = _login(victim.username, "wrong", "10.0.0.77")  # the guesses still count
        assert locked.status_code == 429 and "该账号连续登录失败 5 次" in locked.content.decode()


def test_the_limit_and_period_follow_the_settings(world, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=60)
    lead = world[Role.UNIT_LEAD]
    with clock.frozen(T0):
        _fail(lead.username, 2)
        assert _login(lead.username, "wrong").status_code == 429
        assert "连续登录失败 3 次，已被锁定 60 分钟：请在 10:00 之后" in _login(lead.username, PASSWORD).content.decode()


def test_the_address_comes_from_the_trusted_proxy_header_when_configured(world, settings):
    settings.RECTIFY_CLIENT_IP_HEADER = "X-Forwarded-For"
    member = world[Role.UNIT_MEMBER]
    with clock.frozen(T0):
        for n in range(5):  # the client claims a different address each time; the proxy appends the real one
            _login(f"guess{n}", "wrong", "127.0.0.1", HTTP_X_FORWARDED_FOR=f"1.1.1.{n}, 203.0.113.5")
        assert _login(member.username, PASSWORD, "127.0.0.1",
                      HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
        # another client behind the same proxy still signs in; a garbage header counts as the proxy itself
        assert _login(member.username, PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.6").signed_in
        assert _login(member.username, PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR="<script>").signed_in


def test_without_the_setting_a_forwarded_header_is_ignored(world):
    member = world[Role.UNIT_MEMBER]
    with clock.frozen(T0):
        for n in range(5):
            _login(f"guess{n}", "wrong", "10.0.0.5", HTTP_X_FORWARDED_FOR=f"1.1.1.{n}")
        assert _login(member.username, PASSWORD, "10.0.0.5").status_code == 429


def test_an_admin_unlocks_the_account_on_its_page(world):
    lead, admin = world[Role.UNIT_LEAD], world[Role.ADMIN]
    with clock.frozen(T0):
        _fail(lead.username, 5)
        c = Client()
        c.force_login(admin)
        page = c.get(reverse("accounts:user_detail", args=[lead.pk])).content.decode()
        assert "已锁定" in page and "立即解锁" in page
        response = c.post(reverse("accounts:user_unlock", args=[lead.pk]), follow=True)
        assert "已解锁账号“lead_a”，可以重新登录。" in response.content.decode()
        assert _login(lead.username, PASSWORD).signed_in
    event = AuditEvent.objects.get(action="account.unlocked")
    assert event.actor_id == admin.pk and event.after["username"] == lead.username and event.after["was_locked"]


def test_the_list_page_shows_locked_names_and_addresses_and_unlocks_an_address(world):
    admin = world[Role.ADMIN]
    with clock.frozen(T0):
        for n in range(5):
            _login(f"guess{n}", "wrong", "10.4.4.4")
        c = Client()
        c.force_login(admin)
        page = c.get(reverse("accounts:user_list")).content.decode()
        assert "10.4.4.4" in page and "2026年6月1日 09:15" in page
        c.post(reverse("accounts:lock_clear"), {"ip_address": "10.4.4.4"})
        assert _login(world[Role.UNIT_MEMBER].username, PASSWORD, "10.4.4.4").signed_in
    assert AuditEvent.objects.get(action="address.unlocked").after["ip_address"] == "10.4.4.4"


def test_the_command_line_unlocks_an_account(world, capsys):
    lead = world[Role.UNIT_LEAD]
    with clock.frozen(T0):
        _fail(lead.username, 5)
        assert cli.main(["unlock", lead.username]) == 0
        assert "已解锁账号 lead_a" in capsys.readouterr().out
        assert _login(lead.username, PASSWORD).signed_in
    assert AuditEvent.objects.filter(action="account.unlocked", actor__isnull=True).count() == 1
    assert cli.main(["unlock"]) == 2  # neither a name nor an address


def test_a_deactivated_user_cannot_sign_in_and_is_told_nothing_more(world):
    member = world[Role.UNIT_MEMBER]
    member.is_active = False
    member.save()
    response = _login(member.username, PASSWORD)
    assert response.status_code == 200 and not response.signed_in
    body = response.content.decode()
    assert "请输入一个正确的用户名和密码" in body and "停用" not in body


def test_the_test_clients_login_still_works_with_the_throttle_installed(world):
    client = Client()
    assert client.login(username=world[Role.LEADER].username, password=PASSWORD)
    assert client.get(reverse("core:home")).status_code == 200
