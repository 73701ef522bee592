"""Rule sets: load, check, compile to durable_rules, evaluate, explain, test.

``load_rulebook(root)`` is the entry point. It is cached by file modification
times and content hashes, so an edited rule file is picked up on the next call
without restarting a server; a reload builds the new book completely before
swapping it in (a broken edit raises and keeps nothing half-loaded), then frees
the old book's durable_rules rulesets. A built book is also kept on disk under
the same content hash (``engine.rules.diskcache``), so the next process skips
reading and checking the rule files.
"""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path

from engine.rules import diskcache
from engine.rules.book import RuleBook
from engine.rules.loader import Catalogue, Rule, RulesetInfo, catalogue_files, load, rule_files

DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "rulesets"

_cache: dict[Path, tuple[tuple[tuple[str, int, int], ...], str, RuleBook]] = {}
_cache_lock = threading.Lock()


def _stamp(root: Path) -> tuple[tuple[str, int, int], ...]:
    files = [*rule_files(root), *catalogue_files(root)] if root.is_dir() else []
    out = []
    for path in files:
        st = path.stat()
        out.append((str(path), st.st_mtime_ns, st.st_size))
    return tuple(out)


def _content_hash(stamp: tuple[tuple[str, int, int], ...]) -> str:
    digest = hashlib.sha256()
    for path, _, _ in stamp:
        digest.update(path.encode())
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


RACY_SECONDS = 2.0  # like git's racy-index check: a file this fresh may change within one mtime tick


def _trust(stamp: tuple[tuple[str, int, int], ...]) -> bool:
    newest = max((m for _, m, _ in stamp), default=0)
    return time.time_ns() - newest > RACY_SECONDS * 1e9


def load_rulebook(root: Path | str | None = None) -> RuleBook:
    """The RuleBook of ``root`` (default: the shipped rulesets/), reloaded when its files change."""
    key = Path(root if root is not None else DEFAULT_ROOT).resolve()
    stamp = _stamp(key)
    cached = _cache.get(key)
    if cached is not None and cached[0] == stamp and _trust(stamp):
        return cached[2]
    with _cache_lock:
        cached = _cache.get(key)
        content = _content_hash(stamp)
        if cached is not None and cached[1] == content:  # touched, not changed
            _cache[key] = (stamp, content, cached[2])
            return cached[2]
        book = diskcache.load_or_build(
            "rulebook", str(key), content,
            lambda: RuleBook(load(Path(root) if root is not None else DEFAULT_ROOT), key), RuleBook)
        _cache[key] = (stamp, content, book)
    if cached is not None:
        cached[2].retire()
    return book


__all__ = ["Catalogue", "DEFAULT_ROOT", "Rule", "RuleBook", "RulesetInfo", "load_rulebook"]
