"""The app's door: which Host it answers, which origins may change state, the headers every response carries.

- ``Host`` allow-list (``ALLOWED_HOSTS``; default the loopback names): any other Host is a 400, so a DNS
  rebinding page cannot talk to a server bound on 127.0.0.1.
- State-changing requests (POST, PUT, PATCH, DELETE) that come from a browser must be same-origin: an
  ``Origin`` (or, without one, a ``Referer``) naming another site is refused with 403 unless the request
  carries a valid API token (``Authorization: Bearer ...``), which a foreign page cannot read. Requests
  with neither header are not from a browser page (curl, scripts); they pass here and meet
  authentication (web/auth.py) when it is configured.
- Headers: a CSP with no inline script (styles: only the exact ``<style>`` blocks this response carries,
  by hash), ``X-Frame-Options: DENY``, ``nosniff``, ``Referrer-Policy: same-origin``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlsplit

from flask import Flask, Response, request
from werkzeug.exceptions import BadRequest, Forbidden

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_STYLE = re.compile(rb"<style>(.*?)</style>", re.DOTALL)


class HostNotAllowed(BadRequest):
    description = "This server does not answer for that host name (Host header not in ALLOWED_HOSTS)."


class CrossOrigin(Forbidden):
    description = ("A request that changes data came from another site (its Origin or Referer is not this "
                   "server). Use the page on this server, or an API token for programs.")


def _host_name(value: str) -> str:
    """``host[:port]`` -> host, lower case; IPv6 literals keep their brackets."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[: value.find("]") + 1] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def host_allowed(host: str, allowed: Iterable[str]) -> bool:
    """Exact names, or ``.example.org`` for the domain and its subdomains; ``*`` allows any."""
    name = _host_name(host)
    for entry in allowed:
        entry = entry.strip().lower()
        if entry == "*" or name == _host_name(entry):
            return True
        if entry.startswith(".") and (name == entry[1:] or name.endswith(entry)):
            return True
    return False


def _check_host() -> None:
    from flask import current_app

    allowed = current_app.config.get("ALLOWED_HOSTS") or LOOPBACK_HOSTS
    if not host_allowed(request.headers.get("Host", ""), allowed):
        raise HostNotAllowed()


def _same_origin(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.netloc) and parts.scheme in ("http", "https") and \
        parts.netloc.lower() == request.host.lower() and parts.scheme == request.scheme


def _check_origin() -> None:
    if request.method not in _UNSAFE:
        return
    origin = request.headers.get("Origin")
    referer = request.headers.get("Referer")
    if origin is None and not referer:
        return  # not a browser page: nothing to forge here (authentication still applies)
    if _same_origin(origin) if origin is not None else _same_origin(referer or ""):
        return
    from web import auth

    if auth.bearer_user() is not None:  # a program with a valid token; a foreign page cannot hold one
        return
    raise CrossOrigin()


@lru_cache(maxsize=256)
def _style_hash(block: bytes) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(block).digest()).decode() + "'"


def _headers(response: Response) -> Response:
    styles = ""
    if response.mimetype == "text/html" and not response.direct_passthrough:
        blocks = dict.fromkeys(_style_hash(b) for b in _STYLE.findall(response.get_data()))
        styles = " ".join(blocks)
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; script-src 'self'; " f"style-src 'self' {styles}".rstrip() + "; "
        "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    return response


def init_app(app: Flask) -> None:
    # registered first, so a refused Host or origin never reaches CSRF, auth or a view
    app.before_request_funcs.setdefault(None, []).insert(0, _check_origin)
    app.before_request_funcs[None].insert(0, _check_host)
    app.after_request(_headers)
