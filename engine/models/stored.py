"""What the store hands back: summaries of stored screenings and the inputs kept with them.

A stored screening keeps the full ``Screening`` JSON, so a past report re-renders
exactly; these models carry the columns that lists and the portfolio need without
parsing that JSON again.
"""

from __future__ import annotations

from datetime import date, datetime

from engine.models.base import Strict
from engine.precision import Score


class StoredDocument(Strict):
    name: str  # the uploader's file name: display text only, never a path
    sha256: str
    pages: int | None = None


class StoredRuleset(Strict):
    name: str
    version: str
    hash: str


class StoredFinding(Strict):
    """One row of the rule index: which rule produced which finding on which screening."""

    screening_id: int
    rule_id: str
    ruleset: str
    effect: str
    status: str | None = None


class ScreeningSummary(Strict):
    """One stored screening: who screened what, when, with which rule set versions, and the outcome."""

    id: int
    created_at: datetime
    user: str
    deal_id: str
    deal_name: str
    label: str
    as_of: date
    verdict: str
    grade: str
    esg_score: Score
    deal_filename: str
    documents: list[StoredDocument] = []
    rulesets: list[StoredRuleset] = []


class StoredScreening(Strict):
    """A summary plus every input and the result, enough to reproduce the report."""

    summary: ScreeningSummary
    deal_text: str  # the deal file as uploaded
    deal_json: str  # the parsed Deal, as JSON
    screening_json: str  # the full Screening; Screening.model_validate_json re-creates it
