"""``ipsdg db``: bring a served database to the current schema (Alembic migrations in engine/migrations/)."""

from __future__ import annotations

import click

from engine.cli import main

DB_HELP = "Database URL (default: the SQLite file in instance/)."


def _url(db_url: str | None) -> str:
    if db_url is not None:
        return db_url
    from web import default_database_url

    return default_database_url()


@main.group()
def db() -> None:
    """Schema migrations of the screening database (run before ipsdg serve after an upgrade)."""


@db.command()
@click.option("--db", "db_url", default=None, metavar="URL", help=DB_HELP)
def upgrade(db_url: str | None) -> None:
    """Migrate the database to the newest schema (an empty one is created; a pre-migration one is stamped)."""
    from engine import migrate
    from engine.store import _make_engine

    engine = _make_engine(_url(db_url))
    try:
        before, after = migrate.upgrade(engine)
    finally:
        engine.dispose()
    click.echo(f"schema {before or '(none)'} -> {after}")


@db.command()
@click.option("--db", "db_url", default=None, metavar="URL", help=DB_HELP)
def current(db_url: str | None) -> None:
    """Print the database's schema revision and the newest one."""
    from engine import migrate
    from engine.store import _make_engine

    engine = _make_engine(_url(db_url))
    try:
        click.echo(f"database {migrate.current(engine) or '(none)'}, newest {migrate.head()}")
    finally:
        engine.dispose()
