"""The specialist pool (问责业务人才库) and who is assigned to what.

A specialist is a person of the org data (their tenures are part of their employment history) with a region
(the prefecture they belong to), areas of expertise and availability. What the org data cannot know is
declared: relations to other people (spouse and kin, former superiors and subordinates) and past employment
with dates. The conflict-of-interest rules (``conflicts.py``) read all of it; a blocked assignment is made
only by force, with the recorded approval of another commission user and a reason (rule 11).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from rectify.core.models import TimeStampedModel
from rectify.orgs.models import split_areas

__all__ = ["Assignment", "AssignmentKind", "PastEmployment", "RelationKind", "Specialist", "SpecialistRelation"]


class Specialist(TimeStampedModel):
    person = models.OneToOneField("orgs.Person", verbose_name=_("人员"), on_delete=models.PROTECT,
                                  related_name="specialist")
    region = models.ForeignKey("orgs.OrgUnit", verbose_name=_("所属地区"), on_delete=models.PROTECT, related_name="+")
    expertise = models.CharField(_("业务专长"), max_length=200, help_text=_("用顿号分隔，如“问责调查、财务审计”"))
    is_available = models.BooleanField(_("可以抽调"), default=True)
    availability_note = models.CharField(_("可用情况说明"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("问责业务人才")
        verbose_name_plural = _("问责业务人才库")
        ordering = ["region", "id"]

    def __str__(self) -> str:
        return self.person.name

    @property
    def expertise_list(self) -> list[str]:
        return split_areas(self.expertise)


class RelationKind(models.TextChoices):
    """Declared relations the conflict rules read. Kin follow the civil-service avoidance scope."""

    SPOUSE = "spouse", _("配偶")
    LINEAL = "lineal", _("直系血亲")
    COLLATERAL = "collateral", _("三代以内旁系血亲")
    IN_LAW = "in_law", _("近姻亲")
    SUPERIOR = "superior", _("曾为其上级")
    SUBORDINATE = "subordinate", _("曾为其下级")


KIN = (RelationKind.SPOUSE, RelationKind.LINEAL, RelationKind.COLLATERAL, RelationKind.IN_LAW)
HIERARCHY = (RelationKind.SUPERIOR, RelationKind.SUBORDINATE)


class SpecialistRelation(models.Model):
    """Someone the specialist is related to. ``person`` when that person is in the org data, otherwise
    ``name`` and the ``unit`` they work in. A superior–subordinate relation has its dates."""

    specialist = models.ForeignKey(Specialist, on_delete=models.CASCADE, related_name="relations")
    kind = models.CharField(_("关系"), max_length=20, choices=RelationKind.choices)
    person = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("工作单位"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    start = models.DateField(_("起始日期"), null=True, blank=True)
    end = models.DateField(_("截止日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("申报的亲属和工作关系")
        verbose_name_plural = _("申报的亲属和工作关系")
        ordering = ["specialist", "id"]

    def __str__(self) -> str:
        return f"{self.specialist} {self.get_kind_display()} {self.name}"


class PastEmployment(models.Model):
    """Declared employment outside the org data's tenures (a staff post, a secondment), with dates."""

    specialist = models.ForeignKey(Specialist, on_delete=models.CASCADE, related_name="employments")
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("工作单位"), on_delete=models.PROTECT, related_name="+")
    position = models.CharField(_("岗位"), max_length=100, blank=True)
    start = models.DateField(_("起始日期"))
    end = models.DateField(_("截止日期"), null=True, blank=True, help_text=_("最后一天；空表示至今"))

    class Meta:
        verbose_name = _("申报的工作经历")
        verbose_name_plural = _("申报的工作经历")
        ordering = ["specialist", "start"]
        constraints = [models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                                              name="accountability_employment_end_after_start")]

    def __str__(self) -> str:
        return f"{self.specialist} {self.unit}"


class AssignmentKind(models.TextChoices):
    INVESTIGATION = "investigation", _("问责调查")
    JOINT_REVIEW = "joint_review", _("会审")
    SPECIAL_INSPECTION = "special_inspection", _("专项检查")


class Assignment(TimeStampedModel):
    """A specialist on an investigation or joint review of a case, or on a special inspection of a unit.

    Open until ``ended_on`` (a case's assignments end when it closes); open assignments are the workload.
    ``conflicts`` are the rules that blocked it when it was made; a forced one carries the approval.
    """

    specialist = models.ForeignKey(Specialist, on_delete=models.PROTECT, related_name="assignments")
    kind = models.CharField(_("任务类别"), max_length=30, choices=AssignmentKind.choices)
    case = models.ForeignKey("accountability.AccountabilityCase", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="assignments")
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("涉及单位"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("任务名称"), max_length=200)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_on = models.DateField(_("抽调日期"))
    forced = models.BooleanField(_("经批准回避例外"), default=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("批准人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    force_reason = models.TextField(_("批准理由"), blank=True)
    conflicts = models.JSONField(_("回避情形"), default=list, blank=True)
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("抽调")
        verbose_name_plural = _("抽调")
        ordering = ["-assigned_on", "-id"]
        indexes = [models.Index(fields=["specialist", "ended_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(forced=False) | (Q(approved_by__isnull=False) & ~Q(approved_by=F("assigned_by"))
                                             & ~Q(force_reason="")),
                name="accountability_forced_assignment_approved_by_another"),
            models.UniqueConstraint(fields=["specialist", "case", "kind"], condition=Q(ended_on__isnull=True),
                                    name="accountability_assigned_once_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.specialist} {self.get_kind_display()} {self.title}"
