"""Deal loading: the examples load, every failure mode is reported at its line, models survive YAML."""

from __future__ import annotations

import importlib.util
import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from engine import errors, yamlio
from engine.deals import document_paths, load_deal, parse_deal
from engine.errors import InputError
from engine.models import Deal

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_DEALS = sorted(p for p in (ROOT / "examples" / "deals").iterdir() if p.suffix in (".yaml", ".yml", ".json"))
DEAL_FIXTURES = ROOT / "tests" / "fixtures" / "deals"


@pytest.mark.parametrize("path", EXAMPLE_DEALS, ids=lambda p: p.name)
def test_every_example_loads_and_its_document_exists(path: Path) -> None:
    deal = load_deal(path)
    assert deal.documents, f"{path.name} should point at its offering document"
    for doc in document_paths(deal, path):
        assert doc.is_file(), f"{path.name} refers to a missing document {doc}"
        assert doc.with_suffix(".pdf").is_file(), f"no PDF rendering of {doc.name}; run build_pdfs.py"


def test_examples_cover_the_paths_the_issue_asks_for() -> None:
    deals = {p.name: load_deal(p) for p in EXAMPLE_DEALS}
    assert len(deals) >= 6
    assert any(p.suffix == ".json" for p in EXAMPLE_DEALS), "one example exercises JSON loading"
    labels = {d.structure.label for d in deals.values()}
    assert {"green", "social", "none"} <= labels
    bases = {d.structure.collateral_basis for d in deals.values()}
    assert {"patent_licence", "catalogue", "whole_business"} <= bases
    failing = [d for d in deals.values() if d.structure.claims_eu_gbs and d.structure.synthetic]
    assert failing and not failing[0].structure.originator_is_issuer


# --- the example documents say what their deal files say ------------------------------------------

DOCUMENTS = ROOT / "examples" / "documents"
EXPECTED = sorted((DOCUMENTS / "expected").glob("*.yaml"))


def _pages(name: str) -> list[str]:
    return (DOCUMENTS / name).read_text(encoding="utf-8").split("\f")


@pytest.mark.parametrize("path", EXPECTED, ids=lambda p: p.stem)
def test_expected_disclosures_are_on_their_pages(path: Path) -> None:
    expected = yamlio.load_file(path).data
    pages = _pages(expected["document"])
    assert len(pages) == expected["pages"] and 4 <= len(pages) <= 8
    sections = ("use_of_proceeds", "kpis", "external_reviews", "reporting", "sdg_references", "hedged", "other",
                "negatives")
    items = [item for section in sections for item in expected.get(section, [])]
    for item in items:
        assert item["quote"] in pages[item["page"] - 1], f"{item['quote']!r} is not on page {item['page']}"


@pytest.mark.parametrize("path", EXPECTED, ids=lambda p: p.stem)
def test_document_figures_match_the_deal_except_declared_contradictions(path: Path) -> None:
    expected = yamlio.load_file(path).data
    deal = load_deal(ROOT / "examples" / "deals" / expected["deal"])
    assert any(Path(d.path).name == expected["document"] for d in deal.documents)

    def uop(item: dict[str, Any]) -> tuple[Any, ...]:
        share = item.get("contradicts_deal", {}).get("deal_value", item.get("share_pct"))
        return item["category"], share, item.get("refinancing", False)

    assert sorted(map(uop, expected["use_of_proceeds"]), key=str) == sorted(
        ((a.category, a.share_pct, a.refinancing) for a in deal.allocations), key=str)
    deal_amounts = {(a.category, a.amount if a.amount is not None else (a.share_pct or 0) * deal.principal / 100)
                    for a in deal.allocations}
    for item in expected["use_of_proceeds"]:
        if "amount" in item:
            assert item["currency"] == deal.currency
            assert (item["category"], item["amount"]) in deal_amounts
    assert sorted((k["metric"], k["value"], k["unit"], k["period"]) for k in expected["kpis"]) == sorted(
        (k.metric, k.value, k.unit, k.period) for k in deal.kpis)
    assert sorted((r["provider"], r["type"], r["timing"]) for r in expected["external_reviews"]) == sorted(
        (r.provider, r.type, r.timing) for r in deal.framework.external_reviews)
    assert sorted((s["sdg"], tuple(s["targets"])) for s in expected["sdg_references"]) == sorted(
        (c.sdg, tuple(c.targets)) for c in deal.framework.sdg_claims)
    reporting = deal.framework.reporting
    assert sorted((r["kind"], r["frequency"], r["until"]) for r in expected["reporting"]) == sorted(
        (kind, c.frequency, c.until) for kind, c in (("allocation", reporting.allocation),
                                                     ("impact", reporting.impact)) if c is not None)


