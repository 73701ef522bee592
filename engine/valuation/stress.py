"""Stress grid: pool value, LTV and minimum DSCR under haircut x extra decay x discount rate.

The same monthly pool cash flows as the base case, cut uniformly by the haircut and
decayed further at a yearly rate from ``as_of``; the discount rate moves the value
(and LTV) but not coverage. Coverage runs through the deal's waterfall, every
haircut x decay scenario with and without support in one vectorised pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.models import StressRow
from engine.valuation import scenarios, waterfall
from engine.valuation.formulas import discount_factors
from engine.valuation.grid import yearly
from engine.valuation.scenarios import nanmin


@dataclass(frozen=True)
class Inputs:
    """What the grid needs from the base valuation (all arrays over the deal's monthly grid)."""

    pool_after: np.ndarray  # pool cash per month, counting only what is on or after as_of
    pool: np.ndarray  # pool cash per month, whole projection (for coverage)
    as_of_month: int
    periods: int
    issue_month: int
    remaining: np.ndarray  # bool per payment period: still running at as_of
    terms: waterfall.Terms
    outstanding: float
    rate: float
    convention: str
    tv_last: np.ndarray  # open-ended assets: last forecast flow
    tv_growth: np.ndarray  # their growth after the forecast
    tv_years: np.ndarray  # years from as_of to their forecast end


def grid(inp: Inputs, stress_file: Path = scenarios.SCENARIOS_FILE) -> list[StressRow]:
    """Every combination of the haircuts, extra decays and discount-rate shifts, as table rows."""
    steps = scenarios.spec(stress_file).grid  # the grid's steps are data: rulesets/stress/scenarios.yaml
    months = inp.pool.size
    years_from = np.maximum(np.arange(months) - inp.as_of_month, 0) / 12.0
    decays = np.asarray(steps.extra_decay_pct) / 100
    factor = (1.0 - decays[:, None]) ** years_from[None, :]  # decay x months
    rates = inp.rate + np.asarray(steps.rate_shifts_pp) / 100
    flows = yearly(inp.pool_after[None, :] * factor, inp.as_of_month, inp.periods)  # decay x periods
    dfs = np.stack([discount_factors(r, inp.periods, inp.convention) for r in rates])  # rate x periods
    values = flows @ dfs.T + np.array([[scenarios.terminal_values(inp, r, d) for r in rates] for d in decays])
    t = inp.terms
    cash = waterfall.by_period(inp.pool[None, :] * factor, inp.issue_month, t.per_year, t.periods)  # decay x N
    cut = inp.remaining.astype(float)
    haircuts = np.asarray(steps.haircuts_pct) / 100
    scen = (cash[None, :, :] * (1.0 - haircuts[:, None, None] * cut[None, None, :])).reshape(-1, t.periods)
    n = scen.shape[0]
    ran = waterfall.run(t, np.concatenate([scen, scen]), np.concatenate([np.ones(n), np.zeros(n)]))
    enhanced = ran.dscr_with_support[:n, inp.remaining].reshape(len(haircuts), len(decays), -1)
    alone = ran.dscr[:n, inp.remaining].reshape(len(haircuts), len(decays), -1)
    rows = []
    for a, h in enumerate(steps.haircuts_pct):
        for e, decay in enumerate(steps.extra_decay_pct):
            for k, rate in enumerate(rates):
                value = float(values[e, k] * (1.0 - h / 100))
                rows.append(StressRow(
                    haircut_pct=h, extra_decay_pct=decay, discount_rate_pct=round(float(rate) * 100, 6),
                    pool_value=value, ltv_pct=100 * inp.outstanding / value if value > 0 else None,
                    dscr_min=nanmin(enhanced[a, e]), dscr_min_unenhanced=nanmin(alone[a, e])))
    return rows
