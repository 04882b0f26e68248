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
    confirm_evidence = forms.BooleanField(label=_("我已查阅全部佐证材料（或已核实无佐证材料的原因）"), required=False)
    execution_proven = forms.ChoiceField(
        label=_("执行情况是否已得到证明？"), required=False, widget=forms.RadioSelect,
        choices=[("yes", _("是，已有执行情况的证明")), ("no", _("否，只有通知或制度文件，未见执行"))])


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

    def __init__(self, *args, categories=(), description_locked=False, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices(categories)
        if description_locked:
            self.fields["description"].disabled = True
            self.fields["description"].help_text = _("整改方案已批准：更正反馈问题的表述须在问题页面提出更正申请。")


# --- editing the task list, the plan and change requests (issue 7) -----------------------------------

NAME_SEPARATORS = "、，,；;\n"


def split_names(text: str) -> list[str]:
    """"财务处、审计处" → ["财务处", "审计处"]: how people write several names in one cell."""
    names, current = [], []
    for char in text or "":
        if char in NAME_SEPARATORS:
            names.append("".join(current))
            current = []
        else:
            current.append(char)
    names.append("".join(current))
    return [" ".join(n.split()) for n in names if n.strip()]


def leader_choice_label(tenure) -> str:  # type: ignore[no-untyped-def]
    areas = tenure.post.area_list
    if areas:
        return _("%(name)s · %(post)s（分管：%(areas)s）") % {"name": tenure.person.name, "post": tenure.post.title,
                                                         "areas": "、".join(areas)}
    return _("%(name)s · %(post)s") % {"name": tenure.person.name, "post": tenure.post.title}


class TaskForm(VersionedFormMixin, forms.Form):
    """One task of the task list and its responsibility list (the service checks rules 1–3)."""

    measure = forms.CharField(label=_("整改措施"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000,
                              error_messages={"required": _("请填写整改措施。")})
    criterion = forms.CharField(label=_("完成标准"), widget=forms.Textarea(attrs={"rows": 2}), max_length=10000,
                                help_text=_("可衡量、可检查：做到什么程度算完成，如“违规发放的 12.6 万元全部清退并取得银行回单”。"),
                                error_messages={"required": _("请填写可衡量的完成标准，说明做到什么程度算完成。")})
    deadline_kind = forms.ChoiceField(label=_("整改类型"), widget=forms.RadioSelect,
                                      choices=[("immediate", _("立行立改")), ("deadline", _("限期整改")),
                                               ("long_term", _("长期坚持"))],
                                      error_messages={"required": _("请选择整改类型。")})
    due_date = forms.DateField(label=_("完成时限"), required=False, widget=DateInput,
                               error_messages={"invalid": _("请填写有效的日期，如 2026-07-31。")})
    milestones = forms.CharField(label=_("阶段目标"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                 max_length=10000,
                                 help_text=_("长期坚持的任务必填：分几个阶段、每个阶段何时达到什么目标。"))
    review_months = forms.IntegerField(label=_("评估周期（月）"), required=False, min_value=1, max_value=60,
                                       help_text=_("长期坚持的任务每隔几个月评估一次，不填默认 6 个月。"),
                                       error_messages={"invalid": _("请填写 1 至 60 之间的整数。"),
                                                       "min_value": _("请填写 1 至 60 之间的整数。"),
                                                       "max_value": _("请填写 1 至 60 之间的整数。")})
    leaders = forms.MultipleChoiceField(label=_("责任领导"), required=False, widget=forms.CheckboxSelectMultiple,
                                        help_text=_("从本单位在任的领导班子成员中选择；一般为分管该领域的班子成员。"))
    department = forms.CharField(label=_("牵头责任部门"), required=False, max_length=500,
                                 help_text=_("多个部门用顿号（、）分隔。"))
    co_departments = forms.CharField(label=_("配合部门"), required=False, max_length=500,
                                     help_text=_("多个部门用顿号（、）分隔。"))
    persons = forms.CharField(label=_("责任人"), required=False, max_length=500,
                              help_text=_("多人用顿号（、）分隔，可写明职务，如“李四（财务处处长）”。"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31,
                                 error_messages={"invalid": _("页面已过期，请刷新后重试。")})

    def __init__(self, *args, leader_tenures=(), kept_leaders=(), fixed_deadline=False, **kwargs):  # type: ignore[no-untyped-def]
        """``leader_tenures``: the leadership in post today; ``kept_leaders``: names already on the list that
        are not linked to anyone in post (kept unless unticked); ``fixed_deadline``: the plan is approved,
        so the deadline fields are shown but changed only by a change request."""
        super().__init__(*args, **kwargs)
        self.fields["leaders"].choices = (
            [(f"t{t.pk}", leader_choice_label(t)) for t in leader_tenures]
            + [(f"n:{name}", _("%(name)s（未关联到在任班子成员）") % {"name": name}) for name in kept_leaders])
        if fixed_deadline:
            for name in ("deadline_kind", "due_date", "review_months"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("整改方案已批准，调整须提交变更申请。")

    def responsibilities(self) -> list[dict]:
        data = self.cleaned_data
        entries: list[dict] = []
        for value in data["leaders"]:
            if value.startswith("t"):
                entries.append({"kind": "leader", "tenure": int(value[1:])})
            else:
                entries.append({"kind": "leader", "name": value[2:]})
        entries += [{"kind": "department", "name": n, "is_lead": True} for n in split_names(data["department"])]
        entries += [{"kind": "department", "name": n, "is_lead": False} for n in split_names(data["co_departments"])]
        entries += [{"kind": "person", "name": n} for n in split_names(data["persons"])]
        return entries

    def task_fields(self) -> dict:
        data = self.cleaned_data
        return {"measure": data["measure"], "criterion": data["criterion"], "deadline_kind": data["deadline_kind"],
                "due_date": data["due_date"], "milestones": data["milestones"],
                "review_months": data["review_months"]}


class PlanReviewForm(forms.Form):
    comment = forms.CharField(label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              max_length=2000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31)


class PlanReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                             help_text=_("写明需要修改或补充的内容，单位将据此修改后重新报送。"),
                             error_messages={"required": _("退回整改方案须填写退回理由，说明需要修改或补充的内容。")})
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31)


class PlanSubmitForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31)


class ChangeRequestForm(forms.Form):
    """A change to an approved plan: a new deadline and/or deadline kind, with the reason."""

    deadline_kind = forms.ChoiceField(label=_("整改类型"), widget=forms.RadioSelect,
                                      choices=[("immediate", _("立行立改")), ("deadline", _("限期整改")),
                                               ("long_term", _("长期坚持"))])
    due_date = forms.DateField(label=_("新的完成时限"), required=False, widget=DateInput,
                               error_messages={"invalid": _("请填写有效的日期，如 2026-09-30。")})
    milestones = forms.CharField(label=_("阶段目标"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                 max_length=10000, help_text=_("转为长期坚持时必填。"))
    review_months = forms.IntegerField(label=_("评估周期（月）"), required=False, min_value=1, max_value=60,
                                       error_messages={"invalid": _("请填写 1 至 60 之间的整数。"),
                                                       "min_value": _("请填写 1 至 60 之间的整数。"),
                                                       "max_value": _("请填写 1 至 60 之间的整数。")})
    reason = forms.CharField(label=_("变更理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                             help_text=_("说明为什么需要调整，如客观原因、已采取的措施和新的安排。"),
                             error_messages={"required": _("请填写变更理由，说明为什么需要调整。")})


class ProblemChangeRequestForm(forms.Form):
    description = forms.CharField(label=_("更正后的反馈问题"), widget=forms.Textarea(attrs={"rows": 4}),
                                  max_length=10000, error_messages={"required": _("请填写更正后的反馈问题。")})
    reason = forms.CharField(label=_("变更理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                             error_messages={"required": _("请填写变更理由，说明为什么需要更正反馈问题的表述。")})


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("审批意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              max_length=2000)


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("不予批准的理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                             error_messages={"required": _("不予批准须填写理由，说明原因或应如何调整。")})
