"""``ipsdg sdg``: which SDGs a passage addresses, with the terms and queries behind each tag."""

from __future__ import annotations

import itertools
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import click

from engine import errors
from engine.cli import main, report_input_errors
from engine.errors import InputError
from engine.models.sdg import SdgResult
from engine.sdg import load_tagger, read_jsonl


def _human(result: SdgResult, with_id: bool) -> str:
    head = f"{result.id}: " if with_id else ""
    if not result.sdgs:
        return f"{head}no SDG addressed"
    lines = [f"{head}SDG {tag.sdg}  score {tag.score:.2f}  terms: {', '.join(tag.terms)}  "
             f"queries: {', '.join(tag.queries)}" for tag in result.sdgs]
    return "\n".join(lines)


def _is_jsonl(path: str, first: str) -> bool:
    return Path(path).suffix.lower() in (".jsonl", ".ndjson") or first.lstrip().startswith("{")


def _open(path: str) -> IO[str]:
    if path == "-":
        return sys.stdin
    try:
        return open(path, encoding="utf-8")  # noqa: SIM115 - closed by the caller's context
    except FileNotFoundError:
        raise InputError.single(errors.FILE_NOT_FOUND, "no such file", path) from None
    except IsADirectoryError:
        raise InputError.single(errors.UNSUPPORTED_FILE, "is a directory, expected a text or JSON lines file",
                                path) from None


@main.command("sdg")
@click.argument("file", default="-", required=False)
@click.option("--jsonl", "as_json", is_flag=True, help='Write one JSON result per line: {"id", "sdgs": [...]}.')
@click.option("--lexicons", type=click.Path(file_okay=False, exists=True), default=None,
              help="Lexicon folder to use instead of rulesets/lexicons/sdg.")
@report_input_errors
def sdg(file: str, as_json: bool, lexicons: str | None) -> None:
    """Tag FILE (JSON lines {"id","text"}, or one plain-text passage; '-' = stdin) with the SDGs it addresses."""
    tagger = load_tagger(lexicons)
    shown = "<stdin>" if file == "-" else file
    stream = _open(file)
    try:
        lines: Iterator[str] = iter(stream)
        first = next((line for line in lines if line.strip()), "")
        if _is_jsonl(file, first):
            passages = read_jsonl(itertools.chain([first], lines), shown)
            with_id = True
        else:
            text = first + "".join(lines)
            passages = iter([(None if file == "-" else file, text)])
            with_id = False
        out = sys.stdout
        for result in tagger.tag_many(passages):
            out.write((json.dumps(result.model_dump(), ensure_ascii=False) if as_json
                       else _human(result, with_id)) + "\n")
    except UnicodeDecodeError as exc:
        raise InputError.single(errors.INVALID_VALUE, f"not UTF-8 text ({exc.reason})", shown) from None
    finally:
        if stream is not sys.stdin:
            stream.close()
