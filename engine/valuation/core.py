"""``value_deal``: the IP pool's value, the debt it carries, and the metrics the eligibility rules check.

Collateral is valued for noteholders: pre-tax income approach (DCF of projected
collections, end or mid-year convention, cut at each asset's life end), no tax
amortisation benefit. Relief from royalty, cost, market and a third-party appraisal are
independent methods reconciled beside it (``Valuation.methods``), never used for LTV:
relief from royalty prices the licensed products' revenue (collections / contract rate)
at an arm's-length rate, after tax, times the TAB factor when asked; without an
arm's-length rate it falls back to the contract rate and says it is not independent.
Cost is replacement cost plus developer's profit less functional obsolescence, times
the remaining share of the legal life; market is the median comparable multiple (or a
stated multiple) of trailing royalty income.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np

from engine import errors
from engine.errors import InputError
from engine.models import (
    AssetValue,
    Deal,
    DebtYear,
    IPAsset,
    LicenseeShare,
    MethodValue,
    TrancheSummary,
    Valuation,
    ValuationPeriod,
    WaterfallRow,
)
from engine.valuation import scenarios, stress, waterfall
from engine.valuation.formulas import discount_factors, growing_perpetuity, tab_factor
from engine.valuation.grid import Grid, after, build_grid, yearly
from engine.valuation.lives import TERMS_FILE, add_years
from engine.valuation.metrics import METRIC_UNITS, Inputs, compute
from engine.valuation.scenarios import nanmin


def value_deal(deal: Deal, as_of: date, *, stress_grid: bool = True, rules_root: Path | None = None) -> Valuation:
    """Value the deal's IP pool at ``as_of`` and measure how well it covers the notes (see module doc).

    Statutory terms and stress scenarios come from ``<rules_root>/terms/legal-terms.yaml`` and
    ``<rules_root>/stress/scenarios.yaml`` when those files exist, else from the shipped rulesets.

    A deal whose notes have all matured by ``as_of`` has no debt left to cover; it is valued as at
    its issue date instead (the figures its investors relied on), and a note says so.
    """
    t = waterfall.terms(deal)
    maturities = [add_years(deal.issue_date, tr.tenor_years) for tr in deal.tranches]
    requested, matured = as_of, as_of >= max(maturities)
    if matured:
        as_of = deal.issue_date
    terms_file, stress_file = rules_file(rules_root, TERMS_FILE), rules_file(rules_root, scenarios.SCENARIOS_FILE)
    grid = build_grid(deal, max(*maturities, as_of), terms_file)
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
    months = 12 // t.per_year
    ends = grid.bounds[np.minimum(issue + months * np.arange(1, t.periods + 1), grid.months)]
    remaining = ends > as_of.toordinal()
    pool = grid.flows.sum(axis=0)
    cash = waterfall.by_period(pool, issue, t.per_year, t.periods)
    both = waterfall.run(t, np.stack([cash, cash]), np.array([1.0, 0.0]))
    available = t.reserve + t.guarantee
    outstanding_each = _outstanding_each(deal, both, remaining)
    outstanding = float(sum(outstanding_each))
    cut = remaining.astype(float)
    haircuts = waterfall.breakeven(t, cash, cut, [1.0, 0.0] if available > 0 else [1.0])
    haircut, haircut_alone = haircuts[0], (haircuts[1] if available > 0 else None)

    assets = _assets(deal, grid, as_of, income, tv, pool_value)
    licensees = _licensees(deal, income, pool_value)
    upcoming = both.ncf[0, remaining][:t.per_year]  # the next year of payment periods
    ncf_first_year = float(upcoming.sum()) * t.per_year / max(upcoming.size, 1)
    metrics = compute(Inputs(
        deal=deal, grid=grid, income=income, pool_value=pool_value, licensees=licensees,
        ncf_first_year=ncf_first_year, outstanding=outstanding, as_of=as_of,
        maturity=max(maturities), enhanced=both.dscr_with_support[0, remaining], alone=both.dscr[0, remaining],
        support=available, haircut=haircut, haircut_alone=haircut_alone,
        refinancing=float((both.refinanced[0] + both.refinancing_gap[0])[remaining].sum()),
        principal=deal.principal))
    years = _debt_years(grid, both, t, issue, remaining)
    breach = next((y.year for y in years if y.dscr is not None and y.dscr < 1.0 - 1e-9), None)
    rows = [] if not stress_grid else stress.grid(stress.Inputs(
        pool_after=future.sum(axis=0), pool=pool, as_of_month=start, periods=periods, issue_month=issue,
        remaining=remaining, terms=t, outstanding=outstanding, rate=rate,
        convention=convention, **tv_inputs), stress_file)
    named = [] if not stress_grid else scenarios.run(scenarios.Inputs(
        deal=deal, flows=grid.flows, after=after(grid, as_of), income=income, by_period=by_period,
        as_of_month=start, issue_month=issue, terms=t, remaining=remaining, outstanding=outstanding, rate=rate,
        convention=convention, dscr_min_unenhanced=nanmin(both.dscr[0, remaining]), **tv_inputs), stress_file)
    tab = tab_factor(deal.valuation.tax_rate_pct / 100, rate) if deal.valuation.tax_amortisation_benefit else None
    methods = _methods(deal, assets, pool_value)
    by_method = {m.method: m for m in methods}  # the top-level cross-check fields repeat these
    cost, market, appraised = (by_method.get(name) for name in ("cost", "market", "appraisal"))
    appraisal = deal.valuation.appraisal
    return Valuation(
        deal_id=deal.id, as_of=as_of, currency=deal.currency, discount_rate_pct=deal.valuation.discount_rate_pct,
        convention=convention, pool_value=pool_value,
        relief_from_royalty_value=sum(a.relief_from_royalty_value for a in assets), tab_factor=tab,
        cost_value=cost.value if cost else None, cost_gap_pct=cost.gap_pct if cost else None,
        market_value=market.value if market else None, market_gap_pct=market.gap_pct if market else None,
        assets=assets, licensees=licensees,
        periods=[ValuationPeriod(period=k + 1, start=date.fromordinal(int(grid.bounds[min(start + 12 * k,
                 grid.months)])) if k else as_of, cash_flow=float(by_period[:, k].sum()),
                 discount_factor=float(dfs[k]), present_value=float(by_period[:, k].sum() * dfs[k]))
                 for k in range(periods)],
        debt_years=years,
        tranches=[TrancheSummary(name=tr.name, principal=tr.principal, outstanding=float(left),
                                 maturity=m, balloon=float((t.bullet_cash[i] + t.bullet_refi[i]).any()
                                                           * _bullet_amount(both, t, i)))
                  for i, (tr, m, left) in enumerate(zip(deal.tranches, maturities, outstanding_each, strict=True))],
        support=available, dscr_first_breach_year=breach, stress=rows, scenarios=named,
        payment_frequency=deal.payment_frequency, waterfall=_rows(grid, both, t, issue),
        guarantee_counted=t.guarantee,
        appraisal_value=appraisal.value if appraisal else None,
        appraisal_gap_pct=appraised.gap_pct if appraised else None,
        methods=methods,
        ltv_basis="income approach (model)",
        ltv_appraisal_pct=100 * outstanding / appraisal.value if appraisal else None,
        metrics=metrics, units={k: METRIC_UNITS[k] for k in metrics},
        notes=[f"every note matured by {requested}; valued as at the issue date {as_of}"] * matured
        + _notes(deal, grid, both, t, tv, max(maturities)))


def rules_file(rules_root: Path | None, shipped: Path) -> Path:
    """``shipped``'s counterpart under ``rules_root`` (same path below ``rulesets/``) if it exists, else ``shipped``."""
    if rules_root is None:
        return shipped
    own = rules_root / shipped.parent.name / shipped.name
    return own if own.is_file() else shipped


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


