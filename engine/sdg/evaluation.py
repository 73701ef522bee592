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
