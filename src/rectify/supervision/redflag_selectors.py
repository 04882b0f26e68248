"""False-rectification red flags (虚假整改/敷衍整改线索), computed when read from the records of one round.

Supervisors only (the commission and the inspection office, ``User.sees_red_flags``): anyone else gets 403 —
a unit never learns that a flag exists. Each flag says why it was raised and lists the rows behind it. Six
kinds, one query each whatever the size of the round (five for reused evidence — the round's contents, then per
2,000 of them four — and six when the API lists every task; plus the round, its units and the dismissals):

1. ``evidence_reused`` — the same file (SHA-256) is evidence for tasks of different units, or of the same
   unit in different rounds (a look-back "proved" with the earlier round's papers). Within one unit and
   round a document may serve several measures (one meeting's minutes), so that is not flagged.
2. ``closed_without_progress`` — a closed task with no progress entry at all.
3. ``last_minute_close_outs`` — a unit submitted at least ``RECTIFY_RED_FLAG_LAST_MINUTE_COUNT`` close-outs,
   and at least ``RECTIFY_RED_FLAG_LAST_MINUTE_SHARE`` % of its close-outs, in the last
   ``RECTIFY_RED_FLAG_LAST_MINUTE_DAYS`` days before the task's deadline or the end of the concentrated period.
4. ``reappeared_in_look_back`` — a problem with closed tasks came back in a look-back (a confirmed repeat:
   ``Problem.repeats``); listed under the look-back round and under the earlier round.
5. ``evidence_predates_feedback`` — evidence made before the unit's feedback date: by the date in the file's
   own metadata where its format carries one (``EvidenceFileFacts``), else by upload order (the same content
   was first uploaded before the feedback).
6. ``approved_instantly`` — a close-out approved within the same minute it was submitted.

A flag is keyed by its kind and the rows it stands on (``RedFlag.key``); a recorded dismissal with that key
marks it dismissed (``state`` "open" hides those, "dismissed" shows only those, "all" both).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rectify.accounts.models import User
from rectify.core import clock
from rectify.core.errors import DomainError, PermissionDenied
from rectify.inspections import selectors as inspection_selectors
from rectify.inspections.models import InspectedUnit, InspectionRound, Problem
from rectify.rectification.models import CloseOut, CloseOutState, Evidence, ProgressEntry, Task, TaskStatus
from rectify.supervision.models import EvidenceFileFacts, RedFlagDismissal, RedFlagKind

STATES = ("open", "dismissed", "all")


@dataclass
class RedFlag:
    kind: str
    key: str
    task: int
    unit: str
    unit_name: str
    reason: str
    tasks: list[int] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    task_count: int = 0  # every task the flag stands on, when ``tasks`` lists only the first of them
    row_count: int = 0  # every row behind the flag, when ``rows`` holds only the first ``ROWS_SHOWN``
    dismissal: RedFlagDismissal | None = None

    def __post_init__(self) -> None:
        self.task_count = max(self.task_count, len(self.tasks))
        self.row_count = max(self.row_count, len(self.rows))

    @property
    def tasks_not_listed(self) -> int:
        return self.task_count - len(self.tasks)

    @property
    def rows_not_listed(self) -> int:
        return self.row_count - len(self.rows)

    @property
    def kind_label(self) -> str:
        return str(RedFlagKind(self.kind).label)

    @property
    def dismissed(self) -> bool:
        return self.dismissal is not None

    @property
    def display_rows(self) -> list[list[tuple[str, Any]]]:
        return [row_pairs(r) for r in self.rows]


ROW_LABELS = {
    "evidence": gettext_lazy("材料"), "task": gettext_lazy("任务"), "name": gettext_lazy("文件名"), "round": gettext_lazy("轮次"),
    "unit": gettext_lazy("单位编码"), "unit_name": gettext_lazy("单位"), "problem": gettext_lazy("问题序号"), "task_number": gettext_lazy("措施序号"),
    "uploaded_at": gettext_lazy("上传时间"), "closed_at": gettext_lazy("销号时间"), "progress_entries": gettext_lazy("进展记录数"),
    "close_out": gettext_lazy("销号申请"), "submitted_at": gettext_lazy("申请时间"), "deadline": gettext_lazy("时限"),
    "deadline_kind": gettext_lazy("时限类型"), "status": gettext_lazy("状态"), "recurrence": gettext_lazy("“回头看”问题"),
    "made": gettext_lazy("形成时间"), "source": gettext_lazy("依据"), "feedback_date": gettext_lazy("反馈日期"),
    "reviewed_at": gettext_lazy("审核时间"), "reviewer": gettext_lazy("审核人"),
}
VALUE_LABELS = {
    "metadata": gettext_lazy("文件元数据"), "upload_order": gettext_lazy("上传先后"), "period_end": gettext_lazy("集中整改期结束"),
    "due": gettext_lazy("完成时限"), "closed": gettext_lazy("已销号"), "in_progress": gettext_lazy("整改中"),
}


def row_pairs(row: dict[str, Any]) -> list[tuple[str, Any]]:
    """A flag's row as (label, value) pairs for a page (ids of the unit and task are shown as links elsewhere)."""
    return [(str(ROW_LABELS.get(k, k)), VALUE_LABELS.get(v, v) if isinstance(v, str) else v)
            for k, v in row.items() if k not in ("unit", "evidence", "close_out")]


