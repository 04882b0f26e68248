"""Who is who, and when: the unit tree, people, leadership posts and tenures.

Tenures answer "who was the unit's principal when the problem happened?", which precise
accountability depends on; a person who left a post keeps their tenure, with an end date.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rectify.core.models import TimeStampedModel


class OrgKind(models.TextChoices):
    PROVINCE = "province", _("省级党委")
    PREFECTURE = "prefecture", _("州（市）")
    COUNTY = "county", _("县（市、区）")
    DEPARTMENT = "department", _("省直部门")
    ENTERPRISE = "enterprise", _("省属企业")
    INTERNAL = "internal", _("内设机构")
    OTHER = "other", _("其他")


# Codes appear in URLs and file names: letters, digits, "-", "_" and ".", starting with a letter or digit.
UNIT_CODE_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
    _("单位编码只能由字母、数字、短横线（-）、下划线（_）和点（.）组成，并以字母或数字开头。"),
)


class OrgUnit(TimeStampedModel):
    """A node of the organisation tree.

    ``path`` is a materialised path of zero-padded ids (``/000001/000007/``) so that
    "this unit and everything below it" is one indexed ``LIKE 'prefix%'`` in SQL.
    """

    code = models.CharField(_("单位编码"), max_length=40, unique=True, validators=[UNIT_CODE_VALIDATOR])
    name = models.CharField(_("单位名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=OrgKind.choices, default=OrgKind.OTHER)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    is_active = models.BooleanField(_("启用"), default=True, help_text=_("撤销或合并的单位停用后保留历史，不再可选"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name


class Person(TimeStampedModel):
    name = models.CharField(_("姓名"), max_length=50)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("所在单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    title = models.CharField(_("职务"), max_length=100, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        indexes = [models.Index(fields=["unit", "name"])]

    def __str__(self) -> str:
        return self.name


def split_areas(areas: str) -> list[str]:
    """分管领域 as a list: 财务处、审计处 (also with ，or ,) → ["财务处", "审计处"]."""
    return [a.strip() for a in (areas or "").replace("，", "、").replace(",", "、").split("、") if a.strip()]


class Post(TimeStampedModel):
    """A seat in a unit's leadership body, e.g. 党组书记、厅长 or 党组成员、副厅长 (分管 areas)."""

    unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="posts")
    title = models.CharField(_("职务名称"), max_length=100)
    is_principal = models.BooleanField(_("主要负责人（一把手）"), default=False)
    is_leadership_member = models.BooleanField(_("领导班子成员"), default=True)
    areas = models.CharField(_("分管领域"), max_length=500, blank=True, help_text=_("用顿号分隔"))
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    version = models.PositiveIntegerField(default=1)

    @property
    def area_list(self) -> list[str]:
        return split_areas(self.areas)

    class Meta:
        verbose_name = _("职务")
        verbose_name_plural = _("职务")
        ordering = ["unit", "sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.unit.label} {self.title}"


SEAT_FIELDS = ("title", "areas", "is_principal", "is_leadership_member")
"""What a tenure keeps of its post (the seat as it was during the tenure); see ``Tenure``."""


def seat_of(post: Post) -> dict[str, object]:
    """The snapshot a tenure of ``post`` starting now records: the post's title, areas and flags."""
    return {name: getattr(post, name) for name in SEAT_FIELDS}


class Tenure(TimeStampedModel):
    """A person held a post from ``start`` (inclusive) to ``end`` (exclusive; null = still holds it).

    The tenure also keeps what the seat *was* while it lasted — title, areas, principal and leadership
    flags — copied from the post when the tenure starts (``seat_of``). Editing the post later keeps the
    current tenure in step but never rewrites an ended one, so "who was principal, who was in charge of
    财务处 in 2023" stays true after the post is edited (precise accountability judges responsibility by
    the post held at the time; docs/DECISIONS.md). A null snapshot field means "not recorded" (a row
    written directly, e.g. by a fixture) and reads as the post: use the ``seat_*`` properties.
    """

    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="tenures")
    post = models.ForeignKey(Post, verbose_name=_("职务"), on_delete=models.PROTECT, related_name="tenures")
    start = models.DateField(_("任职日期"))
    end = models.DateField(_("离任日期"), null=True, blank=True)
    # null (not "") means "not recorded": the seat then reads as the post (see the docstring).
    title = models.CharField(_("任职时的职务名称"), max_length=100, null=True, blank=True)  # noqa: DJ001
    areas = models.CharField(_("任职时的分管领域"), max_length=500, null=True, blank=True)  # noqa: DJ001
    is_principal = models.BooleanField(_("任职时为主要负责人"), null=True, blank=True)
    is_leadership_member = models.BooleanField(_("任职时为领导班子成员"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("任职经历")
        verbose_name_plural = _("任职经历")
        ordering = ["post", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")), name="tenure_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.post.title} {self.start}–{self.end or '至今'}"

    def clean(self) -> None:
        if self.end is not None and self.end <= self.start:
            raise ValidationError({"end": gettext("离任日期必须晚于任职日期。")})

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    @property
    def is_current(self) -> bool:
        return self.end is None

    # The seat as it was during this tenure (the snapshot, or the post where none was recorded).
    @property
    def seat_title(self) -> str:
        return self.title if self.title is not None else self.post.title

    @property
    def seat_areas(self) -> str:
        return self.areas if self.areas is not None else self.post.areas

    @property
    def seat_area_list(self) -> list[str]:
        return split_areas(self.seat_areas)

    @property
    def seat_is_principal(self) -> bool:
        return self.is_principal if self.is_principal is not None else self.post.is_principal

    @property
    def seat_is_leadership_member(self) -> bool:
        return (self.is_leadership_member if self.is_leadership_member is not None
                else self.post.is_leadership_member)

    @property
    def last_day(self) -> dt.date | None:
        """The last day in post (``end`` is exclusive: the day the successor takes over)."""
        return self.end - dt.timedelta(days=1) if self.end is not None else None
