"""Scoring arithmetic a reviewer can recompute: evidence hierarchy, no double counting, caps, penalties, verdict."""

from __future__ import annotations

from typing import Any

import pytest

from engine.models import Finding
from engine.models.findings import Reference
from engine.models.screening import TopicalPassage
from engine.scoring import load_scoring, score, sdg_scores

CONFIG = load_scoring()
REF = Reference(id="r", title="test reference")
SHORT = {4: "Education", 7: "Energy", 8: "Work", 9: "Industry", 12: "Consumption", 13: "Climate"}


def finding(rule: str, effect: str = "contribute", facts: list[dict[str, Any]] | None = None, **kw: Any) -> Finding:
    return Finding(rule_id=rule, ruleset="t", ruleset_version="1", ruleset_hash="0" * 64, title=rule,
                   effect=effect, reference=REF, facts=facts or [], **kw)  # type: ignore[arg-type]


def alloc(share: float, source: str = "deal", fid: str = "a1", **kw: Any) -> dict[str, Any]:
    return {"t": "allocation", "id": fid, "category": "renewable_energy", "share_pct": share, "source": source, **kw}


def sdg(scores: list[Any], n: int) -> Any:
    return next(s for s in scores if s.sdg == n)


def test_a_document_restating_the_deal_corroborates_but_adds_nothing() -> None:
    deal_only = [finding("UOP-RE-7.2", facts=[alloc(60)], sdg=7, target="7.2", strength="direct", weight=1.0)]
    both = deal_only + [finding("UOP-RE-7.2", facts=[alloc(60, "document", "d1")], sdg=7, target="7.2",
                                strength="direct", weight=1.0)]
    a, b = sdg(sdg_scores(deal_only, [], CONFIG, SHORT), 7), sdg(sdg_scores(both, [], CONFIG, SHORT), 7)
    assert a.score == b.score == 60
    assert "also stated in document evidence (no extra points)" in b.points[0].basis


def test_evidence_quality_orders_deal_document_hedged_topical() -> None:
    def points(**fact: Any) -> float:
        f = finding("UOP-RE-7.2", facts=[alloc(60, **fact)], sdg=7, target="7.2", strength="direct", weight=1.0)
        return sdg(sdg_scores([f], [], CONFIG, SHORT), 7).score

    topical = TopicalPassage(document="d", page=1, sdg=7, score=1.0, terms=["solar"], text="solar")
    from_text = sdg(sdg_scores([], [topical], CONFIG, SHORT), 7).score
    assert points(source="deal") > points(source="document", fid="d") > points(source="document", fid="h",
                                                                                hedged=True) > from_text > 0


def test_allocation_shares_of_one_rule_add_up_and_scale_to_the_full_share() -> None:
    half = CONFIG.sdg.allocation_full_share_pct / 2
    f = finding("UOP-RE-7.2", facts=[alloc(half / 2, fid="a1")], sdg=7, target="7.2", strength="direct", weight=1.0)
    g = finding("UOP-RE-7.2", facts=[alloc(half / 2, fid="a2")], sdg=7, target="7.2", strength="direct", weight=1.0)
    s = sdg(sdg_scores([f, g], [], CONFIG, SHORT), 7)
    assert s.score == pytest.approx(CONFIG.sdg.strength_points["direct"] * 0.5)


def test_a_target_is_capped_however_many_rules_evidence_it() -> None:
    asset = {"t": "asset", "id": "p1", "value_share_pct": 50.0, "source": "deal"}
    fs = [finding(r, facts=[asset], sdg=7, target="7.2", strength="direct", weight=1.0)
          for r in ("CPC-Y02E10-7.2", "CPC-Y02B10-7.2", "IPC-GI-SOLAR-7.2")]
    s = sdg(sdg_scores(fs, [], CONFIG, SHORT), 7)
    assert s.score == CONFIG.sdg.target_cap and "capped" in (s.note or "")


def test_sdg_9_on_text_alone_stays_limited() -> None:
    doc = finding("UOP-EE-9.4", facts=[alloc(80, "document", "d1")], sdg=9, target="9.4", strength="direct",
                  weight=1.0)
    s = sdg(sdg_scores([doc], [], CONFIG, SHORT), 9)
    assert s.score == CONFIG.sdg.unsupported_cap and "needs deal evidence" in (s.note or "")


