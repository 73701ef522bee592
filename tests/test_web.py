"""Web pages: new screening -> stored report, history, portfolio (filter, sort, export), rule browser, CSRF."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest
from markupsafe import escape

from engine import report
from engine.models.screening import Screening
from web import create_app
from web.blueprints.rules import rule_tests

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "deals"
SOLARIS = EXAMPLES / "solaris-green-patent-abs.yaml"
SOLARIS_DOC = ROOT / "examples" / "documents" / "solaris-offering-circular.txt"
AS_OF = "2026-06-30"


@pytest.fixture
def app(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite'}",
                      "UPLOAD_TMP": str(tmp_path)})
    yield app
    app.extensions["ipsdg"].store.close()


@pytest.fixture
def client(app):
    return app.test_client()


def csrf(client) -> str:
    page = client.get("/screenings/new").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def upload(client, deal: Path, docs: list[Path] = (), *, user: str = "Ada", deal_bytes: bytes | None = None,
           deal_name: str | None = None):
    data = {"csrf_token": csrf(client), "user": user, "as_of": AS_OF,
            "deal": (io.BytesIO(deal_bytes if deal_bytes is not None else deal.read_bytes()), deal_name or deal.name),
            "documents": [(io.BytesIO(d.read_bytes()), d.name) for d in docs]}
    return client.post("/screenings/new", data=data, content_type="multipart/form-data")


@pytest.fixture
def screened(client):
    """One uploaded deal with its circular, one example pick."""
    first = upload(client, SOLARIS, [SOLARIS_DOC])
    assert first.status_code == 303, first.get_data(as_text=True)
    second = client.post("/screenings/new", data={"csrf_token": csrf(client), "example":
                                                  "northfield-university-patent-abs.yaml", "as_of": AS_OF})
    assert second.status_code == 303
    return [int(r.headers["Location"].rsplit("/", 1)[1]) for r in (first, second)]


def test_upload_shows_the_stored_report(client, screened):
    page = client.get(f"/screenings/{screened[0]}").get_data(as_text=True)
    assert "Solaris Clean Energy Patent Royalty ABS 2026-1" in page
    assert f"Stored screening #{screened[0]} by <strong>Ada</strong>" in page
    assert "solaris-offering-circular.txt" in page or "solaris-green-patent-abs.yaml" in page
    assert 'class="site' in page  # the report is wrapped in the site navigation


def test_a_past_report_re_renders_exactly_from_the_stored_json(app, client, screened):
    stored = app.extensions["ipsdg"].store.get(screened[0])
    screening = Screening.model_validate_json(stored.screening_json)
    assert client.get(f"/screenings/{screened[0]}/report.html").get_data(as_text=True) == report.render(screening,
                                                                                                           "html")
    assert client.get(f"/screenings/{screened[0]}/report.json").get_json() == screening.model_dump(mode="json")
    md = client.get(f"/screenings/{screened[0]}/report.md")
    assert md.status_code == 200 and screening.deal_name in md.get_data(as_text=True)
    assert client.get(f"/screenings/{screened[0]}/report.exe").status_code == 404


def test_history_says_who_what_when_and_with_which_rule_sets(app, client, screened):
    page = client.get("/history").get_data(as_text=True)
    assert "Ada" in page and "anonymous" in page
    assert "solaris-offering-circular.txt" in page
    version = app.extensions["ipsdg"].store.get(screened[0]).summary.rulesets[0]
    assert f"{version.name} {version.version}" in page
    one_deal = client.get("/history?deal=solaris-green-patent-abs-2026").get_data(as_text=True)
    assert "Solaris" in one_deal and "Northfield" not in one_deal


def test_portfolio_lists_the_latest_screening_of_each_deal(app, client, screened):
    upload(client, SOLARIS, [SOLARIS_DOC], user="Grace")  # a newer screening of the same deal
    page = client.get("/portfolio").get_data(as_text=True)
    assert page.count("<code>solaris-green-patent-abs-2026</code>") == 1
    assert "by Grace" in page and "by Ada" not in page
    assert "SDG 7" in page
    store = app.extensions["ipsdg"].store
    verdicts = {s.summary.deal_id: s.summary.verdict for s in store.latest_per_deal()}
    some_verdict = verdicts["solaris-green-patent-abs-2026"]
    filtered = client.get(f"/portfolio?verdict={some_verdict}").get_data(as_text=True)
    assert "solaris-green-patent-abs-2026" in filtered
    assert "Solaris" not in client.get("/portfolio?q=northfield").get_data(as_text=True)


def test_portfolio_exports_csv_and_xlsx_with_filters_and_sort(client, screened):
    csv = pd.read_csv(io.StringIO(client.get("/portfolio.csv?sort=esg_score&order=desc").get_data(as_text=True)))
    assert len(csv) == 2
    assert list(csv["esg_score"]) == sorted(csv["esg_score"], reverse=True)
    assert {"deal_id", "verdict", "grade", "esg_score", "failing_checks"} <= set(csv.columns)
    assert any(c.startswith("SDG ") for c in csv.columns)
    xlsx = client.get("/portfolio.xlsx?q=solaris")
    assert xlsx.mimetype.endswith("spreadsheetml.sheet")
    sheet = pd.read_excel(io.BytesIO(xlsx.data), sheet_name="portfolio")
    assert list(sheet["deal_id"]) == ["solaris-green-patent-abs-2026"]


def test_exports_do_not_turn_deal_names_into_formulas(client):
    text = SOLARIS.read_text().replace("name: Solaris Clean Energy", "name: =HYPERLINK(\"x\") Solaris Clean Energy")
    assert upload(client, SOLARIS, deal_bytes=text.encode()).status_code == 303
    csv = client.get("/portfolio.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in csv


def test_untrusted_text_is_escaped(client):
    text = SOLARIS.read_text().replace("name: Solaris Clean Energy", "name: <script>alert(1)</script> Solaris")
    sid = upload(client, SOLARIS, deal_bytes=text.encode()).headers["Location"].rsplit("/", 1)[1]
    for url in (f"/screenings/{sid}", "/history", "/portfolio"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in page
        assert "&lt;script&gt;alert(1)" in page


def test_rule_browser_shows_rules_parameters_tests_and_where_they_fired(app, client, screened):
    book = app.extensions["ipsdg"].rulebook()
    counts = app.extensions["ipsdg"].store.rule_counts()
    assert counts, "the screenings produced findings"
    index = client.get("/rules").get_data(as_text=True)
    assert all(r.name in index for r in book.rulesets)
    rule = next(r for r in book.rules if r.id in counts and r.params)
    info = rule.ruleset
    page = client.get(f"/rules/{info.name}").get_data(as_text=True)
    param = info.parameters[rule.params[0]]
    for when, _ in param.values:
        assert f"from {when}" in page
    assert rule.id in page and str(escape(rule.reference.title)) in page
    detail = client.get(f"/rules/{info.name}/{rule.id}").get_data(as_text=True)
    assert f"/screenings/{screened[0]}" in detail or f"/screenings/{screened[1]}" in detail
    fired_table = detail.split('id="fired"', 1)[1]
    for sid in screened:
        assert fired_table.count(f'/screenings/{sid}"') <= 1, "one row per screening, however many findings"
    tests = rule_tests(book.root)
    tested = next(r for r in book.rules if r.id in tests)
    case = tests[tested.id][0]
    assert str(escape(case.name)) in client.get(f"/rules/{tested.ruleset.name}/{tested.id}").get_data(as_text=True)
    assert client.get(f"/rules/{info.name}/NO-SUCH-RULE").status_code == 404
    assert client.get("/rules/no-such-set").status_code == 404


def test_rule_sets_are_read_only(client):
    for method in ("post", "put", "delete"):
        assert getattr(client, method)("/rules").status_code in (400, 405)
    assert client.put("/api/v1/rulesets").status_code == 405


def test_every_page_route_answers(client, screened):
    for url in ("/", "/screenings/new", "/history", "/screenings", f"/screenings/{screened[0]}", "/portfolio",
                "/portfolio.csv", "/portfolio.xlsx", "/rules", "/api/v1/openapi.json", "/api/v1/screenings",
                "/api/v1/rulesets"):
        assert client.get(url).status_code in (200, 302, 308), url


@pytest.mark.parametrize("token", [None, "forged"])
def test_forms_need_the_session_csrf_token(client, token):
    csrf(client)
    data = {"example": "northfield-university-patent-abs.yaml"}
    if token:
        data["csrf_token"] = token
    response = client.post("/screenings/new", data=data)
    assert response.status_code == 400
    assert "CSRF token" in response.get_data(as_text=True)
    assert client.get("/api/v1/screenings").get_json()["total"] == 0


def test_unknown_example_names_are_refused_not_opened(client):
    response = client.post("/screenings/new", data={"csrf_token": csrf(client), "example": "../../pyproject.toml"})
    assert response.status_code == 422
    assert "no example deal named" in response.get_data(as_text=True)


def test_every_nav_link_answers_and_history_lives_at_history(client, screened):
    page = client.get("/portfolio").get_data(as_text=True)
    nav = page.split('<nav class="site', 1)[1].split("</nav>", 1)[0]
    links = dict((text, href) for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', nav))
    assert links["History"] == "/history"
    for href in links.values():
        assert client.get(href).status_code == 200, href
    history = client.get("/history").get_data(as_text=True)
    assert "Screening history" in history and f"/screenings/{screened[0]}" in history
    old = client.get("/screenings?deal=northfield-university-patent-abs-2025")
    assert old.status_code == 308
    assert old.headers["Location"].endswith("/history?deal=northfield-university-patent-abs-2025")
