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
    count: int  # obligors in the bucket (1 for a single licensee)


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


class WaterfallRow(Strict):
    """One payment period through the priority of payments (amounts paid, not due, unless named so)."""

    period: int
    start: date
    collections: Money
    senior_fees: Money  # trustee, servicer, other senior expenses and taxes
    net_cash_flow: Money  # collections - senior fees: cash available for debt service
    interest_due: Money
    interest_paid: dict[str, Money]  # by class, in order of seniority
    principal_due: Money  # scheduled amortisation (bullets apart)
    principal_paid: dict[str, Money]  # scheduled amortisation and bullets paid, by class
    bullet_due: Money  # bullets falling due this period and repaid from cash
    reserve_draw: Money
    reserve_funded: Money
    reserve_balance: Money  # at period end
    guarantee_draw: Money
    accumulated: Money  # bullet accumulation account at period end
    trapped: Money  # cash-trap account at period end
    prepaid: Money  # rapid amortisation and turbo payments of principal
    residual: Money  # released to the originator / equity
    shortfall: Money  # debt service due but not paid from any source
    refinanced: Money  # bullets left to refinancing (stated, or cash fell short)
    notes_outstanding: Money  # at period end
    trigger: str | None  # the trigger in force this period
    dscr: Ratio | None  # net cash flow / (interest + scheduled principal)
    dscr_with_support: Ratio | None  # (net cash flow + reserve, trapped cash and counted guarantee at start) / same


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


class MethodValue(Strict):
    """One valuation method's value of the pool, for the reconciliation."""

    method: Literal["income", "relief_from_royalty", "cost", "market", "appraisal"]
    value: Money
    gap_pct: Pct | None  # (value - income value of the same assets) / income value
    basis: str  # what the figure rests on


class Scenario(Strict):
    """A named credit stress (rulesets/stress/scenarios.yaml) run through the waterfall."""

    id: str
    title: str
    applied: str  # what was changed, in this deal's terms
    pool_value: Money
    ltv_pct: Pct | None
    dscr_min: Ratio | None  # with support
    dscr_min_unenhanced: Ratio | None
    interest_shortfall: Money  # senior fees and interest not paid, summed over the periods
    principal_loss: Money  # notes still unpaid after the last period (refinanced bullets apart)
    first_shortfall_period: int | None
    refinancing_need_pct: Pct
    periods_under_trigger: int
    reference: str


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
    scenarios: list[Scenario]  # named credit stresses through the waterfall
    payment_frequency: str
    waterfall: list[WaterfallRow]
    guarantee_counted: Money  # guarantees counted as support after the guarantor-rating limit
    appraisal_value: Money | None  # third-party appraisal, when given
    appraisal_gap_pct: Pct | None  # (appraisal - pool value) / pool value
    methods: list[MethodValue]  # each method's value, reconciled against the income approach
    ltv_basis: str  # which value ltv_pct divides by
    ltv_appraisal_pct: Pct | None  # notes outstanding / third-party appraisal, beside ltv_pct
    metrics: dict[str, float]
    units: dict[str, str]
    notes: list[str]

    @field_serializer("metrics")
    def _metrics_at_precision(self, metrics: dict[str, float]) -> dict[str, float]:
        return round_named(metrics)