def test_exactly_one_deliberate_contradiction_and_it_is_on_the_page() -> None:
    found = [(path.stem, item) for path in EXPECTED for item in yamlio.load_file(path).data["use_of_proceeds"]
             if "contradicts_deal" in item]
    assert [stem for stem, _ in found] == ["verdant-offering-circular"]
    item = found[0][1]
    assert item["share_pct"] == item["contradicts_deal"]["document_value"] == 60
    assert "60%" in item["quote"]


def _build_pdfs() -> Any:
    """examples/documents/build_pdfs.py is a script, not a package module: load it by path."""
    spec = importlib.util.spec_from_file_location("build_pdfs", DOCUMENTS / "build_pdfs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_pdfs_match_their_text_page_by_page() -> None:
    """Editing a .txt without re-running build_pdfs.py would leave extraction tests on a stale PDF."""
    latin1 = _build_pdfs().latin1
    for txt in sorted(DOCUMENTS.glob("*.txt")):
        pages = latin1(txt.read_text(encoding="utf-8")).split("\f")
        pdf = pdfium.PdfDocument(txt.with_suffix(".pdf"))
        try:
            assert len(pdf) == len(pages), f"{txt.name}: re-run build_pdfs.py"
            for number, (page, text) in enumerate(zip(pdf, pages, strict=True), 1):
                extracted = page.get_textpage().get_text_range()
                assert extracted.split() == text.split(), f"{txt.name} page {number}: re-run build_pdfs.py"
        finally:
            pdf.close()


def test_pdf_rewrites_chinese_amounts_as_cny_and_refuses_other_cjk() -> None:
    latin1 = _build_pdfs().latin1
    assert latin1("3.01亿元") == "CNY 301 million"
    assert latin1("9,000万元 and 1.2875亿元") == "CNY 90 million and CNY 128.75 million"
    assert latin1("(万元)") == "(CNY 10,000)"
    with pytest.raises(ValueError, match="cannot draw"):
        latin1("专利")


# One file per failure mode: (file, code, line, last element of the location or None for file-level).
BAD = [
    ("unknown_key.yaml", errors.UNKNOWN_KEY, 17, "seniority"),
    ("duplicate_key.yaml", errors.DUPLICATE_KEY, 15, "label"),
    ("wrong_type.yaml", errors.WRONG_TYPE, 21, "coupon_pct"),
    ("invalid_choice.yaml", errors.INVALID_VALUE, 14, "label"),
    ("shares_over_100.yaml", errors.CROSS_FIELD, 39, "allocations"),
    ("bad_date.yaml", errors.BAD_DATE, 17, "issue_date"),
    ("expiry_before_issue.yaml", errors.CROSS_FIELD, 31, "expiry_date"),
    ("missing_field.yaml", errors.MISSING_FIELD, 24, "owner"),
    ("schedule_short.yaml", errors.CROSS_FIELD, 24, "schedule"),
    ("json_syntax.json", errors.JSON_SYNTAX, 15, None),
]


def test_minimal_fixture_is_valid() -> None:
    assert load_deal(DEAL_FIXTURES / "minimal.yaml").id == "minimal-deal"


@pytest.mark.parametrize(("name", "code", "line", "field"), BAD, ids=[b[0] for b in BAD])
def test_bad_deal_file_reports_code_file_and_line(name: str, code: str, line: int, field: str | None) -> None:
    path = DEAL_FIXTURES / "bad" / name
    with pytest.raises(InputError) as caught:
        load_deal(path)
    problems = caught.value.problems
    assert [(p.code, p.line) for p in problems] == [(code, line)]
    problem = problems[0]
    assert problem.path == str(path)
    assert str(problem).startswith(f"{path}:{line}: ")
    if field is not None:
        assert problem.loc[-1] == field


def test_every_problem_in_a_file_is_reported_at_once() -> None:
    path = DEAL_FIXTURES / "several_problems.yaml"
    with pytest.raises(InputError) as caught:
        load_deal(path)
    found = [(p.code, p.line, p.loc[-1]) for p in caught.value.problems]
    assert found == [
        (errors.INVALID_VALUE, 14, "label"),
        (errors.UNKNOWN_KEY, 17, "curency"),
        (errors.WRONG_TYPE, 22, "coupon_pct"),
        (errors.CROSS_FIELD, 31, "grant_date"),
        (errors.INVALID_VALUE, 42, "share_pct"),
    ]
    label = caught.value.problems[0]
    assert "green" in label.choices and "sustainability_linked" in label.choices
    assert "currency" in caught.value.problems[1].choices


# --- round trip: model -> YAML (ruamel) -> model ---------------------------------------------------

_text = st.text(st.characters(categories=["L", "N", "Zs"], include_characters="-.,&()'/", max_codepoint=0x2FFF),
                min_size=1, max_size=24).filter(lambda s: s.strip() == s and s != "")
_slug = st.from_regex(r"[a-z0-9][a-z0-9_.-]{0,15}", fullmatch=True)
_country = st.sampled_from(["DE", "GB", "CN", "US", "IE", "EP", "FR", "LU"])
_sector = st.sampled_from(["energy_renewable", "financial_services", "education", "restaurants", "water",
                           "fossil_fuel_extraction", "media_entertainment"])
_money = st.integers(min_value=1, max_value=10**10).map(float) | st.floats(min_value=0.01, max_value=1e10)
_pct = st.floats(min_value=0, max_value=100, allow_subnormal=False)
_dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31))


