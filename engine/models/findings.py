"""What the rule engine says about a deal: findings with their full trace.

Screening, scoring and reports read these names; every finding carries the rule,
the rule set version and content hash, the dated parameter values it used with
their references, and the facts (with evidence) that matched.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field, field_serializer

from engine.models.base import IsoDate, ReferenceSpec, Strict
from engine.precision import Other, kind_of, round_facts, rounded

Effect = Literal["contribute", "flag", "require", "check"]
Strength = Literal["direct", "indirect"]
Severity = Literal["info", "warning", "red_flag", "blocker"]
RequireStatus = Literal["met", "missing"]
CheckStatus = Literal["pass", "watch", "fail"]
Direction = Literal["higher_is_better", "lower_is_better"]


class Reference(ReferenceSpec):
    """A reference as a finding carries it: the rule file's reference plus its key."""

    id: str


class ParamUse(Strict):
    """A parameter value as used at the screening's as_of, with the date it took effect."""

    name: str
    value: float | int | bool | str
    unit: str
    effective_from: IsoDate
    reference: Reference


class Finding(Strict):
    """One effect of one rule on one deal (one per distinct set of matched facts)."""

    rule_id: str
    ruleset: str
    ruleset_version: str
    ruleset_hash: str
    title: str
    effect: Effect
    reference: Reference
    params: list[ParamUse] = []
    facts: list[dict[str, Any]] = []
    message: str | None = None
    # contribute
    sdg: int | None = None
    target: str | None = None
    strength: Strength | None = None
    weight: Other | None = None
    # flag
    severity: Severity | None = None
    # require
    standard: str | None = None
    component: str | None = None
    status: RequireStatus | CheckStatus | None = None
    # check
    metric: str | None = None
    value: float | None = None
    direction: Direction | None = None
    pass_threshold: float | None = None
    watch_threshold: float | None = None
    as_of: date | None = Field(default=None, description="the date parameters were resolved at")

    @field_serializer("facts")
    def _facts_at_precision(self, facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return round_facts(facts)

    @field_serializer("value")
    def _value_at_precision(self, value: float | None) -> float | None:
        return None if value is None else rounded(value, kind_of(self.metric or "value"))

    def sort_key(self) -> tuple[str, str, tuple[str, ...], str]:
        """Deterministic order: by rule id, then by the matched facts' ids (unique per screening);
        facts without ids (hand-written rule tests) fall back to their full content."""
        ids = tuple(str(f.get("id", "")) for f in self.facts)
        tail = "" if all(ids) else repr([sorted(f.items(), key=lambda kv: kv[0]) for f in self.facts])
        return (self.rule_id, self.ruleset, ids, tail)
