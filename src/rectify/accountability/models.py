"""The accountability regulations (《中国共产党问责条例》, 2019) as data: the catalogue a case is judged by.

Every row carries the article it comes from, a stable ``code`` that cases and the API refer to, and a
``version`` for the admin's edits. The rows are seeded by a data migration (``0002_seed_catalogue``); the
admin edits their texts, articles, impact periods and active flag, never their codes.

Two sets of responsibility types must never be mixed (DOMAIN, caution 1): the accountability regulations
know 全面领导责任 / 主要领导责任 / 重要领导责任 (art. 6), and only those are stored here. 直接责任 belongs to
the disciplinary regulations (《中国共产党纪律处分条例》); a direct violation links to a separate
disciplinary record, so a CHECK constraint keeps it out of ``ResponsibilityType`` whoever writes the row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rectify.inspections.models import add_months

IMPACT_MONTHS_MAX = 120  # ten years: every impact period of the regulations is far shorter
SEVERITY_MAX = 10


class CatalogueItem(models.Model):
    """What every catalogue row has: code, name, article, description, order, active flag, version."""

    code = models.SlugField(_("编码"), max_length=40, unique=True,
                            help_text=_("稳定的机器编码，问责案件和接口以它引用本条目，不能修改。"))
    name = models.CharField(_("名称"), max_length=100)
    article = models.CharField(_("条款依据"), max_length=200, help_text=_("如“第七条第（八）项”。"))
    description = models.TextField(_("说明"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True, help_text=_("停用后不再供问责案件选用，已有记录不受影响。"))
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Circumstance(CatalogueItem):
    """问责情形: the 11 items of article 7; item 8 has named sub-items for failures of inspection
    rectification (``parent`` points at item 8, ``is_rectification`` marks them)."""

    parent = models.ForeignKey("self", verbose_name=_("所属情形"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    is_rectification = models.BooleanField(_("巡视巡察整改问题"), default=False,
                                           help_text=_("落实巡视巡察整改要求走过场、不到位的具体情形。"))

    class Meta(CatalogueItem.Meta):
        verbose_name = _("问责情形")
        verbose_name_plural = _("问责情形")


class AppliesTo(models.TextChoices):
    ORGANISATION = "organisation", _("党组织")
    PERSON = "person", _("党的领导干部")


@dataclass(frozen=True)
class ImpactPeriod:
    """The last day of each restriction an accountability form brings (None: that restriction does not apply).

    The period is counted as the Civil Code counts periods in months (arts. 201–202): the decision day is not
    counted, and the period ends on the day of the final month that corresponds to the decision day, or on that
    month's last day when there is none. The end day is *inclusive*: on it the restriction still applies; the
    person is eligible again from the next day. 诫勉 decided 2026-03-31 → no promotion until 2026-09-30.
    """

    decided_on: dt.date
    no_promotion_until: dt.date | None = None
    no_leading_post_until: dt.date | None = None
    no_higher_post_until: dt.date | None = None

    @property
    def ends_on(self) -> dt.date | None:
        """The last day any restriction applies."""
        days = [d for d in (self.no_promotion_until, self.no_leading_post_until, self.no_higher_post_until) if d]
        return max(days) if days else None

    def in_effect_on(self, day: dt.date) -> bool:
        return self.ends_on is not None and self.decided_on <= day <= self.ends_on

    def combined(self, other: ImpactPeriod) -> ImpactPeriod:
        """Two forms imposed together (art. 8: alone or combined): each restriction lasts as long as the longer."""
        def later(a: dt.date | None, b: dt.date | None) -> dt.date | None:
            return max(a, b) if a and b else a or b

        return ImpactPeriod(decided_on=min(self.decided_on, other.decided_on),
                            no_promotion_until=later(self.no_promotion_until, other.no_promotion_until),
                            no_leading_post_until=later(self.no_leading_post_until, other.no_leading_post_until),
                            no_higher_post_until=later(self.no_higher_post_until, other.no_higher_post_until))


def _months_until(decided_on: dt.date, months: int | None) -> dt.date | None:
    return add_months(decided_on, months) if months else None


class AccountabilityForm(CatalogueItem):
    """问责方式 (art. 8): for organisations 检查 / 通报 / 改组; for leading cadres 通报 / 诫勉 / 组织调整或组织处理
    (its measures as sub-forms) / 纪律处分 (by the disciplinary procedure; the discipline kinds as sub-forms).

    The impact period is data: months without promotion, without a leading post, and without a post above the
    former rank (0 or empty: no such restriction), with the rule it comes from in ``impact_basis``.
    """

    applies_to = models.CharField(_("问责对象"), max_length=20, choices=AppliesTo.choices)
    parent = models.ForeignKey("self", verbose_name=_("所属方式"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    requires_disciplinary_record = models.BooleanField(
        _("按纪律处分程序办理"), default=False,
        help_text=_("纪律处分依照《中国共产党纪律处分条例》另行办理，问责决定须关联纪律处分记录。"))
    no_promotion_months = models.PositiveSmallIntegerField(
        _("不得提拔（月）"), null=True, blank=True, validators=[MaxValueValidator(IMPACT_MONTHS_MAX)])
    no_leading_post_months = models.PositiveSmallIntegerField(
        _("不安排领导职务（月）"), null=True, blank=True, validators=[MaxValueValidator(IMPACT_MONTHS_MAX)])
    no_higher_post_months = models.PositiveSmallIntegerField(
        _("不得担任高于原任职务层次的职务（月）"), null=True, blank=True,
        validators=[MaxValueValidator(IMPACT_MONTHS_MAX)])
    impact_basis = models.CharField(_("影响期依据"), max_length=300, blank=True)
    severity = models.PositiveSmallIntegerField(
        _("轻重等级"), default=0, validators=[MaxValueValidator(SEVERITY_MAX)],
        help_text=_("用于与同类案件比较问责轻重（1 最轻）：检查 1、通报 2、诫勉 3、停职检查和调整职务 4、警告 5、"
                    "降职、责令辞职、免职、严重警告和改组 6、撤销党内职务 7。"))

    class Meta(CatalogueItem.Meta):
        verbose_name = _("问责方式")
        verbose_name_plural = _("问责方式")

    @property
    def has_impact(self) -> bool:
        return bool(self.no_promotion_months or self.no_leading_post_months or self.no_higher_post_months)

    def impact_period(self, decided_on: dt.date) -> ImpactPeriod:
        """When each restriction of this form ends for a decision of ``decided_on`` (see ``ImpactPeriod``)."""
        return ImpactPeriod(decided_on=decided_on,
                            no_promotion_until=_months_until(decided_on, self.no_promotion_months),
                            no_leading_post_until=_months_until(decided_on, self.no_leading_post_months),
                            no_higher_post_until=_months_until(decided_on, self.no_higher_post_months))


def impact_period(*, forms: Iterable[AccountabilityForm], decided_on: dt.date) -> ImpactPeriod:
    """The impact period of one decision that imposes ``forms`` together: each restriction until its latest end."""
    period = ImpactPeriod(decided_on=decided_on)
    for form in forms:
        period = period.combined(form.impact_period(decided_on))
    return period


class ResponsibilityTypeCode(models.TextChoices):
    """The only three responsibility types of the accountability regulations (art. 6)."""

    OVERALL = "overall", _("全面领导责任")
    PRINCIPAL = "principal", _("主要领导责任")
    IMPORTANT = "important", _("重要领导责任")


DIRECT_RESPONSIBILITY = "直接责任"
_SPACE = re.compile(r"\s+")


def is_direct_responsibility(*, code: str = "", name: str = "") -> bool:
    """Whether a responsibility type would be the disciplinary regulations' 直接责任 (in any spacing)."""
    return DIRECT_RESPONSIBILITY in _SPACE.sub("", name) or "direct" in code.lower()


