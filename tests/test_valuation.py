"""Valuation core: closed forms, cross-checks with numpy-financial, properties, real-shaped deals, bad inputs."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import errors
from engine.deals import load_deal, parse_deal
from engine.errors import InputError
from engine.models import Deal
from engine.valuation import METRIC_UNITS, value_deal
from engine.valuation.formulas import (
    decaying_annuity,
    discount_factors,
    growing_perpetuity,
    present_value,
    tab_factor,
)

ROOT = Path(__file__).resolve().parents[1]
JAN_2026 = date(2026, 1, 1)


def asset(id: str = "a1", *, base: float = 100.0, start: int = 2026, years: int = 20, kind: str = "patent",
          filing: str | None = "2026-01-01", **extra: Any) -> dict[str, Any]:
    growth = {k: extra.pop(k) for k in ("growth_pct", "decay_pct") if k in extra}
    a = {"id": id, "kind": kind, "title": f"asset {id}", "jurisdiction": "US", "owner": "Owner Inc",
         "status": "registered" if kind == "trademark" else "granted",
         "cash_flows": {"projection": {"base": base, "start_year": start, "years": years, **growth}}}
    if filing and kind in ("patent", "design", "utility_model"):
        a["filing_date"] = filing
    return {**a, **extra}


def tranche(principal: float, coupon: float, tenor: int, amortisation: str = "level", name: str = "A",
            **extra: Any) -> dict[str, Any]:
    return {"name": name, "principal": principal, "coupon_pct": coupon, "tenor_years": tenor,
            "amortisation": amortisation, **extra}


def make_deal(assets: list[dict[str, Any]], tranches: list[dict[str, Any]] | None = None, *,
              basis: str = "royalty", issue: str = "2026-01-01", rate: float = 8.0, convention: str = "end",
              **extra: Any) -> Deal:
    """A deal through the public loader, so every model check applies."""
    party = {"name": "Issuer Ltd", "country": "US", "sector": "media_entertainment"}
    return parse_deal(json.dumps({
        "id": "test-deal", "name": "Test deal", "originator": party, "issuer": party,
        "structure": {"type": "securitisation", "label": "none", "collateral_basis": basis},
        "currency": "USD", "issue_date": issue,
        "tranches": tranches or [tranche(100.0, 5.0, 10)], "assets": assets,
        "valuation": {"discount_rate_pct": rate, "convention": convention, **extra.pop("valuation", {})},
        **extra}), "deal.json", json_only=True)


# --- closed forms -------------------------------------------------------------------------------------------

def test_decaying_stream_closed_form_matches_the_published_check() -> None:
    assert decaying_annuity(100, 0.05, 0.08, 20) == pytest.approx(710.07, abs=0.005)
    flows = 100 * 0.95 ** np.arange(20)
    assert present_value(flows, 0.08) == pytest.approx(710.07, abs=0.005)


def test_tab_factor_matches_the_published_check() -> None:
    assert tab_factor(0.21, 0.10, 15) == pytest.approx(1.1192, abs=5e-5)


def test_mid_year_convention_brings_every_flow_half_a_year_closer() -> None:
    flows = [50.0, 60.0, 70.0]
    assert present_value(flows, 0.1, "mid") == pytest.approx(present_value(flows, 0.1) * 1.1 ** 0.5)
    assert discount_factors(0.1, 1, "mid")[0] == pytest.approx(1.1 ** -0.5)


@pytest.mark.parametrize("rate", [0.0, 0.03, 0.08, 0.15])
def test_present_value_agrees_with_numpy_financial_npv(rate: float) -> None:
    flows = [120.0, 80.0, -15.0, 60.0, 40.5]
    assert present_value(flows, rate) == pytest.approx(npf.npv(rate, [0.0, *flows]))


def test_irr_from_numpy_financial_prices_the_stream_at_par() -> None:
    price, flows = 500.0, [90.0, 110.0, 130.0, 120.0, 100.0]
    irr = npf.irr([-price, *flows])
    assert present_value(flows, irr) == pytest.approx(price)


def test_perpetuity_refuses_growth_at_or_above_the_rate() -> None:
    assert growing_perpetuity(10.0, 0.10, 0.02) == pytest.approx(125.0)
    with pytest.raises(InputError) as exc:
        growing_perpetuity(10.0, 0.05, 0.05)
    assert exc.value.problems[0].code == errors.PERPETUITY_DIVERGES


# --- value_deal against the closed forms --------------------------------------------------------------------

def test_pool_value_of_a_decaying_patent_equals_the_closed_form() -> None:
    deal = make_deal([asset(decay_pct=5.0)])
    assert value_deal(deal, JAN_2026).pool_value == pytest.approx(710.07, abs=0.005)
    mid = make_deal([asset(decay_pct=5.0)], convention="mid")
    assert value_deal(mid, JAN_2026).pool_value == pytest.approx(710.07 * 1.08 ** 0.5, abs=0.01)


def test_relief_from_royalty_is_after_tax_with_tab_and_never_the_collateral_value() -> None:
    deal = make_deal([asset(decay_pct=5.0)], valuation={"tax_rate_pct": 21.0, "tax_amortisation_benefit": True})
    v = value_deal(deal, JAN_2026)
    assert v.tab_factor == pytest.approx(tab_factor(0.21, 0.08))
    assert v.relief_from_royalty_value == pytest.approx(710.07 * 0.79 * v.tab_factor, abs=0.01)
    assert v.pool_value == pytest.approx(710.07, abs=0.005)


def test_patent_stops_earning_twenty_years_after_filing() -> None:
    deal = make_deal([asset(filing="2016-07-01", years=30)])
    v = value_deal(deal, JAN_2026)
    assert v.assets[0].life_end == date(2036, 7, 1) and v.assets[0].limited_by == "legal"
    flows = [p.cash_flow for p in v.periods]
    assert flows[9] == pytest.approx(100.0)  # 2035
    assert flows[10] == pytest.approx(50.0)  # 2036: January to June, spread evenly over months
    assert all(f == 0 for f in flows[11:])


@pytest.mark.parametrize(("kind", "extra", "end"), [
    ("design", {"grant_date": "2026-01-01"}, date(2041, 1, 1)),  # US design patents: 15 years from grant
    ("utility_model", {"jurisdiction": "CN"}, date(2036, 1, 1)),
    ("copyright", {"author_death_year": 1990}, date(2061, 1, 1)),
    ("copyright", {"author_death_year": 1990, "jurisdiction": "CN"}, date(2041, 1, 1)),
    ("trademark", {"economic_life_years": 10}, date(2036, 1, 1)),
    ("patent", {"licence_expiry": "2030-01-01"}, date(2030, 1, 1)),
])
def test_life_end_by_kind_jurisdiction_licence_and_economic_life(kind: str, extra: dict[str, Any], end: date) -> None:
    deal = make_deal([asset(kind=kind, filing="2026-01-01", years=60, **extra)])
    v = value_deal(deal, JAN_2026)
    assert v.assets[0].life_end == end
    assert all(p.cash_flow == 0 for p in v.periods if p.start >= end)


def test_open_ended_trademark_gets_a_gordon_terminal_value_after_its_forecast() -> None:
    deal = make_deal([asset(kind="trademark", years=5, growth_pct=2.0)], rate=10.0)
    v = value_deal(deal, JAN_2026)
    last = 100 * 1.02 ** 4
    assert v.assets[0].terminal_value == pytest.approx(last * 1.02 / 0.08 * 1.1 ** -5)
    flows = 100 * 1.02 ** np.arange(5)
    assert v.pool_value == pytest.approx(present_value(flows, 0.10) + v.assets[0].terminal_value)
    assert any("terminal value" in n for n in v.notes)


# --- debt ---------------------------------------------------------------------------------------------------

def test_level_debt_service_is_the_annuity_payment() -> None:
    deal = make_deal([asset(base=30.0)], [tranche(100.0, 6.0, 10)])
    v = value_deal(deal, JAN_2026)
    payment = -npf.pmt(0.06, 10, 100.0)
    assert [y.debt_service for y in v.debt_years] == pytest.approx([payment] * 10)
    assert sum(y.principal for y in v.debt_years) == pytest.approx(100.0)
    assert v.metrics["dscr_min"] == pytest.approx(30.0 / payment)


def test_royalty_bullet_is_repaid_from_accumulated_cash_not_charged_in_one_year() -> None:
    """Bowie-style bullet: excess cash builds the accumulation account, which repays the bullet at maturity."""
    deal = make_deal([asset(base=50.0)], [tranche(100.0, 5.0, 4, "schedule", schedule=[10, 20, 30, 40]),
                                         tranche(40.0, 10.0, 3, "bullet", name="B")])
    v = value_deal(deal, JAN_2026)
    assert [y.debt_service for y in v.debt_years] == pytest.approx([10 + 5 + 4, 20 + 4.5 + 4, 30 + 3.5 + 4, 40 + 2])
    assert [y.balloon for y in v.debt_years] == pytest.approx([0, 0, 40, 0])
    assert [r.accumulated for r in v.waterfall] == pytest.approx([31.0, 40.0, 0.0, 0.0])
    assert v.debt_years[2].by_tranche == pytest.approx({"A": 33.5, "B": 44.0})
    assert v.metrics["dscr_min"] == pytest.approx(50.0 / 42.0)
    assert v.metrics["refinancing_need_pct"] == 0 and v.dscr_first_breach_year is None


def test_bullet_the_pool_cannot_accumulate_is_a_refinancing_need() -> None:
    deal = make_deal([asset(base=10.0, years=3)], [tranche(100.0, 5.0, 3, "bullet")])
    v = value_deal(deal, JAN_2026)
    assert v.metrics["dscr_min"] == pytest.approx(10.0 / 5.0)  # interest only: the bullet is not in DSCR
    assert v.waterfall[-1].refinanced == pytest.approx(100.0 - 3 * 5.0)  # 5 a year saved, 85 left
    assert v.metrics["refinancing_need_pct"] == pytest.approx(85.0)
    assert v.metrics["breakeven_haircut_pct"] == 0.0


def test_guarantee_pays_shortfalls_and_coverage_is_reported_with_and_without_it() -> None:
    deal = make_deal([asset(base=12.0)], [tranche(100.0, 5.0, 10)],
                     credit_enhancement={"guarantees": [{"provider": "Gov", "amount": 50.0,
                                                         "guarantor_rating": "AA"}]})
    v = value_deal(deal, JAN_2026)
    payment = -npf.pmt(0.05, 10, 100.0)
    draw = payment - 12.0
    assert [r.guarantee_draw for r in v.waterfall] == pytest.approx([draw] * 10)
    assert all(r.shortfall == 0 for r in v.waterfall)
    # with support: the guarantee left at the start of each period stands behind that period's debt service
    assert v.metrics["dscr_min"] == pytest.approx((12.0 + 50.0 - 9 * draw) / payment)
    assert v.metrics["dscr_min_unenhanced"] == pytest.approx(12.0 / payment)
    assert v.metrics["breakeven_haircut_unenhanced_pct"] == 0.0 and v.metrics["breakeven_haircut_pct"] > 0


def test_a_guarantee_counts_only_up_to_the_guarantors_quality() -> None:
    def with_rating(rating: str) -> Any:
        return value_deal(make_deal([asset(base=12.0)], [tranche(100.0, 5.0, 10)], credit_enhancement={
            "guarantees": [{"provider": "Local SOE", "amount": 50.0, "guarantor_rating": rating}]}), JAN_2026)
    strong, junk = with_rating("Baa3"), with_rating("BB+")
    assert strong.guarantee_counted == 50.0 and junk.guarantee_counted == 0.0
    assert sum(r.shortfall for r in junk.waterfall) > 0 and junk.metrics["breakeven_haircut_pct"] == 0.0
    assert any("below investment grade" in n for n in junk.notes)


def test_senior_fees_come_before_debt_service() -> None:
    deal = make_deal([asset(base=30.0)], [tranche(100.0, 6.0, 10)],
                     fees={"trustee_per_year": 1.0, "servicer_pct_of_collections": 10.0})
    v = value_deal(deal, JAN_2026)
    payment = -npf.pmt(0.06, 10, 100.0)
    assert v.waterfall[0].senior_fees == pytest.approx(4.0) and v.waterfall[0].net_cash_flow == pytest.approx(26.0)
    assert v.metrics["dscr_min"] == pytest.approx(26.0 / payment)
    assert v.metrics["leverage"] == pytest.approx(100.0 / 26.0)


def test_quarterly_waterfall_pays_a_quarterly_annuity() -> None:
    deal = make_deal([asset(base=40.0)], [tranche(100.0, 8.0, 5)], payment_frequency="quarterly")
    v = value_deal(deal, JAN_2026)
    payment = -npf.pmt(0.02, 20, 100.0)
    assert len(v.waterfall) == 20
    assert [r.interest_due + r.principal_due for r in v.waterfall] == pytest.approx([payment] * 20)
    assert v.metrics["dscr_min"] == pytest.approx(10.0 / payment)
    assert v.waterfall[-1].notes_outstanding == pytest.approx(0.0, abs=1e-9)


def test_reserve_account_draws_and_refills_to_target() -> None:
    flows = [{"year": y, "amount": a} for y, a in zip(range(2026, 2031), [30, 5, 30, 30, 30], strict=True)]
    deal = make_deal([asset(cash_flows={"projection": {"explicit": flows}})], [tranche(50.0, 0.0, 5)],
                     reserves={"cash_reserve": 10.0})
    v = value_deal(deal, JAN_2026)  # debt service 10 a year; year 2 falls 5 short
    assert [r.reserve_draw for r in v.waterfall] == pytest.approx([0, 5, 0, 0, 0])
    assert [r.reserve_funded for r in v.waterfall] == pytest.approx([0, 0, 5, 0, 0])
    assert v.waterfall[-1].reserve_balance == 0.0  # released when the notes are repaid
    assert v.metrics["dscr_min_unenhanced"] == pytest.approx(0.5)


def test_dscr_trigger_traps_cash_then_rapid_amortisation_prepays() -> None:
    flows = [{"year": y, "amount": a} for y, a in zip(range(2026, 2032), [30, 30, 15, 15, 30, 30], strict=True)]
    trap = make_deal([asset(cash_flows={"projection": {"explicit": flows}})], [tranche(60.0, 0.0, 6)],
                     basis="whole_business", triggers=[{"test": "dscr", "threshold": 1.75, "action": "cash_trap"}])
    v = value_deal(trap, JAN_2026)  # debt service 10; years 3-4 at 1.5x trap the excess, year 5 releases it
    assert [r.trigger for r in v.waterfall] == [None, None, "cash_trap", "cash_trap", None, None]
    assert [r.trapped for r in v.waterfall] == pytest.approx([0, 0, 5, 10, 0, 0])
    assert v.waterfall[4].residual == pytest.approx(20.0 + 10.0)
    rapid = make_deal([asset(cash_flows={"projection": {"explicit": flows}})], [tranche(60.0, 0.0, 6)],
                      basis="whole_business",
                      triggers=[{"test": "dscr", "threshold": 1.75, "action": "rapid_amortisation"}])
    r = value_deal(rapid, JAN_2026)
    assert r.waterfall[2].prepaid == pytest.approx(5.0) and r.waterfall[3].trigger == "rapid_amortisation"
    assert [w.notes_outstanding for w in r.waterfall] == pytest.approx([50, 40, 25, 10, 0, 0])  # repaid a year early


def test_obligor_bucket_counts_as_many_equal_obligors() -> None:
    franchisees = [{"name": "Franchisees", "sector": "restaurants", "royalty_share_pct": 60.0, "count": 1200},
                   {"name": "Master licensee", "sector": "restaurants", "royalty_share_pct": 40.0}]
    v = value_deal(make_deal([asset(kind="trademark", licensees=franchisees)]), JAN_2026)
    assert v.metrics["largest_licensee_share_pct"] == pytest.approx(40.0)
    assert v.metrics["obligor_hhi"] == pytest.approx(0.4 ** 2 + 1200 * (0.6 / 1200) ** 2)


def test_breakeven_haircut_matches_the_closed_form_without_support() -> None:
    deal = make_deal([asset(base=20.0, decay_pct=3.0)], [tranche(100.0, 5.0, 8)])
    v = value_deal(deal, JAN_2026)
    assert v.metrics["breakeven_haircut_pct"] == pytest.approx(100 * (1 - 1 / v.metrics["dscr_min"]), abs=1e-4)


# --- properties ---------------------------------------------------------------------------------------------

settings.register_profile("valuation", max_examples=40, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
PROPS = settings.get_profile("valuation")


@PROPS
@given(rate=st.floats(1.0, 30.0), bump=st.floats(0.5, 10.0), decay=st.floats(0.0, 30.0))
def test_value_falls_as_the_discount_rate_rises(rate: float, bump: float, decay: float) -> None:
    low = value_deal(make_deal([asset(decay_pct=decay)], rate=rate), JAN_2026).pool_value
    high = value_deal(make_deal([asset(decay_pct=decay)], rate=rate + bump), JAN_2026).pool_value
    assert high < low


@PROPS
@given(decay=st.floats(0.0, 60.0), bump=st.floats(0.5, 30.0))
def test_value_falls_as_decay_rises(decay: float, bump: float) -> None:
    slow = value_deal(make_deal([asset(decay_pct=decay)]), JAN_2026).pool_value
    fast = value_deal(make_deal([asset(decay_pct=decay + bump)]), JAN_2026).pool_value
    assert fast < slow


@PROPS
@given(base=st.floats(5.0, 40.0), decay=st.floats(0.0, 15.0), guarantee=st.floats(0.0, 60.0),
       tenor=st.integers(2, 15))
def test_zero_haircut_is_the_base_case_and_min_dscr_at_h_star_is_one(base: float, decay: float, guarantee: float,
                                                                      tenor: int) -> None:
    enhancement = {"guarantees": [{"provider": "G", "amount": guarantee}]} if guarantee > 1 else {}
    def build(scale: float) -> Deal:
        return make_deal([asset(base=base * scale, decay_pct=decay)], [tranche(100.0, 6.0, tenor)],
                         credit_enhancement=enhancement)
    v = value_deal(build(1.0), JAN_2026)
    row = next(r for r in v.stress if r.haircut_pct == 0 and r.extra_decay_pct == 0 and r.discount_rate_pct == 8.0)
    assert row.pool_value == pytest.approx(v.pool_value)
    assert row.dscr_min == pytest.approx(v.metrics["dscr_min"])
    h = v.metrics["breakeven_haircut_pct"] / 100
    if 0.001 < h < 0.999:  # just inside h* every payment is made; just outside something is not
        inside, outside = value_deal(build(1 - h + 1e-4), JAN_2026), value_deal(build(1 - h - 1e-4), JAN_2026)
        assert sum(r.shortfall + r.refinanced for r in inside.waterfall) == pytest.approx(0.0, abs=1e-9)
        assert sum(r.shortfall + r.refinanced for r in outside.waterfall) > 0


@PROPS
@given(filing=st.dates(date(2006, 2, 1), date(2025, 12, 31)), as_of=st.dates(date(2026, 1, 1), date(2030, 12, 31)))
def test_no_cash_flow_after_expiry(filing: date, as_of: date) -> None:
    deal = make_deal([asset(filing=filing.isoformat(), years=40), asset("a2", base=1.0, years=40)],
                     [tranche(50.0, 5.0, 20)])
    v = value_deal(deal, as_of)
    end = v.assets[0].life_end
    assert end is not None
    expected_after = value_deal(make_deal([asset("a2", base=1.0, years=40)], [tranche(50.0, 5.0, 20)]), as_of)
    for got, alone in zip(v.debt_years, expected_after.debt_years, strict=True):
        if got.start >= end:
            assert got.cash_flow == pytest.approx(alone.cash_flow)


# --- deals shaped like real ones ----------------------------------------------------------------------------

def bowie_1997(decay_pct: float) -> Deal:
    """Bowie Bonds (1997): US$55m, 10 years, 7.9 %, self-amortising, backed by 25 albums' royalties."""
    albums = [asset(f"album-{i:02d}", kind="copyright", base=0.6, start=1997, years=10, decay_pct=decay_pct,
                    work_type="music", filing=None) for i in range(1, 26)]
    return make_deal(albums, [tranche(55.0, 7.9, 10, rating="A3")], basis="catalogue", issue="1997-01-01",
                     rate=9.0)


