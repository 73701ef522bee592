"""Writing result files so that a crash never leaves a half-written one behind."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write to a temporary file beside ``path``, then rename it into place.

    The temporary file is created with mode 0666 filtered by the process umask, as
    ``open()`` would (``tempfile.mkstemp`` makes it 0600), so a report written by
    ``ipsdg screen -o`` gets the same permissions as the tables ``ipsdg batch`` writes.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = target.parent / f".{target.name}.{secrets.token_hex(6)}"
        try:
            fd = os.open(tmp, flags, 0o666)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
