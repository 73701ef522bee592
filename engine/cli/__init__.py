"""The ``ipsdg`` command. Each command is a few lines over one engine function.

Commands live in sibling modules and register themselves on ``main``; bad input
becomes one line per problem on stderr and exit code 2, never a traceback.
``main`` imports a command's module only when that command runs (or help lists
them all), so ``ipsdg validate`` never pays for spaCy or pandas.
"""

from __future__ import annotations

import functools
import importlib
import os
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


# Command name -> the modules that register it on import; keep this sorted. `rules diff` lives in its own module.
COMMANDS: dict[str, tuple[str, ...]] = {
    "audit": ("users",),
    "batch": ("batch",),
    "db": ("db",),
    "deal": ("deal",),
    "demo": ("demo",),
    "extract": ("extract",),
    "rules": ("rules", "rules_diff"),
    "screen": ("screen",),
    "sdg": ("sdg",),
    "serve": ("serve",),
    "users": ("users",),
    "validate": ("validate",),
    "value": ("value",),
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use (click's documented lazy-loading pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            for module in COMMANDS[cmd_name]:
                importlib.import_module(f"engine.cli.{module}")  # registers on main
        return self.commands.get(cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ipsdg")
@click.option("--cache", metavar="DIR", default=None,
              help="Folder for compiled rule books (default: $IPSDG_CACHE_DIR, else ~/.cache/ipsdg); 'none': off.")
def main(cache: str | None) -> None:
    """ipsdg: SDG compliance and ESG screening of IP-backed securities."""
    if cache is not None:  # through the environment, so batch workers and the web app's threads see it too
        os.environ["IPSDG_CACHE_DIR"] = cache
