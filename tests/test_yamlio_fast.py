"""The libyaml fast path reads every file exactly as the ruamel path does, and leaves the odd ones to ruamel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engine import yamlio
from engine.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted(p for d in ("rulesets", "examples", "tests") for p in (ROOT / d).rglob("*")
               if p.suffix in (".yaml", ".yml", ".json") and p.is_file())


def _read(path: Path | None, text: str | None = None) -> Any:
    try:
        loaded = yamlio.load_file(path) if path is not None else yamlio.parse_text(text or "", "t.yaml")
    except InputError as exc:
        return ("error", [str(p) for p in exc.problems])
    return ("ok", repr(loaded.data), sorted(loaded.lines.items(), key=repr), [str(p) for p in loaded.problems])


def _slow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlio, "_fast_compose", lambda text: None)


def test_shipped_files_take_the_fast_path() -> None:
    fast = [p for p in FILES if yamlio._fast_compose(p.read_text(encoding="utf-8", errors="replace")) is not None]
    assert len(fast) >= len(FILES) - 5  # a few test fixtures are broken on purpose


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_same_data_lines_and_problems_as_ruamel(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _read(path)
    _slow(monkeypatch)
    assert fast == _read(path)


@pytest.mark.parametrize("text", [
    "a: yes", "a: 0o17", "a: 017", "a: 1_000", "a: .5", "a: 1e3", "a: 2021-01-01", "a: 2021-13-01", "a: ~",
    "a: =", "a: !!str 5", "a: !foo x", "a: 0x1F", "a: -.inf", "a: 0b101", "a: 2021-01-01 10:00:00",
    "a: 1\na: 2", "<<: {a: 1}", "a: &x [1]\nb: *x", "? [a]\n: 1", "a: 1:20", "a: \t1", "[1, 2", "a: b: c",
    "a: |\n  text\n  more\n", "%YAML 1.1\n---\na: yes\n",
])
def test_scalars_and_problems_as_ruamel(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _read(None, text)
    _slow(monkeypatch)
    assert fast == _read(None, text)


@pytest.mark.parametrize("text", [
    "a: &x [1]\nb: *x\n",  # aliases: ruamel applies the alias-expansion bound
    "a: " + "[" * 100 + "]" * 100 + "\n",  # deep nesting: ruamel applies the depth bound
    "a: " + "[1]," * 5000 + "\n",  # many flow collections: kept away from libyaml's recursive composer
    "%YAML 1.1\n---\na: 1\n",
])
def test_odd_documents_take_the_ruamel_path(text: str) -> None:
    assert yamlio._fast_compose(text) is None


def test_ordinary_document_takes_the_fast_path() -> None:
    assert yamlio._fast_compose("a: 1\nb: [x, {c: 2021-01-01}]\n") is not None