def _party() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({"name": _text, "country": _country, "sector": _sector})


@st.composite
def _shares(draw: st.DrawFn, total: float, n_max: int) -> list[float]:
    """Up to ``n_max`` non-negative shares that add to at most ``total``."""
    left, out = total, []
    for _ in range(draw(st.integers(0, n_max))):
        share = draw(st.floats(min_value=0, max_value=left, allow_subnormal=False))
        out.append(share)
        left -= share
    return out


@st.composite
def _tranche(draw: st.DrawFn, name: str) -> dict[str, Any]:
    tenor = draw(st.integers(1, 15))
    kind = draw(st.sampled_from(["bullet", "level", "schedule"]))
    out: dict[str, Any] = {"name": name, "coupon_pct": draw(st.floats(0, 15, allow_subnormal=False)),
                           "tenor_years": tenor, "amortisation": kind,
                           "seniority": draw(st.sampled_from(["senior", "mezzanine", "junior"]))}
    if kind == "schedule":
        schedule = draw(st.lists(st.integers(0, 10**8), min_size=tenor, max_size=tenor).filter(any))
        out |= {"schedule": [float(x) for x in schedule], "principal": float(sum(schedule))}
    else:
        out["principal"] = draw(_money)
    return out


@st.composite
def _asset(draw: st.DrawFn, asset_id: str, issue: date) -> dict[str, Any]:
    kind = draw(st.sampled_from(["patent", "trademark", "copyright"]))
    filing = draw(st.dates(min_value=date(1960, 1, 1), max_value=issue))
    out: dict[str, Any] = {"id": asset_id, "kind": kind, "title": draw(_text), "jurisdiction": draw(_country),
                           "owner": draw(_text), "filing_date": filing,
                           "chain_of_title": draw(st.sampled_from(["verified", "unverified", "disputed"]))}
    if kind == "patent":
        out |= {"status": "granted", "cpc": draw(st.lists(st.sampled_from(["Y02E10/50", "Y02E60/10", "Y02W30/84",
                                                                            "H01L31/04", "B25J9/16", "Y04S"]),
                                                           max_size=3))}
        out["expiry_date"] = max(issue, filing + timedelta(days=1)) + timedelta(days=draw(st.integers(0, 7300)))
    elif kind == "trademark":
        out |= {"status": "registered", "nice_classes": draw(st.lists(st.integers(1, 45), max_size=3))}
    else:
        out |= {"status": "registered", "work_type": "music",
                "author_death_year": draw(st.none() | st.integers(1900, 2100))}
    out["licensees"] = [{"name": draw(_text), "sector": draw(_sector), "royalty_share_pct": s}
                        for s in draw(_shares(100.0, 3))]
    if draw(st.booleans()):
        years = draw(st.lists(st.integers(1990, 2060), min_size=1, max_size=5, unique=True))
        projection: dict[str, Any] = {"explicit": [{"year": y, "amount": draw(st.floats(-1e8, 1e8))}
                                                   for y in sorted(years)]}
    else:
        projection = {"base": draw(_money), "start_year": draw(st.integers(1990, 2060)), "years": draw(
            st.integers(1, 30)), "decay_pct": draw(st.none() | st.floats(0, 30, allow_subnormal=False))}
    out["cash_flows"] = {"projection": projection}
    return out


