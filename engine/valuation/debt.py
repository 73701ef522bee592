"""Debt service per year and coverage: what the pool's cash must pay, and how far it can fall.

DSCR = net cash flow / (interest + scheduled principal), per debt year counted from
the issue month. In whole-business securitisation bullet notes are repaid at the
anticipated repayment date by refinancing, and the industry DSCR counts only interest
and scheduled amortisation (DineEquity 2014-1: NCF 280.8 / debt service 56.8 = 4.95x); so
for ``collateral_basis: whole_business`` a bullet's repayment is a *balloon*, reported
but not in DSCR (LTV and the legal-life cushion test it). For royalty, catalogue and
licence deals the pool's collections are the only source of repayment, so a bullet is
scheduled principal in its maturity year like any other.

Guarantees and reserves (cash reserve, interest reserve at closing) form one support
amount that pays shortfalls year by year until used up. A guarantee pays shortfalls,
not surplus, so it lifts a year's DSCR to at most 1.0x; the unenhanced DSCR (pool
cash alone) is reported beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.models import Deal, Tranche


@dataclass(frozen=True)
class Schedule:
    """Per tranche x debt year: opening balance, interest, scheduled principal and balloon."""

    names: list[str]
    opening: np.ndarray
    interest: np.ndarray
    principal: np.ndarray  # scheduled principal, counted in DSCR
    balloon: np.ndarray  # whole-business bullet repaid by refinancing, not counted in DSCR

    @property
    def service(self) -> np.ndarray:
        """Debt service per year (all tranches) in the DSCR denominator."""
        return np.asarray((self.interest + self.principal).sum(axis=0))


def _repayments(tranche: Tranche) -> np.ndarray:
    n, rate, amount = tranche.tenor_years, tranche.coupon_pct / 100, tranche.principal
    if tranche.amortisation == "schedule":
        assert tranche.schedule is not None  # the model ensures it
        return np.asarray(tranche.schedule, dtype=float)
    if tranche.amortisation == "level":
        payment = amount / n if rate == 0 else amount * rate / (1.0 - (1.0 + rate) ** -n)
        balance, out = amount, np.zeros(n)
        for year in range(n):
            out[year] = payment - balance * rate
            balance -= out[year]
        return out
    out = np.zeros(n)
    out[-1] = amount
    return out


def schedule(deal: Deal) -> Schedule:
    """Interest on the opening balance; principal as bullet, level annuity or the explicit schedule."""
    years = max(t.tenor_years for t in deal.tranches)
    shape = (len(deal.tranches), years)
    opening, interest, principal, balloon = (np.zeros(shape) for _ in range(4))
    for i, tranche in enumerate(deal.tranches):
        repaid = _repayments(tranche)
        n = tranche.tenor_years
        opening[i, :n] = tranche.principal - np.concatenate([[0.0], np.cumsum(repaid)[:-1]])
        interest[i, :n] = opening[i, :n] * tranche.coupon_pct / 100
        refinanced = tranche.amortisation == "bullet" and deal.structure.collateral_basis == "whole_business"
        (balloon if refinanced else principal)[i, :n] = repaid
    return Schedule([t.name for t in deal.tranches], opening, interest, principal, balloon)


def support(deal: Deal, sched: Schedule) -> float:
    """Guarantees + cash reserve + interest reserve (months of first-year interest), available at closing."""
    enhancement = sum(g.amount for g in deal.credit_enhancement.guarantees)
    first_year_interest = float(sched.interest[:, 0].sum())
    reserve = deal.reserves.cash_reserve + deal.reserves.interest_reserve_months / 12 * first_year_interest
    return float(enhancement + reserve)


def draws(cash: np.ndarray, service: np.ndarray, available: float) -> np.ndarray:
    """Support drawn per year (last axis) to cover shortfalls, in order, until ``available`` is used up."""
    shortfall = np.maximum(service - cash, 0.0)
    covered = np.minimum(np.cumsum(shortfall, axis=-1), available)
    return np.asarray(np.diff(covered, axis=-1, prepend=0.0))


def coverage(cash: np.ndarray, service: np.ndarray, available: float) -> tuple[np.ndarray, np.ndarray]:
    """(DSCR with support, DSCR from pool cash alone) per year; NaN where nothing is due."""
    due = np.where(service > 0, service, np.nan)
    return (cash + draws(cash, service, available)) / due, cash / due


def breakeven_haircut(cash: np.ndarray, service: np.ndarray, available: float, tol: float = 1e-7) -> float:
    """Largest uniform cut h of pool cash keeping min DSCR >= 1.0x with support, by bisection.

    Min DSCR >= 1.0x holds exactly when the support covers every shortfall, and the
    total shortfall grows with h, so the feasible set is an interval [0, h*].
    """
    due = service > 0
    cash, service = cash[due], service[due]

    def holds(h: float) -> bool:
        return float(np.maximum(service - (1.0 - h) * cash, 0.0).sum()) <= available * (1 + 1e-12) + 1e-9

    if service.size == 0 or holds(1.0):
        return 1.0
    if not holds(0.0):
        return 0.0
    lo, hi = 0.0, 1.0
    while hi - lo > tol:
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if holds(mid) else (lo, mid)
    return lo
