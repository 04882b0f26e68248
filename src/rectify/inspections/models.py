"""What the inspectors found: rounds, teams, inspected units, problems and clues."""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rectify.core.models import TimeStampedModel
from rectify.core.text import SORT_KEY_LENGTH, natural_sort_key

PROBLEM_NUMBER_MAX = 20  # a unit's own identifier: 3, （1）, P01, XS-2021-03, 一-2


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later, clamped to the month's end (1月31日 + 1 month = 2月28/29日)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def rectification_end(feedback_date: dt.date, rectification_months: int) -> dt.date:
    """Last day of the concentrated rectification period of a unit fed back on ``feedback_date``."""
    return add_months(feedback_date, rectification_months) - dt.timedelta(days=1)


class RoundKind(models.TextChoices):
    REGULAR = "regular", _("常规巡视")
    SPECIAL = "special", _("专项巡视")
    MOBILE = "mobile", _("机动巡视")
    LOOK_BACK = "look_back", _("巡视“回头看”")


class RoundLevel(models.TextChoices):
    CENTRAL = "central", _("中央巡视")
    PROVINCIAL = "provincial", _("省委巡视")
    CITY = "city", _("市委巡察")
    COUNTY = "county", _("县委巡察")


def _default_yellow_days() -> int:
    return settings.RECTIFY_YELLOW_DAYS_DEFAULT


def _default_notice_days() -> int:
    return settings.RECTIFY_NOTICE_DAYS_DEFAULT


def _default_rectification_months() -> int:
    return settings.RECTIFY_RECTIFICATION_MONTHS_DEFAULT


def _default_report_months() -> int:
    return settings.RECTIFY_REPORT_MONTHS_DEFAULT


