"""A rules folder is the whole policy: its lexicons are used by screen --rulesets and rules diff, and an edit
is seen by the next screening in the same process (no stale cache)."""

from __future__ import annotations

import shutil
from pathlib import Path

from engine.rules import DEFAULT_ROOT
from engine.screen import screen_path
from tests.screening_cases import AS_OF

SOLARIS = Path(__file__).resolve().parents[1] / "examples" / "deals" / "solaris-green-patent-abs.yaml"
TEXT = "Use of proceeds. 100 % of the net proceeds will be allocated to zorblatt generation assets.\n"


def _categories(rules: Path, doc: Path) -> set[str]:
    s = screen_path(SOLARIS, [doc], rulesets_dir=rules, as_of=AS_OF)
    return {u.category for e in s.extractions for u in e.use_of_proceeds}


def _add_term(root: Path, term: str) -> None:
    lexicon = root / "lexicons" / "use_of_proceeds.yaml"
    text = lexicon.read_text(encoding="utf-8")
    anchor = "terms: [renewable energy, "
    assert anchor in text
    lexicon.write_text(text.replace(anchor, f"{anchor}{term}, ", 1), encoding="utf-8")


def test_a_rules_folder_brings_its_own_lexicons_and_edits_are_seen_at_once(tmp_path: Path) -> None:
    doc = tmp_path / "circular.txt"
    doc.write_text(TEXT, encoding="utf-8")
    root = tmp_path / "rulesets"
    shutil.copytree(DEFAULT_ROOT, root)
    assert "renewable_energy" not in _categories(root, doc)  # an unknown word, before the edit
    _add_term(root, "zorblatt generation")
    assert "renewable_energy" in _categories(root, doc)  # same process: the edited lexicon is used
    assert "renewable_energy" not in _categories(DEFAULT_ROOT, doc)  # the shipped policy is untouched