def test_bowie_1997_covers_its_notes_until_sales_fall() -> None:
    v = value_deal(bowie_1997(decay_pct=2.0), date(1997, 1, 1))
    payment = -npf.pmt(0.079, 10, 55.0)
    assert v.debt_years[0].debt_service == pytest.approx(payment)
    assert v.metrics["dscr_min"] == pytest.approx(15.0 * 0.98 ** 9 / payment)
    assert v.metrics["dscr_min"] > 1.40  # passes the catalogue band
    falling = value_deal(bowie_1997(decay_pct=8.0), date(1997, 1, 1))
    assert falling.metrics["dscr_min"] < 1.30 and falling.dscr_first_breach_year is not None


def test_dineequity_2014_1_whole_business_dscr_is_4_95x() -> None:
    """NCF 280.8 / debt service 56.8 (interest and scheduled amortisation; the bullet is refinanced)."""
    brand = asset("ihop-applebees", kind="trademark", base=280.8, start=2014, years=7, economic_life_years=30)
    notes = tranche(1300.0, 100 * 56.8 / 1300.0, 7, "bullet", name="A-2")
    v = value_deal(make_deal([brand], [notes], basis="whole_business", issue="2014-01-01"), date(2014, 1, 1))
    assert v.metrics["dscr_min"] == pytest.approx(4.95, abs=0.01)
    assert v.tranches[0].balloon == pytest.approx(1300.0)
    assert all(y.balloon == 0 for y in v.debt_years[:-1]) and v.debt_years[-1].balloon == pytest.approx(1300.0)


