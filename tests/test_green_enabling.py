"""Green Enabling Projects (ICMA guidance June 2024, linked to the GBP June 2025) on the Solaris green deal."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

from engine.deals import load_deal
from engine.models import Deal
from engine.models.deal import GreenEnabling
from engine.models.screening import Screening
from engine.screen import screen

SOLARIS = Path(__file__).resolve().parents[1] / "examples" / "deals" / "solaris-green-patent-abs.yaml"
GEP_RULES = {"GBP-GEP-VALUE-CHAIN", "GBP-GEP-NO-LOCK-IN", "GBP-GEP-BENEFIT", "GBP-GEP-ES-RISKS", "GBP-GEP-END-USE"}
ALL = {"essential_to_value_chain": True, "no_carbon_lock_in": True, "environmental_benefit": True,
       "es_risk_management": True, "end_use_transparency": True}


@lru_cache(maxsize=1)
def _solaris() -> Deal:
    return load_deal(SOLARIS)


def _enabling(**flags: bool) -> Deal:
    d = _solaris()
    gep = GreenEnabling(enables="polysilicon wafers for the pool's solar licensees", **flags)
    first = d.allocations[0].model_copy(update={"green_enabling": gep})
    return d.model_copy(update={"allocations": [first, *d.allocations[1:]]})


def _gep_rows(s: Screening) -> dict[str, str]:
    assert s.opinions is not None
    return {r.rule_id or "": r.status for r in s.opinions.icma.rows if r.rule_id in GEP_RULES}


def test_an_enabling_project_meeting_all_criteria_keeps_the_icma_opinion() -> None:
    as_of = date(2026, 6, 30)
    base, s = screen(_solaris(), as_of=as_of), screen(_enabling(**ALL), as_of=as_of)
    assert s.opinions is not None and base.opinions is not None
    assert _gep_rows(base) == {}
    assert _gep_rows(s) == dict.fromkeys(GEP_RULES, "met")
    assert s.opinions.icma.status == base.opinions.icma.status
    row = next(r for r in s.opinions.icma.rows if r.rule_id == "GBP-GEP-NO-LOCK-IN")
    assert "Green Enabling Projects Guidance, specific criterion 2" in row.clause and "June 2024" in row.clause


def test_an_enabling_project_without_end_use_transparency_makes_the_bond_not_aligned() -> None:
    s = screen(_enabling(**{**ALL, "end_use_transparency": False}), as_of=date(2026, 6, 30))
    assert s.opinions is not None
    assert _gep_rows(s)["GBP-GEP-END-USE"] == "missing"
    assert {k for k, v in _gep_rows(s).items() if v == "missing"} == {"GBP-GEP-END-USE"}
    assert s.opinions.icma.status == "not_aligned"
    assert any("GBP-GEP-END-USE" in r and "end use" in r for r in s.opinions.icma.reasons)
    assert any("GBP-GEP-END-USE" in b for b in s.blockers)


def test_before_gbp_2025_the_guidance_is_not_checked() -> None:
    s = screen(_enabling(), as_of=date(2024, 1, 1))
    assert _gep_rows(s) == {}
    assert not any(f.rule_id in GEP_RULES for f in s.findings)
