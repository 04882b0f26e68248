"""A ledger import as a unit of background work: the uploaded file, its progress and its result."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("处理中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class LeasedJob(models.Model):
    """What every background job of this app keeps: its state and progress for the page that follows it, why
    it failed, and the worker's claim (DECISIONS 26: a lease renewed while the job reports progress; a claim
    whose lease ran out belongs to a worker that died, and the job is queued again or, after
    RECTIFY_JOB_MAX_ATTEMPTS claims, failed; on a queued job the lease is when to check that a task is still
    queued for it; ``attempts`` counts claims and tells the current claim from an expired one)."""

    state = models.CharField(_("状态"), max_length=20, choices=ImportState.choices, default=ImportState.QUEUED)
    phase = models.CharField(_("阶段"), max_length=100, blank=True)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    failure = models.TextField(_("失败原因"), blank=True)
    failure_code = models.CharField(_("失败代码"), max_length=40, blank=True)  # ledger_file, not_found, worker_lost…
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    language = models.CharField(_("界面语言"), max_length=10, blank=True)  # of whoever queued the last step
    claimed_at = models.DateTimeField(_("开始处理时间"), null=True, blank=True)
    lease_until = models.DateTimeField(_("租约到期"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("处理次数"), default=0)

    class Meta:
        abstract = True


class LedgerImport(LeasedJob):
    """One upload. First a dry run (the diff); if the user confirms, a commit of the same file."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    round_code = models.CharField(_("轮次编码"), max_length=40)
    unit_code = models.CharField(_("单位编码"), max_length=40)
    unit_name = models.CharField(_("新建单位名称"), max_length=100, blank=True)
    filename = models.CharField(_("文件名"), max_length=255)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/", max_length=255)
    sha256 = models.CharField(max_length=64)
    commit_requested = models.BooleanField(_("确认导入"), default=False)
    result = models.JSONField(_("结果"), null=True, blank=True)
    committed = models.BooleanField(_("已写入"), default=False)

    class Meta:
        verbose_name = _("台账导入")
        verbose_name_plural = _("台账导入")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "lease_until"], name="ledger_import_lease_idx")]

    def __str__(self) -> str:
        return f"{self.filename} → {self.round_code}/{self.unit_code}"


class LedgerExport(LeasedJob):
    """An export of a unit's or a round's ledger, written by the background worker (a round of 10^5 tasks takes
    longer than a request should); the page and the API poll it and download the file when it is done."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("导出人"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    round_code = models.CharField(_("轮次编码"), max_length=40)
    unit_code = models.CharField(_("单位编码"), max_length=40, blank=True)
    file = models.FileField(_("文件"), upload_to="exports/%Y/%m/", max_length=255, blank=True)
    filename = models.CharField(_("文件名"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("台账导出")
        verbose_name_plural = _("台账导出")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "lease_until"], name="ledger_export_lease_idx")]

    def __str__(self) -> str:
        return f"{self.round_code}/{self.unit_code or '*'} {self.state}"
