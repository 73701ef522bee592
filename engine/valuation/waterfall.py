"""Priority of payments, period by period at the deal's payment frequency.

Each period: collections → senior fees (trustee, servicer % of collections, other senior
expenses, taxes) → interest by class → scheduled principal by class → bullets due, first
from the accumulation account → shortfalls drawn from the cash-trap account, the reserve
account and the counted guarantee, in that order → reserve account refilled to its target →
rapid amortisation while a rapid-amortisation trigger is (or has been) breached → bullet
accumulation (excess cash kept until it equals the cash-repaid bullets outstanding) → cash
trap while a cash-trap trigger is breached → turbo prepayment → residual to the originator.

A bullet marked ``refinance`` (default for whole-business deals, where notes are refinanced
at the anticipated repayment date) is not paid from collections: it is recorded as
refinanced. A cash-repaid bullet the accumulated cash, reserve and guarantee cannot meet is
refinanced too, and that is the refinancing risk the eligibility rules check.

DSCR = net cash flow (collections − senior fees) / (interest + scheduled principal); bullets
are not in it (they are met from the accumulation account or refinanced, and measured by
``refinancing_need_pct``). DSCR with support adds the resources that stand behind the
period's debt service at its start: reserve account, trapped cash and the counted guarantee.

Every array carries a leading scenario axis, so a haircut search or a stress grid runs many
scenarios in one pass; the loop is over periods only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.models import Deal

PER_YEAR = {"annual": 1, "semi_annual": 2, "quarterly": 4, "monthly": 12}

# A guarantee substitutes credit only up to the guarantor's quality. Our proposal (no standard sets it):
# an investment-grade guarantor (BBB-/Baa3 or better) counts in full, one rated below counts for nothing;
# an unrated guarantee counts in full and the notes say it is unrated.
_INVESTMENT_GRADE = frozenset({"AAA", "AA+", "AA", "AA-", "A+", "A", "A-", "BBB+", "BBB", "BBB-",  # S&P / Fitch
                               "AA1", "AA2", "AA3", "A1", "A2", "A3", "BAA1", "BAA2", "BAA3"})  # Moody's


def guarantee_counted(deal: Deal) -> tuple[float, list[str]]:
    """Guarantee amounts counted as support after the guarantor-rating limit, and notes on what was cut."""
    total, notes = 0.0, []
    for g in deal.credit_enhancement.guarantees:
        rating = (g.guarantor_rating or "").upper().replace("(SF)", "").strip()
        if not rating:
            total += g.amount
            notes.append(f"guarantee by {g.provider}: guarantor unrated, counted in full")
        elif rating in _INVESTMENT_GRADE:
            total += g.amount
        else:
            notes.append(f"guarantee by {g.provider}: guarantor rated {g.guarantor_rating}, below investment grade, "
                         "not counted as support")
    return total, notes


@dataclass(frozen=True)
class Terms:
    """The deal's payment terms on the period calendar (K classes x N periods)."""

    names: list[str]
    per_year: int
    principal: np.ndarray  # K
    rate: np.ndarray  # K, coupon per period
    amort: np.ndarray  # K x N scheduled amortisation (bullets apart)
    bullet_cash: np.ndarray  # K x N bullet falling due, repaid from cash (1 at maturity, 0 elsewhere)
    bullet_refi: np.ndarray  # K x N bullet falling due, refinanced by design
    fee_fixed: float  # per period
    fee_pct: float  # of collections
    reserve: float  # funded at closing
    reserve_target_months: float | None
    guarantee: float  # counted guarantee
    triggers: list[tuple[str, float, str, float, int]]  # test, threshold, action, trap share, first period
    turbo: float

    @property
    def periods(self) -> int:
        return int(self.amort.shape[1])


