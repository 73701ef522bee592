"""Rule-set impact diff: one changed dated parameter names exactly the deals it moves and the rules behind it."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli import main
from engine.models import RulesetDiff
from engine.portfolio.diff import diff_rulesets
from engine.portfolio.diff_report import render_diff
from engine.rules import DEFAULT_ROOT

AS_OF = date(2026, 6, 30)
RULE_FILE = Path("mapping") / "use-of-proceeds.yaml"
OLD_LINE = "      2026-01-01: 10\n"
NEW_LINE = "      2026-01-01: 25\n"
RE_RULES = {"UOP-RE-7.2", "UOP-RE-7.1", "UOP-RE-13.2"}


def _deal(deal_id: str, category: str, share: float) -> dict:
    """A deal whose only SDG evidence is one allocation (no green patent classes, no KPIs)."""
    return {
        "id": deal_id, "name": f"Deal {deal_id}",
        "originator": {"name": "Acme", "country": "DE", "sector": "software"},
        "issuer": {"name": "Acme Funding", "country": "IE", "sector": "financial_services"},
        "structure": {"type": "securitisation", "label": "green", "collateral_basis": "patent_licence"},
        "currency": "EUR", "issue_date": "2025-03-01",
        "tranches": [{"name": "A", "principal": 20_000_000.0, "coupon_pct": 5.0, "tenor_years": 5}],
        "assets": [{"id": "p1", "kind": "patent", "title": "Database index", "jurisdiction": "DE",
                    "status": "granted", "filing_date": "2018-01-10", "grant_date": "2020-05-05",
                    "cpc": ["G06F16/245"], "owner": "Acme", "chain_of_title": "verified",
                    "cash_flows": {"projection": {"base": 6_000_000.0, "start_year": 2025, "years": 10}}}],
        "allocations": [{"category": category, "share_pct": share}],
    }


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    base = tmp_path_factory.mktemp("diff")
    old, new = base / "old", base / "new"
    shutil.copytree(DEFAULT_ROOT, old, ignore=shutil.ignore_patterns("tests"))
    shutil.copytree(DEFAULT_ROOT, new, ignore=shutil.ignore_patterns("tests"))
    text = (new / RULE_FILE).read_text(encoding="utf-8")
    assert text.count(OLD_LINE) == 1
    (new / RULE_FILE).write_text(text.replace(OLD_LINE, NEW_LINE), encoding="utf-8")
    book = base / "book"
    book.mkdir()
    deals = [_deal("a-re-20", "renewable_energy", 20.0),  # 10 <= 20 < 25: moves
             _deal("b-re-60", "renewable_energy", 60.0),  # above both thresholds
             _deal("c-ee-30", "energy_efficiency", 30.0),  # above both thresholds
             _deal("d-re-07", "renewable_energy", 7.0)]  # below both thresholds
    for deal in deals:
        (book / f"{deal['id']}.json").write_text(json.dumps(deal), encoding="utf-8")
    return old, new, book


@pytest.fixture(scope="module")
def diff(setup):
    old, new, book = setup
    return diff_rulesets(old, new, book, old_as_of=AS_OF, new_as_of=AS_OF, workers=1)


def test_only_the_dated_parameter_changed(diff):
    assert diff.rules == []
    [param] = diff.parameters
    assert (param.ruleset, param.name, param.change) == ("mapping-use-of-proceeds", "min_material_share_pct",
                                                         "changed")
    assert param.history == ["2026-01-01: 10 -> 25"]
    assert (param.old_in_force.value, param.new_in_force.value) == (10, 25)
    assert set(param.rules) >= RE_RULES


def test_exactly_the_deal_between_the_thresholds_moves_because_of_that_parameter(diff):
    assert [d.deal for d in diff.deals] == ["a-re-20"]
    [moved] = diff.deals
    assert any(s.sdg == 7 and s.delta < 0 for s in moved.sdg)
    assert {c.rule_id for c in moved.causes} == RE_RULES
    assert {c.kind for c in moved.causes} == {"parameter"}
    assert all("$min_material_share_pct 10" in c.detail and "25" in c.detail for c in moved.causes)
    assert {f.split(" ")[0] for f in moved.findings_removed} == RE_RULES and moved.findings_added == []
    assert diff.summary.deals_changed == 1 and diff.summary.deals_screened == 4
    assert diff.summary.sdg_scores_down >= 1 and diff.summary.parameters_changed == 1


def test_one_rule_set_at_two_dates_uses_the_value_in_force_at_each(setup):
    old, _, book = setup
    result = diff_rulesets(old, old, book, old_as_of=date(2025, 6, 30), new_as_of=AS_OF, workers=1)
    [param] = result.parameters
    assert (param.old_in_force.value, param.new_in_force.value) == (5, 10) and param.history == []
    assert [d.deal for d in result.deals] == ["d-re-07"]  # 7 % counts from 5 %, not from 10 %
    assert {c.kind for c in result.deals[0].causes} == {"parameter"}


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_reports_name_the_deal_the_rule_and_the_parameter(diff, fmt):
    text = render_diff(diff, fmt)
    for needle in ("a-re-20", "UOP-RE-7.2", "min_material_share_pct"):
        assert needle in text
    assert "b-re-60" not in text
    if fmt == "json":
        assert RulesetDiff.model_validate_json(text) == diff


def test_cli_diff_prints_markdown(setup):
    old, new, book = setup
    result = CliRunner().invoke(main, ["rules", "diff", str(old), str(new), "--portfolio", str(book),
                                       "--as-of", "2026-06-30", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "# Rule-set impact" in result.output and "a-re-20" in result.output
    same = CliRunner().invoke(main, ["rules", "diff", str(old), str(old), "--portfolio", str(book)])
    assert same.exit_code == 2 and "nothing to compare" in same.output


def test_markdown_rows_are_whole_lines(setup, diff):
    """No row or bullet is split by a trailing backslash (Jinja has no line continuation)."""
    old, _, book = setup
    at_two_dates = diff_rulesets(old, old, book, old_as_of=date(2025, 6, 30), new_as_of=AS_OF, workers=1)
    for result in (diff, at_two_dates):
        text = render_diff(result, "md")
        assert not [line for line in text.splitlines() if line.rstrip().endswith("\\")]
        rows = [line for line in text.splitlines() if line.startswith("|")]
        assert rows and all(line.rstrip().endswith("|") for line in rows)
    assert "- verdict" in render_diff(diff, "md") and "; ESG " in render_diff(diff, "md")


def test_because_names_only_rules_whose_findings_changed(tmp_path):
    """Huangpu at 2026-06-30 vs 2025-12-31: only ELIG-LTV moves; the UOP-EMP rules used a threshold that
    changed (10 % -> 5 %) but their findings are the same, so they are not a cause."""
    examples = Path(__file__).resolve().parents[1] / "examples"
    book = tmp_path / "deals"
    book.mkdir()
    shutil.copy(examples / "deals" / "huangpu-sme-patent-licence-abs.yaml", book)
    shutil.copytree(examples / "documents", tmp_path / "documents")
    result = diff_rulesets(DEFAULT_ROOT, DEFAULT_ROOT, book, old_as_of=AS_OF, new_as_of=date(2025, 12, 31),
                           workers=1)
    [moved] = result.deals
    changed = {f.split(" ")[0] for f in moved.findings_added + moved.findings_removed}
    assert changed == {"ELIG-LTV"}
    assert [c.rule_id for c in moved.causes] == ["ELIG-LTV"]
    assert any(p.name == "min_material_share_pct" for p in result.parameters)  # the change is still listed
