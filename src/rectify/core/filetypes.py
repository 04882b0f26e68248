"""What an uploaded file really is, told by its content (magic bytes), against what its name says.

An ``.exe`` renamed ``报告.pdf`` is still an executable; a "photo" whose header claims 100,000 × 100,000
pixels is a decompression bomb for whoever previews it. :func:`check_content` reads the file's content —
never trusting the extension or the browser's content type — and returns a message that names the file,
what its extension promises and what it really looks like, or None when the content is what the name
says. The allow-list per extension:

- pdf: ``%PDF`` within the first 1 KB;
- doc, wps: a Word binary document (an OLE compound file with a WordDocument stream), RTF, or a Word
  .docx package (renamed .doc files are common and open in Word and WPS);
- xls, et: an Excel binary workbook (OLE with a Workbook/Book stream) or an .xlsx package;
- docx, xlsx: a zip package holding ``[Content_Types].xml`` and ``word/document.xml`` / ``xl/workbook.xml``,
  or the same package encrypted with an open password (OLE with EncryptionInfo and EncryptedPackage);
- ofd: a zip package holding ``OFD.xml`` (China's fixed-layout document format);
- jpg, jpeg, png: the image signature, and the dimensions its header declares (SOF / IHDR) at most
  :data:`MAX_SIDE` per side and :data:`MAX_PIXELS` in all;
- txt: UTF-8 or GBK/GB18030 text, without NUL and almost without control characters;
- zip: a zip archive whose central directory can be read (stored as it is, never unpacked here);
- rar: the RAR 4 or RAR 5 signature; mp4: an ISO media file (``ftyp`` box).

An extension added to ``RECTIFY_EVIDENCE_EXTENSIONS`` without a rule here is accepted unless its content is
an executable, a script or a web page.
"""

from __future__ import annotations

import codecs
import io
import struct
import zipfile
from collections.abc import Callable
from typing import IO

from django.utils.translation import gettext, gettext_noop

HEAD = 64 * 1024
MAX_SIDE = 30_000  # pixels per side: an A3 page scanned at 600 dpi is 7,016 × 9,921
MAX_PIXELS = 150_000_000  # in all: the largest phone cameras take 200 MP, documents need far less

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PNG = b"\x89PNG\r\n\x1a\n"

# What a file looks like, for messages (gettext_noop: translated where shown).
EXE = gettext_noop("Windows 可执行程序（.exe/.dll）")
ZIP = gettext_noop("ZIP 压缩包")
DOCX = gettext_noop("Word 文档（.docx）")
XLSX = gettext_noop("Excel 工作簿（.xlsx）")
PPTX = gettext_noop("PowerPoint 演示文稿（.pptx）")
OFD = gettext_noop("OFD 版式文档")
JAR = gettext_noop("Java 程序包（.jar）")
TEXT = gettext_noop("文本文件")

