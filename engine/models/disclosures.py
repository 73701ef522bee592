"""Documents as pages of text, and the disclosures extracted from them with page-cited evidence.

The JSON of ``Extraction`` is the fixed ``ipsdg extract --format json`` shape (README, "The ipsdg command"):
other tools read it, so field names here are a contract.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from engine.models.base import Currency, Strict
from engine.models.deal import Frequency, IcmaCategory
from engine.precision import Money, Other, Pct, Years

MediaType = Literal[
    "application/pdf", "text/html", "text/plain",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
]
KpiUnit = Literal["MWh", "tCO2e", "MW", "m3", "t", "ha", "km", "count"]


class Page(Strict):
    number: int = Field(ge=1, description="physical page, 1-based")
    label: str | None = Field(default=None, description="printed page label ('iv', '12') when the file has one")
    text: str


class Document(Strict):
    name: str
    path: str
    sha256: str
    media_type: MediaType
    pages: list[Page]


class Evidence(Strict):
    """Where a disclosure was read: physical page, character span of the sentence in that page's text."""

    page: int = Field(ge=1)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class _Item(Strict):
    evidence: Evidence
    hedged: bool = Field(default=False, description="stated with hedging ('may', 'intends to'): a weak commitment")


class UseOfProceeds(_Item):
    category: IcmaCategory
    label: str = Field(description="the document's own wording of the category")
    share_pct: Pct | None = None
    amount: Money | None = None
    currency: str | None = None
    refinancing: bool = Field(default=False, description="the line itself is a refinancing ('Renewable energy "
                              "(refinancing)')")
    refinancing_share_pct: Pct | None = None
    look_back_years: Years | None = None
    allocated: bool = Field(default=False, description="proceeds are (or are set to be) allocated to it: a share or "
                            "amount, or 'were allocated / disbursed / spent'; false for a category only listed as "
                            "eligible")


class Refinancing(_Item):
    share_pct: float | None = None
    look_back_years: float | None = None


class Kpi(_Item):
    metric: str
    value: float
    unit: str
    normalized_value: Other
    normalized_unit: KpiUnit | Currency = Field(description="a KPI unit, or an ISO 4217 code for money (R&D spend)")
    period: Literal["annual", "lifetime", "cumulative"]
    period_stated: bool = Field(description="false when the period defaulted to annual")
    baseline: float | None = Field(default=None, description="baseline value in ``unit`` (a table's baseline column)")
    baseline_year: int | None = None
    target_year: int | None = None
    basis: Literal["actual", "expected", "target", "baseline"] | None = Field(
        default=None, description="what the figure is, as the text says: achieved, expected (ex ante), a target or "
        "a baseline / prior-year comparator; None when the text does not say")


class Review(_Item):
    provider: str
    type: Literal["second_party_opinion", "verification", "certification", "rating"]
    timing: Literal["pre_issuance", "post_issuance"]


class ReportingDisclosure(_Item):
    kind: Literal["allocation", "impact"]
    frequency: Frequency | Literal["biennial"] | None = Field(
        default=None, description="as stated; 'biennial' (every two years) occurs for impact reports")


class Statement(_Item):
    """A management-of-proceeds, project-selection or exclusion statement, with the terms that flagged it."""

    terms: list[str]
    tracking: Literal["sub_account", "sub_portfolio", "other"] | None = None
    sectors: list[str] = Field(default=[], description="exclusions: the excluded sectors found")


class SdgReference(_Item):
    sdg: int = Field(ge=1, le=17)
    target: str | None = None


class Hedge(Strict):
    cue: str
    evidence: Evidence


class Extraction(Strict):
    document: str
    sha256: str
    pages: int
    use_of_proceeds: list[UseOfProceeds] = []
    kpis: list[Kpi] = []
    external_reviews: list[Review] = []
    reporting: list[ReportingDisclosure] = []
    sdg_references: list[SdgReference] = []
    management_of_proceeds: list[Statement] = []
    project_selection: list[Statement] = []
    exclusions: list[Statement] = []
    refinancing: list[Refinancing] = []
    hedges: list[Hedge] = []
