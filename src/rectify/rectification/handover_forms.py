"""The hand-over page's form: which of the departing leader's open tasks move, and to whom."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class HandoverForm(forms.Form):
    """``tasks``: (id, label) of the open tasks the tenure leads; ``successors``: (person id, label) of the
    unit's leadership members in post today. Only parses; the service checks everything again."""

    tasks = forms.TypedMultipleChoiceField(
        label=_("移交的任务"), coerce=int, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一项要移交的整改任务。"),
                        "invalid_choice": _("所选任务已不在待移交之列（可能已销号或已移交），请刷新页面后重新选择。")})
    to_person = forms.TypedChoiceField(
        label=_("接任的班子成员"), coerce=int, empty_value=None,
        error_messages={"required": _("请选择接任的班子成员。"),
                        "invalid_choice": _("请从本单位在任的班子成员中选择接任人。")})
    note = forms.CharField(label=_("移交说明"), required=False, max_length=300,
                           widget=forms.Textarea(attrs={"rows": 2}), help_text=_("可选，如“工作调动”。"))

    def __init__(self, *args: Any, tasks: list[tuple[int, str]], successors: list[tuple[int, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tasks"].choices = tasks
        self.fields["to_person"].choices = [("", _("请选择接任人")), *successors]
