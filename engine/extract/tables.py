"""Plain-text tables: which column a figure sits in, read from the header row above it.

Circulars and impact reports lay KPI tables out with runs of spaces:

    Indicator                      2025 value        Baseline          Target
    Energy saved per year (MWh)    12,400            8,100 (2021)      15,000 by 2028

A figure's meaning depends on its column: the baseline column holds the baseline
(and its year), the target column the target year, and a header such as
"Energy (MWh)" gives the unit of bare numbers below it. Pure text handling, no spaCy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CELL = re.compile(r"\S+(?: \S+)*")  # cells are separated by two or more spaces
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_PARENTHESIS = re.compile(r"\([^()]*\)")
_HEADER_UNIT = re.compile(r"\(([^()\d][^()]*)\)")
_ROLES = (("baseline", re.compile(r"(?i)\bbase(?:line|\syear)?\b")),
          ("target", re.compile(r"(?i)\b(?:target|goal|ambition)s?\b")),
          ("unit", re.compile(r"(?i)^units?(?:\sof\smeasure)?$")))


@dataclass(frozen=True)
class Column:
    start: int  # column of the header cell within its line
    header: str
    role: str  # label (first column), value, baseline, target or unit
    unit: str | None  # "Energy (MWh)" -> "MWh"
    year: int | None  # "Baseline (2022)" -> 2022


@dataclass(frozen=True)
class Cell:
    column: Column
    start: int  # offsets in the text that was read
    end: int
    text: str
    row: int  # index of the row's line


def _cells(line: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _CELL.finditer(line)]


def _is_header(cells: list[tuple[int, int, str]]) -> bool:
    """Two or more cells, words rather than figures (years and units allowed: '2025 value', 'GHG (tCO2e)')."""
    if len(cells) < 2:
        return False
    stripped = [_YEAR.sub("", _PARENTHESIS.sub("", text)) for _, _, text in cells]
    return not any(ch.isdigit() for text in stripped for ch in text) and any(
        ch.isalpha() for text in stripped for ch in text)


def _column(index: int, start: int, header: str) -> Column:
    role = "label" if index == 0 else next((name for name, pattern in _ROLES if pattern.search(header)), "value")
    year = _YEAR.search(header)
    return Column(start, header, role, unit_in_parentheses(header), int(year.group()) if year else None)


def unit_in_parentheses(text: str) -> str | None:
    """'Energy (MWh)' -> 'MWh'; 'Baseline (2022)' -> None (a year, not a unit)."""
    m = _HEADER_UNIT.search(text)
    return m.group(1).strip() if m else None


class Table:
    """The cells of every table row in a text, by offset; rows without a header above them are not tables."""

    def __init__(self, text: str):
        self.cells: list[Cell] = []
        lines = text.split("\n")
        offset = 0
        columns: list[Column] | None = None
        for index, line in enumerate(lines):
            cells = _cells(line)
            if not cells:
                columns = None  # a blank line ends a table
            elif columns is None and _is_header(cells):
                columns = [_column(i, s, t) for i, (s, _, t) in enumerate(cells)]
            elif columns is not None and (len(cells) >= 2 or line.startswith(" ")):
                # a one-cell line is a wrapped label ("(cumulative)") or a row whose columns were lost: read as prose
                for start, end, cell_text in cells if len(cells) >= 2 else []:
                    self.cells.append(Cell(_owner(columns, start, end), offset + start, offset + end, cell_text, index))
            else:
                columns = None
            offset += len(line) + 1

    def cell_at(self, offset: int) -> Cell | None:
        return next((c for c in self.cells if c.start <= offset < c.end), None)

    def row(self, cell: Cell, role: str) -> Cell | None:
        """The cell of ``cell``'s row in the first column with ``role``."""
        return next((c for c in self.cells if c.row == cell.row and c.column.role == role), None)


def _owner(columns: list[Column], start: int, end: int) -> Column:
    """The header column a cell lies under: most overlap with the column's extent, else the nearest start."""
    best, best_overlap = columns[0], -1
    for i, column in enumerate(columns):
        right = columns[i + 1].start if i + 1 < len(columns) else 10**6
        overlap = min(end, right) - max(start, column.start)
        if overlap > best_overlap:
            best, best_overlap = column, overlap
    return best


def year_in(text: str) -> int | None:
    """'8,100 (2021)' -> 2021; 'by 2028' -> 2028; '-' -> None."""
    m = _YEAR.search(text)
    return int(m.group()) if m else None
