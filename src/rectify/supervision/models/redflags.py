"""False-rectification red flags (虚假整改/敷衍整改线索): the flags themselves are computed when read
(``redflag_selectors``); what is stored are the facts a flag cannot be computed from cheaply — the dates an
evidence file's own metadata carries — and the supervisors' dismissals with their reasons."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RedFlagKind(models.TextChoices):
    EVIDENCE_REUSED = "evidence_reused", _("同一佐证材料用于不相关任务")
    CLOSED_WITHOUT_PROGRESS = "closed_without_progress", _("无整改进展即销号")
    LAST_MINUTE_CLOSE_OUTS = "last_minute_close_outs", _("临近时限集中申请销号")
    REAPPEARED_IN_LOOK_BACK = "reappeared_in_look_back", _("已销号问题在“回头看”中再次出现")
    EVIDENCE_PREDATES_FEEDBACK = "evidence_predates_feedback", _("佐证材料早于反馈日期形成")
    APPROVED_INSTANTLY = "approved_instantly", _("提交后同一分钟即审核通过")


class RedFlagDismissal(models.Model):
    """A supervisor judged a flag unfounded, with the reason; the flag is then listed as dismissed.

    ``key`` names the flag as the selector builds it (kind and the rows it stands on), so a flag raised
    again on other rows is a new flag, not covered by an old dismissal.
    """

    round = models.ForeignKey("inspections.InspectionRound", verbose_name=_("轮次"), on_delete=models.CASCADE,
                              related_name="+")
    kind = models.CharField(_("类型"), max_length=40, choices=RedFlagKind.choices)
    key = models.CharField(_("预警标识"), max_length=200)
    reason = models.TextField(_("排除理由"))
    dismissed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("排除人"), on_delete=models.PROTECT,
                                     related_name="+")
    dismissed_at = models.DateTimeField(_("排除时间"))

    class Meta:
        verbose_name = _("红旗预警排除记录")
        verbose_name_plural = _("红旗预警排除记录")
        constraints = [models.UniqueConstraint(fields=["round", "key"], name="one_dismissal_per_flag")]

    def __str__(self) -> str:
        return f"{self.round_id} {self.key}"


class EvidenceFileFacts(models.Model):
    """What an evidence file's own metadata says about when it was made (docx core properties ``created``,
    a PDF's ``/CreationDate``), read once per content: the file is stored under its SHA-256 and never
    changes, so the fact is kept by hash. ``created`` is null when the format carries no date."""

    sha256 = models.CharField("SHA-256", max_length=64, primary_key=True)
    created = models.DateTimeField(_("文件元数据中的创建时间"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=40, blank=True)
    read_at = models.DateTimeField(_("读取时间"))

    class Meta:
        verbose_name = _("佐证材料元数据")
        verbose_name_plural = _("佐证材料元数据")

    def __str__(self) -> str:
        return f"{self.sha256[:12]} {self.created}"
