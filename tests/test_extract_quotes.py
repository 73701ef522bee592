"""Quotes are the clause or table row that supports an item: short, verbatim, and holding the value."""

from __future__ import annotations

from engine.documents import read_bytes
from engine.extract import extract
from engine.extract.context import QUOTE_CHARS, quote_bounds


def run(text: str):  # type: ignore[no-untyped-def]
    return extract(read_bytes(text.encode("utf-8"), name="report.txt"))


FLATTENED = (  # a PDF table flattened into one run of text with no full stop: one "sentence" of ~1,500 chars
    "Green Bond Impact Report Contents 2 Highlights 3 Program Overview 4 Letter from the Treasurer "
    + " ".join(f"Project {i} Country {i} Sector Wind {i * 3} MW" for i in range(1, 40))
    + " Expected to generate 3,480,115 megawatt hours of renewable electricity per year "
    + " ".join(f"Annex {i} Item {i} page {i}" for i in range(1, 30))
)


def test_a_quote_in_flattened_table_text_is_short_and_holds_the_value() -> None:
    found = run(FLATTENED)
    kpi = next(k for k in found.kpis if k.value == 3480115)
    assert "3,480,115" in kpi.evidence.text
    assert len(kpi.evidence.text) <= QUOTE_CHARS
    assert FLATTENED[kpi.evidence.start:kpi.evidence.end] == kpi.evidence.text
    for items in (found.use_of_proceeds, found.kpis, found.reporting, found.external_reviews):
        assert all(len(i.evidence.text) <= QUOTE_CHARS for i in items)


def test_a_short_sentence_is_quoted_whole() -> None:
    text = "The wind farms avoided 12,400 tCO2e in 2025. Other text follows here."
    kpi = run(text).kpis[0]
    assert kpi.evidence.text == "The wind farms avoided 12,400 tCO2e in 2025."


def test_a_table_row_is_the_quote_of_its_figure() -> None:
    row = "Offshore wind portfolio, North Sea   renewable energy generated   84,250 MWh   annual"
    text = "\n".join(["Impact indicators of the eligible portfolio for the reporting year ended 31 December"]
                     + [f"Filler row {i} with a long description of an asset that is not measured here at all"
                        for i in range(6)] + [row])
    a, b = quote_bounds(text, text.index("84,250"), text.index("84,250") + 6)
    assert text[a:b] == row


def test_quote_bounds_never_cut_the_span() -> None:
    text = "x" * 1000 + " value 12.5 GWh " + "y" * 1000
    at = text.index("12.5")
    a, b = quote_bounds(text, at, at + 8)
    assert a <= at and b >= at + 8 and b - a <= QUOTE_CHARS
