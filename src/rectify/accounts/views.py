"""Pages of 系统管理 → 用户与令牌 (admins), the own password change, and the login page when locked.

Thin: selectors read, services write; a DomainError the user can fix goes on the form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rectify.accounts import forms, selectors, services, throttle
from rectify.accounts.models import Role, User
from rectify.core import clock
from rectify.core.errors import DomainError, PermissionDenied
from rectify.core.forms import form_error, form_submit
from rectify.orgs import selectors as org_selectors

# --- the login page when the throttle refuses ---------------------------------------------------------


def _until_text(status: throttle.LockStatus) -> str:
    local = status.until.astimezone(clock.SHANGHAI)
    if local.date() == clock.now().astimezone(clock.SHANGHAI).date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def lockout_message(status: throttle.LockStatus) -> str:
    values = {"limit": throttle.failure_limit(), "minutes": int(throttle.lockout_period().total_seconds() // 60),
              "until": _until_text(status), "left": status.minutes_left}
    if status.by_account:
        return _("该账号连续登录失败 %(limit)s 次，已被锁定 %(minutes)s 分钟：请在 %(until)s 之后（约 %(left)s 分钟后）"
                 "再试，或请系统管理员解锁。") % values
    return _("本机所在地址登录失败次数过多，已暂停登录 %(minutes)s 分钟：请在 %(until)s 之后（约 %(left)s 分钟后）"
             "再试，或请系统管理员解锁。") % values


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    """axes' AXES_LOCKOUT_CALLABLE: the login form again, with the user name kept and the lock explained
    (429 Too Many Requests)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    status = throttle.lock_status(username=username, ip_address=getattr(request, "axes_ip_address", None))
    if status is None:  # the lock ended between the refusal and now (a race of seconds)
        status = throttle.LockStatus(kinds=["account"], until=clock.now())
    form = AuthenticationForm(request, initial={"username": username})
    return render(request, "accounts/login.html",
                  {"form": form, "next": request.POST.get("next", ""), "lockout": lockout_message(status)},
                  status=settings.AXES_HTTP_RESPONSE_CODE)


# --- the own password ---------------------------------------------------------------------------------

@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """修改密码: anyone signed in; the only page a user with a temporary password can open."""
    form = forms.OwnPasswordChangeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                user = services.password_change_own(user=request.user, old_password=form.cleaned_data["old_password"],
                                                    new_password=form.cleaned_data["new_password1"])
            except DomainError as error:
                status = form_error(form, error)
            else:
                update_session_auth_hash(request, user)  # stay signed in on this browser; other sessions end
                messages.success(request, _("密码已修改。"))
                return redirect("core:home")
    return render(request, "accounts/password_change.html",
                  {"form": form, "required": request.user.must_change_password}, status=status)


# --- 系统管理 → 用户与令牌 ----------------------------------------------------------------------------

def _require_admin(request: HttpRequest) -> None:
    if not request.user.can_manage_users:
        raise PermissionDenied(_("只有系统管理员可以管理用户和接口令牌。"))


def _unit_from_form(request: HttpRequest, unit_id: int | None) -> Any:
    if not unit_id:
        return None
    return org_selectors.org_unit_pick_for(user=request.user, unit_id=unit_id)


def _unit_label(request: HttpRequest, form: Any, fallback: Any = None) -> str:
    """The picked unit's name for the autocomplete's search box when the form is shown again."""
    value = form["unit"].value() if form.is_bound else None
    if value:
        try:
            return org_selectors.org_unit_pick_for(user=request.user, unit_id=int(value)).name
        except (DomainError, ValueError, TypeError):
            return ""
    return fallback.name if fallback is not None else ""


