"""``ipsdg batch``: screen a portfolio (folder of deal files, or CSV/XLSX with one deal per row)."""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime
from pathlib import Path

import click
import pandas as pd

from engine.cli import as_of_date, main, report_input_errors, say_as_of
from engine.portfolio import list_items, run_batch, write_results
from engine.portfolio.outputs import check_output


@main.command()
@click.argument("portfolio", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="results.csv, .xlsx or .parquet; errors go to <stem>.errors.csv beside it. "
                   "Default: CSV on stdout, errors on stderr.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="worker processes [default: number of CPUs]")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="screen as of this date (YYYY-MM-DD) [default: today]")
@click.option("--rulesets", "rulesets_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="rules directory [default: the bundled rulesets/]")
@report_input_errors
def batch(portfolio: Path, output: Path | None, workers: int | None, as_of: datetime | None,
          rulesets_dir: Path | None) -> None:
    """Screen every deal of PORTFOLIO; broken deals are listed with their reason and the rest go on."""
    if output is not None:
        check_output(output)
    items = list_items(portfolio)
    day = as_of_date(as_of)
    say_as_of(day, as_of)
    started = time.perf_counter()
    with click.progressbar(length=len(items), label=f"screening {len(items)} deals", file=sys.stderr,
                           show_eta=True, show_pos=True, item_show_func=lambda rate: rate) as bar:

        def advance(n: int) -> None:
            elapsed = time.perf_counter() - started
            bar.update(n, f"{(bar.pos + n) / elapsed:,.0f} deals/s" if elapsed else None)

        try:
            result = run_batch(portfolio, rulesets_dir=rulesets_dir, as_of=day,
                               workers=workers or os.cpu_count() or 1, progress=advance, items=items)
        except KeyboardInterrupt:  # Ctrl-C: the shell convention 128 + SIGINT, not click's "Aborted!" exit 1
            click.echo("\ninterrupted; nothing was written", err=True)
            sys.exit(130)
    if output is None:
        click.echo(result.table.to_csv(index=False), nl=False)
        for row in result.errors.itertuples():
            where = row.source if pd.isna(row.line) else f"{row.source}:{row.line}"
            click.echo(f"{where}: {row.reason} [{row.code}]", err=True)
    else:
        out, errs = write_results(result, output)
        click.echo(f"wrote {len(result.table)} results to {out}", err=True)
    failed = result.total - len(result.table)
    summary = f"screened {len(result.table)} of {result.total} deals as of {day} in {result.seconds:.1f} s"
    if len(result.table):  # a rate of failures is no throughput figure
        summary += f" ({len(result.table) / result.seconds:,.1f} deals/s, {result.workers} workers)"
    if failed:
        summary += f"; {failed} failed" + (f", see {errs}" if output is not None else " (listed above)")
    click.echo(summary, err=True)