def test_single_drug_royalty_deal_is_fully_concentrated() -> None:
    """BioPharma Royalty Trust (2000): one drug's royalties, senior DSCR about 1.6x."""
    drug = asset("zerit-royalty", base=19.5, start=2000, years=10, filing="1995-06-01",
                 licensees=[{"name": "Bristol-Myers Squibb", "sector": "pharmaceuticals", "royalty_share_pct": 100}])
    v = value_deal(make_deal([drug], [tranche(57.0, 7.7, 6, "level")], issue="2000-01-01", rate=10.0),
                   date(2000, 1, 1))
    assert v.metrics["dscr_min"] == pytest.approx(19.5 / -npf.pmt(0.077, 6, 57.0))
    assert v.metrics["dscr_min"] == pytest.approx(1.6, abs=0.01)
    assert v.metrics["largest_asset_share_pct"] == pytest.approx(100.0)
    assert v.metrics["largest_licensee_share_pct"] == pytest.approx(100.0)


def test_metrics_have_fixed_names_and_units() -> None:
    deal = make_deal([asset(base=20.0, litigation={"pending": True, "share_at_risk_pct": 10.0},
                            cash_flows={"history": [{"year": 2025, "amount": 16.0}],
                                        "projection": {"base": 20.0, "start_year": 2026, "years": 20}})])
    v = value_deal(deal, JAN_2026)
    assert set(v.metrics) <= set(METRIC_UNITS) and v.units == {k: METRIC_UNITS[k] for k in v.metrics}
    assert v.metrics["litigation_share_pct"] == pytest.approx(10.0)
    assert v.metrics["projection_to_history_ratio"] == pytest.approx(1.25)
    assert v.metrics["ltv_pct"] == pytest.approx(100 * 100.0 / v.pool_value)
    assert v.metrics["legal_life_cushion_years"] == pytest.approx(10.0, abs=0.01)
    assert "dscr_min_unenhanced" not in v.metrics and "largest_licensee_share_pct" not in v.metrics
    assert len(v.stress) == 36


