"""One sentence as the field extractors see it: its lexicon hits by category, its quantities, its evidence."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from engine.extract.quantities import Quantity, QuantityReader
from engine.extract.tables import Cell, Table
from engine.models.disclosures import Evidence
from engine.nlp import Hit, Sentence


@dataclass
class SentenceView:
    page: int
    sentence: Sentence
    reader: QuantityReader
    decimal_comma: bool = False
    after_proceeds: bool = False  # shortly after a sentence about proceeds on the same page (a list of categories)
    by_category: dict[str, list[Hit]] = field(init=False)

    def __post_init__(self) -> None:
        self.by_category = {}
        for hit in self.sentence.hits:
            self.by_category.setdefault(hit.category, []).append(hit)

    @property
    def text(self) -> str:
        return self.sentence.text

    def hits(self, *categories: str) -> list[Hit]:
        if len(categories) == 1:
            return self.by_category.get(categories[0], [])
        return sorted((h for c in categories for h in self.by_category.get(c, [])), key=lambda h: h.start)

    def has(self, *categories: str) -> bool:
        return any(c in self.by_category for c in categories)

    @cached_property
    def quantities(self) -> list[Quantity]:
        """Quantities with offsets shifted to the page text (read only when an extractor asks)."""
        base = self.sentence.start
        return [Quantity(q.value, q.start + base, q.end + base, q.text, q.unit, q.currency, q.percent, q.per_year)
                for q in self.reader.read(self.sentence.text, self.decimal_comma)]

    @cached_property
    def table(self) -> Table | None:
        """The sentence's table rows (None for prose: no line break inside it)."""
        return Table(self.text) if "\n" in self.text.strip() else None

    def cell_at(self, offset: int) -> Cell | None:
        """The table cell holding a page offset, if the offset is in a table row under a header."""
        return self.table.cell_at(offset - self.sentence.start) if self.table else None

    def page_span(self, cell: Cell) -> tuple[int, int]:
        return self.sentence.start + cell.start, self.sentence.start + cell.end

    @cached_property
    def evidence(self) -> Evidence:
        """The sentence as evidence, cut to the part around its cues when it is longer than a quote may be."""
        hits = [h for h in self.sentence.hits if h.category in QUOTE_CUES] or list(self.sentence.hits)
        if not hits:
            return self.evidence_at(self.sentence.start, self.sentence.start)
        first = min(hits, key=lambda h: h.start)
        return self.evidence_at(first.start, first.end)

    def evidence_at(self, start: int, end: int) -> Evidence:
        """The quote for a span (page offsets): the sentence when short, else the table row or clause around it.

        Sentences in PDF-derived text run long (tables have no full stops): a quote is at most ``QUOTE_CHARS``
        characters and always holds the span it supports (the value, or the cue that flagged it).
        """
        s = self.sentence
        a, b = quote_bounds(s.text, start - s.start, end - s.start)
        return Evidence(page=self.page, start=s.start + a, end=s.start + b, text=s.text[a:b])

    @property
    def hedged(self) -> bool:
        return self.has("hedge")

    def _part_bounds(self, start: int, end: int) -> tuple[int, int]:
        """Sentence offsets of the part holding a span (page offsets); parts end at ';', a blank line or a list item."""
        base = self.sentence.start
        lo, hi = start - base, end - base
        left = max([m.end() for m in _PART_BREAK.finditer(self.text, 0, max(0, lo))], default=0)
        after = _PART_BREAK.search(self.text, min(len(self.text), hi))
        return left, after.start() if after else len(self.text)

    def part_of(self, start: int, end: int) -> str:
        """The part of the sentence holding a span (parts end at ';', a blank line or a list item)."""
        left, right = self._part_bounds(start, end)
        return self.text[left:right]

    def hedged_at(self, start: int, end: int) -> bool:
        """Hedged where the span is: a hedge word in the same part of the sentence (parts end at ';', a blank
        line or a list item), so 'Proceeds will be allocated to solar; the issuer may also report impact' does not
        hedge the allocation."""
        if not self.has("hedge"):
            return False
        base = self.sentence.start
        left, right = self._part_bounds(start, end)
        return any(left <= h.start - base and h.end - base <= right for h in self.hits("hedge"))

    def line_of(self, offset: int) -> int:
        """Which line of the sentence an offset (in page coordinates) is on: table rows are lines."""
        return self.sentence.text.count("\n", 0, max(0, offset - self.sentence.start))


