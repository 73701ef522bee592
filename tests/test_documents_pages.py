"""Text exports keep their pages: form feeds, separator lines and 'Page N of M' footers give the physical page."""

from __future__ import annotations

from engine.documents import read_bytes
from engine.extract import extract


def pages(text: str) -> list[tuple[int, str | None, str]]:
    return [(p.number, p.label, p.text) for p in read_bytes(text.encode("utf-8"), name="report.txt").pages]


def test_separator_lines_start_the_page_they_name() -> None:
    text = ("Annual Green Bond Report\n===== PAGE 1 =====\nContents\n===== PAGE 2 =====\nAllocation\n"
            "===== PAGE 3 =====\nImpact")
    assert pages(text) == [(1, None, "Annual Green Bond Report\nContents"), (2, None, "Allocation"),
                           (3, None, "Impact")]


def test_an_excerpt_keeps_the_original_page_numbers() -> None:
    assert [n for n, _, _ in pages("--- Page 14 ---\nfoo\n--- Page 15 ---\nbar")] == [14, 15]


def test_numbers_that_do_not_rise_become_labels_on_physical_pages() -> None:
    assert [(n, label) for n, label, _ in pages("=== PAGE 7 ===\na\n=== PAGE 3 ===\nb")] == [(1, "7"), (2, "3")]


def test_page_n_of_m_footers_end_their_pages() -> None:
    text = "Title\nIntro line\nMore\nMore\nPage 1 of 3\nSecond page text\nPage 2 of 3\nThird\nPage 3 of 3\n"
    got = pages(text)
    assert [n for n, _, _ in got] == [1, 2, 3]
    assert got[1][2] == "Second page text\nPage 2 of 3"


def test_page_n_of_m_headers_start_their_pages() -> None:
    got = pages("Page 1 of 2\nfirst\nPage 2 of 2\nsecond")
    assert [(n, t) for n, _, t in got] == [(1, "Page 1 of 2\nfirst"), (2, "Page 2 of 2\nsecond")]


def test_a_lone_of_phrase_is_not_a_page_footer() -> None:
    assert len(pages("We financed 3 of 12 projects.\nAnother line")) == 1


def test_form_feeds_win_over_printed_numbers() -> None:
    assert [n for n, _, _ in pages("a\n===== PAGE 9 =====\nb\fc")] == [1, 2]


def test_kpi_on_a_marked_page_cites_that_page() -> None:
    text = ("===== PAGE 1 =====\nContents\n===== PAGE 2 =====\nAllocation overview\n===== PAGE 3 =====\n"
            "The solar parks generated 48,200 MWh of renewable electricity in 2025.")
    found = extract(read_bytes(text.encode("utf-8"), name="report.txt"))
    assert [(k.value, k.evidence.page) for k in found.kpis] == [(48200, 3)]