class InspectionRound(TimeStampedModel):
    code = models.CharField(_("轮次编码"), max_length=40, unique=True)
    name = models.CharField(_("轮次名称"), max_length=200)
    kind = models.CharField(_("巡视类型"), max_length=20, choices=RoundKind.choices, default=RoundKind.REGULAR)
    level = models.CharField(_("层级"), max_length=20, choices=RoundLevel.choices, default=RoundLevel.PROVINCIAL)
    look_back_of = models.ForeignKey(
        "self", verbose_name=_("“回头看”对应轮次"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="look_backs",
    )
    start_date = models.DateField(_("进驻日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    # The round's warning policy (DOMAIN.md: yellow at 10 days left, a notice at 20, red when overdue).
    yellow_days = models.PositiveSmallIntegerField(
        _("黄灯预警天数"), default=_default_yellow_days, help_text=_("距完成时限不超过此天数时亮黄灯")
    )
    notice_days = models.PositiveSmallIntegerField(
        _("提醒天数"), default=_default_notice_days, help_text=_("距完成时限此天数时提醒责任人（仍为绿灯）")
    )
    rectification_months = models.PositiveSmallIntegerField(_("集中整改期（月）"), default=_default_rectification_months)
    report_months = models.PositiveSmallIntegerField(_("整改报告期限（月）"), default=_default_report_months)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("巡视轮次")
        verbose_name_plural = _("巡视轮次")
        ordering = ["-start_date", "code"]

    def __str__(self) -> str:
        return self.name


class InspectionTeam(TimeStampedModel):
    round = models.ForeignKey(InspectionRound, verbose_name=_("轮次"), on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("巡视组"), max_length=50)
    leader = models.ForeignKey("orgs.Person", verbose_name=_("组长"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="teams_led")
    members = models.ManyToManyField("orgs.Person", verbose_name=_("组员"), blank=True,
                                     related_name="team_memberships")

    class Meta:
        verbose_name = _("巡视组")
        verbose_name_plural = _("巡视组")
        ordering = ["round", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "name"], name="team_unique_name_in_round")]

    def __str__(self) -> str:
        return self.name


class InspectedUnit(TimeStampedModel):
    """One party organisation inspected in one round; it owns the rectification."""

    round = models.ForeignKey(
        InspectionRound, verbose_name=_("轮次"), on_delete=models.PROTECT, related_name="inspected_units"
    )
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("被巡视单位"), on_delete=models.PROTECT,
                             related_name="inspections")
    team = models.ForeignKey(InspectionTeam, verbose_name=_("巡视组"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="inspected_units")
    feedback_date = models.DateField(_("反馈日期"))
    version = models.PositiveIntegerField(default=1)
    # The unit's problems counted by kind, kept by the services that create problems in the same transaction
    # (``services.problems_counted``); ``rectify verify-rollups`` recounts them. Every dashboard reads them: a
    # count per unit from the problem index cost 56 ms of a province page at 10^6 tasks.
    fed_back_problems = models.PositiveIntegerField(_("反馈问题数"), default=0, editable=False)
    self_found_problems = models.PositiveIntegerField(_("自查问题数"), default=0, editable=False)

    class Meta:
        verbose_name = _("被巡视单位")
        verbose_name_plural = _("被巡视单位")
        ordering = ["round", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="inspected_unit_once_per_round")]

    def __str__(self) -> str:
        return f"{self.round} · {self.unit}"

    @property
    def rectification_end(self) -> dt.date:
        """Last day of the concentrated rectification period."""
        return rectification_end(self.feedback_date, self.round.rectification_months)

    @property
    def report_due(self) -> dt.date:
        return add_months(self.feedback_date, self.round.report_months)


class ProblemCategory(models.Model):
    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        verbose_name = _("问题类别")
        verbose_name_plural = _("问题类别")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ProblemKind(models.TextChoices):
    FEEDBACK = "feedback", _("反馈问题")
    SELF_FOUND = "self_found", _("自查问题")


# The inspected unit's column that counts its problems of each kind.
PROBLEM_COUNTS = {ProblemKind.FEEDBACK.value: "fed_back_problems", ProblemKind.SELF_FOUND.value: "self_found_problems"}


class Problem(TimeStampedModel):
    """A problem of the problem list: fed back by the inspection team, or found by the unit itself
    (举一反三/自查问题 — shown and counted apart, never in the completion rate of fed-back problems).

    ``number`` is the unit's own identifier as written; ``sort_key`` (from it, see
    ``natural_sort_key``) orders problems as a person expects — set it with ``set_number``.
    """

    inspected_unit = models.ForeignKey(
        InspectedUnit, verbose_name=_("被巡视单位"), on_delete=models.PROTECT, related_name="problems"
    )
    number = models.CharField(_("序号"), max_length=PROBLEM_NUMBER_MAX)
    sort_key = models.CharField(max_length=SORT_KEY_LENGTH, editable=False, default="")
    kind = models.CharField(_("问题来源"), max_length=20, choices=ProblemKind.choices, default=ProblemKind.FEEDBACK)
    category = models.ForeignKey(
        ProblemCategory, verbose_name=_("问题类别"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="problems", db_index=False,  # problem_category_unit_idx leads with the category
    )
    description = models.TextField(_("反馈问题"))
    detail = models.TextField(_("问题表现"), blank=True)
    cause = models.TextField(_("原因分析"), blank=True)
    occurred_from = models.DateField(_("问题发生起始"), null=True, blank=True)
    occurred_to = models.DateField(_("问题发生截止"), null=True, blank=True)
    is_common = models.BooleanField(_("共性问题"), default=False)
    repeats = models.ForeignKey(
        "self", verbose_name=_("重复出现的原问题"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="recurrences",
    )
    notes = models.TextField(_("备注"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题清单")
        ordering = ["inspected_unit", "sort_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["inspected_unit", "number"], name="problem_number_unique_in_unit")
        ]
        indexes = [models.Index(fields=["inspected_unit", "sort_key"]),
                   # A unit's ledger in its order (fed-back problems, then self-found ones): a page reads the first
                   # rows of this and stops, instead of joining and sorting every problem of the unit.
                   models.Index(fields=["inspected_unit", "kind", "sort_key", "id"], name="problem_ledger_order_idx"),
                   # Problems counted by category (and unit and kind) from the index alone: the dashboards' tables.
                   models.Index(fields=["category", "inspected_unit", "kind"], name="problem_category_unit_idx")]

    def __str__(self) -> str:
        return f"{self.number}. {self.description[:30]}"

    def set_number(self, number: str) -> None:
        """The identifier and the key it sorts by: every writer (services, bulk loaders) goes through here."""
        self.number = str(number).strip()
        self.sort_key = natural_sort_key(self.number)

    @property
    def is_self_found(self) -> bool:
        return self.kind == ProblemKind.SELF_FOUND

    def clean(self) -> None:
        if self.occurred_from and self.occurred_to and self.occurred_to < self.occurred_from:
            raise ValidationError({"occurred_to": gettext("问题发生截止日期不能早于起始日期。")})


class ProblemCount(models.Model):
    """An inspected unit's problems of one category (or of none) and kind, counted: what the dashboards' tables
    by category add up (counting the problems themselves read every problem of the province: 60 ms a page at
    10^6 tasks). Kept by ``services.problems_counted`` in the transaction of every service that creates problems
    or moves one to another category; ``rectify verify-rollups`` recounts them."""

    inspected_unit = models.ForeignKey(InspectedUnit, on_delete=models.CASCADE, related_name="problem_counts",
                                       db_index=False)  # the unique index leads with it
    category = models.ForeignKey(ProblemCategory, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="problem_counts")
    kind = models.CharField(max_length=20, choices=ProblemKind.choices)
    problems = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(models.F("inspected_unit"), Coalesce(models.F("category"), 0),
                                               models.F("kind"), name="problem_count_once")]

    def __str__(self) -> str:
        return f"{self.inspected_unit_id}/{self.category_id}/{self.kind}: {self.problems}"


class ClueDisposition(models.TextChoices):
    TALK_OR_INQUIRY = "talk_inquiry", _("谈话函询")
    PRELIMINARY_CHECK = "preliminary_check", _("初步核实")
    SHELVED = "shelved", _("暂存待查")
    CLOSED = "closed", _("予以了结")


class Clue(TimeStampedModel):
    """A 问题线索 about leading cadres: confidential, visible to commission roles only."""

    inspected_unit = models.ForeignKey(
        InspectedUnit, verbose_name=_("被巡视单位"), on_delete=models.PROTECT, related_name="clues"
    )
    problem = models.ForeignKey(
        Problem, verbose_name=_("相关问题"), null=True, blank=True, on_delete=models.SET_NULL, related_name="clues"
    )
    number = models.CharField(_("线索编号"), max_length=40, unique=True)
    summary = models.TextField(_("线索摘要"))
    registered_on = models.DateField(_("登记日期"), null=True, blank=True)
    handed_to = models.CharField(_("移交单位"), max_length=100, blank=True)
    handed_over_on = models.DateField(_("移交日期"), null=True, blank=True)
    disposition = models.CharField(_("处置方式"), max_length=30, choices=ClueDisposition.choices, blank=True)
    feedback_on = models.DateField(_("办理结果反馈日期"), null=True, blank=True)
    result = models.TextField(_("办理结果"), blank=True)
    # The recorded result closes the clue (e.g. 谈话函询 answered and 予以了结), as opposed to an interim result
    # (e.g. 初步核实 under way, 立案审查). While a problem has a clue not concluded, close-outs of its tasks are
    # not approved (issue 11 §6, scenario 10).
    concluded = models.BooleanField(_("已办结"), default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("问题线索")
        verbose_name_plural = _("问题线索")
        ordering = ["inspected_unit", "number"]

    def __str__(self) -> str:
        return self.number
