"""``ipsdg rules diff``: what a rule-set change does to a portfolio, deal by deal."""

from __future__ import annotations

import os
import sys
from datetime import date, datetime
from pathlib import Path

import click

from engine import errors
from engine.cli import report_input_errors, say_as_of
from engine.cli.rules import rules
from engine.errors import InputError
from engine.output import write_atomic
from engine.portfolio import list_items
from engine.portfolio.diff import diff_rulesets
from engine.portfolio.diff_report import Format, render_diff

_DATE = click.DateTime(formats=["%Y-%m-%d"])


@rules.command("diff")
@click.argument("old_dir", type=click.Path(file_okay=False, path_type=Path))
@click.argument("new_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--portfolio", "-p", required=True, type=click.Path(path_type=Path),
              help="folder of deal files, or a CSV/XLSX with one deal per row")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json"]), default="md", show_default=True)
@click.option("--as-of", "as_of", type=_DATE, default=None, help="date for both sides [default: today]")
@click.option("--as-of-old", "as_of_old", type=_DATE, default=None, help="date for the OLD side")
@click.option("--as-of-new", "as_of_new", type=_DATE, default=None, help="date for the NEW side")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="worker processes [default: CPUs]")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="write the report here instead of stdout")
@report_input_errors
def diff(old_dir: Path, new_dir: Path, portfolio: Path, fmt: Format, as_of: datetime | None,
         as_of_old: datetime | None, as_of_new: datetime | None, workers: int | None, output: Path | None) -> None:
    """Compare rules OLD_DIR and NEW_DIR (or one directory at --as-of-old/--as-of-new) on a portfolio."""
    base = as_of.date() if as_of else date.today()
    old_day = as_of_old.date() if as_of_old else base
    new_day = as_of_new.date() if as_of_new else base
    if old_dir.resolve() == new_dir.resolve() and old_day == new_day:
        raise InputError.single(errors.INVALID_VALUE, "OLD_DIR and NEW_DIR are the same directory at the same date; "
                                "there is nothing to compare", str(old_dir),
                                hint="give two rule directories, or --as-of-old and --as-of-new")
    count = len(list_items(portfolio))
    dated = as_of_old is not None or as_of_new is not None
    say_as_of(old_day, as_of_old or as_of, "--as-of or today" if dated else "today")
    if new_day != old_day:
        say_as_of(new_day, as_of_new or as_of, "--as-of or today")
    with click.progressbar(length=2 * count, label=f"screening {count} deals on both sides", file=sys.stderr,
                           show_eta=True, show_pos=True) as bar:
        result = diff_rulesets(old_dir, new_dir, portfolio, old_as_of=old_day, new_as_of=new_day,
                               workers=workers or os.cpu_count() or 1, progress=lambda n: bar.update(n))
    text = render_diff(result, fmt)
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
    else:
        write_atomic(output, text)
    s = result.summary
    rule_changes = s.rules_added + s.rules_removed + s.rules_changed
    click.echo(f"{s.deals_changed} of {s.deals_screened} deals move between {old_dir} as of {old_day} and "
               f"{new_dir} as of {new_day}; {rule_changes} rule and {s.parameters_changed} parameter changes", err=True)
