"""Scoring and opinion invariants as property tests over the shipped rules and generated deals (issue 13).

- a flag with the same rule, SDG and cause is counted once, however many sources repeat it;
- a stricter parameter (a higher materiality level, a higher taxonomy minimum, a smaller Art. 5 pocket)
  never raises any SDG score and never improves any of the four opinions;
- no rendered message has an empty placeholder, and a met row never shows its failure text.

Deals are generated as facts and evaluated with the reference evaluator (``engine="python"``, the same
condition semantics as durable_rules, checked by tests/test_rules_engine.py) so that many deals run fast.
"""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.models.screening import Scores
from engine.rules import RuleBook, load_rulebook
from engine.scoring import load_scoring, score

AS_OF = date(2026, 6, 30)
CONFIG = load_scoring()
SHIPPED = load_rulebook()
SHORT = {n: g.short for n, g in SHIPPED.catalogue.goals.items()} if SHIPPED.catalogue else {}
CATEGORIES = ["renewable_energy", "energy_efficiency", "clean_transportation", "circular_economy",
              "access_to_essential_services", "employment_generation", "green_buildings", "affordable_housing"]
SECTORS = ["energy_renewable", "software", "restaurants", "fossil_fuel_extraction", "fossil_fuel_power",
           "fossil_fuel_storage_transport", "education", "manufacturing"]
EMPTY_PLACEHOLDER = re.compile(r"\(\s*\)|\(targets\s*\)|\{[A-Za-z_.]+\}|\bNone\b|\[\s*\]")


@pytest.fixture(scope="module")
def strict_book(tmp_path_factory: pytest.TempPathFactory) -> RuleBook:
    """The shipped rules with three parameters made stricter (and nothing else changed)."""
    root = tmp_path_factory.mktemp("strict") / "rulesets"
    shutil.copytree(Path(SHIPPED.root), root)
    edits = {"mapping/use-of-proceeds.yaml": ("      2026-01-01: 10", "      2026-01-01: 30"),
             "compliance/eu-gbs.yaml": ("      2024-12-21: 85", "      2024-12-21: 95")}
    for rel, (old, new) in edits.items():
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{rel}: parameter line {old!r} not found once"
        path.write_text(text.replace(old, new), encoding="utf-8")
    pocket = root / "compliance/eu-gbs.yaml"
    text = pocket.read_text(encoding="utf-8")
    assert text.count("      2024-12-21: 15") == 1
    pocket.write_text(text.replace("      2024-12-21: 15", "      2024-12-21: 5"), encoding="utf-8")
    return load_rulebook(root)


@st.composite
def deals(draw: st.DrawFn) -> list[dict[str, Any]]:
    label = draw(st.sampled_from(["green", "social", "sustainability", "none"]))
    securitisation = draw(st.booleans())
    allocations = draw(st.lists(st.tuples(st.sampled_from(CATEGORIES), st.integers(1, 60), st.booleans(),
                                          st.booleans()), max_size=3))
    aligned = sum(s for _, s, a, _ in allocations if a)
    pocket = sum(s for _, s, a, p in allocations if not a and p)
    unqualified = sum(s for _, s, a, p in allocations if not a and not p)
    facts: list[dict[str, Any]] = [{
        "t": "deal", "id": "d", "source": "deal", "evidence": "deal#structure", "label": label,
        "structure_type": "securitisation" if securitisation else "corporate_bond", "synthetic": False,
        "claims_eu_gbs": draw(st.booleans()), "originator_is_issuer": False,
        "taxonomy_aligned_share_pct": float(aligned), "eu_gbs_pocket_share_pct": float(pocket),
        "eu_gbs_unqualified_share_pct": float(unqualified), "n_assets": 1, "n_allocations": len(allocations),
        "n_kpis": 0, "allocated_share_pct": float(sum(s for _, s, _, _ in allocations)),
        "refinancing_share_pct": 0.0}]
    for i, (category, share, is_aligned, _) in enumerate(allocations):
        facts.append({"t": "allocation", "id": f"allocation:{i}", "source": "deal", "evidence": f"deal#a{i}",
                      "category": category, "share_pct": float(share), "refinancing": False,
                      "taxonomy_aligned": is_aligned})
    for i, sector in enumerate(draw(st.lists(st.sampled_from(SECTORS), max_size=2))):
        facts.append({"t": "licensee", "id": f"licensee:{i}", "source": "deal", "evidence": f"deal#l{i}",
                      "asset_id": "p1", "name": f"Licensee {i}", "sector": sector, "royalty_share_pct": 10.0})
    for i, goal in enumerate(draw(st.lists(st.sampled_from([4, 7, 8, 9, 12, 13]), max_size=2, unique=True))):
        targets = draw(st.sampled_from([[], [f"{goal}.2"]]))
        facts.append({"t": "sdg_claim", "id": f"sdg_claim:{i}", "source": "deal", "evidence": f"deal#c{i}",
                      "sdg": goal, "targets": targets})
    firm = draw(st.booleans())
    facts.append({"t": "framework", "id": "framework", "source": "deal", "evidence": "deal#framework",
                  "published": draw(st.booleans()), "has_selection_process": True, "selection_firm": firm,
                  "selection_committee": firm, "exclusions": [], "tracking": "sub_account",
                  "has_unallocated_policy": True, "unallocated_firm": True,
                  "allocation_reporting": draw(st.sampled_from(["annual", "none"])), "impact_reporting": "annual",
                  "eu_gbs_factsheet": draw(st.booleans())})
    facts.append({"t": "review", "id": "review:0", "source": "deal", "evidence": "deal#r0", "provider": "R",
                  "type": "second_party_opinion", "timing": "pre_issuance", "esma_registered": True,
                  "scope": "factsheet", "opinion": "positive"})
    return facts


