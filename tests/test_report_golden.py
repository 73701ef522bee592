"""Golden files for every example's report in all three formats.

Volatile parts (content hashes of rule files and documents) are replaced by a
marker before comparing; everything else must match byte for byte. Regenerate
only on purpose: ``IPSDG_UPDATE_GOLDEN=1 pytest tests/test_report_golden.py``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from engine.report import render
from tests.screening_cases import AS_OF, EXAMPLES, screened

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("IPSDG_UPDATE_GOLDEN") == "1"
_HASH = re.compile(r"\b[0-9a-f]{64}\b|\b[0-9a-f]{12}\b")


def _stable(text: str) -> str:
    return _HASH.sub("<hash>", text)


@pytest.mark.parametrize("fmt", ["html", "md", "json"])
@pytest.mark.parametrize("deal_path", EXAMPLES, ids=lambda p: p.stem)
def test_report_matches_golden(deal_path: Path, fmt: str) -> None:
    text = _stable(render(screened(deal_path), fmt))  # type: ignore[arg-type]
    golden = GOLDEN / f"{deal_path.stem}.{fmt}"
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}; run with IPSDG_UPDATE_GOLDEN=1 to create it"
    expected = golden.read_text(encoding="utf-8")
    assert text == expected, f"{golden.name} differs (as_of {AS_OF}); if the change is intended, regenerate"
