"""JSON API: screenings, extract, rule sets; one error shape everywhere; OpenAPI covers every route;
20 concurrent screenings against a live server equal sequential ones."""

from __future__ import annotations

import io
import json
import re
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from engine.deals import load_deal
from tests.live import serve
from web import create_app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "deals"
SOLARIS = EXAMPLES / "solaris-green-patent-abs.yaml"
SOLARIS_DOC = ROOT / "examples" / "documents" / "solaris-offering-circular.txt"
AS_OF = "2026-06-30"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def app(tmp_path, database_url):  # SQLite and PostgreSQL (tests/conftest.py)
    app = create_app({"TESTING": True, "DATABASE_URL": database_url,
                      "MAX_CONTENT_LENGTH": 2 * 1024 * 1024, "UPLOAD_TMP": str(tmp_path)})

    @app.get("/api/v1/_boom")
    def boom() -> None:  # only in this test app: shows what an unexpected failure looks like
        raise RuntimeError("boom")

    yield app
    app.extensions["ipsdg"].store.close()


@pytest.fixture
def client(app):
    return app.test_client()


def deal_json(path: Path = SOLARIS) -> str:
    return load_deal(path).model_dump_json(exclude_defaults=True)


def post_json(client, body: str, **params):
    query = "&".join(f"{k}={v}" for k, v in {"as_of": AS_OF, **params}.items())
    return client.post(f"/api/v1/screenings?{query}", data=body, content_type="application/json")


def test_create_get_and_list_a_json_screening(client):
    created = post_json(client, deal_json(), user="api-user")
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert created.headers["Location"] == f"/api/v1/screenings/{body['id']}"
    assert body["summary"]["user"] == "api-user"
    assert body["screening"]["deal_id"] == "solaris-green-patent-abs-2026"
    assert body["screening"]["verdict"] in ("eligible", "conditional", "ineligible")
    assert client.get(body["report_url"]).status_code == 200
    again = client.get(created.headers["Location"]).get_json()
    assert again == body
    listed = client.get("/api/v1/screenings?limit=10").get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == body["id"]


def test_multipart_screening_keeps_document_digests(client):
    data = {"deal": (io.BytesIO(SOLARIS.read_bytes()), SOLARIS.name), "user": "mp",
            "documents": [(io.BytesIO(SOLARIS_DOC.read_bytes()), SOLARIS_DOC.name)]}
    created = client.post(f"/api/v1/screenings?as_of={AS_OF}", data=data, content_type="multipart/form-data")
    assert created.status_code == 201, created.get_json()
    summary = created.get_json()["summary"]
    assert [d["name"] for d in summary["documents"]] == [SOLARIS_DOC.name]
    assert summary["deal_filename"] == SOLARIS.name and summary["user"] == "mp"


def test_extract_has_the_fixed_shape(client):
    response = client.post("/api/v1/extract", data={"document": (io.BytesIO(SOLARIS_DOC.read_bytes()), "oc.txt")},
                           content_type="multipart/form-data")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert {"document", "pages", "use_of_proceeds", "kpis", "external_reviews", "reporting",
            "sdg_references"} <= set(body)


def test_rulesets_and_rules_with_dated_parameters(client):
    sets = client.get("/api/v1/rulesets").get_json()["items"]
    assert sets and all({"name", "version", "hash", "rules"} <= set(s) for s in sets)
    rules = [r for s in sets for r in client.get(s["url"]).get_json()["items"]]
    assert sum(s["rules"] for s in sets) == len(rules)
    with_params = [r for r in rules if r["parameters"]]
    assert with_params and all(v["from"] and "value" in v for r in with_params for p in r["parameters"]
                               for v in p["values"])


BAD_DEAL = '{\n  "id": "x",\n  "name": "X",\n  "colour": "green"\n}'


def _oversized(client):
    return client.post("/api/v1/screenings", data=b"{" + b" " * (3 * 1024 * 1024) + b"}",
                       content_type="application/json")


