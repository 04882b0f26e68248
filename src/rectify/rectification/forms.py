from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rectify.core.forms import DateInput, VersionedFormMixin


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("整改进展"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000,
                           error_messages={"required": _("请填写整改进展内容。")})


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("佐证材料"), error_messages={"required": _("请选择要上传的文件。")})
    description = forms.CharField(label=_("说明"), required=False, max_length=300)


class CloseOutForm(forms.Form):
    note = forms.CharField(label=_("销号说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("简要说明整改完成情况和达到的标准。"))
    no_evidence_reason = forms.CharField(label=_("无佐证材料的原因"), required=False,
                                         widget=forms.Textarea(attrs={"rows": 2}),
                                         help_text=_("未上传佐证材料时必须填写。"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                             error_messages={"required": _("请填写理由。")})


class ReviewForm(forms.Form):
    comment = forms.CharField(label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class LedgerFilterForm(forms.Form):
    STATUS_CHOICES = [("", _("全部状态")), ("pending", _("待整改")), ("in_progress", _("整改中")),
                      ("submitted", _("申请销号")), ("closed", _("已销号"))]
    WARNING_CHOICES = [("", _("全部预警")), ("red", _("红灯")), ("yellow", _("黄灯")), ("green", _("绿灯"))]

    status = forms.ChoiceField(label=_("状态"), choices=STATUS_CHOICES, required=False)
    warning = forms.ChoiceField(label=_("预警"), choices=WARNING_CHOICES, required=False)
    category = forms.ChoiceField(label=_("问题类别"), required=False)
    department = forms.ChoiceField(label=_("责任部门"), required=False)
    q = forms.CharField(label=_("关键词"), required=False, max_length=50)
    kind = forms.ChoiceField(label=_("问题来源"), required=False, choices=[
        ("", _("全部来源")), ("feedback", _("反馈问题")), ("self_found", _("自查问题"))])

    def __init__(self, *args, categories=(), departments=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("全部类别"))] + [(c.code, c.name) for c in categories]
        self.fields["department"].choices = [("", _("全部部门"))] + [(d, d) for d in departments]


def category_choices(tree) -> list:  # type: ignore[no-untyped-def]
    """The two-level catalogue as grouped choices: each top-level category heads its subcategories."""
    choices: list = [("", _("未分类"))]
    for top, children in tree:
        choices.append((f"{top.code} {top.name}", [(top.code, _("%(name)s（不细分）") % {"name": top.name})]
                        + [(c.code, f"{c.code} {c.name}") for c in children]))
    return choices


class ProblemForm(VersionedFormMixin, forms.Form):
    """One problem of the problem list, fed back or self-found. The service checks the rules."""

    number = forms.CharField(label=_("序号"), required=False, max_length=100,
                             help_text=_("本单位的编号，不超过 20 个字符，如 3、（1）、P01、XS-2021-03；不填则自动取下一个序号。"))
    category = forms.ChoiceField(label=_("问题类别"), required=False)
    description = forms.CharField(label=_("反馈问题"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000,
                                  error_messages={"required": _("请填写问题描述。")})
    detail = forms.CharField(label=_("问题表现"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                             max_length=10000)
    occurred_from = forms.DateField(label=_("问题发生起始"), required=False, widget=DateInput,
                                    error_messages={"invalid": _("请填写有效的日期，如 2021-01-01。")})
    occurred_to = forms.DateField(label=_("问题发生截止"), required=False, widget=DateInput,
                                  error_messages={"invalid": _("请填写有效的日期，如 2022-12-31。")})
    is_common = forms.BooleanField(label=_("共性问题"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**63 - 1,
                                 error_messages={"invalid": _("页面已过期，请刷新后重试。")})

    def __init__(self, *args, categories=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices(categories)