def require_supervisor(user: User) -> None:
    if not user.sees_red_flags:
        raise PermissionDenied(_("红旗预警仅纪委监委和巡视办监督人员可以查看。"), code="supervisors_only")


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.astimezone(clock.SHANGHAI) if moment is not None else None


def _fmt(moment: dt.datetime | None) -> str:
    local = _local(moment)
    return local.strftime("%Y-%m-%d %H:%M") if local else ""


UNIT = "task__problem__inspected_unit__unit__"


ROWS_SHOWN = 20  # rows (and tasks) of one flag a page lists; the count says how many there are in all
PLACES_NAMED = 10  # units a reason names before it says 等
SHA_CHUNK = 2000  # contents per query: keeps the IN list within every database's parameter limit


def evidence_contents_of_round(rnd: InspectionRound) -> list[str]:
    """The distinct contents (SHA-256) of the round's evidence, sorted: one query, through the round's tasks."""
    return list(Evidence.objects.filter(task__problem__inspected_unit__round=rnd).order_by("sha256")
                .values_list("sha256", flat=True).distinct())


def _evidence_reused(rnd: InspectionRound, *, every_task: bool, contents: list[str]) -> list[RedFlag]:
    """Evidence of this round (its ``contents``) whose content is also evidence of another unit's or round's
    task. Per chunk of contents: one aggregate, the first row of this round and the first ``ROWS_SHOWN`` rows
    of each (a window numbers them), and — for the API, which lists every task — the tasks. One file shared by
    half the database costs a few counting queries, not half the database in memory. (The contents are given
    as values: selected by a subquery, PostgreSQL expected a hundred times the rows and hashed the whole task
    and problem tables, 370 ms at 10^6 tasks.)"""
    spread = []
    for start in range(0, len(contents), SHA_CHUNK):
        spread += list(Evidence.objects.filter(sha256__in=contents[start:start + SHA_CHUNK]).values("sha256")
                       .annotate(places=Count("task__problem__inspected_unit", distinct=True),
                                 task_count=Count("task", distinct=True), row_count=Count("id"))
                       .filter(places__gte=2).values_list("sha256", "places", "task_count", "row_count")
                       .order_by("sha256"))
    fields = ("id", "sha256", "task_id", "original_name", "uploaded_at", "task__number", "task__problem__number",
              "task__problem__inspected_unit__round_id", "task__problem__inspected_unit__round__code",
              f"{UNIT}code", f"{UNIT}name")

    def numbered() -> Window:
        return Window(RowNumber(), partition_by=[F("sha256")], order_by=[F("uploaded_at").asc(), F("id").asc()])

    flags = []
    for start in range(0, len(spread), SHA_CHUNK):
        chunk = spread[start:start + SHA_CHUNK]
        shas = [sha for sha, *_counts in chunk]
        first_own = {r["sha256"]: r for r in Evidence.objects.filter(sha256__in=shas,
                                                                    task__problem__inspected_unit__round=rnd)
                     .annotate(n=numbered()).filter(n=1).values(*fields)}
        shown: dict[str, list[dict[str, Any]]] = defaultdict(list)
        # numbered on the evidence table alone (its (sha256, uploaded_at) index), then the few rows joined
        first_ids = (Evidence.objects.filter(sha256__in=shas).order_by().annotate(n=numbered()).filter(n__lte=ROWS_SHOWN)
                     .values_list("id", flat=True))
        for r in (Evidence.objects.filter(pk__in=list(first_ids)).values(*fields)
                  .order_by("sha256", "uploaded_at", "id")):
            shown[r["sha256"]].append(r)
        all_tasks: dict[str, dict[int, None]] = defaultdict(dict)
        if every_task:  # every task, in upload order
            for sha, task_id in (Evidence.objects.filter(sha256__in=shas).values_list("sha256", "task_id")
                                 .order_by("sha256", "uploaded_at", "id")):
                all_tasks[sha].setdefault(task_id)
        for sha, places, task_count, row_count in chunk:
            first, group = first_own[sha], shown[sha]
            if all(r["id"] != first["id"] for r in group):  # this round's own row is always among those listed
                group = [*group[:ROWS_SHOWN - 1], first]
            tasks = list(all_tasks[sha]) if every_task else list(dict.fromkeys(r["task_id"] for r in group))
            # 等 when some unit or round goes unnamed: not among the listed rows, or past the first ten names
            names = list(dict.fromkeys(r[f"{UNIT}name"] for r in group))
            listed = {(r[f"{UNIT}code"], r["task__problem__inspected_unit__round_id"]) for r in group}
            more = places > len(listed) or len(names) > PLACES_NAMED
            where = "、".join(names[:PLACES_NAMED]) + (_("等") if more else "")
            reason = _("同一文件“%(name)s”（SHA-256 %(sha)s…）作为 %(tasks)d 项任务的佐证材料，涉及 %(units)d 个单位"
                       "或轮次：%(where)s。") % {
                "name": first["original_name"], "sha": sha[:12], "tasks": task_count, "units": places, "where": where}
            flags.append(RedFlag(
                kind=RedFlagKind.EVIDENCE_REUSED, key=f"{RedFlagKind.EVIDENCE_REUSED}:{sha}", task=first["task_id"],
                unit=first[f"{UNIT}code"], unit_name=first[f"{UNIT}name"], reason=reason, tasks=tasks,
                task_count=task_count, row_count=row_count,
                rows=[{"evidence": r["id"], "task": r["task_id"], "name": r["original_name"],
                       "round": r["task__problem__inspected_unit__round__code"], "unit": r[f"{UNIT}code"],
                       "unit_name": r[f"{UNIT}name"], "problem": r["task__problem__number"],
                       "task_number": r["task__number"], "uploaded_at": _fmt(r["uploaded_at"])} for r in group]))
    return flags


