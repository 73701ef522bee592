"""Who is asking: a browser session (login form) or an API token (``Authorization: Bearer ipsdg_...``).

With ``AUTH_REQUIRED`` (``ipsdg serve --auth``, and always off loopback) every page and API call needs a
signed-in user or a token, screenings need the researcher or admin role, and the name stored with a
screening is the signed-in user's. Without it (``make demo`` on 127.0.0.1, one local user) nothing asks
for a login and the "Your name" field is the free text it always was.

API calls that ride on a browser session (cookie, no token) and change data must send the session's
CSRF token in ``X-CSRF-Token``; token calls need none (a foreign page cannot read a token).
"""

from __future__ import annotations

import hmac
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, g, redirect, request, session, url_for
from werkzeug.exceptions import Forbidden, Unauthorized

from engine import audit, review
from engine import auth as users
from engine.store import clean_user
from web import csrf
from web.services import services

bp = Blueprint("auth", __name__)
_OPEN = frozenset({"auth.login", "auth.login_post", "static", "api.openapi", "apidocs.index"})
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class SignInRequired(Unauthorized):
    description = "Sign in first: this server needs a user (session login) or an API token (Authorization: Bearer)."


class NotAllowed(Forbidden):
    description = "Your role does not allow this."


def required() -> bool:
    return bool(current_app.config.get("AUTH_REQUIRED"))


def bearer_user() -> users.User | None:
    """The user of a valid ``Authorization: Bearer`` token, or None."""
    if "_bearer" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        g._bearer = (users.token_user(services().store.engine, token.strip())
                     if scheme.lower() == "bearer" and token else None)
    found: users.User | None = g._bearer
    return found


def current_user() -> users.User | None:
    """The token's user, else the session's, else None."""
    if "_user" not in g:
        user = bearer_user()
        if user is None and isinstance(session.get("user_id"), int):
            user = users.get_user(services().store.engine, session["user_id"])
        g._user = user
    found: users.User | None = g._user
    return found


def screening_user(typed: str | None) -> str:
    """The name stored with a screening: the signed-in user's; free text only when no sign-in is configured."""
    user = current_user()
    if user is not None:
        if not user.can_screen:
            raise NotAllowed(f"{user.name} is a {user.role}; screening needs the researcher or admin role.")
        return user.name
    if required():
        raise SignInRequired()
    return clean_user(typed)


LOCAL_USER = "local user"


def review_actor() -> review.Actor:
    """Who signs off or annotates: the signed-in user with their role; without sign-in configured, the
    single local user (role None: engine/review.py lets one person do every step, and the page says so)."""
    user = current_user()
    if user is not None:
        return review.Actor(user.name, user.role)
    if required():
        raise SignInRequired()
    return review.Actor(LOCAL_USER, None)


def _gate() -> Any:
    user = current_user()
    if (request.path.startswith("/api/") and request.method in _UNSAFE and user is not None
            and bearer_user() is None):
        sent = request.headers.get(csrf.HEADER, "")
        expected = session.get(csrf.FIELD)
        if not expected or not hmac.compare_digest(str(expected), sent):
            raise csrf.CSRFError()
    if not required() or request.endpoint in _OPEN or user is not None:
        return None
    if request.path.startswith("/api/"):
        raise SignInRequired()
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")), code=303)


def _local(target: str | None) -> str:
    """Only a path on this site (no scheme, no host, no //evil): an open redirect is a phishing aid."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("screenings.new")
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else url_for("screenings.new")


@bp.get("/login")
def login() -> Any:
    from web.templating import render

    return render("login.html.j2", next=_local(request.args.get("next")), failed=False)


@bp.post("/login")
def login_post() -> Any:
    from web.templating import render

    name = request.form.get("name", "").strip()[:100]
    engine = services().store.engine
    user = users.authenticate(engine, name, request.form.get("password", ""))
    if user is None:
        audit.record(engine, name or "(empty)", audit.LOGIN_FAILED, name or "(empty)",
                     {"remote": request.remote_addr})
        return render("login.html.j2", next=_local(request.form.get("next")), failed=True), 401
    token = session.get(csrf.FIELD)
    session.clear()  # a fresh session on sign-in (no fixation); keep the form token
    if token:
        session[csrf.FIELD] = token
    session["user_id"] = user.id
    audit.record(engine, user.name, audit.LOGIN, user.name, {"remote": request.remote_addr})
    return redirect(_local(request.form.get("next")), code=303)


@bp.post("/logout")
def logout() -> Any:
    session.clear()
    return redirect(url_for("auth.login") if required() else url_for("screenings.new"), code=303)


def init_app(app: Flask) -> None:
    users.ensure_schema(app.extensions["ipsdg"].store.engine)
    app.register_blueprint(bp)
    app.before_request(_gate)
