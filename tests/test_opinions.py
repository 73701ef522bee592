"""The four opinions on hand-made facts: the clause behind each row, not-assessable rows, hedges, credit apart."""

from __future__ import annotations

from datetime import date
from typing import Any

from engine.commitments import weak_cue
from engine.models.screening import Opinions
from engine.rules import load_rulebook
from engine.scoring import load_scoring, score

BOOK = load_rulebook()
CONFIG = load_scoring()


def _opinions(facts: list[dict[str, Any]], as_of: date = date(2026, 6, 30)) -> Opinions:
    d = facts[0]
    return score(BOOK.evaluate(facts, as_of, engine="python"), [], str(d["label"]), bool(d["claims_eu_gbs"]),
                 CONFIG, {}).opinions


def _deal(**kw: Any) -> dict[str, Any]:
    return {"t": "deal", "id": "d", "source": "deal", "label": "green", "structure_type": "securitisation",
            "claims_eu_gbs": True, "synthetic": False, **kw}


def _licensee(i: int, sector: str) -> dict[str, Any]:
    return {"t": "licensee", "id": f"l{i}", "source": "deal", "asset_id": "p", "name": f"Licensee {i}",
            "sector": sector, "royalty_share_pct": 10.0}


def test_every_eu_gbs_row_cites_its_article_and_fossil_power_is_not_assessable() -> None:
    o = _opinions([_deal(), _licensee(1, "fossil_fuel_power"), _licensee(2, "fossil_fuel_trading")])
    rows = {r.key: r for r in o.eu_gbs.rows}
    assert all("2023/2631" in r.clause for r in o.eu_gbs.rows), [r.clause for r in o.eu_gbs.rows]
    assert rows["Art. 18(2)"].status == "not_assessable" and "DNSH" in (rows["Art. 18(2)"].note or "")
    art18 = rows["Art. 18(1)"]
    assert art18.status == "missing" and "Licensee 2 (fossil_fuel_trading)" in (art18.note or "")
    assert o.eu_gbs.status == "not_compliant"


def test_a_deal_file_that_cannot_tell_gives_not_assessable_not_a_pass_or_fail() -> None:
    o = _opinions([_deal()])
    rows = {r.key: r.status for r in o.eu_gbs.rows}
    assert rows["Art. 6"] == rows["Art. 7"] == rows["Art. 19(2)"] == rows["Art. 11(4)"] == "not_assessable"
    assert rows["Art. 16"] == "met", "an SSPE issuing for the originator is how Art. 16 works"


def test_hedged_and_negated_statements_are_recognised() -> None:
    assert weak_cue("Management will consider sustainability factors where feasible.") == "will consider"
    assert weak_cue("There is no separate committee, and no formal eligibility criteria have been adopted.") \
        == "there is no"
    assert weak_cue("The Green Finance Committee screens projects against the eligibility criteria.") is None
    assert weak_cue("Unallocated proceeds are held in cash until allocated.") is None


def test_a_missing_core_component_makes_a_labelled_bond_not_aligned_and_says_what_would_fix_it() -> None:
    framework = {"t": "framework", "id": "f", "source": "deal", "published": True, "has_selection_process": True,
                 "selection_firm": False, "tracking": "sub_account", "has_unallocated_policy": True,
                 "unallocated_firm": True, "allocation_reporting": "annual", "impact_reporting": "annual"}
    alloc = {"t": "allocation", "id": "a", "source": "deal", "category": "renewable_energy", "share_pct": 80.0}
    o = _opinions([_deal(claims_eu_gbs=False, structure_type="corporate_bond"), framework, alloc])
    assert o.icma.status == "not_aligned"
    sel = next(r for r in o.icma.rows if r.key == "icma_gbp:project_evaluation_and_selection")
    assert sel.status == "missing" and sel.note and sel.note.startswith("to meet it:")
    firm = _opinions([_deal(claims_eu_gbs=False, structure_type="corporate_bond"),
                      {**framework, "selection_firm": True}, alloc])
    assert firm.icma.status == "aligned_with_recommendations", "only the review recommendations are left"


def test_credit_is_its_own_opinion_and_leaves_icma_and_sdg_alone() -> None:
    alloc = {"t": "allocation", "id": "a", "source": "deal", "category": "renewable_energy", "share_pct": 80.0}
    good = {"t": "metric", "id": "m", "source": "valuation", "name": "dscr_min", "value": 3.0}
    bad = {**good, "value": 0.5}
    base = [_deal(claims_eu_gbs=False, structure_type="corporate_bond", collateral_basis="royalty"), alloc]
    a, b = _opinions([*base, good]), _opinions([*base, bad])
    assert (a.icma, a.sdg, a.eu_gbs) == (b.icma, b.sdg, b.eu_gbs)
    assert a.credit.status != b.credit.status and b.credit.status == "ineligible"
