"""Reading the documents people circulate into one shape: title, date, source, byline, editor, categories and
clean paragraphs. Pure functions over bytes (no database), so the CLI, the upload page and the API read a file
the same way.

Formats, told by content and never by extension alone:

1. the scraped-post format of the seeds: a ``---`` front-matter block (title, categories, author, date …) then
   the article's HTML — recognised by its front matter whatever the file is called (the seeds are ``.txt``);
2. ``.docx`` (a zip package with ``word/document.xml``), after a bounded look at the package (zip bomb);
3. text PDFs (pdfminer.six); a scanned PDF without a text layer is refused with a message saying so;
4. HTML (a page saved from a browser);
5. plain text (UTF-8 or GBK/GB18030): the first non-empty line is the title.

Clean paragraphs: entities decoded, images dropped, ``<style>``/``<script>`` blocks and comments skipped, the
portal's app-promotion line, the "原标题" line and the editor line (责任编辑：…) kept out of the body; a byline
(本报讯（记者 …）, 中央纪委国家监委网站 … 通讯员 …) is cut from the start of its paragraph and the rest of the
paragraph kept.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from rectify.core.text import decode_text

SHANGHAI = ZoneInfo("Asia/Shanghai")
MB = 1024 * 1024


class CaseFileError(Exception):
    """The file cannot be read as a case document; ``message`` says why and what to do, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ParsedDocument:
    title: str = ""
    date: dt.date | None = None
    source: str = ""
    author: str = ""
    editor: str = ""
    original_title: str = ""
    categories: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    file_format: str = ""  # seed / docx / pdf / html / txt


def max_file_bytes() -> int:
    return getattr(settings, "RECTIFY_CASE_MAX_FILE_BYTES", 20 * MB)


def max_unpacked_bytes() -> int:
    return getattr(settings, "RECTIFY_CASE_MAX_UNPACKED_BYTES", 50 * MB)


# =========================================================================== text helpers

_SPACE = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean_text(text: str) -> str:
    """One paragraph as a reader sees it: no control characters, no indentation (全角空格), single spaces."""
    text = _CONTROL.sub("", html.unescape(text or ""))
    return _SPACE.sub(" ", text).strip()


_PROMOTION = re.compile(r"(尽在|下载|打开|关注).{0,12}(APP|App|app|客户端|公众号)|扫(描)?二维码|海量资讯")
_EDITOR = re.compile(r"^[（(]?(?:责任编辑|责编|编辑)\s*[:：]\s*(?P<name>[^）)]*?)[）)]?$")
_ORIGINAL_TITLE = re.compile(r"^原标题\s*[:：]\s*(?P<title>.+)$")
# 本报讯（记者 李灵娜）… / 新华社昆明4月10日电（记者 …）…
_BYLINE_WRAPPED = re.compile(r"^(?P<lead>(?:本报|本网|本刊)讯|[\u4e00-\u9fff]{2,12}社[\u4e00-\u9fff\d]*电)\s*"
                             r"[（(](?P<who>[^）)]{1,60})[）)]\s*")
# 中央纪委国家监委网站 孟庆毅 通讯员 罗婷婷 (a paragraph of names, outlet first)
_OUTLET = r"(?:中央纪委国家监委网站|[\u4e00-\u9fff]{2,12}(?:网站|日报|晚报|报|网|电视台|广播电台))"
_NAMES = r"[\u4e00-\u9fff·]{2,5}(?:\s+[\u4e00-\u9fff·]{2,5})*"
_BYLINE_PLAIN = re.compile(rf"^(?P<who>(?:{_OUTLET}\s+)?(?:(?:记者|通讯员|实习生|特约记者)\s*)?{_NAMES}"
                           rf"(?:\s+(?:记者|通讯员|实习生|特约记者)\s*{_NAMES})*)(?:\s+|$)")
_BYLINE_MARK = re.compile(r"记者|通讯员|实习生|网站")


