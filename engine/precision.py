"""The precision of every number ipsdg writes: JSON, reports, stored screenings, batch tables.

Computation keeps full float precision; a number is rounded once, when a model is
serialised, to the precision its kind means something at. Floating-point noise
from different numpy/BLAS builds sits twelve or more digits down, so rounded
outputs are byte-stable across machines (a value exactly on a rounding boundary
is the only exception, and its odds are negligible).

| kind    | decimals | what                                                          |
|---------|----------|---------------------------------------------------------------|
| money   | 2        | amounts in the deal's currency: values, cash flows, debt      |
| percent | 2        | 0-100 percentages: shares, LTV, haircuts, rates (``*_pct``)   |
| ratio   | 4        | multiples: DSCR, leverage, TAB factor (1.3992x vs 1.40x)      |
| years   | 2        | durations in years (about 4 days)                             |
| factor  | 6        | discount factors and other unit-free fractions                |
| score   | 2        | points and 0-100 scores (the scoring stage rounds them to 1-2)|
| other   | 6        | any float not named above (user-entered KPI values keep theirs)|

Reports print fewer digits than this (money to the unit, ratios to 2 decimals)
except where a value sits next to a threshold it would round onto: then
:func:`distinct` shows as many digits as it takes to tell them apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any, Literal

from pydantic import PlainSerializer

Kind = Literal["money", "percent", "ratio", "years", "factor", "score", "other"]
DECIMALS: dict[Kind, int] = {"money": 2, "percent": 2, "ratio": 4, "years": 2, "factor": 6, "score": 2, "other": 6}

_RATIO_NAMES = ("dscr", "leverage", "coverage", "tab_factor", "multiple", "ratio")


def kind_of(name: str) -> Kind:
    """The kind of a metric or field by its name (``ltv_pct`` is a percent, ``dscr_min`` a ratio)."""
    if name.endswith("_pct") or name.endswith("_share") or name == "pct":
        return "percent"
    if any(part in name for part in _RATIO_NAMES):
        return "ratio"
    if name.endswith("_years") or name == "years":
        return "years"
    if "factor" in name:
        return "factor"
    if name in ("score", "points", "weight") or name.endswith("_score"):
        return "score"
    if name in ("value", "amount", "cash_flow", "principal", "interest", "balloon", "outstanding") or name.endswith(
            ("_value", "_amount", "_cash_flow", "_service", "_drawn", "_balance")):
        return "money"
    return "other"


def rounded(value: float, kind: Kind) -> float:
    """``value`` at ``kind``'s precision; ``-0.0`` becomes ``0.0`` so signs do not flicker."""
    result = round(value, DECIMALS[kind])
    return result + 0.0 if result == 0 else result


def _serializer(kind: Kind) -> PlainSerializer:
    def serialise(value: float) -> float:
        return rounded(value, kind) if isinstance(value, float) else value

    return PlainSerializer(serialise, when_used="always")


# Output field types: a float that is written at its kind's precision.
Money = Annotated[float, _serializer("money")]
Pct = Annotated[float, _serializer("percent")]
Ratio = Annotated[float, _serializer("ratio")]
Years = Annotated[float, _serializer("years")]
Factor = Annotated[float, _serializer("factor")]
Score = Annotated[float, _serializer("score")]
Other = Annotated[float, _serializer("other")]


def round_named(values: dict[str, Any]) -> dict[str, Any]:
    """A name -> number mapping (metrics) with each float at the precision its name implies."""
    return {k: rounded(v, kind_of(k)) if isinstance(v, float) else v for k, v in values.items()}


def round_fact(fact: dict[str, Any]) -> dict[str, Any]:
    """A rule fact with its floats rounded; a metric fact's ``value`` takes the kind of its ``name``."""
    name = fact.get("name") if fact.get("t") == "metric" else None
    out: dict[str, Any] = {}
    for key, value in fact.items():
        if isinstance(value, float):
            out[key] = rounded(value, kind_of(name) if key == "value" and isinstance(name, str) else kind_of(key))
        elif isinstance(value, list):
            out[key] = [rounded(v, "other") if isinstance(v, float) else v for v in value]
        else:
            out[key] = value
    return out


def round_facts(facts: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [round_fact(f) for f in facts]


def distinct(value: float, others: Iterable[float | None], digits: int = 2, most: int = 4,
             fmt: Callable[[float, int], str] = lambda v, d: f"{v:,.{d}f}") -> str:
    """``value`` with ``digits`` decimals, or more (up to ``most``) when fewer would print it equal
    to one of ``others`` that it is not equal to: 1.3992 against a 1.40 threshold prints as 1.399."""
    for d in range(digits, most + 1):
        text = fmt(value, d)
        if all(o is None or o == value or fmt(o, d) != text for o in others):
            return text
    return fmt(value, most)
