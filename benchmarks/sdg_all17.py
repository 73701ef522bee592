"""Per-SDG precision, recall and F1 over all 17 SDGs, macro-F1, speed and memory of ``ipsdg sdg``.

Usage: ``taskset -c 0 .venv/bin/python benchmarks/sdg_all17.py [--splits=blind17,dev17,...] [--errors] [--corpus DIR]``

Data (``tests/sdg_dev/all17/``, every passage judged for all 17 SDGs; a tag outside its gold set
is a false positive, so over-tagging costs precision):

* ``blind.jsonl`` (split ``blind17``): 159 passages written by hand in the style of UN/OECD
  statistical reports (2-3 sentences, 8-10 per SDG, 12 with no SDG: acknowledgements, institution
  names, reference lists, disclaimers, issuance boilerplate). Written and committed before any
  lexicon change of this round, never used for tuning. Not independent: the writer also tunes the
  lexicons, had read four of them (SDG 1, 5, 7, 16) and the issue's error categories.
* ``dev.jsonl`` (split ``dev17``): passages written for tuning, after the blind baseline.
* ``targets.jsonl`` (split ``targets``): the 169 official target texts, each labelled with its goal
  (UN wording, ``rulesets/lexicons/sdg/catalogue.yaml``); the lexicons cite this wording, so it is a
  coverage check, not a test.
* ``corpus.jsonl`` (split ``corpus``): labels of 53 English passages of ``/work/shared/corpus`` (green
  bond reports, SPOs, news; 31 with no SDG: tables of contents, process and issuance text), by document
  and passage number as ``engine.topical.passages`` cuts them, without their text (most of those
  documents may not be redistributed); read from ``--corpus DIR`` (default ``/work/shared/corpus``),
  skipped when absent. Labelled by the tuning engineer after seeing the tagger's output on these
  texts (passages whose SDGs were unclear, such as lists of eligible categories, were left out): a
  real-text check, not blind.
* the older six-SDG sets of ``tests/sdg_dev`` (``benchmarks/sdg_accuracy.py``) use another protocol.

``--errors`` prints each misjudged passage with its evidence (never with ``blind17``: that is tuning on it).
"""

from __future__ import annotations

import hashlib
import json
import resource
import sys
import time
from pathlib import Path

from engine.sdg import load_tagger
from engine.sdg.evaluation import MultiLabelled, evaluate_multi, micro
from engine.sdg.tagger import Tagger
from engine.topical import passages

DATA = Path(__file__).resolve().parents[1] / "tests" / "sdg_dev" / "all17"
FILES = {"blind17": "blind.jsonl", "dev17": "dev.jsonl", "targets": "targets.jsonl"}
CORPUS = Path("/work/shared/corpus")


def load(split: str, corpus: Path = CORPUS) -> list[MultiLabelled]:
    """The passages of one split (``corpus``: texts cut from the corpus folder, empty when it is missing)."""
    if split == "corpus":
        out = []
        for line in (DATA / "corpus.jsonl").read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            source = corpus / f"{item['document']}.txt"
            if not source.exists():
                return []
            text = list(passages(source.read_text(encoding="utf-8")))[item["passage"]]
            if hashlib.sha1(text.encode()).hexdigest()[:12] != item["sha1"]:
                sys.exit(f"{item['id']}: the passage text changed (engine.topical.passages or the corpus); relabel it")
            out.append(MultiLabelled(item["id"], text, frozenset(item["sdgs"]), split, f"corpus:{item['document']}"))
        return out
    out = []
    for line in (DATA / FILES[split]).read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        out.append(MultiLabelled(item["id"], item["text"], frozenset(item["sdgs"]), item["split"], item["source"]))
    return out


def _reliability(tagger: Tagger, passages: list[MultiLabelled]) -> None:
    """Reported (calibrated) score of the tags against the share of them that were right."""
    bins: dict[float, list[bool]] = {}
    for p in passages:
        for tag in tagger.tag(p.text).sdgs:
            bins.setdefault(min(0.95, int(tag.score * 20) / 20), []).append(tag.sdg in p.sdgs)
    print("calibration: " + "  ".join(f"score {lo:.2f}-{lo + 0.05:.2f}: {sum(b) / len(b):.2f} right of {len(b)}"
                                       for lo, b in sorted(bins.items())))


def main(argv: list[str]) -> None:
    splits = ["blind17"]
    corpus = CORPUS
    for i, arg in enumerate(argv):
        if arg.startswith("--splits="):
            splits = arg.split("=", 1)[1].split(",")
        if arg == "--corpus":
            corpus = Path(argv[i + 1])
    unknown = set(splits) - {*FILES, "corpus"}
    if unknown:
        sys.exit(f"unknown split(s) {sorted(unknown)} (valid: {', '.join([*FILES, 'corpus'])})")
    start = time.perf_counter()
    tagger = load_tagger()
    load_s = time.perf_counter() - start
    for split in splits:
        passages = load(split, corpus)
        if not passages:
            print(f"\n{split}: no passages (corpus folder {corpus} missing?)")
            continue
        start = time.perf_counter()
        predicted = [(p, frozenset(t.sdg for t in tagger.tag(p.text, p.id).sdgs)) for p in passages]
        took = time.perf_counter() - start
        scores = evaluate_multi(predicted)
        print(f"\n{split}: {len(passages)} passages, judged for all 17 SDGs\n SDG  gold      P      R     F1")
        for sdg, s in scores.items():
            print(f"{sdg:4d}  {s.tp + s.fn:4d}  {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}   "
                  f"tp={s.tp:3d} fp={s.fp:3d} fn={s.fn:3d}")
        six = [scores[n].f1 for n in (4, 7, 8, 9, 12, 13)]
        pooled = micro(scores)
        print(f"macro-F1 over 17: {sum(s.f1 for s in scores.values()) / 17:.3f}   "
              f"min F1 over 4,7,8,9,12,13: {min(six):.3f}   "
              f"micro P {pooled.precision:.3f} R {pooled.recall:.3f} F1 {pooled.f1:.3f}   "
              f"({len(passages) / took:,.0f} passages/s here, cold)")
        _reliability(tagger, passages)
        if "--errors" in argv:
            if split == "blind17":
                print("(no --errors on blind17: it is never tuned on)")
                continue
            for p, tags in predicted:
                if tags != p.sdgs:
                    ev = {e.sdg: (round(e.score, 2), e.queries) for e in tagger.evidence(p.text) if e.score}
                    print(f"\n{p.id} gold={sorted(p.sdgs)} tagged={sorted(tags)} {ev}\n   {p.text}")
    # Speed on the CLI's hot path, repeated passages of the chosen splits (warm caches, one core).
    texts = [p.text for split in splits for p in load(split, corpus)] or ["solar"]
    reps = max(1, 5000 // len(texts))
    start = time.perf_counter()
    for _ in range(reps):
        for text in texts:
            tagger.tag(text)
    took = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nspeed: {reps * len(texts) / took:,.0f} passages/s (lexicon mode, warm, one process); "
          f"tagger load {load_s:.2f} s; peak RSS {rss:.0f} MB")


if __name__ == "__main__":
    main(sys.argv[1:])
