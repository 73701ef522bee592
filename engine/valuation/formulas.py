"""Closed-form valuation formulas, checked in tests against published figures.

The deal valuation itself works on a monthly grid (``engine.valuation.grid``); these
functions are the textbook forms it must agree with, and the building blocks for
terminal values and the tax amortisation benefit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from engine import errors
from engine.errors import InputError

TAB_YEARS_US = 15
"""Amortisation period of acquired intangibles for US tax (IRC §197), used by the TAB factor."""


def discount_factors(rate: float, periods: int, convention: str = "end") -> np.ndarray:
    """``1 / (1 + r)^(t - m)`` for t = 1..periods; m = 0.5 for the mid-year convention."""
    shift = 0.5 if convention == "mid" else 0.0
    t = np.arange(1, periods + 1, dtype=float) - shift
    return np.asarray((1.0 + rate) ** -t)


def present_value(cash_flows: Sequence[float] | np.ndarray, rate: float, convention: str = "end") -> float:
    """Income approach: ``V = Σ CF_t / (1+r)^(t−m)`` over annual cash flows CF_1..CF_N."""
    flows = np.asarray(cash_flows, dtype=float)
    return float(flows @ discount_factors(rate, flows.size, convention))


def decaying_annuity(first: float, decay: float, rate: float, years: int) -> float:
    """Closed form of a geometrically decaying stream: ``CF_1 [1 − ((1−d)/(1+r))^N] / (r+d)`` (end of year)."""
    if rate + decay <= 0:
        raise InputError.single(errors.PERPETUITY_DIVERGES, f"discount rate {rate:.2%} plus decay {decay:.2%} must "
                                "be positive")
    return first * (1.0 - ((1.0 - decay) / (1.0 + rate)) ** years) / (rate + decay)


def annuity_factor(rate: float, years: int) -> float:
    """``AF(r, n) = (1 − (1+r)^−n) / r``: present value of 1 a year for n years."""
    return float(years) if rate == 0 else (1.0 - (1.0 + rate) ** -years) / rate


def tab_factor(tax_rate: float, rate: float, years: int = TAB_YEARS_US) -> float:
    """Tax amortisation benefit uplift ``1 / (1 − (T/n)·AF(r, n))``.

    A buyer of the IP may deduct its price over n years; the fair value of the
    after-tax royalty stream rises by this factor. Collateral for noteholders is
    valued pre-tax and without it.
    """
    return 1.0 / (1.0 - tax_rate / years * annuity_factor(rate, years))


def growing_perpetuity(next_flow: float, rate: float, growth: float, what: str = "the asset") -> float:
    """Gordon value one period before ``next_flow``: ``CF / (r − g)``; refuses r ≤ g, where it has no value."""
    if rate <= growth:
        raise InputError.single(
            errors.PERPETUITY_DIVERGES,
            f"{what} is valued as a perpetuity after its forecast, but the discount rate {rate:.2%} is not above "
            f"its growth {growth:.2%}, so the value is unbounded",
            hint="raise valuation.discount_rate_pct, lower growth_pct, or give the asset an economic_life_years "
                 "or licence_expiry so it is valued over a finite life")
    return next_flow / (rate - growth)
