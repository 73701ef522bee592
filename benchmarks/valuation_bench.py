"""Valuation benchmark: a 1,000-asset pool with 20 years of monthly cash flows.

Times ``value_deal`` (value, the priority-of-payments waterfall, metrics, break-even haircut
with and without support by vectorised grid search, and the 36-row stress grid run through the
waterfall) against a straightforward pure-Python loop implementation of the same maths (value,
annual waterfall with a bullet repaid from accumulated cash and a guarantee, DSCR with support,
break-even haircut by bisection), run in the same process, checks that both give the same
figures, and prints both times and the ratio. Target: under 50 ms.

    .venv/bin/python benchmarks/valuation_bench.py
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from engine.models import Deal
from engine.valuation import value_deal
from engine.valuation.lives import add_years, life

N_ASSETS, YEARS, AS_OF = 1_000, 20, date(2026, 1, 1)
T = TypeVar("T")


def build_deal(seed: int = 7) -> Deal:
    rng = random.Random(seed)
    party = {"name": "Pool Issuer", "country": "IE", "sector": "financial_services"}
    assets = []
    for i in range(N_ASSETS):
        trend = {"growth_pct": round(rng.uniform(0, 4), 2)} if rng.random() < 0.5 else \
            {"decay_pct": round(rng.uniform(0, 12), 2)}
        filed = date(2008 + rng.randrange(18), 1 + rng.randrange(12), 1 + rng.randrange(28))
        licensee = {"name": f"licensee-{rng.randrange(150)}", "sector": "electronics", "royalty_share_pct": 100}
        assets.append({
            "id": f"pat-{i:04d}", "kind": "patent", "title": f"patent {i}", "jurisdiction": "US",
            "status": "granted", "owner": "Originator", "filing_date": filed, "licensees": [licensee],
            "cash_flows": {"projection": {"base": rng.uniform(50_000, 500_000), "start_year": 2026, "years": YEARS,
                                          **trend}}})
    return Deal.model_validate({
        "id": "bench-pool", "name": "Benchmark pool", "originator": party, "issuer": party,
        "structure": {"type": "securitisation", "label": "green", "collateral_basis": "patent_licence"},
        "currency": "USD", "issue_date": AS_OF,
        "tranches": [{"name": "A", "principal": 600e6, "coupon_pct": 5.0, "tenor_years": 10, "amortisation": "level"},
                     {"name": "B", "principal": 100e6, "coupon_pct": 8.0, "tenor_years": 12, "amortisation": "bullet"}],
        "credit_enhancement": {"guarantees": [{"provider": "Agency", "amount": 50e6}]},
        "assets": assets, "valuation": {"discount_rate_pct": 9.0, "convention": "mid"}})


def pure_python(deal: Deal, as_of: date) -> tuple[float, float, float, float]:
    """Pool value, min DSCR (with support), break-even haircut and largest asset share, one loop at a time."""
    rate, shift = deal.valuation.discount_rate_pct / 100, 0.5 if deal.valuation.convention == "mid" else 0.0
    first_year = min(min(a.cash_flows.projection.start_year or 9999 for a in deal.assets), deal.issue_date.year)
    last_year = max(add_years(deal.issue_date, t.tenor_years).year for t in deal.tranches)
    for a in deal.assets:
        p = a.cash_flows.projection
        last_year = max(last_year, (p.start_year or 0) + (p.years or 0) - 1)
    months = 12 * (last_year - first_year + 1)
    bounds = [date(first_year + k // 12, k % 12 + 1, 1).toordinal() for k in range(months + 1)]
    start = (as_of.year - first_year) * 12 + as_of.month - 1
    pool = [0.0] * months
    values = []
    for asset in deal.assets:
        p = asset.cash_flows.projection
        growth = (p.growth_pct or 0.0) / 100 - (p.decay_pct or 0.0) / 100
        end = life(asset, deal).end
        value = 0.0
        for k in range(months):
            year = first_year + k // 12
            amount = p.base * (1 + growth) ** (year - p.start_year) if p.start_year <= year < p.start_year + p.years \
                else 0.0
            length = bounds[k + 1] - bounds[k]
            alive = 1.0 if end is None else min(max((end.toordinal() - bounds[k]) / length, 0.0), 1.0)
            flow = amount / 12 * alive
            pool[k] += flow
            if k >= start:
                after = min(max((bounds[k + 1] - as_of.toordinal()) / length, 0.0), 1.0)
                value += flow * after / (1 + rate) ** ((k - start) // 12 + 1 - shift)
        values.append(value)
    years = max(t.tenor_years for t in deal.tranches)
    issue = (deal.issue_date.year - first_year) * 12 + deal.issue_date.month - 1
    cash = [sum(pool[issue + 12 * y: issue + 12 * (y + 1)]) for y in range(years)]
    support = sum(g.amount for g in deal.credit_enhancement.guarantees)

    def waterfall(h: float) -> tuple[float, bool]:
        """Annual priority of payments: interest, level principal, bullet from accumulated cash, guarantee."""
        left, acc, worst, ok = support, 0.0, float("inf"), True
        balances = [t.principal for t in deal.tranches]
        for y in range(years):
            cf = cash[y] * (1 - h)
            due, bullet = 0.0, 0.0
            for i, t in enumerate(deal.tranches):
                if y >= t.tenor_years:
                    continue
                c = t.coupon_pct / 100
                due += balances[i] * c
                if t.amortisation == "level":
                    payment = t.principal * c / (1 - (1 + c) ** -t.tenor_years)
                    principal = balances[i] if y == t.tenor_years - 1 else payment - balances[i] * c
                    due += principal
                    balances[i] -= principal
                elif y == t.tenor_years - 1:
                    bullet += balances[i]
                    balances[i] = 0.0
            worst = min(worst, (cf + left) / due) if due > 0 else worst
            from_acc = min(acc, bullet)
            acc -= from_acc
            need = due + bullet - from_acc
            draw = min(max(need - cf, 0.0), left)
            left -= draw
            ok = ok and need - cf - draw <= 1e-9 * deal.principal
            owed = sum(b for b, t in zip(balances, deal.tranches, strict=True) if t.amortisation == "bullet")
            acc += min(max(cf - need, 0.0), max(owed - acc, 0.0))
        return worst, ok

    lo, hi = 0.0, 1.0
    if not waterfall(0.0)[1]:
        hi = 0.0
    while hi - lo > 1e-7:
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if waterfall(mid)[1] else (lo, mid)
    return sum(values), waterfall(0.0)[0], 100 * lo, 100 * max(values) / sum(values)



def timed(fn: Callable[[], T], repeat: int) -> tuple[float, T]:
    """Median wall time of ``repeat`` runs, and the last result."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    deal = build_deal()
    value_deal(deal, AS_OF)  # warm-up
    fast_s, v = timed(lambda: value_deal(deal, AS_OF), 15)
    slow_s, (value, dscr, h_star, share) = timed(lambda: pure_python(deal, AS_OF), 1)
    m = v.metrics
    print(f"pool: {N_ASSETS} assets x {YEARS} years of monthly cash flows ({N_ASSETS * YEARS * 12:,} cells)")
    print(f"value_deal (numpy: value, waterfall, metrics, h* x 2, 36-row stress): {fast_s * 1000:8.1f} ms (median)")
    print(f"pure-Python loops (value, waterfall, DSCR, h*):                       {slow_s * 1000:8.1f} ms")
    print(f"ratio: {slow_s / fast_s:.0f}x faster; target < 50 ms: {'met' if fast_s < 0.05 else 'NOT met'}")
    print(f"agreement: pool value {v.pool_value:,.0f} vs {value:,.0f}; "
          f"min DSCR {m['dscr_min']:.6f} vs {dscr:.6f}; h* {m['breakeven_haircut_pct']:.4f} % vs {h_star:.4f} %; "
          f"largest asset {m['largest_asset_share_pct']:.4f} % vs {share:.4f} %")


if __name__ == "__main__":
    main()
