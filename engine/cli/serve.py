"""``ipsdg serve``: the web app under gunicorn, on 127.0.0.1 unless told otherwise.

gunicorn's sync workers are separate processes, each handling one request at a time; the arbiter kills
and replaces a worker whose request runs past ``--timeout``. So a stuck screening costs one worker for
at most that long and never holds the server, which threads (waitress, Werkzeug) cannot promise: a
thread cannot be stopped. The app is built once in the arbiter (``preload_app``) so every worker shares
one secret key (sessions survive which worker answers); database pools are reopened after the fork.

Off loopback, serve refuses to start without sign-in (``--auth`` and at least one user made with
``ipsdg users add``) and without the public host names (``--allowed-host``). Sync workers should sit
behind a buffering proxy (nginx, a load balancer) that terminates TLS and absorbs slow clients.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from engine.cli import main

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def run_server(app: Any, host: str, port: int, *, workers: int = 2, timeout: int = 120,
               on_ready: Any = None) -> None:
    """Serve a WSGI app with gunicorn sync workers until stopped (SIGINT/SIGTERM)."""
    from gunicorn.app.base import BaseApplication

    def post_fork(server: Any, worker: Any) -> None:
        services = getattr(app, "extensions", {}).get("ipsdg")
        if services is not None:  # connections opened in the arbiter must not be shared with the workers
            services.store.engine.dispose(close=False)

    options = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers, "worker_class": "sync", "timeout": timeout, "graceful_timeout": 30,
        "keepalive": 5, "preload_app": True, "post_fork": post_fork, "accesslog": "-", "errorlog": "-",
        "limit_request_line": 8190, "limit_request_fields": 100, "limit_request_field_size": 8190,
        "proc_name": "ipsdg", "control_socket_disable": True,
    }
    if on_ready is not None:
        options["when_ready"] = on_ready

    class Server(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type stubs
        def load_config(self) -> None:
            for key, value in options.items():
                if key in self.cfg.settings:
                    self.cfg.set(key, value)

        def load(self) -> Any:
            return app

    Server().run()


def check_exposure(host: str, auth: bool, users: int, allowed_hosts: tuple[str, ...]) -> str | None:
    """Why the server must not start on ``host`` as configured, or None."""
    if host in LOOPBACK:
        return None
    if not auth:
        return (f"refusing to serve on {host} without sign-in: add --auth (and create users with "
                "ipsdg users add NAME --role ...), or serve on 127.0.0.1")
    if users == 0:
        return "--auth is set but the database has no users: create one with ipsdg users add NAME --role admin"
    if not allowed_hosts:
        return (f"serving on {host} needs the host name(s) clients use: --allowed-host ipsdg.example.org "
                "(requests for any other Host are refused)")
    return None


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to bind; 0.0.0.0 exposes the app to the network (needs --auth and --allowed-host).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--db", "db_url", default=None, metavar="URL",
              help="SQLAlchemy database URL (e.g. postgresql+psycopg://...); default: an SQLite file in instance/.")
@click.option("--rulesets", "rulesets_dir", default=None, type=click.Path(file_okay=False, exists=True),
              help="Rules directory (default: the shipped rulesets/).")
@click.option("--auth", "auth_required", is_flag=True,
              help="Require sign-in (session or API token) for every page and call; always needed off loopback.")
@click.option("--allowed-host", "allowed_hosts", multiple=True, metavar="NAME",
              help="Host name clients use (repeatable; '.example.org' allows subdomains). Default: loopback names.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes (each serves one request at a time).")
@click.option("--timeout", default=120, show_default=True, type=click.IntRange(5, 3600),
              help="Seconds a request may run before its worker is killed and replaced.")
@click.option("--secure-cookies", is_flag=True, help="Session cookie only over HTTPS (set behind a TLS proxy).")
def serve(host: str, port: int, db_url: str | None, rulesets_dir: str | None, auth_required: bool,
          allowed_hosts: tuple[str, ...], workers: int, timeout: int, secure_cookies: bool) -> None:
    """Serve the web app (screening, history, portfolio, rule browser, JSON API) with gunicorn."""
    from engine import auth
    from web import create_app
    from web.uploads import clean_stale_uploads

    config: dict[str, Any] = {"DATABASE_URL": db_url, "RULESETS_DIR": rulesets_dir, "AUTH_REQUIRED": auth_required,
                              "ALLOWED_HOSTS": list(allowed_hosts) or None, "SESSION_COOKIE_SECURE": secure_cookies}
    if os.environ.get("IPSDG_SECRET_KEY"):
        config["SECRET_KEY"] = os.environ["IPSDG_SECRET_KEY"]
    app = create_app(config)
    store = app.extensions["ipsdg"].store
    problem = check_exposure(host, auth_required, auth.user_count(store.engine), allowed_hosts)
    if problem:
        click.echo(f"ipsdg serve: {problem}", err=True)
        sys.exit(2)
    removed = clean_stale_uploads(app.extensions["ipsdg"].upload_tmp)
    from sqlalchemy.engine import make_url

    shown = make_url(store.url).render_as_string(hide_password=True)
    click.echo(f"ipsdg web app on http://{host}:{port}/  (database: {shown}; sign-in "
               f"{'required' if auth_required else 'off'}; {workers} workers, {timeout} s timeout"
               f"{f'; removed {removed} stale upload folder(s)' if removed else ''})")
    run_server(app, host, port, workers=workers, timeout=timeout)
