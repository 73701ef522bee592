"""``value_deal``: the IP pool's value, the debt it carries, and the metrics the eligibility rules check.

Collateral is valued for noteholders: pre-tax income approach (DCF of projected
collections, end or mid-year convention, cut at each asset's life end), no tax
amortisation benefit. Relief-from-royalty, cost and market approaches are
cross-checks and their gaps are reported, never used for LTV. Projections are royalty
income (licensee revenue x royalty rate), so relief-from-royalty is the after-tax
income value, times the TAB factor when ``valuation.tax_amortisation_benefit`` is set.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from engine import errors
from engine.errors import InputError
from engine.models import (
    AssetValue,
    Deal,
    DebtYear,
    LicenseeShare,
    TrancheSummary,
    Valuation,
    ValuationPeriod,
)
from engine.valuation import debt, stress
from engine.valuation.formulas import discount_factors, growing_perpetuity, tab_factor
from engine.valuation.grid import Grid, after, build_grid, yearly
from engine.valuation.lives import add_years
from engine.valuation.metrics import METRIC_UNITS, Inputs, compute


def value_deal(deal: Deal, as_of: date, *, stress_grid: bool = True) -> Valuation:
    """Value the deal's IP pool at ``as_of`` and measure how well it covers the notes (see module doc).

    A deal whose notes have all matured by ``as_of`` has no debt left to cover; it is valued as at
    its issue date instead (the figures its investors relied on), and a note says so.
    """
    sched = debt.schedule(deal)
    maturities = [add_years(deal.issue_date, t.tenor_years) for t in deal.tranches]
    requested, matured = as_of, as_of >= max(maturities)
    if matured:
        as_of = deal.issue_date
    grid = build_grid(deal, max(*maturities, as_of))
    rate, convention = deal.valuation.discount_rate_pct / 100, deal.valuation.convention
    start = grid.month_index(as_of)
    periods = max(1, -(-(grid.months - start) // 12))
    if start >= grid.months:
        raise _empty(deal, as_of)
    future = grid.flows * after(grid, as_of)[None, :]
    by_period = yearly(future, start, periods)
    dfs = discount_factors(rate, periods, convention)
    tv, tv_inputs = _terminal_values(deal, grid, start, rate, convention)
    income = by_period @ dfs + tv
    pool_value = float(income.sum())
    if pool_value <= 0:
        raise _empty(deal, as_of)

    issue = grid.month_index(deal.issue_date)
    n_debt = sched.service.size
    debt_end = grid.bounds[issue + 12 * np.arange(1, n_debt + 1)]
    remaining = debt_end > as_of.toordinal()
    pool = grid.flows.sum(axis=0)
    debt_cash = yearly(pool, issue, n_debt)
    available = debt.support(deal, sched)
    enhanced, alone = debt.coverage(debt_cash[remaining], sched.service[remaining], available)
    drawn = debt.draws(debt_cash[remaining], sched.service[remaining], available)
    outstanding = _outstanding(deal, sched, as_of)

    assets = _assets(deal, grid, as_of, income, tv, pool_value)
    licensees = _licensees(deal, income, pool_value)
    metrics = compute(Inputs(
        deal=deal, grid=grid, income=income, pool_value=pool_value, licensees=licensees,
        first_year_cash=float(by_period[:, 0].sum()), outstanding=outstanding, as_of=as_of,
        maturity=max(maturities), enhanced=enhanced, alone=alone, support=available,
        cash=debt_cash[remaining], service=sched.service[remaining]))
    years = _debt_years(grid, sched, issue, remaining, debt_cash, drawn, enhanced, alone)
    breach = next((y.year for y in years if y.dscr is not None and y.dscr < 1.0 - 1e-9), None)
    rows = [] if not stress_grid else stress.grid(stress.Inputs(
        pool_after=future.sum(axis=0), pool=pool, as_of_month=start, periods=periods, issue_month=issue,
        remaining_years=remaining, service=sched.service, support=available, outstanding=outstanding, rate=rate,
        convention=convention, **tv_inputs))
    tab = tab_factor(deal.valuation.tax_rate_pct / 100, rate) if deal.valuation.tax_amortisation_benefit else None
    cost, cost_gap = _cross_check(assets, "cost_value")
    market, market_gap = _cross_check(assets, "market_value")
    return Valuation(
        deal_id=deal.id, as_of=as_of, currency=deal.currency, discount_rate_pct=deal.valuation.discount_rate_pct,
        convention=convention, pool_value=pool_value,
        relief_from_royalty_value=sum(a.relief_from_royalty_value for a in assets), tab_factor=tab,
        cost_value=cost, cost_gap_pct=cost_gap, market_value=market, market_gap_pct=market_gap,
        assets=assets, licensees=licensees,
        periods=[ValuationPeriod(period=k + 1, start=date.fromordinal(int(grid.bounds[min(start + 12 * k,
                 grid.months)])) if k else as_of, cash_flow=float(by_period[:, k].sum()),
                 discount_factor=float(dfs[k]), present_value=float(by_period[:, k].sum() * dfs[k]))
                 for k in range(periods)],
        debt_years=years,
        tranches=[TrancheSummary(name=t.name, principal=t.principal, outstanding=float(outstanding_i),
                                 maturity=m, balloon=float(sched.balloon[i].sum()))
                  for i, (t, m, outstanding_i) in enumerate(zip(deal.tranches, maturities,
                                                                _outstanding_each(deal, sched, as_of), strict=True))],
        support=available, dscr_first_breach_year=breach, stress=rows,
        metrics=metrics, units={k: METRIC_UNITS[k] for k in metrics},
        notes=[f"every note matured by {requested}; valued as at the issue date {as_of}"] * matured
        + _notes(deal, grid, sched, tv, max(maturities)))


def _empty(deal: Deal, as_of: date) -> InputError:
    return InputError.single(
        errors.EMPTY_POOL, f"deal {deal.id!r}: no asset in the pool yields any cash flow after {as_of}",
        hint="check that assets are not expired or lapsed, that projections run past as_of, and that "
             "licence_expiry / economic_life_years are not already over")


def _terminal_values(deal: Deal, grid: Grid, start: int, rate: float,
                     convention: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Open-ended assets (no legal, licence or economic end) continue as a growing perpetuity."""
    shift = 0.5 if convention == "mid" else 0.0
    tv = np.zeros(len(deal.assets))
    picked = np.flatnonzero(grid.open_ended() & (grid.last_flow > 0) & (grid.forecast_end > start))
    years = (grid.forecast_end[picked] - start) / 12.0
    for i, t in zip(picked, years, strict=True):
        g = float(grid.growth[i])
        value = growing_perpetuity(grid.last_flow[i] * (1 + g), rate, g, what=f"asset {deal.assets[i].id!r}")
        tv[i] = value * (1.0 + rate) ** (shift - t)
    return tv, {"tv_last": grid.last_flow[picked], "tv_growth": grid.growth[picked], "tv_years": years}