def _closed_without_progress(rnd: InspectionRound) -> list[RedFlag]:
    rows = (Task.objects.filter(problem__inspected_unit__round=rnd, status=TaskStatus.CLOSED)
            .filter(~Exists(ProgressEntry.objects.filter(task=OuterRef("pk"))))
            .values("id", "number", "closed_at", "problem__number", "problem__inspected_unit__unit__code",
                    "problem__inspected_unit__unit__name")
            .order_by("problem__inspected_unit__unit__path", "problem__sort_key", "number"))
    return [RedFlag(
        kind=RedFlagKind.CLOSED_WITHOUT_PROGRESS, key=f"{RedFlagKind.CLOSED_WITHOUT_PROGRESS}:{r['id']}",
        task=r["id"], tasks=[r["id"]], unit=r["problem__inspected_unit__unit__code"],
        unit_name=r["problem__inspected_unit__unit__name"],
        reason=_("问题 %(problem)s 的第 %(task)d 项任务已于 %(closed)s 销号，但没有任何整改进展记录。") % {
            "problem": r["problem__number"], "task": r["number"], "closed": _fmt(r["closed_at"])},
        rows=[{"task": r["id"], "problem": r["problem__number"], "task_number": r["number"],
               "closed_at": _fmt(r["closed_at"]), "progress_entries": 0}]) for r in rows]