def _outstanding_each(deal: Deal, run: waterfall.Run, remaining: np.ndarray) -> list[float]:
    """Each class's balance at as_of: at the end of the last period before it (the principal before the first)."""
    done = np.flatnonzero(~remaining)
    if done.size == 0:
        return [tr.principal for tr in deal.tranches]
    return [float(b) for b in run.balance[0, :, int(done[-1])]]


def _bullet_amount(run: waterfall.Run, t: waterfall.Terms, i: int) -> float:
    """The bullet class ``i`` owes at its maturity (its balance just before it)."""
    due = np.flatnonzero(t.bullet_cash[i] + t.bullet_refi[i] > 0)
    if due.size == 0:
        return 0.0
    p = int(due[0])
    return float(t.principal[i] if p == 0 else run.balance[0, i, p - 1])


def _assets(deal: Deal, grid: Grid, as_of: date, income: np.ndarray, tv: np.ndarray,
            pool_value: float) -> list[AssetValue]:
    """Per asset: the income value and the independent methods (see ``_methods``)."""
    tax = deal.valuation.tax_rate_pct / 100
    rate = deal.valuation.discount_rate_pct / 100
    uplift = tab_factor(tax, rate) if deal.valuation.tax_amortisation_benefit else 1.0
    multiple = _market_multiple(deal)
    out = []
    for i, (asset, lf) in enumerate(zip(deal.assets, grid.lives, strict=True)):
        remaining = (lf.end - as_of).days / 365.25 if lf.end else None
        began = asset.filing_date or asset.grant_date or deal.issue_date
        cost = None
        if asset.replacement_cost is not None:  # cost + developer's profit, less functional and economic obsolescence
            left = 1.0 if lf.end is None else min(max((lf.end - as_of).days / max((lf.end - began).days, 1), 0.0), 1.0)
            cost = (asset.replacement_cost * (1 + asset.developer_profit_pct / 100)
                    * (1 - asset.obsolescence_pct / 100) * left * bool(grid.counted[i]))
        history = asset.cash_flows.history
        market = multiple * history[-1].amount * bool(grid.counted[i]) if multiple and history else None
        out.append(AssetValue(
            id=asset.id, kind=asset.kind, counted=bool(grid.counted[i]), legal_end=lf.legal_end, life_end=lf.end,
            limited_by=lf.limited_by,
            remaining_life_years=None if remaining is None else max(remaining, 0.0),
            income_value=float(income[i]), terminal_value=float(tv[i]),
            relief_from_royalty_value=float(income[i] * _rate_ratio(deal, asset) * (1 - tax) * uplift),
            cost_value=cost, market_value=market, value_share_pct=float(100 * income[i] / pool_value)))
    return out