#: (test on the first 64 KB, what it looks like, whether it is refused under any name)
_LOOKS: list[tuple[Callable[[bytes], bool], str, bool]] = [
    (lambda h: h.startswith(b"MZ"), EXE, True),
    (lambda h: h.startswith(b"\x7fELF"), gettext_noop("Linux 可执行程序"), True),
    (lambda h: h[:4] in (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe"),
     gettext_noop("macOS 可执行程序"), True),
    (lambda h: h.startswith(b"\xca\xfe\xba\xbe"), gettext_noop("Java 程序或 macOS 可执行程序"), True),
    (lambda h: h.startswith(b"#!"), gettext_noop("脚本程序"), True),
    (lambda h: _is_markup(h), gettext_noop("网页（HTML/SVG）文件"), True),
    (lambda h: b"%PDF" in h[:1024], gettext_noop("PDF 文档"), False),
    (lambda h: h.startswith(OLE), gettext_noop("Office 97-2003 格式的文件（.doc/.xls/.ppt/.wps/.et）或安装包（.msi）"),
     False),
    (lambda h: h.startswith(b"{\\rtf"), gettext_noop("RTF 文档"), False),
    (lambda h: h.startswith(b"\xff\xd8\xff"), gettext_noop("JPEG 图片"), False),
    (lambda h: h.startswith(PNG), gettext_noop("PNG 图片"), False),
    (lambda h: h[:6] in (b"GIF87a", b"GIF89a"), gettext_noop("GIF 图片"), False),
    (lambda h: h.startswith(b"BM"), gettext_noop("BMP 图片"), False),
    (lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP", gettext_noop("WebP 图片"), False),
    (lambda h: h[:4] in (b"II*\x00", b"MM\x00*"), gettext_noop("TIFF 图片"), False),
    (lambda h: h.startswith(b"Rar!\x1a\x07"), gettext_noop("RAR 压缩包"), False),
    (lambda h: h.startswith(b"7z\xbc\xaf\x27\x1c"), gettext_noop("7-Zip 压缩包"), False),
    (lambda h: h.startswith(b"\x1f\x8b"), gettext_noop("gzip 压缩包"), False),
    (lambda h: h[4:8] == b"ftyp", gettext_noop("MP4/MOV 视频"), False),
    (lambda h: h[:4] == b"RIFF" and h[8:12] == b"AVI ", gettext_noop("AVI 视频"), False),
]

_EXPECTED = {
    "pdf": gettext_noop("PDF 文档"), "doc": gettext_noop("Word 文档"), "wps": gettext_noop("WPS 文字文档"),
    "docx": DOCX, "xls": gettext_noop("Excel 工作簿"), "et": gettext_noop("WPS 表格工作簿"), "xlsx": XLSX,
    "ofd": OFD, "jpg": gettext_noop("JPEG 图片"), "jpeg": gettext_noop("JPEG 图片"), "png": gettext_noop("PNG 图片"),
    "txt": gettext_noop("UTF-8 或 GBK 编码的文本文件"), "zip": ZIP, "rar": gettext_noop("RAR 压缩包"),
    "mp4": gettext_noop("MP4 视频"),
}


def _is_markup(head: bytes) -> bool:
    text = head[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<!doctype html", b"<html", b"<script", b"<svg", b"<?xml")) and (
        not text.startswith(b"<?xml") or b"<svg" in head[:4096].lower() or b"<html" in head[:4096].lower())


def looks_like(fh: IO[bytes]) -> str:
    """What the content looks like, in the active language (for messages)."""
    head = _head(fh)
    if not head:
        return gettext("空文件")
    if head.startswith(b"PK\x03\x04"):
        return gettext(_package_kind(fh) or ZIP)
    for test, label, _dangerous in _LOOKS:
        if test(head):
            return gettext(label)
    if _text_problem(fh, "") is None:
        return gettext(TEXT)
    try:
        import puremagic

        kind = next((m.name for m in puremagic.magic_string(head) if m.name), "")
    except Exception:
        kind = ""
    return gettext("“%(kind)s”格式的文件") % {"kind": kind} if kind else gettext("无法识别格式的二进制文件")


def check_content(name: str, suffix: str, fh: IO[bytes]) -> str | None:
    """None when ``fh`` is what its extension ``suffix`` promises; otherwise the message to show, naming the
    file ``name`` and what it really looks like."""
    rule = _RULES.get(suffix)
    if rule is None:
        head = _head(fh)
        dangerous = any(test(head) and bad for test, _label, bad in _LOOKS)
        return _mismatch(name, suffix, fh) if dangerous else None
    problem = rule(fh, name)
    fh.seek(0)
    if problem is True:
        return _mismatch(name, suffix, fh)
    return problem or None


def _mismatch(name: str, suffix: str, fh: IO[bytes]) -> str:
    what = looks_like(fh)
    expected = gettext(_EXPECTED[suffix]) if suffix in _EXPECTED else f".{suffix}"
    return (gettext("文件“%(name)s”的扩展名是 .%(suffix)s，但内容看起来是%(what)s，不是%(expected)s，未保存。"
                    "请上传真实的文件（只改扩展名不能改变文件格式）。")
            % {"name": name, "suffix": suffix, "what": what, "expected": expected})


def _head(fh: IO[bytes], size: int = HEAD) -> bytes:
    fh.seek(0)
    head = fh.read(size)
    fh.seek(0)
    return head


# --------------------------------------------------------------------------- rules: True = not that type

def _pdf(fh: IO[bytes], name: str) -> bool | str | None:
    return b"%PDF" not in _head(fh, 1024)


def _ole_streams(fh: IO[bytes]) -> set[str] | None:
    if not _head(fh, 8).startswith(OLE):
        return None
    import olefile  # a dependency of msoffcrypto-tool

    try:
        ole = olefile.OleFileIO(fh)
        try:
            return {"/".join(s).lower() for s in ole.listdir(streams=True, storages=False)}
        finally:
            ole.close()
    except Exception:
        return set()
    finally:
        fh.seek(0)


def _zip_names(fh: IO[bytes]) -> set[str] | None:
    if not _head(fh, 4).startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return None
    try:
        with zipfile.ZipFile(fh) as archive:  # reads the central directory only: nothing is unpacked
            return {info.filename for info in archive.infolist()}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None
    finally:
        fh.seek(0)


def _package_kind(fh: IO[bytes]) -> str | None:
    names = _zip_names(fh) or set()
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
        if "ppt/presentation.xml" in names:
            return PPTX
    if "OFD.xml" in names:
        return OFD
    if any(n.upper() == "META-INF/MANIFEST.MF" for n in names):
        return JAR
    return None


def _encrypted_package(streams: set[str] | None) -> bool:
    return bool(streams) and {"encryptioninfo", "encryptedpackage"} <= streams  # type: ignore[operator]


def _word_binary(fh: IO[bytes], name: str) -> bool | str | None:
    if _head(fh, 5) == b"{\\rtf":
        return None
    if _package_kind(fh) == DOCX:
        return None
    streams = _ole_streams(fh)
    return not streams or "worddocument" not in streams


def _excel_binary(fh: IO[bytes], name: str) -> bool | str | None:
    if _package_kind(fh) == XLSX:
        return None
    streams = _ole_streams(fh)
    return not streams or not ({"workbook", "book"} & streams)


def _docx(fh: IO[bytes], name: str) -> bool | str | None:
    return not (_package_kind(fh) == DOCX or _encrypted_package(_ole_streams(fh)))


def _xlsx(fh: IO[bytes], name: str) -> bool | str | None:
    return not (_package_kind(fh) == XLSX or _encrypted_package(_ole_streams(fh)))


def _ofd(fh: IO[bytes], name: str) -> bool | str | None:
    return _package_kind(fh) != OFD


def _zip(fh: IO[bytes], name: str) -> bool | str | None:
    return _zip_names(fh) is None


def _rar(fh: IO[bytes], name: str) -> bool | str | None:
    return not _head(fh, 8).startswith((b"Rar!\x1a\x07\x00", b"Rar!\x1a\x07\x01\x00"))


def _mp4(fh: IO[bytes], name: str) -> bool | str | None:
    return _head(fh, 12)[4:8] != b"ftyp"


def _too_big(name: str, width: int, height: int) -> str | None:
    if width <= 0 or height <= 0:
        return gettext("图片“%(name)s”的尺寸信息无效（%(w)s × %(h)s），文件可能已损坏，未保存。请重新导出图片后上传。") % {
            "name": name, "w": width, "h": height}
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        return (gettext("图片“%(name)s”声明的尺寸为 %(w)s × %(h)s 像素，超过可接受的 %(side)s 像素边长或 %(mp)s 百万像素，"
                        "未保存。请缩小图片或改为 PDF 后上传。")
                % {"name": name, "w": f"{width:,}", "h": f"{height:,}", "side": f"{MAX_SIDE:,}",
                   "mp": f"{MAX_PIXELS // 1_000_000:,}"})
    return None


def _png(fh: IO[bytes], name: str) -> bool | str | None:
    head = _head(fh, 33)
    if not head.startswith(PNG) or head[12:16] != b"IHDR" or len(head) < 24:
        return True
    width, height = struct.unpack(">II", head[16:24])
    return _too_big(name, width, height)


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg(fh: IO[bytes], name: str) -> bool | str | None:
    """Walk the marker segments (skipping each by its length) to the frame header, which holds the size."""
    fh.seek(0)
    if fh.read(3) != b"\xff\xd8\xff":
        return True
    fh.seek(2)
    while True:
        marker = fh.read(2)
        while len(marker) == 2 and marker[0] == 0xFF and marker[1] == 0xFF:  # fill bytes
            marker = marker[1:] + fh.read(1)
        if len(marker) < 2 or marker[0] != 0xFF:
            return True  # no frame header before the data ends: not a whole JPEG
        kind = marker[1]
        if kind in (0xD8, 0x01) or 0xD0 <= kind <= 0xD7:
            continue  # markers without a length
        if kind == 0xD9:
            return True
        length = fh.read(2)
        if len(length) < 2:
            return True
        size = struct.unpack(">H", length)[0]
        if kind in _SOF:
            frame = fh.read(5)
            if len(frame) < 5:
                return True
            height, width = struct.unpack(">HH", frame[1:5])
            return _too_big(name, width, height)
        if size < 2:
            return True
        fh.seek(size - 2, io.SEEK_CUR)


def _text_problem(fh: IO[bytes], name: str) -> bool | str | None:
    """True unless the whole file decodes as UTF-8 or GBK/GB18030 without NUL and with (almost) no control
    characters; a message for UTF-16 text, which only needs saving again."""
    if _head(fh, 2) in (b"\xff\xfe", b"\xfe\xff"):
        return gettext("文本文件“%(name)s”是 UTF-16 编码，未保存。请在记事本等软件中另存为 UTF-8 编码后上传。") % {
            "name": name}
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        controls = total = 0
        fh.seek(0)
        try:
            for chunk in iter(lambda: fh.read(1024 * 1024), b""):
                text = decoder.decode(chunk)
                if "\x00" in text:
                    return True
                total += len(text)
                controls += sum(1 for ch in text if ch < " " and ch not in "\t\r\n\f")
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        finally:
            fh.seek(0)
        return True if controls > total // 100 else None
    return True


_RULES: dict[str, Callable[[IO[bytes], str], bool | str | None]] = {
    "pdf": _pdf, "doc": _word_binary, "wps": _word_binary, "docx": _docx, "xls": _excel_binary,
    "et": _excel_binary, "xlsx": _xlsx, "ofd": _ofd, "jpg": _jpeg, "jpeg": _jpeg, "png": _png,
    "txt": _text_problem, "zip": _zip, "rar": _rar, "mp4": _mp4,
}