def _last_minute_close_outs(rnd: InspectionRound, units: dict[int, InspectedUnit]) -> list[RedFlag]:
    days = settings.RECTIFY_RED_FLAG_LAST_MINUTE_DAYS
    rows = (CloseOut.objects.filter(task__problem__inspected_unit__round=rnd)
            .values_list("id", "task_id", "submitted_at", "task__due_date", "task__original_due_date", "task__number",
                         "task__problem__number", "task__problem__inspected_unit_id")
            .order_by("task__problem__inspected_unit_id", "submitted_at", "id"))
    period_end = {pk: iu.rectification_end for pk, iu in units.items()}  # once a unit, not once a close-out
    submitted: dict[int, set[int]] = defaultdict(set)
    late: dict[int, list[dict[str, Any]]] = defaultdict(list)
    late_tasks: dict[int, set[int]] = defaultdict(set)
    for close_out, task_id, submitted_at, due, original, task_number, problem_number, iu_id in rows:
        end = period_end.get(iu_id)
        if end is None:
            continue
        submitted[iu_id].add(task_id)
        day = _local(submitted_at).date()  # type: ignore[union-attr]
        hit = min(((deadline, what) for what, deadline in (("due", due), ("due", original), ("period_end", end))
                   if 0 <= (deadline - day).days < days), default=None)
        if hit is not None and task_id not in late_tasks[iu_id]:
            late_tasks[iu_id].add(task_id)
            late[iu_id].append({"close_out": close_out, "task": task_id, "problem": problem_number,
                                "task_number": task_number, "submitted_at": _fmt(submitted_at),
                                "deadline": hit[0].isoformat(), "deadline_kind": hit[1]})
    flags = []
    for iu_id, items in late.items():
        total = len(submitted[iu_id])
        if len(items) < settings.RECTIFY_RED_FLAG_LAST_MINUTE_COUNT or \
                len(items) * 100 < settings.RECTIFY_RED_FLAG_LAST_MINUTE_SHARE * total:
            continue
        iu = units[iu_id]
        flags.append(RedFlag(
            kind=RedFlagKind.LAST_MINUTE_CLOSE_OUTS, key=f"{RedFlagKind.LAST_MINUTE_CLOSE_OUTS}:{iu.unit.code}",
            task=items[0]["task"], tasks=[x["task"] for x in items], unit=iu.unit.code, unit_name=iu.unit.name,
            reason=_("%(unit)s 的 %(late)d 项任务（占其申请销号任务的 %(share)d%%）在完成时限或集中整改期结束前 "
                     "%(days)d 天内集中申请销号。") % {
                "unit": iu.unit.label, "late": len(items), "share": round(len(items) * 100 / total), "days": days},
            rows=items))
    return flags


def _reappeared(rnd: InspectionRound) -> list[RedFlag]:
    """Earlier problems (of this round, or the one this look-back looks back on) that came back, with their
    tasks that were closed (an approved close-out: a reopened task keeps it in its history). Two queries."""
    earlier_q = Q(recurrences__inspected_unit__round=rnd) | Q(inspected_unit__round=rnd, recurrences__isnull=False)
    earlier_ids = Problem.objects.filter(earlier_q).values("pk")
    approved = CloseOut.objects.filter(task=OuterRef("pk"), state=CloseOutState.APPROVED)
    tasks = (Task.objects.filter(problem__in=earlier_ids)
             .filter(Q(status=TaskStatus.CLOSED) | Q(Exists(approved)))
             .values("id", "number", "status", "closed_at", "problem_id", "problem__number",
                     "problem__inspected_unit__round__code", "problem__inspected_unit__unit__code",
                     "problem__inspected_unit__unit__name")
            .order_by("problem__inspected_unit__unit__path", "problem__sort_key", "number"))
    by_problem: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for t in tasks:
        by_problem[t["problem_id"]].append(t)
    if not by_problem:
        return []
    again: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for p in (Problem.objects.filter(repeats_id__in=list(by_problem))
              .values("id", "number", "repeats_id", "inspected_unit__round__code").order_by("id")):
        again[p["repeats_id"]].append(p)
    flags = []
    for problem_id, items in by_problem.items():
        first = items[0]
        back = again.get(problem_id, [])
        reopened = sum(t["status"] != TaskStatus.CLOSED for t in items)
        reason = _("%(round)s 问题 %(problem)s 的 %(closed)d 项任务已销号，但该问题在“回头看”中再次出现（%(again)s）。") % {
            "round": first["problem__inspected_unit__round__code"], "problem": first["problem__number"],
            "closed": len(items),
            "again": "、".join(_("%(round)s 问题 %(problem)s") % {"round": p["inspected_unit__round__code"],
                                                                 "problem": p["number"]} for p in back)}
        if reopened:
            reason += _("其中 %(n)d 项已重新打开。") % {"n": reopened}
        flags.append(RedFlag(
            kind=RedFlagKind.REAPPEARED_IN_LOOK_BACK, key=f"{RedFlagKind.REAPPEARED_IN_LOOK_BACK}:{problem_id}",
            task=first["id"], tasks=[t["id"] for t in items], unit=first["problem__inspected_unit__unit__code"],
            unit_name=first["problem__inspected_unit__unit__name"], reason=reason,
            rows=[{"task": t["id"], "problem": t["problem__number"], "task_number": t["number"],
                   "round": t["problem__inspected_unit__round__code"], "status": t["status"],
                   "closed_at": _fmt(t["closed_at"])} for t in items]
            + [{"recurrence": p["id"], "round": p["inspected_unit__round__code"], "problem": p["number"]}
               for p in back]))
    return flags


