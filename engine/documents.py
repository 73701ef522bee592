"""Offering documents (PDF, HTML, TXT, DOCX) -> pages of text, physical page numbers kept.

Evidence cites pages, so every reader keeps the page a sentence came from. The
type is sniffed from the bytes (a renamed file still reads; the web app calls
``sniff_media_type`` on uploads), and each way a file can be unreadable is a
one-line ``InputError`` with its own code.
"""

from __future__ import annotations

import ctypes
import hashlib
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from engine import errors
from engine.errors import InputError
from engine.models.disclosures import Document, MediaType, Page

PDF: MediaType = "application/pdf"
HTML: MediaType = "text/html"
TEXT: MediaType = "text/plain"
DOCX: MediaType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SECTION_CHARS = 3000  # DOCX without page breaks: one pseudo-page per ~3,000 characters
# Zip archives (DOCX, XLSX) are checked before any XML is parsed (issue 18: a 3 MB DOCX holding a
# 2 GiB document.xml). Our own limits: a 1,000-page circular's document.xml is ~20 MB.
MAX_MEMBER_BYTES = 64 * 1024 * 1024  # one decompressed member
MAX_ARCHIVE_BYTES = 256 * 1024 * 1024  # all members together, decompressed
MAX_MEMBERS = 10_000

_HTML_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*(<!doctype\s+html|<html|<head|<body|<div|<p[\s>])",
                         re.IGNORECASE | re.DOTALL)
_BINARY = {b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
           b"\xd0\xcf\x11\xe0": "a legacy Office (OLE2) file such as .doc", b"{\\rtf": "an RTF file",
           b"II*\x00": "a TIFF image", b"MM\x00*": "a TIFF image"}


def sniff_media_type(data: bytes) -> MediaType | None:
    """The media type from content (magic bytes), or None when it is not a type we read."""
    head = data[:1024]
    if b"%PDF-" in head:
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return DOCX if b"word/" in data[:65536] or _zip_has_word(data) else None
    if any(head.startswith(magic) for magic in _BINARY):
        return None
    text = head.lstrip(b"\xef\xbb\xbf")
    if _HTML_START.match(text):
        return HTML
    if b"\x00" in data[:8192]:
        return None
    return TEXT