def _repayments(principal: float, rate: float, n: int, kind: str, schedule: list[float] | None,
                per_year: int) -> np.ndarray:
    """Scheduled principal per period: level annuity at the period rate, a yearly schedule spread evenly."""
    if kind == "schedule":
        assert schedule is not None  # the model ensures it
        return np.repeat(np.asarray(schedule, dtype=float) / per_year, per_year)
    if kind == "level":
        payment = principal / n if rate == 0 else principal * rate / (1.0 - (1.0 + rate) ** -n)
        return np.asarray((payment - principal * rate) * (1.0 + rate) ** np.arange(n))
    return np.zeros(n)


def terms(deal: Deal) -> Terms:
    per_year = PER_YEAR[deal.payment_frequency]
    n = max(t.tenor_years for t in deal.tranches) * per_year
    k = len(deal.tranches)
    amort, bullet_cash, bullet_refi = np.zeros((k, n)), np.zeros((k, n)), np.zeros((k, n))
    for i, t in enumerate(deal.tranches):
        m = t.tenor_years * per_year
        rate = t.coupon_pct / 100 / per_year
        amort[i, :m] = _repayments(t.principal, rate, m, t.amortisation, t.schedule, per_year)
        if t.amortisation == "bullet":
            how = t.bullet_repayment or ("refinance" if deal.structure.collateral_basis == "whole_business"
                                         else "accumulated_cash")
            (bullet_refi if how == "refinance" else bullet_cash)[i, m - 1] = 1.0
    fees = deal.fees
    first_year_interest = sum(t.principal * t.coupon_pct / 100 for t in deal.tranches)
    reserve = deal.reserves.cash_reserve + deal.reserves.interest_reserve_months / 12 * first_year_interest
    issue = deal.issue_date
    triggers: list[tuple[str, float, str, float, int]] = []
    for trig in deal.triggers:
        start = 0
        if trig.effective_from is not None and trig.effective_from > issue:
            months = (trig.effective_from.year - issue.year) * 12 + trig.effective_from.month - issue.month
            start = -(-months * per_year // 12)
        triggers.append((trig.test, trig.threshold, trig.action, trig.trap_pct / 100, start))
    return Terms(
        names=[t.name for t in deal.tranches], per_year=per_year,
        principal=np.array([t.principal for t in deal.tranches], dtype=float),
        rate=np.array([t.coupon_pct / 100 / per_year for t in deal.tranches]),
        amort=amort, bullet_cash=bullet_cash, bullet_refi=bullet_refi,
        fee_fixed=(fees.trustee_per_year + fees.other_senior_per_year) / per_year,
        fee_pct=(fees.servicer_pct_of_collections + fees.tax_pct_of_collections) / 100,
        reserve=reserve, reserve_target_months=deal.reserves.target_months_of_debt_service,
        guarantee=guarantee_counted(deal)[0], triggers=triggers, turbo=deal.turbo_pct / 100)


def by_period(monthly: np.ndarray, first_month: int, per_year: int, periods: int) -> np.ndarray:
    size = 12 // per_year
    lead = monthly.shape[:-1]
    out = np.zeros((*lead, periods * size))
    lo, hi = max(first_month, 0), min(first_month + periods * size, monthly.shape[-1])
    if hi > lo:
        out[..., lo - first_month:hi - first_month] = monthly[..., lo:hi]
    return np.asarray(out.reshape(*lead, periods, size).sum(axis=-1))


@dataclass
class Run:
    """Per scenario x period (S x N) results; per class arrays are S x K x N."""

    collections: np.ndarray
    fees: np.ndarray
    ncf: np.ndarray
    interest_due: np.ndarray
    interest_paid: np.ndarray  # S x K x N
    principal_due: np.ndarray
    principal_paid: np.ndarray  # S x K x N, scheduled and bullets
    bullet_due: np.ndarray
    reserve_draw: np.ndarray
    reserve_funded: np.ndarray
    reserve: np.ndarray
    guarantee_draw: np.ndarray
    accumulated: np.ndarray
    trapped: np.ndarray
    prepaid: np.ndarray
    residual: np.ndarray
    shortfall: np.ndarray
    refinanced: np.ndarray  # bullets refinanced by design
    refinancing_gap: np.ndarray  # cash-repaid bullets the cash could not meet
    outstanding: np.ndarray
    balance: np.ndarray  # S x K x N, each class at period end
    trigger: np.ndarray  # int code per period: 0 none, 1 cash trap, 2 rapid amortisation
    support_start: np.ndarray  # reserve + trapped + guarantee left at period start
    service: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.service = self.interest_due + self.principal_due

    @property
    def dscr(self) -> np.ndarray:
        return np.asarray(self.ncf / np.where(self.service > 0, self.service, np.nan))

    @property
    def dscr_with_support(self) -> np.ndarray:
        return np.asarray((self.ncf + self.support_start) / np.where(self.service > 0, self.service, np.nan))

    @property
    def paid_in_full(self) -> np.ndarray:
        """Per scenario: every fee, interest and principal payment met, no cash bullet left to refinance."""
        return self.paid_within(float(np.abs(self.service).max(initial=0.0)))

    def paid_within(self, service_max: float) -> np.ndarray:
        """``paid_in_full`` with the tolerance scaled by ``service_max`` (at least 1.0) instead of this run's own."""
        scale = max(service_max, 1.0)
        return np.asarray((self.shortfall.sum(axis=1) <= 1e-9 * scale)
                          & (self.refinancing_gap.sum(axis=1) <= 1e-9 * scale))


def _sequential(amount: np.ndarray, due: np.ndarray) -> np.ndarray:
    """Pay ``amount`` (S) over ``due`` (S x J) in column order."""
    before = np.cumsum(due, axis=1) - due
    return np.asarray(np.clip(amount[:, None] - before, 0.0, due))


def run(t: Terms, cash: np.ndarray, support: np.ndarray) -> Run:
    """Run the waterfall for S scenarios of collections (S x N); ``support`` (S) scales reserve and guarantee."""
    s, n, k = cash.shape[0], t.periods, len(t.names)
    out = {name: np.zeros((s, n)) for name in (
        "fees", "ncf", "interest_due", "principal_due", "bullet_due", "reserve_draw", "reserve_funded", "reserve",
        "guarantee_draw", "accumulated", "trapped", "prepaid", "residual", "shortfall", "refinanced",
        "refinancing_gap", "outstanding", "trigger", "support_start")}
    int_paid, prin_paid, balance = np.zeros((s, k, n)), np.zeros((s, k, n)), np.zeros((s, k, n))
    bal = np.repeat(t.principal[None, :], s, axis=0)
    reserve = t.reserve * support
    guarantee = t.guarantee * support
    acc, trap = np.zeros(s), np.zeros(s)
    rapid = np.zeros(s, dtype=bool)
    cash_bullet = np.asarray(t.bullet_cash.any(axis=1))  # K: classes repaid from accumulated cash
    last = np.array([int(np.flatnonzero(t.amort[i] + t.bullet_cash[i] + t.bullet_refi[i] > 0).max(initial=-1))
                     for i in range(k)])
    months = 12 // t.per_year
    zeros_k, zeros_s = np.zeros((s, k)), np.zeros(s)
    accumulating, prepaying = bool(cash_bullet.any()), bool(t.triggers) or t.turbo > 0
    scale_done = 1e-9 * max(float(t.principal.sum()), 1.0)
    for p in range(n):  # only the period loop is in Python; every step is over all scenarios at once
        c = np.maximum(cash[:, p], 0.0)
        fees = t.fee_fixed + t.fee_pct * np.maximum(c, 0.0)
        interest = bal * t.rate
        sched = np.minimum(t.amort[:, p], bal)
        if (last == p).any():  # a class's final period: all it still owes is due
            sched = np.where(((last == p) & ~(t.bullet_cash[:, p] + t.bullet_refi[:, p] > 0))[None, :], bal, sched)
        if t.bullet_cash[:, p].any():
            bullet = np.where(t.bullet_cash[:, p][None, :] > 0, bal - sched, 0.0)
            from_acc = np.minimum(acc, bullet.sum(axis=1))
            acc = acc - from_acc
            bullet_need = bullet - _sequential(from_acc, bullet)  # what cash must still meet, by class
        else:
            bullet = bullet_need = zeros_k
        refi = np.where(t.bullet_refi[:, p][None, :] > 0, bal - sched, 0.0) if t.bullet_refi[:, p].any() else zeros_k
        due = np.concatenate([fees[:, None], interest, sched, bullet_need], axis=1)
        need = due.sum(axis=1)
        gap = np.maximum(need - c, 0.0)
        d_trap = np.minimum(gap, trap)
        d_res = np.minimum(gap - d_trap, reserve)
        d_g = np.minimum(gap - d_trap - d_res, guarantee)
        support_start = trap + reserve + guarantee
        trap, reserve, guarantee = trap - d_trap, reserve - d_res, guarantee - d_g
        paid = _sequential(np.minimum(c, need) + d_trap + d_res + d_g, due)
        ip, sp, bp = paid[:, 1:1 + k], paid[:, 1 + k:1 + 2 * k], paid[:, 1 + 2 * k:]
        unpaid_bullet = bullet_need - bp
        bal = bal - sp - (bullet - bullet_need) - bp - unpaid_bullet - refi
        excess = np.maximum(c - need, 0.0)
        ncf = c - fees
        ds = interest.sum(axis=1) + sched.sum(axis=1)
        out["ncf"][:, p], out["interest_due"][:, p], out["principal_due"][:, p] = ncf, interest.sum(axis=1), \
            sched.sum(axis=1)
        # reserve account back to target
        target = t.reserve * support if t.reserve_target_months is None else t.reserve_target_months / months * ds
        fund = np.minimum(excess, np.maximum(target - reserve, 0.0))
        reserve, excess = reserve + fund, excess - fund
        # triggers on the trailing year
        lo = max(0, p - t.per_year + 1)
        trapping = zeros_s
        if t.triggers:
            tr_ncf = out["ncf"][:, lo:p + 1].sum(axis=1)
            tr_ds = (out["interest_due"][:, lo:p + 1] + out["principal_due"][:, lo:p + 1]).sum(axis=1)
            annual_ncf = tr_ncf * t.per_year / (p + 1 - lo)
        for test, threshold, action, share, first in t.triggers:
            if p < first:
                continue
            if test == "dscr":
                breached = tr_ncf < threshold * tr_ds
            else:
                breached = bal.sum(axis=1) > threshold * np.maximum(annual_ncf, 1e-12)
            if action == "rapid_amortisation":
                rapid |= breached
            else:
                trapping = np.maximum(trapping, np.where(breached, share, 0.0))
        prepay = np.where(rapid, excess, 0.0) if prepaying else zeros_s
        excess = excess - prepay
        if accumulating:
            owed_cash = (bal * cash_bullet[None, :]).sum(axis=1)
            deposit = np.minimum(excess, np.maximum(owed_cash - acc, 0.0))
            acc, excess = acc + deposit, excess - deposit
        if prepaying:
            kept = excess * trapping
            release = np.where(trapping > 0, 0.0, trap)
            trap, excess = trap + kept - release, excess - kept + release
            turbo = excess * t.turbo
            prepay, excess = prepay + turbo, excess - turbo
            pre = _sequential(prepay, bal)
            bal = bal - pre
            excess = excess + prepay - pre.sum(axis=1)  # more than the notes outstanding goes to residual
        else:
            pre = zeros_k
        done = bal.sum(axis=1) <= scale_done
        excess = excess + np.where(done, reserve + acc + trap, 0.0)
        reserve, acc, trap = (np.where(done, 0.0, x) for x in (reserve, acc, trap))
        int_paid[:, :, p], prin_paid[:, :, p], balance[:, :, p] = ip, sp + bp + (bullet - bullet_need) + pre, bal
        for name, value in (("fees", fees), ("bullet_due", bullet.sum(axis=1)),
                            ("reserve_draw", d_res + d_trap), ("reserve_funded", fund), ("reserve", reserve),
                            ("guarantee_draw", d_g), ("accumulated", acc), ("trapped", trap), ("prepaid", pre.sum(1)),
                            ("residual", excess),
                            ("shortfall", (due[:, :1 + 2 * k] - paid[:, :1 + 2 * k]).sum(axis=1)),
                            ("refinanced", refi.sum(axis=1)), ("refinancing_gap", unpaid_bullet.sum(axis=1)),
                            ("outstanding", bal.sum(axis=1)),
                            ("trigger", np.where(rapid, 2.0, np.where(trapping > 0, 1.0, 0.0))),
                            ("support_start", support_start)):
            out[name][:, p] = value
    return Run(collections=cash, interest_paid=int_paid, principal_paid=prin_paid, balance=balance, **out)


def breakeven(t: Terms, cash: np.ndarray, cut: np.ndarray, supports: list[float],
              tol: float = 1e-6) -> list[float]:
    """Largest uniform cut h of collections (in the periods where ``cut``) with every payment still made.

    One h* per entry of ``supports``: 1.0 counts the reserve funded at closing and the counted
    guarantee, 0.0 is pool cash alone. Each pass runs the waterfall for 33 haircuts per support
    in one vectorised call and keeps the bracket between the last haircut that holds and the
    first that fails (h = 0 and h = 1 are on the first pass's grid); four passes narrow it to
    ``tol`` (0.0001 percentage points). A support settled at 0 or 1 on the first pass is not run again.
    """
    points, m = 33, len(supports)
    sup = np.asarray(supports, dtype=float)
    lo, hi = np.zeros(m), np.ones(m)
    active = np.arange(m)  # after the first pass, only the support levels not settled at 0 or 1
    settled_service = 0.0  # largest debt service of the settled levels' scenarios: the tolerance stays as if they ran
    first_pass = True
    while True:
        a = active
        hs = lo[a, None] + (hi - lo)[a, None] * np.linspace(0.0, 1.0, points)[None, :]  # len(a) x points
        scaled = cash[None, :] * (1.0 - hs.reshape(-1)[:, None] * cut[None, :])
        r = run(t, scaled, np.repeat(sup[a], points))
        service = np.abs(r.service).max(axis=1, initial=0.0).reshape(len(a), points)
        ok = r.paid_within(max(settled_service, float(service.max(initial=0.0)))).reshape(len(a), points)
        ok = np.cumprod(ok, axis=1).astype(bool)  # a cut beyond the first failure does not count
        n_ok = ok.sum(axis=1)
        first = lo[a] == 0.0
        done_zero = first & (n_ok == 0)
        done_one = first & (n_ok == points)
        k = np.clip(n_ok, 1, points - 1)
        rows = np.arange(len(a))
        lo[a] = np.where(done_zero, 0.0, np.where(done_one, 1.0, hs[rows, k - 1]))
        hi[a] = np.where(done_zero, 0.0, np.where(done_one, 1.0, hs[rows, k]))
        if first_pass:  # first pass: a level settled at h = 0 (or 1) reruns only h = 0 (or 1), its first (last) column
            settled = np.concatenate([service[done_zero, 0], service[done_one, -1]])
            settled_service = float(settled.max(initial=0.0))
            active, first_pass = a[~(done_zero | done_one)], False
        if active.size == 0 or float((hi[active] - lo[active]).max()) <= tol:
            return [float(x) for x in lo]
