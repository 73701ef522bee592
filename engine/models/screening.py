"""The result of one screening: what a report renders and the store keeps.

``Screening.model_validate_json(s.model_dump_json())`` round-trips exactly, so a
stored screening re-renders the same report years later.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import field_serializer

from engine.models.base import Strict
from engine.models.deal import Deal
from engine.models.disclosures import Extraction
from engine.models.findings import Finding
from engine.models.valuation import Valuation
from engine.precision import Factor, Score, kind_of, rounded

SCHEMA_VERSION = "2"
EvidenceKind = Literal["deal", "valuation", "document", "hedged", "topical"]


class ScorePoint(Strict):
    """Points one finding (or one topical passage) adds to, or takes from, an SDG."""

    sdg: int
    target: str | None
    points: Score
    rule_id: str | None
    evidence_kind: EvidenceKind
    basis: str
    evidence: str | None


class SDGScore(Strict):
    sdg: int
    short: str
    score: Score
    band: str
    targets: list[str]
    points: list[ScorePoint]
    penalties: list[ScorePoint]
    note: str | None = None


class ComponentStatus(Strict):
    standard: str
    component: str
    title: str
    status: Literal["met", "missing"]
    rule_id: str
    message: str | None
    reference: str


class CheckResult(Strict):
    rule_id: str
    metric: str
    title: str
    value: float | None
    status: Literal["pass", "watch", "fail"]
    direction: str | None
    pass_threshold: float | None
    watch_threshold: float | None
    reference: str
    message: str | None

    @field_serializer("value")
    def _value_at_precision(self, value: float | None) -> float | None:
        return None if value is None else rounded(value, kind_of(self.metric))


class ESGPart(Strict):
    name: str
    weight: Score
    value: Score
    basis: str


RowStatus = Literal["met", "partly", "missing", "not_applicable", "not_assessable"]


class OpinionRow(Strict):
    """One checked item of an opinion: an ICMA component, an EU GBS article paragraph, an SDG target, a check.

    ``clause`` names the standard text the row encodes (e.g. "Reg. (EU) 2023/2631 Art. 18(1)");
    ``note`` says what was found when met, and what would make the row met when it is not.
    """

    key: str
    title: str
    status: str
    clause: str
    rule_id: str | None = None
    evidence: str | None = None
    note: str | None = None


class ICMAOpinion(Strict):
    """``china_catalogue``: for a green deal issued in China or following China's catalogue, the check of each
    allocation against the catalogue edition that governs the bond; for information, it never changes
    ``status`` or any score (rulesets/compliance/china-catalogue.yaml)."""

    status: Literal["aligned", "aligned_with_recommendations", "not_aligned", "not_applicable"]
    principles: str
    decided_by: str
    reasons: list[str]
    rows: list[OpinionRow]
    china_catalogue: list[OpinionRow] = []


class EUGBSOpinion(Strict):
    status: Literal["compliant", "not_compliant", "not_claimed"]
    decided_by: str
    reasons: list[str]
    rows: list[OpinionRow]


class SDGOpinion(Strict):
    grade: str
    scale: str
    decided_by: str
    reasons: list[str]
    rows: list[OpinionRow]


class CreditOpinion(Strict):
    status: Literal["eligible", "watch", "ineligible"]
    decided_by: str
    reasons: list[str]
    rows: list[OpinionRow]


class Opinions(Strict):
    """Four opinions, side by side and never blended: ICMA, EU GBS, SDG contribution, credit."""

    icma: ICMAOpinion
    eu_gbs: EUGBSOpinion
    sdg: SDGOpinion
    credit: CreditOpinion


class Scores(Strict):
    """What the scoring stage returns; folded into the Screening."""

    sdg_scores: list[SDGScore]
    components: list[ComponentStatus]
    checks: list[CheckResult]
    esg_parts: list[ESGPart]
    esg_score: Score
    grade: str
    verdict: Literal["eligible", "conditional", "ineligible"]
    blockers: list[str]
    conditions: list[str]
    red_flag_count: int
    opinions: Opinions


class TopicalPassage(Strict):
    """A document passage the SDG tagger judged to address an SDG (supporting evidence only)."""

    document: str
    page: int
    sdg: int
    score: Factor
    terms: list[str]
    text: str
    targets: list[str] = []  # targets and indicators the tag's queries encode


class Contradiction(Strict):
    """A figure the documents state differently from the deal file."""

    field: str
    deal_value: str
    document_value: str
    message: str
    document: str
    page: int
    quote: str


class RulesetRef(Strict):
    name: str
    version: str
    hash: str


class DocumentDigest(Strict):
    name: str
    sha256: str
    media_type: str
    pages: int


class Screening(Strict):
    schema_version: str = SCHEMA_VERSION
    deal_id: str
    deal_name: str
    label: str
    as_of: date
    verdict: Literal["eligible", "conditional", "ineligible"]
    conditions: list[str]
    blockers: list[str]
    esg_score: Score
    grade: str
    esg_parts: list[ESGPart]
    sdg_scores: list[SDGScore]
    components: list[ComponentStatus]
    checks: list[CheckResult]
    red_flag_count: int
    findings: list[Finding]
    extractions: list[Extraction]
    topical: list[TopicalPassage]
    contradictions: list[Contradiction]
    valuation: Valuation | None
    rulesets: list[RulesetRef]
    scoring_version: str
    documents: list[DocumentDigest]
    deal: Deal
    also_addressed: list[TopicalPassage] = []  # best passage per SDG outside the scored goals (topical tagging)
    opinions: Opinions | None = None  # schema 2; screenings stored under schema 1 have none and re-render without

    @property
    def red_flags(self) -> list[Finding]:
        return [f for f in self.findings if f.effect == "flag" and f.severity in ("red_flag", "blocker")]

    @property
    def top_sdgs(self) -> list[SDGScore]:
        return sorted((s for s in self.sdg_scores if s.score > 0), key=lambda s: (-s.score, s.sdg))[:3]
