"""The SDG query lexicons: they load, cite real targets, and bad files report every problem with its line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from engine import errors
from engine.errors import InputError
from engine.sdg import DEFAULT_DIR, Tagger, load_lexicons, load_tagger

CASES = sorted((DEFAULT_DIR / "tests").glob("*.yaml"))


def test_shipped_lexicons_load_and_report_all_17_sdgs():
    found = load_lexicons()
    tagged = {lex.sdg for lex in found.lexicons if lex.report}
    assert tagged == set(range(1, 18))
    known = {t.id for g in found.catalogue.goals for t in g.targets} | {
        i.id for g in found.catalogue.goals for t in g.targets for i in t.indicators}
    for lex in found.lexicons:
        for query in lex.queries:
            assert query.reference in known
            assert query.reference.split(".")[0] == str(lex.sdg)


def _cases() -> list[tuple[str, dict]]:
    out = []
    for path in CASES:
        for case in YAML(typ="safe").load(path.read_text())["tests"]:
            out.append((f"{path.stem}: {case['name']}", case))
    return out


@pytest.mark.parametrize("name,case", _cases(), ids=[n for n, _ in _cases()])
def test_lexicon_cases(name: str, case: dict):
    tagged = {t.sdg for t in load_tagger().tag(case["text"]).sdgs}
    assert set(case.get("expect", [])) <= tagged, name
    assert not set(case.get("expect_not", [])) & tagged, name
    if case.get("expect_none"):
        assert not tagged, name


def _folder(tmp_path: Path, files: dict[str, str]) -> Path:
    for name in ("tagger.yaml",):
        shutil.copy(DEFAULT_DIR / name, tmp_path / name)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


GOOD_QUERY = """\
  - id: access
    reference: "7.1.1"
    terms: [electricity]
    weight: 0.5
"""
HEAD = "lexicon: sdg-7\nsdg: 7\ntitle: t\nsource: s\nthreshold: 0.5\nqueries:\n"


def test_every_problem_reported_at_once_with_lines(tmp_path: Path):
    bad = HEAD + GOOD_QUERY + """\
  - id: wind
    reference: "7.9"
    terms: [wind]
    weight: 1.5
    windw: 3
  - id: water
    reference: "6.1"
    terms: [Water]
    weight: 0.3
"""
    with pytest.raises(InputError) as caught:
        load_lexicons(_folder(tmp_path, {"sdg-7.yaml": bad}))
    problems = caught.value.problems
    by_line = {(p.line, p.code) for p in problems}
    assert (14, errors.INVALID_VALUE) in by_line  # weight 1.5
    assert (15, errors.UNKNOWN_KEY) in by_line  # windw
    assert (17, errors.INVALID_VALUE) in by_line  # reference 6.1 is not an SDG 7 target
    assert (12, errors.INVALID_VALUE) in by_line  # reference 7.9 does not exist
    assert (18, errors.INVALID_VALUE) in by_line  # uppercase term
    text = str(caught.value)
    assert "sdg-7.yaml:15" in text and "valid choices" in text and "'7.9' is not a target or indicator of SDG 7" in text


def test_duplicate_query_ids_across_files(tmp_path: Path):
    other = HEAD.replace("sdg-7", "sdg-13").replace("sdg: 7", "sdg: 13") + GOOD_QUERY.replace('"7.1.1"', '"13.1"')
    with pytest.raises(InputError) as caught:
        load_lexicons(_folder(tmp_path, {"sdg-7.yaml": HEAD + GOOD_QUERY, "sdg-13.yaml": other}))
    assert [p.code for p in caught.value.problems] == [errors.DUPLICATE_ID]


def test_file_name_must_match_sdg(tmp_path: Path):
    with pytest.raises(InputError) as caught:
        load_lexicons(_folder(tmp_path, {"sdg-8.yaml": HEAD + GOOD_QUERY}))
    assert "sdg-7.yaml" in str(caught.value)


def test_wildcard_and_multi_token_terms_match(tmp_path: Path):
    text = HEAD + """\
  - id: grids
    reference: "7.b"
    terms: [mini-grid*, net-zero]
    weight: 0.6
"""
    tagger = Tagger(load_lexicons(_folder(tmp_path, {"sdg-7.yaml": text})))
    assert tagger.tag("Mini-grids and net-zero plans.").sdgs[0].terms == ["mini-grids", "net-zero"]


def test_one_catalogue_for_rules_and_lexicons(tmp_path: Path):
    """Lexicons in <root>/lexicons/sdg cite <root>/sdg/catalogue.yaml, the file the rule files are checked against."""
    root = tmp_path / "rulesets"
    shutil.copytree(DEFAULT_DIR.parents[1], root)
    assert not (root / "lexicons" / "sdg" / "catalogue.yaml").exists()
    catalogue = root / "sdg" / "catalogue.yaml"
    text = catalogue.read_text(encoding="utf-8")
    catalogue.write_text(text.replace("  - id: 1.3.1\n", "  - id: 1.3.9\n", 1), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_lexicons(root / "lexicons" / "sdg")
    assert any("'1.3.1' is not a target or indicator of SDG 1" in p.message and p.path.endswith("sdg-1.yaml")
               for p in caught.value.problems)
