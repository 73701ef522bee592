"""The app's door and identity: Host allow-list, cross-origin writes refused, security headers and CSP,
no server paths in pages, sign-in, API tokens hashed at rest, roles, the audit log, ipsdg users/serve."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from engine import audit, auth
from engine.cli import main
from web import create_app

ROOT = Path(__file__).resolve().parents[1]
SOLARIS = ROOT / "examples" / "deals" / "solaris-green-patent-abs.yaml"
PASSWORD = "correct horse battery staple"


def make_app(tmp_path: Path, database_url: str | None = None, **config):
    return create_app({"TESTING": True, "DATABASE_URL": database_url or f"sqlite:///{tmp_path / 'sec.sqlite'}",
                       "UPLOAD_TMP": str(tmp_path), **config})


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    yield app
    app.extensions["ipsdg"].store.close()


@pytest.fixture
def client(app):
    return app.test_client()


def deal_form(user: str = "typed name") -> dict:
    return {"deal": (io.BytesIO(SOLARIS.read_bytes()), "solaris.yaml"), "user": user}


def post_api(client, headers: dict | None = None, user: str = "typed name"):
    return client.post("/api/v1/screenings?as_of=2026-06-30", data=deal_form(user),
                       content_type="multipart/form-data", headers=headers or {})


def csrf_of(client, path: str = "/screenings/new") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


# --- Host allow-list ------------------------------------------------------------------------------

@pytest.mark.parametrize("host", ["evil.example", "rebind.attacker.test:8000", "127.0.0.1.nip.io"])
def test_unknown_host_is_refused(client, host: str) -> None:
    response = client.get("/api/v1/screenings", headers={"Host": host})
    assert response.status_code == 400
    assert "Host" in response.get_json()["error"]["message"]


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1:8000", "[::1]:8000"])
def test_loopback_hosts_are_served_by_default(client, host: str) -> None:
    assert client.get("/api/v1/screenings", headers={"Host": host}).status_code == 200


def test_configured_hosts_and_subdomains(tmp_path: Path) -> None:
    app = make_app(tmp_path, ALLOWED_HOSTS=["ipsdg.example.org", ".corp.example"])
    client = app.test_client()
    assert client.get("/api/v1/screenings", headers={"Host": "ipsdg.example.org"}).status_code == 200
    assert client.get("/api/v1/screenings", headers={"Host": "a.corp.example:443"}).status_code == 200
    assert client.get("/api/v1/screenings", headers={"Host": "localhost"}).status_code == 400
    assert client.get("/api/v1/screenings", headers={"Host": "evilcorp.example"}).status_code == 400
    app.extensions["ipsdg"].store.close()


# --- cross-origin writes --------------------------------------------------------------------------

@pytest.mark.parametrize("headers", [{"Origin": "http://evil.example"}, {"Origin": "null"},
                                     {"Referer": "http://evil.example/page"},
                                     {"Origin": "https://localhost"},  # another scheme is another origin
                                     {"Origin": "http://localhost:9999"}])
def test_cross_origin_screening_is_refused_and_stores_nothing(app, client, headers: dict) -> None:
    response = post_api(client, headers)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    assert app.extensions["ipsdg"].store.count() == 0


def test_cross_origin_html_form_is_refused_too(client) -> None:
    token = csrf_of(client)
    response = client.post("/screenings/new", data={"example": "solaris-green-patent-abs.yaml", "csrf_token": token},
                           headers={"Origin": "http://evil.example"})
    assert response.status_code == 403


def test_same_origin_and_headerless_requests_pass(client) -> None:
    assert post_api(client, {"Origin": "http://localhost"}).status_code == 201
    assert post_api(client, {"Referer": "http://localhost/screenings/new"}).status_code == 201
    assert post_api(client).status_code == 201  # curl or a script: no browser page to forge


def test_a_valid_token_may_post_from_anywhere(app, client) -> None:
    engine = app.extensions["ipsdg"].store.engine
    auth.add_user(engine, "svc", "researcher", None)
    token = auth.create_token(engine, "svc", "ci")
    response = post_api(client, {"Origin": "http://evil.example", "Authorization": f"Bearer {token}"})
    assert response.status_code == 201
    assert response.get_json()["summary"]["user"] == "svc"
    bad = post_api(client, {"Origin": "http://evil.example", "Authorization": "Bearer ipsdg_not-a-token"})
    assert bad.status_code == 403


# --- headers, CSP, no inline script, no server paths ------------------------------------------

def _pages(client) -> list[str]:
    post_api(client)
    book_pages = ["/rules"]
    rulesets = client.get("/api/v1/rulesets").get_json()["items"]
    name = rulesets[0]["name"]
    rule = client.get(f"/api/v1/rulesets/{name}/rules").get_json()["items"][0]["id"]
    book_pages += [f"/rules/{name}", f"/rules/{name}/{rule}"]
    return ["/screenings/new", "/screenings", "/screenings/1", "/portfolio", "/no-such-page", *book_pages]


def test_every_page_has_the_security_headers_and_a_csp_its_styles_satisfy(client) -> None:
    for path in [*_pages(client), "/api/v1/screenings", "/api/v1/openapi.json"]:
        response = client.get(path)
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY", path
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        if response.mimetype != "text/html":
            continue
        html = response.get_data()
        assert not re.search(rb"<script(?![^>]*\bsrc=)", html), f"inline script on {path}"
        assert not re.search(rb"\son[a-z]+=", html), f"inline event handler on {path}"
        assert b" style=" not in html, f"style attribute on {path}"
        for block in re.findall(rb"<style>(.*?)</style>", html, re.DOTALL):
            digest = base64.b64encode(hashlib.sha256(block).digest()).decode()
            assert f"'sha256-{digest}'" in csp, path


def test_static_script_is_served(client) -> None:
    page = client.get("/portfolio").get_data(as_text=True)
    src = re.search(r'<script src="([^"]+)"', page).group(1)
    response = client.get(src)
    assert response.status_code == 200 and b"aria-sort" in response.data
    response.close()


def test_no_absolute_server_path_in_pages_or_api(client) -> None:
    root = str(ROOT)
    for path in _pages(client):
        assert root not in client.get(path).get_data(as_text=True), path
    name = client.get("/api/v1/rulesets").get_json()["items"][0]["name"]
    rules = client.get(f"/api/v1/rulesets/{name}/rules")
    assert root not in rules.get_data(as_text=True)
    assert rules.get_json()["items"][0]["source"]["path"].startswith("rulesets/")


# --- sign-in, roles, tokens, audit --------------------------------------------------------------

@pytest.fixture
def secured(tmp_path, database_url):  # SQLite and PostgreSQL (tests/conftest.py)
    app = make_app(tmp_path, database_url, AUTH_REQUIRED=True)
    engine = app.extensions["ipsdg"].store.engine
    auth.add_user(engine, "rita", "researcher", PASSWORD)
    auth.add_user(engine, "vera", "reviewer", PASSWORD)
    yield app
    app.extensions["ipsdg"].store.close()


def sign_in(client, name: str, password: str = PASSWORD):
    token = csrf_of(client, "/login")
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token, "next": "/portfolio"})


def test_signed_out_requests_meet_the_door(secured) -> None:
    client = secured.test_client()
    page = client.get("/portfolio")
    assert page.status_code == 303 and page.headers["Location"].startswith("/login?next=/portfolio")
    api = post_api(client)
    assert api.status_code == 401 and api.get_json()["error"]["code"] == "unauthorized"
    assert client.get("/api/v1/screenings").status_code == 401
    assert client.get("/api/v1/openapi.json").status_code == 200  # the description is public
    assert secured.extensions["ipsdg"].store.count() == 0


def test_wrong_password_is_refused_and_audited(secured) -> None:
    client = secured.test_client()
    assert sign_in(client, "rita", "wrong password!").status_code == 401
    assert sign_in(client, "nobody").status_code == 401
    assert client.get("/portfolio").status_code == 303
    failed = audit.entries(secured.extensions["ipsdg"].store.engine, action=audit.LOGIN_FAILED)
    assert [e.subject for e in failed] == ["nobody", "rita"]


def test_signed_in_researcher_screens_as_herself_whatever_is_typed(secured) -> None:
    client = secured.test_client()
    signed = sign_in(client, "rita")
    assert signed.status_code == 303 and signed.headers["Location"] == "/portfolio"
    assert "rita (researcher)" in client.get("/screenings/new").get_data(as_text=True)
    token = csrf_of(client)
    made = client.post("/screenings/new", data={"example": "solaris-green-patent-abs.yaml", "csrf_token": token,
                                                "user": "the CEO"})
    assert made.status_code == 303
    store = secured.extensions["ipsdg"].store
    [summary] = store.summaries()
    assert summary.user == "rita"
    [entry] = audit.entries(store.engine, action=audit.SCREENING)
    assert (entry.actor, entry.subject, entry.detail["via"]) == ("rita", f"screening:{summary.id}", "session")


def test_session_api_writes_need_the_csrf_header(secured) -> None:
    client = secured.test_client()
    sign_in(client, "rita")
    assert post_api(client).status_code == 400  # a cookie alone could be a forged cross-site request
    token = csrf_of(client)
    response = post_api(client, {"X-CSRF-Token": token})
    assert response.status_code == 201 and response.get_json()["summary"]["user"] == "rita"


def test_reviewer_cannot_screen_and_is_refused_before_any_work(secured) -> None:
    client = secured.test_client()
    sign_in(client, "vera")
    token = csrf_of(client)
    response = client.post("/screenings/new", data={"example": "solaris-green-patent-abs.yaml", "csrf_token": token})
    assert response.status_code == 403
    assert secured.extensions["ipsdg"].store.count() == 0


def test_a_reviewers_upload_is_refused_before_the_files_are_read(secured, monkeypatch) -> None:
    import web.api
    import web.blueprints.screenings
    import web.uploads

    def read(*_args, **_kwargs):
        pytest.fail("an upload was read before the role check")

    for module in (web.api, web.blueprints.screenings, web.uploads):
        monkeypatch.setattr(module, "read_deal_upload", read)
        monkeypatch.setattr(module, "read_document_uploads", read)
    monkeypatch.setattr(web.uploads, "read_bytes", read)
    token = auth.create_token(secured.extensions["ipsdg"].store.engine, "vera", "notebook")
    files = {**deal_form(), "documents": (io.BytesIO(b"%PDF-1.4 not read"), "circular.pdf")}
    api = secured.test_client().post("/api/v1/screenings", data=files, content_type="multipart/form-data",
                                     headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 403
    client = secured.test_client()
    sign_in(client, "vera")
    files = {**deal_form(), "documents": (io.BytesIO(b"%PDF-1.4 not read"), "circular.pdf"),
             "csrf_token": csrf_of(client)}
    page = client.post("/screenings/new", data=files, content_type="multipart/form-data")
    assert page.status_code == 403
    assert secured.extensions["ipsdg"].store.count() == 0


def test_token_is_stored_hashed_and_names_the_screener(secured, tmp_path: Path) -> None:
    engine = secured.extensions["ipsdg"].store.engine
    token = auth.create_token(engine, "rita", "notebook")
    response = post_api(secured.test_client(), {"Authorization": f"Bearer {token}"}, user="someone else")
    assert response.status_code == 201 and response.get_json()["summary"]["user"] == "rita"
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("sec.sqlite*"))  # the file and its write-ahead log
    assert token.encode() not in raw
    with engine.connect() as conn:
        stored = conn.execute(sa.select(auth.api_tokens.c.token_sha256)).scalars().all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    assert auth.revoke_tokens(engine, "rita") == 1
    assert post_api(secured.test_client(), {"Authorization": f"Bearer {token}"}).status_code == 401


def test_sign_out_ends_the_session(secured) -> None:
    client = secured.test_client()
    sign_in(client, "rita")
    token = csrf_of(client)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/portfolio").status_code == 303


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_login_never_redirects_off_site(secured, target: str) -> None:
    client = secured.test_client()
    token = csrf_of(client, "/login")
    response = client.post("/login", data={"name": "rita", "password": PASSWORD, "csrf_token": token,
                                           "next": target})
    assert response.headers["Location"] == "/screenings/new"


def test_audit_log_is_append_only_in_the_database(tmp_path: Path, database_url: str) -> None:
    store_app = make_app(tmp_path, database_url)
    engine = store_app.extensions["ipsdg"].store.engine
    audit.record(engine, "rita", audit.SIGN_OFF, "screening:1", {"note": "ok"})
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), engine.begin() as conn:
        conn.execute(sa.update(audit.audit_log).values(actor="mallory"))
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), engine.begin() as conn:
        conn.execute(sa.delete(audit.audit_log))
    assert [e.actor for e in audit.entries(engine)] == ["rita"]
    store_app.extensions["ipsdg"].store.close()


def test_passwords_are_scrypt_hashes_and_short_ones_are_refused(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    engine = app.extensions["ipsdg"].store.engine
    with pytest.raises(auth.AuthError, match="at least 12"):
        auth.add_user(engine, "short", "admin", "abc")
    auth.add_user(engine, "ann", "admin", PASSWORD)
    stored = sqlite3.connect(tmp_path / "sec.sqlite").execute("select password_hash from users").fetchone()[0]
    assert stored.startswith("scrypt$") and PASSWORD not in stored
    assert auth.authenticate(engine, "ann", PASSWORD) is not None
    assert auth.authenticate(engine, "ann", PASSWORD + "x") is None
    app.extensions["ipsdg"].store.close()


def test_an_unknown_name_costs_one_scrypt_like_a_known_one(tmp_path: Path, monkeypatch) -> None:
    app = make_app(tmp_path)
    engine = app.extensions["ipsdg"].store.engine
    auth.add_user(engine, "ann", "admin", PASSWORD)
    auth.authenticate(engine, "nobody", PASSWORD)  # the dummy hash is made once, on the first unknown name
    calls = []
    real = hashlib.scrypt
    monkeypatch.setattr(auth.hashlib, "scrypt", lambda *a, **k: calls.append(1) or real(*a, **k))
    for name in ("nobody", "someone else", "ann"):
        calls.clear()
        assert auth.authenticate(engine, name, PASSWORD + "x") is None
        assert len(calls) == 1, name
    assert auth.authenticate(engine, "nobody", "") is None
    app.extensions["ipsdg"].store.close()


# --- ipsdg users / serve ------------------------------------------------------------------------

def test_users_cli_adds_lists_and_issues_tokens(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    runner = CliRunner()
    added = runner.invoke(main, ["users", "add", "ann", "--role", "admin", "--db", url],
                          input=f"{PASSWORD}\n{PASSWORD}\n")
    assert added.exit_code == 0, added.output
    again = runner.invoke(main, ["users", "add", "ann", "--role", "admin", "--password-stdin", "--db", url],
                          input=f"{PASSWORD}\n")
    assert again.exit_code == 2 and "already exists" in again.stderr
    short = runner.invoke(main, ["users", "add", "bob", "--role", "reviewer", "--password-stdin", "--db", url],
                          input="short\n")
    assert short.exit_code == 2 and "at least 12" in short.stderr
    listed = runner.invoke(main, ["users", "list", "--db", url])
    assert listed.stdout.splitlines() == ["ann\tadmin"]
    token = runner.invoke(main, ["users", "token", "ann", "--db", url]).stdout.strip()
    assert token.startswith("ipsdg_") and len(token) > 40
    engine = sa.create_engine(url)
    assert auth.token_user(engine, token) == auth.User(1, "ann", "admin")
    assert [e.action for e in audit.entries(engine)] == [audit.TOKEN_CREATE, audit.USER_ADD]
    engine.dispose()
    log = runner.invoke(main, ["audit", "--db", url]).stdout.splitlines()
    assert [line.split("\t")[1:4] for line in log] == [["cli", "token.create", "ann"], ["cli", "user.add", "ann"]]
    assert token not in "".join(log)


def test_users_add_has_no_default_role_or_password() -> None:
    result = CliRunner().invoke(main, ["users", "add", "ann"])
    assert result.exit_code == 2 and "--role" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--host", "0.0.0.0"], "without sign-in"),
    (["--host", "0.0.0.0", "--auth"], "no users"),
])
def test_serve_refuses_to_expose_an_open_server(tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["serve", *args, "--db", f"sqlite:///{tmp_path / 's.sqlite'}"])
    assert result.exit_code == 2
    assert message in result.stderr


def test_serve_off_loopback_needs_the_public_host_names(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    CliRunner().invoke(main, ["users", "add", "ann", "--role", "admin", "--password-stdin", "--db", url],
                       input=f"{PASSWORD}\n")
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--auth", "--db", url])
    assert result.exit_code == 2 and "--allowed-host" in result.stderr
