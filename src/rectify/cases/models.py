"""The typical-case library (典型案例库) and case-based training (培训).

A :class:`CaseDocument` is an article, circulated notice or Word file imported as it was published: title,
date, source, byline, editor, categories and clean paragraphs, with the figures it states (:class:`CaseFact`)
and, for training, a structured review (:class:`CaseReview`, 复盘). Two versions of the same document share
``identity_key`` (normalised title + date); ``content_hash`` (normalised title + body) tells an identical
re-import (a duplicate) from a changed version (an update).

Search: ``search_title``/``search_body`` hold jieba tokens separated by spaces; the database indexes them —
an FTS5 table kept by triggers on SQLite, a generated ``tsvector`` column with a GIN index on PostgreSQL
(migration 0002, DECISIONS 39).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.core.models import TimeStampedModel


class CaseCategory(models.Model):
    name = models.CharField(_("分类"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("案例分类")
        verbose_name_plural = _("案例分类")

    def __str__(self) -> str:
        return self.name


class FileFormat(models.TextChoices):
    SEED = "seed", _("网页转存文章")
    DOCX = "docx", _("Word 文档")
    PDF = "pdf", _("PDF 文档")
    HTML = "html", _("网页")
    TXT = "txt", _("文本文件")
    MANUAL = "manual", _("手工录入")


class CaseDocument(TimeStampedModel):
    title = models.CharField(_("标题"), max_length=300)
    original_title = models.CharField(_("原标题"), max_length=300, blank=True)
    date = models.DateField(_("日期"), null=True, blank=True, db_index=True)
    source = models.CharField(_("来源"), max_length=100, blank=True)
    author = models.CharField(_("作者"), max_length=200, blank=True)
    editor = models.CharField(_("责任编辑"), max_length=100, blank=True)
    region = models.CharField(_("地区"), max_length=40, blank=True, db_index=True)
    categories = models.ManyToManyField(CaseCategory, verbose_name=_("分类"), blank=True, related_name="documents")
    paragraphs = models.JSONField(_("正文"), default=list)
    file_name = models.CharField(_("文件名"), max_length=255, blank=True)
    file_format = models.CharField(_("格式"), max_length=10, choices=FileFormat.choices, default=FileFormat.TXT)
    identity_key = models.CharField(max_length=64, unique=True)
    content_hash = models.CharField(max_length=64, unique=True)
    search_title = models.TextField(default="", blank=True)
    search_body = models.TextField(default="", blank=True)
    round = models.ForeignKey("inspections.InspectionRound", verbose_name=_("巡视轮次"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="case_documents")
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("单位"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="case_documents")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("典型案例")
        verbose_name_plural = _("典型案例")

    def __str__(self) -> str:
        return self.title

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None


class CaseFact(models.Model):
    """A figure the document states: 624 个 (各类问题), 近 1400 人 (参训)."""

    document = models.ForeignKey(CaseDocument, on_delete=models.CASCADE, related_name="facts")
    position = models.PositiveIntegerField(default=0)
    value = models.DecimalField(_("数值"), max_digits=20, decimal_places=2)
    approx = models.CharField(_("约数标记"), max_length=4, blank=True)
    unit = models.CharField(_("单位"), max_length=10)
    what = models.CharField(_("计数对象"), max_length=60, blank=True)
    text = models.TextField(_("原句"))

    class Meta:
        ordering = ["document", "position"]
        verbose_name = _("数据")
        verbose_name_plural = _("数据")

    def __str__(self) -> str:
        return f"{self.approx}{self.value}{self.unit}{self.what}"


class Precision(models.TextChoices):
    PRECISE = "precise", _("精准")
    TOO_LAX = "too_lax", _("问责不严")
    TOO_HARSH = "too_harsh", _("问责泛化")
    MIXED = "mixed", _("有得有失")


class CaseReview(TimeStampedModel):
    """复盘: what happened, who was responsible in which role, the circumstance and forms chosen, the outcome,
    the lessons and what made it precise or not — the structure training replays."""

    document = models.OneToOneField(CaseDocument, on_delete=models.CASCADE, related_name="review")
    what_happened = models.TextField(_("基本案情"), blank=True)
    responsible = models.TextField(_("责任人员及其角色"), blank=True)
    responsibility_type = models.ForeignKey("accountability.ResponsibilityType", verbose_name=_("责任类型"), null=True,
                                            blank=True, on_delete=models.PROTECT, related_name="+")
    circumstance = models.ForeignKey("accountability.Circumstance", verbose_name=_("问责情形"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    forms = models.ManyToManyField("accountability.AccountabilityForm", verbose_name=_("问责方式"), blank=True,
                                   related_name="+")
    outcome = models.TextField(_("处理结果"), blank=True)
    lessons = models.TextField(_("经验教训"), blank=True)
    precision = models.CharField(_("精准性"), max_length=12, choices=Precision.choices, blank=True)
    precision_note = models.TextField(_("精准或失准之处"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("案例复盘")
        verbose_name_plural = _("案例复盘")

    def text(self) -> str:
        return "\n".join(x for x in (self.what_happened, self.responsible, self.outcome, self.lessons,
                                      self.precision_note) if x)


# =========================================================================== training (培训)


class Level(models.TextChoices):
    """The curriculum's four levels (课程设计分制度、实务、规范、评价四个层面)."""

    SYSTEM = "system", _("制度")
    PRACTICE = "practice", _("实务")
    NORMS = "norms", _("规范")
    EVALUATION = "evaluation", _("评价")


