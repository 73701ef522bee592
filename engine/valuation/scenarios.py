"""Named credit stress scenarios from ``rulesets/stress/scenarios.yaml``, each run through the waterfall.

A scenario changes the pool's monthly cash flows from the valuation date on (losing the
largest single obligor, losing the most valuable patent, a royalty decline, collections
cut to just below the tightest DSCR trigger) or the rates (coupons and discount rate);
the waterfall then shows what the notes get. Scenarios with the deal's own terms run in
one vectorised pass, with and without support.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
from pydantic import Field

from engine import yamlio
from engine.models import Deal, Scenario
from engine.models.base import ReferenceSpec, Strict
from engine.valuation import waterfall
from engine.valuation.formulas import discount_factors
from engine.valuation.lives import stamp

SCENARIOS_FILE = Path(__file__).resolve().parents[2] / "rulesets" / "stress" / "scenarios.yaml"
Kind = Literal["lose_largest_obligor", "invalidate_largest_patent", "royalty_decline", "rate_shift", "trigger_breach"]


class GridSpec(Strict):
    haircuts_pct: list[float] = Field(min_length=1)
    extra_decay_pct: list[float] = Field(min_length=1)
    rate_shifts_pp: list[float] = Field(min_length=1)
    reference: str


class ScenarioSpec(Strict):
    id: str
    kind: Kind
    title: str
    size: float | None = Field(default=None, description="royalty_decline: percent; rate_shift: percentage points")
    reference: str


class StressFile(Strict):
    title: str
    version: str
    references: dict[str, ReferenceSpec]
    grid: GridSpec
    scenarios: list[ScenarioSpec]


def spec(path: Path = SCENARIOS_FILE) -> StressFile:
    """The stress file, validated (file:line errors), re-read only when the file changes."""
    return _spec_at(*stamp(path))


@lru_cache(maxsize=8)
def _spec_at(name: str, mtime_ns: int, size: int) -> StressFile:
    loaded: StressFile = yamlio.validate(StressFile, yamlio.load_file(Path(name)))
    return loaded


@dataclass(frozen=True)
class Inputs:
    deal: Deal
    flows: np.ndarray  # assets x months, pool cash flows on the grid
    after: np.ndarray  # months: share of each month on or after as_of
    income: np.ndarray  # value per asset at as_of
    by_period: np.ndarray  # assets x valuation years from as_of
    tv_last: np.ndarray  # open-ended assets: last forecast flow
    tv_growth: np.ndarray  # their growth after the forecast
    tv_years: np.ndarray  # years from as_of to their forecast end
    as_of_month: int
    issue_month: int
    terms: waterfall.Terms
    remaining: np.ndarray  # bool per payment period
    dscr_min_unenhanced: float | None  # base case, pool cash alone
    outstanding: float
    rate: float
    convention: str


def run(inp: Inputs, stress_file: Path = SCENARIOS_FILE) -> list[Scenario]:
    """Every scenario of the stress file that applies to the deal, as report rows."""
    t = inp.terms
    base = inp.flows.sum(axis=0)
    later = inp.after  # the cut applies from as_of on
    rows: list[tuple[ScenarioSpec, np.ndarray, float, waterfall.Terms, str]] = []
    for s in spec(stress_file).scenarios:
        made = _scenario(inp, s, base, later)
        if made is not None:
            rows.append((s, *made))
    out: list[Scenario | None] = [None] * len(rows)
    groups: dict[int, list[int]] = {}  # scenarios sharing payment terms run in one vectorised pass
    for k, row in enumerate(rows):
        groups.setdefault(id(row[3]), []).append(k)
    live = inp.remaining
    for members in groups.values():
        terms = rows[members[0]][3]
        cash = np.stack([waterfall.by_period(rows[k][1], inp.issue_month, terms.per_year, terms.periods)
                         for k in members])
        n = len(members)
        ran = waterfall.run(terms, np.concatenate([cash, cash]), np.concatenate([np.ones(n), np.zeros(n)]))
        for j, k in enumerate(members):
            s, _, value, _, what = rows[k]
            first = np.flatnonzero((ran.shortfall[j] > 1e-9 * max(inp.outstanding, 1.0)) & live)
            out[k] = Scenario(
                id=s.id, title=s.title, applied=what, pool_value=value,
                ltv_pct=100 * inp.outstanding / value if value > 0 else None,
                dscr_min=nanmin(ran.dscr_with_support[j, live]), dscr_min_unenhanced=nanmin(ran.dscr[j, live]),
                interest_shortfall=float((ran.fees[j] + ran.interest_due[j] - ran.interest_paid[j].sum(axis=0)
                                          - _fees_paid(ran, j))[live].sum()),
                principal_loss=float(ran.outstanding[j, -1]),
                first_shortfall_period=int(first[0]) + 1 if first.size else None,
                refinancing_need_pct=100 * float((ran.refinanced[j] + ran.refinancing_gap[j])[live].sum())
                / float(t.principal.sum()),
                periods_under_trigger=int((ran.trigger[j, live] > 0).sum()),
                reference=s.reference)
    return [x for x in out if x is not None]


def _scenario(inp: Inputs, s: ScenarioSpec, base: np.ndarray,
              later: np.ndarray) -> tuple[np.ndarray, float, waterfall.Terms, str] | None:
    deal, t = inp.deal, inp.terms
    pool_value = float(inp.income.sum())
    if s.kind == "lose_largest_obligor":
        names = sorted({lic.name for a in deal.assets for lic in a.licensees})
        if not names:
            return None
        column = {n: j for j, n in enumerate(names)}
        shares = np.zeros((len(deal.assets), len(names)))  # one obligor's share of each asset's royalties
        for i, a in enumerate(deal.assets):
            for lic in a.licensees:
                shares[i, column[lic.name]] += lic.royalty_share_pct / 100 / lic.count
        lost_by = inp.income @ shares
        j = int(np.argmax(lost_by))
        lost, name, share = float(lost_by[j]), names[j], shares[:, j]
        monthly = base - (share[:, None] * inp.flows).sum(axis=0) * later
        return monthly, pool_value - lost, t, f"{name} ({100 * lost / pool_value:.1f} % of pool value) pays nothing"
    if s.kind == "invalidate_largest_patent":
        patents = [i for i, a in enumerate(deal.assets) if a.kind in ("patent", "utility_model")]
        if not patents:
            return None
        i = max(patents, key=lambda k: float(inp.income[k]))
        monthly = base - inp.flows[i] * later
        return monthly, pool_value - float(inp.income[i]), t, f"{deal.assets[i].id} earns nothing"
    if s.kind == "royalty_decline":
        cut = (s.size or 0.0) / 100
        return base * (1 - cut * later), pool_value * (1 - cut), t, f"collections {s.size:g} % lower"
    if s.kind == "rate_shift":
        shift = (s.size or 0.0) / 100
        shifted = replace(t, rate=t.rate + shift / t.per_year)
        periods = inp.by_period.shape[1]
        dfs = discount_factors(inp.rate + shift, periods, inp.convention)
        value = float((inp.by_period @ dfs).sum() + terminal_values(inp, inp.rate + shift))
        return base, value, shifted, f"coupons and discount rate +{s.size:g} pp"
    # trigger_breach: cut collections so the unenhanced DSCR lands 1 % under the tightest DSCR trigger
    levels = [threshold for test, threshold, *_ in t.triggers if test == "dscr"]
    if not levels:
        return None
    worst = inp.dscr_min_unenhanced
    if worst is None or worst <= 0:
        return None
    cut = min(max(1 - 0.99 * max(levels) / worst, 0.0), 1.0)
    return base * (1 - cut * later), pool_value * (1 - cut), t, f"collections {100 * cut:.1f} % lower: DSCR " \
        f"{0.99 * max(levels):.2f}x, under the {max(levels):g}x trigger"


class TerminalInputs(Protocol):
    """What the terminal values need: the open-ended assets' last flow, growth and years to their forecast end."""

    @property
    def tv_last(self) -> np.ndarray: ...
    @property
    def tv_growth(self) -> np.ndarray: ...
    @property
    def tv_years(self) -> np.ndarray: ...
    @property
    def convention(self) -> str: ...


