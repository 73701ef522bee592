"""durable_rules and the pure-Python evaluator agree; every measured durable_rules limit is kept clear of."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.deals import load_deal
from engine.errors import InputError
from engine.facts import deal_facts, metric_facts
from engine.rules import durable, load_rulebook
from engine.rules.compiler import MAX_RULES_PER_RULESET

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "tests" / "fixtures" / "rules" / "good"
SHIPPED = ROOT / "rulesets"
AS_OF = date(2026, 6, 30)
EXAMPLES = sorted((ROOT / "examples" / "deals").glob("*.y*ml")) + sorted((ROOT / "examples" / "deals").glob("*.json"))


def _same(facts: list[dict[str, Any]], root: Path, as_of: date = AS_OF) -> list[Any]:
    book = load_rulebook(root)
    fast = book.evaluate(facts, as_of)
    slow = book.evaluate(facts, as_of, engine="python")
    assert fast == slow
    return fast


# --- differential -----------------------------------------------------------------

words = st.sampled_from(["renewable_energy", "energy_efficiency", "affordable_housing", "green", "social",
                         "patent", "trademark", "copyright", "granted", "pending", "rating", "spo", "p1", "p2",
                         "ghg_avoided", "renewable_capacity_installed", "dscr_min", "ltv_pct", "0.9", "7.2",
                         "educational", "tCO2e", "MW", "energy_renewable", "fossil_fuel_extraction"])
numbers = st.one_of(st.integers(-5, 120), st.floats(-5, 120, allow_nan=False), st.just(1e-05), st.just(0.0))
codes = st.lists(st.sampled_from(["Y02E10/50", "Y04S10/14", "Y02P70/10", "H01L31/04", "Y02W30/20"]), max_size=3)


def fact_of(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    fields: dict[str, st.SearchStrategy[Any]] = {
        "allocation": {"category": words, "share_pct": numbers, "refinancing": st.booleans(),
                       "taxonomy_aligned": st.booleans()},
        "asset": {"id": words, "kind": words, "status": words, "counts": st.booleans(), "cpc": codes,
                  "nice_classes": st.lists(st.integers(1, 45), max_size=3), "work_type": words,
                  "remaining_life_years": numbers},
        "licensee": {"asset_id": words, "name": words, "sector": words, "royalty_share_pct": numbers},
        "kpi": {"metric": words, "value": numbers, "unit": words, "period": words, "has_baseline": st.booleans(),
                "has_methodology": st.booleans(), "verified": st.booleans()},
        "deal": {"label": words, "synthetic": st.booleans(), "claims_eu_gbs": st.booleans(),
                 "collateral_basis": words},
        "review": {"type": words, "provider": words, "esma_registered": st.booleans()},
        "metric": {"name": words, "value": numbers},
    }[kind]
    return st.fixed_dictionaries({"t": st.just(kind)}, optional=fields)


fact_sets = st.lists(st.sampled_from(["allocation", "asset", "licensee", "kpi", "deal", "review", "metric"])
                     .flatmap(fact_of), max_size=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=fact_sets, year=st.sampled_from([2025, 2026]))
def test_durable_and_python_agree_on_generated_facts_fixture_rules(facts: list[dict[str, Any]], year: int) -> None:
    _same(facts, GOOD, date(year, 6, 30))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=fact_sets)
def test_durable_and_python_agree_on_generated_facts_shipped_rules(facts: list[dict[str, Any]]) -> None:
    _same(facts, SHIPPED)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_durable_and_python_agree_on_every_example_deal(path: Path) -> None:
    deal = load_deal(path)
    facts = deal_facts(deal, AS_OF, evidence_base=path.name) + metric_facts(
        {"dscr_min": 1.5, "dscr_avg": 2.1, "ltv_pct": 55.0, "largest_asset_share_pct": 30.0,
         "breakeven_haircut_pct": 40.0, "litigation_share_pct": 0.00001})
    assert _same(facts, SHIPPED)


# --- the rule semantics users rely on ---------------------------------------------

def test_joins_none_prefix_any_and_bands() -> None:
    facts = [
        {"t": "allocation", "category": "renewable_energy", "share_pct": 60.0},
        {"t": "kpi", "metric": "ghg_avoided", "value": 1.0, "unit": "tCO2e"},
        {"t": "asset", "id": "p1", "kind": "patent", "status": "pending", "counts": False, "cpc": ["Y02E10/50"]},
        {"t": "asset", "id": "p2", "kind": "patent", "status": "granted", "counts": True, "cpc": ["Y04S10/14"]},
        {"t": "asset", "id": "t1", "kind": "trademark", "status": "registered", "counts": True, "nice_classes": [41]},
        {"t": "licensee", "asset_id": "p1", "name": "Acme", "royalty_share_pct": 50.0},
        {"t": "licensee", "asset_id": "p2", "name": "Beta", "royalty_share_pct": 50.0},
        {"t": "metric", "name": "dscr_min", "value": 1.5},
        {"t": "metric", "name": "ltv_pct", "value": 70.0},
    ]
    by_rule: dict[str, list[Any]] = {}
    for f in _same(facts, GOOD):
        by_rule.setdefault(f.rule_id, []).append(f)
    assert [f.facts[0]["id"] for f in by_rule["FX-CPC-Y02E"]] == ["p2"]  # pending p1 never counts
    assert [f.message for f in by_rule["FX-LIC-JOIN"]] == ["Acme pays royalties on p1, which is pending"]
    assert "FX-KPI-ORPHAN" not in by_rule  # a climate allocation exists
    assert by_rule["FX-DSCR"][0].status == "watch" and by_rule["FX-LTV"][0].status == "fail"
    assert "FX-REVIEW" not in by_rule  # no deal fact: the requirement does not apply
    assert by_rule["FX-EDU"][0].facts[0]["id"] == "t1"
    param = by_rule["FX-RE-7.2"][0].params[0]
    assert (param.name, param.value, param.effective_from) == ("min_share_pct", 10, date(2026, 1, 1))


def test_require_is_missing_only_where_it_applies() -> None:
    book = load_rulebook(GOOD)
    green = [f for f in book.evaluate([{"t": "deal", "label": "green"}], AS_OF) if f.rule_id == "FX-REVIEW"]
    plain = [f for f in book.evaluate([{"t": "deal", "label": "none"}], AS_OF) if f.rule_id == "FX-REVIEW"]
    met = [f for f in book.evaluate([{"t": "deal", "label": "none"}, {"t": "review", "type": "spo",
                                                                     "esma_registered": False}], AS_OF)
           if f.rule_id == "FX-REVIEW"]
    assert [f.status for f in green] == ["missing"] and plain == [] and [f.status for f in met] == ["met"]


def test_rules_out_of_force_do_not_fire_and_parameters_follow_as_of() -> None:
    book = load_rulebook(GOOD)
    ltv = [{"t": "metric", "name": "ltv_pct", "value": 10.0}]
    assert not [f for f in book.evaluate(ltv, date(2021, 6, 30)) if f.rule_id == "FX-LTV"]
    eight = [{"t": "allocation", "category": "renewable_energy", "share_pct": 8.0}]
    assert [f.rule_id for f in book.evaluate(eight, date(2025, 6, 30))] == ["FX-RE-7.2"]
    assert book.evaluate(eight, date(2026, 6, 30)) == []


def test_a_parameter_with_no_value_in_force_is_a_clear_error() -> None:
    with pytest.raises(InputError) as caught:
        load_rulebook(GOOD).evaluate([], date(2020, 1, 1))
    assert caught.value.problems[0].code == "parameter_not_in_force"
    assert "min_share_pct" in str(caught.value) and "mapping.yaml" in str(caught.value)


# --- durable_rules limits (engine/rules/durable.py) ---------------------------------------------

def test_types_are_strict_one_is_not_true_and_numeric_strings_stay_strings() -> None:
    book = load_rulebook(GOOD)
    with pytest.raises(InputError) as caught:
        book.evaluate([{"t": "asset", "counts": 1}, {"t": "metric", "name": "dscr_min", "value": "1.5"}], AS_OF)
    assert [p.code for p in caught.value.problems] == ["bad_fact", "bad_fact"]
    # "0.9" as a string never equals the number 0.9 in either engine
    facts = [{"t": "allocation", "category": "0.9", "share_pct": 60.0}]
    assert _same(facts, GOOD) == []


def test_floats_in_exponent_form_reach_the_engine() -> None:
    tiny = [{"t": "metric", "name": "litigation_share_pct", "value": 1e-05},
            {"t": "metric", "name": "litigation_share_pct", "value": 2e-05}]
    assert [f.rule_id for f in _same(tiny, GOOD)] == ["FX-TINY"]  # gt 0.00001 holds only for 2e-05
    assert durable._number(1e-05) == "1.0e-05" and durable._number(1.5e-07) == "1.5e-07"


def test_sessions_are_deleted_so_the_1024_session_limit_is_never_reached() -> None:
    book = load_rulebook(GOOD)
    facts = [{"t": "allocation", "category": "renewable_energy", "share_pct": 60.0}]
    for _ in range(1500):
        assert len(book.evaluate(facts, AS_OF)) == 1
    assert durable.live_sessions() == 0


def test_big_rule_sets_are_split_below_the_creation_hang(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    (root / "sdg").mkdir(parents=True)
    (root / "sdg" / "c.yaml").write_text((GOOD / "sdg" / "catalogue.yaml").read_text())
    rules = "".join(f"  - id: MANY-{i}\n    title: rule {i}\n    reference: r\n"
                    f"    when: {{fact: allocation, share_pct: {{gte: {i % 50}}}}}\n"
                    f"    then: {{flag: {{severity: info, message: m}}}}\n" for i in range(450))
    (root / "many.yaml").write_text(f"ruleset: many\ntitle: Many\nversion: '1'\nreferences:\n  r: {{title: R}}\n"
                                    f"rules:\n{rules}")
    book = load_rulebook(root)
    findings = book.evaluate([{"t": "allocation", "category": "x", "share_pct": 99.0}], AS_OF)
    assert len(findings) == 450
    plan = next(iter(book._plans.values()))
    assert len(plan.definitions) == 3 and all(len(d) <= MAX_RULES_PER_RULESET for d in plan.definitions.values())


def test_every_compiled_pattern_has_a_positive_type_discriminator() -> None:
    book = load_rulebook(SHIPPED)
    book.evaluate([], AS_OF)
    for plan in book._plans.values():
        for definition in plan.definitions.values():
            for rule in definition.values():
                for item in rule["all"]:
                    (expr,) = item.values()
                    first = expr["$and"][0] if "$and" in expr else expr
                    assert list(first) == ["t"] and isinstance(first["t"], str)


def test_unmatched_facts_do_not_drop_the_batch_or_crash() -> None:
    noise = [{"t": "tranche", "name": "A", "principal": 1.0}, {"t": "kpi", "metric": "other", "value": 1.0}]
    facts = [*noise, {"t": "allocation", "category": "renewable_energy", "share_pct": 60.0}, *noise]
    assert [f.rule_id for f in _same(facts, GOOD)] == ["FX-RE-7.2"]


def test_guards_refuse_what_would_crash_the_engine() -> None:
    with pytest.raises(durable.RuleEngineError, match="properties"):
        durable.run(["x@guard"], [{"t": "'a", **{f"p{i}": i for i in range(300)}}], {"x@guard": {}})
    with pytest.raises(durable.RuleEngineError, match="sessions under"):
        durable.run([], [{"t": "'a"}] * (durable.MAX_FACTS + 1), {})
    with pytest.raises(durable.RuleEngineError, match="name@contenthash"):
        durable.register({"plain": {"r0": {"all": [{"p0": {"t": "'a"}}], "run": "r0"}}})


def test_action_errors_surface_instead_of_being_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    name = "failing@test"
    monkeypatch.setattr(durable._host, "fail_actions", frozenset({"r0"}))
    definitions = {name: {"r0": {"all": [{"p0": {"t": "'a"}}], "run": "r0"}}}
    try:
        with pytest.raises(durable.RuleEngineError, match="injected failure"):
            durable.run([name], [{"t": "'a"}], definitions)
    finally:
        durable.unregister([name])
    assert durable.live_sessions() == 0


def test_no_background_dispatch_threads() -> None:
    assert not hasattr(durable._host, "_d_timer") and not hasattr(durable._host, "_t_timer")


def test_a_session_where_no_fact_matches_is_deleted_safely() -> None:
    # measured: delete_state segfaults when no fact of the session was handled
    for facts in ([{"t": "allocation"}], [{"t": "allocation", "category": "x"}], []):
        assert _same(facts, SHIPPED) is not None
