"""CSRF protection for the HTML forms: a per-session token every POST must echo.

The JSON API under /api/ is exempt: it uses no cookies or sessions, so a
foreign page cannot ride on a logged-in browser there.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, request, session
from werkzeug.exceptions import BadRequest

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class CSRFError(BadRequest):
    code = 400
    description = ("The form has expired or did not come from this site (missing or wrong CSRF token). "
                   "Reload the page and submit it again.")


def token() -> str:
    """The session's token, created on first use (templates call this in every form)."""
    if FIELD not in session:
        session[FIELD] = secrets.token_urlsafe(32)
    value: str = session[FIELD]
    return value


def _check() -> None:
    if request.method not in _UNSAFE or request.path.startswith("/api/"):
        return
    expected = session.get(FIELD)
    sent = request.form.get(FIELD) or request.headers.get(HEADER)
    if not expected or not sent or not hmac.compare_digest(str(expected), str(sent)):
        raise CSRFError()


def init_app(app: Flask) -> None:
    app.before_request(_check)
