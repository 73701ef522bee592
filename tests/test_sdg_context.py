"""All 17 SDGs, multi-label tags with targets, context filtering, calibration, and the 'also addressed' SDGs."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from benchmarks.sdg_all17 import load
from engine import errors
from engine.errors import InputError
from engine.report import render
from engine.screen import screen_path
from engine.sdg import DEFAULT_DIR, Tagger, load_lexicons, load_tagger
from engine.sdg.evaluation import evaluate_multi, micro

ROOT = Path(__file__).resolve().parents[1]
VERDANT = ROOT / "examples" / "deals" / "verdant-grill-whole-business-abs.yaml"
FOCUS = {4, 7, 8, 9, 12, 13}


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return load_tagger()


def test_blind17_split_is_balanced_and_disjoint_from_the_tuning_data():
    blind, dev = load("blind17"), load("dev17")
    per_sdg = {n: sum(n in p.sdgs for p in blind) for n in range(1, 18)}
    assert min(per_sdg.values()) >= 8
    assert sum(not p.sdgs for p in blind) >= 10  # boilerplate with no SDG
    assert not {p.text for p in blind} & {p.text for p in dev}


def test_blind17_floors(tagger: Tagger):
    """A regression floor under the figures measured on blind17 (macro-F1 0.952, micro P 0.941, the six
    0.889-1.0 on 2026-12-04, benchmarks/sdg_all17.py). blind17 leaked into lexicon tuning (see the note at the
    top of rulesets/lexicons/sdg/tagger.yaml), so this guards against regressions; it does not measure accuracy."""
    scores = evaluate_multi([(p, frozenset(t.sdg for t in tagger.tag(p.text).sdgs)) for p in load("blind17")])
    assert sum(s.f1 for s in scores.values()) / 17 >= 0.92
    assert micro(scores).precision >= 0.9
    assert all(scores[n].f1 >= 0.85 for n in FOCUS), {n: scores[n] for n in FOCUS}


def test_a_second_sdg_with_strong_evidence_is_not_deleted(tagger: Tagger):
    text = ("Solar mini-grids and rooftop photovoltaic systems brought electricity to 300 rural schools. The schools "
            "now run adult literacy classes, and primary completion rates and learning outcomes have improved.")
    tags = {t.sdg: t for t in tagger.tag(text).sdgs}
    assert {4, 7} <= tags.keys()
    assert any(t.startswith("7.") for t in tags[7].targets) and any(t.startswith("4.") for t in tags[4].targets)


def test_a_passing_mention_is_still_dominated(tagger: Tagger):
    text = ("Headline inflation eased to 2.9 per cent as energy prices fell, and the central bank held its policy "
            "rate; real household incomes and consumer spending recovered.")
    assert 7 not in {t.sdg for t in tagger.tag(text).sdgs}


def test_boilerplate_sentence_and_names_are_not_evidence(tagger: Tagger):
    thanks = "Comments from the Ministry of Education and the Ministry of Energy are gratefully acknowledged."
    assert tagger.tag(thanks).sdgs == []
    # The same words outside the boilerplate sentence and outside a name still count.
    assert 4 in {t.sdg for t in tagger.tag(thanks + " Primary school enrolment and completion rates rose "
                                                      "sharply after school fees were abolished.").sdgs}
    evidence = {e.sdg: e for e in tagger.evidence("The Green Climate Fund and the Global Environment Facility met.")}
    assert evidence[13].score == 0


def test_every_query_reference_becomes_a_tag_target(tagger: Tagger):
    for passage in load("dev17")[::5]:
        for tag in tagger.tag(passage.text).sdgs:
            assert tag.targets and all(t.split(".")[0] == str(tag.sdg) for t in tag.targets), tag


def test_calibrated_score_is_monotone_and_within_the_line(tagger: Tagger):
    raw = [i / 100 for i in range(101)]
    reported = [tagger.calibrated(x) for x in raw]
    assert reported == sorted(reported)
    points = tagger.lexicons.settings.calibration
    assert reported[-1] == pytest.approx(points[-1][1]) and tagger.calibrated(points[1][0]) == points[1][1]


def test_a_decreasing_calibration_line_is_an_error_with_its_line(tmp_path: Path):
    for path in DEFAULT_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    settings = tmp_path / "tagger.yaml"
    settings.write_text(settings.read_text().replace("calibration: [[0.45, 0.88]", "calibration: [[0.45, 0.98]"))
    with pytest.raises(InputError) as caught:
        load_lexicons(tmp_path)
    [problem] = caught.value.problems
    assert problem.code == errors.CROSS_FIELD and problem.path.endswith("tagger.yaml") and problem.line
    assert "must both increase" in problem.message


def test_also_addressed_lists_other_sdgs_and_keeps_them_out_of_the_scoring(tmp_path: Path):
    doc = tmp_path / "note.txt"
    doc.write_text("Community programme\n\nThe franchisor funds school meals and nutrition education for 20,000 "
                   "children facing hunger and food insecurity in the towns where its restaurants operate. Stunting "
                   "and wasting among the children fell by a third.\n")
    s = screen_path(VERDANT, [doc], as_of=date(2026, 6, 30))
    also = {p.sdg: p for p in s.also_addressed}
    assert 2 in also and also[2].targets and also[2].document == "note.txt"
    assert not FOCUS & also.keys()
    assert {p.sdg for p in s.topical} <= FOCUS
    assert 2 not in {sc.sdg for sc in s.sdg_scores}
    html, md = render(s, "html"), render(s, "md")
    assert "Also addressed" in html and "food insecurity" in html
    assert "Also addressed" in md and "| 2 |" in md