def split_byline(paragraph: str) -> tuple[str, str]:
    """(byline, rest of the paragraph); ("", paragraph) when the paragraph does not start with one."""
    m = _BYLINE_WRAPPED.match(paragraph)
    if m:
        return clean_text(m.group("who")), paragraph[m.end():].strip()
    m = _BYLINE_PLAIN.match(paragraph)
    if m and _BYLINE_MARK.search(m.group("who")) and (m.end() == len(paragraph) or len(m.group("who")) <= 40):
        rest = paragraph[m.end():].strip()
        if not rest or m.group("who").count(" ") >= 1:
            return clean_text(m.group("who")), rest
    return "", paragraph


def _tidy(blocks: list[tuple[str, str]], doc: ParsedDocument) -> None:
    """Blocks (css class, text) → the document's paragraphs, with bylines, editor and boilerplate taken out."""
    for css, raw in blocks:
        text = clean_text(raw)
        if not text:
            continue
        m = _EDITOR.match(text)
        if m or "article-editor" in css:
            doc.editor = doc.editor or _editor_name(m.group("name") if m else text)
            continue
        m = _ORIGINAL_TITLE.match(text)
        if m or "ori_titlesource" in css:
            doc.original_title = doc.original_title or clean_text(m.group("title") if m else text)
            continue
        if _PROMOTION.search(text) and len(text) <= 40:
            continue
        if not doc.paragraphs and not doc.author:
            who, text = split_byline(text)
            if who:
                doc.author = who
                if not text:
                    continue
        doc.paragraphs.append(text)


def _editor_name(text: str) -> str:
    """"责任编辑：梁斌 SF055" → "梁斌" (the portal's work code after the name is not part of it)."""
    text = re.sub(r"^(?:责任编辑|责编|编辑)\s*[:：]\s*", "", clean_text(text))
    return re.sub(r"\s+[A-Za-z]{0,4}\d+[A-Za-z\d]*$", "", text).strip(" （）()")


# =========================================================================== HTML

_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "section", "article", "td", "th",
           "tr", "table", "ul", "ol", "br", "pre", "header", "footer", "title"}
_SKIP = {"style", "script", "noscript", "iframe", "template", "svg", "head", "object", "video", "audio", "button",
         "select", "nav"}