# --- bad inputs ---------------------------------------------------------------------------------------------

DEAL_YAML = (ROOT / "examples" / "deals" / "solaris-green-patent-abs.yaml").read_text()


def test_negative_principal_is_rejected_with_its_line() -> None:
    with pytest.raises(InputError) as exc:
        parse_deal(DEAL_YAML.replace("principal: 120000000", "principal: -120000000"), "deal.yaml")
    problem = exc.value.problems[0]
    assert problem.loc[-1] == "principal" and problem.line is not None and "greater than 0" in problem.message


def test_empty_pool_is_rejected() -> None:
    with pytest.raises(InputError) as exc:
        make_deal([])
    assert exc.value.problems[0].loc == ("assets",) and "at least 1" in exc.value.problems[0].message
    lapsed = make_deal([asset(status="lapsed")])
    with pytest.raises(InputError) as exc2:
        value_deal(lapsed, JAN_2026)
    assert exc2.value.problems[0].code == errors.EMPTY_POOL


def test_valuing_after_every_asset_expired_is_an_empty_pool() -> None:
    with pytest.raises(InputError) as exc:
        value_deal(make_deal([asset(filing="2010-01-01")]), date(2031, 1, 1))
    assert exc.value.problems[0].code == errors.EMPTY_POOL and "2031-01-01" in exc.value.problems[0].message