def _list_page(request: HttpRequest, *, create_form: Any = None, status: int = 200) -> HttpResponse:
    _require_admin(request)
    query = request.GET.get("q", "").strip()[:50]
    role = request.GET.get("role", "")
    state = request.GET.get("state", "")
    paginator = Paginator(selectors.user_list_for(user=request.user, query=query, role=role, state=state),
                          settings.RECTIFY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    locks = selectors.lockouts_for(user=request.user)
    create_form = create_form or forms.UserCreateForm(initial={"role": Role.UNIT_MEMBER})
    return render(request, "accounts/user_list.html", {
        "page_obj": page, "page_range": paginator.get_elided_page_range(page.number),
        "query": query, "role": role, "state": state, "roles": Role.choices,
        "querystring": urlencode({k: v for k, v in {"q": query, "role": role, "state": state}.items() if v}),
        "locked_accounts": locks["accounts"], "locked_addresses": locks["addresses"],
        "create_form": create_form, "unit_label": _unit_label(request, create_form),
        "unit_options_url": reverse("inspections:unit_options"),
        "tab": "users", "crumbs": [(_("系统管理"), reverse("orgs:tree")), (_("用户与令牌"), None)],
    }, status=status)


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request)


@require_POST
@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request)

    def act(data: dict[str, Any]) -> tuple[str, str]:
        user = services.user_create(
            actor=request.user, username=data["username"], role=data["role"], password=data["password1"],
            unit=_unit_from_form(request, data["unit"]), display_name=data["display_name"],
            must_change_password=True, email=data.get("email") or "")
        return (_("已创建用户“%(username)s”。请把临时密码告知本人，首次登录后须修改密码。") % {"username": user.username},
                reverse("accounts:user_detail", args=[user.pk]))

    return form_submit(request, forms.UserCreateForm(request.POST), act,
                        lambda status, form: _list_page(request, create_form=form, status=status))


def _detail_page(request: HttpRequest, user_id: int, *, status: int = 200, **bound: Any) -> HttpResponse:
    _require_admin(request)
    subject = selectors.user_get_for(user=request.user, user_id=user_id)
    edit_form = bound.get("edit_form") or forms.UserEditForm(
        initial={"display_name": subject.display_name, "email": subject.email, "role": subject.role,
                 "unit": subject.unit_id})
    lock = selectors.lockouts_for(user=request.user, usernames=[subject.username])["accounts"].get(subject.username)
    return render(request, "accounts/user_detail.html", {
        "subject": subject, "is_self": subject.pk == request.user.pk,
        "tokens": selectors.api_tokens_of(user=request.user, owner=subject),
        "new_token": request.session.pop(f"new-token-{subject.pk}", None),
        "locked_until": lock,
        "edit_form": edit_form, "unit_label": _unit_label(request, edit_form, subject.unit),
        "reset_form": bound.get("reset_form") or forms.PasswordResetForm(),
        "token_form": bound.get("token_form") or forms.TokenCreateForm(),
        "unit_options_url": reverse("inspections:unit_options"),
        "tab": "users",
        "crumbs": [(_("系统管理"), reverse("orgs:tree")), (_("用户与令牌"), reverse("accounts:user_list")),
                   (str(subject), None)],
    }, status=status)


@login_required
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    return _detail_page(request, user_id)


def _subject(request: HttpRequest, user_id: int) -> User:
    _require_admin(request)
    return selectors.user_get_for(user=request.user, user_id=user_id)


@require_POST
@login_required
def user_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    subject = _subject(request, user_id)

    def act(data: dict[str, Any]) -> tuple[str, str]:
        # The unit the user already has stays pickable even if it was deactivated since.
        unit = subject.unit if data["unit"] and data["unit"] == subject.unit_id else _unit_from_form(request, data["unit"])
        services.user_update(actor=request.user, user=subject, display_name=data["display_name"], role=data["role"],
                             unit=unit, email=data.get("email"))
        return _("用户信息已保存。"), reverse("accounts:user_detail", args=[subject.pk])

    return form_submit(request, forms.UserEditForm(request.POST), act,
                        lambda status, form: _detail_page(request, user_id, status=status, edit_form=form))


