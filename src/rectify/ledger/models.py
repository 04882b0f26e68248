"""A ledger import as a unit of background work: the uploaded file, its progress and its result."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class ImportState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "处理中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class LedgerImport(models.Model):
    """One upload. First a dry run (the diff); if the user confirms, a commit of the same file."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    round_code = models.CharField("轮次编码", max_length=40)
    unit_code = models.CharField("单位编码", max_length=40)
    unit_name = models.CharField("新建单位名称", max_length=100, blank=True)
    filename = models.CharField("文件名", max_length=255)
    file = models.FileField("文件", upload_to="imports/%Y/%m/", max_length=255)
    sha256 = models.CharField(max_length=64)
    password = models.CharField(max_length=200, blank=True, help_text="工作簿打开密码；处理完即清除")
    commit_requested = models.BooleanField("确认导入", default=False)
    state = models.CharField("状态", max_length=20, choices=ImportState.choices, default=ImportState.QUEUED)
    phase = models.CharField("阶段", max_length=100, blank=True)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    result = models.JSONField("结果", null=True, blank=True)
    committed = models.BooleanField("已写入", default=False)
    failure = models.TextField("失败原因", blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "台账导入"
        verbose_name_plural = "台账导入"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} → {self.round_code}/{self.unit_code}"