def direct_responsibility_message() -> str:
    return gettext("“直接责任”不是问责条例的责任类型，不能录入：它属于《中国共产党纪律处分条例》（直接责任者、"
                   "主要领导责任者、重要领导责任者）。问责只认定全面领导责任、主要领导责任、重要领导责任（问责条例"
                   "第六条）；对直接违纪的人员，请另行办理纪律处分，并把纪律处分记录与问责关联。")


class ResponsibilityType(CatalogueItem):
    """全面领导责任 (the leadership body), 主要领导责任 (the principal and the member directly in charge),
    重要领导责任 (other members who took part) — exactly these three codes, never 直接责任."""

    code = models.CharField(_("编码"), max_length=40, unique=True, choices=ResponsibilityTypeCode.choices)

    class Meta(CatalogueItem.Meta):
        verbose_name = _("责任类型")
        verbose_name_plural = _("责任类型")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__in=ResponsibilityTypeCode.values) & ~Q(name__contains=DIRECT_RESPONSIBILITY),
                name="accountability_responsibility_type_not_direct",
                violation_error_message=_("“直接责任”属于《中国共产党纪律处分条例》，不是问责条例的责任类型。"),
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if is_direct_responsibility(code=self.code, name=self.name):
            raise ValidationError({"name": direct_responsibility_message()})


class FactorKind(models.TextChoices):
    AGGRAVATING = "aggravating", _("从重或者加重问责")
    MITIGATING = "mitigating", _("从轻或者减轻问责")
    EXEMPTION = "exemption", _("免予问责")
    NO_ACCOUNTABILITY = "no_accountability", _("不予问责")


class EvidencedItem(CatalogueItem):
    """A condition that may be applied only with evidence of what ``evidence`` names."""

    requires_evidence = models.BooleanField(_("须提供证据"), default=True)
    evidence = models.CharField(_("所需证据"), max_length=300, blank=True,
                                help_text=_("认定本情形须附的材料，如会议记录中本人明确反对的记载。"))

    class Meta(CatalogueItem.Meta):
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.requires_evidence and not self.evidence.strip():
            raise ValidationError({"evidence": gettext("须提供证据的情形，请写明需要哪些证据。")})


class Factor(EvidencedItem):
    """Conditions that make accountability heavier, lighter, exempt it or rule it out (arts. 17–19)."""

    kind = models.CharField(_("类别"), max_length=20, choices=FactorKind.choices)

    class Meta(EvidencedItem.Meta):
        verbose_name = _("从重从轻及免责情形")
        verbose_name_plural = _("从重从轻及免责情形")
        constraints = [
            models.CheckConstraint(condition=Q(requires_evidence=False) | ~Q(evidence=""),
                                   name="accountability_factor_evidence_named"),
        ]


class FaultTolerance(EvidencedItem):
    """容错纠错: the three distinctions (三个区分开来), each telling a tolerable error from a violation."""

    tolerated = models.CharField(_("可以容错的情形"), max_length=200)
    not_tolerated = models.CharField(_("不予容错的情形"), max_length=200)
    factor = models.ForeignKey(Factor, verbose_name=_("对应的免责情形"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="fault_tolerance")

    class Meta(EvidencedItem.Meta):
        verbose_name = _("容错纠错情形")
        verbose_name_plural = _("容错纠错情形")
        constraints = [
            models.CheckConstraint(condition=Q(requires_evidence=False) | ~Q(evidence=""),
                                   name="accountability_fault_tolerance_evidence_named"),
        ]


from rectify.accountability.case_models import *  # noqa: E402, F403  (cases, decisions, appeals)
from rectify.accountability.pool_models import *  # noqa: E402, F403  (specialist pool and assignments)
