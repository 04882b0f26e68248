"""What was told to whom, and how.

* ``Alert`` — one event, recorded once under a key (a task reaching a stage of the ladder for its deadline in
  force, a close-out awaiting review, waiting too long, or returned). ``run`` is the notify run that stored it
  (``INSERT … ON CONFLICT DO NOTHING``: a key is stored by exactly one run, which alone posts it to robots).
* ``Notification`` — an alert in one user's inbox (``role`` says why that user receives it). ``delivered_at``
  is set by the run that claims it; ``email_digest`` is the day's e-mail that carried it.
* ``EmailDigest`` — at most one per user per day (unique), claimed by one run.
* ``Webhook`` / ``WebhookPost`` — a group robot (WeCom, DingTalk) of a round or a unit, and each post to it.
* ``Preference`` — a user's channels and who the user is in the org roster (so that a task's responsible
  person, leader in charge or principal reaches the user).
* ``LadderSettings`` — a round's escalation ladder beyond the round's own notice and yellow days.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertKind(models.TextChoices):
    NOTICE = "notice", _("到期提醒")
    YELLOW = "yellow", _("黄灯预警")
    RED = "red", _("红灯预警（已逾期）")
    ADMONITION = "admonition", _("告诫函")
    INTERVIEW = "interview", _("约谈建议")
    AWAITING_REVIEW = "awaiting_review", _("销号待审核")
    REVIEW_OVERDUE = "review_overdue", _("销号审核超时")
    RETURNED = "returned", _("销号申请被退回")


LADDER_KINDS = (AlertKind.NOTICE, AlertKind.YELLOW, AlertKind.RED, AlertKind.ADMONITION)


class RecipientRole(models.TextChoices):
    PERSON = "person", _("责任人")
    LEADER = "leader", _("责任领导")
    UNIT_LEAD = "unit_lead", _("单位整改牵头人")
    PRINCIPAL = "principal", _("单位主要负责人")
    SUBMITTER = "submitter", _("销号申请人")
    REVIEWER = "reviewer", _("销号审核人员")
    OFFICE = "office", _("巡视办")


class NotifyRun(models.Model):
    """One run of ``rectify notify``: what it raised and what it sent (filled in after the sends)."""

    day = models.DateField(_("日期"))
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    alerts = models.PositiveIntegerField(default=0)
    notifications = models.PositiveIntegerField(default=0)
    emails = models.PositiveIntegerField(default=0)
    email_failures = models.PositiveIntegerField(default=0)
    webhooks = models.PositiveIntegerField(default=0)
    webhook_failures = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("通知发送批次")
        verbose_name_plural = _("通知发送批次")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.day} #{self.pk}"


class Alert(models.Model):
    kind = models.CharField(_("类型"), max_length=20, choices=AlertKind.choices)
    key = models.CharField(max_length=100, unique=True)
    # Indexed by the composite indexes below (task, due date, kind) and (close-out, kind): a first run over a
    # province writes hundreds of thousands of rows, and every index is paid for on each of them.
    task = models.ForeignKey("rectification.Task", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                             db_index=False)
    close_out = models.ForeignKey("rectification.CloseOut", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="+", db_index=False)
    inspected_unit = models.ForeignKey("inspections.InspectedUnit", on_delete=models.CASCADE, related_name="+",
                                       db_index=False)
    day = models.DateField(_("日期"))
    due_date = models.DateField(_("完成时限"), null=True, blank=True)
    final_date = models.DateField(_("最后期限"), null=True, blank=True)
    subject = models.CharField(_("事项"), max_length=200)
    unit_name = models.CharField(_("单位"), max_length=100)
    detail = models.TextField(_("说明"), blank=True)
    waited = models.PositiveSmallIntegerField(_("已等待工作日"), null=True, blank=True)
    run = models.ForeignKey(NotifyRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("生成时间"))

    class Meta:
        verbose_name = _("通知事项")
        verbose_name_plural = _("通知事项")
        indexes = [models.Index(fields=["task", "due_date", "kind"]), models.Index(fields=["close_out", "kind"]),
                   models.Index(fields=["inspected_unit", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject}"


class EmailDigest(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("日期"))
    address = models.CharField(_("邮箱"), max_length=254)
    run = models.ForeignKey(NotifyRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    items = models.PositiveIntegerField(_("条数"), default=0)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    error = models.TextField(_("发送失败原因"), blank=True)

    class Meta:
        verbose_name = _("邮件摘要")
        verbose_name_plural = _("邮件摘要")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_email_digest_per_user_per_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"


class Notification(models.Model):
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="notifications", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    role = models.CharField(_("接收原因"), max_length=20, choices=RecipientRole.choices)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    email_digest = models.ForeignKey(EmailDigest, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="notifications")

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        constraints = [models.UniqueConstraint(fields=["alert", "user"], name="one_notification_per_alert_user")]
        # (alert, user) is unique, so alert lookups use that index; user lookups use (user, read_at).
        indexes = [models.Index(fields=["user", "read_at"]), models.Index(fields=["delivered_at"])]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.alert_id}"


class WebhookKind(models.TextChoices):
    WECOM = "wecom", _("企业微信群机器人")
    DINGTALK = "dingtalk", _("钉钉群机器人")


class Webhook(models.Model):
    """A group robot that receives one digest per run of what happened in its round or unit (subtree)."""

    kind = models.CharField(_("类型"), max_length=20, choices=WebhookKind.choices)
    url = models.URLField(_("地址"), max_length=500)
    round = models.ForeignKey("inspections.InspectionRound", verbose_name=_("轮次"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("单位"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="+")
    # DingTalk's "加签" (signing) secret, when the robot is set up that way; never shown again.
    secret = models.CharField(_("加签密钥"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("添加时间"))

    class Meta:
        verbose_name = _("群机器人")
        verbose_name_plural = _("群机器人")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.url}"


class WebhookPost(models.Model):
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="posts")
    run = models.ForeignKey(NotifyRun, on_delete=models.CASCADE, related_name="+")
    items = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["webhook", "run"], name="one_post_per_webhook_per_run")]

    def __str__(self) -> str:
        return f"{self.webhook_id} run {self.run_id}"


class Preference(models.Model):
    """A user's channels (the inbox always; e-mail by choice) and who the user is in the org roster."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE,
                                related_name="notification_preference")
    person = models.ForeignKey("orgs.Person", verbose_name=_("人员名单中的本人"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+",
                               help_text=_("任务的责任人、责任领导或主要负责人是此人时，通知发给本账号"))
    email = models.BooleanField(_("接收邮件摘要"), default=True)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")

    def __str__(self) -> str:
        return str(self.user_id)


def _default(name: str) -> int:
    return int(getattr(settings, name))


def default_admonition_days() -> int:
    return _default("RECTIFY_ADMONITION_DAYS")


def default_final_working_days() -> int:
    return _default("RECTIFY_ADMONITION_FINAL_WORKING_DAYS")


class LadderSettings(models.Model):
    """The escalation ladder of a round beyond the round's notice and yellow days (no row: the defaults). The
    reviewers' reminder is one setting for the whole system (``RECTIFY_REVIEW_WARNING_WORKING_DAYS``): the review
    queue shows the same warning."""

    round = models.OneToOneField("inspections.InspectionRound", primary_key=True, on_delete=models.CASCADE,
                                 related_name="ladder")
    admonition_days = models.PositiveSmallIntegerField(
        _("告诫天数"), default=default_admonition_days,
        help_text=_("逾期（红灯）后仍未整改完成、未申请销号满此天数，发告诫函并向巡视办提出约谈建议"))
    final_working_days = models.PositiveSmallIntegerField(
        _("告诫函限期（工作日）"), default=default_final_working_days,
        help_text=_("告诫函给出的最后期限：发函之日起若干个工作日（按国家法定节假日调休安排）"))

    class Meta:
        verbose_name = _("预警升级设置")
        verbose_name_plural = _("预警升级设置")

    def __str__(self) -> str:
        return str(self.round_id)
