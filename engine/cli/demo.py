"""``ipsdg demo``: what ``make demo`` runs — the newcomer's first look at the tool."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from engine.cli import main
from engine.deals import load_deals

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "deals"


@main.command()
@click.option("--examples", "examples_dir", type=click.Path(file_okay=False, path_type=Path), default=EXAMPLES,
              show_default=True, help="Folder of example deal files.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("demo-out"), show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def demo(examples_dir: Path, out: Path, host: str, port: int) -> None:
    """Load every example deal and print what was found."""
    paths = sorted(p for p in examples_dir.iterdir() if p.suffix in (".yaml", ".yml", ".json"))
    good, problems = load_deals(paths)
    click.echo(f"{'deal':45} {'label':22} {'assets':>6} {'principal':>16}")
    for _, deal in good:
        click.echo(f"{deal.id:45} {deal.structure.label:22} {len(deal.assets):>6} "
                   f"{deal.currency} {deal.principal:>12,.0f}")
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(f"\nvalidated {len(good)} of {len(paths)} example deals in {examples_dir}")
    click.echo("screening, reports and the web app are not built yet (issues 7 and 8); "
               f"nothing was written to {out} and nothing is served on {host}:{port}")
    if problems:
        sys.exit(2)
