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
        s = self.sentence
        return Evidence(page=self.page, start=s.start, end=s.end, text=s.text)

    @property
    def hedged(self) -> bool:
        return self.has("hedge")

    def line_of(self, offset: int) -> int:
        """Which line of the sentence an offset (in page coordinates) is on: table rows are lines."""
        return self.sentence.text.count("\n", 0, max(0, offset - self.sentence.start))


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


_CLAUSE_BREAK = re.compile(r"[,;:()]|\n|\s(?:and|which|while|whereas|but)\s")


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