def test_perpetuity_with_growth_above_the_rate_names_the_asset() -> None:
    deal = make_deal([asset("brand", kind="trademark", years=5, growth_pct=12.0)], rate=10.0)
    with pytest.raises(InputError) as exc:
        value_deal(deal, JAN_2026)
    problem = exc.value.problems[0]
    assert problem.code == errors.PERPETUITY_DIVERGES and "'brand'" in problem.message and problem.hint


# --- the examples -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", sorted((ROOT / "examples" / "deals").glob("*.*")), ids=lambda p: p.name)
def test_every_example_values_to_sane_figures(path: Path) -> None:
    deal = load_deal(path)
    v = value_deal(deal, deal.issue_date)
    assert v.pool_value > 0 and len(v.stress) == 36
    assert sum(a.value_share_pct for a in v.assets) == pytest.approx(100.0)
    assert 0 <= v.metrics["breakeven_haircut_pct"] <= 100
    assert v.metrics["ltv_pct"] == pytest.approx(100 * deal.principal / v.pool_value)
    assert 0 < v.metrics["largest_asset_share_pct"] <= 100


def test_a_matured_deal_is_valued_as_at_its_issue_date() -> None:
    deal = bowie_1997(decay_pct=2.0)
    late = value_deal(deal, date(2026, 11, 26))
    assert late.as_of == date(1997, 1, 1)
    assert late.metrics == value_deal(deal, date(1997, 1, 1)).metrics
    assert "matured" in late.notes[0]


