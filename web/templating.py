"""Web pages render with the report Environment, so they extend the report templates.

The report's Environment (filters, globals, autoescape, StrictUndefined) is
overlaid with a loader that finds ``web/templates`` first; the overlay gets its
own globals so the report's shared Environment is never mutated.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from flask import get_flashed_messages, request, url_for
from jinja2 import ChoiceLoader, Environment, FileSystemLoader

from engine import report
from web import auth, csrf

WEB_TEMPLATES = Path(__file__).resolve().parent / "templates"


def environment() -> Environment:
    base = report.environment()
    assert base.loader is not None
    env = base.overlay(loader=ChoiceLoader([FileSystemLoader(str(WEB_TEMPLATES)), base.loader]))
    env.globals = dict(base.globals)
    env.filters = dict(base.filters)
    env.globals.update(url_for=url_for, csrf_token=csrf.token, get_flashed_messages=get_flashed_messages,
                       current_user=auth.current_user, shown_path=shown_path)
    return env


def shown_path(path: str | Path | None) -> str:
    """A server file as pages may show it: relative to the project or the rules folder, never absolute."""
    if not path:
        return ""
    p = Path(path)
    from web.services import services

    rules_dir = services().rulesets_dir
    for root in _roots(str(rules_dir) if rules_dir else None):
        try:
            return p.resolve().relative_to(root).as_posix()
        except ValueError:
            continue
    return p.name


@functools.lru_cache(maxsize=16)
def _roots(rules_dir: str | None) -> tuple[Path, ...]:
    """Where shown paths are relative to, resolved once per rules folder: its parent, then the project."""
    project = Path(__file__).resolve().parents[1]
    return (Path(rules_dir).resolve().parent, project) if rules_dir else (project,)


def render(name: str, **context: Any) -> str:
    """Render a web template inside a request (``request`` is available to every page)."""
    from web.services import services

    return services().templates.get_template(name).render(request=request, **context)
