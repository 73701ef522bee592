"""The metrics the eligibility rules check, by fixed name (``metric`` facts).

Each is present only where it applies:

- ``pool_value`` (currency): collateral value, pre-tax income approach at as_of, no TAB.
- ``dscr_min`` / ``dscr_avg`` (ratio): minimum / mean DSCR with support over the payment
  periods still running at as_of, from the waterfall (``engine.valuation.waterfall``):
  (net cash flow + reserve account, trapped cash and counted guarantee at the period's start)
  / (interest + scheduled principal). Net cash flow = collections - senior fees. Bullets are
  not in it: they are met from accumulated cash or refinanced (``refinancing_need_pct``).
- ``dscr_min_unenhanced`` (ratio): minimum net cash flow / debt service, pool cash alone;
  only for deals with a reserve or a counted guarantee (otherwise it equals ``dscr_min``).
- ``breakeven_haircut_unenhanced_pct`` (percent): the break-even haircut without the reserve
  funded at closing and the guarantee; only for deals that have them.
- ``refinancing_need_pct`` (percent): bullets left to refinancing (stated, or because the
  accumulated cash, reserve and guarantee fell short) as a share of the notes' principal.
- ``ltv_pct`` (percent): notes outstanding at as_of / pool value.
- ``leverage`` (ratio): notes outstanding / net cash flow (collections - senior fees) of the
  next year of payment periods still running at as_of (annualised if fewer remain); the sizing
  test of whole-business deals.
- ``obligor_hhi`` (ratio, 0-1): Herfindahl-Hirschman index of licensee shares of pool value, a
  bucket of ``count`` obligors counted as that many equal obligors; only if licensees are named.
- ``largest_asset_share_pct`` (percent): largest single asset's share of pool value.
- ``largest_licensee_share_pct`` (percent): largest single obligor's share of pool value (asset
  values split by royalty_share_pct, summed by licensee name, a bucket divided by its count);
  only if licensees are named.
- ``legal_life_cushion_years`` (years): value-weighted remaining life (to the earliest of
  legal, licence and economic end) of the assets that have an end, minus the years from as_of
  to the last maturity; only if some asset has an end. Pass needs >= 2 years.
- ``breakeven_haircut_pct`` (percent): largest uniform cut of pool collections after as_of
  with every fee, interest and principal payment still made and no cash-repaid bullet left
  to refinance, reserve and counted guarantee drawn (a vectorised grid search).
- ``litigation_share_pct`` (percent): share of pool value at risk from pending litigation
  (each asset's value x its litigation.share_at_risk_pct).
- ``projection_to_history_ratio`` (ratio): first projected year / last historical year of
  collections, summed over the assets that have both; only if any has history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from engine.models import Deal, LicenseeShare
from engine.valuation.grid import Grid

METRIC_UNITS = {
    "dscr_min": "ratio", "dscr_avg": "ratio", "dscr_min_unenhanced": "ratio", "ltv_pct": "percent",
    "leverage": "ratio", "largest_asset_share_pct": "percent", "largest_licensee_share_pct": "percent",
    "legal_life_cushion_years": "years", "breakeven_haircut_pct": "percent", "litigation_share_pct": "percent",
    "projection_to_history_ratio": "ratio", "pool_value": "currency", "breakeven_haircut_unenhanced_pct": "percent",
    "refinancing_need_pct": "percent", "obligor_hhi": "ratio",
}


@dataclass(frozen=True)
class Inputs:
    deal: Deal
    grid: Grid
    income: np.ndarray  # value per asset
    pool_value: float
    licensees: list[LicenseeShare]
    ncf_first_year: float  # collections less senior fees over the next year of payment periods
    outstanding: float
    as_of: date
    maturity: date
    enhanced: np.ndarray  # DSCR per remaining payment period, with support
    alone: np.ndarray  # DSCR per remaining payment period, pool cash alone
    support: float  # reserve at closing + counted guarantee
    haircut: float  # break-even haircut with support (0-1)
    haircut_alone: float | None  # without support, when there is support
    refinancing: float  # bullets left to refinancing in the remaining periods
    principal: float


def compute(inp: Inputs) -> dict[str, float]:
    """The metrics that apply to this deal, by name (see module doc)."""
    m: dict[str, float] = {"pool_value": inp.pool_value}
    covered = inp.enhanced[np.isfinite(inp.enhanced)]
    if covered.size:
        m["dscr_min"] = float(covered.min())
        m["dscr_avg"] = float(covered.mean())
        if inp.support > 0:
            m["dscr_min_unenhanced"] = float(np.nanmin(inp.alone))
    m["breakeven_haircut_pct"] = 100 * inp.haircut
    if inp.haircut_alone is not None:
        m["breakeven_haircut_unenhanced_pct"] = 100 * inp.haircut_alone
    m["refinancing_need_pct"] = 100 * inp.refinancing / inp.principal
    m["ltv_pct"] = 100 * inp.outstanding / inp.pool_value
    if inp.ncf_first_year > 0:
        m["leverage"] = inp.outstanding / inp.ncf_first_year
    m["largest_asset_share_pct"] = float(100 * inp.income.max() / inp.pool_value)
    if inp.licensees:
        m["largest_licensee_share_pct"] = max(lic.share_pct / lic.count for lic in inp.licensees)
        m["obligor_hhi"] = sum(lic.count * (lic.share_pct / lic.count / 100) ** 2 for lic in inp.licensees)
    cushion = _life_cushion(inp)
    if cushion is not None:
        m["legal_life_cushion_years"] = cushion
    at_risk = sum(v * a.litigation.share_at_risk_pct / 100
                  for a, v in zip(inp.deal.assets, inp.income, strict=True) if a.litigation.pending)
    m["litigation_share_pct"] = float(100 * at_risk / inp.pool_value)
    ratio = _projection_to_history(inp.deal, inp.grid)
    if ratio is not None:
        m["projection_to_history_ratio"] = ratio
    return m


def _life_cushion(inp: Inputs) -> float | None:
    ends = [(lf.end, v) for lf, v, c in zip(inp.grid.lives, inp.income, inp.grid.counted, strict=True)
            if lf.end is not None and c]
    weight = sum(v for _, v in ends)
    if not ends or weight <= 0:
        return None
    life = sum(max((end - inp.as_of).days, 0) / 365.25 * v for end, v in ends) / weight
    tenor = max((inp.maturity - inp.as_of).days, 0) / 365.25
    return float(life - tenor)


def _projection_to_history(deal: Deal, grid: Grid) -> float | None:
    projected = history = 0.0
    for asset, counted in zip(deal.assets, grid.counted, strict=True):
        p = asset.cash_flows.projection
        if not (asset.cash_flows.history and counted):
            continue
        first = p.explicit[0].amount if p.explicit else p.base
        if first is None:
            continue
        projected += first
        history += asset.cash_flows.history[-1].amount
    return projected / history if history > 0 else None
