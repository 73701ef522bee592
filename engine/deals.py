"""Loading deal files (YAML or JSON) into ``Deal`` with ``path:line`` problems."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from engine import errors, yamlio
from engine.errors import InputError, Problem
from engine.models import Deal

# A deal becomes one rule fact per tranche, asset, licensee, allocation and KPI (engine/facts.py), and
# durable_rules sessions are refused above engine.rules.durable.MAX_FACTS (2,000). Larger deals are refused
# here, before any work, rather than after minutes of valuation (issue 18); the ~500 facts left over are
# for metrics, claims and document facts. Our own bound, derived from that engine limit, not a standard's.
MAX_DEAL_FACTS = 1500

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
    size = _fact_count(loaded.data)
    if size > MAX_DEAL_FACTS:
        raise InputError([Problem(errors.TOO_LARGE, f"the deal lists {size:,} tranches, assets, licensees, "
                                  f"allocations and KPIs; ipsdg screens at most {MAX_DEAL_FACTS:,} per deal",
                                  loaded.path, loaded.line_for(("assets",)), ("assets",),
                                  hint="split the pool into several deals")])
    deal: Deal = yamlio.validate(Deal, loaded)
    return deal


def _fact_count(data: dict[object, object]) -> int:
    """The rule facts the deal's lists will become (before validation, so counted defensively)."""
    def items(value: object) -> list[object]:
        return value if isinstance(value, list) else []

    assets = items(data.get("assets"))
    licensees = sum(len(items(a.get("licensees"))) for a in assets if isinstance(a, dict))
    return (len(assets) + licensees + len(items(data.get("tranches"))) + len(items(data.get("allocations")))
            + len(items(data.get("kpis"))))


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