def _screen(book: RuleBook, facts: list[dict[str, Any]]) -> Scores:
    findings = book.evaluate(facts, AS_OF, engine="python")
    d = facts[0]
    return score(findings, [], str(d["label"]), bool(d["claims_eu_gbs"]), CONFIG, SHORT)


ICMA_RANK = {"aligned": 0, "aligned_with_recommendations": 1, "not_aligned": 2, "not_applicable": 0}
EU_RANK = {"compliant": 0, "not_compliant": 1, "not_claimed": 0}
CREDIT_RANK = {"eligible": 0, "watch": 1, "ineligible": 2}
SDG_RANK = {b.label: i for i, b in enumerate(CONFIG.sdg.bands)}
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(facts=deals(), copies=st.integers(1, 3))
def test_a_flag_repeated_by_more_sources_is_counted_once(facts: list[dict[str, Any]], copies: int) -> None:
    claims = [f for f in facts if f["t"] == "sdg_claim"]
    echoed = [{**c, "id": f"{c['id']}:doc{k}", "source": "document", "evidence": f"oc.pdf#p{k + 1}"}
              for c in claims for k in range(copies)]
    once, repeated = _screen(SHIPPED, facts), _screen(SHIPPED, facts + echoed)
    assert [(s.sdg, s.score) for s in repeated.sdg_scores] == [(s.sdg, s.score) for s in once.sdg_scores]
    assert repeated.red_flag_count == once.red_flag_count and repeated.esg_score == once.esg_score
    for s in repeated.sdg_scores:
        causes = [(p.rule_id, p.evidence) for p in s.penalties if p.rule_id and p.rule_id.startswith("RF-OVERCLAIM")]
        assert len(causes) == len(set(causes)) <= 1, f"SDG {s.sdg}: an over-claim costs it more than once: {causes}"


@SETTINGS
@given(facts=deals())
def test_a_stricter_parameter_never_raises_a_score_or_improves_an_opinion(facts: list[dict[str, Any]],
                                                                          strict_book: RuleBook) -> None:
    base, strict = _screen(SHIPPED, facts), _screen(strict_book, facts)
    before = {s.sdg: s.score for s in base.sdg_scores}
    for s in strict.sdg_scores:
        assert s.score <= before.get(s.sdg, 0.0), f"SDG {s.sdg}: {before.get(s.sdg)} -> {s.score}"
    assert strict.esg_score <= base.esg_score
    b, t = base.opinions, strict.opinions
    assert ICMA_RANK[t.icma.status] >= ICMA_RANK[b.icma.status]
    assert EU_RANK[t.eu_gbs.status] >= EU_RANK[b.eu_gbs.status]
    assert SDG_RANK[t.sdg.grade] >= SDG_RANK[b.sdg.grade], (b.sdg.grade, t.sdg.grade)
    assert CREDIT_RANK[t.credit.status] >= CREDIT_RANK[b.credit.status]


@SETTINGS
@given(facts=deals())
def test_no_message_has_an_empty_placeholder_and_no_met_row_shows_its_failure(facts: list[dict[str, Any]]) -> None:
    findings = SHIPPED.evaluate(facts, AS_OF, engine="python")
    for f in findings:
        if f.message:
            assert not EMPTY_PLACEHOLDER.search(f.message), f"{f.rule_id}: {f.message!r}"
    result = _screen(SHIPPED, facts)
    failure = {f.rule_id: f.message for f in findings if f.effect == "require" and f.message}
    o = result.opinions
    texts = [*result.blockers, *result.conditions, *o.icma.reasons, *o.eu_gbs.reasons, *o.sdg.reasons,
             *o.credit.reasons]
    for text in texts:
        assert not EMPTY_PLACEHOLDER.search(text.rsplit(" [", 1)[0]), text
    for row in [*o.icma.rows, *o.eu_gbs.rows]:
        if row.status == "met" and row.rule_id in failure:
            assert failure[row.rule_id] not in (row.note or ""), f"met row {row.key} shows {failure[row.rule_id]!r}"


def test_the_carbonvault_artefact_is_gone_a_stricter_materiality_does_not_lift_sdg_7(strict_book: RuleBook) -> None:
    """CarbonVault's facts as a regression: SDG 7 was -100 under the shipped rules and 0 under a stricter one."""
    from engine.facts import deal_facts
    from tests.screening_cases import by_stem, screened

    s = screened(by_stem("carbonvault-synthetic-eu-gbs"))
    facts = deal_facts(s.deal, AS_OF)
    base, strict = _screen(SHIPPED, facts), _screen(strict_book, facts)
    for b, t in zip(base.sdg_scores, strict.sdg_scores, strict=False):
        assert b.sdg == t.sdg and t.score <= b.score and b.score >= 0


def test_rendered_reports_have_no_empty_placeholder_and_no_met_row_with_its_failure_text() -> None:
    """Every example's HTML and Markdown report: no "(targets )" or unfilled "{...}"; in the ICMA and EU GBS
    tables, a met row never carries the message its rule shows when the component is missing."""
    from engine.report import render
    from tests.screening_cases import EXAMPLES, screened

    for path in EXAMPLES:
        s = screened(path)
        html, md = render(s, "html"), render(s, "md")
        for text in (html, md):
            assert "(targets )" not in text and not re.search(r"\{[a-z_]+\.[a-z_]+\}", text), path.name
        tables = html[html.index('<h2 id="icma">'):html.index('<h2 id="financial">')]
        met = {f.message for f in s.findings if f.effect == "require" and f.status == "met" and f.message}
        for row in re.findall(r"<tr>(.*?)</tr>", tables, flags=re.S):
            if ">met<" in row:
                assert not any(m in row for m in met), f"{path.name}: a met row shows its failure text: {row[:200]}"
