"""The cash-flow grid: every asset's projected collections on a monthly calendar.

Projections are annual amounts per calendar year; they are spread evenly over
the year's months and cut at the asset's life end to the day, so no cash flow
exists after expiry. One (assets x months) array then serves valuation periods
(years from ``as_of``) and debt years (years from the issue month) alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from engine.models import Deal
from engine.valuation.lives import NOT_EARNING, TERMS_FILE, Life, life


@dataclass(frozen=True)
class Grid:
    """Projected monthly cash flows, month ``m`` starting at ``bounds[m]`` (date ordinals)."""

    first_year: int
    bounds: np.ndarray  # months + 1 ordinals
    flows: np.ndarray  # assets x months, already cut at each life end
    lives: list[Life]
    counted: np.ndarray  # bool per asset: not expired or lapsed
    growth: np.ndarray  # per asset: growth after the forecast (for open-ended assets' terminal value)
    last_flow: np.ndarray  # per asset: the last forecast year's amount
    forecast_end: np.ndarray  # per asset: month index just after the last forecast year

    @property
    def months(self) -> int:
        return int(self.bounds.size - 1)

    def month_index(self, day: date) -> int:
        """Index of the month holding ``day`` (may be outside the grid)."""
        return (day.year - self.first_year) * 12 + day.month - 1

    def open_ended(self) -> np.ndarray:
        return np.asarray(np.array([lf.end is None for lf in self.lives]) & self.counted)


def _month_bounds(first_year: int, months: int) -> np.ndarray:
    k = np.arange(months + 1)
    return np.array([date(first_year + int(i) // 12, int(i) % 12 + 1, 1).toordinal() for i in k], dtype=float)


def build_grid(deal: Deal, last_needed: date, terms_file: Path = TERMS_FILE) -> Grid:
    """Spread every asset's annual projection over months and cut it at the asset's life end."""
    assets = deal.assets
    n = len(assets)
    start = np.zeros(n, dtype=int)
    years = np.zeros(n, dtype=int)
    base = np.zeros(n)
    growth = np.zeros(n)
    explicit: list[tuple[int, list[int], list[float]]] = []
    for i, asset in enumerate(assets):
        p = asset.cash_flows.projection
        if p.explicit is not None:
            ys = [ya.year for ya in p.explicit]
            explicit.append((i, ys, [ya.amount for ya in p.explicit]))
            start[i], years[i] = (ys[0], ys[-1] - ys[0] + 1) if ys else (deal.issue_date.year, 0)
        else:
            assert p.base is not None and p.start_year is not None and p.years is not None  # the model ensures it
            start[i], years[i], base[i] = p.start_year, p.years, p.base
            growth[i] = (p.growth_pct or 0.0) / 100 - (p.decay_pct or 0.0) / 100
    first_year = int(min(start.min(), deal.issue_date.year))
    last_year = int(max((start + years).max() - 1, last_needed.year))
    n_years = last_year - first_year + 1
    offset = np.arange(n_years)[None, :] - (start - first_year)[:, None]  # years since each projection's start
    in_forecast = (offset >= 0) & (offset < years[:, None])
    annual = np.where(in_forecast, base[:, None] * (1.0 + growth[:, None]) ** np.maximum(offset, 0), 0.0)
    for i, ys, amounts in explicit:
        annual[i, :] = 0.0
        annual[i, np.asarray(ys) - first_year] = amounts
    last_flow = annual[np.arange(n), np.clip(start + years - 1 - first_year, 0, n_years - 1)] * (years > 0)

    bounds = _month_bounds(first_year, n_years * 12)
    lives = [life(a, deal, terms_file) for a in assets]
    end = np.array([lf.end.toordinal() if lf.end else np.inf for lf in lives])
    alive = np.clip((end[:, None] - bounds[None, :-1]) / np.diff(bounds)[None, :], 0.0, 1.0)
    counted = np.array([a.status not in NOT_EARNING for a in assets])
    flows = np.repeat(annual / 12.0, 12, axis=1) * alive * counted[:, None]
    forecast_end = (start + years - first_year) * 12
    return Grid(first_year, bounds, flows, lives, counted, growth, last_flow, forecast_end)


def after(grid: Grid, day: date) -> np.ndarray:
    """Fraction of each month on or after ``day``: what is still to come at a valuation date."""
    return np.asarray(np.clip((grid.bounds[1:] - day.toordinal()) / np.diff(grid.bounds), 0.0, 1.0))


def yearly(monthly: np.ndarray, first_month: int, n_years: int) -> np.ndarray:
    """Sum the last axis into ``n_years`` twelve-month blocks starting at ``first_month`` (zeros outside)."""
    lead = monthly.shape[:-1]
    out = np.zeros((*lead, n_years * 12))
    lo, hi = max(first_month, 0), min(first_month + n_years * 12, monthly.shape[-1])
    if hi > lo:
        out[..., lo - first_month:hi - first_month] = monthly[..., lo:hi]
    return np.asarray(out.reshape(*lead, n_years, 12).sum(axis=-1))
