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


@pytest.fixture(autouse=True, scope="session")
def _private_policy_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Compiled rule books go to a temporary folder, not the user's ~/.cache/ipsdg (engine.rules.diskcache)."""
    import os

    os.environ["IPSDG_CACHE_DIR"] = str(tmp_path_factory.mktemp("ipsdg-cache"))
