"""Render each example document (.txt, pages separated by form feeds) as a PDF, one PDF page per text page.

Why: extraction must be tested on PDFs as well as plain text, with the same page numbers. The core
Courier font keeps the column layout of tables and needs no font files, but it only covers Latin-1,
so Chinese amounts (万 = 10^4, 亿 = 10^8, 元 = yuan) are rewritten as CNY figures in the PDF; the .txt
keeps the original wording. Run from anywhere: ``.venv/bin/python examples/documents/build_pdfs.py``.
"""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF

HERE = Path(__file__).resolve().parent
PAGE_WIDTH_MM, MARGIN_MM = 210.0, 15.0
CHAR_WIDTH_EM = 0.6  # every Courier glyph is 600/1000 em wide
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)  # reproducible files: no build-time timestamp

_CJK_AMOUNT = re.compile(r"(\d[\d,]*(?:\.\d+)?)(万|亿)元")
_SCALE = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
_PLAIN = {"万元": "CNY 10,000", "\u2013": "-", "\u2014": "-", "\u2019": "'", "\u201c": '"', "\u201d": '"'}


def latin1(text: str) -> str:
    """Text the core font can draw: CJK amounts become CNY figures; anything else unknown is an error."""

    def amount(match: re.Match[str]) -> str:
        value = Decimal(match.group(1).replace(",", "")) * _SCALE[match.group(2)]
        millions = value / Decimal(1_000_000)
        return f"CNY {millions.normalize():f} million" if value >= 1_000_000 else f"CNY {value:,.0f}"

    text = _CJK_AMOUNT.sub(amount, text)
    for old, new in _PLAIN.items():
        text = text.replace(old, new)
    bad = sorted({ch for ch in text if ord(ch) > 0xFF})
    if bad:
        raise ValueError(f"characters the core font cannot draw: {''.join(bad)!r}; add a replacement to _PLAIN")
    return text


def build(txt: Path, out_dir: Path | None = None) -> Path:
    """Write ``<stem>.pdf`` next to the text, or into ``out_dir``."""
    pages = latin1(txt.read_text(encoding="utf-8")).split("\f")
    longest = max(len(line) for page in pages for line in page.splitlines())
    usable_pt = (PAGE_WIDTH_MM - 2 * MARGIN_MM) / 25.4 * 72
    size = min(9.0, usable_pt / (CHAR_WIDTH_EM * longest))
    line_mm = size * 0.3528 * 1.35
    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title(txt.stem)
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN_MM, MARGIN_MM)
    pdf.set_font("Courier", size=size)
    for number, page in enumerate(pages, 1):
        lines = page.rstrip("\n").splitlines()
        if MARGIN_MM * 2 + len(lines) * line_mm > 297:
            raise ValueError(f"{txt.name} page {number} has {len(lines)} lines; too many for one PDF page")
        pdf.add_page()
        for line in lines:
            pdf.cell(0, line_mm, line, new_x="LMARGIN", new_y="NEXT")
    out = (out_dir or txt.parent) / f"{txt.stem}.pdf"
    pdf.output(str(out))
    return out


def main(argv: list[str]) -> int:
    sources = [Path(a) for a in argv] or sorted(HERE.glob("*.txt"))
    for txt in sources:
        out = build(txt)
        print(f"{txt.name} -> {out.name} ({txt.read_text(encoding='utf-8').count(chr(12)) + 1} pages)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