def test_valuing_mid_life_counts_only_the_remaining_years_and_balance() -> None:
    deal = make_deal([asset(base=30.0)], [tranche(100.0, 6.0, 10)])
    v = value_deal(deal, date(2030, 1, 1))
    assert [y.year for y in v.debt_years] == list(range(5, 11))
    balance_after_4_years = npf.fv(0.06, 4, npf.pmt(0.06, 10, 100.0), 100.0)
    assert v.tranches[0].outstanding == pytest.approx(-balance_after_4_years)
    assert v.pool_value == pytest.approx(present_value([30.0] * 16, 0.08))


# --- independent valuation methods --------------------------------------------------------------------------

def test_relief_from_royalty_prices_revenue_at_the_arms_length_rate_after_tax_and_tab() -> None:
    deal = make_deal([asset(base=50.0, royalty_rate_pct=5.0, arms_length_royalty_pct=4.0)],
                     valuation={"tax_rate_pct": 21.0, "tax_amortisation_benefit": True})
    v = value_deal(deal, JAN_2026)
    revenue_value = v.pool_value / 0.05  # collections are 5 % of revenue
    assert v.relief_from_royalty_value == pytest.approx(revenue_value * 0.04 * 0.79 * tab_factor(0.21, 0.08))
    rfr = next(m for m in v.methods if m.method == "relief_from_royalty")
    assert "arm's-length" in rfr.basis and "1 of 1" in rfr.basis
    plain = value_deal(make_deal([asset(base=50.0)], valuation={"tax_rate_pct": 21.0}), JAN_2026)
    assert "not independent" in next(m for m in plain.methods if m.method == "relief_from_royalty").basis


