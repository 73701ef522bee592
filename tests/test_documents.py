"""Reading offering documents: pages kept, and each unreadable file a one-line error with its own code."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from engine import errors
from engine.cli import main
from engine.documents import DOCX, HTML, PDF, TEXT, read_bytes, read_document, sniff_media_type
from engine.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures" / "documents"


@pytest.mark.parametrize(("name", "code"), [
    ("no_text_layer.pdf", errors.NO_TEXT_LAYER),
    ("encrypted.pdf", errors.ENCRYPTED_DOCUMENT),
    ("corrupt.pdf", errors.CORRUPT_DOCUMENT),
    ("picture.pdf.png", errors.UNSUPPORTED_FILE),
    ("empty.txt", errors.EMPTY_FILE),
    ("does-not-exist.pdf", errors.FILE_NOT_FOUND),
])
def test_bad_files_give_one_specific_problem(name: str, code: str) -> None:
    with pytest.raises(InputError) as caught:
        read_document(FIXTURES / name)
    assert [p.code for p in caught.value.problems] == [code]
    result = CliRunner().invoke(main, ["extract", str(FIXTURES / name)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith(f"[{code}]") and "Traceback" not in result.output


def test_pdf_keeps_physical_pages_and_printed_labels() -> None:
    doc = read_document(FIXTURES / "circular.pdf")
    assert doc.media_type == PDF
    assert [(p.number, p.label) for p in doc.pages] == [(1, "i"), (2, "1"), (3, "2")]
    assert "60% of the net proceeds" in doc.pages[1].text
    assert len(doc.sha256) == 64


def test_docx_page_breaks_become_pages() -> None:
    doc = read_document(FIXTURES / "framework.docx")
    assert doc.media_type == DOCX
    assert len(doc.pages) == 2
    assert "sub-account" in doc.pages[0].text and "Second-Party Opinion" in doc.pages[1].text


def test_docx_without_breaks_is_cut_into_labelled_sections(tmp_path: Path) -> None:
    import docx

    word = docx.Document()
    for i in range(40):
        word.add_paragraph(f"Paragraph {i}. " + "Proceeds are tracked in a register. " * 6)
    word.save(str(tmp_path / "long.docx"))
    doc = read_document(tmp_path / "long.docx")
    assert len(doc.pages) > 1 and doc.pages[0].label == "section 1"
    assert all(len(p.text) < 4000 for p in doc.pages)


def test_text_form_feeds_are_page_breaks() -> None:
    doc = read_bytes(b"page one\fpage two\f", name="x.txt")
    assert doc.media_type == TEXT
    assert [p.text for p in doc.pages] == ["page one", "page two"]


def test_inline_xbrl_hidden_header_does_not_leak() -> None:
    html = b"""<?xml version="1.0"?><html xmlns:ix="http://www.xbrl.org/2013/inlineXBRL"><body>
    <div style="display:none"><ix:header><ix:hidden>dei:EntityCentralIndexKey 0001234567</ix:hidden></ix:header></div>
    <p>Use of proceeds: 60% to renewable energy.</p>
    <div style="page-break-after: always"></div>
    <p>Sustainalytics provided a second-party opinion.</p>
    <script>var secret = 1;</script></body></html>"""
    doc = read_bytes(html, name="filing.htm")
    assert doc.media_type == HTML
    text = "\n".join(p.text for p in doc.pages)
    assert "0001234567" not in text and "secret" not in text
    assert len(doc.pages) == 2 and "renewable energy" in doc.pages[0].text and "Sustainalytics" in doc.pages[1].text


@pytest.mark.parametrize(("data", "media"), [
    (b"%PDF-1.7\n...", PDF), (b"<!DOCTYPE html><html></html>", HTML), (b"Plain words.", TEXT),
    (b"\x89PNG\r\n\x1a\n\x00\x00", None), (b"PK\x03\x04 not a word file", None),
])
def test_sniffing_reads_content_not_names(data: bytes, media: str | None) -> None:
    assert sniff_media_type(data) == media


def test_a_renamed_pdf_still_reads_and_a_fake_pdf_is_corrupt(tmp_path: Path) -> None:
    renamed = tmp_path / "circular.bin"
    renamed.write_bytes((FIXTURES / "circular.pdf").read_bytes())
    assert read_document(renamed).media_type == PDF
    fake = tmp_path / "fake.pdf"
    fake.write_text("just text", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_document(fake)
    assert caught.value.problems[0].code == errors.CORRUPT_DOCUMENT
