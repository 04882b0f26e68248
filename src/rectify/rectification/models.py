"""The task and responsibility lists and their life: progress, evidence, close-out.

Task status is a stored state machine (it changes only through services). Everything
derived from it — warning colour, overdue, problem status, completion — is computed in SQL
by the selectors, never stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.core.models import TimeStampedModel


class DeadlineKind(models.TextChoices):
    IMMEDIATE = "immediate", _("立行立改")
    DEADLINE = "deadline", _("限期整改")
    LONG_TERM = "long_term", _("长期坚持")


class TaskStatus(models.TextChoices):
    PENDING = "pending", _("待整改")
    IN_PROGRESS = "in_progress", _("整改中")
    SUBMITTED = "submitted", _("申请销号")
    CLOSED = "closed", _("已销号")


# The open states, in the order the partial index below and the query that uses it both write them.
OPEN_STATUSES = (TaskStatus.PENDING.value, TaskStatus.IN_PROGRESS.value, TaskStatus.SUBMITTED.value)


class Task(TimeStampedModel):
    """One rectification measure for a problem (a row of the task list)."""

    problem = models.ForeignKey(
        "inspections.Problem", verbose_name=_("问题"), on_delete=models.PROTECT, related_name="tasks"
    )
    number = models.PositiveSmallIntegerField(_("措施序号"))
    measure = models.TextField(_("整改措施"))
    criterion = models.TextField(_("完成标准"))
    deadline_kind = models.CharField(_("整改类型"), max_length=20, choices=DeadlineKind.choices)
    due_date = models.DateField(_("完成时限"))
    original_due_date = models.DateField(_("原定完成时限"), help_text=_("调整时限后仍保留，用于超期统计"))
    status = models.CharField(_("状态"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.PENDING)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True, help_text=_("台账中无法对应到字段的列，原样保留"))
    # 长期坚持 (rule 2): the stage goals and how often the task is reviewed; empty for other kinds.
    milestones = models.TextField(_("阶段目标"), blank=True, help_text=_("长期坚持的任务须写明分阶段的目标"))
    review_months = models.PositiveSmallIntegerField(_("评估周期（月）"), null=True, blank=True,
                                                     help_text=_("长期坚持的任务每隔多少个月评估一次"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("整改任务")
        verbose_name_plural = _("任务清单")
        ordering = ["problem", "number"]
        constraints = [models.UniqueConstraint(fields=["problem", "number"], name="task_number_unique_in_problem")]
        indexes = [models.Index(fields=["problem", "status", "due_date"]),
                   # Open tasks in deadline order, closed ones left out: the workbench's urgent list reads the
                   # first rows of this and stops (selectors.attention_tasks_for), whatever the size of the province.
                   # It replaces an index on (status, due date), which SQLite preferred without statistics and then
                   # sorted every open task.
                   models.Index(fields=["due_date", "id"], name="task_open_due_idx",
                                condition=models.Q(status__in=OPEN_STATUSES))]

    def __str__(self) -> str:
        return f"{self.problem.number}.{self.number} {self.measure[:30]}"


class ResponsibilityKind(models.TextChoices):
    LEADER = "leader", _("责任领导")
    DEPARTMENT = "department", _("责任部门")
    PERSON = "person", _("责任人")


class Responsibility(models.Model):
    """One entry of the responsibility list: who answers for a task, and in which capacity.

    ``name`` is what the ledger says; ``person``/``tenure``/``department`` link it to the
    org records when known (the leader's tenure is the snapshot accountability relies on).
    """

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="responsibilities")
    kind = models.CharField(_("责任类型"), max_length=20, choices=ResponsibilityKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    person = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    tenure = models.ForeignKey("orgs.Tenure", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("orgs.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    is_lead = models.BooleanField(_("牵头"), default=True)

    class Meta:
        verbose_name = _("责任清单条目")
        verbose_name_plural = _("责任清单")
        ordering = ["task", "kind", "-is_lead", "id"]
        # "Does this task have an entry of this kind" (the plans' rule-1 gaps), probed per task or, where few
        # entries are of a kind, read by kind into a hash: without it PostgreSQL read all 2,000,000 entries for
        # the persons of a round at 10^6 tasks (round plans 170 -> 110 ms).
        indexes = [models.Index(fields=["kind", "task"], name="responsibility_kind_task_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.name}"


class ProgressEntry(models.Model):
    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="progress_entries")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+", help_text=_("为空表示由台账导入"))
    text = models.TextField(_("整改进展"))
    created_at = models.DateTimeField(_("填报时间"))

    class Meta:
        verbose_name = _("整改进展")
        verbose_name_plural = _("整改进展")
        ordering = ["task", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


def evidence_path(instance: Evidence, filename: str) -> str:
    # Stored under the hash, never the user's file name (which is kept in original_name).
    return f"evidence/{instance.sha256[:2]}/{instance.sha256}"


class Evidence(models.Model):
    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("类型"), max_length=100)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["task", "uploaded_at", "id"]
        # The red flag "evidence made before the feedback" asks, for each file of a round, when the same content
        # was first uploaded: one probe of this index instead of sorting every upload of that content (a file
        # shared by hundreds of tasks made the red-flag page run for minutes at 10^6 tasks).
        indexes = [models.Index(fields=["sha256", "uploaded_at"], name="evidence_first_upload")]

    def __str__(self) -> str:
        return self.original_name


class CloseOutState(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已销号")
    RETURNED = "returned", _("已退回")


class CloseOut(models.Model):
    """A close-out (销号) request and its review. Four eyes: the reviewer is never the submitter."""

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.PROTECT, related_name="close_outs")
    note = models.TextField(_("销号说明"), blank=True)
    no_evidence_reason = models.TextField(_("无佐证材料的原因"), blank=True)
    evidence = models.ManyToManyField(Evidence, verbose_name=_("提交时的佐证材料"), blank=True, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("申请时间"))
    state = models.CharField(_("审核状态"), max_length=20, choices=CloseOutState.choices, default=CloseOutState.PENDING)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)
    # Rule 6: the reviewer's answer to the "paper rectification" prompt (null: not asked, or reviewed by API).
    execution_proven = models.BooleanField(_("执行情况已证明"), null=True, blank=True)

    class Meta:
        verbose_name = _("销号申请")
        verbose_name_plural = _("销号申请")
        ordering = ["task", "submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"], condition=models.Q(state="pending"), name="one_pending_close_out_per_task"
            ),
            models.CheckConstraint(
                condition=~models.Q(reviewed_by=models.F("submitted_by")), name="close_out_four_eyes"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "submitted_at"]),  # the review queue, first come first reviewed
            # the workbench's latest returned close-outs: read newest first and stop at the eighth, instead of
            # sorting every returned close-out of the province (135 ms -> 1 ms at 10^6 tasks)
            models.Index(fields=["-reviewed_at"], condition=models.Q(state="returned"), name="close_out_returned_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task} {self.get_state_display()}"


class Reopening(models.Model):
    """A closed task opened again (e.g. a look-back finds the problem back). History is kept."""

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.PROTECT, related_name="reopenings")
    reason = models.TextField(_("重新打开原因"))
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT,
                                    related_name="+")
    reopened_at = models.DateTimeField(_("操作时间"))

    class Meta:
        verbose_name = _("重新打开记录")
        verbose_name_plural = _("重新打开记录")
        ordering = ["task", "reopened_at"]

    def __str__(self) -> str:
        return f"{self.task} {self.reason[:30]}"


# --- the rectification plan (整改方案) and its review ---------------------------------------------

class PlanState(models.TextChoices):
    DRAFT = "draft", _("编制中")
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已批准")
    RETURNED = "returned", _("已退回")


class RectificationPlan(TimeStampedModel):
    """An inspected unit's three lists submitted as its rectification plan, and the review's outcome.

    No row means the plan is still being drafted. Once approved, deadlines, deadline kinds and the
    fed-back text change only through an approved ``ChangeRequest``.
    """

    inspected_unit = models.OneToOneField("inspections.InspectedUnit", verbose_name=_("被巡视单位"),
                                          on_delete=models.PROTECT, related_name="plan")
    state = models.CharField(_("方案状态"), max_length=20, choices=PlanState.choices, default=PlanState.DRAFT)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("整改方案")
        verbose_name_plural = _("整改方案")

    def __str__(self) -> str:
        return f"{self.inspected_unit} {self.get_state_display()}"


class PlanAction(models.TextChoices):
    SUBMITTED = "submitted", _("报送审核")
    APPROVED = "approved", _("审核批准")
    RETURNED = "returned", _("退回修改")


class PlanEvent(models.Model):
    """One step of a plan's review history: submitted, returned (with the reason) or approved."""

    plan = models.ForeignKey(RectificationPlan, verbose_name=_("整改方案"), on_delete=models.CASCADE,
                             related_name="events")
    action = models.CharField(_("操作"), max_length=20, choices=PlanAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(_("操作人姓名"), max_length=150)
    at = models.DateTimeField(_("时间"))
    comment = models.TextField(_("意见"), blank=True)
    problems = models.PositiveIntegerField(_("问题数"), default=0)
    tasks = models.PositiveIntegerField(_("任务数"), default=0)

    class Meta:
        verbose_name = _("整改方案审核记录")
        verbose_name_plural = _("整改方案审核记录")
        ordering = ["plan", "at", "id"]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.get_action_display()}"


# --- change requests (变更申请): deadlines, deadline kinds and fed-back text after approval ---------

class ChangeRequestState(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("未批准")
    WITHDRAWN = "withdrawn", _("已撤回")


class ChangeRequestSource(models.TextChoices):
    PAGE = "page", _("网页")
    API = "api", _("接口")
    IMPORT = "import", _("台账导入")


def is_extension(changes: dict) -> bool:
    """A task change that moves the deadline later or converts the task to 长期坚持 is an extension (延期)."""
    due = changes.get("due_date") or {}
    if due.get("before") and due.get("after") and due["after"] > due["before"]:  # ISO dates order as strings
        return True
    return (changes.get("deadline_kind") or {}).get("after") == DeadlineKind.LONG_TERM


class ChangeRequest(models.Model):
    """A request to change what an approved plan fixed: a task's deadline or deadline kind (with a
    long-term task's stage goals and review cycle), or a problem's fed-back text.

    ``changes`` maps each field to ``{"before": stored value, "after": requested value}`` (dates as
    ISO strings). Approved by the inspection office or the commission, never by the requester.
    """

    problem = models.ForeignKey("inspections.Problem", verbose_name=_("问题"), on_delete=models.PROTECT,
                                related_name="change_requests")
    task = models.ForeignKey(Task, verbose_name=_("任务"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="change_requests", help_text=_("为空表示修改问题的反馈原文"))
    changes = models.JSONField(_("变更内容"))
    reason = models.TextField(_("变更理由"))
    source = models.CharField(_("提出方式"), max_length=20, choices=ChangeRequestSource.choices,
                              default=ChangeRequestSource.PAGE)
    state = models.CharField(_("审批状态"), max_length=20, choices=ChangeRequestState.choices,
                             default=ChangeRequestState.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     help_text=_("为空表示命令行操作员"))
    requested_by_name = models.CharField(_("申请人姓名"), max_length=150)
    requested_at = models.DateTimeField(_("申请时间"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_comment = models.TextField(_("审批意见"), blank=True)
    # What was asked, fixed when filed: a later deadline or a conversion to 长期坚持 (延期申请). A task's second
    # extension is approved by the commission only.
    is_extension = models.BooleanField(_("延期申请"), default=False)

    class Meta:
        verbose_name = _("变更申请")
        verbose_name_plural = _("变更申请")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["task"], condition=models.Q(state="pending", task__isnull=False),
                                    name="one_pending_change_request_per_task"),
            models.UniqueConstraint(fields=["problem"], condition=models.Q(state="pending", task__isnull=True),
                                    name="one_pending_text_change_per_problem"),
            models.CheckConstraint(condition=~models.Q(decided_by=models.F("requested_by")),
                                   name="change_request_four_eyes"),
        ]
        indexes = [models.Index(fields=["state", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.problem_id}/{self.task_id} {self.get_state_display()}"


# --- hand-over of responsibilities when a leader changes post (rule 10) --------------------------

class LeaderHandover(models.Model):
    """One task's responsible leader moved from a departing leadership member to a successor.

    The responsibility entry then names the successor; this row keeps who led the task before, so the
    former holder stays in the task's history and among the problem's leaders of the period.
    """

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.PROTECT, related_name="handovers")
    from_tenure = models.ForeignKey("orgs.Tenure", verbose_name=_("移交人任职"), on_delete=models.PROTECT,
                                    related_name="+")
    to_tenure = models.ForeignKey("orgs.Tenure", verbose_name=_("接收人任职"), on_delete=models.PROTECT,
                                  related_name="+")
    handed_over_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True,
                                       blank=True, on_delete=models.PROTECT, related_name="+")
    handed_over_by_name = models.CharField(_("操作人姓名"), max_length=150)
    handed_over_at = models.DateTimeField(_("移交时间"))
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("责任移交记录")
        verbose_name_plural = _("责任移交记录")
        ordering = ["task", "handed_over_at", "id"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.from_tenure_id}→{self.to_tenure_id}"


# --- the read model: facts that pages aggregate, kept with the rows they come from (see rollups.py) ----

class ProblemRollup(models.Model):
    """What a problem's tasks add up to, written in the same transaction as every change to them.

    Facts only (counts, dates): judgements about today — the warning colour, overdue — are computed when
    read from these dates. ``open_dues`` / ``open_original_dues`` ({"YYYY-MM-DD": tasks}) are the deadlines
    of the open tasks, kept so that the unit's date buckets can be adjusted by difference.
    """

    problem = models.OneToOneField("inspections.Problem", primary_key=True, on_delete=models.CASCADE,
                                   related_name="rollup")
    inspected_unit = models.ForeignKey("inspections.InspectedUnit", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)  # the problem's kind; it never changes (decision 16)
    # The problem's category, copied so that counts by category read this table alone (every service that changes
    # a problem's category refreshes its rollup in the same transaction; ``verify`` compares it).
    category = models.ForeignKey("inspections.ProblemCategory", null=True, on_delete=models.PROTECT,
                                 related_name="+", db_index=False)  # rollup_category_unit_idx leads with it
    tasks = models.PositiveIntegerField(default=0)
    pending = models.PositiveIntegerField(default=0)
    in_progress = models.PositiveIntegerField(default=0)
    submitted = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    extended = models.PositiveIntegerField(default=0)  # tasks whose deadline in force is not the original one
    # Closed tasks by the Beijing date they were closed ({"YYYY-MM-DD": tasks}; a closed task without a close-out
    # time is in ``closed`` only), and how many of them were closed by their original deadline (rule 3).
    closed_days = models.JSONField(default=dict)
    closed_on_time = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=20)  # TaskStatus value, from the counts
    completion = models.CharField(max_length=20)  # completed / basic / incomplete
    earliest_open_due = models.DateField(null=True)
    earliest_unsubmitted_due = models.DateField(null=True)  # of pending and in-progress tasks
    latest_progress_at = models.DateTimeField(null=True)
    open_dues = models.JSONField(default=dict)
    open_original_dues = models.JSONField(default=dict)
    changed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["inspected_unit", "kind", "status"]),
                   models.Index(fields=["inspected_unit", "earliest_open_due"]),
                   # Completed problems by category (the province's category table) and one category's problems by
                   # unit (a category page), each read from the index alone on PostgreSQL.
                   models.Index(fields=["completion", "kind", "category"], name="rollup_completion_category_idx"),
                   models.Index(fields=["category", "inspected_unit"], include=["kind", "completion",
                                                                               "earliest_open_due"],
                                name="rollup_category_unit_idx")]

    def __str__(self) -> str:
        return f"{self.problem_id}: {self.status}/{self.completion}"