def _evidence_predates_feedback(rnd: InspectionRound, units: dict[int, InspectedUnit]) -> list[RedFlag]:
    if not units:
        return []
    latest = clock.day_start(max(iu.feedback_date for iu in units.values()))
    created = EvidenceFileFacts.objects.filter(sha256=OuterRef("sha256")).values("created")[:1]
    first_upload = Evidence.objects.filter(sha256=OuterRef("sha256")).order_by("uploaded_at").values("uploaded_at")[:1]
    rows = (Evidence.objects.filter(task__problem__inspected_unit__round=rnd)
            .annotate(meta_created=Subquery(created), first_upload=Subquery(first_upload))
            .filter(Q(meta_created__lt=latest) | Q(meta_created__isnull=True, first_upload__lt=latest))
            .values("id", "task_id", "original_name", "uploaded_at", "meta_created", "first_upload", "task__number",
                    "task__problem__number", "task__problem__inspected_unit_id")
            .order_by("task__problem__inspected_unit_id", "task_id", "id"))
    by_task: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        iu = units.get(r["task__problem__inspected_unit_id"])
        if iu is None:
            continue
        feedback = clock.day_start(iu.feedback_date)
        if r["meta_created"] is not None:
            if r["meta_created"] >= feedback:
                continue
            made, source = r["meta_created"], "metadata"
        elif r["first_upload"] < feedback:
            made, source = r["first_upload"], "upload_order"
        else:
            continue
        by_task[r["task_id"]].append(r | {"made": made, "source": source, "iu": iu})
    flags = []
    for task_id, items in by_task.items():
        first, iu = items[0], items[0]["iu"]
        names = "、".join(f"“{x['original_name']}”" for x in items)
        how = (_("文件元数据记载的创建时间为 %(made)s") if first["source"] == "metadata"
               else _("该文件最早于 %(made)s 上传")) % {"made": _fmt(first["made"])}
        flags.append(RedFlag(
            kind=RedFlagKind.EVIDENCE_PREDATES_FEEDBACK, key=f"{RedFlagKind.EVIDENCE_PREDATES_FEEDBACK}:{task_id}",
            task=task_id, tasks=[task_id], unit=iu.unit.code, unit_name=iu.unit.name,
            reason=_("问题 %(problem)s 第 %(task)d 项任务的佐证材料 %(names)s 形成于反馈日期 %(feedback)s 之前（%(how)s）。") % {
                "problem": first["task__problem__number"], "task": first["task__number"], "names": names,
                "feedback": iu.feedback_date.isoformat(), "how": how},
            rows=[{"evidence": x["id"], "task": task_id, "name": x["original_name"], "made": _fmt(x["made"]),
                   "source": x["source"], "uploaded_at": _fmt(x["uploaded_at"]),
                   "feedback_date": iu.feedback_date.isoformat()} for x in items]))
    return flags


