"""Forms of the accountability pages. They only parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rectify.accountability.case_models import (
    ApproverCapacity,
    CorrectionReason,
    Execution,
    Outcome,
    Signature,
    SourceKind,
    SubjectKind,
)
from rectify.accountability.models import (
    AccountabilityForm,
    Circumstance,
    Factor,
    FaultTolerance,
    ResponsibilityTypeCode,
)
from rectify.accountability.pool_models import AssignmentKind, RelationKind
from rectify.core.forms import DateInput, VersionedFormMixin

TEXTAREA = {"rows": 3}


def _circumstances() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label=_("问责情形"), required=False,
                                  queryset=Circumstance.objects.filter(is_active=True).order_by("sort_order", "id"),
                                  empty_label=_("（暂不确定）"))


class VersionForm(VersionedFormMixin, forms.Form):
    require_version = True
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**63 - 1)


class CaseForm(forms.Form):
    title = forms.CharField(label=_("案件名称"), max_length=200)
    source_kind = forms.ChoiceField(label=_("案件来源"), choices=SourceKind.choices)
    source_reference = forms.CharField(label=_("来源文书"), max_length=200, required=False,
                                       help_text=_("督办单、约谈记录或预警的编号；来源为问题或任务时可不填"))
    circumstance = _circumstances()
    summary = forms.CharField(label=_("案情摘要"), required=False, widget=forms.Textarea(attrs=TEXTAREA))


class CaseEditForm(VersionForm):
    title = forms.CharField(label=_("案件名称"), max_length=200)
    circumstance = _circumstances()
    summary = forms.CharField(label=_("案情摘要"), required=False, widget=forms.Textarea(attrs=TEXTAREA))


class SubjectForm(forms.Form):
    kind = forms.ChoiceField(label=_("对象类别"), choices=SubjectKind.choices, initial=SubjectKind.PERSON)
    name = forms.CharField(label=_("姓名或党组织名称"), max_length=100)
    responsibility_type = forms.ChoiceField(label=_("责任类型"), choices=ResponsibilityTypeCode.choices)
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    type_reason = forms.CharField(label=_("认定理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("与定责助手的建议不同时，请说明理由"))


class SubjectEditForm(VersionForm):
    responsibility_type = forms.ChoiceField(label=_("责任类型"), choices=ResponsibilityTypeCode.choices)
    type_reason = forms.CharField(label=_("认定理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    participation_record = forms.CharField(label=_("参与决策或工作的记录"), required=False,
                                           widget=forms.Textarea(attrs={"rows": 2}),
                                           help_text=_("认定重要领导责任须有，如“2024年3月党组会议参与表决（纪要第5页）”"))
    execution = forms.ChoiceField(label=_("执行情况"), required=False,
                                  choices=[("", _("（未认定）")), *Execution.choices])
    finding = forms.CharField(label=_("调查认定"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    proposed_form = forms.ModelChoiceField(label=_("调查组建议的问责方式"), required=False,
                                           queryset=AccountabilityForm.objects.none(), empty_label=_("（无）"))

    def __init__(self, *args: Any, subject_kind: str = SubjectKind.PERSON, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposed_form"].queryset = AccountabilityForm.objects.filter(  # type: ignore[attr-defined]
            is_active=True, applies_to=subject_kind).order_by("sort_order", "id")


class RemoveForm(forms.Form):
    reason = forms.CharField(label=_("移除理由"), widget=forms.Textarea(attrs={"rows": 2}))


class MemberAssessmentForm(forms.Form):
    name = forms.CharField(label=_("班子成员"), max_length=100)
    post_title = forms.CharField(label=_("时任职务"), max_length=100, required=False)
    reason = forms.CharField(label=_("不予追究的理由"), widget=forms.Textarea(attrs={"rows": 2}))


class StartForm(VersionForm):
    approver_name = forms.CharField(label=_("批准人"), max_length=50)
    approver_capacity = forms.ChoiceField(label=_("批准人身份"), choices=ApproverCapacity.choices)
    approved_on = forms.DateField(label=_("批准日期"), widget=DateInput)
    approval_document = forms.CharField(label=_("批准文书"), max_length=200, help_text=_("如批示、呈批件的文号"))


class DayForm(VersionForm):
    on = forms.DateField(label=_("日期"), widget=DateInput)


class FinishInvestigationForm(DayForm):
    findings = forms.CharField(label=_("调查认定的事实"), widget=forms.Textarea(attrs={"rows": 5}))


class StatementForm(forms.Form):
    facts_shown_on = forms.DateField(label=_("告知事实日期"), widget=DateInput)
    statement = forms.CharField(label=_("本人陈述"), widget=forms.Textarea(attrs=TEXTAREA))
    defence = forms.CharField(label=_("申辩意见"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    signature = forms.ChoiceField(label=_("签字意见"), choices=Signature.choices, widget=forms.RadioSelect)
    signed_on = forms.DateField(label=_("签字日期"), widget=DateInput)


class OpinionForm(forms.Form):
    assignment = forms.IntegerField(widget=forms.HiddenInput)
    opinion = forms.CharField(label=_("会审意见"), widget=forms.Textarea(attrs={"rows": 2}))
    given_on = forms.DateField(label=_("提出日期"), widget=DateInput)


class DiscussionForm(VersionForm):
    discussed_on = forms.DateField(label=_("集体讨论日期"), widget=DateInput)
    body = forms.CharField(label=_("讨论机构"), max_length=100, initial=_("纪委常委会会议"))
    minutes = forms.CharField(label=_("会议纪要"), max_length=200)
    conclusion = forms.CharField(label=_("讨论结论"), widget=forms.Textarea(attrs=TEXTAREA))


class CloseForm(VersionForm):
    closed_on = forms.DateField(label=_("结案日期"), widget=DateInput)
    note = forms.CharField(label=_("结案说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    """The decision page. Factors come as one checkbox and one evidence box per catalogue row
    (``factor_<code>`` / ``evidence_<code>``, ``tolerance_<code>`` / ``tevidence_<code>``) and a free claim."""

    outcome = forms.ChoiceField(label=_("处理结果"), choices=Outcome.choices, widget=forms.RadioSelect,
                                initial=Outcome.ACCOUNTABLE)
    responsibility_type = forms.ChoiceField(label=_("责任类型"), choices=ResponsibilityTypeCode.choices)
    circumstance = forms.ModelChoiceField(label=_("问责情形"), required=False, to_field_name="code",
                                          queryset=Circumstance.objects.filter(is_active=True).order_by("sort_order",
                                                                                                       "id"))
    form_codes = forms.MultipleChoiceField(label=_("问责方式"), required=False, widget=forms.CheckboxSelectMultiple)
    decided_on = forms.DateField(label=_("决定日期"), widget=DateInput)
    basis = forms.CharField(label=_("依据条款"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                            help_text=_("不填则按问责情形、问责方式和认定的情形自动列出条款"))
    reasoning = forms.CharField(label=_("事实和理由"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    disciplinary_record = forms.CharField(label=_("纪律处分记录"), max_length=200, required=False,
                                          help_text=_("给予纪律处分的，填写按纪律处分程序作出的决定文号或案件编号"))
    claim = forms.CharField(label=_("其他容错理由"), max_length=300, required=False,
                            help_text=_("主张容错但不属于“三个区分开来”的，如实记录（系统会提示）"))
    claim_evidence = forms.CharField(label=_("其证据"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    publish = forms.BooleanField(label=_("通报曝光"), required=False)
    public_summary = forms.CharField(label=_("通报内容"), required=False, widget=forms.Textarea(attrs=TEXTAREA),
                                     help_text=_("对外通报的事实概要，不写涉密内容、陈述申辩和会审意见"))
    type_reason = forms.CharField(label=_("责任类型认定理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("与定责助手的建议不同时必填"))
    override_reason = forms.CharField(label=_("未采纳提示的理由"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}),
                                      help_text=_("有精准问责提示时必填：说明为什么仍这样决定"))

    def __init__(self, *args: Any, subject_kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        leaves = (AccountabilityForm.objects.filter(is_active=True, applies_to=subject_kind)
                  .filter(children__isnull=True).select_related("parent").order_by("sort_order", "id"))
        self.fields["form_codes"].choices = [  # type: ignore[attr-defined]
            (f.code, f"{f.parent.name}：{f.name}" if f.parent_id else f.name) for f in leaves]
        self.factor_rows = list(Factor.objects.filter(is_active=True).order_by("sort_order", "id"))
        self.tolerance_rows = list(FaultTolerance.objects.filter(is_active=True).order_by("sort_order", "id"))

    def factor_specs(self) -> list[dict[str, str]]:
        data = self.data
        specs = [{"factor": f.code, "evidence": data.get(f"evidence_{f.code}", "")}
                 for f in self.factor_rows if data.get(f"factor_{f.code}")]
        specs += [{"fault_tolerance": t.code, "evidence": data.get(f"tevidence_{t.code}", "")}
                  for t in self.tolerance_rows if data.get(f"tolerance_{t.code}")]
        if self.cleaned_data.get("claim"):
            specs.append({"claim": self.cleaned_data["claim"], "evidence": self.cleaned_data.get("claim_evidence", "")})
        return specs


class CorrectionForm(DecisionForm):
    reason = forms.ChoiceField(label=_("纠正理由"), choices=CorrectionReason.choices)
    note = forms.CharField(label=_("纠正说明"), widget=forms.Textarea(attrs=TEXTAREA))
    appeal = forms.IntegerField(required=False, widget=forms.HiddenInput)

    field_order = ["reason", "note"]


class DeliveryForm(forms.Form):
    delivered_on = forms.DateField(label=_("送达日期"), widget=DateInput)
    note = forms.CharField(label=_("送达方式"), max_length=200, required=False, initial=_("当面送达，本人签收"))


class AppealForm(forms.Form):
    received_on = forms.DateField(label=_("收到申诉日期"), widget=DateInput)
    grounds = forms.CharField(label=_("申诉理由"), required=False, widget=forms.Textarea(attrs=TEXTAREA))


class AnswerForm(forms.Form):
    answered_on = forms.DateField(label=_("答复日期"), widget=DateInput)
    answer = forms.CharField(label=_("复查意见"), widget=forms.Textarea(attrs=TEXTAREA))


class AssignForm(forms.Form):
    specialist = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("抽调任务"), choices=AssignmentKind.choices)
    case = forms.IntegerField(required=False, widget=forms.HiddenInput)
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label=_("任务名称"), max_length=200, required=False)
    force = forms.BooleanField(label=_("回避例外（须另一名负责人批准）"), required=False)
    approved_by = forms.IntegerField(label=_("批准人"), required=False)
    reason = forms.CharField(label=_("批准理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SpecialistForm(VersionForm):
    region = forms.IntegerField(label=_("所属地区"))
    expertise = forms.CharField(label=_("业务专长"), max_length=200)
    is_available = forms.BooleanField(label=_("可以抽调"), required=False)
    availability_note = forms.CharField(label=_("可用情况说明"), max_length=200, required=False)


class RelationForm(forms.Form):
    kind = forms.ChoiceField(label=_("关系"), choices=RelationKind.choices)
    name = forms.CharField(label=_("姓名"), max_length=50)
    unit = forms.IntegerField(label=_("工作单位"), required=False)
    start = forms.DateField(label=_("起始日期"), required=False, widget=DateInput)
    end = forms.DateField(label=_("截止日期"), required=False, widget=DateInput)


class EmploymentForm(forms.Form):
    unit = forms.IntegerField(label=_("工作单位"))
    position = forms.CharField(label=_("岗位"), max_length=100, required=False)
    start = forms.DateField(label=_("起始日期"), widget=DateInput)
    end = forms.DateField(label=_("截止日期"), required=False, widget=DateInput)
