"""Precision and recall on the development set stay above the floors the issue sets (0.9 per field)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_SPEC = importlib.util.spec_from_file_location(
    "extract_accuracy", Path(__file__).resolve().parents[1] / "benchmarks" / "extract_accuracy.py")
assert _SPEC is not None and _SPEC.loader is not None
accuracy = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(accuracy)

FLOOR = 0.9


@pytest.fixture(scope="module")
def scores() -> dict[str, dict[str, float]]:
    result: dict[str, dict[str, float]] = accuracy.score()
    return result


@pytest.mark.parametrize("field", ["use_of_proceeds", "kpis", "reviews"])
def test_precision_and_recall_floors(scores: dict[str, dict[str, float]], field: str) -> None:
    assert scores[field]["precision"] >= FLOOR, scores[field]
    assert scores[field]["recall"] >= FLOOR, scores[field]
    assert scores[field]["tp"] >= 5  # the set really exercises the field


def test_tricky_negatives_yield_nothing() -> None:
    negatives = [p for p in accuracy.passages() if not p.get("expect")]
    assert len(negatives) >= 10
    for passage in negatives:
        got = accuracy.facts(passage["text"])
        assert not any(got.values()), (passage["id"], got)
