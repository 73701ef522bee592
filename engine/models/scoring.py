"""Schema of rulesets/scoring/*.yaml: weights, bands and verdict policy (all ipsdg proposals)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from engine.models.base import ReferenceSpec, Strict, check

Severity = Literal["info", "warning", "red_flag", "blocker"]
EvidenceKind = Literal["deal", "valuation", "document", "hedged", "topical"]


class Band(Strict):
    min: float
    label: str


class Grade(Strict):
    min: float
    grade: str


class SDGScoring(Strict):
    goals: list[int] = Field(min_length=1)
    strength_points: dict[Literal["direct", "indirect"], float]
    evidence_quality: dict[EvidenceKind, float]
    allocation_full_share_pct: float = Field(gt=0, le=100)
    asset_full_share_pct: float = Field(gt=0, le=100)
    topical_points: float = Field(ge=0)
    topical_cap: float = Field(ge=0)
    deal_evidence_required: list[int] = []
    unsupported_cap: float = Field(ge=0)
    flag_penalty: dict[Severity, float]
    target_cap: float = Field(gt=0)
    cap: float = Field(gt=0)
    bands: list[Band] = Field(min_length=1)

    @model_validator(mode="after")
    def _complete(self) -> SDGScoring:
        issues: list[tuple[tuple[str | int, ...], str]] = []
        for name, keys, needed in (("strength_points", self.strength_points, ("direct", "indirect")),
                                   ("evidence_quality", self.evidence_quality,
                                    ("deal", "valuation", "document", "hedged", "topical")),
                                   ("flag_penalty", self.flag_penalty, ("info", "warning", "red_flag", "blocker"))):
            missing = [k for k in needed if k not in keys]
            if missing:
                issues.append(((name,), f"missing {', '.join(missing)}"))
        mins = [b.min for b in self.bands]
        if mins != sorted(mins, reverse=True):
            issues.append((("bands",), "bands must be listed from the highest `min` down"))
        check(issues)
        return self


class ESGScoring(Strict):
    weights: dict[Literal["sdg", "icma"], float]  # no financial part: credit is its own opinion
    sdg_top_n: int = Field(ge=1, le=17)
    flag_penalty: dict[Severity, float]
    grades: list[Grade] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> ESGScoring:
        mins = [g.min for g in self.grades]
        check([] if mins == sorted(mins, reverse=True) else
              [(("grades",), "grades must be listed from the highest `min` down")])
        return self


class VerdictPolicy(Strict):
    blocker_severities: list[Severity]
    condition_severities: list[Severity]


class ReconcilePolicy(Strict):
    share_tolerance_pct_points: float = Field(ge=0, le=100)
    kpi_relative_tolerance: float = Field(ge=0, le=10)


class ScoringConfig(Strict):
    scoring: str
    version: str
    references: dict[str, ReferenceSpec]
    reference: str
    sdg: SDGScoring
    esg: ESGScoring
    verdict: VerdictPolicy
    reconcile: ReconcilePolicy

    @model_validator(mode="after")
    def _reference_known(self) -> ScoringConfig:
        check([] if self.reference in self.references else
              [(("reference",), f"reference {self.reference!r} is not defined under `references`")])
        return self