def _zip_has_word(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def check_archive(source: bytes | Path, shown: str) -> None:
    """Refuse a zip whose members decompress beyond MAX_MEMBER_BYTES / MAX_ARCHIVE_BYTES, before parsing it.

    The sizes are the ones the archive declares; Python's zipfile (which python-docx and
    openpyxl read through) never returns more bytes than declared and fails the CRC check
    on a member that lies, so the declared sizes bound the work.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError.single(errors.CORRUPT_DOCUMENT, f"the archive cannot be read ({exc})", shown) from None
    if len(members) > MAX_MEMBERS:
        raise InputError.single(errors.TOO_LARGE, f"the archive holds {len(members):,} files; the limit is "
                                f"{MAX_MEMBERS:,}", shown)
    for member in members:
        if member.file_size > MAX_MEMBER_BYTES:
            raise InputError.single(errors.TOO_LARGE, f"{member.filename} decompresses to {member.file_size:,} "
                                    f"bytes; the limit is {MAX_MEMBER_BYTES:,}", shown,
                                    hint="a document this large is probably a zip bomb; save a plain copy")
    total = sum(member.file_size for member in members)
    if total > MAX_ARCHIVE_BYTES:
        raise InputError.single(errors.TOO_LARGE, f"the archive decompresses to {total:,} bytes; the limit is "
                                f"{MAX_ARCHIVE_BYTES:,}", shown)


def _what_it_is(data: bytes) -> str:
    for magic, name in _BINARY.items():
        if data.startswith(magic):
            return name
    if data.startswith(b"PK\x03\x04"):
        return "a ZIP archive that is not a Word document"
    return "binary data"


def read_document(path: str | Path) -> Document:
    """Read a document into pages; InputError (one problem) when it cannot be read."""
    p = Path(path)
    shown = str(path)
    if not p.is_file():
        raise InputError.single(errors.FILE_NOT_FOUND, "no such file", shown)
    data = p.read_bytes()
    return read_bytes(data, name=p.name, path=shown)


def read_bytes(data: bytes, name: str, path: str | None = None) -> Document:
    """Read document bytes (an upload, say); ``name`` is used for messages and the extension check."""
    shown = path or name
    if not data.strip():
        raise InputError.single(errors.EMPTY_FILE, "the file is empty", shown)
    media = sniff_media_type(data)
    suffix = Path(name).suffix.lower()
    if media is None:
        raise InputError.single(errors.UNSUPPORTED_FILE, f"unsupported document type: {_what_it_is(data)}", shown,
                                hint="ipsdg reads PDF (with a text layer), HTML, plain text and DOCX")
    if suffix == ".pdf" and media != PDF:
        raise InputError.single(errors.CORRUPT_DOCUMENT, "named .pdf but it is not a PDF (no %PDF- header)", shown)
    if suffix == ".docx" and media != DOCX:
        raise InputError.single(errors.CORRUPT_DOCUMENT, "named .docx but it is not a Word document", shown)
    if media == PDF:
        pages = _pdf_pages(data, shown)
    elif media == DOCX:
        pages = _docx_pages(data, shown)
    elif media == HTML:
        pages = _html_pages(_decode(data))
    else:
        pages = _text_pages(_decode(data))
    if not any(page.text.strip() for page in pages):
        raise InputError.single(errors.EMPTY_FILE, "the document holds no text", shown)
    return Document(name=name, path=shown, sha256=hashlib.sha256(data).hexdigest(), media_type=media, pages=pages)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


_NEWLINES = re.compile(r"\r\n?")


# "===== PAGE 12 =====", "--- Page 12 ---", "### page 12 ###": a text export's page separator line
_PAGE_MARKER = re.compile(r"(?im)^[ \t]*(?:={3,}|-{3,}|#{3,}|\*{3,})[ \t]*page[ \t]+(\d{1,5})[ \t]*(?:={3,}|-{3,}|#{3,}"
                          r"|\*{3,})?[ \t]*$")
# "Page 3 of 120", "- 3 of 120 -", "Page 3/120" alone on a line: a running footer (or header)
_PAGE_OF = re.compile(r"(?im)^[ \t]*[-\u2013]?[ \t]*(?:page[ \t]+)?(\d{1,5})[ \t]*(?:of|/)[ \t]*(\d{1,5})[ \t]*"
                      r"[-\u2013]?[ \t]*$")


def _text_pages(text: str) -> list[Page]:
    """Pages of a text file: form feeds, else page separator lines, else 'Page N of M' footers; else one page.

    Pages cut at form feeds are numbered in order (the physical page). A separator line
    ("===== PAGE 12 =====") starts page 12; a footer "Page 12 of 40" ends page 12 (a header, on the first
    lines of every page, starts it). Numbers that do not rise page by page are not trusted: pages are then
    numbered in order with the printed number as the label.
    """
    text = _NEWLINES.sub("\n", text)
    parts = text.split("\f")
    if len(parts) > 1 and not parts[-1].strip():
        parts.pop()  # a trailing form feed ends the last page; it does not start a new one
    if len(parts) == 1:
        marked = _marked_pages(text)
        if marked:
            return marked
    return [Page(number=i, text=part) for i, part in enumerate(parts, start=1)]


def _marked_pages(text: str) -> list[Page] | None:
    markers = list(_PAGE_MARKER.finditer(text))
    chunks: list[tuple[str, str]] = []  # (printed number, text)
    if markers:
        head = text[:markers[0].start()]
        for m, after in zip(markers, [*markers[1:], None], strict=True):
            chunks.append((m.group(1), text[m.end():after.start() if after else len(text)].strip("\n")))
        if head.strip() and chunks[0][0] == "1":  # a title above the first separator is on page 1
            chunks[0] = ("1", head.rstrip("\n") + "\n" + chunks[0][1])
        elif head.strip():
            chunks.insert(0, ("", head))
    else:
        footers = [m for m in _PAGE_OF.finditer(text) if int(m.group(1)) <= int(m.group(2))]
        if len(footers) < 2:
            return None
        lines_before_first = text[:footers[0].start()].strip().count("\n")
        if lines_before_first < 3:  # "Page 1 of 9" on the first lines: headers start their pages
            cuts = [0, *(m.start() for m in footers[1:]), len(text)]
            for m, a, b in zip(footers, cuts, cuts[1:], strict=False):
                chunks.append((m.group(1), text[a:b].strip("\n")))
        else:
            start = 0
            for m in footers:
                chunks.append((m.group(1), text[start:m.end()].strip("\n")))
                start = m.end()
            if text[start:].strip():
                chunks.append((str(int(footers[-1].group(1)) + 1), text[start:].strip("\n")))
    printed = [int(n) for n, _ in chunks if n]
    rising = all(b == a + 1 for a, b in zip(printed, printed[1:], strict=False)) and bool(printed)
    if rising and chunks[0][0] == "" and printed[0] == 1:
        rising = False  # text before page 1: numbering it 0 is no page
    if rising:
        first = printed[0] - (1 if chunks[0][0] == "" else 0)
        return [Page(number=first + i, text=t) for i, (_, t) in enumerate(chunks)]
    return [Page(number=i, label=n or None, text=t) for i, (n, t) in enumerate(chunks, start=1)]


# --- PDF ---------------------------------------------------------------------------

_PDF_JUNK = str.maketrans({"\x02": "-", "\ufffe": "-", "\x00": None})


def _pdf_pages(data: bytes, shown: str) -> list[Page]:
    import pypdfium2 as pdfium  # imported here: only PDF reading needs it

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise InputError.single(errors.ENCRYPTED_DOCUMENT, "the PDF is encrypted with a password", shown,
                                    hint="save an unencrypted copy and read that") from None
        raise InputError.single(errors.CORRUPT_DOCUMENT, f"the PDF cannot be read ({message})", shown) from None
    try:
        pages: list[Page] = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            raw_text = textpage.get_text_range()
            text = _NEWLINES.sub("\n", _paragraph_breaks(textpage, raw_text, _column_gaps(textpage, raw_text)))
            text = text.translate(_PDF_JUNK)
            textpage.close()
            page.close()
            label = pdf.get_page_label(index) or None
            pages.append(Page(number=index + 1, label=label, text=text))
    except pdfium.PdfiumError as exc:  # a page tree that lies about its pages, a damaged page object
        raise InputError.single(errors.CORRUPT_DOCUMENT, f"page {len(pages) + 1} of {len(pdf)} cannot be read "
                                f"({exc})", shown, hint="the PDF is damaged; re-save or repair it") from None
    finally:
        pdf.close()
    if pages and not any(p.text.strip() for p in pages):
        raise InputError.single(errors.NO_TEXT_LAYER, f"the PDF has {len(pages)} page(s) but no text layer", shown,
                                hint="it is probably scanned; run OCR on it first (e.g. ocrmypdf)")
    if pages and all(p.label is None for p in pages):
        pages = _pypdf_labels(data, pages)
    return pages


_PARAGRAPH_GAP = 1.4  # a line further below the previous one than this many usual line steps starts a paragraph


def _paragraph_breaks(textpage: Any, raw_text: str, text: str) -> str:
    """Put back the blank line between paragraphs that pdfium's text leaves out.

    A text file writes "USE OF PROCEEDS\n\nVerdant Grill intends ..."; the same page as PDF came out as
    "USE OF PROCEEDS\nVerdant Grill intends ...", so anything that reads paragraphs (the topical SDG
    passages) saw other passages in the PDF. A line whose baseline drops more than ``_PARAGRAPH_GAP`` times
    the page's usual line step (its lower quartile) below the previous line starts a paragraph. One char box
    per line (~1 us).
    ``raw_text`` indexes pdfium's chars 1:1; ``text`` has the same lines (column gaps widened).
    """
    import pypdfium2.raw as raw

    if textpage.count_chars() != len(raw_text):
        return text
    boxes = [ctypes.c_double() for _ in range(4)]
    raw_lines = raw_text.split("\n")
    lines = text.split("\n")
    if len(lines) != len(raw_lines) or len(lines) < 3:
        return text
    bottoms: list[float | None] = []
    at = 0
    get_box, page = raw.FPDFText_GetCharBox, textpage.raw
    for line in raw_lines:
        first = len(line) - len(line.lstrip())
        if first == len(line):
            bottoms.append(None)
        else:
            get_box(page, at + first, *boxes)
            bottoms.append(boxes[2].value)  # left, right, bottom, top
        at += len(line) + 1
    steps = [(i, a - b) for i, (a, b) in enumerate(zip(bottoms, bottoms[1:], strict=False), start=1)
             if a is not None and b is not None and a - b > 0]
    if len(steps) < 2:
        return text
    usual = sorted(d for _, d in steps)[len(steps) // 4]  # lower quartile: pages of short paragraphs too
    starts = {i for i, d in steps if d > _PARAGRAPH_GAP * usual and lines[i - 1].strip()}
    return "\n".join(("\n" if i in starts else "") + line for i, line in enumerate(lines))


_WIDE = 1.5  # blank space after a space char, in space widths, that separates table columns (not justified prose)


def _column_gaps(textpage: Any, text: str) -> str:
    """Put back the width of wide gaps (table columns) that pdfium writes as one space.

    KPI and allocation tables are read by column (engine.extract.tables), so "850 MW      610 MW"
    must keep its run of spaces. Char boxes cost ~1 us each, so a line is measured in full only
    when a space next to a figure in it is wide (a table row); then the lines above and below it are
    measured while they are tabular too (the header, other rows). ``text`` indexes pdfium's chars 1:1.
    """
    import pypdfium2.raw as raw

    if textpage.count_chars() != len(text):
        return text
    boxes = [ctypes.c_double() for _ in range(4)]

    def widths(i: int) -> int:
        """How many spaces the space char at ``i`` stands for."""
        raw.FPDFText_GetCharBox(textpage.raw, i, *boxes)
        left, right = boxes[0].value, boxes[1].value
        raw.FPDFText_GetCharBox(textpage.raw, i + 1, *boxes)
        width = right - left
        blank = boxes[0].value - right
        return 1 + round(blank / width) if width > 0 and blank / width >= _WIDE else 1

    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def measured(n: int, near_figures: bool) -> list[tuple[int, int]] | None:
        """(offset in line, spaces) of the line's wide gaps; None when it has none."""
        line = lines[n]
        spaces = _SPACE_BY_FIGURE.finditer(line) if near_figures else _INNER_SPACE.finditer(line)
        gaps = [(m.start(), widths(starts[n] + m.start())) for m in spaces]
        wide = [(at, k) for at, k in gaps if k > 1]
        if not wide:
            return None
        return wide if not near_figures else measured(n, False)

    found: dict[int, list[tuple[int, int]]] = {}
    for n, line in enumerate(lines):
        if n in found or not _DIGIT.search(line):
            continue
        gaps = measured(n, True)
        if not gaps:
            continue
        found[n] = gaps
        for step in (-1, 1):  # the header above, and rows below whose wide gaps are not next to a figure
            k = n + step
            while 0 <= k < len(lines) and k not in found and (more := measured(k, False)):
                found[k] = more
                k += step
    for n, gaps in found.items():
        line, pieces, last = lines[n], [], 0
        for at, k in gaps:
            pieces.append(line[last:at] + " " * k)
            last = at + 1
        lines[n] = "".join(pieces) + line[last:]
    return "\n".join(lines)


_DIGIT = re.compile(r"\d")
_INNER_SPACE = re.compile(r"(?<=\S) (?=\S)")
_SPACE_BY_FIGURE = re.compile(r"(?<=\d) (?=\S)|(?<=\S) (?=\d)")  # an inner space with a figure on one side


def _pypdf_labels(data: bytes, pages: list[Page]) -> list[Page]:
    """Printed page labels from pypdf when pdfium gives none (older PDFs with odd /PageLabels trees).

    Parsing the file again with pypdf costs ~10 % of reading a 300-page PDF, so it is skipped when the
    bytes cannot hold a label tree: no '/PageLabels' in them and no compressed object streams to hide one.
    """
    if b"/PageLabels" not in data and b"/ObjStm" not in data:
        return pages
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        if "/PageLabels" not in reader.trailer["/Root"]:  # type: ignore[operator]
            return pages
        labels = reader.page_labels
    except Exception:  # labels are a nicety: a broken label tree must not stop reading the text  # noqa: BLE001
        return pages
    return [page.model_copy(update={"label": labels[i]}) if i < len(labels) else page for i, page in enumerate(pages)]


# --- HTML (incl. inline XBRL) ----------------------------------------------------------

_HIDDEN = re.compile(r"display\s*:\s*none", re.IGNORECASE)
_PAGE_BREAK = re.compile(r"(page-break-(before|after)|break-(before|after))\s*:\s*(always|page)", re.IGNORECASE)
_BLOCKS = ("p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article",
           "blockquote", "pre", "dt", "dd")
_MARK = "\u2063"  # invisible separator: marks where a page break goes while text is flattened
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def _html_pages(html: str) -> list[Page]:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    doomed = [node for node in (tree.root.traverse() if tree.root else [])
              if node.tag in ("script", "style", "head", "noscript", "template", "ix:header", "ix:hidden")
              or _HIDDEN.search(node.attributes.get("style") or "")]
    _remove(doomed)
    for node in tree.css("[style]"):
        style = node.attributes.get("style") or ""
        if _PAGE_BREAK.search(style):
            (node.insert_before if "before" in style.lower() else node.insert_after)(_MARK)
    for node in tree.css(",".join(_BLOCKS)):
        node.insert_after("\n")
    body = tree.body or tree.root
    text = body.text(deep=True, separator="") if body is not None else ""
    pages: list[str] = []
    for chunk in text.split(_MARK):
        lines = (_SPACES.sub(" ", line).strip() for line in chunk.split("\n"))
        cleaned = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
        if cleaned or not pages:
            pages.append(cleaned)
    return [Page(number=i, text=t) for i, t in enumerate(pages, start=1)]


def _remove(nodes: list) -> None:  # type: ignore[type-arg]
    """Decompose nodes outermost first, skipping ones inside a removed node (lexbor frees the subtree)."""
    ids = {node.mem_id for node in nodes}
    outermost = []
    for node in nodes:  # decide everything before freeing anything
        parent = node.parent
        while parent is not None and parent.mem_id not in ids:
            parent = parent.parent
        if parent is None:
            outermost.append(node)
    for node in outermost:
        node.decompose()


# --- DOCX ----------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_pages(data: bytes, shown: str) -> list[Page]:
    import docx

    check_archive(data, shown)
    try:
        word = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises zip, XML and KeyError flavours for a damaged file  # noqa: BLE001
        raise InputError.single(errors.CORRUPT_DOCUMENT, f"the Word document cannot be read ({exc})", shown) from None
    pages: list[list[str]] = [[]]
    broke = False
    for block in word.element.body.iterchildren():
        if block.tag == f"{_W}tbl":
            rows = ["\t".join(cell.text for cell in row.cells) for row in docx.table.Table(block, word).rows]
            pages[-1].append("\n".join(rows))
            continue
        if block.tag != f"{_W}p":
            continue
        before = block.find(f"{_W}pPr/{_W}pageBreakBefore")
        if before is not None and before.get(f"{_W}val", "true") not in ("0", "false") and pages[-1]:
            pages.append([])
            broke = True
        parts: list[str] = []
        for run in block.iter(f"{_W}r"):
            for child in run:
                if child.tag == f"{_W}t":
                    parts.append(child.text or "")
                elif child.tag == f"{_W}tab":
                    parts.append("\t")
                elif child.tag == f"{_W}br" and child.get(f"{_W}type") == "page":
                    pages[-1].append("".join(parts))
                    parts = []
                    pages.append([])
                    broke = True
                elif child.tag in (f"{_W}br", f"{_W}cr"):
                    parts.append("\n")
        pages[-1].append("".join(parts))
    if broke:
        return [Page(number=i, text="\n".join(paras)) for i, paras in enumerate(pages, start=1)]
    return _sections("\n".join(pages[0]))


def _sections(text: str) -> list[Page]:
    """No page breaks in the file: cut at paragraph ends every ~3,000 chars, labelled 'section N'."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for para in text.split("\n"):
        current.append(para)
        size += len(para) + 1
        if size >= SECTION_CHARS:
            chunks.append("\n".join(current))
            current, size = [], 0
    if current or not chunks:
        chunks.append("\n".join(current))
    return [Page(number=i, label=f"section {i}", text=t) for i, t in enumerate(chunks, start=1)]
