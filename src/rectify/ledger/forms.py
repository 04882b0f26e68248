from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class LedgerUploadForm(forms.Form):
    round_code = forms.ChoiceField(label=pgettext_lazy("singular", "巡视轮次"))
    unit_code = forms.CharField(label=_("被巡视单位编码"), max_length=40,
                                widget=forms.TextInput(attrs={"list": "unit-codes", "autocomplete": "off"}),
                                help_text=_("从列表中选择；巡视办、纪委监委人员也可填写尚未列入本轮的单位编码。"))
    unit_name = forms.CharField(label=_("新建单位名称"), max_length=100, required=False,
                                help_text=_("仅当单位编码在系统中不存在时填写，将新建该单位。"))
    file = forms.FileField(label=_("台账文件"), help_text=_("支持 .xlsx、.xls、.csv（UTF-8 或 GBK）。"),
                           error_messages={"required": _("请选择要导入的台账文件。")})
    password = forms.CharField(label=_("打开密码"), required=False, widget=forms.PasswordInput(render_value=False),
                               help_text=_("工作簿设有打开密码时填写；系统不保存密码。"))

    def __init__(self, *args, rounds=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["round_code"].choices = [(r.code, r.name) for r in rounds]


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=_("名单文件"), help_text=_("领导班子成员名单或任职情况表：.xlsx、.xls、.csv（UTF-8 或 GBK）。"),
                           error_messages={"required": _("请选择要导入的名单文件。")})
    password = forms.CharField(label=_("打开密码"), required=False, widget=forms.PasswordInput(render_value=False),
                               help_text=_("工作簿设有打开密码时填写；系统不保存密码。"))