def _simple_action(request: HttpRequest, user_id: int, act: Callable[[User], str]) -> HttpResponse:
    """A button without fields: the service's error becomes a message on the detail page."""
    subject = _subject(request, user_id)
    try:
        message = act(subject)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, message)
    return redirect("accounts:user_detail", user_id=subject.pk)


@require_POST
@login_required
def user_deactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    def act(subject: User) -> str:
        services.user_set_active(actor=request.user, user=subject, active=False)
        return _("已停用用户“%(username)s”：不能再登录，接口令牌随之失效。") % {"username": subject.username}

    return _simple_action(request, user_id, act)


@require_POST
@login_required
def user_reactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    def act(subject: User) -> str:
        services.user_set_active(actor=request.user, user=subject, active=True)
        return _("已启用用户“%(username)s”。") % {"username": subject.username}

    return _simple_action(request, user_id, act)


@require_POST
@login_required
def user_unlock(request: HttpRequest, user_id: int) -> HttpResponse:
    def act(subject: User) -> str:
        services.account_unlock(actor=request.user, username=subject.username)
        return _("已解锁账号“%(username)s”，可以重新登录。") % {"username": subject.username}

    return _simple_action(request, user_id, act)


@require_POST
@login_required
def user_reset_password(request: HttpRequest, user_id: int) -> HttpResponse:
    subject = _subject(request, user_id)

    def act(data: dict[str, Any]) -> tuple[str, str]:
        revoked = services.user_reset_password(actor=request.user, user=subject, password=data["password1"],
                                               revoke_tokens=data["revoke_tokens"])
        message = _("已为“%(username)s”设置临时密码：请告知本人，下次登录后须修改密码。") % {"username": subject.username}
        if revoked:
            message += _("已吊销其 %(count)s 个接口令牌。") % {"count": revoked}
        return message, reverse("accounts:user_detail", args=[subject.pk])

    return form_submit(request, forms.PasswordResetForm(request.POST), act,
                        lambda status, form: _detail_page(request, user_id, status=status, reset_form=form))


@require_POST
@login_required
def token_create(request: HttpRequest, user_id: int) -> HttpResponse:
    subject = _subject(request, user_id)

    def act(data: dict[str, Any]) -> tuple[str, str]:
        key = services.api_token_create(actor=request.user, user=subject, name=data["label"],
                                        expires_days=data["expires_days"])
        # Shown once, on the page this redirect leads to (then popped from the session).
        request.session[f"new-token-{subject.pk}"] = key
        return _("已生成接口令牌。"), reverse("accounts:user_detail", args=[subject.pk]) + "#tokens"

    return form_submit(request, forms.TokenCreateForm(request.POST), act,
                        lambda status, form: _detail_page(request, user_id, status=status, token_form=form))


@require_POST
@login_required
def token_revoke(request: HttpRequest, user_id: int, token_id: int) -> HttpResponse:
    def act(subject: User) -> str:
        token = services.api_token_revoke(actor=request.user, user=subject, token_id=token_id)
        return _("已吊销令牌 %(prefix)s…，使用它的请求将被拒绝。") % {"prefix": token.prefix}

    return _simple_action(request, user_id, act)


# --- locked names and addresses (from the list page) ----------------------------------------------------

@require_POST
@login_required
def lock_clear(request: HttpRequest) -> HttpResponse:
    """Unlock an account name (``username``) or a client address (``ip_address``) listed as locked."""
    _require_admin(request)
    username, address = request.POST.get("username", "").strip(), request.POST.get("ip_address", "").strip()
    try:
        if address:
            services.address_unlock(actor=request.user, ip_address=address)
            messages.success(request, _("已解除地址 %(address)s 的登录限制。") % {"address": address})
        else:
            services.account_unlock(actor=request.user, username=username)
            messages.success(request, _("已解锁账号“%(username)s”，可以重新登录。") % {"username": username})
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, error.message)
    return redirect(reverse("accounts:user_list") + "#locks")
