"""Forms of the round, team and inspected-unit pages. Validation of rules lives in the services;
these only turn text into values (dates, numbers) and say in Chinese what is missing."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from rectify.core.forms import DateInput
from rectify.inspections.models import InspectionRound, RoundKind, RoundLevel


def _date(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput(), help_text=help_text,
                           error_messages={"required": format_lazy(_("请填写{label}。"), label=label),
                                           "invalid": _("请按 年-月-日 填写日期，如 2026-03-01。")})


def _policy_field(label: str, help_text: str, *, minimum: int, maximum: int, default: int) -> forms.IntegerField:
    return forms.IntegerField(label=label, help_text=help_text, min_value=minimum, max_value=maximum,
                              initial=default,
                              error_messages={"required": format_lazy(_("请填写{label}。"), label=label),
                                              "invalid": _("请填写整数。"),
                                              "min_value": _("不能小于 %(limit_value)s。"),
                                              "max_value": _("不能大于 %(limit_value)s。")})


class RoundForm(forms.Form):
    code = forms.CharField(label=_("轮次编码"), max_length=40,
                           help_text=_("用于网址、命令行和接口，如 YN-2026-1；只能用字母、数字、-、_ 和点。"),
                           error_messages={"required": _("请填写轮次编码。")})
    name = forms.CharField(label=_("轮次名称"), max_length=200,
                           help_text=_("如：十一届省委第三轮巡视"), error_messages={"required": _("请填写轮次名称。")})
    kind = forms.ChoiceField(label=_("巡视类型"), choices=RoundKind.choices)
    level = forms.ChoiceField(label=_("层级"), choices=RoundLevel.choices, initial=RoundLevel.PROVINCIAL)
    start_date = _date(_("进驻日期"))
    end_date = _date(_("结束日期"), required=False, help_text=_("巡视组撤离的日期，可暂不填写。"))
    look_back_of = forms.ChoiceField(
        label=_("原轮次"), required=False,
        help_text=_("“回头看”检查的是哪一轮巡视的整改：选择那一轮（须早于本轮次）。可暂不选，其他类型的巡视不选。"))
    yellow_days = _policy_field(
        _("黄灯预警"), _("单位：天。整改任务距完成时限不超过此天数时亮黄灯，并提醒分管领导；逾期亮红灯。"),
        minimum=0, maximum=365, default=settings.RECTIFY_YELLOW_DAYS_DEFAULT)
    notice_days = _policy_field(
        _("提醒天数"), _("单位：天。距完成时限此天数时先提醒责任人（仍为绿灯）；须不少于黄灯预警天数。"),
        minimum=0, maximum=365, default=settings.RECTIFY_NOTICE_DAYS_DEFAULT)
    rectification_months = _policy_field(
        _("集中整改期"), _("单位：月。自反馈之日起的集中整改月数；立行立改事项须在此期限内完成。"),
        minimum=1, maximum=36, default=settings.RECTIFY_RECTIFICATION_MONTHS_DEFAULT)
    report_months = _policy_field(
        _("整改报告期限"), _("单位：月。自反馈之日起报送整改情况报告的月数（巡视工作条例规定为 2 个月）。"),
        minimum=1, maximum=36, default=settings.RECTIFY_REPORT_MONTHS_DEFAULT)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, rounds: list[InspectionRound] = (), **kwargs):  # type: ignore[no-untyped-def, assignment]
        super().__init__(*args, **kwargs)
        self.fields["look_back_of"].choices = [("", _("（无）"))] + [
            (r.code, f"{r.name}（{r.code}）") for r in rounds]


class InspectedUnitAddForm(forms.Form):
    unit = forms.IntegerField(widget=forms.HiddenInput, label=_("被巡视单位"),
                              error_messages={"required": _("请输入单位名称或编码，并从下拉结果中选择单位。"),
                                              "invalid": _("请从下拉结果中选择单位。")})
    team = forms.ChoiceField(label=_("巡视组"), required=False)
    feedback_date = _date(_("反馈日期"), help_text=_("巡视组向被巡视党组织反馈意见的日期；整改期限由此起算。"))

    def __init__(self, *args, teams=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("（暂不指定）"))] + [(str(t.pk), t.name) for t in teams]


class InspectedUnitEditForm(InspectedUnitAddForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        del self.fields["unit"]


_ID = re.compile(r"[0-9]{1,18}")  # a database id as the pickers post it (ASCII digits, fits a bigint)


class IdListField(forms.Field):
    """Ids of picked records, posted as repeated hidden inputs (``members=3&members=8``)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):  # type: ignore[no-untyped-def]
        values = [str(v).strip() for v in (value or []) if str(v).strip()]
        if not all(_ID.fullmatch(v) for v in values):
            raise forms.ValidationError(_("请从下拉结果中选择人员。"))
        return [int(v) for v in values]


class TeamForm(forms.Form):
    name = forms.CharField(label=_("巡视组名称"), max_length=50, help_text=_("如：省委第一巡视组"),
                           error_messages={"required": _("请填写巡视组名称。")})
    leader = forms.IntegerField(widget=forms.HiddenInput, required=False, label=_("组长"), min_value=1,
                                max_value=2**63 - 1,
                                error_messages={"invalid": _("请从下拉结果中选择组长。"),
                                                "min_value": _("请从下拉结果中选择组长。"),
                                                "max_value": _("请从下拉结果中选择组长。")})
    members = IdListField(required=False, label=_("组员"))
    updated_at = forms.CharField(widget=forms.HiddenInput, required=False)  # optimistic lock of an edit

    def clean_updated_at(self) -> dt.datetime | None:
        text = self.cleaned_data.get("updated_at") or ""
        if not text:
            return None
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            raise forms.ValidationError(_("页面已过期，请刷新后重试。")) from None