def terminal_values(inp: TerminalInputs, rate: float, decay: float = 0.0) -> float:
    """Present value at as_of of the open-ended assets' growing perpetuities after their forecasts.

    ``decay`` is an extra yearly decline; a rate not above some asset's growth gives 0 (no finite value).
    """
    if inp.tv_last.size == 0:
        return 0.0
    growth = (1.0 + inp.tv_growth) * (1.0 - decay) - 1.0
    if bool((rate <= growth).any()):
        return 0.0
    shift = 0.5 if inp.convention == "mid" else 0.0
    last = inp.tv_last * (1.0 - decay) ** inp.tv_years
    return float((last * (1.0 + growth) / (rate - growth) * (1.0 + rate) ** (shift - inp.tv_years)).sum())


def _fees_paid(ran: waterfall.Run, j: int) -> np.ndarray:
    """Senior fees paid per period: they come first, so only a period's whole income short of them leaves any unpaid."""
    return np.asarray(np.minimum(ran.fees[j], ran.collections[j] + ran.reserve_draw[j] + ran.guarantee_draw[j]))


def nanmin(values: np.ndarray) -> float | None:
    """Smallest finite value, ``None`` if there is none."""
    finite = values[np.isfinite(values)]
    return float(finite.min()) if finite.size else None
