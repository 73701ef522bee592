"""Alembic migrations on SQLite and PostgreSQL: the baseline is exactly the code's schema, a database the
Store made before migrations is adopted, and ``ipsdg db upgrade`` is idempotent."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from engine import audit, auth, migrate, review
from engine.cli import main
from engine.store import Store, _make_engine


def test_upgrading_an_empty_database_gives_exactly_the_code_schema(database_url: str) -> None:
    engine = _make_engine(database_url)
    assert migrate.upgrade(engine) == (None, migrate.head())
    assert migrate.differences(engine) == []
    audit.record(engine, "ann", audit.SIGN_OFF, "screening:1")
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), engine.begin() as conn:
        conn.execute(sa.delete(audit.audit_log))  # the triggers come with the migration too
    engine.dispose()


def test_a_database_made_by_the_store_is_stamped_and_matches(database_url: str) -> None:
    store = Store(database_url)
    auth.ensure_schema(store.engine)
    assert migrate.current(store.engine) is None
    assert migrate.upgrade(store.engine) == (None, migrate.head())
    assert migrate.differences(store.engine) == []
    store.close()


def test_db_upgrade_command_is_idempotent(database_url: str) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["db", "upgrade", "--db", database_url])
    assert first.exit_code == 0, first.output
    assert first.stdout.strip() == f"schema (none) -> {migrate.head()}"
    second = runner.invoke(main, ["db", "upgrade", "--db", database_url])
    assert second.stdout.strip() == f"schema {migrate.head()} -> {migrate.head()}"
    current = runner.invoke(main, ["db", "current", "--db", database_url])
    assert current.stdout.strip() == f"database {migrate.head()}, newest {migrate.head()}"
    store = Store(database_url)  # the app then finds the schema in place
    assert store.count() == 0
    store.close()


def test_downgrade_to_nothing_and_back(database_url: str) -> None:
    engine = _make_engine(database_url)
    migrate.upgrade(engine)
    migrate.upgrade(engine, "head")
    from alembic import command

    with engine.begin() as conn:
        command.downgrade(migrate._config(conn), "base")
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)
    assert migrate.differences(engine) == []
    engine.dispose()


def test_a_database_made_by_the_app_with_review_tables_is_adopted(database_url: str) -> None:
    store = Store(database_url)  # the app creates the screening, identity and review tables on first use
    auth.ensure_schema(store.engine)
    review.ensure_schema(store.engine)
    assert migrate.upgrade(store.engine) == (None, migrate.head())
    assert migrate.head() == "0002"
    assert migrate.differences(store.engine) == []
    store.close()
