"""Loading deal files (YAML or JSON) into ``Deal`` with ``path:line`` problems."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError

from engine import errors, yamlio
from engine.errors import InputError, Problem
from engine.models import Deal
from engine.models.deal import KPI_UNITS, deal_issues

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

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
    try:
        deal: Deal = yamlio.validate(Deal, loaded)
    except InputError as exc:
        raise InputError(errors.sort_problems([*exc.problems, *_whole_deal_problems(loaded, exc.problems)])) \
            from None
    return deal


def _whole_deal_problems(loaded: yamlio.Loaded, reported: list[Problem]) -> list[Problem]:
    """Whole-deal checks (shares over 100 %, ids used twice, ...) over the fields that did validate.

    Pydantic runs the deal's own cross-field check only when every field is valid; this
    runs the same checks (``deal_issues``) on the known parts, so one ``validate`` run
    shows everything that can be known about the file.
    """
    parts: dict[str, Any] = {}
    for name, info in Deal.model_fields.items():
        if name not in loaded.data:
            if info.is_required():
                continue
            parts[name] = info.get_default(call_default_factory=True)
            continue
        try:
            kind: Any = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
            parts[name] = TypeAdapter(kind).validate_python(loaded.data[name])
        except ValidationError:
            continue
    seen = {(p.loc, p.message) for p in reported}
    out = []
    for loc, message in deal_issues(parts):
        if (loc, message) not in seen:
            out.append(Problem(errors.CROSS_FIELD, message, loaded.path, loaded.line_for(loc), loc))
    return out


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


def deal_schema() -> dict[str, Any]:
    """JSON Schema of a deal file, generated from ``Deal`` (``ipsdg deal schema``; editors use it to complete keys).

    It knows what the model knows field by field, plus the units of the KPIs that have a
    dimension. Whole-deal checks (shares over 100 %, ids used twice, ...) are beyond JSON
    Schema: ``ipsdg validate`` reports those.
    """
    schema = Deal.model_json_schema(mode="validation")
    metrics_by_units: dict[tuple[str, ...], list[str]] = {}
    for metric, (_, units) in KPI_UNITS.items():
        metrics_by_units.setdefault(units, []).append(metric)
    schema["$defs"]["ImpactKPI"]["allOf"] = [
        {"if": {"properties": {"metric": {"enum": metrics}}, "required": ["metric"]},
         "then": {"properties": {"unit": {"enum": list(units)}}}}
        for units, metrics in metrics_by_units.items()
    ]
    return {"$schema": SCHEMA_DIALECT, **schema, "title": "ipsdg deal file",
            "description": "One IP-backed deal for ipsdg (docs/deals.md). Check files with `ipsdg validate`."}