def _outstanding_each(deal: Deal, sched: debt.Schedule, as_of: date) -> list[float]:
    """Each tranche's balance at as_of: the opening balance of the debt year holding it."""
    if as_of <= deal.issue_date:
        return [t.principal for t in deal.tranches]
    year = as_of.year - deal.issue_date.year - (as_of < add_years(deal.issue_date, as_of.year - deal.issue_date.year))
    if year >= sched.opening.shape[1]:
        return [0.0] * len(deal.tranches)
    return [float(b) for b in sched.opening[:, year]]


def _outstanding(deal: Deal, sched: debt.Schedule, as_of: date) -> float:
    return float(sum(_outstanding_each(deal, sched, as_of)))


def _assets(deal: Deal, grid: Grid, as_of: date, income: np.ndarray, tv: np.ndarray,
            pool_value: float) -> list[AssetValue]:
    tax = deal.valuation.tax_rate_pct / 100
    rate = deal.valuation.discount_rate_pct / 100
    uplift = tab_factor(tax, rate) if deal.valuation.tax_amortisation_benefit else 1.0
    multiple = deal.valuation.market_multiple
    out = []
    for i, (asset, lf) in enumerate(zip(deal.assets, grid.lives, strict=True)):
        remaining = (lf.end - as_of).days / 365.25 if lf.end else None
        began = asset.filing_date or asset.grant_date or deal.issue_date
        cost = None
        if asset.replacement_cost is not None:
            left = 1.0 if lf.end is None else min(max((lf.end - as_of).days / max((lf.end - began).days, 1), 0.0), 1.0)
            cost = asset.replacement_cost * left * bool(grid.counted[i])
        history = asset.cash_flows.history
        market = multiple * history[-1].amount * bool(grid.counted[i]) if multiple and history else None
        out.append(AssetValue(
            id=asset.id, kind=asset.kind, counted=bool(grid.counted[i]), legal_end=lf.legal_end, life_end=lf.end,
            limited_by=lf.limited_by,
            remaining_life_years=None if remaining is None else max(remaining, 0.0),
            income_value=float(income[i]), terminal_value=float(tv[i]),
            relief_from_royalty_value=float(income[i] * (1 - tax) * uplift), cost_value=cost, market_value=market,
            value_share_pct=float(100 * income[i] / pool_value)))
    return out


