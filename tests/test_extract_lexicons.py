"""Lexicon files are validated like rule files: every problem at once, each with path:line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine import errors
from engine.errors import InputError
from engine.extract import default_lexicon_paths
from engine.lexicons import load_lexicon, load_lexicons


def test_shipped_lexicons_load() -> None:
    found = load_lexicons(default_lexicon_paths())
    assert {g.category for g in found.groups()} >= {"icma_category", "kpi_metric", "review_provider", "hedge", "unit"}


def test_metric_ids_are_those_of_the_kpi_mapping() -> None:
    """Every metric the rule catalogue maps to an SDG target can be extracted, and the extractor invents none."""
    ids = {g.id for g in load_lexicons(default_lexicon_paths()).groups("kpi_metric")}
    mapping = Path(__file__).resolve().parents[1] / "rulesets" / "mapping" / "kpis.yaml"
    catalogue = set(re.findall(r"(?m)^\s+metric: (\w+)$", mapping.read_text(encoding="utf-8")))
    assert catalogue >= {"ghg_reduced", "energy_storage_capacity", "rd_expenditure", "technology_licences_developing"}
    # beneficiaries maps through its allocation category only; air_pollutants_avoided (SO2/NOx/dust, reported by
    # Chinese green bonds) is extracted and shown but has no SDG mapping yet (rulesets/mapping/ is not extraction's)
    # land_area_conserved (ha) and clean_transport_km (km) likewise
    assert ids == catalogue | {"beneficiaries", "air_pollutants_avoided", "land_area_conserved", "clean_transport_km"}


def test_bad_lexicon_reports_every_problem_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("""lexicon: bad
title: Bad
version: "1"
references:
  r: {title: R}
groups:
  - category: hedge
    id: a
    note: hedges
    terms: [may, may]
    patterns: ['(unclosed']
  - category: hedge
    id: b
    terms: [might]
  - category: hedge
    id: c
    note: hedges
    terms: [could]
    colour: red
""", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_lexicon(path)
    text = str(caught.value)
    lines = {p.line for p in caught.value.problems}
    assert "listed twice" in text
    assert "not a valid regular expression" in text and "say where the wording comes from" in text
    assert any(p.code == errors.UNKNOWN_KEY for p in caught.value.problems)
    assert all(line is not None and line >= 7 for line in lines)


def test_group_reference_must_be_defined(tmp_path: Path) -> None:
    path = tmp_path / "ref.yaml"
    path.write_text("lexicon: ref\ntitle: R\nversion: '1'\nreferences:\n  r: {title: R}\ngroups:\n"
                    "  - {category: hedge, id: a, reference: nowhere, terms: [may]}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_lexicon(path)
    (problem,) = caught.value.problems
    assert problem.line == 7 and "unknown reference 'nowhere'" in problem.message
    assert "valid choices: r" in problem.message
