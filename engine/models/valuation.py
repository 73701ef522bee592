"""What ``engine.valuation.value_deal`` returns: pool value, debt coverage, stress and metrics.

Money is in the deal's currency; percentages are 0-100; ratios are plain numbers (1.75 = 1.75x).
Fields that do not apply (no debt years left, no licensees, no history) are ``None``.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import field_serializer

from engine.models.base import Strict
from engine.precision import Factor, Money, Pct, Ratio, Years, round_named

LimitedBy = Literal["legal", "licence", "economic", "none"]  # which limit ends an asset's earning life


class AssetValue(Strict):
    id: str
    kind: str
    counted: bool  # false for expired or lapsed assets: they earn nothing
    legal_end: date | None
    life_end: date | None  # earliest of legal end, licence expiry, economic life end
    limited_by: LimitedBy
    remaining_life_years: Years | None  # from as_of to life_end
    income_value: Money  # pre-tax DCF of collections to life end (collateral basis), incl. terminal value
    terminal_value: Money  # part of income_value after the forecast; only for assets with no life end
    relief_from_royalty_value: Money  # after tax, times the TAB factor when the deal asks for it
    cost_value: Money | None  # replacement cost less straight-line obsolescence over the legal term
    market_value: Money | None  # market multiple x trailing (last history year) net royalty income
    value_share_pct: Pct


class LicenseeShare(Strict):
    name: str
    value: Money  # share of asset values attributed by royalty_share_pct
    share_pct: Pct  # of pool value


class ValuationPeriod(Strict):
    """One valuation year counted from as_of."""

    period: int
    start: date
    cash_flow: Money
    discount_factor: Factor
    present_value: Money


class DebtYear(Strict):
    """One debt year counted from the issue month."""

    year: int
    start: date
    cash_flow: Money  # projected pool collections in the year
    interest: Money
    principal: Money  # scheduled amortisation
    balloon: Money  # bullet repayment at maturity (refinancing; not in DSCR)
    debt_service: Money  # interest + principal, the DSCR denominator
    by_tranche: dict[str, Money]  # debt service per tranche
    support_drawn: Money  # guarantees and reserves used to cover a shortfall
    dscr: Ratio | None  # with support
    dscr_unenhanced: Ratio | None  # pool cash alone


class TrancheSummary(Strict):
    name: str
    principal: Money
    outstanding: Money  # at as_of
    maturity: date
    balloon: Money


class StressRow(Strict):
    haircut_pct: Pct  # uniform cut of every cash flow
    extra_decay_pct: Pct  # additional yearly decay from as_of
    discount_rate_pct: Pct
    pool_value: Money
    ltv_pct: Pct | None
    dscr_min: Ratio | None
    dscr_min_unenhanced: Ratio | None


class Valuation(Strict):
    deal_id: str
    as_of: date
    currency: str
    discount_rate_pct: Pct
    convention: Literal["end", "mid"]
    pool_value: Money  # collateral basis: pre-tax income approach, no TAB
    relief_from_royalty_value: Money
    tab_factor: Ratio | None
    cost_value: Money | None
    cost_gap_pct: Pct | None  # (cost - income) / income
    market_value: Money | None
    market_gap_pct: Pct | None  # (market - income) / income
    assets: list[AssetValue]
    licensees: list[LicenseeShare]
    periods: list[ValuationPeriod]
    debt_years: list[DebtYear]
    tranches: list[TrancheSummary]
    support: Money  # guarantees + reserves available at closing
    dscr_first_breach_year: int | None  # first debt year with DSCR (with support) below 1.0x
    stress: list[StressRow]
    metrics: dict[str, float]
    units: dict[str, str]
    notes: list[str]

    @field_serializer("metrics")
    def _metrics_at_precision(self, metrics: dict[str, float]) -> dict[str, float]:
        return round_named(metrics)
