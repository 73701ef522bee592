"""The ipsdg web app: a thin Flask shell over the engine and the screening store.

``create_app(config)`` builds an app; pages come in blueprints per family
(screenings, portfolio, rules) and the JSON API lives under ``/api/v1/``. The
app never writes rule files: rule sets are read-only here.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from engine import review
from engine.store import Store, sqlite_url
from web import auth, csrf, errors, security, templating
from web.services import EXAMPLES_DIR, Services

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def default_database_url() -> str:
    """The SQLite file ``ipsdg serve`` uses without --db (instance/ipsdg.sqlite beside the project)."""
    return sqlite_url(Path(Flask(__name__, instance_relative_config=True).instance_path) / "ipsdg.sqlite")


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. Config keys: DATABASE_URL, MAX_CONTENT_LENGTH, SECRET_KEY, RULESETS_DIR, EXAMPLES_DIR,
    ALLOWED_HOSTS (Host names served; default the loopback names), AUTH_REQUIRED (sign-in for everything)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES,
        SECRET_KEY=secrets.token_hex(32),  # per process; set SECRET_KEY when several processes serve one site
        DATABASE_URL=None,
        RULESETS_DIR=None,  # None: the rule sets shipped in rulesets/
        EXAMPLES_DIR=str(EXAMPLES_DIR),
        UPLOAD_TMP=tempfile.gettempdir(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        ALLOWED_HOSTS=None,  # None: 127.0.0.1, localhost, ::1 (web/security.py)
        AUTH_REQUIRED=False,
    )
    app.config.update(config or {})
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep the documented field order
    # Flask 3.1 caps non-file form fields separately; keep it in line with the upload limit.
    app.config.setdefault("MAX_FORM_MEMORY_SIZE", 1024 * 1024)
    url = app.config["DATABASE_URL"] or default_database_url()
    app.extensions["ipsdg"] = Services(
        store=Store(url),
        templates=templating.environment(),
        rulesets_dir=app.config["RULESETS_DIR"],
        examples_dir=Path(app.config["EXAMPLES_DIR"]),
        upload_tmp=Path(app.config["UPLOAD_TMP"]),
    )

    from web.api import bp as api_bp
    from web.blueprints import apidocs, portfolio, rules, screenings
    from web.blueprints import review as review_pages

    app.register_blueprint(screenings.bp)
    app.register_blueprint(portfolio.bp)
    app.register_blueprint(rules.bp)
    app.register_blueprint(review_pages.bp)
    app.register_blueprint(apidocs.bp)
    app.register_blueprint(api_bp)
    security.init_app(app)
    csrf.init_app(app)
    auth.init_app(app)
    review.ensure_schema(app.extensions["ipsdg"].store.engine)
    errors.init_app(app)
    return app
