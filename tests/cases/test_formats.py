"""Every format people circulate — .docx, plain .txt, .html, text PDF — is read into title, date and clean
paragraphs with its figures; hostile files (a zip bomb, an executable, an old .doc, an oversized file, a scan)
are refused with a message that says what to do, and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.cases.models import CaseDocument
from rectify.cases.reading import CaseFileError, read_document
from rectify.cases.services import document_import
from tests.cases.builders import docx_bytes, pdf_bytes, pdf_stream_bomb, zip_bomb_docx

MASKS = "2020年2月，大理市防疫指挥部违规截留重庆市过境的进口口罩598箱，涉及约1.5万个口罩。"
ACCOUNTABLE = "经查，共有十二名干部被问责，其中两千余人参加了警示教育。"


def test_a_word_file_gives_its_title_and_paragraphs_and_the_date_it_states():
    data = docx_bytes("关于大理州违规截留口罩问题的通报", [MASKS, ACCOUNTABLE, "中共云南省纪委办公厅", "2020年3月6日"])
    doc = read_document(data, "通报.docx")
    assert doc.file_format == "docx"
    assert doc.title == "关于大理州违规截留口罩问题的通报"
    assert doc.paragraphs == [MASKS, ACCOUNTABLE, "中共云南省纪委办公厅"]  # the date line is the date
    assert doc.date == dt.date(2020, 3, 6)


def test_plain_text_takes_the_first_line_as_title_and_drops_the_indentation():
    text = f"西双版纳州种茶毁林问题追责情况\n\n　　{MASKS}\n　　{ACCOUNTABLE}\n责任编辑：张三\n"
    doc = read_document(text.encode("gb18030"), "notice.txt")  # GBK files are common
    assert doc.title == "西双版纳州种茶毁林问题追责情况"
    assert doc.paragraphs == [MASKS, ACCOUNTABLE]
    assert doc.editor == "张三"


def test_html_drops_scripts_styles_comments_images_and_decodes_entities():
    page = ("<!DOCTYPE html><html><head><title>网站标题</title><style>p{color:red}</style>"
            "<script>var x = '<p>不是正文</p>';</script></head><body><h1>宣威市海岱镇旧屋村饮水工程造假问题</h1>"
            "<!-- 广告位 --><p>本报讯（记者 王五）宣威市海岱镇旧屋村饮水工程&ldquo;造假&rdquo;，涉及资金&#49;&#50;0万元。</p>"
            "<p><img src='x.png'>　　共问责8人。</p><div>海量资讯、精准解读，尽在新浪财经APP</div>"
            "<p class='article-editor'>责任编辑：赵六</p></body></html>")
    doc = read_document(page.encode(), "page.html")
    assert doc.title == "宣威市海岱镇旧屋村饮水工程造假问题"
    assert doc.author == "记者 王五"
    assert doc.paragraphs == ["宣威市海岱镇旧屋村饮水工程“造假”，涉及资金120万元。", "共问责8人。"]
    assert doc.editor == "赵六"


def test_a_text_pdf_is_read_and_its_figures_found(db):
    data = pdf_bytes(["关于大理州违规截留口罩问题的通报", "　　" + MASKS, "　　" + ACCOUNTABLE])
    imported = document_import(actor=None, data=data, filename="通报.pdf")
    document = imported.document
    assert document.file_format == "pdf"
    assert document.title == "关于大理州违规截留口罩问题的通报"
    assert document.paragraphs == [MASKS, ACCOUNTABLE]
    assert document.region == "大理州"
    figures = [(int(f.value), f.approx, f.unit, f.what) for f in imported.facts]
    assert (598, "", "箱", "") not in figures  # 箱 is not a unit we count
    assert (15000, "约", "个", "口罩") in figures
    assert (12, "", "名", "干部") in figures  # 十二名 → 12
    assert any(v == 2000 and a == "余" and u == "人" for v, a, u, _w in figures)  # 两千余人 → 2000, approx 余


def test_a_scanned_pdf_without_text_is_refused():
    with pytest.raises(CaseFileError, match="扫描件"):
        read_document(pdf_bytes([]), "scan.pdf")


def test_the_seed_format_is_recognised_by_its_front_matter_whatever_the_extension(seed_bytes):
    for name in ("article.txt", "article.html", "article"):
        doc = read_document(seed_bytes["interview"], name)
        assert doc.file_format == "seed" and doc.title == "云南12家单位巡视整改不力被约谈"


def test_a_zip_bomb_docx_is_refused_before_anything_inflates_it(db, settings):
    settings.RECTIFY_CASE_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
    bomb = zip_bomb_docx(120)
    assert len(bomb) < 1024 * 1024
    with pytest.raises(CaseFileError, match="解压后超过 50 MB"):
        document_import(actor=None, data=bomb, filename="通报.docx")
    assert not CaseDocument.objects.exists()


@pytest.mark.parametrize(("data", "message"), [
    (b"MZ\x90\x00" + bytes(range(256)) * 8, "内容无法识别"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "另存为 .docx"),
    (b"PK\x03\x04garbage", "不是 Word 文档"),
    (b"   \n", "空文件"),
])
def test_files_that_are_not_documents_are_refused_with_what_to_do(data, message):
    with pytest.raises(CaseFileError, match=message):
        read_document(data, "通报.docx")


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.RECTIFY_CASE_MAX_FILE_BYTES = 1024
    with pytest.raises(CaseFileError, match="超过可导入的上限"):
        read_document(("标题\n" + "正文" * 1000).encode(), "big.txt")


def test_a_date_line_under_the_title_is_the_date_and_not_body():
    doc = read_document(f"瑞丽市疫情防控问题通报\n2021年4月2日\n　　德宏州瑞丽市{MASKS}\n".encode(), "n.txt")
    assert doc.date == dt.date(2021, 4, 2)
    assert doc.paragraphs == [f"德宏州瑞丽市{MASKS}"]


def test_a_pdf_that_inflates_beyond_the_memory_limit_stops_the_child_not_the_server(db, settings):
    """PDFs and Word files are read in the ledger's sandbox: a stream bomb runs the child out of memory."""
    settings.RECTIFY_PARSE_MAX_MEMORY_MB = 768
    bomb = pdf_stream_bomb(1024)
    assert len(bomb) < 2 * 1024 * 1024
    with pytest.raises(CaseFileError, match="超出内存或时间限制"):
        document_import(actor=None, data=bomb, filename="大文件.pdf")
    assert not CaseDocument.objects.exists()
    assert document_import(actor=None, data=pdf_bytes(["标题", "　　正文。"]), filename="x.pdf").document.pk
