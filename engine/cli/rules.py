"""``ipsdg rules check|test|explain|schema``: the researcher's loop over rule files."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import click

from engine.cli import as_of_date, main, report_input_errors, say_as_of
from engine.errors import InputError
from engine.rules import DEFAULT_ROOT, load_rulebook
from engine.rules.schema import json_schema
from engine.rules.testing import run_all

_DIR = click.Path(file_okay=False, path_type=Path)


@main.group()
def rules() -> None:
    """Check, test and explain rule sets."""


@rules.command()
@click.argument("directory", type=_DIR, required=False)
@report_input_errors
def check(directory: Path | None) -> None:
    """Validate every rule file in DIRECTORY (default: the shipped rulesets/); exit 2 on any problem."""
    book = load_rulebook(directory or DEFAULT_ROOT)
    for info in book.rulesets:
        count = sum(1 for r in book.rules if r.ruleset.name == info.name)
        click.echo(f"ok  {info.path}  {info.name} {info.version} ({info.hash}): {count} rules")
    targets = len(book.catalogue.targets) if book.catalogue else 0
    click.echo(f"{len(book.rulesets)} rule sets, {len(book.rules)} rules, {targets} SDG targets")


@rules.command("test")
@click.argument("directory", type=_DIR, required=False)
@report_input_errors
def test_cmd(directory: Path | None) -> None:
    """Run the YAML rule tests under DIRECTORY/**/tests/; exit 1 when one fails, 2 on invalid rules."""
    root = directory or DEFAULT_ROOT
    book = load_rulebook(root)
    failed = passed = 0
    bad_files: list[InputError] = []
    for path, result in run_all(book, root):
        if isinstance(result, InputError):
            bad_files.append(result)
            continue
        ok = sum(1 for o in result if o.ok)
        passed += ok
        failed += len(result) - ok
        click.echo(f"{'ok  ' if ok == len(result) else 'FAIL'} {path}: {ok}/{len(result)} passed")
        for outcome in result:
            for message in outcome.failures:
                click.echo(f"{path}: {outcome.case.test.name}: {message}", err=True)
    for exc in bad_files:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
    click.echo(f"{passed} passed, {failed} failed")
    if bad_files:
        sys.exit(2)
    if failed:
        sys.exit(1)


@rules.command()
@click.argument("rule_id")
@click.option("--deal", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="show which conditions held for this deal")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="date for parameters and asset lives [default: today]")
@click.option("--rulesets", "directory", type=_DIR, default=None, help="rules directory [default: rulesets/]")
@report_input_errors
def explain(rule_id: str, deal: Path | None, as_of: datetime | None, directory: Path | None) -> None:
    """Print RULE_ID, its dated parameters, its tests and (with --deal) why it did or did not fire."""
    from engine.scoring import scoring_for  # heavy imports stay out of CLI start-up
    from engine.screen import gather, load_inputs

    day = as_of_date(as_of)
    book = load_rulebook(directory or DEFAULT_ROOT)
    say_as_of(day, as_of)
    facts = None
    if deal:  # the very facts a screening of this deal sees: deal file, valuation metrics, documents
        loaded, documents = load_inputs(deal)
        facts = gather(loaded, documents, day, scoring_for(book.root), rules_root=book.root).facts
    click.echo(book.explain(rule_id, facts, day))


@rules.command()
def schema() -> None:
    """Print the JSON Schema of a rule file."""
    click.echo(json.dumps(json_schema(), indent=2))
