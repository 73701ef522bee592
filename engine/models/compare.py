"""Two stored screenings of one deal side by side: what moved, and what caused each move.

A reviewer reads this to learn why a re-screening differs from the last one: a
rule set changed, a dated parameter took a new value, or the inputs (deal file,
documents) are not the same.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from engine.models.base import Strict
from engine.models.portfolio import Cause
from engine.models.stored import StoredDocument, StoredRuleset
from engine.precision import Score

FindingChangeKind = Literal["added", "removed", "changed"]
InputChangeKind = Literal["deal_file", "document_added", "document_removed", "document_changed"]


class CompareSide(Strict):
    """One of the two screenings: when, with which rules and inputs, and its headline outcome."""

    screening_id: int
    as_of: date
    screened_at: datetime
    user: str
    deal_filename: str
    deal_sha256: str  # of the deal file as uploaded
    documents: list[StoredDocument]
    rulesets: list[StoredRuleset]
    rules_hash: str  # one digest over every rule set's name and hash (equal hashes: the same rules)
    scoring_version: str
    verdict: str
    grade: str
    esg_score: Score


class SideBySide(Strict):
    """One row shown for both sides (an opinion, a check); ``old``/``new`` are None where a side has none."""

    key: str
    title: str
    old: str | None
    new: str | None
    causes: list[Cause] = []  # for a changed check: what moved its value or status

    @property
    def changed(self) -> bool:
        return self.old != self.new


class SDGRow(Strict):
    sdg: int
    short: str
    old: Score | None
    new: Score | None
    delta: Score


class FindingChange(Strict):
    """A rule whose findings differ: added (only the newer side), removed (only the older) or changed."""

    rule_id: str
    ruleset: str
    title: str
    change: FindingChangeKind
    old: list[str]  # outcome labels, e.g. "check/watch", "contribute/7.2 direct 1.0"
    new: list[str]
    causes: list[Cause]
    same_outcome: bool = False  # "changed" only in the parameter values used: the scores did not move by it


class InputChange(Strict):
    kind: InputChangeKind
    detail: str


class RulesetMove(Strict):
    """A rule set whose content hash differs between the two screenings (or is on one side only)."""

    name: str
    old_version: str | None
    new_version: str | None
    old_hash: str | None
    new_hash: str | None


class Comparison(Strict):
    deal_id: str
    deal_name: str
    old: CompareSide
    new: CompareSide
    opinions: list[SideBySide]
    sdg: list[SDGRow]
    checks: list[SideBySide]
    findings: list[FindingChange]
    inputs: list[InputChange]
    rulesets: list[RulesetMove]
