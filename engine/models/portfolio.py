"""What a rule-set diff reports: rule and parameter changes, and the deals they move.

A researcher changing policy reads this to learn what the change does to a book
of deals, deal by deal, with the rule change that caused each move.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from engine.models.base import IsoDate, Strict
from engine.precision import Score

Scalar = bool | int | float | str
RuleChangeKind = Literal["added", "removed", "changed", "activated", "deactivated"]
ParamChangeKind = Literal["added", "removed", "changed"]
CauseKind = Literal["rule_added", "rule_removed", "rule_changed", "rule_activated", "rule_deactivated",
                    "parameter", "scoring", "input", "as_of", "unexplained"]


class RuleChange(Strict):
    """A rule that differs between the two sides (by id across all rule sets)."""

    rule_id: str
    ruleset: str
    title: str
    change: RuleChangeKind
    fields: list[str] = []  # for "changed": condition, effect, title, reference, effective
    detail: str | None = None


class DatedValue(Strict):
    effective_from: IsoDate
    value: Scalar


class ParamChange(Strict):
    """A parameter whose dated history, or whose value in force, differs between the two sides."""

    ruleset: str
    name: str
    unit: str
    change: ParamChangeKind
    old_in_force: DatedValue | None
    new_in_force: DatedValue | None
    history: list[str] = []  # e.g. "2026-01-01: 5 -> 10", "2027-01-01: added 12"
    rules: list[str] = []  # rule ids that use the parameter

    @property
    def in_force_changed(self) -> bool:
        return self.old_in_force != self.new_in_force


class Cause(Strict):
    """Why one rule's findings on one deal changed."""

    rule_id: str
    kind: CauseKind
    detail: str


class SDGDelta(Strict):
    sdg: int
    old: Score
    new: Score
    delta: Score


class DealChange(Strict):
    deal: str
    name: str
    verdict_old: str
    verdict_new: str
    grade_old: str
    grade_new: str
    esg_old: Score
    esg_new: Score
    esg_delta: Score
    sdg: list[SDGDelta] = []
    findings_added: list[str] = []  # "RULE-ID (status)" of findings only the new side has
    findings_removed: list[str] = []
    causes: list[Cause] = []
    opinions: dict[str, str] = {}  # opinion -> "old status -> new status", for the opinions that moved


class DiffSide(Strict):
    rules_dir: str
    as_of: date
    hash: str


class DiffSummary(Strict):
    rules_added: int
    rules_removed: int
    rules_changed: int
    parameters_changed: int
    deals_screened: int
    deals_failed: int
    deals_changed: int
    verdict_changes: dict[str, int]  # "eligible -> conditional": n
    grades_up: int
    grades_down: int
    sdg_scores_up: int
    sdg_scores_down: int


class RulesetDiff(Strict):
    old: DiffSide
    new: DiffSide
    scoring_changed: bool
    rules: list[RuleChange]
    parameters: list[ParamChange]
    deals: list[DealChange]
    failed: list[str]  # "source:line: reason" of deals that could not be screened on either side
    summary: DiffSummary
