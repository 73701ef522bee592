"""``ipsdg screen``: one deal in, a review report out."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import click

from engine.cli import as_of_date, main, report_input_errors, say_as_of
from engine.output import write_atomic

if TYPE_CHECKING:  # engine.report is imported where it is used, out of CLI start-up
    from engine.report import Format


@main.command()
@click.argument("deal", type=click.Path(dir_okay=False))
@click.option("--doc", "docs", multiple=True, type=click.Path(dir_okay=False),
              help="Offering document to screen (repeatable); replaces the documents listed in the deal file.")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Date whose parameter values apply (default: today).")
@click.option("--rulesets", type=click.Path(file_okay=False), default=None, help="Rule set folder (default: bundled).")
@click.option("--format", "fmt", type=click.Choice(["json", "html", "md"]), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="Write here instead of stdout.")
@report_input_errors
def screen(deal: str, docs: tuple[str, ...], as_of: datetime | None, rulesets: str | None, fmt: Format,
           output: str | None) -> None:
    """Screen DEAL: SDG contribution, ICMA/EU GBS alignment, financial eligibility, verdict."""
    from engine.report import render  # heavy imports stay out of CLI start-up
    from engine.screen import screen_path

    day = as_of_date(as_of)
    result = screen_path(deal, list(docs) if docs else None, rulesets_dir=rulesets, as_of=day)
    text = render(result, fmt)
    say_as_of(day, as_of)
    if output:
        write_atomic(output, text)
        click.echo(f"{result.deal_id}: {result.verdict}, grade {result.grade}, ESG {result.esg_score:g} -> {output}",
                   err=True)
    else:
        click.echo(text, nl=False)
