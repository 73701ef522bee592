"""Throughput of ``ipsdg sdg --jsonl`` on one core: passages per second for 10,000 passages.

Passages are sampled from the development set and perturbed (sentences shuffled and recombined
across passages, numbers changed) so the token cache does not see only repeats. Runs the CLI's own
code path (read_jsonl → Tagger.tag_many → JSON lines) in this process, after a warm-up, and
prints the baseline cost of tokenising alone for comparison.

Usage: ``taskset -c 0 .venv/bin/python benchmarks/sdg_bench.py [N]``
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import sys
import time
from pathlib import Path

from engine.nlp import tokenizer
from engine.sdg import load_tagger, read_jsonl

DEV = Path(__file__).resolve().parents[1] / "tests" / "sdg_dev"


def make_passages(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    sentences = [s for path in sorted(DEV.glob("sdg-*.jsonl")) for line in path.read_text().splitlines()
                 for s in re.split(r"(?<=[.!?]) ", json.loads(line)["text"])]
    out = []
    for i in range(n):
        picked = rng.sample(sentences, rng.choice((2, 3)))
        text = " ".join(picked)
        text = re.sub(r"\d+", lambda m: str(rng.randint(1, 999)), text)
        out.append(json.dumps({"id": f"p{i}", "text": text}))
    return out


def main(n: int = 10_000) -> None:
    lines = make_passages(n)
    tagger = load_tagger()
    for _, text in read_jsonl(lines[:500]):
        tagger.tag(text)  # warm-up: token cache, first allocations
    tok = tokenizer()
    start = time.perf_counter()
    for line in lines:
        tok(json.loads(line)["text"])
    base = time.perf_counter() - start
    out = io.StringIO()
    start, cpu = time.perf_counter(), time.process_time()
    tagged = 0
    for result in tagger.tag_many(read_jsonl(lines)):
        out.write(json.dumps(result.model_dump(), ensure_ascii=False) + "\n")
        tagged += bool(result.sdgs)
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    tokens = sum(len(tok(json.loads(line)["text"])) for line in lines[:1000]) / 1000
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{n} passages (~{tokens:.0f} tokens each), {tagged} with at least one SDG; load average {load} "
          f"on {os.cpu_count()} CPUs (figures scale with the share of a core this process gets)")
    print(f"tagging (CLI path, JSON in/out): {n / took:,.0f} passages/s  ({took * 1e6 / n:.0f} µs/passage)")
    print(f"per CPU-second (load-independent):  {n / cpu:,.0f} passages/s of one core's time")
    print(f"tokenizer alone:                 {n / base:,.0f} passages/s  (tagging = {took / base:.1f}x tokenising)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
