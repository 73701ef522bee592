"""China's catalogues on a CN deal: the edition that governs at the screening date and issue date, per
allocation, beside the ICMA opinion and never inside its status or any score
(rulesets/compliance/china-catalogue.yaml)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

import pytest

from engine.deals import load_deal
from engine.models import Deal
from engine.models.screening import Screening
from engine.report import render
from engine.screen import screen

HUANGPU = Path(__file__).resolve().parents[1] / "examples" / "deals" / "huangpu-sme-patent-licence-abs.yaml"


@lru_cache(maxsize=1)
def _huangpu() -> Deal:
    return load_deal(HUANGPU)


def _green(category: str | None, issue: date | None = None) -> Deal:
    """Huangpu as a green bond: its proceeds to energy efficiency, assigned to a catalogue category."""
    d = _huangpu()
    alloc = d.allocations[0].model_copy(update={"category": "energy_efficiency", "china_catalogue_category": category})
    return d.model_copy(update={"structure": d.structure.model_copy(update={"label": "green"}),
                                "allocations": [alloc], "issue_date": issue or d.issue_date})


def _cn(s: Screening) -> dict[str, tuple[str, str, str | None]]:
    assert s.opinions is not None
    return {r.key: (r.status, r.clause, r.rule_id) for r in s.opinions.icma.china_catalogue}


def test_the_shipped_huangpu_deal_is_social_so_no_catalogue_applies() -> None:
    s = screen(_huangpu(), as_of=date(2026, 6, 30))
    assert _cn(s) == {}
    assert not any(f.ruleset == "compliance-china-catalogue" for f in s.findings)


def test_as_of_2024_a_green_huangpu_cites_the_2021_catalogue() -> None:
    rows = _cn(screen(_green("energy_saving_environmental_protection"), as_of=date(2024, 1, 1)))
    status, clause, rule = rows["china_catalogue:edition"]
    assert (status, rule) == ("met", "CNCAT-2021-CATEGORIES")
    assert "Green Bond Endorsed Projects Catalogue (2021 Edition)" in clause and "effective 1 July 2021" in clause
    assert rows["china_catalogue:allocation:0"][0] == "met"


def test_as_of_2026_huangpu_issued_june_2025_keeps_the_2021_catalogue_under_the_transition_rule() -> None:
    """Issued 2025-06-20, before the 2025 catalogue took effect: notice item 三 keeps the historical standard."""
    rows = _cn(screen(_green("energy_saving_environmental_protection"), as_of=date(2026, 6, 30)))
    status, clause, rule = rows["china_catalogue:edition"]
    assert (status, rule) == ("met", "CNCAT-2021-OUTSTANDING-CATEGORIES")
    assert "item 三" in clause


def test_as_of_2026_a_green_huangpu_issued_from_october_2025_cites_the_2025_catalogue() -> None:
    s = screen(_green("energy_saving_carbon_reduction", date(2026, 3, 2)), as_of=date(2026, 6, 30))
    status, clause, rule = _cn(s)["china_catalogue:edition"]
    assert (status, rule) == ("met", "CNCAT-2025-CATEGORIES")
    assert "Green Finance Endorsed Projects Catalogue (2025 Edition)" in clause and "1 October 2025" in clause
    md = render(s, "md")
    assert "China catalogue (for information, not part of ICMA alignment)" in md and "CNCAT-2025-CATEGORIES" in md


def test_a_2021_category_is_outside_the_2025_catalogue_and_the_row_names_the_allocation() -> None:
    rows = _cn(screen(_green("energy_saving_environmental_protection", date(2026, 3, 2)), as_of=date(2026, 6, 30)))
    assert rows["china_catalogue:edition"][0] == "missing"
    assert rows["china_catalogue:allocation:0"][0::2] == ("missing", "CNCAT-2025-OUTSIDE")


def test_an_allocation_without_a_catalogue_category_is_not_assessable_not_a_pass() -> None:
    rows = _cn(screen(_green(None, date(2026, 3, 2)), as_of=date(2026, 6, 30)))
    assert rows["china_catalogue:allocation:0"][0] == "not_assessable"
    assert rows["china_catalogue:edition"][0] == "missing"


@pytest.mark.parametrize("category", ["energy_saving_carbon_reduction", "clean_energy", None])
def test_the_catalogue_never_moves_the_icma_opinion_the_esg_score_or_the_verdict(category: str | None) -> None:
    as_of = date(2026, 6, 30)
    base = screen(_green("energy_saving_carbon_reduction", date(2026, 3, 2)).model_copy(
        update={"originator": _huangpu().originator.model_copy(update={"country": "HK"}),
                "issuer": _huangpu().issuer.model_copy(update={"country": "HK"})}), as_of=as_of)
    assert base.opinions is not None and base.opinions.icma.china_catalogue == []
    s = screen(_green(category, date(2026, 3, 2)), as_of=as_of)
    assert s.opinions is not None
    assert s.opinions.icma.china_catalogue
    assert (s.opinions.icma.status, s.opinions.icma.rows) == (base.opinions.icma.status, base.opinions.icma.rows)
    assert (s.esg_score, s.verdict, s.red_flag_count, s.blockers, s.conditions) == (
        base.esg_score, base.verdict, base.red_flag_count, base.blockers, base.conditions)


def test_an_unassigned_allocation_beside_an_assigned_one_is_listed_as_not_assessable_in_every_format() -> None:
    d = _green("energy_saving_carbon_reduction", date(2026, 3, 2))
    second = d.allocations[0].model_copy(update={"china_catalogue_category": None, "project": "Unassigned lab",
                                                 "amount": 1000000.0})
    s = screen(d.model_copy(update={"allocations": [d.allocations[0], second]}), as_of=date(2026, 6, 30))
    rows = _cn(s)
    assert rows["china_catalogue:edition"][0] == "met"
    assert [rows[f"china_catalogue:allocation:{i}"][0] for i in (0, 1)] == ["met", "not_assessable"]
    assert s.opinions is not None
    assert any("1 of 2 allocations in a top-level category, 1 not (not assessable)" in r
               for r in s.opinions.icma.reasons)
    html = render(s, "html")
    assert "China endorsed projects catalogue" in html and "Unassigned lab" in html
