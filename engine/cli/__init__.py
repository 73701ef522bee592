"""The ``ipsdg`` command. Each command is a few lines over one engine function.

Commands live in sibling modules and register themselves on ``main``; bad input
becomes one line per problem on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from datetime import date, datetime
from typing import ParamSpec, TypeVar

import click

from engine.errors import InputError

P = ParamSpec("P")
R = TypeVar("R")


def report_input_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn InputError into the CLI contract: problems on stderr, exit 2."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            sys.exit(2)

    return wrapper


def as_of_date(value: datetime | None, default: date | None = None) -> date:
    """The date a command screens at: ``--as-of`` when given, else ``default`` (today unless a command says)."""
    return value.date() if value is not None else default or date.today()


def say_as_of(day: date, given: datetime | None, default: str = "today") -> None:
    """Every command that screens says on stderr which date it used, and where the date came from.

    Results move with the date (dated parameters, an LTV between payment dates), so a
    result without its date cannot be compared with another.
    """
    source = "--as-of" if given is not None else f"default: {default}; --as-of YYYY-MM-DD picks another"
    click.echo(f"as of {day.isoformat()} ({source})", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ipsdg")
def main() -> None:
    """ipsdg: SDG compliance and ESG screening of IP-backed securities."""


# Command modules register on import; keep this list sorted.
from engine.cli import batch as _batch  # noqa: E402,F401
from engine.cli import db as _db  # noqa: E402,F401
from engine.cli import deal as _deal  # noqa: E402,F401
from engine.cli import demo as _demo  # noqa: E402,F401
from engine.cli import extract as _extract  # noqa: E402,F401
from engine.cli import rules as _rules  # noqa: E402,F401
from engine.cli import rules_diff as _rules_diff  # noqa: E402,F401
from engine.cli import screen as _screen  # noqa: E402,F401
from engine.cli import sdg as _sdg  # noqa: E402,F401
from engine.cli import serve as _serve  # noqa: E402,F401
from engine.cli import users as _users  # noqa: E402,F401
from engine.cli import validate as _validate  # noqa: E402,F401
from engine.cli import value as _value  # noqa: E402,F401
