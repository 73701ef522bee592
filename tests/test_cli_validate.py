"""`ipsdg validate`: the CLI contract scripts rely on (exit codes, one `path:line:` line per problem)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(str(p) for p in (ROOT / "examples" / "deals").iterdir() if p.suffix in (".yaml", ".json"))
BAD = sorted((ROOT / "tests" / "fixtures" / "deals" / "bad").iterdir())


def test_examples_validate_with_exit_0() -> None:
    result = CliRunner().invoke(main, ["validate", *EXAMPLES])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.count("ok  ") == len(EXAMPLES)


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_bad_fixture_exits_2_with_file_line_messages(path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    problems = [line for line in lines if line.startswith(f"{path}:")]
    assert problems, result.stderr
    assert all(re.match(rf"{re.escape(str(path))}:\d+: .+ \[[a-z_]+\]$", line) for line in problems)
    assert lines[-1] == "1 of 1 deal files have problems"
    assert "Traceback" not in result.output + result.stderr


def test_good_and_bad_files_together_report_only_the_bad_ones() -> None:
    bad = ROOT / "tests" / "fixtures" / "deals" / "several_problems.yaml"
    result = CliRunner().invoke(main, ["validate", EXAMPLES[0], str(bad)])
    assert result.exit_code == 2
    assert result.stdout.startswith("ok  ")
    assert sum(line.startswith(f"{bad}:") for line in result.stderr.splitlines()) == 5
    assert result.stderr.splitlines()[-1] == "1 of 2 deal files have problems"


def test_installed_command_prints_no_traceback() -> None:
    """The real console entry point, as a user runs it (click's runner would hide a stray traceback)."""
    bad = ROOT / "tests" / "fixtures" / "deals" / "bad" / "duplicate_key.yaml"
    ipsdg = Path(sys.executable).parent / "ipsdg"
    proc = subprocess.run([str(ipsdg), "validate", str(bad)], capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith(f"{bad}:15: structure -> label: key 'label' appears twice")
    assert "Traceback" not in proc.stderr