class UnitRollup(models.Model):
    """An inspected unit's problems that have tasks, counted by status and completion (fed-back problems;
    self-found ones apart), and their tasks. Problems without a task are counted from the problem list."""

    inspected_unit = models.OneToOneField("inspections.InspectedUnit", primary_key=True, on_delete=models.CASCADE,
                                          related_name="rollup")
    problems = models.IntegerField(default=0)
    pending = models.IntegerField(default=0)
    in_progress = models.IntegerField(default=0)
    submitted = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    completed = models.IntegerField(default=0)
    basic = models.IntegerField(default=0)
    incomplete = models.IntegerField(default=0)
    tasks = models.IntegerField(default=0)
    tasks_closed = models.IntegerField(default=0)
    tasks_extended = models.IntegerField(default=0)
    tasks_closed_on_time = models.IntegerField(default=0)  # closed by their original deadline, Beijing date
    self_found = models.IntegerField(default=0)
    self_found_completed = models.IntegerField(default=0)
    # The unit's ``UnitDueCount`` rows of these measures summed over every day: a page then reads only the days
    # from today on (red and overdue are the total less those), not the unit's whole history of deadlines.
    problem_due_total = models.IntegerField(default=0)
    task_due_total = models.IntegerField(default=0)
    task_original_due_total = models.IntegerField(default=0)
    changed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.inspected_unit_id}: {self.problems} problems"


