"""``ipsdg deal schema``: the JSON Schema of a deal file, for editors and other tools."""

from __future__ import annotations

import json
from pathlib import Path

import click

from engine.cli import main
from engine.deals import deal_schema
from engine.output import write_atomic


@main.group()
def deal() -> None:
    """Deal files: their JSON Schema (docs/deals.md describes every field)."""


@deal.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the schema here instead of stdout (e.g. deal.schema.json for your editor).")
def schema(output: Path | None) -> None:
    """Print the JSON Schema of a deal file, generated from the Deal model."""
    text = json.dumps(deal_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text)
        click.echo(f"wrote the deal JSON Schema to {output}", err=True)
