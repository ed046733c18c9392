"""Reading one decision paper (PDF, HTML or DOCX) into the text of its pages.

Rules:
- A document is read from its bytes; its format comes from its content (``%PDF``, a ZIP with
  ``word/document.xml``, else markup), not from its name.
- A PDF keeps its pages as printed. HTML is one page. A DOCX is split at its explicit page
  breaks.
- A document with no text to read (a scanned, image-only PDF; an encrypted one; a file that is
  not a document) is not dropped: it comes back with ``unreadable_reason`` saying why, and no
  pages.
- The title is the document's own (PDF metadata, HTML ``<title>`` or first heading, DOCX core
  properties) when it has one, else the first line of text, else the file name.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass, field

MIN_TEXT_CHARS = 20  # fewer letters than this in the whole document: nothing to read
_SPACES = re.compile(r"[ \t\u00a0]+")
_GENERIC_TITLE = re.compile(r"template|microsoft word|untitled|\.docx?\b", re.IGNORECASE)


@dataclass(frozen=True)
class ReadDocument:
    """What a document holds: its format, title and the text of each page (from page 1)."""

    doc_format: str
    title: str
    pages: tuple[str, ...] = field(default=())
    unreadable_reason: str | None = None


def detect_format(data: bytes) -> str | None:
    """``pdf``, ``docx`` or ``html`` from the bytes, or None when it is none of them."""
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            return None
        return None
    lowered = head.lower()
    if (
        b"<html" in lowered
        or b"<!doctype html" in lowered
        or b"<div" in lowered
        or b"<p" in lowered
    ):
        return "html"
    return None


def read_document(data: bytes, name: str) -> ReadDocument:
    """Read a PDF, HTML or DOCX document; an unreadable one says why instead of raising."""
    doc_format = detect_format(data)
    fallback = _title_from_name(name)
    if doc_format is None:
        return ReadDocument("unknown", fallback, (), "not a PDF, HTML or Word (DOCX) document")
    raw: list[str]
    try:
        if doc_format == "pdf":
            title, raw = _read_pdf(data)
        elif doc_format == "docx":
            title, raw = _read_docx(data)
        else:
            title, raw = _read_html(data)
    except _Unreadable as error:
        return ReadDocument(doc_format, fallback, (), str(error))
    except Exception as error:  # a damaged file is reported, never raised
        return ReadDocument(doc_format, fallback, (), f"the file could not be read: {error}")
    pages = tuple(_tidy(page) for page in raw)
    if sum(len(re.sub(r"\W", "", page)) for page in pages) < MIN_TEXT_CHARS:
        reason = (
            "no text layer: the PDF looks scanned (pages are images); it needs OCR"
            if doc_format == "pdf"
            else "the document holds no text"
        )
        return ReadDocument(doc_format, title or fallback, (), reason)
    return ReadDocument(doc_format, title or _first_line(pages) or fallback, pages)


class _Unreadable(Exception):
    pass


def _read_pdf(data: bytes) -> tuple[str | None, list[str]]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf warns through logging about damaged cross-reference tables it repairs.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
    except PdfReadError as error:
        raise _Unreadable(f"the PDF is damaged: {error}") from error
    if reader.is_encrypted:
        try:
            reader.decrypt("")
        except Exception as error:
            raise _Unreadable("the PDF is encrypted with a password") from error
    pages = [page.extract_text() or "" for page in reader.pages]
    title = None
    if reader.metadata is not None and reader.metadata.title:
        title = str(reader.metadata.title).strip() or None
    if title and (len(title.split()) < 3 or _GENERIC_TITLE.search(title)):
        title = None  # "Minutes", "Agenda Template", "Microsoft Word - report.docx"
    return title, pages


def _read_docx(data: bytes) -> tuple[str | None, list[str]]:
    import docx
    from docx.oxml.ns import qn

    document = docx.Document(io.BytesIO(data))
    pages: list[list[str]] = [[]]
    for paragraph in document.paragraphs:
        breaks = paragraph._p.findall(".//" + qn("w:br"))
        if any(br.get(qn("w:type")) == "page" for br in breaks) and pages[-1]:
            pages.append([])
        pages[-1].append(paragraph.text)
    for table in document.tables:
        for row in table.rows:
            pages[-1].append(" | ".join(cell.text for cell in row.cells))
    title = (document.core_properties.title or "").strip() or None
    return title, ["\n".join(lines) for lines in pages]


def _read_html(data: bytes) -> tuple[str | None, list[str]]:
    import lxml.html

    root = lxml.html.document_fromstring(data)
    for junk in root.xpath("//script|//style|//noscript|//template"):
        junk.drop_tree()
    title = None
    for path in ("//title", "//h1"):
        found = root.xpath(path)
        if found and found[0].text_content().strip():
            title = _SPACES.sub(" ", found[0].text_content().strip())
            break
    for block in root.xpath("//p|//div|//li|//tr|//h1|//h2|//h3|//h4|//br|//td|//th"):
        block.tail = "\n" + (block.tail or "")
    body = root.find("body")
    text = (body if body is not None else root).text_content()
    return title, [text]


def _tidy(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _first_line(pages: tuple[str, ...]) -> str | None:
    for page in pages:
        for line in page.splitlines():
            if len(line) > 3:
                return line[:200]
    return None


def _title_from_name(name: str) -> str:
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return re.sub(r"[_]+", " ", stem).strip() or name
