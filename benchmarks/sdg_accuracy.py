"""Print precision, recall and F1 per SDG of ``ipsdg sdg`` on the development and blind passages.

Usage: ``.venv/bin/python benchmarks/sdg_accuracy.py [--errors] [--splits=tune,heldout,dev,blind_a,blind_b,blind_c]``.

Two labelled sets live in ``tests/sdg_dev``:

* ``sdg-<n>.jsonl`` — the development set, written together with the lexicons; ``tune`` is what the
  lexicons were fitted on, ``heldout`` is a check on that fitting. Its scores are optimistic.
* ``blind-<n>.jsonl`` — written before the lexicons were read. ``blind_a`` was tuned on in the first
  round, ``blind_b`` (clean in that round) in the second: both are now tuning splits.
* ``blind2-<n>.jsonl`` — split ``blind_c``, written at the start of the second round before the
  lexicons or any existing passage were read, by a different hand and from different sources. It is
  measured only at the end of a round, never used for tuning: the closest figure to an independent
  benchmark that this repository has.

``--errors`` lists every misjudged passage of the chosen splits with its evidence, for lexicon work
(do not combine it with ``blind_c``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from engine.sdg import load_tagger
from engine.sdg.evaluation import Labelled, Scores, evaluate
from engine.sdg.tagger import Tagger

DEV = Path(__file__).resolve().parents[1] / "tests" / "sdg_dev"
SPLITS = ("tune", "heldout", "dev", "blind_a", "blind_b", "blind_c")


def _load(directory: Path, pattern: str) -> list[Labelled]:
    out: list[Labelled] = []
    for path in sorted(directory.glob(pattern)):
        judged = int(path.stem.split("-")[1])
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            out.append(Labelled(item["id"], item["text"], item["sdg"], judged, item["split"]))
    return out


def load_dev(directory: Path = DEV) -> list[Labelled]:
    """Every development passage; the file ``sdg-<n>.jsonl`` says which SDG its passages are judged for."""
    return _load(directory, "sdg-*.jsonl")


def load_blind(directory: Path = DEV) -> list[Labelled]:
    """Every blind passage: ``blind-<n>.jsonl`` (``blind_a``, ``blind_b``) and ``blind2-<n>.jsonl`` (``blind_c``)."""
    return _load(directory, "blind-*.jsonl") + _load(directory, "blind2-*.jsonl")


def select(split: str, dev: list[Labelled], blind: list[Labelled]) -> list[Labelled]:
    """The passages of one split; ``dev`` is the whole development set."""
    if split == "dev":
        return dev
    return [p for p in dev + blind if p.split == split]


def _row(name: str, s: Scores) -> str:
    return f"{name:>8} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}   tp={s.tp:3d} fp={s.fp:3d} fn={s.fn:3d}"


def _print_errors(tagger: Tagger, outcomes: list[tuple[Labelled, bool]]) -> None:
    for passage, tagged in outcomes:
        if tagged != (passage.sdg == passage.judged_sdg):
            ev = {e.sdg: (round(e.score, 2), e.queries) for e in tagger.evidence(passage.text) if e.score}
            kind = "FP" if tagged else "FN"
            print(f"\n{kind} {passage.id} [{passage.split}] judged={passage.judged_sdg} label={passage.sdg} {ev}\n"
                  f"   {passage.text}")


def main(splits: tuple[str, ...] = SPLITS, show_errors: bool = False) -> None:
    tagger = load_tagger()
    dev, blind = load_dev(), load_blind()
    summary: dict[str, dict[int, Scores]] = {}
    for split in splits:
        chosen = select(split, dev, blind)
        scores, outcomes = evaluate(tagger, chosen)
        summary[split] = scores
        print(f"\n{split} ({len(chosen)} passages)\n     SDG      P      R     F1")
        for sdg, s in scores.items():
            print(_row(str(sdg), s))
        print(f"macro-F1 {sum(s.f1 for s in scores.values()) / len(scores):.3f}")
        if show_errors:
            _print_errors(tagger, outcomes)
    sdgs = sorted({sdg for scores in summary.values() for sdg in scores})
    print("\nF1 per SDG\n" + f"{'split':>8} " + " ".join(f"{sdg:>6}" for sdg in sdgs))
    for split, scores in summary.items():
        print(f"{split:>8} " + " ".join(f"{scores[sdg].f1:6.3f}" if sdg in scores else "     -" for sdg in sdgs))


def _parse(argv: list[str]) -> tuple[tuple[str, ...], bool]:
    splits = SPLITS
    for arg in argv:
        if arg.startswith("--splits="):
            splits = tuple(arg.split("=", 1)[1].split(","))
            unknown = set(splits) - set(SPLITS)
            if unknown:
                sys.exit(f"unknown split(s) {sorted(unknown)} (valid: {', '.join(SPLITS)})")
    return splits, "--errors" in argv


if __name__ == "__main__":
    main(*_parse(sys.argv[1:]))
