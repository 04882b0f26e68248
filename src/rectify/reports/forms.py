from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rectify.reports.models import Cadence


class ReportPolicyForm(forms.Form):
    cadence = forms.ChoiceField(label=_("进展报告频次"), choices=Cadence.choices)
    weekly_first_month = forms.BooleanField(label=_("反馈后第一个月每周报告"), required=False)
    grace_workdays = forms.IntegerField(label=_("宽限工作日"), min_value=0, max_value=60,
                                        help_text=_("逾期未报先亮黄灯，超过宽限工作日仍未报亮红灯"))
    shift_to_workday = forms.BooleanField(label=_("截止日遇节假日顺延"), required=False,
                                          help_text=_("截止日为节假日或周末时顺延至下一个工作日（按国务院调休安排）"))


class UnitReportForm(forms.Form):
    moved = forms.CharField(label=_("本期进展"), widget=forms.Textarea(attrs={"rows": 12}), max_length=20000,
                            help_text=_("已按整改台账预填自上次报告以来的变化，请核对补充"))
    late = forms.CharField(label=_("逾期事项及原因"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000,
                           required=False, help_text=_("请逐项写明逾期原因和新的完成安排"))
    next_steps = forms.CharField(label=_("下一步措施"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000,
                                 required=False)
