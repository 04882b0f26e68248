"""A supervision order as a Word letter in the official layout (GB/T 9704 in outline): the issuing organ's red
heading, the document number (文号) and a red rule, the title, the addressee, the body, the tasks it names, the
response deadline, the issuing organ and the date. Chinese fonts are set for East Asian text explicitly
(仿宋_GB2312 body, 方正小标宋简体 title, 黑体 headings), or Word falls back to a Latin font."""

from __future__ import annotations

import datetime as dt
import io

from django.utils.translation import gettext as _

from rectify.supervision.models import SupervisionOrder

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def letter_title(order: SupervisionOrder) -> str:
    return _("关于督促%(unit)s抓好巡视整改的%(kind)s") % {"unit": order.inspected_unit.unit.name,
                                                      "kind": order.get_kind_display()}


def letter_tasks(order: SupervisionOrder) -> list[str]:
    """One line per named task: its number, measure and deadline in force."""
    return [_("%(n)d. 问题%(problem)s 任务%(problem)s.%(task)s：%(measure)s（完成时限：%(due)s）")
            % {"n": i, "problem": t.problem.number, "task": t.number, "measure": t.measure.strip(),
               "due": cn_date(t.due_date)}
            for i, t in enumerate(order.tasks.all(), 1)]


def letter_document(order: SupervisionOrder) -> bytes:
    """The .docx bytes of the order's letter (``order`` from ``order_selectors.order_get_for``)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    red = RGBColor(0xC0, 0x00, 0x00)

    def east_asian(run_or_style, font: str) -> None:  # type: ignore[no-untyped-def]
        run_or_style.font.name = font
        run_or_style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)

    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    east_asian(normal, BODY_FONT)
    normal.font.size = Pt(16)
    normal.paragraph_format.line_spacing = Pt(28)
    normal.paragraph_format.space_after = Pt(0)

    def paragraph(text: str = "", *, align=None, indent: bool = False, font: str | None = None,  # type: ignore[no-untyped-def]
                  size: int | None = None, bold: bool = False, color=None):
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(32)  # two characters of 三号
        if text:
            run = p.add_run(text)
            run.bold = bold
            if font:
                east_asian(run, font)
            if size:
                run.font.size = Pt(size)
            if color is not None:
                run.font.color.rgb = color
        return p

    issuer = order.get_issuer_display()
    paragraph(issuer, align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=26, color=red)
    paragraph()
    number = paragraph(order.number, align=WD_ALIGN_PARAGRAPH.CENTER)
    # The red rule under the number: a bottom border on the number's paragraph.
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "6"), ("w:color", "C00000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    number._p.get_or_add_pPr().append(borders)
    paragraph()
    paragraph(letter_title(order), align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=22)
    paragraph()
    paragraph(_("%(unit)s：") % {"unit": order.inspected_unit.unit.name})
    for line in order.text.splitlines():
        if line.strip():
            paragraph(line.strip(), indent=True)
    tasks = letter_tasks(order)
    if tasks:
        paragraph(_("一、督办事项"), indent=True, font=HEADING_FONT)
        for line in tasks:
            paragraph(line, indent=True)
        paragraph(_("二、回复要求"), indent=True, font=HEADING_FONT)
    paragraph(_("请于%(date)s前将整改进展情况和佐证材料书面回复%(issuer)s。逾期未回复的，将按规定进一步督办。")
              % {"date": cn_date(order.respond_by), "issuer": issuer}, indent=True)
    paragraph()
    paragraph()
    paragraph(issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(cn_date(order.issued_on), align=WD_ALIGN_PARAGRAPH.RIGHT)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
