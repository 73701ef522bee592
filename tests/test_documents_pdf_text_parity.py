"""The same circular as .txt and as .pdf reads the same and scores the same (issue 12: Verdant 22.1 vs 21.7).

The cause was the PDF's text layer: pdfium writes no blank line between paragraphs, so the topical SDG
passages (cut at blank lines) were other passages in the PDF. engine.documents now puts the paragraph
breaks back from the lines' positions.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.documents import read_document
from engine.extract import extract
from engine.screen import screen_path

DOCS = Path(__file__).resolve().parents[1] / "examples" / "documents"
PAIRS = sorted(p.stem for p in DOCS.glob("*.pdf") if p.with_suffix(".txt").is_file())
# the Huangpu PDF writes "CNY 230 million" where the text file has "2.3亿元" (its font has no CJK glyphs)
SAME_WORDS = [stem for stem in PAIRS if stem != "huangpu-offering-circular"]


def paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.replace("\r", "").split("\n\n") if p.strip()]


@pytest.mark.parametrize("stem", SAME_WORDS)
def test_pdf_pages_have_the_paragraphs_of_the_text_file(stem: str) -> None:
    txt, pdf = read_document(DOCS / f"{stem}.txt"), read_document(DOCS / f"{stem}.pdf")
    assert len(txt.pages) == len(pdf.pages)
    for a, b in zip(txt.pages, pdf.pages, strict=True):
        assert paragraphs(a.text) == paragraphs(b.text), f"{stem} page {a.number}"


@pytest.mark.parametrize("stem", SAME_WORDS)
def test_pdf_and_text_extract_the_same_disclosures(stem: str) -> None:
    def facts(path: Path) -> dict[str, list[dict[str, object]]]:
        found = extract(read_document(path)).model_dump()
        return {k: [{f: v for f, v in item.items() if f != "evidence"} for item in items]
                for k, items in found.items() if isinstance(items, list)}

    assert facts(DOCS / f"{stem}.txt") == facts(DOCS / f"{stem}.pdf")


def test_verdant_scores_the_same_from_either_file() -> None:
    deal = Path(__file__).resolve().parents[1] / "examples" / "deals" / "verdant-grill-whole-business-abs.yaml"
    from tests.screening_cases import AS_OF

    txt = screen_path(deal, [DOCS / "verdant-offering-circular.txt"], as_of=AS_OF)
    pdf = screen_path(deal, [DOCS / "verdant-offering-circular.pdf"], as_of=AS_OF)
    assert txt.esg_score == pdf.esg_score
    assert [(s.sdg, s.score) for s in txt.sdg_scores] == [(s.sdg, s.score) for s in pdf.sdg_scores]
