"""Supervision orders (督办单) and the letters of the escalation ladder: an order to one inspected unit about
named tasks with a response deadline, and the unit's answers.

Facts only: whether an order is escalated (unanswered past ``respond_by``) is computed when read
(``order_selectors.annotate_order_state``); ``answered_at`` is the first answer's time, kept on the order so the
lists filter without a join.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderKind(models.TextChoices):
    """The supervision order and the five letters of the escalation ladder (DOMAIN.md §1)."""

    ORDER = "order", _("督办单")
    NOTICE = "notice", _("提示函")
    GUIDANCE = "guidance", _("阶段指导函")
    REMINDER = "reminder", _("提醒函")
    ADMONITION = "admonition", _("告诫函")
    ACCOUNTABILITY_LETTER = "accountability_letter", _("问责建议函")


class OrderIssuer(models.TextChoices):
    INSPECTION_OFFICE = "inspection_office", _("巡视工作领导小组办公室")
    COMMISSION = "commission", _("纪委监委")


class SupervisionOrder(models.Model):
    """One order (or letter) to one inspected unit. Orders issued to several units at once share ``batch`` and
    the document number (文号 = kind's prefix, ``year``, ``seq``); the batch's first order is its head, and the
    number is unique among heads."""

    inspected_unit = models.ForeignKey("inspections.InspectedUnit", verbose_name=_("被巡视单位"),
                                       on_delete=models.PROTECT, related_name="supervision_orders")
    kind = models.CharField(_("类型"), max_length=30, choices=OrderKind.choices, default=OrderKind.ORDER)
    year = models.PositiveSmallIntegerField(_("年度"))
    seq = models.PositiveIntegerField(_("文号序号"))
    batch = models.UUIDField(_("批次"), db_index=True)
    batch_head = models.BooleanField(default=True)
    tasks = models.ManyToManyField("rectification.Task", verbose_name=_("督办任务"), blank=True, related_name="+")
    text = models.TextField(_("督办内容"))
    respond_by = models.DateField(_("回复期限"))
    issuer = models.CharField(_("发文机关"), max_length=30, choices=OrderIssuer.choices)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签发人"), on_delete=models.PROTECT,
                                  related_name="+")
    issued_by_name = models.CharField(_("签发人姓名"), max_length=150)
    issued_at = models.DateTimeField(_("签发时间"))
    issued_on = models.DateField(_("发文日期"))
    answered_at = models.DateTimeField(_("首次回复时间"), null=True, blank=True)
    # When the escalation (unanswered past respond_by) was passed on to the next level; claimed once.
    escalation_noticed_at = models.DateTimeField(_("逾期上报时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "seq"], condition=models.Q(batch_head=True),
                                    name="supervision_order_number_unique"),
            models.UniqueConstraint(fields=["batch", "inspected_unit"], name="supervision_order_one_per_unit_in_batch"),
        ]
        indexes = [models.Index(fields=["answered_at", "respond_by"])]  # unanswered orders by deadline

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """The document number as printed: 巡整督〔2026〕3号."""
        return f"{ORDER_NUMBER_PREFIX[self.kind]}〔{self.year}〕{self.seq}号"


ORDER_NUMBER_PREFIX = {
    OrderKind.ORDER: "巡整督", OrderKind.NOTICE: "巡整示", OrderKind.GUIDANCE: "巡整导",
    OrderKind.REMINDER: "巡整提", OrderKind.ADMONITION: "巡整诫", OrderKind.ACCOUNTABILITY_LETTER: "巡整问",
}


class OrderResponse(models.Model):
    """The addressed unit's answer: progress text and evidence files (stored as the tasks' evidence)."""

    order = models.ForeignKey(SupervisionOrder, verbose_name=_("督办单"), on_delete=models.CASCADE,
                              related_name="responses")
    text = models.TextField(_("回复内容"))
    evidence = models.ManyToManyField("rectification.Evidence", verbose_name=_("佐证材料"), blank=True,
                                      related_name="+")
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("回复人"), on_delete=models.PROTECT,
                                     related_name="+")
    responded_by_name = models.CharField(_("回复人姓名"), max_length=150)
    responded_at = models.DateTimeField(_("回复时间"))

    class Meta:
        verbose_name = _("督办回复")
        verbose_name_plural = _("督办回复")
        ordering = ["order", "responded_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]