@st.composite
def deals(draw: st.DrawFn) -> Deal:
    """Valid deals: the cross-field rules (shares, schedules, dates, unique ids) hold by construction."""
    issue = draw(_dates)
    names = draw(st.lists(_text, min_size=1, max_size=3, unique=True))
    tranches = [draw(_tranche(n)) for n in names]
    ids = draw(st.lists(_slug, min_size=1, max_size=3, unique=True))
    principal = sum(t["principal"] for t in tranches)
    allocations = [{"category": draw(st.sampled_from(["renewable_energy", "employment_generation",
                                                      "access_to_essential_services"])),
                    "share_pct": s, "refinancing": draw(st.booleans())} for s in draw(_shares(100.0, 3))]
    allocations += [{"category": "energy_efficiency", "amount": a} for a in draw(_shares(principal, 2))]
    sdg = draw(st.integers(1, 17))
    data = {
        "id": draw(_slug), "name": draw(_text), "originator": draw(_party()), "issuer": draw(_party()),
        "structure": {"type": "securitisation",
                      "label": draw(st.sampled_from(["green", "social", "sustainability", "none"])),
                      "collateral_basis": draw(st.sampled_from(["royalty", "catalogue", "patent_licence"])),
                      "synthetic": draw(st.booleans()), "claims_eu_gbs": draw(st.booleans())},
        "currency": draw(st.sampled_from(["EUR", "USD", "CNY", "GBP"])), "issue_date": issue,
        "tranches": tranches, "assets": [draw(_asset(i, issue)) for i in ids], "allocations": allocations,
        "kpis": [{"metric": draw(_slug), "value": draw(st.floats(-1e9, 1e9)), "unit": draw(_text),
                  "period": draw(st.sampled_from(["annual", "lifetime", "cumulative"]))}],
        "framework": {"external_reviews": [{"provider": draw(_text), "type": "second_party_opinion",
                                            "timing": "pre_issuance", "date": draw(st.none() | _dates)}],
                      "sdg_claims": [{"sdg": sdg, "targets": [f"{sdg}.{draw(st.integers(1, 9))}"]}],
                      "reporting": {"allocation": {"frequency": "annual", "until": "full_allocation"}}},
    }
    return Deal.model_validate(data)


