"""Rule and scoring notes cite what a reader can open: the repository's own files or a published standard."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RULE_FILES = sorted((ROOT / "rulesets").rglob("*.yaml"))


def test_no_rule_or_scoring_file_cites_the_design_notes_outside_the_repository() -> None:
    cited = [f"{p.relative_to(ROOT)}:{n}" for p in RULE_FILES
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if re.search(r"\bDESIGN\b", line)]
    assert cited == []


def test_every_repository_file_a_rule_file_cites_exists() -> None:
    missing = []
    for path in RULE_FILES:
        for ref in re.findall(r"\b((?:docs|rulesets|engine)/[\w./-]+\.(?:md|yaml|py))", path.read_text("utf-8")):
            if not (ROOT / ref).is_file():
                missing.append(f"{path.relative_to(ROOT)}: {ref}")
    assert missing == []
