"""screen(): the pipeline a reviewer relies on — deterministic, traceable, safe with untrusted text."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from engine.deals import parse_deal
from engine.documents import read_bytes
from engine.report import render
from engine.screen import screen, screen_path
from tests.screening_cases import AS_OF, EXAMPLES, ROOT, by_stem, screened

SOLARIS = by_stem("solaris-green-patent-abs")


def test_same_inputs_give_byte_identical_json() -> None:
    first = screen_path(SOLARIS, as_of=AS_OF)
    second = screen_path(SOLARIS, as_of=AS_OF)
    assert render(first, "json") == render(second, "json")


def test_json_round_trips_so_a_stored_screening_re_renders_exactly() -> None:
    s = screened(SOLARIS)
    again = type(s).model_validate_json(s.model_dump_json())
    assert render(again, "html") == render(s, "html")


def test_every_sdg_point_names_a_rule_or_a_cited_passage() -> None:
    for path in EXAMPLES:
        for sdg in screened(path).sdg_scores:
            for point in sdg.points + sdg.penalties:
                assert point.rule_id or (point.evidence_kind == "topical" and point.evidence), (path.name, point)
                assert point.basis.endswith(f"{point.points:g}") or point.points < 0


def test_every_finding_carries_its_rule_set_version_hash_and_reference() -> None:
    s = screened(SOLARIS)
    hashes = {r.name: r.hash for r in s.rulesets}
    for f in s.findings:
        assert hashes[f.ruleset].startswith(f.ruleset_hash) and len(f.ruleset_hash) >= 12 and f.reference.title
        assert f.facts, f"{f.rule_id} fired with no matched facts"


def _hostile_document(tmp_path: Path) -> Path:
    text = ("Use of proceeds. <script>alert('owned')</script> {{ 7 * 7 }} {% raw %}x{% endraw %} "
            "100 per cent. of the net proceeds will be allocated to renewable energy projects.\n")
    path = tmp_path / "hostile.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_document_text_with_script_and_template_syntax_renders_inert(tmp_path: Path) -> None:
    doc = _hostile_document(tmp_path)
    s = screen_path(SOLARIS, [doc], as_of=AS_OF)
    quotes = [u.evidence.text for x in s.extractions for u in x.use_of_proceeds]
    assert any("<script>" in q for q in quotes), "the hostile sentence should be quoted as evidence"
    html = render(s, "html")
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "{{ 7 * 7 }}" in html and ">49<" not in html
    md = render(s, "md")
    assert re.search(r"(?<!\\)<script", md) is None and "\\<script>alert" in md  # a literal '<' in CommonMark


def test_as_of_before_and_after_a_dated_parameter_change(tmp_path: Path) -> None:
    """min_material_share_pct rose from 5 % to 10 % on 2026-01-01: a 7 % allocation stops counting."""
    text = SOLARIS.read_text(encoding="utf-8")
    text = text.replace("issue_date: 2026-03-16", "issue_date: 2025-03-17")
    text = text.replace("{category: renewable_energy, share_pct: 70,", "{category: renewable_energy, share_pct: 63,")
    text = text.replace("allocations:\n", "allocations:\n  - {category: clean_transportation, share_pct: 7}\n", 1)
    deal = parse_deal(text, "seven-percent.yaml")
    before = screen(deal, as_of=date(2025, 12, 31))
    after = screen(deal, as_of=date(2026, 6, 30))
    fired = lambda s: {f.rule_id for f in s.findings}  # noqa: E731
    assert "UOP-TRANS-7.3" in fired(before) and "UOP-TRANS-7.3" not in fired(after)
    used = next(f for f in before.findings if f.rule_id == "UOP-TRANS-7.3").params
    assert [(p.name, p.value, p.effective_from) for p in used] == [("min_material_share_pct", 5, date(2021, 6, 1))]


def test_documents_that_contradict_the_deal_file_show_the_contradiction(tmp_path: Path) -> None:
    doc = tmp_path / "circular.txt"
    doc.write_text("Use of proceeds. 55 per cent. of the net proceeds will be allocated to renewable energy.\n",
                   encoding="utf-8")
    s = screen_path(SOLARIS, [doc], as_of=AS_OF)
    found = [c for c in s.contradictions if c.field == "allocation.renewable_energy"]
    assert found and found[0].deal_value == "80 %" and found[0].document_value == "55 %" and found[0].page == 1
    assert any(f.facts and f.facts[0].get("t") == "contradiction" for f in s.findings if f.effect == "flag")
    assert "55 %" in render(s, "html")


def test_a_document_from_bytes_screens_like_one_from_disk(tmp_path: Path) -> None:
    source = ROOT / "examples" / "documents" / "solaris-offering-circular.txt"
    doc = read_bytes(source.read_bytes(), source.name)
    assert render(screen(screened(SOLARIS).deal, [doc], as_of=AS_OF), "json") == render(screened(SOLARIS), "json")


@pytest.mark.parametrize("fmt", ["json", "html", "md"])
def test_cli_screen_writes_each_format(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"report.{fmt}"
    run = subprocess.run([sys.executable, "-m", "engine.cli", "screen", str(SOLARIS), "--as-of", "2026-06-30",
                          "--format", fmt, "-o", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    text = out.read_text(encoding="utf-8")
    if fmt == "json":
        assert json.loads(text)["deal_id"] == "solaris-green-patent-abs-2026"
    else:
        assert "Solaris Clean Energy Patent Royalty ABS 2026-1" in text
    assert not list(tmp_path.glob(".report*")), "no temporary file left behind"


def test_cli_screen_bad_deal_is_one_line_per_problem_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nname: y\nfoo: 1\n", encoding="utf-8")
    out = tmp_path / "never.json"
    run = subprocess.run([sys.executable, "-m", "engine.cli", "screen", str(bad), "-o", str(out)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert f"{bad}:3: foo: unknown key 'foo'" in run.stderr
    assert not out.exists()


def test_skipping_the_stress_grid_changes_nothing_else() -> None:
    """Batch runs skip the 36-scenario stress table; verdict, scores, checks and metrics must not move."""
    full = screened(SOLARIS)
    lean = screen(full.deal, [], as_of=AS_OF, stress_grid=False)
    with_docs_removed = screen(full.deal, [], as_of=AS_OF)
    assert lean.valuation is not None and with_docs_removed.valuation is not None
    assert lean.valuation.stress == [] and with_docs_removed.valuation.stress
    assert lean.valuation.metrics == with_docs_removed.valuation.metrics
    strip = {"valuation"}
    assert lean.model_dump(exclude=strip) == with_docs_removed.model_dump(exclude=strip)


def test_rules_explain_with_a_deal_sees_what_a_screening_sees() -> None:
    """Eligibility rules test valuation metrics: explain --deal must show them, not '0 of 0 metric facts'."""
    from click.testing import CliRunner

    from engine.cli import main

    run = CliRunner().invoke(main, ["rules", "explain", "ELIG-LTV", "--deal", str(SOLARIS), "--as-of", "2026-06-30"])
    assert run.exit_code == 0, run.output
    assert "1 finding(s): pass" in run.output and "ok name eq 'ltv_pct'  (1 of" in run.output
    check = next(c for c in screened(SOLARIS).checks if c.rule_id == "ELIG-LTV")
    assert check.status == "pass", "explain and the screening agree"
