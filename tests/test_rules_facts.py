"""deal_facts: what rules see of a deal, and the SDG findings a reviewer expects from the examples."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from click.testing import CliRunner

from engine.cli import main
from engine.deals import load_deal
from engine.facts import deal_facts, metric_facts
from engine.rules import load_rulebook
from engine.rules.vocabulary import check_facts

ROOT = Path(__file__).resolve().parents[1]
SOLARIS = ROOT / "examples" / "deals" / "solaris-green-patent-abs.yaml"
AS_OF = date(2026, 6, 30)


def test_facts_fit_the_vocabulary_and_have_unique_ids() -> None:
    for path in sorted((ROOT / "examples" / "deals").glob("*.y*ml")):
        facts = deal_facts(load_deal(path), AS_OF, evidence_base=path.name)
        assert check_facts(facts)[1] == []
        assert len({f["id"] for f in facts}) == len(facts)
        assert all(f["source"] == "deal" and f["evidence"].startswith(path.name + "#") for f in facts)


def test_pending_patents_never_count_and_life_runs_from_filing() -> None:
    assets = {f["id"]: f for f in deal_facts(load_deal(SOLARIS), AS_OF) if f["t"] == "asset"}
    assert assets["pat-pv-04"]["counts"] is False  # pending
    assert assets["pat-pv-01"]["counts"] is True
    assert assets["pat-pv-01"]["remaining_life_years"] == 9.86  # filed 2016-05-10 + 20 y
    assert not [f for f in deal_facts(load_deal(SOLARIS), date(2036, 6, 1)) if f["t"] == "asset" and
                f["id"] == "pat-pv-01" and f["counts"]]


def test_allocation_shares_and_metrics() -> None:
    facts = deal_facts(load_deal(SOLARIS), AS_OF)
    deal = next(f for f in facts if f["t"] == "deal")
    assert (deal["refinancing_share_pct"], deal["taxonomy_aligned_share_pct"]) == (10.0, 90.0)
    assert metric_facts({"dscr_min": 1.4}, {"dscr_min": "x"}) == [
        {"t": "metric", "id": "metric:dscr_min", "name": "dscr_min", "value": 1.4, "source": "valuation",
         "evidence": "valuation#dscr_min", "unit": "x"}]


def test_solaris_gets_the_sdg_findings_a_reviewer_expects() -> None:
    findings = load_rulebook().evaluate(deal_facts(load_deal(SOLARIS), AS_OF), AS_OF)
    targets = {f.target for f in findings if f.effect == "contribute"}
    # 70 % + 10 % renewable energy and Y02E10 solar/wind patents: SDG 7.2; energy-efficiency R&D: 7.3;
    # avoided emissions KPI: 13.2. The pending CN patent adds nothing.
    assert {"7.2", "7.3", "13.2"} <= targets
    assert not any(f.facts and f.facts[0].get("id") == "pat-pv-04" for f in findings if f.effect == "contribute")


def test_cli_check_test_explain_schema(tmp_path: Path) -> None:
    runner = CliRunner()
    good = str(ROOT / "tests" / "fixtures" / "rules" / "good")
    assert runner.invoke(main, ["rules", "check", good]).exit_code == 0
    result = runner.invoke(main, ["rules", "test", good])
    assert result.exit_code == 0 and "3 passed, 0 failed" in result.output
    explained = runner.invoke(main, ["rules", "explain", "FX-RE-7.2", "--rulesets", good, "--deal", str(SOLARIS),
                                     "--as-of", "2026-06-30"])
    assert explained.exit_code == 0 and "$min_share_pct = 10 since 2026-01-01" in explained.output
    assert "[held]" in explained.output
    assert '"Condition"' in runner.invoke(main, ["rules", "schema"]).output
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "x.yaml").write_text("ruleset: x\ntitle: X\nversion: '1'\nreferences: {r: {title: R}}\nrules:\n"
                                   "  - {id: X-1, title: T, reference: r, when: {fact: dael}, "
                                   "then: {flag: {severity: info, message: m}}}\n")
    bad = runner.invoke(main, ["rules", "check", str(broken)])
    assert bad.exit_code == 2 and "x.yaml:6" in bad.output and "[unknown_fact]" in bad.output