def _arms_length(deal: Deal, asset: IPAsset) -> float | None:
    """The arm's-length royalty rate for relief from royalty, when the asset's revenue can be derived."""
    arm = asset.arms_length_royalty_pct or deal.valuation.arms_length_royalty_pct
    return arm if arm and asset.royalty_rate_pct else None


def _rate_ratio(deal: Deal, asset: IPAsset) -> float:
    """Revenue x arm's-length rate over collections: revenue = collections / contract rate (1 without a rate)."""
    arm = _arms_length(deal, asset)
    return arm / asset.royalty_rate_pct if arm and asset.royalty_rate_pct else 1.0


def _market_multiple(deal: Deal) -> float | None:
    """Median multiple of the comparable transactions, else the deal's stated multiple."""
    comps = deal.valuation.comparables
    return float(np.median([c.multiple for c in comps])) if comps else deal.valuation.market_multiple


def _methods(deal: Deal, assets: list[AssetValue], pool_value: float) -> list[MethodValue]:
    """Each method's value of the pool beside the income approach that LTV uses."""
    v = deal.valuation
    independent = sum(_arms_length(deal, a) is not None for a in deal.assets)
    rfr_basis = (f"revenue x arm's-length royalty rate for {independent} of {len(deal.assets)} assets, "
                 if independent else "contract royalty rate (no arm's-length rate given: not independent of income), ")
    rfr_basis += f"after tax at {v.tax_rate_pct:g} %" + (" x TAB factor" if v.tax_amortisation_benefit else "")
    rfr = sum(a.relief_from_royalty_value for a in assets)
    out = [MethodValue(method="income", value=pool_value, gap_pct=None,
                       basis="pre-tax DCF of projected collections to each asset's life end, no TAB (collateral "
                             "basis; LTV uses it)"),
           MethodValue(method="relief_from_royalty", value=rfr, gap_pct=_gap(rfr, pool_value), basis=rfr_basis)]
    cost, cost_gap = _cross_check(assets, "cost_value")
    if cost is not None:
        out.append(MethodValue(method="cost", value=cost, gap_pct=cost_gap,
                               basis="replacement cost + developer's profit - functional obsolescence, x remaining "
                                     "share of the legal life (economic obsolescence)"))
    market, market_gap = _cross_check(assets, "market_value")
    if market is not None:
        comps = v.comparables
        out.append(MethodValue(method="market", value=market, gap_pct=market_gap,
                               basis=(f"median multiple {_market_multiple(deal):g}x of {len(comps)} comparable "
                                      "transactions" if comps else f"stated multiple {v.market_multiple:g}x")
                               + " of trailing royalty income"))
    if v.appraisal is not None:
        a = v.appraisal
        out.append(MethodValue(method="appraisal", value=a.value, gap_pct=_gap(a.value, pool_value),
                               basis=f"third-party appraisal by {a.appraiser}, {a.date}, {a.method} method"))
    return out


