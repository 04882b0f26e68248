"""Forms of the catalogue's edit page, one per section. They only parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rectify.accountability.models import IMPACT_MONTHS_MAX, SEVERITY_MAX
from rectify.core.forms import VersionedFormMixin


class CatalogueItemForm(VersionedFormMixin, forms.Form):
    """What every row has: name, article, description, active flag — and the version the admin saw."""

    require_version = True

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**63 - 1,
                                 error_messages={"invalid": _("页面已过期，请刷新后重试。")})
    name = forms.CharField(label=_("名称"), max_length=100, error_messages={"required": _("请填写名称。")})
    article = forms.CharField(label=_("条款依据"), max_length=200, help_text=_("如“第七条第（八）项”。"),
                              error_messages={"required": _("请填写条款依据。")})
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    is_active = forms.BooleanField(label=_("启用（停用后不再供问责案件选用）"), required=False)

    def values(self) -> dict[str, Any]:
        """The cleaned fields the service changes (all but the version; a severity left out stays)."""
        return {k: v for k, v in self.cleaned_data.items()
                if k != "version" and not (k == "severity" and v is None)}


def _months(label: str) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=0, max_value=IMPACT_MONTHS_MAX,
                              help_text=_("留空或填 0 表示无此限制。"))


class FormItemForm(CatalogueItemForm):
    no_promotion_months = _months(_("不得提拔（月）"))
    no_leading_post_months = _months(_("不安排领导职务（月）"))
    no_higher_post_months = _months(_("不得担任高于原任职务层次的职务（月）"))
    impact_basis = forms.CharField(label=_("影响期依据"), max_length=300, required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    severity = forms.IntegerField(label=_("轻重等级"), min_value=0, max_value=SEVERITY_MAX, required=False,
                                  help_text=_("与同类案件比较问责轻重时使用，1 最轻；0 表示不参与比较。"))

    field_order = ["version", "name", "article", "description", "no_promotion_months", "no_leading_post_months",
                   "no_higher_post_months", "impact_basis", "severity", "is_active"]


class ResponsibilityTypeForm(CatalogueItemForm):
    """The three types of art. 6 are always in use: no active flag to clear."""

    is_active = None  # type: ignore[assignment]


class EvidencedItemForm(CatalogueItemForm):
    requires_evidence = forms.BooleanField(label=_("认定时须提供证据"), required=False)
    evidence = forms.CharField(label=_("所需证据"), max_length=300, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}), help_text=_("如“会议记录中本人明确反对的记载”。"))

    field_order = ["version", "name", "article", "description", "requires_evidence", "evidence", "is_active"]


class FaultToleranceForm(EvidencedItemForm):
    tolerated = forms.CharField(label=_("可以容错的情形"), max_length=200,
                                error_messages={"required": _("请填写可以容错的情形。")})
    not_tolerated = forms.CharField(label=_("不予容错的情形"), max_length=200,
                                    error_messages={"required": _("请填写不予容错的情形。")})

    field_order = ["version", "name", "article", "description", "tolerated", "not_tolerated", "requires_evidence",
                   "evidence", "is_active"]


FORM_CLASSES: dict[str, type[CatalogueItemForm]] = {
    "circumstances": CatalogueItemForm,
    "forms": FormItemForm,
    "responsibility_types": ResponsibilityTypeForm,
    "factors": EvidencedItemForm,
    "fault_tolerance": FaultToleranceForm,
}
