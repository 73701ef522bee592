"""Reading passages for the tagger: JSON lines ``{"id", "text"}`` or one plain-text passage.

A bad line is reported with its line number and the run stops with exit code 2 before any
output is trusted; other keys on a line (labels, splits) are ignored so labelled corpora can be
tagged as they are.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from engine import errors
from engine.errors import InputError, Problem

PassageId = str | int | None


def read_jsonl(lines: Iterable[str], path: str = "<stdin>") -> Iterator[tuple[PassageId, str]]:
    """Yield ``(id, text)`` per non-blank line; raise InputError at the first bad line (streaming)."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError([Problem(errors.JSON_SYNTAX, f"not a JSON object: {exc.msg}", path, number,
                                      hint='each line must be {"id": ..., "text": ...}')]) from None
        problem = _check(item)
        if problem:
            raise InputError([Problem(problem[0], problem[1], path, number)])
        yield item.get("id"), item["text"]


def _check(item: object) -> tuple[str, str] | None:
    if not isinstance(item, dict):
        return errors.WRONG_TYPE, f"expected a JSON object, got {type(item).__name__}"
    if "text" not in item:
        return errors.MISSING_FIELD, 'required field "text" is missing'
    if not isinstance(item["text"], str):
        return errors.WRONG_TYPE, f'"text" must be a string, got {type(item["text"]).__name__}'
    ident = item.get("id")
    if ident is not None and (isinstance(ident, bool) or not isinstance(ident, str | int)):
        return errors.WRONG_TYPE, f'"id" must be a string or an integer, got {type(ident).__name__}'
    return None
