"""Interviews (约谈) and reminder talks (谈话提醒): one session may hold several units; its participants are
picked from each unit's current principal and the former principals and members in charge whose tenure
overlaps the periods of the problems discussed. A reminder talk is a first-form measure (第一种形态), not an
accountability form."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InterviewKind(models.TextChoices):
    INTERVIEW = "interview", _("约谈")
    REMINDER_TALK = "reminder_talk", _("谈话提醒")


class InterviewSession(models.Model):
    round = models.ForeignKey("inspections.InspectionRound", verbose_name=_("轮次"), on_delete=models.PROTECT,
                              related_name="+")
    kind = models.CharField(_("方式"), max_length=20, choices=InterviewKind.choices, default=InterviewKind.INTERVIEW)
    title = models.CharField(_("名称"), max_length=200)
    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    convened_by = models.CharField(_("约谈人"), max_length=200, blank=True,
                                   help_text=_("如：省委巡视工作领导小组组长"))
    minutes = models.TextField(_("谈话记录"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("约谈")
        verbose_name_plural = _("约谈")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class InterviewUnit(models.Model):
    """A unit summoned in a session, and the problems named to it."""

    session = models.ForeignKey(InterviewSession, verbose_name=_("约谈"), on_delete=models.CASCADE,
                                related_name="units")
    inspected_unit = models.ForeignKey("inspections.InspectedUnit", verbose_name=_("被约谈单位"),
                                       on_delete=models.PROTECT, related_name="+")
    problems = models.ManyToManyField("inspections.Problem", verbose_name=_("点明的问题"), blank=True,
                                      related_name="+")

    class Meta:
        verbose_name = _("被约谈单位")
        verbose_name_plural = _("被约谈单位")
        ordering = ["session", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "inspected_unit"],
                                               name="interview_unit_once_per_session")]

    def __str__(self) -> str:
        return f"{self.session_id} {self.inspected_unit_id}"


class InterviewParticipant(models.Model):
    """A person summoned: a current principal, or a former principal or member in charge during the problems.
    Name, post and overlap are kept as they were proposed, so the record reads the same after the roster
    changes."""

    unit = models.ForeignKey(InterviewUnit, verbose_name=_("被约谈单位"), on_delete=models.CASCADE,
                             related_name="participants")
    tenure = models.ForeignKey("orgs.Tenure", verbose_name=_("任职"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    post = models.CharField(_("职务"), max_length=100)
    current = models.BooleanField(_("现任"), default=True)
    overlap_days = models.PositiveIntegerField(_("与问题期间重叠天数"), default=0)
    problems = models.JSONField(_("涉及的问题"), default=list)
    attended = models.BooleanField(_("出席"), null=True, blank=True)
    absence_reason = models.CharField(_("缺席原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("约谈对象")
        verbose_name_plural = _("约谈对象")
        ordering = ["unit", "-current", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.post}"


class InterviewFollowUp(models.Model):
    """A follow-up task agreed in the session; the task itself is in the unit's ledger."""

    unit = models.ForeignKey(InterviewUnit, verbose_name=_("被约谈单位"), on_delete=models.CASCADE,
                             related_name="follow_ups")
    task = models.ForeignKey("rectification.Task", verbose_name=_("整改任务"), on_delete=models.PROTECT,
                             related_name="+")

    class Meta:
        verbose_name = _("约谈后续任务")
        verbose_name_plural = _("约谈后续任务")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.task_id}"
