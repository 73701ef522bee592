"""Shared fixtures. Keep this file small; append fixtures with small edits."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def repo_root() -> Path:
    """The checkout: examples/, rulesets/ and tests/fixtures/ are found from here."""
    return ROOT


@pytest.fixture
def deal_fixtures() -> Path:
    """tests/fixtures/deals: minimal.yaml (valid), several_problems.yaml and bad/ (one file per failure mode)."""
    return ROOT / "tests" / "fixtures" / "deals"


# --- databases: every test that takes ``database_url`` runs on SQLite and on PostgreSQL ----------
# PostgreSQL runs where IPSDG_TEST_POSTGRES_URL names a server whose role may create databases
# (.ci/start-postgres starts one and .ci/run exports it); without it the PostgreSQL variants skip,
# unless IPSDG_REQUIRE_POSTGRES=1 (CI), where a missing server fails them.
POSTGRES_URL_ENV = "IPSDG_TEST_POSTGRES_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path):
    """A fresh, empty database URL: an SQLite file, or a new PostgreSQL database dropped afterwards."""
    import os
    import uuid

    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    import sqlalchemy as sa

    server = os.environ.get(POSTGRES_URL_ENV)
    if not server:
        if os.environ.get("IPSDG_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{POSTGRES_URL_ENV} is not set but IPSDG_REQUIRE_POSTGRES=1")
        pytest.skip(f"no PostgreSQL: set {POSTGRES_URL_ENV} (bash .ci/start-postgres prints one)")
    url = sa.make_url(server)
    name = f"ipsdg_t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(autouse=True, scope="session")
def _private_policy_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Compiled rule books go to a temporary folder, not the user's ~/.cache/ipsdg (engine.rules.diskcache)."""
    import os

    os.environ["IPSDG_CACHE_DIR"] = str(tmp_path_factory.mktemp("ipsdg-cache"))