def _approved_instantly(rnd: InspectionRound) -> list[RedFlag]:
    rows = (CloseOut.objects.filter(task__problem__inspected_unit__round=rnd, state=CloseOutState.APPROVED,
                                    reviewed_at__lt=F("submitted_at") + dt.timedelta(minutes=1))
            .values("id", "task_id", "submitted_at", "reviewed_at", "reviewed_by__display_name",
                    "reviewed_by__username", "task__number", "task__problem__number",
                    "task__problem__inspected_unit__unit__code", "task__problem__inspected_unit__unit__name")
            .order_by("submitted_at", "id"))
    flags = []
    for r in rows:
        if r["reviewed_at"].replace(second=0, microsecond=0) != r["submitted_at"].replace(second=0, microsecond=0):
            continue
        reviewer = r["reviewed_by__display_name"] or r["reviewed_by__username"]
        flags.append(RedFlag(
            kind=RedFlagKind.APPROVED_INSTANTLY, key=f"{RedFlagKind.APPROVED_INSTANTLY}:{r['id']}", task=r["task_id"],
            tasks=[r["task_id"]], unit=r["task__problem__inspected_unit__unit__code"],
            unit_name=r["task__problem__inspected_unit__unit__name"],
            reason=_("问题 %(problem)s 第 %(task)d 项任务的销号申请于 %(at)s 提交，同一分钟内即由 %(reviewer)s 审核通过。") % {
                "problem": r["task__problem__number"], "task": r["task__number"], "at": _fmt(r["submitted_at"]),
                "reviewer": reviewer},
            rows=[{"close_out": r["id"], "task": r["task_id"], "submitted_at": _fmt(r["submitted_at"]),
                   "reviewed_at": _fmt(r["reviewed_at"]), "reviewer": reviewer}]))
    return flags


def red_flags_for(*, user: User, round_code: str, kind: str | None = None, unit: str | None = None,
                  state: str = "open", every_task: bool = False,
                  contents: list[str] | None = None) -> tuple[InspectionRound, list[RedFlag]]:
    """Every red flag of the round (all units: only supervisors call this), filtered, in kind order. A flag
    lists its first ``ROWS_SHOWN`` rows and tasks and counts the rest; ``every_task`` lists every task.
    ``contents``: the round's ``evidence_contents_of_round``, when the caller has read them already."""
    require_supervisor(user)
    if kind and kind not in RedFlagKind.values:
        raise DomainError(_("未知的预警类型“%(kind)s”。") % {"kind": kind}, code="invalid_kind",
                          details={"field": "kind"})
    if state not in STATES:
        raise DomainError(_("状态只能是 open、dismissed 或 all。"), code="invalid_state", details={"field": "state"})
    rnd = inspection_selectors.round_get_for(user=user, code=round_code)
    units = {iu.pk: iu for iu in InspectedUnit.objects.filter(round=rnd).select_related("unit", "round")}
    builders = {
        RedFlagKind.EVIDENCE_REUSED: lambda: _evidence_reused(
            rnd, every_task=every_task, contents=evidence_contents_of_round(rnd) if contents is None else contents),
        RedFlagKind.CLOSED_WITHOUT_PROGRESS: lambda: _closed_without_progress(rnd),
        RedFlagKind.LAST_MINUTE_CLOSE_OUTS: lambda: _last_minute_close_outs(rnd, units),
        RedFlagKind.REAPPEARED_IN_LOOK_BACK: lambda: _reappeared(rnd),
        RedFlagKind.EVIDENCE_PREDATES_FEEDBACK: lambda: _evidence_predates_feedback(rnd, units),
        RedFlagKind.APPROVED_INSTANTLY: lambda: _approved_instantly(rnd),
    }
    flags: list[RedFlag] = []
    for k, build in builders.items():
        if kind and k != kind:
            continue
        flags += build()
    if unit:
        flags = [f for f in flags if f.unit == unit]
    dismissals = {d.key: d for d in RedFlagDismissal.objects.filter(round=rnd).select_related("dismissed_by")}
    for f in flags:
        f.dismissal = dismissals.get(f.key)
    if state == "open":
        flags = [f for f in flags if f.dismissal is None]
    elif state == "dismissed":
        flags = [f for f in flags if f.dismissal is not None]
    for f in flags:  # the counts were taken when the flag was made
        f.rows = f.rows[:ROWS_SHOWN]
        if not every_task:
            f.tasks = f.tasks[:ROWS_SHOWN]
    return rnd, flags


def red_flag_get(*, user: User, round_code: str, key: str) -> tuple[InspectionRound, RedFlag | None]:
    kind = key.split(":", 1)[0]
    rnd, flags = red_flags_for(user=user, round_code=round_code, kind=kind if kind in RedFlagKind.values else None,
                               state="all")
    return rnd, next((f for f in flags if f.key == key), None)
