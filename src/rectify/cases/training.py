"""Case-based training (培训): courses on the four levels and six topics, sessions with a main venue and the
prefectures' branch venues, attendance from the sign-in sheets people keep, a Word handout, and figures per
prefecture. Writes here follow the services rule (one transaction, one audit event); reads are for every
signed-in role."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _

from rectify.audit.services import audit_record
from rectify.cases.models import (
    DEFAULT_TOPICS,
    Attendance,
    CaseDocument,
    CaseReview,
    Course,
    CourseItem,
    Level,
    TrainingSession,
    Venue,
)
from rectify.cases.regions import PREFECTURES, canonical
from rectify.cases.services import require_manager
from rectify.core.errors import DomainError, NotFound

if TYPE_CHECKING:
    from rectify.accounts.models import User

MAIN_VENUE = "省纪委监委主会场"

#: The default outline: the four levels; the six topics are the practical (实务) teaching.
DEFAULT_OUTLINE: tuple[tuple[str, str, str], ...] = (
    (Level.SYSTEM, "问责制度体系", "《中国共产党问责条例》及配套规定"),
    *((Level.PRACTICE, topic, "") for topic in DEFAULT_TOPICS),
    (Level.NORMS, "问责程序与文书规范", "问责决定的程序、文书和档案要求"),
    (Level.EVALUATION, "问责质量评价", "问责精准性、问责不严与问责泛化的识别"),
)


@transaction.atomic
def course_create(*, actor: User | None, title: str, description: str = "", default_outline: bool = True
                  ) -> Course:
    require_manager(actor)
    title = (title or "").strip()
    if not title:
        raise DomainError(_("请填写课程名称。"), code="required", details={"field": "title"})
    course = Course.objects.create(title=title[:200], description=(description or "").strip()[:2000])
    if default_outline:
        CourseItem.objects.bulk_create([CourseItem(course=course, position=i, level=level, topic=topic, rules=rules)
                                        for i, (level, topic, rules) in enumerate(DEFAULT_OUTLINE)])
    audit_record(actor=actor, action="training_course.created", obj=course,
                 after={"title": course.title, "items": len(DEFAULT_OUTLINE) if default_outline else 0})
    return course


@transaction.atomic
def course_item_set_documents(*, actor: User | None, item: CourseItem, documents: list[CaseDocument]) -> CourseItem:
    require_manager(actor)
    item.documents.set(documents)
    audit_record(actor=actor, action="training_course.cases_set", obj=item.course,
                 after={"item": item.pk, "topic": item.topic, "documents": [d.pk for d in documents]})
    return item


@transaction.atomic
def session_create(*, actor: User | None, course: Course, title: str, held_on: dt.date,
                   main_venue: str = MAIN_VENUE, branch_regions: list[str] | None = None) -> TrainingSession:
    """A session with its main venue and a branch venue per prefecture (all 16 unless given)."""
    require_manager(actor)
    title = (title or "").strip()
    if not title:
        raise DomainError(_("请填写培训班名称。"), code="required", details={"field": "title"})
    session = TrainingSession.objects.create(course=course, title=title[:200], held_on=held_on)
    regions = branch_regions if branch_regions is not None else [short for _full, short in PREFECTURES]
    venues = [Venue(session=session, name=main_venue, is_main=True, position=0)]
    venues += [Venue(session=session, name=_("%(region)s分会场") % {"region": r}, region=r, position=i + 1)
               for i, r in enumerate(dict.fromkeys(canonical(r) for r in regions))]
    Venue.objects.bulk_create(venues)
    audit_record(actor=actor, action="training_session.created", obj=session,
                 after={"course": course.pk, "held_on": held_on, "venues": len(venues)})
    return session


# =========================================================================== attendance (签到表)

_COLUMNS = {
    "name": ("姓名", "参训人员", "参训人", "学员姓名", "签到人"),
    "unit_name": ("单位", "工作单位", "所在单位", "单位名称"),
    "title": ("职务", "职务职级", "职级"),
    "phone": ("联系电话", "电话", "手机", "手机号码"),
    "venue": ("会场", "参训会场", "分会场", "州（市）", "州(市)", "州市", "地区"),
}


def _compact(value: object) -> str:
    text = "" if value is None else str(value)
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@dataclass
class AttendanceResult:
    added: int = 0
    already: int = 0
    per_venue: dict[str, int] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)


def _header(rows: list[tuple[int, list[object]]]) -> tuple[int, dict[str, int]] | None:
    for index, (_row_no, cells) in enumerate(rows[:15]):
        labels = {i: _compact(c) for i, c in enumerate(cells)}
        found: dict[str, int] = {}
        for key, names in _COLUMNS.items():
            norm = {unicodedata.normalize("NFKC", n) for n in names}
            for i, label in labels.items():
                if label in norm and key not in found:
                    found[key] = i
        if "name" in found:
            return index, found
    return None


def attendance_import(*, actor: User | None, session: TrainingSession, data: bytes, filename: str,
                      venue: Venue | None = None) -> AttendanceResult:
    """Read a sign-in sheet (.xlsx/.xls/.csv, through the ledger's guarded reader) and add its people to the
    session: the venue from the sheet's 会场/州（市） column, else ``venue``; someone already signed in (same
    name and unit) is not added twice. All or nothing: any row error and nothing is written."""
    require_manager(actor)
    from rectify.ledger.parsing import open_sheets
    from rectify.ledger.types import LedgerFileError

    try:
        sheets = [s for s in open_sheets(data, filename) if not s.hidden]
    except LedgerFileError as error:
        raise DomainError(error.message, code="unreadable_file") from None
    venues = list(session.venues.all())
    by_name = {_compact(v.name): v for v in venues}
    by_region = {v.region: v for v in venues if v.region}
    main = next((v for v in venues if v.is_main), None)
    result = AttendanceResult()
    wanted: list[Attendance] = []
    seen: set[tuple[str, str]] = set()
    for sheet in sheets:
        rows = list(sheet.rows())
        head = _header(rows)
        if head is None:
            continue
        start, cols = head
        for row_no, cells in rows[start + 1:]:
            def cell(key: str, cells: list[object] = cells, cols: dict[str, int] = cols) -> str:
                i = cols.get(key)
                return _compact(cells[i]) if i is not None and i < len(cells) else ""

            name = cell("name")
            if not name or name in ("合计", "小计") or name.startswith(("注", "填表")):
                continue
            where = cell("venue")
            target = None
            if where:
                target = by_name.get(where) or by_region.get(canonical(where.removesuffix("分会场")))
                if target is None and "主会场" in where:
                    target = main
                if target is None:
                    result.errors.append({"sheet": sheet.name, "row": row_no + 1, "column": "会场",
                                          "message": _("第%(row)s行的会场“%(venue)s”不是本期培训班的会场。")
                                          % {"row": row_no + 1, "venue": where}})
                    continue
            target = target or venue
            if target is None:
                result.errors.append({"sheet": sheet.name, "row": row_no + 1, "column": "会场",
                                      "message": _("第%(row)s行没有填写会场：请在签到表中加“会场”列，或导入时选择会场。")
                                      % {"row": row_no + 1}})
                continue
            key = (name[:50], cell("unit_name")[:200])
            if key in seen:
                continue
            seen.add(key)
            wanted.append(Attendance(session=session, venue=target, name=key[0], unit_name=key[1],
                                     title=cell("title")[:100], phone=cell("phone")[:30]))
    if not wanted and not result.errors:
        result.errors.append({"sheet": None, "row": None, "column": "姓名",
                              "message": _("文件“%(name)s”中找不到“姓名”列：请使用含姓名、单位、会场列的签到表。")
                              % {"name": filename}})
    if result.errors:
        return result
    with transaction.atomic():
        existing = set(Attendance.objects.filter(session=session).values_list("name", "unit_name"))
        new = [a for a in wanted if (a.name, a.unit_name) not in existing]
        Attendance.objects.bulk_create(new)
        result.added, result.already = len(new), len(wanted) - len(new)
        for a in new:
            result.per_venue[a.venue.name] = result.per_venue.get(a.venue.name, 0) + 1
        audit_record(actor=actor, action="training_attendance.imported", obj=session,
                     after={"file": filename, "added": result.added, "already": result.already,
                            "per_venue": result.per_venue})
    return result


# =========================================================================== reads


def course_list() -> list[Course]:
    return list(Course.objects.annotate(session_count=Count("sessions")).order_by("-id")[:200])


def session_list() -> list[TrainingSession]:
    return list(TrainingSession.objects.select_related("course")
                .annotate(people=Count("attendance", distinct=True), venue_count=Count("venues", distinct=True))
                .order_by("-held_on", "-id")[:200])


def course_get(course_id: int) -> Course:
    course = (Course.objects.prefetch_related(
        Prefetch("items", queryset=CourseItem.objects.order_by("position", "id").prefetch_related(
            Prefetch("documents", queryset=CaseDocument.objects.select_related("review")))))
        .filter(pk=course_id).first())
    if course is None:
        raise NotFound(_("该课程不存在。"))
    return course


def session_get(session_id: int) -> TrainingSession:
    session = TrainingSession.objects.select_related("course").filter(pk=session_id).first()
    if session is None:
        raise NotFound(_("该培训班不存在。"))
    return session


def venue_counts(session: TrainingSession) -> list[Venue]:
    return list(session.venues.annotate(people=Count("attendance")).order_by("-is_main", "position", "id"))


def prefecture_figures() -> list[dict[str, Any]]:
    """Per prefecture: people trained (attendance at its branch venues, all sessions) and specialists in the
    accountability pool whose region is the prefecture."""
    from rectify.accountability.pool_models import Specialist

    trained = dict(Attendance.objects.exclude(venue__region="").values_list("venue__region")
                   .annotate(n=Count("id")).values_list("venue__region", "n"))
    pool: dict[str, int] = {}
    for region_name, n in (Specialist.objects.values_list("region__name").annotate(n=Count("id"))
                           .values_list("region__name", "n")):
        key = canonical(region_name or "")
        pool[key] = pool.get(key, 0) + n
    return [{"region": short, "trained": trained.get(short, 0), "specialists": pool.get(short, 0)}
            for _full, short in PREFECTURES]


# =========================================================================== handout (Word)


def handout_docx(course: Course) -> bytes:
    """The course's handout: the outline by level and topic, and each case with its review (python-docx)."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.size = Pt(12)
    document.add_heading(course.title, level=0)
    if course.description:
        document.add_paragraph(course.description)
    labels = dict(Level.choices)
    for level in Level.values:
        items = [i for i in course.items.all() if i.level == level]
        if not items:
            continue
        document.add_heading(_("%(level)s层面") % {"level": labels[level]}, level=1)
        for item in items:
            document.add_heading(item.topic, level=2)
            if item.rules:
                document.add_paragraph(item.rules)
            for doc in item.documents.all():
                document.add_heading(doc.title, level=3)
                meta = "，".join(x for x in (doc.date.isoformat() if doc.date else "", doc.source) if x)
                if meta:
                    document.add_paragraph(meta)
                for paragraph in doc.paragraphs[:6]:
                    document.add_paragraph(paragraph)
                try:
                    review = doc.review
                except CaseReview.DoesNotExist:
                    review = None
                if review is not None:
                    for label, value in ((_("基本案情"), review.what_happened), (_("责任人员及其角色"), review.responsible),
                                         (_("处理结果"), review.outcome), (_("经验教训"), review.lessons),
                                         (_("精准或失准之处"), review.precision_note)):
                        if value:
                            p = document.add_paragraph()
                            p.add_run(f"{label}：").bold = True
                            p.add_run(value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
