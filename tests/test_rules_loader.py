"""Bad rule files: every failure mode reports its code, file and line; nothing half-loaded is used."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine import errors
from engine.errors import InputError
from engine.rules import load_rulebook

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
GOOD = FIXTURES / "good"

# fixture -> (code, line of the offending key in that file)
CASES = {
    "unknown_key": (errors.UNKNOWN_KEY, 10),
    "unknown_operator": (errors.UNKNOWN_OPERATOR, 12),
    "unknown_fact": (errors.UNKNOWN_FACT, 11),
    "unknown_field": (errors.UNKNOWN_FIELD, 12),
    "bad_date": (errors.BAD_DATE, 10),
    "undefined_parameter": (errors.UNDEFINED_PARAMETER, 12),
    "undefined_reference": (errors.UNDEFINED_REFERENCE, 9),
    "unknown_target": (errors.UNKNOWN_TARGET, 12),
    "duplicate_id": (errors.DUPLICATE_ID, 7),
    "proposal_without_note": (errors.PROPOSAL_WITHOUT_NOTE, 5),
    "wrong_type": (errors.WRONG_TYPE, 12),
    "unbound_name": (errors.UNBOUND_NAME, 13),
}


def _rules_dir(tmp_path: Path, fixture: str) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(GOOD / "sdg", root / "sdg")
    if fixture == "duplicate_id":  # the id clashes with a rule of another file
        shutil.copy(GOOD / "mapping.yaml", root / "a-mapping.yaml")
    shutil.copy(FIXTURES / "invalid" / f"{fixture}.yaml", root / "broken.yaml")
    return root


@pytest.mark.parametrize("fixture", sorted(CASES))
def test_each_failure_mode_reports_code_file_and_line(tmp_path: Path, fixture: str) -> None:
    code, line = CASES[fixture]
    with pytest.raises(InputError) as caught:
        load_rulebook(_rules_dir(tmp_path, fixture))
    found = [(p.code, Path(p.path).name, p.line) for p in caught.value.problems]
    assert (code, "broken.yaml", line) in found, caught.value


def test_unknown_operator_lists_the_valid_ones(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_rulebook(_rules_dir(tmp_path, "unknown_operator"))
    text = str(caught.value)
    assert "unknown operator 'greater'" in text and "valid choices: eq, ne, gt, gte" in text


def test_every_problem_of_every_file_is_reported_at_once(tmp_path: Path) -> None:
    root = _rules_dir(tmp_path, "unknown_field")
    shutil.copy(FIXTURES / "invalid" / "unknown_target.yaml", root / "second.yaml")
    (root / "second.yaml").write_text((root / "second.yaml").read_text().replace("ruleset: broken", "ruleset: other")
                                      .replace("BAD-1", "BAD-2"))
    with pytest.raises(InputError) as caught:
        load_rulebook(root)
    codes = {(Path(p.path).name, p.code) for p in caught.value.problems}
    assert {("broken.yaml", errors.UNKNOWN_FIELD), ("second.yaml", errors.UNKNOWN_TARGET)} <= codes


def test_a_broken_edit_keeps_nothing_half_loaded(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    shutil.copytree(GOOD, root)
    assert load_rulebook(root).rule("FX-RE-7.2")
    (root / "mapping.yaml").write_text((root / "mapping.yaml").read_text().replace("fact: kpi", "fact: kpii"))
    with pytest.raises(InputError):
        load_rulebook(root)


def test_test_folders_lexicons_scoring_and_sdg_are_not_rule_files(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    shutil.copytree(GOOD, root)
    for folder in ("lexicons", "scoring"):
        (root / folder).mkdir()
        (root / folder / "x.yaml").write_text("not: a rule file\n")
    assert [r.name for r in load_rulebook(root).rulesets] == ["fixture-mapping"]


def test_catalogue_is_exposed() -> None:
    book = load_rulebook(GOOD)
    assert book.catalogue is not None and book.catalogue.target("7.2").short == "Renewable share"