def test_cost_market_and_appraisal_are_reconciled_beside_the_income_value() -> None:
    deal = make_deal([asset(base=20.0, replacement_cost=100.0, developer_profit_pct=20.0, obsolescence_pct=25.0,
                            cash_flows={"history": [{"year": 2025, "amount": 18.0}],
                                        "projection": {"base": 20.0, "start_year": 2026, "years": 20}})],
                     valuation={"comparables": [{"name": "X", "multiple": 6.0}, {"name": "Y", "multiple": 8.0},
                                                {"name": "Z", "multiple": 12.0}],
                                "appraisal": {"value": 150.0, "appraiser": "A", "date": "2025-12-01",
                                              "method": "income"}})
    v = value_deal(deal, JAN_2026)
    methods = {m.method: m for m in v.methods}
    assert methods["cost"].value == pytest.approx(100.0 * 1.2 * 0.75)  # new asset: no life used up yet
    assert methods["market"].value == pytest.approx(8.0 * 18.0) and "median multiple 8x of 3" in methods["market"].basis
    assert methods["appraisal"].gap_pct == pytest.approx(100 * (150.0 - v.pool_value) / v.pool_value)
    assert v.ltv_basis.startswith("income") and v.ltv_appraisal_pct == pytest.approx(100 * 100.0 / 150.0)


# --- statutory terms (rulesets/terms/legal-terms.yaml) -----------------------------------------------------

@pytest.mark.parametrize(("extra", "end"), [
    ({"kind": "design", "jurisdiction": "US", "filing_date": "2016-03-01", "grant_date": "2018-05-01"},
     date(2033, 5, 1)),
    ({"kind": "design", "jurisdiction": "US", "filing_date": "2014-03-01", "grant_date": "2015-01-06"},
     date(2029, 1, 6)),
    ({"kind": "design", "jurisdiction": "EU", "filing_date": "2010-04-01"}, date(2035, 4, 1)),
    ({"kind": "design", "jurisdiction": "DE", "filing_date": "2010-04-01"}, date(2035, 4, 1)),
    ({"kind": "design", "jurisdiction": "CN", "filing_date": "2021-06-01"}, date(2036, 6, 1)),
    ({"kind": "design", "jurisdiction": "CN", "filing_date": "2021-05-31"}, date(2031, 5, 31)),
    ({"kind": "utility_model", "jurisdiction": "CN", "filing_date": "2018-01-10"}, date(2028, 1, 10)),
    ({"kind": "patent", "jurisdiction": "US", "filing_date": "2010-01-01", "term_extension_years": 3.0},
     date(2033, 1, 1)),
    ({"kind": "patent", "jurisdiction": "US", "filing_date": "2010-01-01", "term_extension_years": 8.0},
     date(2035, 1, 1)),  # US extensions are capped at 5 years (35 U.S.C. 156(g)(6))
    ({"kind": "copyright", "jurisdiction": "US", "author_death_year": 1990}, date(2061, 1, 1)),
    ({"kind": "copyright", "jurisdiction": "CN", "author_death_year": 1990}, date(2041, 1, 1)),
    ({"kind": "copyright", "jurisdiction": "US", "copyright_basis": "work_for_hire", "publication_date": "1985-06-01"},
     date(2081, 1, 1)),
    ({"kind": "copyright", "jurisdiction": "US", "copyright_basis": "sound_recording",
      "publication_date": "1983-04-14"}, date(2079, 1, 1)),
    ({"kind": "copyright", "jurisdiction": "FR", "copyright_basis": "sound_recording",
      "publication_date": "1983-04-14"}, date(2054, 1, 1)),
])
def test_statutory_terms_come_from_the_rule_file(extra: dict[str, Any], end: date) -> None:
    from engine.models import IPAsset
    from engine.valuation.lives import legal_end
    a = IPAsset.model_validate({**asset(filing=None), **extra, "status": "registered" if extra["kind"] == "copyright"
                                else "granted"})
    assert legal_end(a) == end


def test_every_term_cites_a_defined_reference() -> None:
    from engine.valuation.lives import terms
    table = terms()
    assert {t.reference for t in table.terms} <= set(table.references)
    assert all(r.note for r in table.references.values() if r.kind == "proposal")


# --- named credit stresses (rulesets/stress/scenarios.yaml) --------------------------------------------------

