from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

NEW_UNIT = "__new__"


class LedgerUploadForm(forms.Form):
    """The round, then one of its inspected units (the picker follows the round); the inspection office and the
    commission may also name a unit that is not in the round yet — or not in the system yet, with its name."""

    round_code = forms.ChoiceField(label=pgettext_lazy("singular", "巡视轮次"))
    unit_code = forms.CharField(label=_("被巡视单位"), max_length=40, widget=forms.Select,
                                error_messages={"required": _("请选择被巡视单位。")})
    new_unit_code = forms.CharField(label=_("单位编码"), max_length=40, required=False,
                                    help_text=_("尚未列入本轮的单位：填写其单位编码。"))
    unit_name = forms.CharField(label=_("新建单位名称"), max_length=100, required=False,
                                help_text=_("仅当单位编码在系统中不存在时填写，将新建该单位。"))
    file = forms.FileField(label=_("台账文件"), help_text=_("支持 .xlsx、.xls、.csv（UTF-8 或 GBK）。"),
                           error_messages={"required": _("请选择要导入的台账文件。")})
    password = forms.CharField(label=_("打开密码"), required=False, widget=forms.PasswordInput(render_value=False),
                               help_text=_("工作簿设有打开密码时填写；系统不保存密码。"))

    def __init__(self, *args, rounds=(), units=(), can_add_units=False, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["round_code"].choices = [(r.code, r.name) for r in rounds]
        self.round_units = {iu.unit.code for iu in units}
        self.can_add_units = can_add_units
        self.fields["unit_code"].widget.choices = unit_choices(units, can_add_units=can_add_units)
        if not can_add_units:
            del self.fields["new_unit_code"], self.fields["unit_name"]

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        code = data.get("unit_code")
        if code == NEW_UNIT:
            data["unit_code"] = (data.get("new_unit_code") or "").strip()
            if not data["unit_code"]:
                self.add_error("new_unit_code", _("请填写单位编码。"))
        elif code and code not in self.round_units and not self.can_add_units:
            self.add_error("unit_code", _("请从本轮的被巡视单位中选择。"))
        data.setdefault("unit_name", "")
        return data


def unit_choices(units, *, can_add_units: bool) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """The picker's options: the round's inspected units, and for those who may add one, 其他单位."""
    choices = [("", _("请选择单位"))] + [(iu.unit.code, f"{iu.unit.name}（{iu.unit.code}）") for iu in units]
    if can_add_units:
        choices.append((NEW_UNIT, _("其他单位（尚未列入本轮）")))
    return choices


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=_("名单文件"), help_text=_("领导班子成员名单或任职情况表：.xlsx、.xls、.csv（UTF-8 或 GBK）。"),
                           error_messages={"required": _("请选择要导入的名单文件。")})
    password = forms.CharField(label=_("打开密码"), required=False, widget=forms.PasswordInput(render_value=False),
                               help_text=_("工作簿设有打开密码时填写；系统不保存密码。"))
