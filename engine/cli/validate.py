"""``ipsdg validate``: check deal files without screening them."""

from __future__ import annotations

import sys

import click

from engine.cli import main
from engine.deals import load_deals


@main.command()
@click.argument("deals", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate(deals: tuple[str, ...]) -> None:
    """Validate DEAL files; every problem is printed as path:line: field: message."""
    good, problems = load_deals(deals)
    for path, deal in good:
        click.echo(f"ok  {path}  ({deal.id}: {len(deal.assets)} assets, {len(deal.tranches)} tranches)")
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        bad = len({p.path for p in problems})
        click.echo(f"{bad} of {len(deals)} deal files have problems", err=True)
        sys.exit(2)