def test_named_stresses_run_through_the_waterfall() -> None:
    lic = [{"name": "Big Licensee", "sector": "electronics", "royalty_share_pct": 60.0},
           {"name": "Small Licensee", "sector": "electronics", "royalty_share_pct": 40.0}]
    deal = make_deal([asset(base=30.0, licensees=lic), asset("a2", base=10.0)], [tranche(100.0, 6.0, 10)],
                     triggers=[{"test": "dscr", "threshold": 1.5, "action": "cash_trap"}])
    v = value_deal(deal, JAN_2026)
    s = {x.id: x for x in v.scenarios}
    payment = -npf.pmt(0.06, 10, 100.0)
    assert s["largest-obligor-loss"].dscr_min == pytest.approx((40.0 - 18.0) / payment)
    assert "Big Licensee" in s["largest-obligor-loss"].applied
    # 10 a year against the annuity: short from the first period, unpaid principal falls due at maturity
    assert s["largest-patent-invalidated"].dscr_min <= 10.0 / payment + 1e-9
    lost = s["largest-patent-invalidated"]
    assert lost.first_shortfall_period == 1 and lost.interest_shortfall == 0.0  # 10 a year still pays interest
    # interest first, the rest to principal: what is left after ten years is 100 x 1.06^10 - 10 x s(10, 6 %)
    assert lost.principal_loss == pytest.approx(100 * 1.06 ** 10 - 10 * (1.06 ** 10 - 1) / 0.06)
    assert s["royalty-decline-30"].dscr_min == pytest.approx(28.0 / payment)
    assert s["royalty-decline-30"].pool_value == pytest.approx(0.7 * v.pool_value)
    # floating coupons 3 pp higher on the same principal schedule: year 1 pays 9 % on 100 plus 6 %-annuity principal
    assert s["rate-up-300bp"].dscr_min == pytest.approx(40.0 / (9.0 + payment - 6.0))
    assert s["rate-up-300bp"].pool_value < v.pool_value
    assert s["trigger-breach"].dscr_min == pytest.approx(0.99 * 1.5) and s["trigger-breach"].periods_under_trigger == 10


def test_deal_without_patents_or_triggers_skips_those_scenarios() -> None:
    v = value_deal(make_deal([asset(kind="trademark", years=10)]), JAN_2026)
    assert {s.id for s in v.scenarios} == {"royalty-decline-30", "rate-up-300bp"}


def test_leverage_trigger_turbo_and_reserve_target() -> None:
    flows = [{"year": y, "amount": 20.0} for y in range(2026, 2031)]
    lev = make_deal([asset(cash_flows={"projection": {"explicit": flows}})], [tranche(100.0, 0.0, 5)],
                    basis="whole_business",
                    triggers=[{"test": "leverage", "threshold": 4.0, "action": "rapid_amortisation"}])
    v = value_deal(lev, JAN_2026)  # after year 1: 80 outstanding / 20 NCF = 4.0x, not above 4.0x: no trigger
    assert all(r.trigger is None for r in v.waterfall)
    tight = make_deal([asset(cash_flows={"projection": {"explicit": flows}})], [tranche(100.0, 0.0, 5)],
                      basis="whole_business",
                      triggers=[{"test": "leverage", "threshold": 3.5, "action": "rapid_amortisation"}])
    t = value_deal(tight, JAN_2026)  # 80 / 20 = 4.0x > 3.5x: rapid amortisation from the first period
    assert t.waterfall[0].trigger == "rapid_amortisation" and t.waterfall[0].notes_outstanding == pytest.approx(80.0)
    turbo = value_deal(make_deal([asset(base=40.0)], [tranche(100.0, 0.0, 5)], turbo_pct=50.0), JAN_2026)
    assert turbo.waterfall[0].prepaid == pytest.approx(10.0) and turbo.waterfall[0].residual == pytest.approx(10.0)
    reserve = value_deal(make_deal([asset(base=40.0)], [tranche(100.0, 0.0, 5)],
                                   reserves={"target_months_of_debt_service": 6}), JAN_2026)
    assert reserve.waterfall[0].reserve_funded == pytest.approx(10.0)  # half a year of 20 debt service
    assert reserve.waterfall[-1].reserve_balance == 0.0


def test_rules_root_stress_scenarios_are_read_from_the_rules_folder(tmp_path: Path) -> None:
    """An edited stress file in a copied rules folder changes value_deal's output; the shipped folder's does not."""
    import shutil

    deal = load_deal(ROOT / "examples" / "deals" / "dineequity-2014-1.yaml")
    as_of = date(2026, 1, 1)
    shipped = value_deal(deal, as_of).model_dump_json()
    assert value_deal(deal, as_of, rules_root=ROOT / "rulesets").model_dump_json() == shipped
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rulesets", rules)
    path = rules / "stress" / "scenarios.yaml"
    text = path.read_text(encoding="utf-8")
    assert "kind: royalty_decline, size: 30," in text
    path.write_text(text.replace("kind: royalty_decline, size: 30,", "kind: royalty_decline, size: 60,"),
                    encoding="utf-8")
    edited = value_deal(deal, as_of, rules_root=rules)
    before = {s.id: s for s in value_deal(deal, as_of).scenarios}
    after = {s.id: s for s in edited.scenarios}
    assert after["royalty-decline-30"] != before["royalty-decline-30"]
    assert value_deal(deal, as_of).model_dump_json() == shipped
