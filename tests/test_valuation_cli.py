"""``ipsdg value`` and the eligibility checks evaluated on valued deals through the rule engine."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli import main
from engine.deals import load_deal
from engine.rules import load_rulebook
from engine.valuation import value_deal
from engine.valuation.checks import eligibility_checks

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples" / "deals").glob("*.*"))


def statuses(findings: list) -> dict[str, str]:  # type: ignore[type-arg]
    return {f.rule_id: f.status for f in findings if f.effect == "check"}


def test_single_drug_royalty_deal_fails_concentration_through_the_rules() -> None:
    from tests.test_valuation import asset, make_deal, tranche

    drug = asset("zerit-royalty", base=19.5, start=2000, years=10, filing="1995-06-01", chain_of_title="verified",
                 licensees=[{"name": "Bristol-Myers Squibb", "sector": "pharmaceuticals", "royalty_share_pct": 100}])
    deal = make_deal([drug], [tranche(57.0, 7.7, 6, "level")], issue="2000-01-01", rate=10.0)
    as_of = date(2000, 1, 1)
    found = statuses(eligibility_checks(deal, value_deal(deal, as_of), load_rulebook(ROOT / "rulesets"), as_of))
    assert found["ELIG-CONC-ASSET"] == "fail" and found["ELIG-CONC-LICENSEE"] == "fail"
    assert found["ELIG-DSCR-ROYALTY"] == "pass"  # 1.6x senior DSCR: coverage alone gave no warning


def test_dineequity_shaped_deal_passes_the_whole_business_band() -> None:
    from tests.test_valuation import asset, make_deal, tranche

    brand = asset("ihop-applebees", kind="trademark", base=280.8, start=2014, years=7, economic_life_years=30)
    deal = make_deal([brand], [tranche(1300.0, 100 * 56.8 / 1300.0, 7, "bullet")], basis="whole_business",
                     issue="2014-01-01")
    as_of = date(2014, 1, 1)
    checks = eligibility_checks(deal, value_deal(deal, as_of), load_rulebook(ROOT / "rulesets"), as_of)
    wbs = next(c for c in checks if c.rule_id == "ELIG-DSCR-WBS")
    assert wbs.status == "pass" and wbs.pass_threshold == 1.75 and wbs.value == pytest.approx(4.94, abs=0.01)
    assert wbs.reference.kind == "proposal" and wbs.params and wbs.params[0].effective_from == date(1990, 1, 1)
    assert "ELIG-DSCR-ROYALTY" not in statuses(checks)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_value_json_has_valuation_and_checks_for_every_example(path: Path) -> None:
    result = CliRunner().invoke(main, ["value", str(path), "--format", "json", "--as-of", "2026-06-30"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert set(out) == {"valuation", "checks"}
    assert out["valuation"]["pool_value"] > 0 and out["valuation"]["metrics"]["pool_value"] > 0
    checks = [c for c in out["checks"] if c["effect"] == "check"]
    ids = {c["rule_id"] for c in checks}
    deal = load_deal(path)
    # ELIG-CONC-ASSET does not apply to whole-business deals (the brand is the business); licensees are checked
    # where the deal names them
    assert {"ELIG-LTV", "ELIG-LIFE-CUSHION"} <= ids
    assert ("ELIG-CONC-LICENSEE" in ids) == any(a.licensees for a in deal.assets)
    assert ("ELIG-CONC-ASSET" in ids) == (deal.structure.collateral_basis != "whole_business")
    rows = out["valuation"]["waterfall"]
    assert len(rows) == max(t.tenor_years for t in deal.tranches) * {"annual": 1, "semi_annual": 2, "quarterly": 4,
                                                                    "monthly": 12}[deal.payment_frequency]
    assert {"collections", "senior_fees", "interest_paid", "principal_paid", "reserve_balance", "residual",
            "dscr", "dscr_with_support"} <= set(rows[0])
    assert all(c["status"] in ("pass", "watch", "fail") and c["reference"]["title"] for c in checks)


def test_value_markdown_explains_the_figures() -> None:
    path = ROOT / "examples" / "deals" / "marlowe-catalogue-royalty-bonds.yaml"
    result = CliRunner().invoke(main, ["value", str(path), "--as-of", "1997-02-01"])
    assert result.exit_code == 0, result.output
    for heading in ("# Valuation of", "## Debt years", "## Metrics", "## Eligibility checks", "## Stress grid"):
        assert heading in result.output
    assert "| ELIG-LTV |" in result.output and "(proposal)" in result.output
    assert "## Waterfall (annual payments)" in result.output


def test_value_bad_input_exits_2_with_one_line_per_problem(tmp_path: Path) -> None:
    bad = tmp_path / "deal.yaml"
    text = (ROOT / "examples" / "deals" / "solaris-green-patent-abs.yaml").read_text()
    bad.write_text(text.replace("principal: 120000000", "principal: -120000000"))
    result = CliRunner().invoke(main, ["value", str(bad)])
    assert result.exit_code == 2
    assert "principal" in result.stderr and "Traceback" not in result.output + result.stderr
