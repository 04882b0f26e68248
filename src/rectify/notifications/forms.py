from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rectify.notifications.models import WebhookKind


class PreferenceForm(forms.Form):
    email = forms.BooleanField(label=_("接收每日邮件摘要"), required=False)
    # Picked with the people autocomplete (never a list of every person of the province).
    person = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**63 - 1,
                                label=_("人员名单中的本人"), error_messages={"invalid": _("请从下拉结果中选择人员。")})


class WebhookForm(forms.Form):
    url = forms.CharField(label=_("机器人地址（Webhook）"), max_length=500)
    kind = forms.ChoiceField(label=_("类型"), choices=WebhookKind.choices)
    round = forms.CharField(label=_("轮次编码"), required=False, max_length=40)
    unit = forms.CharField(label=_("单位编码"), required=False, max_length=40)
    secret = forms.CharField(label=_("加签密钥"), required=False, max_length=200,
                             widget=forms.PasswordInput(render_value=False),
                             help_text=_("仅钉钉群机器人设置了“加签”时填写；保存后不再显示"))


class LadderForm(forms.Form):
    admonition_days = forms.IntegerField(label=_("告诫天数"), min_value=1, max_value=365)
    final_working_days = forms.IntegerField(label=_("告诫函限期（工作日）"), min_value=1, max_value=365)
