"""Seeded generator of realistic random IP-backed deals, for benchmarks and portfolio tests.

Deals mix labels (green, social, sustainability, sustainability-linked, unlabelled), IP kinds,
CPC classes (green Y02/Y04S groups from the CPC Title List 2022.08 and ordinary non-green
groups), ICMA allocations that fit the label, impact KPIs from the ICMA Harmonised Framework
core indicators, one to three tranches and the usual framework elements. A few deals are
deliberately weak (pending patents, liens, disputed title, thin cash flows, fossil-fuel
licensees) so screening results spread over every verdict. Every generated deal validates
against ``engine.models.Deal``.

    python benchmarks/portfolio_gen.py N OUT_DIR [--seed S] [--format json|yaml|csv] [--doc-pages P]

``--doc-pages P`` also writes a P-page offering-circular text per deal (pages separated by
form feeds) and lists it under the deal's ``documents``.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

# CPC groups (CPC Title List 2022.08, section Y) by the ICMA category their technology serves.
GREEN_CPC: dict[str, list[str]] = {
    "renewable_energy": ["Y02E10/50", "Y02E10/72", "Y02E10/44", "Y02E10/20", "Y02E10/10", "Y02E60/10"],
    "energy_efficiency": ["Y02B20/30", "Y02B30/70", "Y02D10/00", "Y02P80/10", "Y04S10/14"],
    "clean_transportation": ["Y02T10/70", "Y02T10/64", "Y02T90/12", "Y02T90/40"],
    "sustainable_water_and_wastewater_management": ["Y02W10/10", "Y02W10/37", "Y02A20/131"],
    "circular_economy": ["Y02W30/62", "Y02W90/10", "Y02P20/143"],
    "pollution_prevention_and_control": ["Y02C20/40", "Y02P70/10", "Y02W30/20"],
    "climate_change_adaptation": ["Y02A40/10", "Y02A10/11", "Y02A50/30"],
    "green_buildings": ["Y02B10/10", "Y02B30/00", "Y02B80/10"],
}
OTHER_CPC = ["H04L9/32", "G06F16/245", "A61K39/395", "B25J9/1697", "G06T7/80", "C07D401/04", "H01Q21/06",
             "A61B5/00", "G06N3/08", "B60R21/01"]
GREEN_CATEGORIES = sorted(GREEN_CPC) + ["sustainable_natural_resources_and_land_use", "biodiversity_conservation"]
SOCIAL_CATEGORIES = ["affordable_basic_infrastructure", "access_to_essential_services", "affordable_housing",
                     "employment_generation", "food_security", "socioeconomic_advancement_and_empowerment"]
# ICMA Harmonised Framework for Impact Reporting core indicators: (metric, unit, typical annual value).
KPIS = [("ghg_avoided", "tCO2e", 50_000), ("renewable_generation", "MWh", 120_000),
        ("renewable_capacity_installed", "MW", 300), ("energy_saved", "MWh", 40_000),
        ("waste_recycled", "t", 20_000), ("water_saved", "m3", 2_000_000), ("beneficiaries", "count", 50_000),
        ("students_trained", "count", 8_000), ("smes_financed", "count", 300), ("jobs_created", "count", 1_500)]
COUNTRIES = {"EUR": ["DE", "FR", "NL", "IE", "ES", "IT", "DK"], "USD": ["US"], "GBP": ["GB"], "CNY": ["CN"],
             "JPY": ["JP"], "KRW": ["KR"]}
SECTORS = ["electronics", "energy_renewable", "automotive", "pharmaceuticals", "software", "manufacturing",
           "telecommunications", "chemicals", "media_entertainment", "education", "utilities", "water",
           "healthcare", "consumer_goods", "restaurants", "retail"]
FOSSIL = ["fossil_fuel_extraction", "fossil_fuel_refining", "fossil_fuel_power", "fossil_fuel_distribution"]
LABELS = ["green"] * 40 + ["social"] * 15 + ["sustainability"] * 15 + ["sustainability_linked"] * 10 + ["none"] * 20
REVIEWERS = ["Sustainalytics", "ISS Corporate Solutions", "DNV", "S&P Global Ratings", "CICERO Shades of Green",
             "Moody's ESG", "China Chengxin Green Finance"]
PROVIDER_NAMES = ["Helio", "Nordwind", "Aqua", "Voltara", "Lumen", "Circulo", "Terra", "Kinetic", "Praxis",
                  "Orion", "Meridian", "Vireo", "Halcyon", "Borealis", "Quanta", "Sable"]


def generate_deal(rng: random.Random, index: int) -> dict[str, Any]:
    """One deal as plain data (the shape of a deal file)."""
    label = rng.choice(LABELS)
    currency = rng.choice(list(COUNTRIES))
    country = rng.choice(COUNTRIES[currency])
    stem = rng.choice(PROVIDER_NAMES)
    issue = date(2022, 1, 3) + timedelta(days=rng.randrange(0, 365 * 4))
    weak = rng.random() < 0.2  # deliberately poor deals, so every verdict appears
    basis = rng.choice(["patent_licence", "patent_licence", "royalty", "catalogue", "trademark_licence",
                        "whole_business"])
    kinds = {"trademark_licence": ["trademark"], "catalogue": ["copyright"],
             "whole_business": ["trademark", "patent", "copyright"]}.get(basis, ["patent", "patent", "utility_model",
                                                                               "design"])
    categories = _categories(rng, label)
    assets = [_asset(rng, i, rng.choice(kinds), country, issue, categories, weak, stem)
              for i in range(rng.randint(1, 6))]
    tranches = _tranches(rng, assets, issue, weak)
    deal: dict[str, Any] = {
        "id": f"gen-{index:06d}-{stem.lower()}",
        "name": f"{stem} {('IP', 'Patent', 'Royalty')[index % 3]} Funding {issue.year}-{index % 9 + 1}",
        "originator": {"name": f"{stem} Technologies {index}", "country": country,
                       "sector": rng.choice(FOSSIL) if weak and rng.random() < 0.3 else rng.choice(SECTORS)},
        "issuer": {"name": f"{stem} IP Funding {index} Ltd", "country": country, "sector": "financial_services"},
        "structure": {"type": rng.choice(["securitisation", "securitisation", "secured_bond"]), "label": label,
                      "collateral_basis": basis, "synthetic": weak and rng.random() < 0.2,
                      "claims_eu_gbs": label == "green" and currency == "EUR" and rng.random() < 0.4,
                      "originator_is_issuer": rng.random() < 0.3},
        "currency": currency,
        "issue_date": issue.isoformat(),
        "tranches": tranches,
        "reserves": {"interest_reserve_months": float(rng.choice([0, 3, 6])),
                     "cash_reserve": float(rng.choice([0, 1_000_000]))},
        "credit_enhancement": {"overcollateralisation_pct": float(rng.choice([0, 5, 10, 15])),
                               "guarantees": _guarantees(rng, tranches)},
        "assets": assets,
    }
    if label != "none":
        deal["allocations"] = _allocations(rng, categories, weak)
        deal["kpis"] = _kpis(rng, issue, weak)
        deal["framework"] = _framework(rng, label, issue, categories, weak)
    elif rng.random() < 0.3:
        deal["kpis"] = _kpis(rng, issue, weak)
    if rng.random() < 0.5:
        deal["valuation"] = {"discount_rate_pct": rng.choice([8.0, 9.0, 10.0, 12.0]),
                             "convention": rng.choice(["end", "mid"])}
    return deal


def _categories(rng: random.Random, label: str) -> list[str]:
    if label == "social":
        return rng.sample(SOCIAL_CATEGORIES, rng.randint(1, 2))
    if label == "sustainability":
        return [rng.choice(GREEN_CATEGORIES), rng.choice(SOCIAL_CATEGORIES)]
    return rng.sample(GREEN_CATEGORIES, rng.randint(1, 3))


def _asset(rng: random.Random, i: int, kind: str, country: str, issue: date, categories: list[str], weak: bool,
           stem: str) -> dict[str, Any]:
    life = {"patent": 20, "utility_model": 10, "design": 15}.get(kind)
    filing = issue - timedelta(days=rng.randrange(200, 365 * (life - 2 if life else 30)))
    asset: dict[str, Any] = {"id": f"{kind.replace('_', '-')}-{i + 1}", "kind": kind,
                             "title": f"{stem} {kind.replace('_', ' ')} {i + 1}",
                             "jurisdiction": rng.choice([country, country, "EP", "US", "WO"]) if life else country,
                             "owner": f"{stem} Technologies", "filing_date": filing.isoformat()}
    if life:
        pending = weak and rng.random() < 0.4
        asset["status"] = "pending" if pending else "granted"
        if not pending:
            asset["grant_date"] = (filing + timedelta(days=rng.randrange(300, 1500))).isoformat()
        expiry = date(filing.year + life, filing.month, min(filing.day, 28))
        asset["expiry_date"] = expiry.isoformat()
        if kind != "design":  # designs carry no patent classes
            green = [c for cat in categories for c in GREEN_CPC.get(cat, [])]
            codes = rng.sample(green, min(len(green), rng.randint(0, 2))) if green and rng.random() < 0.8 else []
            asset["cpc"] = sorted(set(codes + rng.sample(OTHER_CPC, rng.randint(1, 2))))
    elif kind == "trademark":
        asset["status"] = "registered"
        asset["nice_classes"] = sorted(rng.sample(range(1, 46), rng.randint(1, 3)))
        asset["economic_life_years"] = float(rng.choice([15, 20, 25]))
    else:
        asset["status"] = "registered"
        asset["work_type"] = rng.choice(["educational", "music", "film", "literary", "software"])
        asset["author_death_year"] = rng.randint(1950, 2015)
    asset["chain_of_title"] = rng.choice(["unverified", "disputed"]) if weak else "verified"
    if weak and rng.random() < 0.4:
        asset["liens"] = [{"holder": "Prior Lender plc", "amount": float(rng.randint(1, 20) * 1_000_000)}]
    if weak and rng.random() < 0.4:
        asset["litigation"] = {"pending": True, "share_at_risk_pct": float(rng.randint(1, 15))}
    shares = _split(rng, rng.randint(1, 3))
    asset["licensees"] = [{"name": f"Licensee {rng.randint(1, 999)} {j}",
                           "sector": rng.choice(FOSSIL) if weak and rng.random() < 0.2 else rng.choice(SECTORS),
                           "country": rng.choice(["DE", "US", "CN", "JP", "GB", "FR"]), "royalty_share_pct": s}
                          for j, s in enumerate(shares)]
    asset["royalty_rate_pct"] = float(rng.choice([1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0]))
    base = float(rng.randint(2, 15) * 1_000_000) * (0.3 if weak else 1.0)
    years = rng.randint(5, 15)
    if rng.random() < 0.3:
        amounts = [round(base * (1 + rng.uniform(-0.1, 0.15)) ** t) for t in range(years)]
        asset["cash_flows"] = {"projection": {"explicit": [{"year": issue.year + t, "amount": float(a)}
                                                           for t, a in enumerate(amounts)]}}
    else:
        projection: dict[str, Any] = {"base": base, "start_year": issue.year, "years": years}
        if rng.random() < 0.5:
            projection["growth_pct"] = float(rng.choice([0, 1, 2, 3, 5]))
        else:
            projection["decay_pct"] = float(rng.choice([2, 3, 5, 8, 12]))
        asset["cash_flows"] = {"history": [{"year": issue.year - k, "amount": round(base * (1 - 0.04 * k))}
                                           for k in range(rng.randint(0, 3), 0, -1)],
                               "projection": projection}
    return asset


def _split(rng: random.Random, n: int) -> list[float]:
    cuts = sorted(rng.sample(range(5, 96, 5), n - 1))
    bounds = [0, *cuts, 100]
    return [float(b - a) for a, b in zip(bounds, bounds[1:], strict=False)]


def _tranches(rng: random.Random, assets: list[dict[str, Any]], issue: date, weak: bool) -> list[dict[str, Any]]:
    annual = sum(_first_year(a) for a in assets)
    ltv_multiple = rng.uniform(3.0, 6.0) * (1.8 if weak else 1.0)
    total = max(1_000_000.0, round(annual * ltv_multiple, -5))
    tenor = rng.randint(3, 10)
    senior_share = rng.choice([1.0, 0.85, 0.8, 0.7])
    out = [{"name": "Class A", "principal": round(total * senior_share, -3),
            "coupon_pct": round(rng.uniform(2.5, 7.5), 2),
            "tenor_years": tenor, "amortisation": rng.choice(["bullet", "level", "schedule"]), "seniority": "senior",
            "rating": rng.choice(["AAA (sf)", "AA (sf)", "A (sf)", "BBB (sf)"])}]
    if out[0]["amortisation"] == "schedule":
        each = round(out[0]["principal"] / tenor, 2)
        out[0]["schedule"] = [each] * (tenor - 1) + [round(out[0]["principal"] - each * (tenor - 1), 2)]
    if senior_share < 1.0:
        rest = total - out[0]["principal"]
        out.append({"name": "Class B", "principal": rest, "coupon_pct": round(rng.uniform(6.0, 11.0), 2),
                    "tenor_years": tenor, "amortisation": "bullet", "seniority": rng.choice(["mezzanine", "junior"])})
    return out


def _first_year(asset: dict[str, Any]) -> float:
    projection = asset["cash_flows"]["projection"]
    if "explicit" in projection:
        return float(projection["explicit"][0]["amount"])
    return float(projection["base"])


def _guarantees(rng: random.Random, tranches: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if rng.random() > 0.15:
        return []
    principal = sum(t["principal"] for t in tranches)
    return [{"provider": "Regional Guarantee Fund", "amount": round(principal * rng.choice([0.2, 0.5, 1.0]), -3),
             "type": rng.choice(["full", "partial", "first_loss"])}]


def _allocations(rng: random.Random, categories: list[str], weak: bool) -> list[dict[str, Any]]:
    allocated = rng.choice([100, 100, 95, 90, 80]) if not weak else rng.choice([60, 40])
    shares = _split(rng, len(categories))
    out = []
    for category, share in zip(categories, shares, strict=True):
        item: dict[str, Any] = {"category": category, "share_pct": round(share * allocated / 100, 1),
                                "refinancing": rng.random() < 0.2}
        if rng.random() < 0.5:
            item["taxonomy_aligned"] = rng.random() < 0.6
        out.append(item)
    return out


def _kpis(rng: random.Random, issue: date, weak: bool) -> list[dict[str, Any]]:
    out = []
    for metric, unit, typical in rng.sample(KPIS, rng.randint(1, 3)):
        value = float(round(typical * rng.uniform(0.2, 3.0)))
        kpi: dict[str, Any] = {"metric": metric, "value": value, "unit": unit,
                               "period": "lifetime" if weak and rng.random() < 0.3 else "annual",
                               "year": issue.year, "verified": rng.random() < 0.5}
        if rng.random() < 0.6:
            kpi.update(baseline=round(value * 0.7), baseline_year=issue.year - 2)
        if rng.random() < 0.7:
            kpi["methodology"] = "ICMA Harmonised Framework methodology"
        if rng.random() < 0.7:
            kpi["pro_rated"] = not weak
        out.append(kpi)
    return out


def _framework(rng: random.Random, label: str, issue: date, categories: list[str], weak: bool) -> dict[str, Any]:
    freq = ["annual", "annual", "semi_annual", "none"]
    framework: dict[str, Any] = {
        "published": not weak or rng.random() < 0.5,
        "project_selection": {"committee": rng.random() < 0.7, "process": "Eligibility committee review",
                              "exclusions": rng.sample(FOSSIL, rng.randint(0, 3))},
        "management_of_proceeds": {"tracking": rng.choice(["sub_account", "sub_portfolio", "other", "none"]),
                                   "look_back_years": float(rng.choice([1, 2, 3]))},
        "reporting": {"allocation": {"frequency": rng.choice(freq), "until": "full_allocation"},
                      "impact": {"frequency": rng.choice(freq), "until": "maturity"},
                      "eu_gbs_factsheet": rng.random() < 0.2},
        "external_reviews": [{"provider": rng.choice(REVIEWERS),
                              "type": rng.choice(["second_party_opinion", "verification", "certification"]),
                              "timing": "pre_issuance", "esma_registered": rng.random() < 0.3,
                              "date": (issue - timedelta(days=30)).isoformat()}] if rng.random() < 0.75 else [],
        "sdg_claims": _sdg_claims(rng, categories),
    }
    if label == "sustainability_linked":
        framework["sustainability_linked"] = {
            "kpis": ["ghg_avoided"], "coupon_step_up_bps": float(rng.choice([12.5, 25, 50])),
            "targets": [{"metric": "ghg_avoided", "value": 100000.0, "unit": "tCO2e", "period": "annual",
                         "target": 150000.0, "target_year": issue.year + 5}],
            "reporting": {"frequency": "annual"}, "verification": rng.random() < 0.7}
    return framework


_CLAIMS = {"renewable_energy": (7, ["7.2"]), "energy_efficiency": (7, ["7.3"]), "clean_transportation": (9, ["9.4"]),
           "circular_economy": (12, ["12.5"]), "climate_change_adaptation": (13, ["13.1"]),
           "employment_generation": (8, ["8.3", "8.5"]), "access_to_essential_services": (4, ["4.3"])}


def _sdg_claims(rng: random.Random, categories: list[str]) -> list[dict[str, Any]]:
    claims: dict[int, list[str]] = {}
    for category in categories:
        sdg, targets = _CLAIMS.get(category, (13, ["13.2"]))
        claims.setdefault(sdg, [])
        claims[sdg] = sorted(set(claims[sdg]) | set(targets))
    if rng.random() < 0.2:
        claims.setdefault(9, ["9.5"])
    return [{"sdg": sdg, "targets": targets} for sdg, targets in sorted(claims.items())]


def generate_portfolio(n: int, seed: int = 0) -> list[dict[str, Any]]:
    """``n`` deals; the same seed always gives the same deals."""
    rng = random.Random(seed)
    return [generate_deal(rng, i) for i in range(n)]


_TEXT = """royalty licence patent notes issuer proceeds allocation renewable energy efficiency reporting
investor trustee collateral portfolio technology revenue agreement framework eligible project
committee verification annual impact emissions capacity"""
_WORDS = _TEXT.split()


def circular_pages(deal: dict[str, Any], pages: int, seed: int) -> list[str]:
    """A plausible offering-circular text: boilerplate plus use-of-proceeds, KPI and review statements."""
    rng = random.Random(seed)
    facts = [f"The net proceeds will be allocated {a['share_pct']:g}% to {a['category'].replace('_', ' ')}."
             for a in deal.get("allocations", [])]
    facts += [f"The projects are expected to deliver {k['value']:,.0f} {k['unit']} of {k['metric'].replace('_', ' ')} "
              f"per year." for k in deal.get("kpis", [])]
    facts += [f"{r['provider']} has provided a second-party opinion on the framework."
              for r in deal.get("framework", {}).get("external_reviews", [])]
    out = []
    for p in range(pages):
        sentences = [" ".join(rng.choice(_WORDS) for _ in range(rng.randint(8, 20))).capitalize() + "."
                     for _ in range(30)]
        if facts and p % 7 == 3:
            sentences.insert(rng.randrange(len(sentences)), facts[p % len(facts)])
        out.append(f"{deal['name']} - Offering Circular - page {p + 1}\n\n" + " ".join(sentences))
    return out


# Flat CSV columns (see engine/portfolio/tabular.py for the full list and meaning).
def flat_row(deal: dict[str, Any]) -> dict[str, Any]:
    """The deal as one row of a flat portfolio CSV (first asset and tranche, lists joined by ';')."""
    asset, tranche = deal["assets"][0], deal["tranches"][0]
    projection = asset["cash_flows"]["projection"]
    framework = deal.get("framework", {})
    reviews = framework.get("external_reviews", [])
    row = {
        "id": deal["id"], "name": deal["name"],
        "originator_name": deal["originator"]["name"], "originator_country": deal["originator"]["country"],
        "originator_sector": deal["originator"]["sector"], "issuer_name": deal["issuer"]["name"],
        "issuer_country": deal["issuer"]["country"], "structure_type": deal["structure"]["type"],
        "label": deal["structure"]["label"], "collateral_basis": deal["structure"]["collateral_basis"],
        "currency": deal["currency"], "issue_date": deal["issue_date"],
        "principal": sum(t["principal"] for t in deal["tranches"]), "coupon_pct": tranche["coupon_pct"],
        "tenor_years": tranche["tenor_years"],
        "amortisation": "level" if tranche["amortisation"] == "level" else "bullet",
        "asset_kind": asset["kind"], "asset_title": asset["title"], "asset_status": asset["status"],
        "asset_jurisdiction": asset["jurisdiction"], "filing_date": asset.get("filing_date", ""),
        "expiry_date": asset.get("expiry_date", ""), "cpc": ";".join(asset.get("cpc", [])),
        "chain_of_title": asset["chain_of_title"], "royalty_rate_pct": asset.get("royalty_rate_pct", ""),
        "annual_cash_flow": _first_year(asset),
        "cash_flow_years": projection.get("years", len(projection.get("explicit", []))),
        "cash_flow_growth_pct": projection.get("growth_pct", -projection.get("decay_pct", 0.0)),
        "allocations": ";".join(f"{a['category']}:{a['share_pct']:g}" for a in deal.get("allocations", [])),
        "kpis": ";".join(f"{k['metric']}:{k['value']:g}:{k['unit']}:{k['period']}" for k in deal.get("kpis", [])),
        "sdg_claims": ";".join(t for c in framework.get("sdg_claims", []) for t in c["targets"]),
        "framework_published": framework.get("published", False),
        "review_provider": reviews[0]["provider"] if reviews else "",
        "review_type": reviews[0]["type"] if reviews else "",
        "documents": ";".join(d["path"] for d in deal.get("documents", [])),
    }
    slb = framework.get("sustainability_linked")
    row["slb_kpis"] = ";".join(slb["kpis"]) if slb else ""
    row["slb_step_up_bps"] = slb.get("coupon_step_up_bps", "") if slb else ""
    return row


def write_portfolio(deals: list[dict[str, Any]], out: Path, fmt: str = "json", doc_pages: int = 0,
                    seed: int = 0) -> list[Path]:
    """Write one file per deal (json/yaml) or one CSV; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    if doc_pages:
        docs = out / "documents"
        docs.mkdir(exist_ok=True)
        for i, deal in enumerate(deals):
            path = docs / f"{deal['id']}.txt"
            path.write_text("\f".join(circular_pages(deal, doc_pages, seed * 1_000_003 + i)), encoding="utf-8")
            deal["documents"] = [{"path": f"documents/{path.name}", "type": "offering_circular"}]
    if fmt == "csv":
        path = out / "portfolio.csv"
        rows = [flat_row(d) for d in deals]
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        return [path]
    written = []
    for deal in deals:
        path = out / f"{deal['id']}.{fmt}"
        if fmt == "json":
            path.write_text(json.dumps(deal, indent=1), encoding="utf-8")
        else:
            path.write_text(_yaml(deal), encoding="utf-8")
        written.append(path)
    return written


def _yaml(data: Any) -> str:
    from io import StringIO

    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    buf = StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of deals")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--format", choices=["json", "yaml", "csv"], default="json",
                        help="one JSON or YAML file per deal, or one flat CSV (default json: fastest to load)")
    parser.add_argument("--doc-pages", type=int, default=0, help="write a generated offering circular per deal")
    args = parser.parse_args(argv)
    deals = generate_portfolio(args.n, args.seed)
    written = write_portfolio(deals, args.out_dir, args.format, args.doc_pages, args.seed)
    print(f"wrote {args.n} deals to {args.out_dir} ({len(written)} files)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
