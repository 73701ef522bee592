"""Helpers shared by the opinions and scoring: a finding's clause and evidence as a row shows them, the
SDGs a flag names, whether it is a credit matter, and flags counted once per cause."""

from __future__ import annotations

from collections.abc import Iterable

from engine.models import Finding


def clause(f: Finding) -> str:
    ref = f.reference
    return f"{ref.title}, {ref.edition}" if ref.edition and ref.edition not in ref.title else ref.title


def evidence(f: Finding) -> str | None:
    refs = sorted({str(x["evidence"]) for x in f.facts if x.get("evidence")})
    return "; ".join(refs) or None


def named_sdgs(f: Finding) -> tuple[int, ...]:
    """The SDGs a finding's facts name (an over-claim names the claimed goal), sorted and distinct."""
    return tuple(sorted({int(fact["sdg"]) for fact in f.facts if isinstance(fact.get("sdg"), int | float)}))


def is_financial(f: Finding) -> bool:
    """A flag that rests on a valuation metric (concentration, LTV, projections) is a credit matter:
    it belongs to the credit opinion and never costs SDG or ESG points (issue 13: credit is not blended)."""
    return any(fact.get("t") == "metric" for fact in f.facts)


def distinct_flags(findings: Iterable[Finding]) -> list[Finding]:
    """Flags counted once per rule and cause, however many sources repeat them (sources corroborate).

    The cause of a flag about an SDG is the SDG (the deal file's claim and the circular's "SDG 12"
    are one over-claim); of any other flag, its message (two fossil licensees are two causes).
    The first finding in the engine's deterministic order stands for the group.
    """
    seen: dict[tuple[str, tuple[int, ...], str], Finding] = {}
    for f in findings:
        if f.effect != "flag" or f.severity is None:
            continue
        named = named_sdgs(f)
        key = (f.rule_id, named, "" if named else (f.message or f.title))
        seen.setdefault(key, f)
    return list(seen.values())