def _gap(value: float, base: float) -> float | None:
    return 100 * (value - base) / base if base > 0 else None


def _licensees(deal: Deal, income: np.ndarray, pool_value: float) -> list[LicenseeShare]:
    """Each licensee's share of pool value: asset values split by royalty_share_pct, summed by name."""
    values: dict[str, float] = {}
    counts: dict[str, int] = {}
    for asset, value in zip(deal.assets, income, strict=True):
        for lic in asset.licensees:
            values[lic.name] = values.get(lic.name, 0.0) + float(value) * lic.royalty_share_pct / 100
            counts[lic.name] = max(counts.get(lic.name, 1), lic.count)
    ranked = sorted(values.items(), key=lambda kv: -kv[1] / counts[kv[0]])
    return [LicenseeShare(name=n, value=v, share_pct=100 * v / pool_value, count=counts[n]) for n, v in ranked]


def _debt_years(grid: Grid, run: waterfall.Run, t: waterfall.Terms, issue: int,
                remaining: np.ndarray) -> list[DebtYear]:
    """The waterfall summed by debt year (from the issue month), for the years still running at as_of."""
    rows = []
    per = t.per_year
    for j in range(t.periods // per):
        span = slice(j * per, (j + 1) * per)
        if not remaining[span].any():
            continue
        ncf, service = float(run.ncf[0, span].sum()), float(run.service[0, span].sum())
        support = float(run.support_start[0, j * per])
        rows.append(DebtYear(
            year=j + 1, start=date.fromordinal(int(grid.bounds[issue + 12 * j])),
            cash_flow=float(run.collections[0, span].sum()), interest=float(run.interest_due[0, span].sum()),
            principal=float(run.principal_due[0, span].sum()),
            balloon=float((run.bullet_due[0, span] + run.refinanced[0, span]).sum()), debt_service=service,
            by_tranche={n: float((run.interest_paid[0, i, span] + run.principal_paid[0, i, span]).sum())
                        for i, n in enumerate(t.names)},
            support_drawn=float((run.reserve_draw[0, span] + run.guarantee_draw[0, span]).sum()),
            dscr=(ncf + support) / service if service > 0 else None,
            dscr_unenhanced=ncf / service if service > 0 else None))
    return rows


_TRIGGER = {0.0: None, 1.0: "cash_trap", 2.0: "rapid_amortisation"}


def _rows(grid: Grid, run: waterfall.Run, t: waterfall.Terms, issue: int) -> list[WaterfallRow]:
    """One row per payment period, every step of the priority of payments."""
    months = 12 // t.per_year
    dscr, with_support = run.dscr[0], run.dscr_with_support[0]
    return [WaterfallRow(
        period=p + 1, start=date.fromordinal(int(grid.bounds[min(issue + months * p, grid.months)])),
        collections=float(run.collections[0, p]), senior_fees=float(run.fees[0, p]), net_cash_flow=float(run.ncf[0, p]),
        interest_due=float(run.interest_due[0, p]),
        interest_paid={n: float(run.interest_paid[0, i, p]) for i, n in enumerate(t.names)},
        principal_due=float(run.principal_due[0, p]),
        principal_paid={n: float(run.principal_paid[0, i, p]) for i, n in enumerate(t.names)},
        bullet_due=float(run.bullet_due[0, p]), reserve_draw=float(run.reserve_draw[0, p]),
        reserve_funded=float(run.reserve_funded[0, p]), reserve_balance=float(run.reserve[0, p]),
        guarantee_draw=float(run.guarantee_draw[0, p]), accumulated=float(run.accumulated[0, p]),
        trapped=float(run.trapped[0, p]), prepaid=float(run.prepaid[0, p]), residual=float(run.residual[0, p]),
        shortfall=float(run.shortfall[0, p]), refinanced=float(run.refinanced[0, p] + run.refinancing_gap[0, p]),
        notes_outstanding=float(run.outstanding[0, p]), trigger=_TRIGGER[float(run.trigger[0, p])],
        dscr=_finite(dscr[p]), dscr_with_support=_finite(with_support[p])) for p in range(t.periods)]


def _finite(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _cross_check(assets: list[AssetValue], field: str) -> tuple[float | None, float | None]:
    """Pool total of a cross-check approach and its gap to the income value of the same assets."""
    pairs = [(getattr(a, field), a.income_value) for a in assets if getattr(a, field) is not None and a.counted]
    if not pairs:
        return None, None
    other, income = sum(p[0] for p in pairs), sum(p[1] for p in pairs)
    return other, (100 * (other - income) / income if income > 0 else None)


def _notes(deal: Deal, grid: Grid, run: waterfall.Run, t: waterfall.Terms, tv: np.ndarray,
           maturity: date) -> list[str]:
    notes = []
    for asset, lf, counted, value in zip(deal.assets, grid.lives, grid.counted, tv, strict=True):
        if not counted:
            notes.append(f"{asset.id}: {asset.status}, valued at nil")
        elif lf.end is not None:
            notes.append(f"{asset.id}: cash flows stop at {lf.end} ({lf.limited_by} end)")
        elif value > 0:
            notes.append(f"{asset.id}: no legal, licence or economic end; terminal value {value:,.0f} "
                         "after its forecast")
    notes += waterfall.guarantee_counted(deal)[1]
    for i, name in enumerate(t.names):
        refi = float(t.bullet_refi[i].any() * _bullet_amount(run, t, i))
        if refi > 0:
            notes.append(f"{name}: bullet of {refi:,.0f} at maturity is refinanced as the deal states, not in DSCR")
        elif t.bullet_cash[i].any():
            p = int(np.flatnonzero(t.bullet_cash[i])[0])
            gap = float(run.refinancing_gap[0, p])
            notes.append(f"{name}: bullet repaid from cash accumulated out of collections"
                         + (f"; {gap:,.0f} of it is not covered and must be refinanced" if gap > 0 else ""))
    earning = np.flatnonzero(grid.flows.sum(axis=0) > 0)
    if earning.size:
        last_cash = date.fromordinal(int(grid.bounds[earning[-1] + 1]))
        if last_cash < maturity:
            notes.append(f"the pool's projected cash flows end on {last_cash}, before the last maturity {maturity}: "
                         "debt periods after that have no projected cash")
    return notes
