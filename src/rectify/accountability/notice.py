"""The public-exposure notice (通报曝光) as a Word file: the decisions marked for publication, each with the
unit, the subject's name and post at the time, the public summary and the forms — nothing confidential
(no statements, defences, opinions, minutes, evidence or the names of the investigators)."""

from __future__ import annotations

import datetime as dt
import io

from django.utils.translation import gettext as _

from rectify.accountability.case_models import AccountabilityCase, Decision, SubjectKind

CN_NUMBERS = "一二三四五六七八九十"


def _cn(n: int) -> str:
    return CN_NUMBERS[n - 1] if 1 <= n <= 10 else str(n)


def notice_paragraphs(*, case: AccountabilityCase, decisions: list[Decision]) -> list[str]:
    """The notice's items, one per published decision (the page and the Word file say the same)."""
    items = []
    for i, d in enumerate(decisions, 1):
        subject = d.subject
        if subject.kind == SubjectKind.ORGANISATION:
            who = subject.name
        else:
            former = _("原") if subject.tenure_id and subject.tenure.end else ""
            who = f"{case.unit.name}{former}{subject.post_title}{subject.name}"
        forms = "、".join(f.name for f in d.forms.all())
        items.append(_("%(n)s、%(who)s%(summary)s%(date)s，经研究，给予%(name)s%(forms)s。") % {
            "n": _cn(i), "who": who, "summary": d.public_summary.rstrip("。") + "。",
            "date": f"{d.decided_on.year}年{d.decided_on.month}月", "name": subject.name, "forms": forms})
    return items


def notice_document(*, case: AccountabilityCase, decisions: list[Decision], today: dt.date) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "FangSong"
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")
    style.font.size = Pt(16)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(_("关于%(n)s起巡视整改问责典型问题的通报") % {"n": len(decisions)})
    run.bold = True
    run.font.size = Pt(22)
    run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "方正小标宋简体")
    doc.add_paragraph(_("近日，经研究，对以下巡视整改中失职失责的问题严肃问责，现予通报。"))
    for text in notice_paragraphs(case=case, decisions=decisions):
        doc.add_paragraph(text)
    doc.add_paragraph(_("各级党组织要以案为鉴，压紧压实巡视整改主体责任，坚决防止敷衍整改、虚假整改。"))
    end = doc.add_paragraph(f"{today.year}年{today.month}月{today.day}日")
    end.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
