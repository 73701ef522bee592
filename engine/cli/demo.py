"""``ipsdg demo``: what ``make demo`` runs — screen every example, write reports, store, serve the app.

Each example is screened once: its reports go to ``--out`` and the screening goes
into the web app's embedded database (skipped when an identical screening of the
same file is already stored, so running the demo twice does not double the history).
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import click

from engine.cli import main
from engine.errors import InputError
from engine.output import write_atomic

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "deals"
# The date the example set is calibrated and tested at (tests/screening_cases.py, tests/golden/): screening
# results move with as_of (an LTV rises between payment dates), so the demo shows what the tests assert.
EXAMPLES_AS_OF = date(2026, 6, 30)


@main.command()
@click.option("--examples", "examples_dir", type=click.Path(file_okay=False, path_type=Path), default=EXAMPLES,
              show_default=True, help="Folder of example deal files.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("demo-out"), show_default=True,
              help="Folder for the reports (HTML, Markdown, JSON per deal).")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help=f"Date whose parameters apply (default: {EXAMPLES_AS_OF}, the date the examples are tested at).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Write the reports and stop.")
def demo(examples_dir: Path, out: Path, as_of: datetime | None, host: str, port: int, no_serve: bool) -> None:
    """Screen every example deal, write its reports, print a summary and serve the web app."""
    from engine.report import render  # heavy imports stay out of CLI start-up
    from engine.screen import screen_path
    from web import create_app

    app = create_app({})
    store = app.extensions["ipsdg"].store
    stored = {row.summary.deal_filename: row.summary.id for row in store.latest_per_deal()}
    day = as_of.date() if as_of is not None else EXAMPLES_AS_OF
    paths = sorted(p for p in examples_dir.iterdir() if p.suffix in (".yaml", ".yml", ".json"))
    click.echo(f"{'deal':42} {'ICMA':28} {'EU GBS':13} {'SDG':12} {'credit':10}  top SDGs")
    failed = 0
    for path in paths:
        try:
            result = screen_path(path, as_of=day)
        except InputError as exc:
            failed += 1
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            continue
        for fmt in ("html", "md", "json"):
            write_atomic(out / f"{result.deal_id}.{fmt}", render(result, fmt))
        previous = store.get(stored[path.name]) if path.name in stored else None
        if previous is None or previous.screening_json != result.model_dump_json():
            store.save(result, deal_text=path.read_text(encoding="utf-8"), deal_filename=path.name, user="demo")
        top = ", ".join(f"{s.sdg} ({s.score:g})" for s in result.top_sdgs) or "none"
        o = result.opinions
        icma, eu_gbs, sdg, credit = ((o.icma.status, o.eu_gbs.status, o.sdg.grade, o.credit.status) if o is not None
                                     else ("-", "-", "-", "-"))
        click.echo(f"{result.deal_id:42} {icma:28} {eu_gbs:13} {sdg:12} {credit:10}  {top}")
    click.echo(f"\nscreened {len(paths) - failed} of {len(paths)} example deals as of {day}; "
               f"reports (HTML, Markdown, JSON) in {out}/; stored in {store.url}")
    if failed:
        sys.exit(2)
    if not no_serve:
        from engine.cli.serve import check_exposure, run_server

        refused = check_exposure(host, False, 0, ())
        if refused:  # the demo is single-user and signs nobody in: loopback only
            click.echo(f"ipsdg demo: {refused}", err=True)
            sys.exit(2)
        click.echo(f"serving the web app on http://{host}:{port}/ (portfolio: http://{host}:{port}/portfolio; "
                   "Ctrl-C to stop)")
        run_server(app, host, port)
