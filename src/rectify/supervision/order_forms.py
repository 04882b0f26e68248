"""Forms of the supervision-order pages: issue (one or several units) and answer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rectify.core.forms import DateInput
from rectify.supervision.models import OrderKind


class OrderForm(forms.Form):
    units = forms.MultipleChoiceField(
        label=_("被督办单位"), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请选择至少一个被督办单位。")},
        help_text=_("可同时选择多个单位，以同一文号分别下发。"))
    kind = forms.ChoiceField(label=_("类型"), choices=OrderKind.choices, initial=OrderKind.ORDER)
    tasks = forms.MultipleChoiceField(label=_("督办任务"), required=False, widget=forms.CheckboxSelectMultiple,
                                      help_text=_("只下发给一个单位时，可勾选该单位需要督办的任务（逾期和即将到期的在前）。"))
    text = forms.CharField(label=_("督办内容"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6}),
                           error_messages={"required": _("请填写督办内容：督办的事项、整改要求和回复要求。")})
    respond_by = forms.DateField(label=_("回复期限"), widget=DateInput(),
                                 error_messages={"required": _("请填写回复期限。"),
                                                 "invalid": _("请填写有效的日期。")})

    def __init__(self, *args: Any, units: list[tuple[str, str]], tasks: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = units
        self.fields["tasks"].choices = tasks
        if not tasks:
            del self.fields["tasks"]


class RespondForm(forms.Form):
    text = forms.CharField(label=_("回复内容"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5}),
                           error_messages={"required": _("请填写回复内容：整改进展、已采取的措施和下一步安排。")})
    task = forms.ChoiceField(label=_("佐证材料所属任务"), required=False)
    file = forms.FileField(label=_("佐证材料"), required=False,
                           help_text=_("可选。文件经与任务佐证材料相同的检查后，存入所选任务的佐证材料。"))

    def __init__(self, *args: Any, tasks: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if tasks:
            self.fields["task"].choices = tasks
        else:
            del self.fields["task"]
            del self.fields["file"]
