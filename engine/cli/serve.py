"""``ipsdg serve``: the web app on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import click

from engine.cli import main


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to bind; 0.0.0.0 exposes the app to the network.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--db", "db_url", default=None, metavar="URL",
              help="SQLAlchemy database URL (e.g. postgresql://...); default: an SQLite file in instance/.")
@click.option("--rulesets", "rulesets_dir", default=None, type=click.Path(file_okay=False, exists=True),
              help="Rules directory (default: the shipped rulesets/).")
def serve(host: str, port: int, db_url: str | None, rulesets_dir: str | None) -> None:
    """Serve the web app (screening, history, portfolio, rule browser, JSON API)."""
    from werkzeug.serving import run_simple

    from web import create_app

    app = create_app({"DATABASE_URL": db_url, "RULESETS_DIR": rulesets_dir})
    click.echo(f"ipsdg web app on http://{host}:{port}/  (database: {app.extensions['ipsdg'].store.url})")
    run_simple(host, port, app, threaded=True)
