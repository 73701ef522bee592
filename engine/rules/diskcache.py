"""Built policy objects kept on disk between runs, keyed by the content of what they were built from.

A second ``ipsdg screen`` (or a batch worker, or a server restart) unpickles the rule
book in ~8 ms instead of reading, checking and building every rule file (~85 ms), and
the shipped SDG tagger in ~0.1 s instead of compiling its lexicons (~0.26 s). The
key is a SHA-256 of the policy files' content hash (so any edit, even one that keeps
the modification time, makes a new key), the folder, the Python version and the source
of the engine modules whose objects are stored (so upgrading ipsdg never reads an old
layout). One entry is kept per folder: storing a new one removes the old. Entries are
written to a temporary file in the cache folder and renamed into place, so two
processes writing at once each leave a whole file and a reader never sees half of
one; a file that cannot be read for any reason is rebuilt.

The folder is ``ipsdg --cache DIR ...``, else ``$IPSDG_CACHE_DIR``, else
``$XDG_CACHE_HOME/ipsdg`` or ``~/.cache/ipsdg``; ``none`` turns the cache off. It is
created private to the user (mode 0700): entries are pickles, trusted as the user's
own files, like ``__pycache__``. Never inside the package.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

FORMAT = "1"
_ENGINE = Path(__file__).resolve().parents[1]
# The modules whose classes a cached rule book holds: their source is part of every key.
_CODE = ("rules/*.py", "models/*.py", "sdg/*.py", "nlp.py", "yamlio.py", "errors.py", "precision.py")
_override: str | None = None
_code_hash: str | None = None


def set_dir(path: str | Path | None) -> None:
    """Use ``path`` as the cache folder for this process (``"none"`` turns caching off; None: the default)."""
    global _override
    _override = None if path is None else str(path)


def cache_dir() -> Path | None:
    """The cache folder in use, or None when caching is off."""
    chosen = _override if _override is not None else os.environ.get("IPSDG_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "none", "off") else Path(chosen).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ipsdg"


def _code() -> str:
    global _code_hash
    if _code_hash is None:
        digest = hashlib.sha256(f"{FORMAT}|{sys.version}".encode())
        for pattern in _CODE:
            for path in sorted(_ENGINE.glob(pattern)):
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
        _code_hash = digest.hexdigest()
    return _code_hash


def content_hash(paths: list[Path]) -> str:
    """SHA-256 over the names and bytes of ``paths`` (missing files count as empty)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path).encode())
        digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()


def entry(kind: str, folder: str, content: str) -> Path | None:
    """The file for ``kind`` built from ``folder`` whose files hash to ``content``; None when caching is off."""
    where = cache_dir()
    if where is None:
        return None
    place = hashlib.sha256(folder.encode()).hexdigest()[:12]
    key = hashlib.sha256("|".join((_code(), kind, folder, content)).encode()).hexdigest()[:40]
    return where / f"{kind}-{place}-{key}.pickle"


def load_or_build(kind: str, folder: str, content: str, build: Callable[[], T], expected: type[T]) -> T:
    """The cached ``kind`` of ``folder`` at ``content`` when a readable one exists, else ``build()``, stored."""
    path = entry(kind, folder, content)
    if path is not None:
        try:
            with path.open("rb") as handle:
                found = pickle.load(handle)  # noqa: S301 - the user's own private cache folder (see above)
            if isinstance(found, expected):
                return found
        except Exception:  # noqa: BLE001, S110 - missing, half-written by an old version, unreadable: rebuild
            pass
    built = build()
    if path is not None:
        _store(path, built)
    return built


def _store(path: Path, value: object) -> None:
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, path)  # atomic: a concurrent writer's whole file or ours, never a mix
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        kind_place = path.name.rsplit("-", 1)[0]
        for old in path.parent.glob(f"{kind_place}-*.pickle"):  # one entry per folder: older versions go
            if old != path:
                old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass  # a read-only home or an unpicklable object: the next run builds again, nothing is lost
