"""One as-of rule: every command says which date it screened at, and one deal with the same inputs gives the
same result from the CLI, a batch and the web app."""

from __future__ import annotations

import io
import re
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from engine.cli import main
from engine.models.screening import Screening
from engine.portfolio import result_row
from engine.portfolio.batch import normalise
from web import create_app

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "fixtures" / "deals" / "minimal.yaml"  # no documents: quick to screen
NORTHFIELD = ROOT / "examples" / "deals" / "northfield-university-patent-abs.yaml"


def _run(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("args", [
    ["screen", str(MINIMAL), "--format", "json"],
    ["batch", str(MINIMAL.parent / "bad"), "--workers", "1"],  # every deal fails: the date is still said
    ["rules", "explain", "UOP-RE-7.2", "--deal", str(MINIMAL)],
], ids=["screen", "batch", "rules-explain"])
def test_every_command_says_the_as_of_date_it_used(args: list[str]) -> None:
    runner = CliRunner()
    default = runner.invoke(main, args)
    given = runner.invoke(main, [*args, "--as-of", "2025-12-31"])
    assert f"as of {date.today().isoformat()} (default: today" in default.stderr
    assert "as of 2025-12-31 (--as-of)" in given.stderr


def test_rules_diff_says_both_dates(tmp_path: Path) -> None:
    book = tmp_path / "book"
    book.mkdir()
    shutil.copy(MINIMAL, book)
    rules = str(ROOT / "rulesets")
    result = _run("rules", "diff", rules, rules, "-p", str(book), "--as-of-old", "2025-12-31",
                  "--as-of-new", "2026-06-30", "--workers", "1")
    assert "as of 2025-12-31 (--as-of)" in result.stderr and "as of 2026-06-30 (--as-of)" in result.stderr
    assert "as of 2025-12-31 and" in result.stderr.splitlines()[-1]


def test_batch_with_only_failures_prints_no_rate() -> None:
    result = CliRunner().invoke(main, ["batch", str(MINIMAL.parent / "bad"), "--workers", "1",
                                       "--as-of", "2026-06-30"])
    last = result.stderr.splitlines()[-1]
    assert last.startswith("screened 0 of ") and "as of 2026-06-30" in last and "deals/s" not in last


def test_batch_has_an_as_of_column(tmp_path: Path) -> None:
    book = tmp_path / "book"
    book.mkdir()
    shutil.copy(MINIMAL, book)
    result = _run("batch", str(book), "--workers", "1", "--as-of", "2025-12-31")
    table = pd.read_csv(io.StringIO(result.stdout))
    assert list(table["as_of"]) == ["2025-12-31"]
    assert list(table.columns[:4]) == ["deal", "name", "label", "as_of"]


@pytest.mark.parametrize("as_of", ["2026-06-30", None], ids=["given", "default"])
def test_same_deal_same_inputs_same_result_in_cli_batch_and_web(tmp_path: Path, as_of: str | None) -> None:
    """The deal file with the documents it lists, the shipped rule sets, one date (or each one's default)."""
    dated = ["--as-of", as_of] if as_of else []
    cli = Screening.model_validate_json(_run("screen", str(NORTHFIELD), "--format", "json", *dated).stdout)
    assert cli.as_of == (date.fromisoformat(as_of) if as_of else date.today())

    book = tmp_path / "examples" / "deals"
    book.mkdir(parents=True)
    shutil.copy(NORTHFIELD, book)
    shutil.copytree(ROOT / "examples" / "documents", tmp_path / "examples" / "documents")
    batch = pd.read_csv(io.StringIO(_run("batch", str(book), "--workers", "1", *dated).stdout))
    expected = normalise(pd.DataFrame([result_row(cli)]))
    got = normalise(batch.drop(columns=["source"]))
    pd.testing.assert_frame_equal(got[expected.columns], expected)

    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite'}",
                      "UPLOAD_TMP": str(tmp_path)})
    try:
        client = app.test_client()
        page = client.get("/screenings/new").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        created = client.post("/screenings/new", data={"csrf_token": token, "example": NORTHFIELD.name,
                                                       "as_of": as_of or ""})
        assert created.status_code == 303
        web = Screening.model_validate_json(client.get(created.headers["Location"] + "/report.json").get_data())
    finally:
        app.extensions["ipsdg"].store.close()
    assert web == cli
