"""Precision and recall of `ipsdg extract` per field on the development set (tests/extraction_dev/).

    .venv/bin/python benchmarks/extract_accuracy.py [-v]

Fields: use-of-proceeds categories (with the share when the passage gives one), KPI values
(metric and normalised value) and external reviewers (provider and review type). Each passage
is read as a one-page document. tests/test_extract_dev.py asserts floors on these figures.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from engine.documents import read_bytes
from engine.extract import extract

DEV = Path(__file__).resolve().parents[1] / "tests" / "extraction_dev"
FIELDS = ("use_of_proceeds", "kpis", "reviews")


def passages(folder: Path = DEV) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.yaml")):
        out.extend(YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))["passages"])
    return out


def facts(text: str) -> dict[str, set[tuple[Any, ...]]]:
    found = extract(read_bytes(text.encode("utf-8"), name="passage.txt"))
    return {
        "use_of_proceeds": {(u.category, u.share_pct) for u in found.use_of_proceeds},
        "kpis": {(k.metric, round(k.normalized_value, 3)) for k in found.kpis},
        "reviews": {(r.provider, r.type) for r in found.external_reviews},
    }


def expected(passage: dict[str, Any]) -> dict[str, set[tuple[Any, ...]]]:
    want = passage.get("expect") or {}
    return {
        "use_of_proceeds": {(c, None if s is None else float(s)) for c, s in want.get("use_of_proceeds", [])},
        "kpis": {(m, round(float(v), 3)) for m, v in want.get("kpis", [])},
        "reviews": {(p, t) for p, t in want.get("reviews", [])},
    }


def score(items: Iterable[dict[str, Any]] | None = None, verbose: bool = False) -> dict[str, dict[str, float]]:
    """Per field: true positives, false positives, false negatives, precision, recall."""
    counts = {f: {"tp": 0, "fp": 0, "fn": 0} for f in FIELDS}
    for passage in items if items is not None else passages():
        got, want = facts(passage["text"]), expected(passage)
        for field in FIELDS:
            counts[field]["tp"] += len(got[field] & want[field])
            counts[field]["fp"] += len(got[field] - want[field])
            counts[field]["fn"] += len(want[field] - got[field])
            if verbose and got[field] != want[field]:
                print(f"  {passage['id']} {field}: extra {sorted(got[field] - want[field], key=str)} "
                      f"missed {sorted(want[field] - got[field], key=str)}")
    out: dict[str, dict[str, float]] = {}
    for field, c in counts.items():
        precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
        out[field] = {**c, "precision": precision, "recall": recall}
    return out


def _file(path: Path) -> list[dict[str, Any]]:
    return list(YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))["passages"])


def main() -> None:
    verbose = "-v" in sys.argv
    sets = [(p.name, _file(p)) for p in sorted(DEV.glob("*.yaml"))] + [("all", passages())]
    for name, items in sets:
        result = score(items, verbose=verbose and name != "all")
        print(f"\n{name}: {len(items)} passages")
        print(f"{'field':18} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>8}")
        for field, r in result.items():
            print(f"{field:18} {r['tp']:>4} {r['fp']:>4} {r['fn']:>4} {r['precision']:>10.3f} {r['recall']:>8.3f}")


if __name__ == "__main__":
    main()
