"""Report cycles: a round's reporting policy and the reports units file.

Facts only: the policy a round sets and each report as filed (with the due date it answered). Which cycles are
due, which are missing and the colour a missed cycle gives a unit are computed when read (``cycles.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.core.models import TimeStampedModel


class Cadence(models.TextChoices):
    WEEKLY = "weekly", _("每周")
    BIWEEKLY = "biweekly", _("每两周")
    MONTHLY = "monthly", _("每月")


def _default_cadence() -> str:
    return settings.RECTIFY_REPORT_CADENCE_DEFAULT


def _default_grace() -> int:
    return settings.RECTIFY_REPORT_GRACE_WORKDAYS_DEFAULT


class ReportPolicy(TimeStampedModel):
    """How often the units of a round report progress during the concentrated period, and how lenient the
    office is. A round without a row uses the defaults (settings ``RECTIFY_REPORT_CADENCE``,
    ``RECTIFY_REPORT_GRACE_WORKDAYS``); the rectification report's period is the round's ``report_months``."""

    round = models.OneToOneField("inspections.InspectionRound", verbose_name=_("轮次"), on_delete=models.CASCADE,
                                 related_name="report_policy")
    cadence = models.CharField(_("进展报告频次"), max_length=20, choices=Cadence.choices, default=_default_cadence)
    weekly_first_month = models.BooleanField(_("反馈后第一个月每周报告"), default=False)
    grace_workdays = models.PositiveSmallIntegerField(
        _("宽限工作日"), default=_default_grace, help_text=_("逾期未报先亮黄灯，超过宽限工作日仍未报亮红灯"))
    shift_to_workday = models.BooleanField(
        _("截止日遇节假日顺延"), default=True, help_text=_("截止日为节假日或周末时顺延至下一个工作日（含调休）"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("报告周期设置")
        verbose_name_plural = _("报告周期设置")

    def __str__(self) -> str:
        return f"{self.round_id} {self.get_cadence_display()}"


class ReportKind(models.TextChoices):
    PROGRESS = "progress", _("整改进展报告")
    RECTIFICATION = "rectification", _("整改情况报告")


class UnitReport(models.Model):
    """A report an inspected unit filed: one per cycle (``cycle`` 1, 2, …) for progress reports, cycle 0 for the
    rectification report due ``report_months`` after the feedback. ``due_date`` is the deadline it answered."""

    inspected_unit = models.ForeignKey("inspections.InspectedUnit", verbose_name=_("被巡视单位"),
                                       on_delete=models.PROTECT, related_name="unit_reports")
    kind = models.CharField(_("报告类型"), max_length=20, choices=ReportKind.choices)
    cycle = models.PositiveSmallIntegerField(_("周期"))
    period_start = models.DateField(_("报告期起"))
    period_end = models.DateField(_("报告期止"))
    due_date = models.DateField(_("报送期限"))
    moved = models.TextField(_("本期进展"), help_text=_("自上次报告以来的进展"))
    late = models.TextField(_("逾期事项及原因"), blank=True)
    next_steps = models.TextField(_("下一步措施"), blank=True)
    figures = models.JSONField(_("报送时的数字"), default=dict)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报送人"), on_delete=models.PROTECT,
                                 related_name="+")
    filed_at = models.DateTimeField(_("报送时间"))

    class Meta:
        verbose_name = _("单位报告")
        verbose_name_plural = _("单位报告")
        ordering = ["inspected_unit", "kind", "cycle"]
        constraints = [models.UniqueConstraint(fields=["inspected_unit", "kind", "cycle"],
                                               name="one_report_per_unit_kind_cycle")]

    def __str__(self) -> str:
        return f"{self.inspected_unit_id} {self.kind} {self.cycle}"
