"""``ipsdg sdg``: JSON lines and plain text in, results out, bad input as located one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from engine.cli import main

LINES = [
    {"id": "a", "text": "Access to electricity rose thanks to solar mini-grids and grid extension."},
    {"id": 2, "text": "The trustee may convene meetings of noteholders."},
]


def test_jsonl_in_one_result_per_line_out(tmp_path: Path):
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(x) for x in LINES) + "\n")
    result = CliRunner().invoke(main, ["sdg", str(src), "--jsonl"])
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [o["id"] for o in out] == ["a", 2]
    assert out[0]["sdgs"][0]["sdg"] == 7 and out[0]["sdgs"][0]["terms"] and out[0]["sdgs"][0]["queries"]
    assert out[1]["sdgs"] == []


def test_stdin_and_human_readable_output():
    stdin = "\n".join(json.dumps(x) for x in LINES)
    result = CliRunner().invoke(main, ["sdg", "-"], input=stdin)
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith("a: SDG 7  score")
    assert "2: no SDG addressed" in result.output


def test_plain_text_file_gives_one_result(tmp_path: Path):
    src = tmp_path / "passage.txt"
    src.write_text("Nationally determined contributions fall short.\nEmissions rise despite the Paris Agreement.\n")
    human = CliRunner().invoke(main, ["sdg", str(src)])
    assert human.exit_code == 0 and human.output.startswith("SDG 13")
    as_json = CliRunner().invoke(main, ["sdg", str(src), "--jsonl"])
    lines = as_json.output.splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["sdgs"][0]["sdg"] == 13


def test_bad_json_line_reports_line_number_and_exits_2(tmp_path: Path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(LINES[0]) + "\n\n{not json\n")
    result = CliRunner().invoke(main, ["sdg", str(src), "--jsonl"])
    assert result.exit_code == 2
    assert f"{src}:3: not a JSON object" in result.stderr and "[json_syntax]" in result.stderr


def test_missing_text_and_missing_file(tmp_path: Path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "body": "x"}\n')
    result = CliRunner().invoke(main, ["sdg", str(src)])
    assert result.exit_code == 2 and ":1: required field \"text\" is missing [missing_field]" in result.stderr
    missing = CliRunner().invoke(main, ["sdg", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code == 2 and "no such file [file_not_found]" in missing.stderr
