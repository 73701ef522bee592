"""Review pages: notes, sign-off with who and when, four eyes, supersede; history and portfolio show the state."""

from __future__ import annotations

import re
from datetime import date

import pytest

from engine import audit, auth
from engine.screen import load_inputs, screen
from tests.test_web import EXAMPLES
from tests.test_web_security import PASSWORD, csrf_of, make_app, sign_in


@pytest.fixture(scope="module")
def screened():
    deal, documents = load_inputs(EXAMPLES / "northfield-university-patent-abs.yaml")
    return screen(deal, documents, as_of=date(2026, 6, 30))


def _save(app, screening, n: int) -> list[int]:
    store = app.extensions["ipsdg"].store
    return [store.save(screening, deal_text="x", deal_filename="northfield.yaml", user="Ada") for _ in range(n)]


def _post(client, path: str, **data):
    token = csrf_of(client, "/screenings/new")
    return client.post(path, data={"csrf_token": token, **data})


@pytest.fixture
def local(tmp_path, screened):
    app = make_app(tmp_path)
    yield app, _save(app, screened, 2)
    app.extensions["ipsdg"].store.close()


def test_the_single_local_user_reviews_approves_and_supersedes(local):
    app, (first, second) = local
    client = app.test_client()
    page = client.get(f"/screenings/{first}").get_data(as_text=True)
    assert 'id="review-state">draft<' in page and 'id="review-local"' in page
    assert "Approval needs a different person from the one who reviewed" in page
    assert "you are the single local user" in page
    done = _post(client, f"/screenings/{first}/signoff", action="review", note="checked the LTV")
    assert done.status_code == 303 and done.headers["Location"].endswith(f"/screenings/{first}#review")
    assert _post(client, f"/screenings/{first}/signoff", action="approve").status_code == 303
    assert _post(client, f"/screenings/{first}/notes", text="approved for the Q3 book").status_code == 303
    page = client.get(f"/screenings/{first}").get_data(as_text=True)
    assert 'id="review-state">approved<' in page
    assert re.search(r"reviewed</span> by <strong>local user</strong> \(local user\) on \d{4}-\d\d-\d\d", page)
    assert "checked the LTV" in page and "approved for the Q3 book" in page
    portfolio = client.get("/portfolio?signoff=approved").get_data(as_text=True)
    assert f"/screenings/{second}" not in portfolio  # the portfolio shows the latest screening: still a draft
    assert _post(client, f"/screenings/{first}/signoff", action="supersede", superseded_by=second).status_code == 303
    history = client.get("/history").get_data(as_text=True)
    assert 'class="badge state-superseded">superseded<' in history and 'class="badge state-draft">draft<' in history
    _post(client, f"/screenings/{second}/signoff", action="review")
    _post(client, f"/screenings/{second}/signoff", action="approve")
    portfolio = client.get("/portfolio?signoff=approved").get_data(as_text=True)
    assert f"/screenings/{second}" in portfolio and 'state-approved">approved<' in portfolio
    csv = client.get("/portfolio.csv").get_data(as_text=True)
    assert csv.splitlines()[0].split(",")[:7] == ["screening_id", "deal_id", "deal_name", "label", "verdict",
                                                  "signoff", "grade"]
    actions = [(e.actor, e.detail["to"]) for e in reversed(audit.entries(app.extensions["ipsdg"].store.engine,
                                                                          action=audit.SIGN_OFF))]
    assert actions == [("local user", "reviewed"), ("local user", "approved"), ("local user", "superseded"),
                       ("local user", "reviewed"), ("local user", "approved")]


def test_refusals_are_pages_with_the_reason(local):
    app, (first, second) = local
    client = app.test_client()
    early = _post(client, f"/screenings/{first}/signoff", action="approve")
    assert early.status_code == 409 and "is draft; approve needs it to be reviewed" in early.get_data(as_text=True)
    older = _post(client, f"/screenings/{second}/signoff", action="supersede", superseded_by=first)
    assert older.status_code == 422 and "must be a newer screening of the same deal" in older.get_data(as_text=True)
    huge = _post(client, f"/screenings/{first}/signoff", action="supersede", superseded_by=str(2**70))
    assert huge.status_code == 422 and f"there is no stored screening #{2**70}" in huge.get_data(as_text=True)
    empty = _post(client, f"/screenings/{first}/notes", text="  ")
    assert empty.status_code == 422
    assert _post(client, "/screenings/99999/signoff", action="review").status_code == 404
    assert _post(client, f"/screenings/{2**70}/signoff", action="review").status_code == 404
    for text in ("lost", " "):  # the engine says the screening is missing; no separate lookup in the page
        assert _post(client, "/screenings/99999/notes", text=text).status_code == 404
    assert client.post(f"/screenings/{first}/signoff", data={"action": "review"}).status_code == 400  # no CSRF


@pytest.fixture
def secured(tmp_path, database_url, screened):
    app = make_app(tmp_path, database_url, AUTH_REQUIRED=True)
    engine = app.extensions["ipsdg"].store.engine
    for name, role in (("rita", "reviewer"), ("rex", "reviewer"), ("ada", "researcher"), ("root", "admin")):
        auth.add_user(engine, name, role, PASSWORD)
    yield app, _save(app, screened, 1)[0]
    app.extensions["ipsdg"].store.close()


def _as(app, name):
    client = app.test_client()
    assert sign_in(client, name).status_code == 303
    return client


def test_approval_needs_a_second_reviewer_and_researchers_only_annotate(secured):
    app, sid = secured
    ada, rita, rex = _as(app, "ada"), _as(app, "rita"), _as(app, "rex")
    refused = _post(ada, f"/screenings/{sid}/signoff", action="review")
    assert refused.status_code == 403 and "ada is a researcher" in refused.get_data(as_text=True)
    assert _post(ada, f"/screenings/{sid}/notes", text="the royalty curve is from 2024").status_code == 303
    page = ada.get(f"/screenings/{sid}").get_data(as_text=True)
    assert 'id="do-review"' not in page and 'id="add-note"' in page and "ada is a researcher" in page
    assert _post(rita, f"/screenings/{sid}/signoff", action="review").status_code == 303
    page = rita.get(f"/screenings/{sid}").get_data(as_text=True)
    assert 'id="do-approve"' not in page and "rita reviewed screening" in page  # the button is gone, and why
    assert 'id="review-you">You are rita (reviewer)' in page
    own = _post(rita, f"/screenings/{sid}/signoff", action="approve")
    assert own.status_code == 403 and "approval needs a different person" in own.get_data(as_text=True)
    assert 'id="do-approve"' in rex.get(f"/screenings/{sid}").get_data(as_text=True)
    assert _post(rex, f"/screenings/{sid}/signoff", action="approve").status_code == 303
    page = rex.get(f"/screenings/{sid}").get_data(as_text=True)
    assert 'id="review-state">approved<' in page and "the royalty curve is from 2024" in page
    assert "<strong>rita</strong> (reviewer)" in page and "<strong>rex</strong> (reviewer)" in page
    entries = audit.entries(app.extensions["ipsdg"].store.engine, action=audit.SIGN_OFF)
    assert [(e.actor, e.detail["role"], e.detail["to"]) for e in reversed(entries)] == [
        ("rita", "reviewer", "reviewed"), ("rex", "reviewer", "approved")]
