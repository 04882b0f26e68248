"""Training like the province ran it: a course on the four levels and six topics, a session with a main venue
and the 16 prefectures' branch venues, attendance from the sign-in sheets (.xlsx/.csv) counted per venue, a
Word handout from the course's cases and reviews, and figures per prefecture."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse

from rectify.accountability.catalogue_seed import catalogue_ensure
from rectify.accounts.models import Role
from rectify.cases import training
from rectify.cases.models import Attendance, CourseItem, Level
from rectify.cases.services import review_save
from rectify.core.errors import PermissionDenied
from tests.cases.library import build
from tests.factories import PASSWORD


@pytest.fixture
def course(world, seed_bytes):  # type: ignore[no-untyped-def]
    catalogue_ensure()
    library = build(seed_bytes)
    c = training.course_create(actor=world[Role.COMMISSION], title="问责专题业务培训")
    practice = CourseItem.objects.get(course=c, topic="区分责任")
    training.course_item_set_documents(actor=world[Role.COMMISSION], item=practice,
                                       documents=[library.ruili, library.masks])
    review_save(actor=world[Role.COMMISSION], document=library.ruili, expected_version=None,
                what_happened="边境管控存在漏洞", lessons="压实属地责任，问责要精准")
    c.library = library
    return c


@pytest.fixture
def session(course, world):  # type: ignore[no-untyped-def]
    return training.session_create(actor=world[Role.COMMISSION], course=course, title="全省纪检监察机关问责专题业务培训班",
                                   held_on=dt.date(2021, 4, 8))


def _xlsx(rows: list[list[object]]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["全省问责专题业务培训班签到表"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_course_starts_with_the_four_levels_and_the_six_topics(course):
    items = list(course.items.order_by("position"))
    assert [i.level for i in items] == [Level.SYSTEM, *[Level.PRACTICE] * 6, Level.NORMS, Level.EVALUATION]
    assert [i.topic for i in items if i.level == Level.PRACTICE] == [
        "如何精准问责", "组织调查", "问题定性", "区分责任", "纪法尺度", "激励谈心谈话"]


def test_a_session_has_a_main_venue_and_sixteen_branch_venues(session):
    venues = list(session.venues.all())
    assert len(venues) == 17 and venues[0].is_main and venues[0].name == "省纪委监委主会场"
    assert [v.region for v in venues[1:4]] == ["昆明市", "曲靖市", "玉溪市"]
    assert "德宏州分会场" in [v.name for v in venues]


def test_sign_in_sheets_are_counted_per_venue_and_nobody_twice(session, world):
    sheet = _xlsx([["序号", "姓名", "工作单位", "职务", "会场"],
                   [1, "张三", "大理州纪委监委", "科长", "大理州分会场"],
                   [2, "李四", "大理州纪委监委", "干部", "大理"],
                   [3, "王五", "省纪委监委", "主任", "主会场"],
                   [4, "赵六", "德宏州纪委监委", "干部", "德宏傣族景颇族自治州"],
                   ["合计", None, None, None, None]])
    result = training.attendance_import(actor=world[Role.COMMISSION], session=session, data=sheet,
                                        filename="签到表.xlsx")
    assert result.errors == []
    assert result.added == 4 and result.per_venue == {"大理州分会场": 2, "省纪委监委主会场": 1, "德宏州分会场": 1}
    csv = "姓名,单位\n张三,大理州纪委监委\n钱七,大理州纪委监委\n".encode("gb18030")
    dali = session.venues.get(region="大理州")
    again = training.attendance_import(actor=world[Role.COMMISSION], session=session, data=csv, filename="补签.csv",
                                       venue=dali)
    assert (again.added, again.already) == (1, 1)
    counts = {v.name: v.people for v in training.venue_counts(session)}
    assert counts["大理州分会场"] == 3 and counts["省纪委监委主会场"] == 1 and counts["昆明市分会场"] == 0
    figures = {f["region"]: f["trained"] for f in training.prefecture_figures()}
    assert figures["大理州"] == 3 and figures["德宏州"] == 1 and len(figures) == 16


def test_a_sheet_with_an_unknown_venue_writes_nobody(session, world):
    sheet = _xlsx([["姓名", "会场"], ["张三", "大理州分会场"], ["李四", "火星分会场"]])
    result = training.attendance_import(actor=world[Role.COMMISSION], session=session, data=sheet, filename="x.xlsx")
    assert [e["row"] for e in result.errors] == [4] and "火星分会场" in result.errors[0]["message"]
    assert not Attendance.objects.exists()


def test_a_hostile_sheet_is_refused_by_the_ledger_guard(session, world):
    import zipfile

    buffer = io.BytesIO(_xlsx([["姓名"], ["张三"]]))
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:A3"/>', b'<dimension ref="A1:XFD1048576"/>')
            dst.writestr(info, data)
    from rectify.core.errors import DomainError

    with pytest.raises(DomainError, match="超出可处理的范围"):
        training.attendance_import(actor=world[Role.COMMISSION], session=session, data=out.getvalue(),
                                   filename="签到表.xlsx")


def test_only_the_organisers_import_attendance(session, world):
    with pytest.raises(PermissionDenied):
        training.attendance_import(actor=world[Role.UNIT_LEAD], session=session, data=b"", filename="x.csv")


def test_the_handout_is_a_word_file_with_the_outline_the_cases_and_their_reviews(course):
    import docx

    document = docx.Document(io.BytesIO(training.handout_docx(training.course_get(course.pk))))
    text = "\n".join(p.text for p in document.paragraphs)
    assert text.startswith("问责专题业务培训")
    for expected in ("制度层面", "实务层面", "区分责任", "瑞丽市疫情防控形式主义官僚主义问题问责情况通报",
                     "大理州违规截留口罩事件处理情况", "经验教训：压实属地责任，问责要精准", "评价层面"):
        assert expected in text


def test_training_pages(session, world):
    client = Client()
    assert client.login(username=world[Role.UNIT_MEMBER].username, password=PASSWORD)
    page = client.get(reverse("cases:training")).content.decode()
    assert "全省纪检监察机关问责专题业务培训班" in page and "各州（市）情况" in page and "新建课程" not in page
    page = client.get(reverse("cases:session", args=[session.pk])).content.decode()
    assert "德宏州分会场" in page and "导入签到表" not in page
    assert client.get(reverse("cases:course", args=[session.course_id])).status_code == 200
    response = client.get(reverse("cases:handout", args=[session.course_id]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    organiser = Client()
    assert organiser.login(username=world[Role.COMMISSION].username, password=PASSWORD)
    from django.core.files.uploadedfile import SimpleUploadedFile

    sheet = SimpleUploadedFile("签到表.csv", "姓名,会场\n张三,昆明分会场\n李四,昆明市分会场\n".encode())
    response = organiser.post(reverse("cases:attendance_import", args=[session.pk]), {"file": sheet})
    assert response.status_code == 302
    assert {v.name: v.people for v in training.venue_counts(session)}["昆明市分会场"] == 2
    bad = SimpleUploadedFile("签到表.csv", "序号,备注\n1,无\n".encode())
    response = organiser.post(reverse("cases:attendance_import", args=[session.pk]), {"file": bad})
    assert response.status_code == 400 and "找不到“姓名”列" in response.content.decode()
    created = organiser.post(reverse("cases:course_new"), {"title": "新课程"})
    assert created.status_code == 302 and CourseItem.objects.filter(course__title="新课程").count() == 9