#: The six topics of the province's practical teaching (如何精准问责、组织调查、问题定性、区分责任、纪法尺度、激励谈心谈话).
DEFAULT_TOPICS = ("如何精准问责", "组织调查", "问题定性", "区分责任", "纪法尺度", "激励谈心谈话")


class Course(TimeStampedModel):
    title = models.CharField(_("课程名称"), max_length=200)
    description = models.TextField(_("课程说明"), blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("课程")
        verbose_name_plural = _("课程")

    def __str__(self) -> str:
        return self.title


class CourseItem(models.Model):
    """One line of the outline: a level, a topic, the rules it teaches and the cases it replays."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    level = models.CharField(_("层面"), max_length=12, choices=Level.choices)
    topic = models.CharField(_("专题"), max_length=100)
    rules = models.TextField(_("讲授的制度规定"), blank=True)
    documents = models.ManyToManyField(CaseDocument, verbose_name=_("案例"), blank=True, related_name="course_items")

    class Meta:
        ordering = ["course", "position", "id"]

    def __str__(self) -> str:
        return self.topic


class TrainingSession(TimeStampedModel):
    course = models.ForeignKey(Course, verbose_name=_("课程"), on_delete=models.PROTECT, related_name="sessions")
    title = models.CharField(_("培训班名称"), max_length=200)
    held_on = models.DateField(_("举办日期"))

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")

    def __str__(self) -> str:
        return self.title


class Venue(models.Model):
    """主会场 or a branch venue (分会场) in a prefecture."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="venues")
    name = models.CharField(_("会场"), max_length=100)
    region = models.CharField(_("州（市）"), max_length=40, blank=True)
    is_main = models.BooleanField(_("主会场"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["session", "-is_main", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "name"], name="cases_venue_unique_name")]

    def __str__(self) -> str:
        return self.name


class Attendance(models.Model):
    """One person on a venue's sign-in sheet (签到表)."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendance")
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="attendance")
    name = models.CharField(_("姓名"), max_length=50)
    unit_name = models.CharField(_("单位"), max_length=200, blank=True)
    title = models.CharField(_("职务"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)

    class Meta:
        ordering = ["venue", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "name", "unit_name"],
                                               name="cases_attendance_once_per_session")]

    def __str__(self) -> str:
        return self.name
