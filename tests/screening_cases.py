"""Screenings of the bundled examples, computed once per test session."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

from engine.cli.demo import EXAMPLES_AS_OF
from engine.models.screening import Screening
from engine.screen import screen_path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p for p in (ROOT / "examples" / "deals").iterdir() if p.suffix in (".yaml", ".yml", ".json"))
AS_OF = EXAMPLES_AS_OF  # the date the examples are calibrated at; make demo uses it too


@cache
def screened(path: Path, as_of: date = AS_OF) -> Screening:
    return screen_path(path, as_of=as_of)


def by_stem(stem: str) -> Path:
    return next(p for p in EXAMPLES if p.stem == stem)
