"""Comparing two stored screenings of one deal: each changed finding is tied to a rule change, a dated
parameter change or an input change; the web page shows it and refuses screenings of different deals."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from engine.deals import parse_deal
from engine.portfolio.compare import NotComparable, compare
from engine.rules import DEFAULT_ROOT, load_rulebook
from engine.screen import screen
from engine.store import Store
from web import create_app

RULE_FILE = Path("mapping") / "use-of-proceeds.yaml"
EARLY, LATE = date(2025, 6, 30), date(2026, 6, 30)  # min_material_share_pct is 5 from 2021-06-01, 10 from 2026


def _deal(deal_id: str, allocations: list[tuple[str, float]]) -> str:
    """A deal whose SDG evidence is only its allocations (as in tests/test_portfolio_diff.py)."""
    return json.dumps({
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
        "allocations": [{"category": c, "share_pct": s} for c, s in allocations],
    })


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """Screenings of deal 'acme' (and one of 'other') under the shipped rules and under a changed rule."""
    base = tmp_path_factory.mktemp("compare")
    changed = base / "rules-weight"
    shutil.copytree(DEFAULT_ROOT, changed, ignore=shutil.ignore_patterns("tests"))
    text = (changed / RULE_FILE).read_text(encoding="utf-8")
    old = 'contribute: {sdg: 7, target: "7.2", strength: direct, weight: 1.0}'
    assert text.count(old) == 1
    (changed / RULE_FILE).write_text(text.replace(old, old.replace("1.0", "0.5")), encoding="utf-8")
    shipped, weight = load_rulebook(DEFAULT_ROOT), load_rulebook(changed)
    store = Store(f"sqlite:///{base / 'compare.sqlite'}")

    def run(text: str, book, as_of: date) -> int:
        return store.save(screen(parse_deal(text, "acme.json"), [], rulebook=book, as_of=as_of),
                          deal_text=text, deal_filename="acme.json", user="Ada")

    small = _deal("acme", [("renewable_energy", 7.0), ("energy_efficiency", 30.0)])
    big = _deal("acme", [("renewable_energy", 40.0), ("energy_efficiency", 30.0)])
    ids = {
        "early": run(small, shipped, EARLY),  # renewable 7 % >= 5 %: counts
        "late": run(small, shipped, LATE),  # renewable 7 % < 10 %: no longer counts (dated parameter)
        "big": run(big, shipped, LATE),  # the deal file changed: renewable 40 % counts again (input)
        "weight": run(big, weight, LATE),  # UOP-RE-7.2 weighs 0.5 instead of 1.0 (rule change)
        "other": run(_deal("other", [("renewable_energy", 40.0)]), shipped, LATE),
    }
    yield store, ids, base
    store.close()


def _get(store, ids, a, b):
    return compare(store.get(ids[a]), store.get(ids[b]))


def test_a_dated_parameter_change_is_named_with_both_values_and_dates(stored):
    store, ids, _ = stored
    c = _get(store, ids, "early", "late")
    assert (c.old.as_of, c.new.as_of) == (EARLY, LATE)
    assert c.inputs == [] and c.rulesets == [] and c.old.rules_hash == c.new.rules_hash
    gone = {f.rule_id: f for f in c.findings if f.change == "removed"}
    assert "UOP-RE-7.2" in gone
    [cause] = gone["UOP-RE-7.2"].causes
    assert cause.kind == "parameter"
    assert cause.detail == "$min_material_share_pct 5 (from 2021-06-01) -> 10 (from 2026-01-01)"
    assert not gone["UOP-RE-7.2"].same_outcome
    kept = [f for f in c.findings if f.change == "changed"]  # energy efficiency rules use the same parameter
    assert kept and all(f.same_outcome and f.old == f.new and f.causes[0].kind == "parameter" for f in kept)
    sdg7 = next(r for r in c.sdg if r.sdg == 7)
    assert sdg7.new < sdg7.old and sdg7.delta == pytest.approx(sdg7.new - sdg7.old)
    assert [o.key for o in c.opinions] == ["icma", "eu_gbs", "sdg", "credit"]
    moved = [r for r in c.checks if r.changed]  # a year later the pool is valued differently: same rules, inputs
    assert moved and all([k.kind for k in r.causes] == ["as_of"] for r in moved)
    assert all(r.causes == [] for r in c.checks if not r.changed)


def test_an_input_change_is_named_by_the_deal_file_hash(stored):
    store, ids, _ = stored
    c = _get(store, ids, "late", "big")
    [change] = c.inputs
    assert change.kind == "deal_file" and change.detail.startswith("deal file acme.json (sha256 ")
    assert c.old.deal_sha256 != c.new.deal_sha256
    back = {f.rule_id: f for f in c.findings if f.change == "added"}
    assert "UOP-RE-7.2" in back
    assert [k.kind for k in back["UOP-RE-7.2"].causes] == ["input"]


def test_a_rule_change_is_named_by_its_rule_set(stored):
    store, ids, _ = stored
    c = _get(store, ids, "big", "weight")
    assert c.inputs == []
    assert [m.name for m in c.rulesets] == ["mapping-use-of-proceeds"]
    assert c.old.rules_hash != c.new.rules_hash
    [f] = [f for f in c.findings if f.rule_id == "UOP-RE-7.2"]
    assert f.change == "changed" and f.old == f.new == ["contribute/7.2"]
    assert [k.kind for k in f.causes] == ["rule_changed"]
    assert "mapping-use-of-proceeds" in f.causes[0].detail
    assert all(x.rule_id == "UOP-RE-7.2" or x.ruleset == "mapping-use-of-proceeds" for x in c.findings)


def test_the_same_screening_twice_has_no_changes(stored):
    store, ids, _ = stored
    c = _get(store, ids, "big", "big")
    assert c.findings == [] and c.inputs == [] and c.rulesets == []
    assert all(not r.changed for r in [*c.opinions, *c.checks]) and all(r.delta == 0 for r in c.sdg)


def test_different_deals_are_refused(stored):
    store, ids, _ = stored
    with pytest.raises(NotComparable, match="deal 'acme' .* deal 'other'"):
        _get(store, ids, "big", "other")


@pytest.fixture
def client(stored):
    _, _, base = stored
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{base / 'compare.sqlite'}"})
    yield app.test_client()
    app.extensions["ipsdg"].store.close()


def test_compare_page_shows_sides_and_causes(client, stored):
    _, ids, _ = stored
    page = client.get(f"/screenings/{ids['early']}/compare/{ids['late']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "2025-06-30" in html and "2026-06-30" in html
    assert 'data-rule="UOP-RE-7.2" data-change="removed"' in html
    assert "$min_material_share_pct 5 (from 2021-06-01) -&gt; 10 (from 2026-01-01)" in html


def test_compare_page_parses_each_screening_once_and_hashes_each_deal_once(client, stored, monkeypatch):
    import engine.portfolio.compare as compare_module
    import web.blueprints.screenings as pages
    from engine.models.screening import Screening

    parsed, hashed = [], []
    real_parse, real_hash = Screening.model_validate_json, compare_module.sha256

    class Counting:
        @staticmethod
        def model_validate_json(data):
            parsed.append(1)
            return real_parse(data)

    monkeypatch.setattr(pages, "Screening", Counting)
    monkeypatch.setattr(compare_module, "Screening", Counting)
    monkeypatch.setattr(compare_module, "sha256", lambda text: hashed.append(1) or real_hash(text))
    _, ids, _ = stored
    page = client.get(f"/screenings/{ids['late']}/compare/{ids['big']}")
    assert page.status_code == 200 and "deal file acme.json (sha256" in page.get_data(as_text=True)
    assert (len(parsed), len(hashed)) == (2, 2)


def test_compare_page_refuses_other_deals_and_unknown_ids(client, stored):
    _, ids, _ = stored
    refused = client.get(f"/screenings/{ids['big']}/compare/{ids['other']}")
    assert refused.status_code == 400
    assert "only screenings of the same deal can be compared" in refused.get_data(as_text=True)
    turned = client.get(f"/screenings/{ids['late']}/compare/{ids['early']}")
    assert turned.status_code == 308
    assert turned.headers["Location"].endswith(f"/screenings/{ids['early']}/compare/{ids['late']}")
    missing = client.get(f"/screenings/{ids['big']}/compare/999999")
    assert missing.status_code == 404 and "no stored screening #999999" in missing.get_data(as_text=True)


def test_history_and_report_link_to_the_previous_screening_of_the_same_deal(client, stored):
    _, ids, _ = stored
    history = client.get("/history").get_data(as_text=True)
    link = f'href="/screenings/{ids["big"]}/compare/{ids["weight"]}"'
    assert link in history
    assert f'href="/screenings/{ids["early"]}/compare/{ids["late"]}"' in history
    other_row = re.search(rf'#{ids["other"]}</a>.*?</tr>', history, re.S).group(0)
    assert "first of this deal" in other_row  # 'other' has no earlier screening
    report = client.get(f"/screenings/{ids['weight']}").get_data(as_text=True)
    assert f'id="compare-previous" href="/screenings/{ids["big"]}/compare/{ids["weight"]}"' in report
    picked = client.get(f"/screenings/{ids['weight']}/compare?with={ids['early']}")
    assert picked.status_code == 303
    assert picked.headers["Location"].endswith(f"/screenings/{ids['early']}/compare/{ids['weight']}")


def test_the_api_gives_the_same_comparison_as_json(client, stored):
    store, ids, _ = stored
    body = client.get(f"/api/v1/screenings/{ids['early']}/compare/{ids['late']}").get_json()
    assert body == _get(store, ids, "early", "late").model_dump(mode="json")
    refused = client.get(f"/api/v1/screenings/{ids['big']}/compare/{ids['other']}")
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "bad_request"
    assert client.get(f"/api/v1/screenings/{ids['big']}/compare/999999").status_code == 404
