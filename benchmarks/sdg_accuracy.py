"""Print precision, recall and F1 per SDG of ``ipsdg sdg`` on the development passages.

Usage: ``.venv/bin/python benchmarks/sdg_accuracy.py [--errors]``. Lexicons and thresholds are
tuned on the ``tune`` split only; the ``heldout`` split shows how far that tuning generalises.
``--errors`` lists every misjudged passage with the evidence, for lexicon work.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from engine.sdg import load_tagger
from engine.sdg.evaluation import Labelled, Scores, evaluate

DEV = Path(__file__).resolve().parents[1] / "tests" / "sdg_dev"


def load_dev(directory: Path = DEV) -> list[Labelled]:
    """Every development passage; the file ``sdg-<n>.jsonl`` says which SDG its passages are judged for."""
    out: list[Labelled] = []
    for path in sorted(directory.glob("sdg-*.jsonl")):
        judged = int(path.stem.split("-")[1])
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            out.append(Labelled(item["id"], item["text"], item["sdg"], judged, item["split"]))
    return out


def _row(name: str, s: Scores) -> str:
    return f"{name:>8} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}   tp={s.tp:3d} fp={s.fp:3d} fn={s.fn:3d}"


def main(show_errors: bool = False) -> None:
    tagger = load_tagger()
    passages = load_dev()
    for split in ("tune", "heldout", "all"):
        chosen = [p for p in passages if split == "all" or p.split == split]
        scores, outcomes = evaluate(tagger, chosen)
        print(f"\n{split} ({len(chosen)} passages)\n     SDG      P      R     F1")
        for sdg, s in scores.items():
            print(_row(str(sdg), s))
        macro = sum(s.f1 for s in scores.values()) / len(scores)
        print(f"macro-F1 {macro:.3f}")
        if show_errors and split == "all":
            for passage, tagged in outcomes:
                if tagged != (passage.sdg == passage.judged_sdg):
                    ev = {e.sdg: (round(e.score, 2), e.queries) for e in tagger.evidence(passage.text) if e.score}
                    kind = "FP" if tagged else "FN"
                    print(f"\n{kind} {passage.id} [{passage.split}] label={passage.sdg} {ev}\n   {passage.text}")


if __name__ == "__main__":
    main("--errors" in sys.argv)