def _licensees(deal: Deal, income: np.ndarray, pool_value: float) -> list[LicenseeShare]:
    """Each licensee's share of pool value: asset values split by royalty_share_pct, summed by name."""
    values: dict[str, float] = {}
    for asset, value in zip(deal.assets, income, strict=True):
        for lic in asset.licensees:
            values[lic.name] = values.get(lic.name, 0.0) + float(value) * lic.royalty_share_pct / 100
    ranked = sorted(values.items(), key=lambda kv: -kv[1])
    return [LicenseeShare(name=n, value=v, share_pct=100 * v / pool_value) for n, v in ranked]


def _debt_years(grid: Grid, sched: debt.Schedule, issue: int, remaining: np.ndarray, cash: np.ndarray,
                drawn: np.ndarray, enhanced: np.ndarray, alone: np.ndarray) -> list[DebtYear]:
    rows = []
    for k, j in enumerate(np.flatnonzero(remaining)):
        rows.append(DebtYear(
            year=int(j) + 1, start=date.fromordinal(int(grid.bounds[issue + 12 * j])), cash_flow=float(cash[j]),
            interest=float(sched.interest[:, j].sum()), principal=float(sched.principal[:, j].sum()),
            balloon=float(sched.balloon[:, j].sum()), debt_service=float(sched.service[j]),
            by_tranche={n: float(sched.interest[i, j] + sched.principal[i, j]) for i, n in enumerate(sched.names)},
            support_drawn=float(drawn[k]), dscr=_finite(enhanced[k]), dscr_unenhanced=_finite(alone[k])))
    return rows


def _finite(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _cross_check(assets: list[AssetValue], field: str) -> tuple[float | None, float | None]:
    """Pool total of a cross-check approach and its gap to the income value of the same assets."""
    pairs = [(getattr(a, field), a.income_value) for a in assets if getattr(a, field) is not None and a.counted]
    if not pairs:
        return None, None
    other, income = sum(p[0] for p in pairs), sum(p[1] for p in pairs)
    return other, (100 * (other - income) / income if income > 0 else None)


def _notes(deal: Deal, grid: Grid, sched: debt.Schedule, tv: np.ndarray, maturity: date) -> list[str]:
    notes = []
    for asset, lf, counted, t in zip(deal.assets, grid.lives, grid.counted, tv, strict=True):
        if not counted:
            notes.append(f"{asset.id}: {asset.status}, valued at nil")
        elif lf.end is not None:
            notes.append(f"{asset.id}: cash flows stop at {lf.end} ({lf.limited_by} end)")
        elif t > 0:
            notes.append(f"{asset.id}: no legal, licence or economic end; terminal value {t:,.0f} after its forecast")
    for name, balloon in zip(sched.names, sched.balloon.sum(axis=1), strict=True):
        if balloon > 0:
            notes.append(f"{name}: bullet of {balloon:,.0f} at maturity is refinanced (whole-business), not in DSCR")
    earning = np.flatnonzero(grid.flows.sum(axis=0) > 0)
    if earning.size:
        last_cash = date.fromordinal(int(grid.bounds[earning[-1] + 1]))
        if last_cash < maturity:
            notes.append(f"the pool's projected cash flows end on {last_cash}, before the last maturity {maturity}: "
                         "debt years after that have no projected cash")
    return notes
