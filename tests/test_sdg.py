"""The SDG tagger: accuracy floors on the development set, explanations, and the query semantics."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from benchmarks.sdg_accuracy import load_blind, load_dev
from engine.sdg import DEFAULT_DIR, Tagger, load_lexicons, load_tagger
from engine.sdg.evaluation import evaluate

# Just below what the tagger reaches on the full development set (benchmarks/sdg_accuracy.py prints it).
F1_FLOORS = {4: 0.95, 7: 0.96, 8: 0.95, 9: 0.92, 12: 0.96, 13: 0.98}
# blind_a and blind_b: written before the lexicons were read, then used to tune them (blind_a in the first
# round, blind_b in the second), so about one error per SDG of slack.
BLIND_A_FLOORS = {4: 0.96, 7: 0.96, 8: 0.93, 9: 0.96, 12: 0.96, 13: 0.96}
BLIND_B_FLOORS = {4: 0.96, 7: 0.96, 8: 0.93, 9: 0.96, 12: 0.96, 13: 0.96}
# blind_c: never used for tuning; a conservative floor only, so lexicon work cannot quietly fall far below
# the last measured figures (0.90-1.00). Do not tune against it: it is the repository's independent check.
BLIND_C_FLOOR = 0.85


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return load_tagger()


@pytest.fixture(scope="module")
def dev_scores(tagger: Tagger):
    return evaluate(tagger, load_dev())


def test_dev_set_has_60_passages_per_sdg_half_hard_negatives():
    passages = load_dev()
    for sdg in F1_FLOORS:
        judged = [p for p in passages if p.judged_sdg == sdg]
        negatives = [p for p in judged if p.sdg != sdg]
        assert len(judged) >= 60
        assert len(negatives) >= 29 and len(negatives) >= len(judged) * 0.45
        assert 0.25 <= sum(p.split == "heldout" for p in judged) / len(judged) <= 0.35


@pytest.mark.parametrize("sdg", sorted(F1_FLOORS))
def test_f1_floor_on_dev_set(dev_scores, sdg: int):
    scores, _ = dev_scores
    assert scores[sdg].f1 >= F1_FLOORS[sdg], f"SDG {sdg}: {scores[sdg]}"


def test_blind_set_has_balanced_splits_per_sdg():
    passages = load_blind()
    for sdg in F1_FLOORS:
        judged = [p for p in passages if p.judged_sdg == sdg]
        for split, size in (("blind_a", 30), ("blind_b", 30), ("blind_c", 40)):
            chosen = [p for p in judged if p.split == split]
            assert len(chosen) == size and sum(p.sdg == sdg for p in chosen) == size // 2, (sdg, split)
    assert len({p.text for p in passages} | {p.text for p in load_dev()}) == len(passages) + len(load_dev())


@pytest.fixture(scope="module")
def blind_scores(tagger: Tagger):
    passages = load_blind()
    return {split: evaluate(tagger, [p for p in passages if p.split == split])[0]
            for split in ("blind_a", "blind_b", "blind_c")}


@pytest.mark.parametrize("sdg", sorted(BLIND_A_FLOORS))
def test_f1_floor_on_blind_sets(blind_scores, sdg: int):
    assert blind_scores["blind_a"][sdg].f1 >= BLIND_A_FLOORS[sdg], f"SDG {sdg}: {blind_scores['blind_a'][sdg]}"
    assert blind_scores["blind_b"][sdg].f1 >= BLIND_B_FLOORS[sdg], f"SDG {sdg}: {blind_scores['blind_b'][sdg]}"
    assert blind_scores["blind_c"][sdg].f1 >= BLIND_C_FLOOR, f"SDG {sdg}: {blind_scores['blind_c'][sdg]}"


def test_every_tag_is_explained(tagger: Tagger):
    for passage in load_dev() + load_blind():
        result = tagger.tag(passage.text, passage.id)
        assert result.id == passage.id
        assert [t.score for t in result.sdgs] == sorted((t.score for t in result.sdgs), reverse=True)
        for tag in result.sdgs:
            assert tag.terms and tag.queries, (passage.id, tag)
            assert 0 < tag.score <= 1
            assert all(term in passage.text.lower() for term in tag.terms)


def test_tags_agree_with_evidence(tagger: Tagger):
    """tag() takes a faster path than evidence(); both must tell the same story for every SDG."""
    for passage in load_dev()[::7]:
        evidence = tagger.evidence(passage.text)
        assert [e.sdg for e in evidence] == [lex.sdg for lex in tagger.lexicons.lexicons]
        by_sdg = {e.sdg: e for e in evidence}
        for tag in tagger.tag(passage.text).sdgs:
            assert tag.score == tagger.calibrated(by_sdg[tag.sdg].score)
            assert tag.queries == by_sdg[tag.sdg].queries and tag.terms == by_sdg[tag.sdg].terms
            assert tag.targets == by_sdg[tag.sdg].targets


def test_output_shape_matches_design(tagger: Tagger):
    dumped = tagger.tag("Access to electricity rose thanks to solar mini-grids.", "p1").model_dump()
    assert set(dumped) == {"id", "sdgs"}
    assert {"sdg", "score", "terms"} <= set(dumped["sdgs"][0])  # documented shape
    assert set(dumped["sdgs"][0]) == {"sdg", "score", "terms", "queries", "targets"}
    assert dumped["sdgs"][0]["targets"] and all(t.startswith("7.") for t in dumped["sdgs"][0]["targets"])
    assert dumped["sdgs"][0]["sdg"] == 7
    assert "mini-grids" in dumped["sdgs"][0]["terms"]


def test_empty_and_unrelated_text_gets_no_tag(tagger: Tagger):
    assert tagger.tag("").sdgs == []
    assert tagger.tag("The meeting was adjourned at noon.").sdgs == []


def _folder(tmp_path: Path, lexicon: str) -> Path:
    for name in ("tagger.yaml",):
        shutil.copy(DEFAULT_DIR / name, tmp_path / name)
    (tmp_path / "sdg-7.yaml").write_text(lexicon)
    return tmp_path


LEXICON = """\
lexicon: sdg-7
sdg: 7
title: test
source: test
threshold: 0.5
queries:
  - id: access
    reference: "7.1.1"
    terms: [electricity]
    all_of: [[access, connect*]]
    exclude: [bills]
    window: 3
    weight: 0.6
  - id: solar
    reference: "7.2"
    terms: [solar panel*]
    window: sentence
    weight: 0.4
dampers:
  - id: food
    terms: [kilocalori*]
    factor: 0.5
"""


def test_co_occurrence_window_exclusion_and_damper(tmp_path: Path):
    tagger = Tagger(load_lexicons(_folder(tmp_path, LEXICON)))

    def score(text: str) -> float:
        return next(e.score for e in tagger.evidence(text) if e.sdg == 7)

    assert score("Access to electricity improved.") == pytest.approx(0.6)
    assert score("Electricity was cheap. Few had access.") == 0  # co-occurrence term outside the window
    assert score("Households connected to electricity.") == pytest.approx(0.6)  # wildcard stem
    assert score("Access to electricity bills.") == 0  # exclusion near the anchor
    assert score("Access to electricity and solar panels.") == pytest.approx(1 - 0.4 * 0.6)  # noisy-or
    assert score("Access to electricity, 2,000 kilocalories.") == pytest.approx(0.3)  # damper
    repeated = score("Access to electricity rose; access to electricity is key.")
    assert repeated == pytest.approx(1 - 0.4 * (1 - 0.5 * 0.6))  # repeat bonus from tagger.yaml
    tags = tagger.tag("Solar panels were installed.").sdgs
    assert tags == []  # 0.4 is below the 0.5 threshold
