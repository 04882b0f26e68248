"""Accountability files (问责案件): the case from its start to its closing, every step on the record.

A case moves through ``CaseState`` by conditional UPDATEs in ``case_services``; what each step records
lives in its own rows (subjects, statements, opinions, decisions, appeals) or on the case (approval,
investigation, collective discussion, closing), and every step adds a ``CaseEvent`` to the file's
timeline besides its audit event. Decisions are never edited: a correction (rule 23) writes a new
decision that replaces the old one, which is kept and marked corrected.

Responsibility types are the accountability regulations' three (``ResponsibilityTypeCode``); a CHECK
constraint keeps anything else — 直接责任 above all — out of subjects and decisions.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rectify.accountability.models import ResponsibilityTypeCode
from rectify.core.models import TimeStampedModel

__all__ = [
    "AccountabilityCase", "Appeal", "AppealResult", "ApproverCapacity", "CaseEvent", "CaseState", "CaseSubject",
    "CorrectionReason", "Decision", "DecisionFactor", "DecisionStatus", "Execution", "MemberAssessment", "Outcome",
    "ReviewOpinion", "Signature", "SourceKind", "Statement", "SubjectKind",
]


class CaseState(models.TextChoices):
    """The steps of the procedure (问责条例 arts. 9–23), in order."""

    PROPOSED = "proposed", _("拟立案")
    STARTED = "started", _("已立案")
    INVESTIGATING = "investigating", _("调查中")
    REVIEWING = "reviewing", _("会审")
    DISCUSSING = "discussing", _("待集体讨论")
    DECIDING = "deciding", _("作出决定")
    DECIDED = "decided", _("送达执行")
    CLOSED = "closed", _("已结案")


class SourceKind(models.TextChoices):
    """Where a case comes from. Problems and tasks are linked by key; supervision orders, interviews and red
    flags are named by ``source_reference`` until their own records exist (then a key can be added)."""

    PROBLEM = "problem", _("巡视巡察反馈问题")
    TASK = "task", _("整改任务")
    SUPERVISION_ORDER = "supervision_order", _("督办单")
    INTERVIEW = "interview", _("约谈")
    RED_FLAG = "red_flag", _("红灯预警")
    MANUAL = "manual", _("其他来源")


class ApproverCapacity(models.TextChoices):
    """Rule 14: who approved the start."""

    COMMISSION_HEAD = "commission_head", _("纪委监委主要负责人")
    COMMITTEE_PRINCIPAL = "committee_principal", _("同级党委主要负责人")


class AccountabilityCase(TimeStampedModel):
    number = models.CharField(_("案件编号"), max_length=30, unique=True)
    title = models.CharField(_("案件名称"), max_length=200)
    state = models.CharField(_("办理阶段"), max_length=20, choices=CaseState.choices, default=CaseState.PROPOSED)
    source_kind = models.CharField(_("案件来源"), max_length=30, choices=SourceKind.choices)
    problem = models.ForeignKey("inspections.Problem", verbose_name=_("问题"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    task = models.ForeignKey("rectification.Task", verbose_name=_("整改任务"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    source_reference = models.CharField(_("来源文书"), max_length=200, blank=True,
                                        help_text=_("如督办单、约谈记录或预警的编号"))
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("涉及单位"), on_delete=models.PROTECT, related_name="+")
    inspected_unit = models.ForeignKey("inspections.InspectedUnit", verbose_name=_("被巡视单位"), null=True,
                                       blank=True, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("问题发生起始"), null=True, blank=True)
    period_end = models.DateField(_("问题发生截止"), null=True, blank=True)
    circumstance = models.ForeignKey("accountability.Circumstance", verbose_name=_("问责情形"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField(_("案情摘要"), blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提出人"), on_delete=models.PROTECT,
                                  related_name="+")
    opened_on = models.DateField(_("提出日期"))
    # Rule 14: the start approved by the commission's head, or by the same-level committee's principal.
    approver_name = models.CharField(_("批准人"), max_length=50, blank=True)
    approver_capacity = models.CharField(_("批准人身份"), max_length=30, choices=ApproverCapacity.choices, blank=True)
    approved_on = models.DateField(_("批准日期"), null=True, blank=True)
    approval_document = models.CharField(_("批准文书"), max_length=200, blank=True)
    # Investigation (the group is the case's investigation assignments from the specialist pool).
    investigation_started_on = models.DateField(_("调查开始日期"), null=True, blank=True)
    investigation_findings = models.TextField(_("调查认定的事实"), blank=True)
    investigation_finished_on = models.DateField(_("调查结束日期"), null=True, blank=True)
    review_finished_on = models.DateField(_("会审日期"), null=True, blank=True)
    # Collective discussion (rule 20: every decision cites it).
    discussed_on = models.DateField(_("集体讨论日期"), null=True, blank=True)
    discussion_body = models.CharField(_("讨论机构"), max_length=100, blank=True, help_text=_("如“省纪委常委会会议”"))
    discussion_minutes = models.CharField(_("会议纪要"), max_length=200, blank=True)
    discussion_conclusion = models.TextField(_("讨论结论"), blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    closing_note = models.TextField(_("结案说明"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("问责案件")
        verbose_name_plural = _("问责案件")
        ordering = ["-opened_on", "-id"]
        indexes = [models.Index(fields=["state", "opened_on"]), models.Index(fields=["problem"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def period(self) -> tuple[dt.date, dt.date] | None:
        if self.period_start is None and self.period_end is None:
            return None
        start = self.period_start or self.period_end
        end = self.period_end or self.period_start
        assert start is not None and end is not None
        return (min(start, end), max(start, end))

    @property
    def is_closed(self) -> bool:
        return self.state == CaseState.CLOSED


class SubjectKind(models.TextChoices):
    PERSON = "person", _("党员领导干部")
    ORGANISATION = "organisation", _("党组织")


class Execution(models.TextChoices):
    """What the investigation found of the subject's execution of duties (三种情形须区分)."""

    IMPROPER = "improper", _("执行不当")
    WEAK = "weak", _("执行不力")
    NON_EXECUTION = "non_execution", _("不执行")


