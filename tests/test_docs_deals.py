"""docs/deals.md is enough to write a deal: it lists every field of the model with its allowed values, and its
annotated minimal deal validates and screens as written."""

from __future__ import annotations

import re
import typing
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import BaseModel

from engine.cli import main
from engine.deals import load_deal
from engine.models import Deal
from engine.models.deal import KPI_UNITS, IcmaCategory, Sector
from engine.screen import screen_path

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "deals.md").read_text(encoding="utf-8")
LISTED_ELSEWHERE = {frozenset(typing.get_args(Sector)): "### Sectors",
                    frozenset(typing.get_args(IcmaCategory)): "### ICMA categories"}


def _models(model: type[BaseModel], seen: dict[str, type[BaseModel]] | None = None) -> dict[str, type[BaseModel]]:
    seen = {} if seen is None else seen
    seen[model.__name__] = model
    for info in model.model_fields.values():
        for inner in _inner_models(info.annotation):
            if inner.__name__ not in seen:
                _models(inner, seen)
    return seen


def _inner_models(annotation: typing.Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _inner_models(arg)]


def _literals(annotation: typing.Any) -> set[str]:
    if typing.get_origin(annotation) is typing.Literal:
        return {str(v) for v in typing.get_args(annotation)}
    return {v for arg in typing.get_args(annotation) for v in _literals(arg)}


def _section(heading: str) -> str:
    start = DOC.index(f"\n{heading}\n")
    end = DOC.find("\n#", start + len(heading) + 2)
    return DOC[start:end if end != -1 else None]


def _rows(model_name: str) -> dict[str, str]:
    heading = next(line for line in DOC.splitlines() if re.match(rf"### {model_name}\b", line))
    return {m.group(1): line for line in _section(heading).splitlines()
            if (m := re.match(r"\| `([a-z_]+)` \|", line))}


@pytest.mark.parametrize("name", sorted(_models(Deal)))
def test_every_field_is_documented_with_its_allowed_values(name: str) -> None:
    model = _models(Deal)[name]
    rows = _rows(name)
    assert sorted(rows) == sorted(model.model_fields), f"docs/deals.md '### {name}' table vs the model"
    for field, info in model.model_fields.items():
        values = _literals(info.annotation)
        where = LISTED_ELSEWHERE.get(frozenset(values))
        text = _section(where) if where else rows[field]
        missing = [v for v in values if f"`{v}`" not in text]
        assert not missing, f"{name}.{field}: {missing} not in docs/deals.md"


def test_kpi_unit_table_matches_the_validator() -> None:
    section = _section("### KPI metrics")
    for metric, (_, units) in KPI_UNITS.items():
        row = next(line for line in section.splitlines() if f"`{metric}`" in line)
        assert [u.strip(" `") for u in row.rsplit("|", 2)[1].split(", ")] == list(units), metric


def _minimal_deal(tmp_path: Path) -> Path:
    block = re.search(r"## A minimal deal, annotated\n.*?```yaml\n(.*?)```", DOC, re.S)
    assert block, "docs/deals.md has no annotated minimal deal"
    path = tmp_path / "helio.yaml"
    path.write_text(block.group(1), encoding="utf-8")
    return path


def test_the_annotated_minimal_deal_validates_and_screens_as_the_docs_say(tmp_path: Path) -> None:
    path = _minimal_deal(tmp_path)
    checked = CliRunner().invoke(main, ["validate", str(path)])
    assert checked.exit_code == 0 and checked.stdout.startswith("ok  "), checked.output
    deal = load_deal(path)
    assert deal.tranches[0].principal == 40_000_000 and deal.documents == []
    result = screen_path(path, as_of=date(2026, 6, 30))
    scores = {s.sdg: s.score for s in result.sdg_scores}
    assert scores[7] > 0 and scores[13] > 0  # "SDG 7 ... SDG 13 from the climate-mitigation class"
    icma = [c for c in result.components if c.standard == "icma_gbp"]
    assert icma and all(c.status == "met" for c in icma)  # "the ICMA components are met"
    concentration = next(c for c in result.checks if c.metric == "largest_asset_share_pct")
    assert concentration.status == "fail" and result.verdict == "ineligible"  # "... not eligible as it stands"


def test_every_key_of_the_minimal_deal_is_in_the_reference(tmp_path: Path) -> None:
    text = _minimal_deal(tmp_path).read_text(encoding="utf-8")
    documented = {key for name in _models(Deal) for key in _rows(name)}
    used = set(re.findall(r"(?:^|[{,]\s*|^\s*-?\s*)([a-z_]+):(?=\s)", text, re.M))
    assert used and used <= documented, used - documented