class _Blocks(HTMLParser):
    """Text by block, with the css class of the innermost block; skipped elements and comments never appear."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self.title = ""
        self._buf: list[str] = []
        self._css: list[str] = []
        self._skip = 0
        self._in_title = False
        self._h1: str | None = None

    def _flush(self) -> None:
        text = "".join(self._buf)
        self._buf = []
        if text.strip():
            self.blocks.append((self._css[-1] if self._css else "", text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP and tag != "head":
            self._skip += 1
            return
        if tag == "title":
            self._in_title = True
            return
        if tag in _BLOCKS:
            self._flush()
            if tag != "br":
                self._css.append(" ".join(v or "" for k, v in attrs if k == "class"))
        if tag == "h1" and self._h1 is None:
            self._h1 = ""

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and tag != "head":
            self._skip = max(0, self._skip - 1)
            return
        if tag == "title":
            self._in_title = False
            return
        if tag in _BLOCKS and tag != "br":
            if tag == "h1" and self._h1 == "":
                self._h1 = clean_text("".join(self._buf))
            self._flush()
            if self._css:
                self._css.pop()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_title:
            self.title += data
            return
        self._buf.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def _html_blocks(markup: str) -> tuple[list[tuple[str, str]], str, str]:
    parser = _Blocks()
    parser.feed(markup)
    parser.close()
    return parser.blocks, clean_text(parser.title), parser._h1 or ""


def read_html(markup: str, *, title_from_body: bool = True) -> ParsedDocument:
    blocks, title, h1 = _html_blocks(markup)
    doc = ParsedDocument(file_format="html")
    if h1:
        blocks = [(css, text) for css, text in blocks if clean_text(text) != h1]
    doc.title = h1 or title
    _tidy(blocks, doc)
    if title_from_body and not doc.title and doc.paragraphs:
        doc.title = doc.paragraphs.pop(0)
    return doc


# =========================================================================== the seed format (front matter + HTML)

_FRONT = re.compile(r"\A\s*---[ \t]*\r?\n(?P<head>.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)\s*:\s*(?P<value>.*)$")


def front_matter(text: str) -> tuple[dict[str, object], str] | None:
    """The front matter (a small YAML subset: ``key: value``, quoted strings, ``- item`` lists) and the rest;
    None when the text does not start with a ``---`` block holding at least a title or a date."""
    m = _FRONT.match(text)
    if not m:
        return None
    meta: dict[str, object] = {}
    key = None
    for line in m.group("head").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        item = re.match(r"^\s*-\s*(.*)$", line)
        if item and key is not None:
            current = meta.get(key)
            if not isinstance(current, list):
                current = []
                meta[key] = current
            current.append(_scalar(item.group(1)))
            continue
        km = _KEY.match(line.strip())
        if km:
            key = km.group("key").lower()
            value = km.group("value").strip()
            meta[key] = _scalar(value) if value else []
    if not ({"title", "date"} & meta.keys()):
        return None
    return meta, text[m.end():]


def _scalar(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        inner = value[1:-1]
        return inner.replace("''", "'") if value[0] == "'" else inner.replace('\\"', '"')
    return value


def local_date(value: str) -> dt.date | None:
    """The front matter's date (RFC 2822 "Sun, 11 Apr 2021 03:28:25 GMT", ISO "2021-04-11[T…]") as the
    calendar day in Asia/Shanghai; a date without a zone is taken as already local."""
    value = (value or "").strip()
    if not value:
        return None
    moment: dt.datetime | None = None
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        try:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            m = re.match(r"(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})", value)
            if not m:
                return None
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(SHANGHAI).date()


def read_seed(meta: dict[str, object], body: str) -> ParsedDocument:
    doc = read_html(body, title_from_body=False)
    doc.file_format = "seed"
    doc.title = clean_text(str(meta.get("title") or "")) or doc.title
    doc.date = local_date(str(meta.get("date") or ""))
    doc.source = clean_text(str(meta.get("author") or meta.get("source") or ""))
    cats = meta.get("categories") or meta.get("tags") or []
    if isinstance(cats, str):
        cats = [c for c in re.split(r"[,，、]", cats)]
    doc.categories = list(dict.fromkeys(clean_text(str(c)) for c in cats if clean_text(str(c))))
    return doc


# =========================================================================== plain text

_DATE_IN_TEXT = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def read_text(text: str) -> ParsedDocument:
    doc = ParsedDocument(file_format="txt")
    lines = [line for line in text.splitlines()]
    blocks = [("", line) for line in lines if clean_text(line)]
    if blocks:
        doc.title = clean_text(blocks.pop(0)[1])
    _tidy(blocks, doc)
    _date_from_body(doc)
    return doc


_DATE_LINE = re.compile(r"^[（(]?\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*[）)]?$")


def _date_from_body(doc: ParsedDocument) -> None:
    """A dated notice states its date (2021年4月11日) near its start or end. A paragraph that is only a date is
    the document's date and leaves the body; otherwise the first date found near the start or end."""
    for index in [*range(min(2, len(doc.paragraphs))), *range(max(0, len(doc.paragraphs) - 2), len(doc.paragraphs))]:
        m = _DATE_LINE.match(doc.paragraphs[index])
        if m:
            try:
                day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                continue
            doc.date = doc.date or day
            del doc.paragraphs[index]
            return
    if doc.date is not None:
        return
    for paragraph in doc.paragraphs[:3] + doc.paragraphs[-3:]:
        m = _DATE_IN_TEXT.search(paragraph)
        if m:
            try:
                doc.date = dt.date(int(m[1]), int(m[2]), int(m[3]))
                return
            except ValueError:
                continue


# =========================================================================== .docx


