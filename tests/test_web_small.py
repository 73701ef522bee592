"""Small things: the API docs page (served locally, from the same OpenAPI description), reference URLs as
links (http(s) only), and the form script that guards against double submits."""

from __future__ import annotations

import re

import pytest

from web import create_app
from web.api.openapi import PATHS


@pytest.fixture
def app(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'small.sqlite'}"})
    yield app
    app.extensions["ipsdg"].store.close()


def test_api_docs_page_lists_every_operation_without_anything_from_elsewhere(app):
    client = app.test_client()
    page = client.get("/api-docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for path, ops in PATHS.items():
        for method in ops:
            assert f'<span class="method">{method.upper()}</span> <code>{path}</code>' in html
    assert 'id="openapi-json" href="/api/v1/openapi.json"' in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # no CDN: every asset from this site
    assert 'href="/api-docs">API</a>' in client.get("/portfolio").get_data(as_text=True)


def test_api_docs_page_is_open_when_sign_in_is_required(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'auth.sqlite'}",
                      "AUTH_REQUIRED": True})
    assert app.test_client().get("/api-docs").status_code == 200
    assert app.test_client().get("/portfolio").status_code == 303
    app.extensions["ipsdg"].store.close()


def test_rule_references_with_a_web_address_are_links(app):
    html = app.test_client().get("/rules/mapping-use-of-proceeds").get_data(as_text=True)
    assert re.search(r'<a class="ref" href="https://www\.icmagroup\.org/[^"]+" rel="noopener noreferrer">', html)
    with app.test_request_context("/"):
        macro = app.extensions["ipsdg"].templates.get_template("macros_web.html.j2").module.ref_link
        assert str(macro({"title": "T", "url": "javascript:alert(1)"})) == "T"  # only http(s) becomes a link
        assert str(macro({"title": "T", "url": None})) == "T"


def test_every_page_with_a_posting_form_loads_the_guard_script(app):
    client = app.test_client()
    for path in ("/screenings/new",):
        html = client.get(path).get_data(as_text=True)
        assert '<script src="/static/forms.js"></script>' in html
        assert 'class="busy" id="screening-busy" hidden' in html
    script = client.get("/static/forms.js")
    assert script.status_code == 200 and b"dataset.sent" in script.get_data()
    script.close()


def test_shown_paths_resolve_the_roots_once_per_rules_folder(app, tmp_path):
    from pathlib import Path

    from web import templating

    templating._roots.cache_clear()
    project = Path(templating.__file__).resolve().parents[1]
    with app.test_request_context("/"):
        assert templating.shown_path(project / "web" / "templating.py") == "web/templating.py"
        assert templating.shown_path(project / "engine" / "store.py") == "engine/store.py"
        assert templating.shown_path(tmp_path / "elsewhere" / "deal.yaml") == "deal.yaml"  # never absolute
        assert templating.shown_path(None) == ""
    info = templating._roots.cache_info()
    assert (info.misses, info.hits) == (1, 2)
