"""A round where unit A carries every kind of red flag and unit B rectified cleanly (issue 11 §5).

Unit A (feedback 2026-05-01, look-back round R-TEST) looks back on the original round R-ORIG (feedback
2024-05-01), where its problem 1 "irregular allowances" was closed; the look-back's problem 1 repeats it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field

import docx
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from rectify.core import clock
from rectify.inspections.models import RoundKind
from rectify.rectification.models import CloseOut, CloseOutState, Evidence, ProgressEntry, Task, TaskStatus
from tests import factories
from tests.factories import World


def at(day: dt.date, hour: int = 10, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=clock.SHANGHAI)


def pdf_bytes(label: str) -> bytes:
    return b"%PDF-1.4\n% " + label.encode() + b"\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def docx_bytes(created: dt.datetime, text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    document.core_properties.created = created
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def evidence(task: Task, content: bytes, name: str, uploaded: dt.datetime, by) -> Evidence:  # type: ignore[no-untyped-def]
    sha = hashlib.sha256(content).hexdigest()
    path = f"evidence/{sha[:2]}/{sha}"
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(content))
    return Evidence.objects.create(task=task, file=path, original_name=name, sha256=sha, size=len(content),
                                   content_type="application/octet-stream", uploaded_by=by, uploaded_at=uploaded)


def progress(task: Task, day: dt.date, by) -> None:  # type: ignore[no-untyped-def]
    ProgressEntry.objects.create(task=task, author=by, text="已完成自查并清退资金。", created_at=at(day, 9))


def close(task: Task, submitted: dt.datetime, reviewed: dt.datetime, *, lead, reviewer) -> CloseOut:  # type: ignore[no-untyped-def]
    co = CloseOut.objects.create(task=task, submitted_by=lead, submitted_at=submitted, state=CloseOutState.APPROVED,
                                 reviewed_by=reviewer, reviewed_at=reviewed, review_comment="同意销号。")
    Task.objects.filter(pk=task.pk).update(status=TaskStatus.CLOSED, closed_at=reviewed)
    factories.refresh_rollups([task.problem_id])
    return co


@dataclass
class Planted:
    world: World
    original_problem: object
    original_task: Task
    reused_task: Task
    no_progress_task: Task
    late_tasks: list[Task] = field(default_factory=list)
    predating_task: Task | None = None
    instant_task: Task | None = None
    clean_task: Task | None = None


def plant(w: World) -> Planted:
    lead, office = w["unit_lead"], w["inspection_office"]
    lead_b = w["unit_lead_b"]

    # The original round: unit A's problem about allowances was closed two years ago.
    orig = factories.inspection_round(code="R-ORIG", start=dt.date(2024, 3, 1), kind=RoundKind.REGULAR)
    w.round.look_back_of = orig
    w.round.save(update_fields=["look_back_of"])
    orig_iu = factories.inspected_unit(rnd=orig, unit=w.unit_a, feedback=dt.date(2024, 5, 1))
    orig_problem = factories.problem(iu=orig_iu, description="违规发放津贴补贴")
    orig_task = factories.task(prob=orig_problem, due=dt.date(2024, 7, 31))
    progress(orig_task, dt.date(2024, 5, 20), lead)
    minutes = pdf_bytes("party group minutes 2024")
    evidence(orig_task, minutes, "党组会会议纪要.pdf", at(dt.date(2024, 6, 1)), lead)
    close(orig_task, at(dt.date(2024, 6, 10)), at(dt.date(2024, 6, 12)), lead=lead, reviewer=office)
    w.problem_a.repeats = orig_problem  # the look-back found it back (a confirmed repeat)
    w.problem_a.save(update_fields=["repeats"])

    # 1 evidence_reused: the look-back's task "proved" with the same minutes as two years ago.
    progress(w.task_a, dt.date(2026, 5, 10), lead)
    evidence(w.task_a, minutes, "党组会会议纪要（回头看）.pdf", at(dt.date(2026, 5, 12)), lead)

    # 2 closed_without_progress.
    p2 = factories.problem(iu=w.iu_a, description="公务用车管理不规范")
    no_progress = factories.task(prob=p2, due=dt.date(2026, 6, 30))
    evidence(no_progress, pdf_bytes("car rules"), "公务用车管理办法.pdf", at(dt.date(2026, 6, 1)), lead)
    close(no_progress, at(dt.date(2026, 6, 10)), at(dt.date(2026, 6, 12, ), 15), lead=lead, reviewer=office)

    # 3 last_minute_close_outs: five tasks due 07-31 submitted on 07-30, all approved days later.
    late = []
    for i in range(5):
        t = factories.task(prob=factories.problem(iu=w.iu_a, description=f"财务管理问题{i}"), due=dt.date(2026, 7, 31))
        progress(t, dt.date(2026, 6, 1), lead)
        evidence(t, pdf_bytes(f"finance {i}"), f"财务整改报告{i}.pdf", at(dt.date(2026, 6, 2)), lead)
        close(t, at(dt.date(2026, 7, 30), 16), at(dt.date(2026, 8, 3), 10), lead=lead, reviewer=office)
        late.append(t)

    # 5 evidence_predates_feedback: a Word file whose core properties say it was written in March.
    p5 = factories.problem(iu=w.iu_a, description="意识形态工作责任制落实不到位")
    predating = factories.task(prob=p5, due=dt.date(2026, 8, 31))
    progress(predating, dt.date(2026, 5, 20), lead)
    evidence(predating, docx_bytes(dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC), "意识形态工作专题会议记录"),
             "意识形态专题会议记录.docx", at(dt.date(2026, 6, 5)), lead)

    # 6 approved_instantly: submitted 10:00:05, approved 10:00:40.
    p6 = factories.problem(iu=w.iu_a, description="基层党组织建设薄弱")
    instant = factories.task(prob=p6, due=dt.date(2026, 9, 30))
    progress(instant, dt.date(2026, 6, 1), lead)
    evidence(instant, pdf_bytes("party branch"), "支部建设方案.pdf", at(dt.date(2026, 6, 3)), lead)
    close(instant, at(dt.date(2026, 6, 20), 10, 0, 5), at(dt.date(2026, 6, 20), 10, 0, 40), lead=lead, reviewer=office)

    # Unit B rectified cleanly: progress, its own fresh evidence, applied weeks before the deadline,
    # approved two days later.
    progress(w.task_b, dt.date(2026, 5, 15), lead_b)
    evidence(w.task_b, pdf_bytes("hr rules B"), "选人用人工作规程.pdf", at(dt.date(2026, 5, 20)), lead_b)
    evidence(w.task_b, docx_bytes(dt.datetime(2026, 5, 25, 2, 0, tzinfo=dt.UTC), "干部任用记录"),
             "干部任用记录.docx", at(dt.date(2026, 5, 26)), lead_b)
    close(w.task_b, at(dt.date(2026, 6, 20), 9), at(dt.date(2026, 6, 22), 15), lead=lead_b, reviewer=office)

    return Planted(world=w, original_problem=orig_problem, original_task=orig_task, reused_task=w.task_a,
                   no_progress_task=no_progress, late_tasks=late, predating_task=predating, instant_task=instant,
                   clean_task=w.task_b)
