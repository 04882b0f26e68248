"""系统管理 → 用户与令牌: an admin creates users, changes roles, deactivates, resets passwords (the user must
change it at the next login), and manages API tokens; nobody else reaches any of it. A user changes the own
password from the top bar."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from rectify.accounts.models import ApiToken, Role, User
from rectify.accounts.services import api_token_create
from rectify.audit.models import AuditEvent
from rectify.core.testing import capture_queries
from tests import factories
from tests.factories import PASSWORD

NON_ADMINS = [Role.COMMISSION, Role.INSPECTION_OFFICE, Role.UNIT_LEAD, Role.UNIT_MEMBER, Role.LEADER]


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def _sign_in(username: str, password: str) -> Client | None:
    c = Client(REMOTE_ADDR="10.1.2.3")
    c.post(reverse("accounts:login"), {"username": username, "password": password})
    return c if "_auth_user_id" in c.session else None


def _new_user(world, **overrides: str):  # type: ignore[no-untyped-def]
    data = {"username": "zhangsan", "display_name": "张三", "role": Role.UNIT_MEMBER, "unit": world.unit_a.pk,
            "password1": "Temp-pass-001", "password2": "Temp-pass-001"}
    data.update(overrides)
    return data


# --- who may --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", NON_ADMINS)
def test_nobody_but_an_admin_reaches_the_user_pages(world, role):
    c = _client(world[role])
    target = world[Role.UNIT_MEMBER]
    token = api_token_create(actor=None, user=target)
    token_id = ApiToken.objects.get(key_hash=ApiToken.hash_key(token)).pk
    for url in (reverse("accounts:user_list"), reverse("accounts:user_detail", args=[target.pk])):
        assert c.get(url).status_code == 403, url
    posts = {
        reverse("accounts:user_create"): _new_user(world),
        reverse("accounts:user_edit", args=[target.pk]): {"role": Role.ADMIN, "display_name": "x"},
        reverse("accounts:user_deactivate", args=[target.pk]): {},
        reverse("accounts:user_reset_password", args=[target.pk]): {"password1": "Temp-pass-9",
                                                                    "password2": "Temp-pass-9"},
        reverse("accounts:user_unlock", args=[target.pk]): {},
        reverse("accounts:token_create", args=[target.pk]): {"label": "x", "expires_days": 10},
        reverse("accounts:token_revoke", args=[target.pk, token_id]): {},
        reverse("accounts:lock_clear"): {"username": "someone"},
    }
    for url, data in posts.items():
        response = c.post(url, data)
        assert response.status_code == 403, url
        assert "只有系统管理员可以管理用户和接口令牌" in response.content.decode()
    target.refresh_from_db()
    assert target.role == Role.UNIT_MEMBER and target.is_active
    assert not User.objects.filter(username="zhangsan").exists()
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 1
    assert not AuditEvent.objects.filter(action__startswith="user.").exists()


@pytest.mark.parametrize("role", NON_ADMINS)
def test_the_users_tab_shows_only_for_admins(world, role):
    tree = _client(world[role]).get(reverse("orgs:tree"))
    if tree.status_code == 200:
        assert reverse("accounts:user_list") not in tree.content.decode()
    admin_tree = _client(world[Role.ADMIN]).get(reverse("orgs:tree")).content.decode()
    assert f'href="{reverse("accounts:user_list")}"' in admin_tree and "用户与令牌" in admin_tree


# --- users ------------------------------------------------------------------------------------------------

def test_admin_creates_a_unit_user_who_must_change_the_temporary_password(world):
    admin = world[Role.ADMIN]
    response = _client(admin).post(reverse("accounts:user_create"), _new_user(world))
    user = User.objects.get(username="zhangsan")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:user_detail", args=[user.pk])
    assert (user.display_name, user.role, user.unit, user.must_change_password) == (
        "张三", Role.UNIT_MEMBER, world.unit_a, True)
    event = AuditEvent.objects.get(action="user.created", object_id=str(user.pk))
    assert event.actor_id == admin.pk and event.after["unit"] == "EDU"
    assert "Temp-pass-001" not in str(event.after)

    c = _sign_in("zhangsan", "Temp-pass-001")
    assert c is not None
    home = c.get(reverse("core:home"))
    assert home.status_code == 302 and home["Location"] == reverse("accounts:password_change")
    page = c.get(reverse("accounts:password_change")).content.decode()
    assert "管理员为您设置了临时密码" in page


def test_a_unit_role_needs_a_unit(world):
    response = _client(world[Role.ADMIN]).post(reverse("accounts:user_create"), _new_user(world, unit=""))
    assert response.status_code == 400
    assert "整改牵头人和整改责任人必须指定所属单位" in response.content.decode()
    assert not User.objects.filter(username="zhangsan").exists()


def test_form_errors_are_shown_on_the_form(world):
    c = _client(world[Role.ADMIN])
    mismatch = c.post(reverse("accounts:user_create"), _new_user(world, password2="Other-pass-1"))
    assert mismatch.status_code == 400 and "两次输入的密码不一致" in mismatch.content.decode()
    short = c.post(reverse("accounts:user_create"), _new_user(world, password1="short", password2="short"))
    assert short.status_code == 400 and "密码不符合要求" in short.content.decode()
    taken = c.post(reverse("accounts:user_create"), _new_user(world, username=world[Role.LEADER].username))
    assert taken.status_code == 400 and "已被使用" in taken.content.decode()
    assert User.objects.filter(username="zhangsan").count() == 0


def test_a_double_submit_creates_one_user(world):
    c = _client(world[Role.ADMIN])
    first = c.post(reverse("accounts:user_create"), _new_user(world))
    second = c.post(reverse("accounts:user_create"), _new_user(world))
    assert first.status_code == 302 and second.status_code == 400
    assert "用户名“zhangsan”已被使用" in second.content.decode()
    assert User.objects.filter(username="zhangsan").count() == 1
    assert AuditEvent.objects.filter(action="user.created").count() == 1


def test_admin_changes_role_unit_and_name(world):
    lead = world[Role.UNIT_LEAD]
    c = _client(world[Role.ADMIN])
    response = c.post(reverse("accounts:user_edit", args=[lead.pk]),
                      {"display_name": "王五", "role": Role.INSPECTION_OFFICE, "unit": ""})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.display_name, lead.role, lead.unit) == ("王五", Role.INSPECTION_OFFICE, None)
    assert lead.sees_all_units
    event = AuditEvent.objects.get(action="user.updated")
    assert event.before == {"display_name": "lead_a", "role": "unit_lead", "unit": "EDU"}
    assert event.after == {"display_name": "王五", "role": "inspection_office", "unit": None}
    # back to a unit role, in the other unit, picked by id as the autocomplete posts it
    c.post(reverse("accounts:user_edit", args=[lead.pk]),
           {"display_name": "王五", "role": Role.UNIT_LEAD, "unit": world.unit_b.pk})
    lead.refresh_from_db()
    assert lead.unit == world.unit_b
    # saving without a change writes nothing
    c.post(reverse("accounts:user_edit", args=[lead.pk]),
           {"display_name": "王五", "role": Role.UNIT_LEAD, "unit": world.unit_b.pk})
    assert AuditEvent.objects.filter(action="user.updated").count() == 2


def test_deactivated_user_cannot_sign_in_and_their_session_and_tokens_stop(world):
    member = world[Role.UNIT_MEMBER]
    session = _sign_in(member.username, PASSWORD)
    token = api_token_create(actor=None, user=member)
    c = _client(world[Role.ADMIN])
    c.post(reverse("accounts:user_deactivate", args=[member.pk]))
    member.refresh_from_db()
    assert not member.is_active
    assert _sign_in(member.username, PASSWORD) is None
    assert session.get(reverse("core:home")).status_code == 302  # sent to the login page
    assert Client().get("/api/v1/problems", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert AuditEvent.objects.filter(action="user.deactivated", object_id=str(member.pk)).count() == 1

    c.post(reverse("accounts:user_reactivate", args=[member.pk]))
    assert _sign_in(member.username, PASSWORD) is not None


def test_an_admin_cannot_deactivate_or_demote_themself(world):
    admin = world[Role.ADMIN]
    c = _client(admin)
    page = c.get(reverse("accounts:user_detail", args=[admin.pk])).content.decode()
    assert reverse("accounts:user_deactivate", args=[admin.pk]) not in page
    followed = c.post(reverse("accounts:user_deactivate", args=[admin.pk]), follow=True).content.decode()
    assert "不能停用自己的账号" in followed
    demote = c.post(reverse("accounts:user_edit", args=[admin.pk]), {"display_name": "a", "role": Role.LEADER})
    assert demote.status_code == 400 and "不能停用自己的账号或取消自己的系统管理员角色" in demote.content.decode()
    admin.refresh_from_db()
    assert admin.is_active and admin.role == Role.ADMIN


def test_reset_password_makes_the_user_change_it_at_the_next_login(world):
    member = world[Role.UNIT_MEMBER]
    old_session = _sign_in(member.username, PASSWORD)
    token = api_token_create(actor=None, user=member)
    response = _client(world[Role.ADMIN]).post(reverse("accounts:user_reset_password", args=[member.pk]),
                                               {"password1": "Temp-pass-77", "password2": "Temp-pass-77"})
    assert response.status_code == 302
    assert old_session.get(reverse("core:home")).status_code == 302  # the old session ended
    assert _sign_in(member.username, PASSWORD) is None  # the old password is gone
    c = _sign_in(member.username, "Temp-pass-77")
    assert c is not None
    for url in (reverse("core:home"), reverse("inspections:round_list"), reverse("orgs:tree")):
        assert c.get(url)["Location"] == reverse("accounts:password_change"), url
    # decided: API tokens keep working while the password change is pending (DECISIONS)
    assert Client().get("/api/v1/problems", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200

    changed = c.post(reverse("accounts:password_change"), {"old_password": "Temp-pass-77",
                                                           "new_password1": "My-own-pass-1",
                                                           "new_password2": "My-own-pass-1"})
    assert changed.status_code == 302
    assert c.get(reverse("core:home")).status_code == 200  # still signed in, and free to go
    member.refresh_from_db()
    assert not member.must_change_password
    actions = list(AuditEvent.objects.filter(object_id=str(member.pk)).values_list("action", flat=True))
    assert actions[-2:] == ["user.password_reset", "user.password_changed"]


def test_reset_password_can_revoke_the_tokens_too(world):
    member = world[Role.UNIT_MEMBER]
    token = api_token_create(actor=None, user=member)
    _client(world[Role.ADMIN]).post(reverse("accounts:user_reset_password", args=[member.pk]),
                                    {"password1": "Temp-pass-77", "password2": "Temp-pass-77", "revoke_tokens": "on"})
    response = Client().get("/api/v1/problems", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401 and "吊销" in response.json()["message"]


def test_list_searches_filters_and_paginates(world, settings):
    settings.RECTIFY_PAGE_SIZE = 5
    for n in range(7):
        factories.user(role=Role.UNIT_MEMBER, unit=world.unit_b, username=f"fin_member_{n}")
    c = _client(world[Role.ADMIN])
    first = c.get(reverse("accounts:user_list")).content.decode()
    assert "共 <strong>14</strong> 条" in first and "第 1/3 页" in first
    found = c.get(reverse("accounts:user_list"), {"q": "fin_member"}).content.decode()
    assert "共 <strong>7</strong> 条" in found and "lead_a" not in found
    leads = c.get(reverse("accounts:user_list"), {"role": Role.UNIT_LEAD}).content.decode()
    assert "lead_a" in leads and "lead_b" in leads and "fin_member_0" not in leads
    assert "q=fin_member&amp;page=2" in found


def test_user_list_query_count_does_not_grow_with_the_users(world):
    c = _client(world[Role.ADMIN])
    with capture_queries() as few:
        assert c.get(reverse("accounts:user_list")).status_code == 200
    for n in range(15):
        factories.user(role=Role.UNIT_LEAD, unit=world.unit_b, username=f"more_{n}")
    with capture_queries() as many:
        assert c.get(reverse("accounts:user_list")).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


# --- tokens on the pages ------------------------------------------------------------------------------------

def test_a_token_created_on_the_page_is_shown_once_and_works(world):
    office = world[Role.INSPECTION_OFFICE]
    c = _client(world[Role.ADMIN])
    detail = reverse("accounts:user_detail", args=[office.pk])
    response = c.post(reverse("accounts:token_create", args=[office.pk]), {"label": "OA 同步", "expires_days": 30})
    assert response.status_code == 302
    page = c.get(detail).content.decode()
    key = re.search(r'<code class="secret-once" id="new-token">(rct_[^<]+)</code>', page).group(1)
    assert "只显示这一次" in page
    assert ApiToken.objects.get(user=office).key_hash == ApiToken.hash_key(key)
    assert Client().get("/api/v1/problems", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    again = c.get(detail).content.decode()
    assert key not in again and "OA 同步" in again and key[:8] in again


def test_a_token_revoked_on_the_page_is_refused(world):
    office = world[Role.INSPECTION_OFFICE]
    key = api_token_create(actor=None, user=office, name="脚本")
    token = ApiToken.objects.get()
    c = _client(world[Role.ADMIN])
    c.post(reverse("accounts:token_revoke", args=[office.pk, token.pk]))
    response = Client().get("/api/v1/problems", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401 and "已于" in response.json()["message"]
    page = c.get(reverse("accounts:user_detail", args=[office.pk])).content.decode()
    assert "已吊销" in page
    assert AuditEvent.objects.get(action="api_token.revoked").actor_id == world[Role.ADMIN].pk
    # a token of another user is not reachable through this user's page
    other = ApiToken.objects.create(user=world[Role.LEADER], key_hash="b" * 64, prefix="rct_bbbb",
                                    expires_at=token.expires_at)
    assert c.post(reverse("accounts:token_revoke", args=[office.pk, other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


# --- the own password ------------------------------------------------------------------------------------------

def test_every_user_changes_the_own_password_from_the_top_bar(world):
    member = world[Role.UNIT_MEMBER]
    c = _sign_in(member.username, PASSWORD)
    home = c.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("accounts:password_change")}"' in home and "修改密码" in home
    wrong = c.post(reverse("accounts:password_change"), {"old_password": "nope", "new_password1": "New-pass-123",
                                                         "new_password2": "New-pass-123"})
    assert wrong.status_code == 400 and "原密码不正确" in wrong.content.decode()
    same = c.post(reverse("accounts:password_change"), {"old_password": PASSWORD, "new_password1": PASSWORD,
                                                        "new_password2": PASSWORD})
    assert same.status_code == 400 and "新密码不能与原密码相同" in same.content.decode()
    done = c.post(reverse("accounts:password_change"), {"old_password": PASSWORD, "new_password1": "New-pass-123",
                                                        "new_password2": "New-pass-123"}, follow=True)
    assert "密码已修改" in done.content.decode()
    assert _sign_in(member.username, "New-pass-123") is not None and _sign_in(member.username, PASSWORD) is None


def test_the_last_active_admin_cannot_be_deactivated_even_from_the_command_line(world):
    from rectify.accounts.services import user_set_active
    from rectify.core.errors import DomainError

    with pytest.raises(DomainError, match="最后一个启用的系统管理员"):
        user_set_active(actor=None, user=world[Role.ADMIN], active=False)
    second = factories.user(role=Role.ADMIN, username="admin2")
    user_set_active(actor=second, user=world[Role.ADMIN], active=False)
    world[Role.ADMIN].refresh_from_db()
    assert not world[Role.ADMIN].is_active