_TYPE_CHECK = Q(responsibility_type__in=ResponsibilityTypeCode.values)


class CaseSubject(TimeStampedModel):
    """A person or an organisation held to account in a case (问责对象) and its responsibility type.

    ``person``/``tenure``/``unit`` link the subject to the org data when it is there; a person who is not
    is an outside person (``is_outside``) and meets the 定责不准 check. ``suggested_type`` and
    ``suggestion_reason`` are what the responsibility assistant proposed; ``type_reason`` says why the
    chosen type differs from it (or why someone it did not propose is named).
    """

    case = models.ForeignKey(AccountabilityCase, on_delete=models.CASCADE, related_name="subjects")
    kind = models.CharField(_("对象类别"), max_length=20, choices=SubjectKind.choices, default=SubjectKind.PERSON)
    name = models.CharField(_("名称"), max_length=100)
    person = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    tenure = models.ForeignKey("orgs.Tenure", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("orgs.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    post_title = models.CharField(_("时任职务"), max_length=100, blank=True)
    is_outside = models.BooleanField(_("组织信息外人员"), default=False)
    responsibility_type = models.CharField(_("责任类型"), max_length=20, choices=ResponsibilityTypeCode.choices)
    suggested_type = models.CharField(_("建议责任类型"), max_length=20, blank=True,
                                      choices=ResponsibilityTypeCode.choices)
    suggestion_reason = models.TextField(_("建议理由"), blank=True)
    type_reason = models.TextField(_("认定理由"), blank=True)
    participation_record = models.TextField(_("参与决策或工作的记录"), blank=True,
                                            help_text=_("认定重要领导责任须有参与决策或工作的记录（规则16）"))
    execution = models.CharField(_("执行情况"), max_length=20, choices=Execution.choices, blank=True)
    finding = models.TextField(_("调查认定"), blank=True)
    proposed_form = models.ForeignKey("accountability.AccountabilityForm", verbose_name=_("调查组建议的问责方式"),
                                      null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("问责对象")
        verbose_name_plural = _("问责对象")
        ordering = ["case", "kind", "id"]
        constraints = [
            models.CheckConstraint(condition=_TYPE_CHECK, name="accountability_subject_type_of_the_regulations"),
            models.UniqueConstraint(fields=["case", "kind", "name"], name="accountability_subject_once_per_case"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_person(self) -> bool:
        return self.kind == SubjectKind.PERSON


class MemberAssessment(models.Model):
    """Rule 15: holding an organisation accountable assesses its responsible members. A member named as a
    subject of the case is pursued; one who is not needs this record — not pursued, and why."""

    subject = models.ForeignKey(CaseSubject, on_delete=models.CASCADE, related_name="member_assessments")
    name = models.CharField(_("班子成员"), max_length=100)
    person = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    post_title = models.CharField(_("时任职务"), max_length=100, blank=True)
    reason = models.TextField(_("不予追究的理由"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("班子成员责任评估")
        verbose_name_plural = _("班子成员责任评估")
        ordering = ["subject", "id"]
        constraints = [models.UniqueConstraint(fields=["subject", "name"], name="accountability_member_assessed_once")]

    def __str__(self) -> str:
        return f"{self.subject} {self.name}"


class Signature(models.TextChoices):
    AGREE = "agree", _("同意")
    DISAGREE = "disagree", _("不同意")
    REFUSED = "refused", _("拒绝签字")


class Statement(models.Model):
    """Rule 19: the facts shown to the subject, the statement and defence heard, and how the subject signed.
    A later statement (e.g. after the facts were supplemented) adds a row; the latest counts."""

    subject = models.ForeignKey(CaseSubject, on_delete=models.CASCADE, related_name="statements")
    facts_shown_on = models.DateField(_("告知事实日期"))
    statement = models.TextField(_("本人陈述"))
    defence = models.TextField(_("申辩意见"), blank=True)
    signature = models.CharField(_("签字意见"), max_length=20, choices=Signature.choices)
    signed_on = models.DateField(_("签字日期"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("陈述申辩")
        verbose_name_plural = _("陈述申辩")
        ordering = ["subject", "signed_on", "id"]

    def __str__(self) -> str:
        return f"{self.subject} {self.get_signature_display()}"


class ReviewOpinion(models.Model):
    """One member's opinion in the joint review (会审): every member assigned to it gives one."""

    case = models.ForeignKey(AccountabilityCase, on_delete=models.CASCADE, related_name="opinions")
    assignment = models.ForeignKey("accountability.Assignment", on_delete=models.PROTECT, related_name="opinions")
    opinion = models.TextField(_("会审意见"))
    given_on = models.DateField(_("提出日期"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("会审意见")
        verbose_name_plural = _("会审意见")
        ordering = ["case", "given_on", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "assignment"], name="accountability_one_opinion_each")]

    def __str__(self) -> str:
        return self.opinion[:40]


class Outcome(models.TextChoices):
    ACCOUNTABLE = "accountable", _("予以问责")
    EXEMPTED = "exempted", _("免予问责")
    NOT_ACCOUNTABLE = "not_accountable", _("不予问责")


class DecisionStatus(models.TextChoices):
    CURRENT = "current", _("有效")
    CORRECTED = "corrected", _("已纠正")


class CorrectionReason(models.TextChoices):
    """The six reasons a decision is corrected for (问责条例 art. 21), and no others (rule 23)."""

    FACTS_UNCLEAR = "facts_unclear", _("问责事实认定不清楚")
    EVIDENCE_UNSOUND = "evidence_unsound", _("证据不确凿")
    BASIS_INSUFFICIENT = "basis_insufficient", _("依据不充分")
    RESPONSIBILITY_UNCLEAR = "responsibility_unclear", _("责任不清晰")
    PROCEDURE_IRREGULAR = "procedure_irregular", _("程序不合规")
    HANDLING_IMPROPER = "handling_improper", _("处理不恰当")


class Decision(TimeStampedModel):
    """The decision on one subject: outcome, responsibility type, forms, basis, factors, the impact period
    computed per form when it was made (kept, whatever the catalogue says later), delivery.

    ``checks`` are the precision warnings shown when it was saved and ``override_reason`` why it was saved
    over them; ``assistant`` what the responsibility assistant had proposed and whether it was followed.
    """

    case = models.ForeignKey(AccountabilityCase, on_delete=models.CASCADE, related_name="decisions")
    subject = models.ForeignKey(CaseSubject, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(_("处理结果"), max_length=20, choices=Outcome.choices)
    responsibility_type = models.CharField(_("责任类型"), max_length=20, choices=ResponsibilityTypeCode.choices)
    circumstance = models.ForeignKey("accountability.Circumstance", verbose_name=_("问责情形"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    forms = models.ManyToManyField("accountability.AccountabilityForm", verbose_name=_("问责方式"), blank=True,
                                   related_name="+")
    basis = models.TextField(_("依据条款"))
    reasoning = models.TextField(_("事实和理由"), blank=True)
    decided_on = models.DateField(_("决定日期"))
    discussion_reference = models.CharField(_("集体讨论"), max_length=300)
    disciplinary_record = models.CharField(_("纪律处分记录"), max_length=200, blank=True,
                                           help_text=_("纪律处分按纪律处分程序另行办理，此处填写其决定文号或案件编号"))
    severity = models.PositiveSmallIntegerField(_("轻重等级"), default=0)
    no_promotion_until = models.DateField(_("不得提拔至"), null=True, blank=True)
    no_leading_post_until = models.DateField(_("不安排领导职务至"), null=True, blank=True)
    no_higher_post_until = models.DateField(_("不得担任高于原任职务层次的职务至"), null=True, blank=True)
    impact_ends_on = models.DateField(_("影响期届满"), null=True, blank=True)
    formalities_due = models.DateField(_("组织处理手续办理期限"), null=True, blank=True)
    publish = models.BooleanField(_("通报曝光"), default=False)
    public_summary = models.TextField(_("通报内容"), blank=True, help_text=_("对外通报的事实概要，不含涉密内容"))
    checks = models.JSONField(_("精准问责提示"), default=list, blank=True)
    override_reason = models.TextField(_("未采纳提示的理由"), blank=True)
    assistant = models.JSONField(_("定责助手建议"), default=dict, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    delivered_on = models.DateField(_("送达日期"), null=True, blank=True)
    delivery_note = models.CharField(_("送达方式"), max_length=200, blank=True)
    delivered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    status = models.CharField(_("状态"), max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.CURRENT)
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="replaced_by", verbose_name=_("纠正的原决定"))
    correction_reason = models.CharField(_("纠正理由"), max_length=30, choices=CorrectionReason.choices, blank=True)
    correction_note = models.TextField(_("纠正说明"), blank=True)
    corrected_on = models.DateField(_("纠正日期"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("问责决定")
        verbose_name_plural = _("问责决定")
        ordering = ["case", "subject", "decided_on", "id"]
        constraints = [
            models.CheckConstraint(condition=_TYPE_CHECK, name="accountability_decision_type_of_the_regulations"),
            models.UniqueConstraint(fields=["subject"], condition=Q(status="current"),
                                    name="accountability_one_current_decision_per_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.get_outcome_display()}"

    @property
    def is_current(self) -> bool:
        return self.status == DecisionStatus.CURRENT


class DecisionFactor(models.Model):
    """A condition the decision applied (art. 17–19 factor, or a fault-tolerance finding) with its evidence.
    ``claim`` keeps a fault-tolerance ground as written when it is none of the three distinctions."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="factors")
    factor = models.ForeignKey("accountability.Factor", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    fault_tolerance = models.ForeignKey("accountability.FaultTolerance", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    claim = models.CharField(_("主张的容错理由"), max_length=300, blank=True)
    evidence = models.TextField(_("证据"), blank=True)

    class Meta:
        verbose_name = _("从重从轻及免责情形认定")
        verbose_name_plural = _("从重从轻及免责情形认定")
        ordering = ["decision", "id"]

    def __str__(self) -> str:
        item = self.factor or self.fault_tolerance
        return item.name if item else self.claim


class AppealResult(models.TextChoices):
    PENDING = "pending", _("待复查")
    UPHELD = "upheld", _("维持原决定")
    CORRECTED = "corrected", _("予以纠正")


class Appeal(models.Model):
    """A subject's appeal (申诉) against a delivered decision: received within a calendar month of the
    delivery, answered within a calendar month of receipt; execution is not suspended (rule 21)."""

    case = models.ForeignKey(AccountabilityCase, on_delete=models.CASCADE, related_name="appeals")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="appeals")
    subject = models.ForeignKey(CaseSubject, on_delete=models.PROTECT, related_name="appeals")
    received_on = models.DateField(_("收到申诉日期"))
    grounds = models.TextField(_("申诉理由"), blank=True)
    answer_due = models.DateField(_("答复期限"))
    result = models.CharField(_("复查结果"), max_length=20, choices=AppealResult.choices, default=AppealResult.PENDING)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    answer = models.TextField(_("复查意见"), blank=True)
    correction = models.OneToOneField(Decision, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="from_appeal", verbose_name=_("纠正后的决定"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")
        ordering = ["case", "received_on", "id"]
        constraints = [models.UniqueConstraint(fields=["decision"], name="accountability_one_appeal_per_decision")]

    def __str__(self) -> str:
        return f"{self.subject} {self.received_on}"


class CaseEvent(models.Model):
    """One line of the file's timeline: what step, on which day (the day of the act, e.g. the approval's
    date), by whom, with the details the page shows (rendered in the reader's language)."""

    case = models.ForeignKey(AccountabilityCase, on_delete=models.CASCADE, related_name="events")
    subject = models.ForeignKey(CaseSubject, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=40)
    on = models.DateField()
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("案件记录")
        verbose_name_plural = _("案件记录")
        ordering = ["case", "on", "at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.on}"