def _bounded_package(data: bytes, filename: str) -> None:
    """Refuse a zip bomb before python-docx inflates anything: at most 2,000 entries, and every entry inflated
    here in 1 MB pieces (never trusting the sizes its header declares) within the unpacked-size budget."""
    budget = max_unpacked_bytes()
    too_big = CaseFileError(_("文件“%(name)s”解压后超过 %(max)s MB（或压缩比异常），不像正常的 Word 文档：请删除其中的"
                              "大图片后另存再导入。") % {"name": filename, "max": budget // MB})
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > 2000:
                raise too_big
            if sum(i.file_size for i in infos) > budget:
                raise too_big
            total = 0
            for info in infos:
                with archive.open(info) as stream:
                    while True:
                        piece = stream.read(MB)
                        if not piece:
                            break
                        total += len(piece)
                        if total > budget:
                            raise too_big
    except CaseFileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError,
            RuntimeError):
        raise CaseFileError(_("文件“%(name)s”已损坏，无法作为 Word 文档打开：请用 Word 或 WPS 打开后另存为 .docx 再导入。")
                            % {"name": filename}) from None


def read_docx(data: bytes, filename: str) -> ParsedDocument:
    _bounded_package(data, filename)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except MemoryError:
        raise
    except Exception:
        raise CaseFileError(_("文件“%(name)s”已损坏，无法作为 Word 文档打开：请用 Word 或 WPS 打开后另存为 .docx 再导入。")
                            % {"name": filename}) from None
    doc = ParsedDocument(file_format="docx")
    blocks: list[tuple[str, str]] = []
    for paragraph in document.paragraphs:
        text = clean_text(paragraph.text)
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if not doc.title and (style.lower() == "title" or style.lower().startswith("heading") or not blocks):
            doc.title = text
            continue
        blocks.append(("", text))
    props = document.core_properties
    if props.title and not doc.title:
        doc.title = clean_text(props.title)
    _tidy(blocks, doc)
    if props.created and props.created.year > 1990:
        created = props.created if props.created.tzinfo else props.created.replace(tzinfo=dt.UTC)
        doc.date = None  # the body's date wins: a file's creation time is often a template's
        _date_from_body(doc)
        doc.date = doc.date or created.astimezone(SHANGHAI).date()
    else:
        _date_from_body(doc)
    return doc


# =========================================================================== PDF


def read_pdf(data: bytes, filename: str) -> ParsedDocument:
    from pdfminer.high_level import extract_text
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        text = extract_text(io.BytesIO(data), maxpages=200)
    except PDFSyntaxError:
        raise CaseFileError(_("文件“%(name)s”已损坏，无法作为 PDF 打开。") % {"name": filename}) from None
    except MemoryError:
        raise  # the sandbox reports it as what it is
    except Exception as error:  # pdfminer raises many kinds (encrypted, broken streams)
        if "encrypt" in type(error).__name__.lower() or "password" in str(error).lower():
            raise CaseFileError(_("文件“%(name)s”设置了打开密码：请去掉密码后再导入。") % {"name": filename}) from None
        raise CaseFileError(_("文件“%(name)s”无法作为 PDF 读取。") % {"name": filename}) from None
    if not clean_text(text):
        raise CaseFileError(_("文件“%(name)s”没有可提取的文字（可能是扫描件）：请导入文字版 PDF、Word 或文本文件。")
                            % {"name": filename})
    # pdfminer ends every line of the page; a paragraph ends where a line is short or the next is indented.
    paragraphs: list[str] = []
    current = ""
    for line in text.replace("\f", "\n\n").split("\n"):
        stripped = line.strip()
        if not stripped:
            if current:
                paragraphs.append(current)
                current = ""
            continue
        if line.startswith(("\u3000", "  ")) and current:
            paragraphs.append(current)
            current = ""
        current += stripped
    if current:
        paragraphs.append(current)
    doc = read_text("\n".join(paragraphs))
    doc.file_format = "pdf"
    return doc


# =========================================================================== dispatch


def _looks_like_html(text: str, filename: str) -> bool:
    head = text[:2048].lstrip().lower()
    if filename.lower().endswith((".html", ".htm")):
        return True
    return head.startswith(("<!doctype html", "<html", "<div", "<p", "<article", "<body", "<head", "<meta"))


def read_document(data: bytes, filename: str) -> ParsedDocument:
    """The document in ``data`` (told by content), or :class:`CaseFileError` with what to do."""
    limit = max_file_bytes()
    if len(data) > limit:
        raise CaseFileError(_("文件“%(name)s”有 %(size)s MB，超过可导入的上限 %(max)s MB。")
                            % {"name": filename, "size": f"{len(data) / MB:.1f}", "max": limit // MB})
    if not data.strip():
        raise CaseFileError(_("文件“%(name)s”是空文件。") % {"name": filename})
    if b"%PDF" in data[:1024]:
        doc = read_pdf(data, filename)
    elif data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            names = set()
        if "word/document.xml" not in names:
            raise CaseFileError(_("文件“%(name)s”是压缩包或其他 Office 文件，不是 Word 文档：案例库可导入 .docx、.txt、"
                                  ".html、文字版 PDF 和网页转存的文章。") % {"name": filename})
        doc = read_docx(data, filename)
    elif data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise CaseFileError(_("文件“%(name)s”是旧版 Word/WPS 格式（.doc/.wps）：请用 Word 或 WPS 另存为 .docx 再导入。")
                            % {"name": filename})
    else:
        text = decode_text(data)
        if text is None:
            raise CaseFileError(_("文件“%(name)s”不是文本、Word 或 PDF 文档（内容无法识别），未导入。") % {"name": filename})
        text = unicodedata.normalize("NFC", text)
        found = front_matter(text)
        if found is not None:
            doc = read_seed(*found)
        elif _looks_like_html(text, filename):
            doc = read_html(text)
        else:
            doc = read_text(text)
    doc.title = doc.title[:300]
    if not doc.title:
        raise CaseFileError(_("文件“%(name)s”中找不到标题。") % {"name": filename})
    if not doc.paragraphs:
        raise CaseFileError(_("文件“%(name)s”没有正文。") % {"name": filename})
    return doc


# =========================================================================== behind the ledger's sandbox

_BINARY = (b"%PDF", b"PK\x03\x04")


def read_in_child(data: bytes, filename: str) -> ParsedDocument:
    """The sandbox's reader (registered in ``apps.CasesConfig.ready``): runs in the child process."""
    from rectify.ledger.types import LedgerFileError

    try:
        return read_document(data, filename)
    except CaseFileError as error:
        raise LedgerFileError(error.message) from None


def read_document_safely(data: bytes, filename: str) -> ParsedDocument:
    """:func:`read_document`, with PDFs and Word files (whose readers inflate streams and XML a file may make
    huge) read in the ledger's sandbox: a child process with a memory and a time limit (DECISIONS 26)."""
    if len(data) > max_file_bytes() or not (b"%PDF" in data[:1024] or data.startswith(_BINARY[1])):
        return read_document(data, filename)
    from rectify.ledger.sandbox import SandboxCrash, run_reader
    from rectify.ledger.types import LedgerFileError

    try:
        return run_reader("case_document", {"data": data, "filename": filename}, filename=filename)
    except (LedgerFileError, SandboxCrash) as error:
        message = getattr(error, "message", "") or ""
        if isinstance(error, SandboxCrash) and "MemoryError" not in str(error):
            raise CaseFileError(_("文件“%(name)s”无法读取（文件可能已损坏）。") % {"name": filename}) from None
        if isinstance(error, SandboxCrash) or "超出内存限制" in message or "仍未完成" in message:
            raise CaseFileError(_("文件“%(name)s”过大或结构异常，读取时超出内存或时间限制，已停止处理：请另存为文字版 PDF "
                                  "或 .docx 后再导入。") % {"name": filename}) from None
        raise CaseFileError(message) from None
