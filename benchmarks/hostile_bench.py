"""Bounded work (issue 18): validate time per asset count (linear?) and how fast each hostile input is refused.

Run: .venv/bin/python benchmarks/hostile_bench.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine import deals, documents  # noqa: E402
from engine.errors import InputError  # noqa: E402
from tests.test_hostile import ALIAS_BOMB, DOCX_BOMB, LYING_PDF, deep_json, deep_yaml, many_assets  # noqa: E402


def timed(label: str, call) -> None:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    try:
        call()
        outcome = "ok"
    except InputError as exc:
        outcome = exc.problems[0].code
    print(f"{label:<40} {time.perf_counter() - start:8.3f} s  {outcome}")


def main() -> None:
    for n in (250, 500, 1000, 1498):
        text = many_assets(n)
        timed(f"validate {n:>5} assets ({len(text) // 1024} KB)", lambda t=text: deals.parse_deal(t, "pool.yaml"))
    timed("refuse 10,000 assets", lambda: deals.parse_deal(many_assets(10_000), "pool.yaml"))
    timed("refuse alias bomb", lambda: deals.load_deal(ALIAS_BOMB))
    timed("refuse 10,000-deep YAML", lambda: deals.parse_deal(deep_yaml(), "deep.yaml"))
    timed("refuse 10,000-deep JSON", lambda: deals.parse_deal(deep_json(), "deep.json", json_only=True))
    timed("refuse DOCX zip bomb (2 GiB member)", lambda: documents.read_document(DOCX_BOMB))
    timed("refuse PDF with a lying page tree", lambda: documents.read_document(LYING_PDF))


if __name__ == "__main__":
    main()
