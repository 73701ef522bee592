"""What a portfolio is made of: deal files in a folder, or rows of a CSV/XLSX sheet.

Listing is cheap and happens in the parent process; parsing and validating each
deal is the expensive part and happens in the workers (``load_item``), so a
10,000-deal book is read in parallel and one broken deal never stops the rest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine import errors
from engine.deals import document_paths, load_deal
from engine.errors import InputError
from engine.models import Deal
from engine.portfolio.tabular import Row, read_rows, row_deal

DEAL_SUFFIXES = (".yaml", ".yml", ".json")
SHEET_SUFFIXES = (".csv", ".xlsx")


@dataclass(frozen=True)
class Item:
    """One deal to load: a deal file, or a sheet row (``row`` set)."""

    source: str
    line: int | None = None
    row: Row | None = None


def list_items(portfolio: str | Path) -> list[Item]:
    """The deals of a portfolio in a stable order; InputError when the portfolio itself is unusable."""
    path = Path(portfolio)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in DEAL_SUFFIXES)
        if not files:
            raise InputError.single(errors.EMPTY_FILE, "the folder holds no deal files", str(path),
                                    hint=f"deal files end in {', '.join(DEAL_SUFFIXES)}")
        return [Item(str(p)) for p in files]
    if not path.is_file():
        raise InputError.single(errors.FILE_NOT_FOUND, "no such file or folder", str(path))
    suffix = path.suffix.lower()
    if suffix in SHEET_SUFFIXES:
        items = [Item(row.source, row.line, row) for row in read_rows(path)]
        if not items:
            raise InputError.single(errors.EMPTY_FILE, "the portfolio sheet has no deal rows", str(path))
        return items
    if suffix in DEAL_SUFFIXES:
        return [Item(str(path))]
    raise InputError.single(errors.UNSUPPORTED_FILE, f"unsupported portfolio {suffix or '(no suffix)'!r}", str(path),
                            hint="give a folder of deal files, a deal file, or a .csv/.xlsx with one deal per row")


def load_item(item: Item) -> tuple[Deal, list[Path]]:
    """The deal and its document paths; InputError with located problems when it is broken."""
    if item.row is not None:
        return row_deal(item.row, Path(item.source).parent)
    path = Path(item.source)
    deal = _fast_json(path) if path.suffix.lower() == ".json" else None
    if deal is None:
        deal = load_deal(path)
    return deal, document_paths(deal, path)


def _fast_json(path: Path) -> Deal | None:
    """Valid JSON validates ~100x faster without line tracking; anything wrong takes the located path.

    Duplicate keys are refused here too (the located loader then reports them), so
    the fast path never accepts a file the careful one would reject.
    """
    try:
        data = json.loads(path.read_bytes(), object_pairs_hook=_no_duplicates)
        return Deal.model_validate(data)
    except (ValidationError, OSError, ValueError):
        return None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise ValueError("duplicate key")
    return out
