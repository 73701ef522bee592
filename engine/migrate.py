"""Schema migrations (Alembic, scripts in engine/migrations/): ``ipsdg db upgrade`` and the checks tests run.

``Store`` still creates a missing schema itself on first use (the embedded SQLite of ``make demo``); a
served database, PostgreSQL above all, is brought to the current schema with ``ipsdg db upgrade`` before
the server starts. A database made by ``Store`` before migrations existed holds exactly the baseline
(``0001``), so it is stamped at the baseline and then upgraded.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

SCRIPTS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"


def target_metadata() -> list[sa.MetaData]:
    from engine import audit, auth, review, store

    return [store.metadata, auth.metadata, audit.metadata, review.metadata]


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["connection"] = connection
    return config


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head() -> str:
    with sa.create_engine("sqlite://").connect() as conn:
        found = ScriptDirectory.from_config(_config(conn)).get_current_head()
    assert found is not None
    return found


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Bring the database to ``revision``; returns (before, after)."""
    before = current(engine)
    with engine.begin() as conn:
        if before is None and sa.inspect(conn).has_table("screenings"):
            command.stamp(_config(conn), BASELINE)  # made by Store.create_all: that is the baseline schema
        command.upgrade(_config(conn), revision)
    return before, current(engine)


def differences(engine: Engine) -> list[object]:
    """What the database lacks or has beyond the code's tables (empty when they match)."""
    from alembic.autogenerate import compare_metadata

    with engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                     target_metadata()))  # type: ignore[arg-type]  # a list works (Alembic docs)
