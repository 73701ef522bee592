"""`ipsdg deal schema`: a JSON Schema generated from the Deal model that editors can use as they type."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from engine import yamlio
from engine.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p for p in (ROOT / "examples" / "deals").iterdir() if p.suffix in (".yaml", ".json"))
BAD = ROOT / "tests" / "fixtures" / "deals" / "bad"


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    result = CliRunner().invoke(main, ["deal", "schema"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _as_json(path: Path) -> dict:
    """What an editor's YAML language server sees: dates as YYYY-MM-DD strings."""
    return json.loads(json.dumps(yamlio.load_file(path).data, default=str))


@pytest.mark.parametrize("path", [*EXAMPLES, ROOT / "tests" / "fixtures" / "deals" / "minimal.yaml"],
                         ids=lambda p: p.name)
def test_every_valid_deal_file_passes_the_schema(validator, path: Path) -> None:
    assert [e.message for e in validator.iter_errors(_as_json(path))] == []


@pytest.mark.parametrize(("name", "word"), [("unknown_key.yaml", "seniority"), ("invalid_choice.yaml", "blue"),
                                            ("wrong_type.yaml", "five"), ("missing_field.yaml", "owner")])
def test_field_errors_are_caught_by_the_schema(validator, name: str, word: str) -> None:
    messages = [e.message for e in validator.iter_errors(_as_json(BAD / name))]
    assert messages and any(word in m for m in messages), messages


def test_schema_knows_the_units_of_energy_kpis(validator) -> None:
    deal = _as_json(ROOT / "tests" / "fixtures" / "deals" / "minimal.yaml")
    deal["kpis"] = [{"metric": "energy_saved", "value": 12.0, "unit": "gigawatt-hours", "period": "annual"}]
    assert any("gigawatt-hours" in e.message for e in validator.iter_errors(deal))
    deal["kpis"][0]["unit"] = "GWh"
    assert list(validator.iter_errors(deal)) == []


def test_schema_can_be_written_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "deal.schema.json"
    result = CliRunner().invoke(main, ["deal", "schema", "-o", str(out)])
    assert result.exit_code == 0 and json.loads(out.read_text(encoding="utf-8"))["title"] == "ipsdg deal file"