def test_red_flags_cost_the_sdg_they_name_and_deal_wide_ones_cost_every_contributing_sdg() -> None:
    contrib = [finding("UOP-RE-7.2", facts=[alloc(60)], sdg=7, target="7.2", strength="direct", weight=1.0),
               finding("UOP-RE-13.2", facts=[alloc(60)], sdg=13, target="13.2", strength="indirect", weight=1.0)]
    claim = finding("RF-OVERCLAIM-SDG13", "flag", [{"t": "sdg_claim", "id": "c", "sdg": 13}], severity="red_flag")
    fossil = finding("RF-FOSSIL-LICENSEE", "flag", [{"t": "licensee", "id": "l"}], severity="red_flag")
    red = CONFIG.sdg.flag_penalty["red_flag"]
    only_claim = sdg_scores(contrib + [claim], [], CONFIG, SHORT)
    assert sdg(only_claim, 13).score == 30 - red and sdg(only_claim, 7).score == 60
    deal_wide = sdg_scores(contrib + [fossil], [], CONFIG, SHORT)
    assert sdg(deal_wide, 7).score == 60 - red and sdg(deal_wide, 13).score == 30 - red
    assert sdg(deal_wide, 4).penalties == [], "an SDG the deal does not contribute to is not penalised"


def test_verdict_is_the_worst_opinion_and_credit_is_its_own() -> None:
    ok = [finding("UOP-RE-7.2", facts=[alloc(60)], sdg=7, target="7.2", strength="direct", weight=1.0),
          finding("ELIG-LTV", "check", metric="ltv_pct", value=40.0, status="pass", direction="lower_is_better",
                  pass_threshold=45.0, watch_threshold=65.0)]
    result = score(ok, [], "green", False, CONFIG, SHORT)
    assert result.verdict == "eligible" and result.opinions.credit.status == "eligible"
    watch = ok + [finding("ELIG-CONC", "check", metric="largest_asset_share_pct", value=30.0, status="watch")]
    result = score(watch, [], "green", False, CONFIG, SHORT)
    assert result.verdict == "conditional" and any("ELIG-CONC" in c for c in result.conditions)
    assert result.opinions.credit.status == "watch" and not result.blockers, "a financial watch never blocks"
    blocked = ok + [finding("RF-EXCLUDED", "flag", [{"t": "deal", "id": "d"}], severity="blocker",
                            message="excluded structure")]
    result = score(blocked, [], "green", True, CONFIG, SHORT)
    assert result.verdict == "ineligible" and result.blockers == ["excluded structure [RF-EXCLUDED]"]
    missing = ok + [finding("EUGBS-REVIEWER-REGISTERED", "require", standard="eu_gbs", component="art_69_reviewer",
                            status="missing", message="not registered")]
    claimed = score(missing, [], "green", True, CONFIG, SHORT)
    assert claimed.verdict == "ineligible" and claimed.opinions.eu_gbs.status == "not_compliant"
    unclaimed = score(missing, [], "green", False, CONFIG, SHORT)
    assert unclaimed.verdict == "eligible" and unclaimed.opinions.eu_gbs.status == "not_claimed", \
        "EU GBS only binds a claim"


def test_credit_never_enters_the_esg_score() -> None:
    contrib = [finding("UOP-RE-7.2", facts=[alloc(60)], sdg=7, target="7.2", strength="direct", weight=1.0)]
    passing = score(contrib + [finding("ELIG-LTV", "check", metric="ltv_pct", value=40.0, status="pass")],
                    [], "none", False, CONFIG, SHORT)
    failing = score(contrib + [finding("ELIG-LTV", "check", metric="ltv_pct", value=90.0, status="fail")],
                    [], "none", False, CONFIG, SHORT)
    assert [p.name for p in failing.esg_parts] == ["sdg"]
    assert failing.esg_score == passing.esg_score and failing.grade == passing.grade
    assert (passing.opinions.credit.status, failing.opinions.credit.status) == ("eligible", "ineligible")
    assert failing.opinions.sdg == passing.opinions.sdg and failing.opinions.icma.status == "not_applicable"