def _to_yaml(deal: Deal) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    out = io.StringIO()
    yaml.dump(deal.model_dump(), out)
    return out.getvalue()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deals())
def test_deal_round_trips_through_yaml_and_json(deal: Deal) -> None:
    assert parse_deal(_to_yaml(deal), "roundtrip.yaml") == deal
    assert parse_deal(deal.model_dump_json(), "roundtrip.json", json_only=True) == deal


def test_whole_deal_problems_are_reported_with_field_errors() -> None:
    """Shares over 100 % are known even while the label is misspelled: one run shows both."""
    path = DEAL_FIXTURES / "field_and_deal_problems.yaml"
    with pytest.raises(InputError) as caught:
        load_deal(path)
    found = [(p.code, p.line, p.loc[-1]) for p in caught.value.problems]
    assert found == [(errors.INVALID_VALUE, 14, "label"), (errors.UNKNOWN_KEY, 17, "issue_dte"),
                     (errors.CROSS_FIELD, 40, "allocations")]
    assert "115 %" in caught.value.problems[-1].message


def test_whole_deal_checks_that_need_an_invalid_field_are_skipped(tmp_path) -> None:
    """Amounts over the principal cannot be known while a tranche principal is invalid: no guess is printed."""
    text = (DEAL_FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("principal: 10000000", 'principal: "ten million"')
    text += "  - {category: energy_efficiency, amount: 99000000000}\n"
    assert text.count("ten million") == 1 and "allocations:\n" in text
    path = tmp_path / "deal.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_deal(path)
    assert [p.loc[-1] for p in caught.value.problems] == ["principal"]


@pytest.mark.parametrize(("metric", "unit", "valid"), [
    ("energy_saved", "gigawatt-hours", "GWh"), ("renewable_generation", "MW", "MWh"),
    ("renewable_capacity_installed", "MWh", "MW"), ("ghg_avoided", "tCO2", "tCO2e"), ("water_saved", "l", "m3"),
])
def test_a_kpi_in_a_unit_of_the_wrong_kind_is_rejected_by_validate(tmp_path, metric: str, unit: str,
                                                                   valid: str) -> None:
    """Rejected with the valid units listed, instead of passing validate and being flagged by the screen."""
    base = (DEAL_FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    path = tmp_path / "deal.yaml"
    path.write_text(base + f"kpis:\n  - {{metric: {metric}, value: 12, unit: {unit}, period: annual}}\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_deal(path)
    [problem] = caught.value.problems
    assert (problem.code, problem.loc) == (errors.INVALID_VALUE, ("kpis", 0, "unit"))
    assert repr(unit) in problem.message and metric in problem.message and valid in problem.choices
    assert str(problem).startswith(f"{path}:{base.count(chr(10)) + 2}: kpis -> 0 -> unit: ")
    path.write_text(base + f"kpis:\n  - {{metric: {metric}, value: 12, unit: {valid}, period: annual}}\n",
                    encoding="utf-8")
    assert load_deal(path).kpis[0].unit == valid


def test_kpi_units_agree_with_the_red_flag_unit_checks() -> None:
    """The deal validator and rulesets/compliance/red-flags.yaml (applied to document figures) accept the same."""
    from ruamel.yaml import YAML

    from engine.models.deal import KPI_UNITS

    rules = YAML(typ="safe").load((ROOT / "rulesets" / "compliance" / "red-flags.yaml").read_text(encoding="utf-8"))
    checked: dict[str, tuple[str, ...]] = {}
    for rule in rules["rules"]:
        if rule["id"].startswith("RF-UNIT-") and rule["id"] != "RF-UNIT-KWH":
            [kpi] = rule["when"]["all"]
            metrics = kpi["metric"]["in"] if isinstance(kpi["metric"], dict) else [kpi["metric"]]
            checked.update(dict.fromkeys(metrics, tuple(kpi["unit"]["not_in"])))
    assert checked == {metric: units for metric, (_, units) in KPI_UNITS.items()}