ERROR_CASES = {
    "screening not found": (lambda c: c.get("/api/v1/screenings/999"), 404, "not_found"),
    "unknown path": (lambda c: c.get("/api/v1/no-such-thing"), 404, "not_found"),
    "ruleset not found": (lambda c: c.get("/api/v1/rulesets/no-such-set/rules"), 404, "not_found"),
    "wrong method on list": (lambda c: c.delete("/api/v1/screenings"), 405, "method_not_allowed"),
    "wrong method on rulesets": (lambda c: c.post("/api/v1/rulesets"), 405, "method_not_allowed"),
    "wrong method on extract": (lambda c: c.get("/api/v1/extract"), 405, "method_not_allowed"),
    "wrong method on openapi": (lambda c: c.post("/api/v1/openapi.json"), 405, "method_not_allowed"),
    "wrong method on one screening": (lambda c: c.put("/api/v1/screenings/1"), 405, "method_not_allowed"),
    "bad deal": (lambda c: post_json(c, BAD_DEAL), 422, "invalid_input"),
    "bad json": (lambda c: post_json(c, '{"id": '), 422, "invalid_input"),
    "bad as_of": (lambda c: post_json(c, deal_json(), as_of="30/06/2026"), 422, "invalid_input"),
    "wrong content type": (lambda c: c.post("/api/v1/screenings", data="id: x", content_type="text/plain"), 415,
                           "unsupported_media_type"),
    "multipart without deal": (lambda c: c.post("/api/v1/screenings", data={"x": "1"},
                                                content_type="multipart/form-data"), 422, "invalid_input"),
    "image as document": (lambda c: c.post("/api/v1/extract", data={"document": (io.BytesIO(PNG), "a.pdf")},
                                           content_type="multipart/form-data"), 422, "invalid_input"),
    "extract without file": (lambda c: c.post("/api/v1/extract", data={}, content_type="multipart/form-data"), 422,
                             "invalid_input"),
    "extract as json": (lambda c: c.post("/api/v1/extract", json={}), 415, "unsupported_media_type"),
    "oversized": (_oversized, 413, "payload_too_large"),
    "server error": (lambda c: c.get("/api/v1/_boom"), 500, "internal_error"),
}


@pytest.mark.parametrize("case", ERROR_CASES, ids=list(ERROR_CASES))
def test_every_error_has_one_shape(client, case):
    call, status, code = ERROR_CASES[case]
    response = call(client)
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "problems"}
    assert body["error"]["code"] == code and body["error"]["message"]
    assert client.get("/api/v1/screenings").status_code == 200  # still serving


def test_bad_deal_problems_carry_file_and_line(client):
    problems = post_json(client, BAD_DEAL).get_json()["error"]["problems"]
    unknown = next(p for p in problems if p["code"] == "unknown_key")
    assert (unknown["path"], unknown["line"]) == ("request.json", 4)
    assert unknown["text"].startswith("request.json:4: colour: unknown key 'colour'")


def test_405_says_which_methods_work(client):
    assert "GET" in client.delete("/api/v1/screenings").headers["Allow"]


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def test_openapi_describes_every_route_and_only_real_ones(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    routes = {(_openapi_path(r.rule), m.lower()) for r in app.url_map.iter_rules()
              if r.rule.startswith("/api/v1/") and not r.rule.startswith("/api/v1/_")
              for m in r.methods - {"HEAD", "OPTIONS"}}
    described = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    assert routes == described
    refs = set(re.findall(r'"#/components/schemas/(\w+)"', json.dumps(spec)))
    assert refs <= set(spec["components"]["schemas"])


@pytest.fixture
def live_server(app):
    with serve(app) as base:
        yield base


def _post_live(base: str, body: str) -> dict:
    request = urllib.request.Request(f"{base}/api/v1/screenings?as_of={AS_OF}", data=body.encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        assert response.status == 201
        return json.loads(response.read())


def test_twenty_concurrent_screenings_equal_sequential_ones(app, client, live_server):
    bodies = [deal_json(p) for p in sorted(EXAMPLES.glob("*.y*ml"))]
    jobs = [bodies[i % len(bodies)] for i in range(20)]
    sequential = [post_json(client, body).get_json()["screening"] for body in jobs]
    with ThreadPoolExecutor(max_workers=20) as pool:
        concurrent = list(pool.map(lambda body: _post_live(live_server, body), jobs))
    assert [c["screening"] for c in concurrent] == sequential
    assert len({c["id"] for c in concurrent}) == 20
    assert client.get("/api/v1/screenings").get_json()["total"] == 40
