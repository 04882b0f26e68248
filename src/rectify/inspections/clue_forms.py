"""Forms of the commission's clue pages. The services check the rules; these only parse input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rectify.core.forms import DateInput
from rectify.inspections.models import ClueDisposition


def _date(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput, error_messages={
        "required": _("请填写日期。"), "invalid": _("请填写有效的日期，如 2026-05-02。")})


class ClueFilterForm(forms.Form):
    STATE_CHOICES = [("", _("全部线索")), ("pending_hand_over", _("待移交")), ("awaiting_results", _("待反馈")),
                     ("overdue", _("超期未反馈"))]

    round = forms.ChoiceField(label=_("轮次"), required=False)
    state = forms.ChoiceField(label=_("办理情况"), choices=STATE_CHOICES, required=False)
    q = forms.CharField(label=_("关键词"), required=False, max_length=50)

    def __init__(self, *args, rounds=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = [("", _("全部轮次"))] + [(r.code, r.name) for r in rounds]


class ClueRegisterForm(forms.Form):
    inspected_unit = forms.ChoiceField(label=_("被巡视单位"), error_messages={"required": _("请选择被巡视单位。")})
    number = forms.CharField(label=_("线索编号"), max_length=100, error_messages={"required": _("请填写线索编号。")})
    summary = forms.CharField(label=_("线索摘要"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000,
                              error_messages={"required": _("请填写线索摘要。")})
    problem = forms.CharField(label=_("相关问题序号"), required=False, max_length=100,
                              help_text=_("该单位问题清单中的序号（可不填）。被巡视单位只能看到“涉及问题线索（已移交）”的标记。"))
    registered_on = _date(_("登记日期"))

    def __init__(self, *args, inspected_units=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["inspected_unit"].choices = [("", _("请选择"))] + [(str(iu.pk), iu.unit.name)
                                                                      for iu in inspected_units]


class ClueHandOverForm(forms.Form):
    handed_to = forms.CharField(label=_("移交单位"), max_length=200,
                                error_messages={"required": _("请填写线索移交给哪个单位或部门。")})
    handed_over_on = _date(_("移交日期"))
    version = forms.IntegerField(widget=forms.HiddenInput)


class ClueDispositionForm(forms.Form):
    disposition = forms.ChoiceField(label=_("处置方式"), choices=ClueDisposition.choices,
                                    error_messages={"required": _("请选择处置方式。")})
    version = forms.IntegerField(widget=forms.HiddenInput)


class ClueResultsForm(forms.Form):
    feedback_on = _date(_("办理结果反馈日期"))
    result = forms.CharField(label=_("办理结果"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000,
                             error_messages={"required": _("请填写办理结果。")})
    concluded = forms.BooleanField(label=_("线索已办结"), required=False,
                                   help_text=_("办理结果了结该线索（如谈话函询后予以了结）时勾选；仍在初步核实或立案审查中的不勾选。"
                                               "线索办结前，相关问题的销号申请不能批准。"))
    version = forms.IntegerField(widget=forms.HiddenInput)
