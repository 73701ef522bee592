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


def test_a_rules_folder_brings_its_own_statutory_terms_to_the_facts_rules_see(tmp_path: Path) -> None:
    """The legal-term table of a rules folder reaches the asset facts (remaining life) as it reaches the valuation."""
    root = tmp_path / "rulesets"
    shutil.copytree(DEFAULT_ROOT, root)
    table = root / "terms" / "legal-terms.yaml"
    text = table.read_text(encoding="utf-8")
    row = "{kind: patent, jurisdiction: [EP, EU,"
    assert row in text
    table.write_text(text.replace("years: 20, from: filing, max_extension_years: 5.5, reference: eu-469-2009-13",
                                  "years: 12, from: filing, max_extension_years: 5.5, reference: eu-469-2009-13"),
                     encoding="utf-8")

    def lives(rules: Path) -> dict[str, float]:
        s = screen_path(SOLARIS, [], rulesets_dir=rules, as_of=AS_OF)
        return {str(f["id"]): float(f["remaining_life_years"]) for x in s.findings for f in x.facts
                if f.get("t") == "asset" and f.get("jurisdiction") == "EP" and "remaining_life_years" in f}

    shipped, edited = lives(DEFAULT_ROOT), lives(root)
    common = edited.keys() & shipped.keys()
    assert common and all(edited[k] < shipped[k] for k in common)