_PART_BREAK = re.compile(r";|\uff1b|\n\s*\n|(?:^|(?<=\n))\s*\(?(?:[a-h]|i{1,3}|iv|vi{0,3}|\d{1,2})\)\s")
QUOTE_CHARS = 400  # issue 15: the clause or table row, at most ~400 characters
QUOTE_CUES = ("icma_category", "kpi_metric", "review_provider", "review_type", "reporting_kind", "management",
              "selection", "exclusion", "sdg_cue", "refinancing")
_BREAKS = re.compile(r"\n|[.;:!?\u3002\uff1b\uff1a](?=\s|$|[^\d])|,\s|\uff0c")


def quote_bounds(text: str, start: int, end: int, limit: int = QUOTE_CHARS) -> tuple[int, int]:
    """Offsets in ``text`` of the shortest whole unit around [start, end) that fits ``limit``: the whole text,
    else its line (a table row), else clauses grown outwards from the span; never cutting the span itself."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    end = max(end, start)
    if len(text.strip()) <= limit:
        return _trimmed(text, 0, len(text))
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    row = line_end - line_start
    if row <= limit and text[line_start:line_end].strip() and (row >= 40 or end - start >= row):
        return _trimmed(text, line_start, line_end)
    if end - start >= limit:
        return start, end
    room = limit - (end - start)
    lo, hi = max(0, start - room // 2), min(len(text), end + room - room // 2)
    if hi - lo < limit:  # near an edge: give the other side the rest
        lo, hi = max(0, hi - limit), min(len(text), lo + limit)
    left = [m.end() for m in _BREAKS.finditer(text, lo, start)]
    right = [m.start() + (1 if text[m.start()] in ".;!?\u3002\uff1b" else 0) for m in _BREAKS.finditer(text, end, hi)]
    a = left[0] if left and lo > 0 else lo
    b = right[-1] if right and hi < len(text) else hi
    if lo > 0 and not left:
        a = _word_start(text, lo, start)
    if hi < len(text) and not right:
        b = _word_end(text, hi, end)
    return _trimmed(text, a, b)


def _word_start(text: str, lo: int, limit: int) -> int:
    space = text.find(" ", lo, limit)
    return space + 1 if space >= 0 else lo


def _word_end(text: str, hi: int, limit: int) -> int:
    space = text.rfind(" ", limit, hi)
    return space if space >= 0 else hi


def _trimmed(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def gap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    """Characters between two spans (0 when they touch or overlap)."""
    return max(0, b_start - a_end, a_start - b_end)


def nearest(view: SentenceView, start: int, end: int, hits: Iterable[Hit], same_line: bool = True) -> Hit | None:
    """The hit closest to a span, preferring hits on the same line (table rows)."""
    line = view.line_of(start)
    best: tuple[int, int, Hit] | None = None
    for hit in hits:
        key = (0 if not same_line or view.line_of(hit.start) == line else 1, gap(start, end, hit.start, hit.end))
        if best is None or key < best[:2]:
            best = (key[0], key[1], hit)
    return best[2] if best else None


_CLAUSE_BREAK = re.compile(r"[,;:()\uff0c\u3001\uff1b\uff1a\uff08\uff09\u3002]|\n|\s(?:and|which|while|whereas|but)\s")


def clause(view: SentenceView, start: int, end: int) -> tuple[int, int]:
    """Page offsets of the clause around a span: '12,400 t were recycled' in '..., and 3.1 kt was avoided'."""
    base = view.sentence.start
    text = view.sentence.text
    left = 0
    for m in _CLAUSE_BREAK.finditer(text, 0, max(0, start - base)):
        left = m.end()
    after = _CLAUSE_BREAK.search(text, end - base)
    right = after.start() if after else len(text)
    return base + left, base + right


def within(hits: Iterable[Hit], bounds: tuple[int, int]) -> list[Hit]:
    return [h for h in hits if bounds[0] <= h.start and h.end <= bounds[1]]
