"""Forms of 系统管理 → 用户与令牌 and of changing one's own password. They only parse input; the services
decide (password rules, unit required for unit roles, the last admin)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from rectify.accounts.models import Role
from rectify.accounts.services import TOKEN_DAYS_MAX


def _password(label: Any, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, strip=False, max_length=128,
                           widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                           error_messages={"required": _("请填写密码。")}, **kwargs)


class _TwoPasswords(forms.Form):
    """``password1`` and its repetition ``password2`` must be the same."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, second = data.get(self.first_field), data.get(self.second_field)
        if first and second and first != second:
            self.add_error(self.second_field, _("两次输入的密码不一致，请重新输入。"))
        return data

    first_field = "password1"
    second_field = "password2"


class _UnitPick(forms.Form):
    unit = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**63 - 1,
                              label=_("所属单位"), error_messages={"invalid": _("请从下拉结果中选择单位。")})
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices, error_messages={"required": _("请选择角色。")})
    display_name = forms.CharField(label=_("姓名"), max_length=50, required=False,
                                   help_text=_("显示在页面顶部和操作记录中；不填则用用户名。"))
    email = forms.EmailField(label=_("电子邮箱"), required=False, help_text=_("接收每日通知摘要；不填则只有站内通知。"),
                             error_messages={"invalid": _("请填写有效的电子邮箱地址。")})


class UserCreateForm(_UnitPick, _TwoPasswords):
    username = forms.CharField(label=_("用户名"), max_length=150, validators=[UnicodeUsernameValidator()],
                               help_text=_("登录用，建立后不能修改：字母、数字、汉字和 @ . + - _。"),
                               error_messages={"required": _("请填写用户名。")})
    password1 = _password(_("临时密码"), help_text=_("至少 8 位。用户首次登录后必须修改。"))
    password2 = _password(_("再次输入临时密码"))

    field_order = ["username", "display_name", "email", "role", "unit", "password1", "password2"]


class UserEditForm(_UnitPick):
    pass


class PasswordResetForm(_TwoPasswords):
    password1 = _password(_("临时密码"), help_text=_("至少 8 位。用户下次登录后必须修改。"))
    password2 = _password(_("再次输入临时密码"))
    revoke_tokens = forms.BooleanField(label=_("同时吊销该用户的全部接口令牌（怀疑账号泄露时勾选）"), required=False)


class TokenCreateForm(forms.Form):
    label = forms.CharField(label=_("用途"), max_length=100, required=False,
                            help_text=_("如“OA 系统同步”，便于日后识别和吊销。"))
    expires_days = forms.IntegerField(label=_("有效期（天）"), min_value=1, max_value=TOKEN_DAYS_MAX,
                                      error_messages={"required": _("请填写有效期天数。"),
                                                      "min_value": _("有效期至少 1 天。"),
                                                      "max_value": _("有效期最多 %(limit_value)s 天。")})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expires_days"].initial = settings.RECTIFY_TOKEN_DAYS


class OwnPasswordChangeForm(_TwoPasswords):
    old_password = forms.CharField(label=_("原密码"), strip=False, max_length=128,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "current-password",
                                                                     "autofocus": True}),
                                   error_messages={"required": _("请填写原密码。")})
    new_password1 = _password(_("新密码"), help_text=_("至少 8 位，不能与原密码相同。"))
    new_password2 = _password(_("再次输入新密码"))

    first_field = "new_password1"
    second_field = "new_password2"
