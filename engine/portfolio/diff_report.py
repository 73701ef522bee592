"""Render a ``RulesetDiff`` as Markdown, HTML or JSON.

Markdown and HTML come from one Jinja template each in ``templates/`` (autoescape on for HTML:
rule titles and messages are researcher-written text). JSON is the model itself,
so ``RulesetDiff.model_validate_json`` reads it back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from engine.models.portfolio import DatedValue, RulesetDiff

Format = Literal["md", "html", "json"]

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _dated(value: DatedValue | None) -> str:
    return "(none)" if value is None else f"{value.value!r} from {value.effective_from}"


def _cell(text: str) -> str:
    """Markdown table cells cannot hold pipes or newlines."""
    return " ".join(str(text).split()).replace("|", "\\|")


def render_diff(diff: RulesetDiff, fmt: Format) -> str:
    """The diff as ``md``, ``html`` or ``json``."""
    if fmt == "json":
        return diff.model_dump_json(indent=2)
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=fmt == "html", undefined=StrictUndefined,
                      keep_trailing_newline=True)
    template = env.get_template(f"diff.{fmt}.j2")
    return template.render(d=diff, s=diff.summary, dated=_dated, cell=_cell)
