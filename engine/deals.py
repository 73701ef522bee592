"""Loading deal files (YAML or JSON) into ``Deal`` with ``path:line`` problems."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from engine import yamlio
from engine.errors import InputError, Problem
from engine.models import Deal


def parse_deal(text: str, path: str = "<input>", *, json_only: bool = False) -> Deal:
    """Validate deal text (YAML or JSON); raises InputError with every problem located."""
    loaded = yamlio.parse_text(text, path, json_only=json_only)
    return _validate(loaded)


def load_deal(path: str | Path) -> Deal:
    """Read and validate one deal file."""
    return _validate(yamlio.load_file(path))


def _validate(loaded: yamlio.Loaded) -> Deal:
    if not isinstance(loaded.data, dict):
        raise InputError.single("wrong_type", "a deal file must hold a mapping of keys (id, name, ...)",
                                loaded.path, 1)
    deal: Deal = yamlio.validate(Deal, loaded)
    return deal


def load_deals(paths: Iterable[str | Path]) -> tuple[list[tuple[Path, Deal]], list[Problem]]:
    """Load many files; good ones are returned, every problem of the bad ones is collected."""
    good: list[tuple[Path, Deal]] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            good.append((Path(path), load_deal(path)))
        except InputError as exc:
            problems.extend(exc.problems)
    return good, problems


def document_paths(deal: Deal, deal_path: str | Path) -> list[Path]:
    """The deal's attached documents, resolved relative to the deal file."""
    base = Path(deal_path).parent
    return [(base / ref.path) for ref in deal.documents]
