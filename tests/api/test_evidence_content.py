"""Evidence files are checked by what they contain, not by their names, and by size while they stream in."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test import Client, RequestFactory
from django.urls import reverse

from rectify.accounts.models import Role
from rectify.core.uploads import SizeLimitUploadHandler, refused_uploads
from rectify.rectification.models import Evidence

# A Windows program as it starts: the DOS header and its stub text.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + \
      b"\x80\x00\x00\x00" + b"This program cannot be run in DOS mode.\r\r\n$" + b"\x00" * 400


def png(width: int, height: int) -> bytes:
    """A PNG that is only a signature and a header: its declared size is all a viewer needs to allocate."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return b"\x89PNG\r\n\x1a\n" + chunk + b"\x00\x00\x00\x00IEND\xaeB`\x82"


def jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0\x00\x11\x08" + struct.pack(">HH", height, width) + b"\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def word_document() -> bytes:
    document = docx.Document()
    document.add_paragraph("整改情况报告")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def workbook() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["清退明细", 1200])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def zip_of(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buf.getvalue()


def web_upload(client: Client, world, name: str, content: bytes):  # type: ignore[no-untyped-def]
    client.force_login(world[Role.UNIT_MEMBER])
    return client.post(reverse("rectification:task_evidence", args=[world.task_a.pk]),
                       {"file": SimpleUploadedFile(name, content), "description": "佐证"})


def api_upload(api, world, name: str, content: bytes):  # type: ignore[no-untyped-def]
    return api(Role.UNIT_MEMBER).post_file(f"/tasks/{world.task_a.pk}/evidence",
                                           file=SimpleUploadedFile(name, content))


def test_a_renamed_executable_is_refused_on_the_page_and_over_the_api(world, client, api):
    page = web_upload(client, world, "整改报告.pdf", EXE)
    assert page.status_code == 400
    text = page.content.decode()
    assert "文件“整改报告.pdf”的扩展名是 .pdf，但内容看起来是Windows 可执行程序（.exe/.dll），不是PDF 文档，未保存" in text
    response = api_upload(api, world, "整改报告.pdf", EXE)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "file_content" and body["details"] == {"field": "file"}
    assert "整改报告.pdf" in body["message"] and "Windows 可执行程序" in body["message"]
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(("name", "content", "looks"), [
    ("会议纪要.docx", zip_of({"notes.txt": b"x"}), "ZIP 压缩包"),  # a zip, but not a Word package
    ("明细.xlsx", word_document(), "Word 文档（.docx）"),
    ("照片.jpg", png(800, 600), "PNG 图片"),
    ("说明.txt", "清退说明".encode() + b"\x00\x00\x00binary", ""),
    ("归档.zip", b"PK\x03\x04 truncated archive", ""),
    ("通知.doc", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "网页（HTML/SVG）文件"),
    ("报告.ofd", zip_of({"Doc_0/Document.xml": b"<x/>"}), "ZIP 压缩包"),
])
def test_content_that_is_not_what_the_extension_says_is_refused(world, api, name, content, looks):
    response = api_upload(api, world, name, content)
    assert response.status_code == 400, response.content
    message = response.json()["message"]
    assert response.json()["code"] == "file_content" and f"文件“{name}”" in message and looks in message


@pytest.mark.parametrize(("name", "content"), [
    ("整改报告.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
    ("整改报告.docx", word_document()),
    ("整改报告.doc", word_document()),  # a .docx saved under the old name opens in Word and WPS
    ("清退明细.xlsx", workbook()),
    ("清退明细.et", workbook()),
    ("现场照片.png", png(4000, 3000)),
    ("现场照片.jpeg", jpeg(6000, 4000)),
    ("说明.txt", "整改说明：已清退。\r\n".encode()),
    ("说明（GBK）.txt", "整改说明：已清退。\r\n".encode("gbk")),
    ("材料.zip", zip_of({"a.pdf": b"%PDF-1.4", "b.txt": b"x"})),
    ("材料.rar", b"Rar!\x1a\x07\x01\x00" + b"\x00" * 32),
    ("版式文件.ofd", zip_of({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<x/>"})),
    ("视频.mp4", b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + b"\x00" * 64),
])
def test_real_files_of_every_allowed_kind_are_accepted(world, api, name, content):
    response = api_upload(api, world, name, content)
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("content", [png(100_000, 100_000), jpeg(65_000, 65_000), png(20_000, 20_000)])
def test_an_image_declaring_an_absurd_size_is_refused_before_anyone_decodes_it(world, api, client, content):
    response = api_upload(api, world, "现场照片.png" if content.startswith(b"\x89PNG") else "现场照片.jpg", content)
    assert response.status_code == 400 and response.json()["code"] == "file_content"
    assert "声明的尺寸为" in response.json()["message"] and "像素" in response.json()["message"]
    page = web_upload(client, world, "现场照片.png" if content.startswith(b"\x89PNG") else "现场照片.jpg", content)
    assert page.status_code == 400 and "声明的尺寸为" in page.content.decode()
    assert not Evidence.objects.exists()


def test_utf16_text_is_refused_with_how_to_fix_it(world, api):
    response = api_upload(api, world, "说明.txt", "整改说明".encode("utf-16"))
    assert response.status_code == 400 and "UTF-16" in response.json()["message"]
    assert "另存为 UTF-8" in response.json()["message"]


# --------------------------------------------------------------------------- size while streaming

def test_an_oversized_upload_is_refused_while_it_streams_on_the_page(world, settings):
    settings.RECTIFY_EVIDENCE_MAX_BYTES = 64 * 1024
    client = Client(enforce_csrf_checks=True)  # the CSRF token after the skipped file must still be read
    client.force_login(world[Role.UNIT_MEMBER])
    url = reverse("rectification:task_evidence", args=[world.task_a.pk])
    page = client.get(reverse("rectification:task_detail", args=[world.task_a.pk])).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    big = SimpleUploadedFile("扫描件.pdf", b"%PDF-1.4\n" + b"0" * (200 * 1024))
    response = client.post(url, {"csrfmiddlewaretoken": token, "file": big, "description": "扫描件"})
    assert response.status_code == 413
    assert "文件“扫描件.pdf”超过 64 KB 的上限，未保存" in response.content.decode()
    assert not Evidence.objects.exists()


def test_an_oversized_upload_is_refused_while_it_streams_over_the_api(world, api, settings):
    settings.RECTIFY_EVIDENCE_MAX_BYTES = 1024 * 1024
    response = api_upload(api, world, "扫描件.pdf", b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024))
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "file_too_large" and "文件“扫描件.pdf”超过 1 MB 的上限，未保存" in body["message"]
    assert body["details"]["limit_bytes"] == 1024 * 1024
    assert not Evidence.objects.exists()
    assert api_upload(api, world, "扫描件.pdf", b"%PDF-1.4\n" + b"0" * 1000).status_code == 201


def test_the_handler_stops_keeping_a_file_at_the_limit_and_still_reads_the_other_fields(world, settings, tmp_path):
    """Below the page and the API: the parser never hands more than the limit to the handler that writes
    the temporary file, and the fields after the file are still parsed."""
    settings.RECTIFY_EVIDENCE_MAX_BYTES = 100 * 1024
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every file to a temporary file, as large uploads go
    seen: list[int] = []

    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    class Recording(TemporaryFileUploadHandler):
        def receive_data_chunk(self, raw_data: bytes, start: int):  # type: ignore[no-untyped-def]
            seen.append(start + len(raw_data))
            return super().receive_data_chunk(raw_data, start)

    request = RequestFactory().post(reverse("api:task_evidence", args=[world.task_a.pk]), {
        "file": SimpleUploadedFile("扫描件.pdf", b"%PDF" + b"0" * (2 * 1024 * 1024)), "description": "说明"})
    from django.urls import resolve

    request.resolver_match = resolve(request.path)
    handlers = [SizeLimitUploadHandler(request), Recording(request)]
    post, files = MultiPartParser(request.META, io.BytesIO(request.body), handlers).parse()
    assert "file" not in files and post["description"] == "说明"
    assert max(seen) <= 100 * 1024
    assert refused_uploads(request)["file"].filename == "扫描件.pdf"