class DueMeasure(models.TextChoices):
    PROBLEM = "problem_due", "problem_due"  # fed-back problems by their earliest open deadline
    TASK = "task_due", "task_due"  # open tasks of fed-back problems by their deadline in force
    TASK_ORIGINAL = "task_original_due", "task_original_due"  # the same by their original deadline
    TASK_CLOSED = "task_closed", "task_closed"  # closed tasks of fed-back problems by the Beijing date closed
    # the same by the month closed (its first day): a burn-down over years reads a row per unit and month
    TASK_CLOSED_MONTH = "task_closed_month", "task_closed_month"


class UnitDueCount(models.Model):
    """How many open items of an inspected unit fall due on a day: today's red, yellow and overdue counts
    are sums over these few rows, whatever the size of the unit."""

    inspected_unit = models.ForeignKey("inspections.InspectedUnit", on_delete=models.CASCADE, related_name="+")
    measure = models.CharField(max_length=20, choices=DueMeasure.choices)
    day = models.DateField()
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["inspected_unit", "measure", "day"],
                                               name="one_due_count_per_unit_measure_day")]
        # Sums across every unit by day (the province's burn-down and ageing, the overdue list's count): an
        # index-only scan of one measure's days on PostgreSQL (the overdue list's count 68 -> 15 ms at 10^6).
        indexes = [models.Index(fields=["measure", "day"], include=["count", "inspected_unit"],
                                name="due_count_measure_day_idx")]

    def __str__(self) -> str:
        return f"{self.inspected_unit_id} {self.measure} {self.day}: {self.count}"
