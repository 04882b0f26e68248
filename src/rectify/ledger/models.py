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


class LedgerImport(models.Model):
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
    state = models.CharField(_("状态"), max_length=20, choices=ImportState.choices, default=ImportState.QUEUED)
    phase = models.CharField(_("阶段"), max_length=100, blank=True)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    result = models.JSONField(_("结果"), null=True, blank=True)
    committed = models.BooleanField(_("已写入"), default=False)
    failure = models.TextField(_("失败原因"), blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("台账导入")
        verbose_name_plural = _("台账导入")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} → {self.round_code}/{self.unit_code}"
