"""The compiled rule book is kept on disk by content hash: reused unchanged, rebuilt after any edit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

import engine.rules as rules_pkg
from engine.cli import main
from engine.rules import diskcache, load_rulebook

GOOD = Path(__file__).parent / "fixtures" / "rules" / "good"
AS_OF = date(2026, 6, 30)
FACTS = [{"t": "metric", "name": "dscr_min", "value": 1.5}]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("IPSDG_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def root(tmp_path: Path) -> Path:
    out = tmp_path / "rules"
    shutil.copytree(GOOD, out)
    return out


def _fresh_process(root: Path) -> rules_pkg.RuleBook:
    """load_rulebook as a new process sees it: nothing in memory."""
    rules_pkg._cache.pop(root.resolve(), None)
    return load_rulebook(root)


def _statuses(book: rules_pkg.RuleBook) -> list[str]:
    return [f.status for f in book.evaluate(FACTS, AS_OF) if f.rule_id == "FX-DSCR"]


def test_a_second_process_reads_the_book_from_disk(root: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _fresh_process(root)
    assert len(list(cache.glob("rulebook-*.pickle"))) == 1
    monkeypatch.setattr(rules_pkg, "load", lambda *_: pytest.fail("the rule files were read again"))
    second = _fresh_process(root)
    assert second is not first
    assert [r.id for r in second.rules] == [r.id for r in first.rules] and second.hash == first.hash
    assert _statuses(second) == _statuses(first) == ["watch"]


def test_an_edit_that_keeps_the_modification_time_is_seen(root: Path, cache: Path) -> None:
    assert _statuses(_fresh_process(root)) == ["watch"]
    path = root / "mapping.yaml"
    stat = path.stat()
    path.write_text(path.read_text().replace("pass: 1.75, watch: 1.2", "pass: 1.4, watch: 1.2"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert _statuses(_fresh_process(root)) == ["pass"]
    assert len(list(cache.glob("rulebook-*.pickle"))) == 1  # the old entry of this folder is gone


def test_an_unreadable_entry_is_rebuilt(root: Path, cache: Path) -> None:
    _fresh_process(root)
    (entry,) = cache.glob("rulebook-*.pickle")
    entry.write_bytes(b"not a pickle")
    assert _statuses(_fresh_process(root)) == ["watch"]
    assert entry.read_bytes() != b"not a pickle"


def test_none_turns_the_cache_off(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IPSDG_CACHE_DIR", "none")
    assert diskcache.cache_dir() is None
    assert _statuses(_fresh_process(root)) == ["watch"]


def test_two_processes_filling_the_cache_at_once_leave_one_whole_entry(root: Path, cache: Path) -> None:
    code = "import sys; from engine.rules import load_rulebook; print(len(load_rulebook(sys.argv[1]).rules))"
    env = {**os.environ, "IPSDG_CACHE_DIR": str(cache)}
    procs = [subprocess.Popen([sys.executable, "-c", code, str(root)], env=env, stdout=subprocess.PIPE, text=True)
             for _ in range(3)]
    counts = {p.communicate()[0].strip() for p in procs}
    assert all(p.returncode == 0 for p in procs) and len(counts) == 1
    assert len(list(cache.glob("rulebook-*.pickle"))) == 1 and not list(cache.glob(".*.tmp"))
    assert len(_fresh_process(root).rules) == int(counts.pop())


def test_the_cache_option_picks_the_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IPSDG_CACHE_DIR", str(tmp_path / "unused"))
    chosen = tmp_path / "chosen"
    rules_pkg._cache.clear()
    result = CliRunner().invoke(main, ["--cache", str(chosen), "rules", "check"])
    assert result.exit_code == 0, result.output
    assert list(chosen.glob("rulebook-*.pickle")) and not (tmp_path / "unused").exists()


def test_the_sdg_tagger_is_cached_by_its_lexicon_files(tmp_path: Path, cache: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from engine import screen
    from engine.sdg import lexicon, load_tagger

    lexicons = tmp_path / "lexicons"
    folder = lexicons / "sdg"
    shutil.copytree(lexicon.DEFAULT_DIR, folder)
    text = "Rooftop solar and mini-grids bring electricity to rural clinics."
    screen._tagger_for.cache_clear()
    built = screen._tagger(lexicons)
    assert list(cache.glob("sdg-tagger-*.pickle"))
    screen._tagger_for.cache_clear()  # a new process: only the disk cache is left
    monkeypatch.setattr(screen, "load_tagger", lambda *_: pytest.fail("the lexicons were compiled again"))
    again = screen._tagger(lexicons)
    assert again is not built and repr(again.tag(text)) == repr(built.tag(text))
    edited = sorted(folder.glob("*.yaml"))[-1]
    edited.write_text(edited.read_text() + "\n")  # any edit, even a blank line, is a new key
    monkeypatch.setattr(screen, "load_tagger", load_tagger)
    rebuilt = screen._tagger(lexicons)  # same process, no cache_clear: the edit is seen
    assert rebuilt is not again and repr(rebuilt.tag(text)) == repr(built.tag(text))
    assert len(list(cache.glob("sdg-tagger-*.pickle"))) == 1
    screen._tagger_for.cache_clear()
