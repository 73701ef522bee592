"""Screenings stored before the four opinions (schema 1) still load and re-render; new ones carry them."""

from __future__ import annotations

import json
from pathlib import Path

from engine.models.screening import SCHEMA_VERSION, Screening
from engine.report import render

GOLDEN = Path(__file__).parent / "golden"


def test_a_schema_1_screening_without_opinions_loads_and_renders() -> None:
    data = json.loads((GOLDEN / "solaris-green-patent-abs.json").read_text(encoding="utf-8"))
    assert data["schema_version"] == SCHEMA_VERSION == "2" and data["opinions"]["icma"]["status"] == "aligned"
    del data["opinions"]
    data["schema_version"] = "1"
    old = Screening.model_validate_json(json.dumps(data))
    assert old.opinions is None
    html, md = render(old, "html"), render(old, "md")
    assert "Four separate opinions" not in html and "Overall screen" in html and "Overall screen" in md
    assert "4. Alignment with the Principles" in html, "the component table still renders from components"
