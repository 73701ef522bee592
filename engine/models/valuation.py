"""What ``engine.valuation.value_deal`` returns: pool value, debt coverage, stress and metrics.

Money is in the deal's currency; percentages are 0-100; ratios are plain numbers (1.75 = 1.75x).
Fields that do not apply (no debt years left, no licensees, no history) are ``None``.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from engine.models.base import Strict

LimitedBy = Literal["legal", "licence", "economic", "none"]  # which limit ends an asset's earning life


class AssetValue(Strict):
    id: str
    kind: str
    counted: bool  # false for expired or lapsed assets: they earn nothing
    legal_end: date | None
    life_end: date | None  # earliest of legal end, licence expiry, economic life end
    limited_by: LimitedBy
    remaining_life_years: float | None  # from as_of to life_end
    income_value: float  # pre-tax DCF of collections to life end (collateral basis), incl. terminal value
    terminal_value: float  # part of income_value after the forecast; only for assets with no life end
    relief_from_royalty_value: float  # after tax, times the TAB factor when the deal asks for it
    cost_value: float | None  # replacement cost less straight-line obsolescence over the legal term
    market_value: float | None  # market multiple x trailing (last history year) net royalty income
    value_share_pct: float


class LicenseeShare(Strict):
    name: str
    value: float  # share of asset values attributed by royalty_share_pct
    share_pct: float  # of pool value


class ValuationPeriod(Strict):
    """One valuation year counted from as_of."""

    period: int
    start: date
    cash_flow: float
    discount_factor: float
    present_value: float


class DebtYear(Strict):
    """One debt year counted from the issue month."""

    year: int
    start: date
    cash_flow: float  # projected pool collections in the year
    interest: float
    principal: float  # scheduled amortisation
    balloon: float  # bullet repayment at maturity (refinancing; not in DSCR)
    debt_service: float  # interest + principal, the DSCR denominator
    by_tranche: dict[str, float]  # debt service per tranche
    support_drawn: float  # guarantees and reserves used to cover a shortfall
    dscr: float | None  # with support
    dscr_unenhanced: float | None  # pool cash alone


class TrancheSummary(Strict):
    name: str
    principal: float
    outstanding: float  # at as_of
    maturity: date
    balloon: float


class StressRow(Strict):
    haircut_pct: float  # uniform cut of every cash flow
    extra_decay_pct: float  # additional yearly decay from as_of
    discount_rate_pct: float
    pool_value: float
    ltv_pct: float | None
    dscr_min: float | None
    dscr_min_unenhanced: float | None


class Valuation(Strict):
    deal_id: str
    as_of: date
    currency: str
    discount_rate_pct: float
    convention: Literal["end", "mid"]
    pool_value: float  # collateral basis: pre-tax income approach, no TAB
    relief_from_royalty_value: float
    tab_factor: float | None
    cost_value: float | None
    cost_gap_pct: float | None  # (cost - income) / income
    market_value: float | None
    market_gap_pct: float | None  # (market - income) / income
    assets: list[AssetValue]
    licensees: list[LicenseeShare]
    periods: list[ValuationPeriod]
    debt_years: list[DebtYear]
    tranches: list[TrancheSummary]
    support: float  # guarantees + reserves available at closing
    dscr_first_breach_year: int | None  # first debt year with DSCR (with support) below 1.0x
    stress: list[StressRow]
    metrics: dict[str, float]
    units: dict[str, str]
    notes: list[str]
