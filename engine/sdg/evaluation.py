"""Precision, recall and F1 of the tagger against passages labelled with their one main SDG.

Each labelled set is judged for one SDG, as in the benchmark the tagger is measured on: a
passage counts as a true positive for SDG n when it is labelled n and tagged n, as a false
positive when it is tagged n but labelled otherwise. Other SDGs tagged on the same passage do
not count against SDG n.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from engine.sdg.tagger import Tagger


@dataclass(frozen=True)
class Labelled:
    """A development passage: judged for ``judged_sdg``, about ``sdg`` (None: no SDG)."""

    id: str
    text: str
    sdg: int | None
    judged_sdg: int
    split: str


@dataclass(frozen=True)
class Scores:
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(tagger: Tagger, passages: Iterable[Labelled]) -> tuple[dict[int, Scores], list[tuple[Labelled, bool]]]:
    """Scores per judged SDG, and every passage with whether it was tagged with its judged SDG."""
    counts: dict[int, list[int]] = {}
    outcomes: list[tuple[Labelled, bool]] = []
    for passage in passages:
        tagged = any(tag.sdg == passage.judged_sdg for tag in tagger.tag(passage.text, passage.id).sdgs)
        relevant = passage.sdg == passage.judged_sdg
        tp_fp_fn_tn = counts.setdefault(passage.judged_sdg, [0, 0, 0, 0])
        tp_fp_fn_tn[0 if tagged and relevant else 1 if tagged else 2 if relevant else 3] += 1
        outcomes.append((passage, tagged))
    return {sdg: Scores(*c) for sdg, c in sorted(counts.items())}, outcomes


@dataclass(frozen=True)
class MultiLabelled:
    """A passage with every SDG it addresses (``sdgs`` empty: it addresses none, e.g. boilerplate)."""

    id: str
    text: str
    sdgs: frozenset[int]
    split: str
    source: str


def evaluate_multi(predicted: Iterable[tuple[MultiLabelled, frozenset[int]]],
                   goals: Iterable[int] = range(1, 18)) -> dict[int, Scores]:
    """Scores per SDG when every passage is judged for all 17: a tag outside the gold set is a false positive."""
    counts = {sdg: [0, 0, 0, 0] for sdg in goals}
    for passage, tags in predicted:
        for sdg, c in counts.items():
            tagged, relevant = sdg in tags, sdg in passage.sdgs
            c[0 if tagged and relevant else 1 if tagged else 2 if relevant else 3] += 1
    return {sdg: Scores(*c) for sdg, c in counts.items()}


def micro(scores: dict[int, Scores]) -> Scores:
    """All SDGs pooled: the precision a reader of the tags sees."""
    return Scores(*(sum(getattr(s, f) for s in scores.values()) for f in ("tp", "fp", "fn", "tn")))
