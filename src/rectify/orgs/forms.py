"""Forms of the org tree and roster pages. They only parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rectify.core.forms import DateInput, VersionedFormMixin
from rectify.orgs.models import OrgKind, Person


class VersionForm(VersionedFormMixin, forms.Form):
    """The version the user saw; a stale one is refused by the service as a conflict. An edit form
    (``require_version=True``) posted without it is refused too, so the lock cannot be skipped."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**63 - 1,
                                 error_messages={"invalid": _("页面已过期，请刷新后重试。")})

    def __init__(self, *args: Any, require_version: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.require_version = require_version


class OrgUnitCreateForm(forms.Form):
    code = forms.CharField(label=_("单位编码"), max_length=40,
                           help_text=_("字母、数字、短横线（-）、下划线（_）或点（.），如 EDU、ZY-01。建立后不能修改。"),
                           error_messages={"required": _("请填写单位编码。")})
    name = forms.CharField(label=_("单位名称"), max_length=100, error_messages={"required": _("请填写单位名称。")})
    short_name = forms.CharField(label=_("简称"), max_length=50, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=OrgKind.choices, initial=OrgKind.DEPARTMENT)
    parent = forms.CharField(widget=forms.HiddenInput, required=False)


class OrgUnitEditForm(VersionForm):
    name = forms.CharField(label=_("单位名称"), max_length=100, error_messages={"required": _("请填写单位名称。")})
    short_name = forms.CharField(label=_("简称"), max_length=50, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=OrgKind.choices)


class OrgUnitMoveForm(VersionForm):
    parent = forms.CharField(label=_("新的上级单位"), required=False, max_length=40,
                             help_text=_("输入单位名称或编码的一部分，从列表中选择。"))
    to_top = forms.BooleanField(label=_("调整为顶级单位（无上级）"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("to_top") and not data.get("parent"):
            self.add_error("parent", _("请选择新的上级单位，或勾选“调整为顶级单位”。"))
        return data


class PersonForm(VersionForm):
    name = forms.CharField(label=_("姓名"), max_length=50, error_messages={"required": _("请填写姓名。")})
    title = forms.CharField(label=_("职务"), max_length=100, required=False,
                            help_text=_("现任职务的全称，如“党组成员、副厅长”。"))


class PostForm(VersionForm):
    title = forms.CharField(label=_("职务名称"), max_length=100,
                            error_messages={"required": _("请填写职务名称，如“党组书记、厅长”。")})
    is_principal = forms.BooleanField(label=_("主要负责人（一把手）"), required=False)
    is_leadership_member = forms.BooleanField(label=_("领导班子成员"), required=False, initial=True)
    areas = forms.CharField(label=_("分管领域"), max_length=500, required=False,
                            help_text=_("分管的部门或工作，用顿号分隔，如“财务处、审计处”。"))
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, max_value=32767, initial=0, required=False)


class AppointForm(forms.Form):
    person = forms.ModelChoiceField(label=_("人员"), queryset=Person.objects.none(),
                                    error_messages={"required": _("请选择任职人员。"),
                                                    "invalid_choice": _("请选择本单位的人员。")})
    start = forms.DateField(label=_("任职日期"), widget=DateInput(), error_messages={"required": _("请填写任职日期。")})
    end = forms.DateField(label=_("离任日期"), widget=DateInput(), required=False,
                          help_text=_("补录历任时填写；留空表示至今在任，现任者于任职日期离任。"))
    hand_over = forms.BooleanField(required=False)

    def __init__(self, *args: Any, people: Any = None, current_holder: tuple[str, int] | None = None,
                 **kwargs: Any) -> None:
        """``current_holder``: (name, number of open tasks they lead) when the post's current holder leads
        any — then the form offers to hand them to the new holder; otherwise it has no such field."""
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["person"].queryset = people
        if current_holder is None:
            del self.fields["hand_over"]
        else:
            name, count = current_holder
            self.fields["hand_over"].label = _("将现任者%(name)s负责的 %(count)s 项未销号整改任务移交给新任者") % {
                "name": name, "count": count}
            self.fields["hand_over"].help_text = _("不移交则不能任命接任者：现任者须先交出其负责的整改任务。")


class TenureForm(VersionForm):
    start = forms.DateField(label=_("任职日期"), widget=DateInput(), error_messages={"required": _("请填写任职日期。")})
    end = forms.DateField(label=_("离任日期"), widget=DateInput(), required=False, help_text=_("留空表示至今在任。"))


class TenureEndForm(VersionForm):
    end = forms.DateField(label=_("离任日期"), widget=DateInput(), error_messages={"required": _("请填写离任日期。")},
                          help_text=_("离任当天起不再担任该职务。"))
