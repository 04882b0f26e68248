"""Look-back (回头看): the supervisor's decision on each proposed repeat, the notice to whoever approved the
close-out of a problem that came back, and the false-rectification assessment it prompts (rule 9).

The link itself is the problem's ``repeats`` field (inspections owns problems); these rows keep who decided
what, and when."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RepeatDecision(models.TextChoices):
    CONFIRMED = "confirmed", _("确认为重复问题")
    REJECTED = "rejected", _("不是重复问题")


class RepeatReview(models.Model):
    """A supervisor's decision on whether a look-back problem repeats an earlier round's problem."""

    problem = models.ForeignKey("inspections.Problem", verbose_name=_("“回头看”问题"), on_delete=models.CASCADE,
                                related_name="repeat_reviews")
    earlier = models.ForeignKey("inspections.Problem", verbose_name=_("原轮次问题"), on_delete=models.CASCADE,
                                related_name="+")
    decision = models.CharField(_("结论"), max_length=20, choices=RepeatDecision.choices)
    score = models.FloatField(_("相似度"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("确认时间"))

    class Meta:
        verbose_name = _("重复问题认定")
        verbose_name_plural = _("重复问题认定")
        ordering = ["problem", "-decided_at", "-id"]
        indexes = [models.Index(fields=["problem", "earlier"])]

    def __str__(self) -> str:
        return f"{self.problem_id}→{self.earlier_id} {self.decision}"


class RepeatNotice(models.Model):
    """A closed task was reopened because its problem came back: the reviewer who approved its close-out is
    told (recorded here; shown on their workbench until read)."""

    task = models.ForeignKey("rectification.Task", verbose_name=_("任务"), on_delete=models.CASCADE, related_name="+")
    review = models.ForeignKey(RepeatReview, verbose_name=_("重复问题认定"), on_delete=models.CASCADE,
                               related_name="notices")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("原审核人"), on_delete=models.PROTECT,
                                  related_name="+")
    text = models.TextField(_("内容"))
    created_at = models.DateTimeField(_("通知时间"))
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("问题反弹通知")
        verbose_name_plural = _("问题反弹通知")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.text[:30]}"


class AssessmentConclusion(models.TextChoices):
    FALSE = "false", _("虚假整改")
    PERFUNCTORY = "perfunctory", _("敷衍整改")
    INCOMPLETE = "incomplete", _("整改不彻底（非虚假）")
    NOT_FOUND = "not_found", _("未发现虚假或敷衍整改")


class FalseRectificationAssessment(models.Model):
    """Prompted when a confirmed repeat reopens closed tasks (rule 9): was the earlier rectification false
    or perfunctory? Open until a supervisor records a conclusion with its reason."""

    earlier = models.ForeignKey("inspections.Problem", verbose_name=_("原轮次问题"), on_delete=models.CASCADE,
                                related_name="false_rectification_assessments")
    review = models.OneToOneField(RepeatReview, verbose_name=_("重复问题认定"), on_delete=models.CASCADE,
                                  related_name="assessment")
    reopened_tasks = models.JSONField(_("重新打开的任务"), default=list)
    conclusion = models.CharField(_("评估结论"), max_length=20, choices=AssessmentConclusion.choices, blank=True)
    reason = models.TextField(_("评估意见"), blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评估人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(_("评估时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提示时间"))

    class Meta:
        verbose_name = _("虚假整改评估")
        verbose_name_plural = _("虚假整改评估")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.earlier_id} {self.conclusion or 'open'}"
