"""One deal's facts through all shipped rule sets, against raw durable_rules in the same process.

Baseline: the same compiled rule definitions registered on a plain durable_rules
Host and the same (already encoded) facts asserted one by one into a fresh
session, deleted after: what any correct use of durable_rules has to pay.
Ours: ``RuleBook.evaluate`` end to end (fact type checks, encoding, derived
tests, the adapter's guards, ``none`` checks and Finding models).

Run: .venv/bin/python benchmarks/rules_bench.py [--rounds N]
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import statistics
import time
from datetime import date
from pathlib import Path
from typing import Any

from durable import engine as durable_engine

from engine.deals import load_deal
from engine.facts import deal_facts, metric_facts
from engine.rules import load_rulebook
from engine.rules.compiler import SESSION_FACT, encode, field_name
from engine.rules.evaluator import test_holds

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 6, 30)


class RawHost(durable_engine.Host):
    fired: list[str] = []

    def _run(self) -> None:
        return None

    def get_action(self, action_name: str) -> Any:
        def action(c: Any) -> None:
            self.fired.append(action_name)
        return action


def deal_with_metrics() -> list[dict[str, Any]]:
    deals = sorted((ROOT / "examples" / "deals").glob("*.yaml"))
    every = [deal_facts(load_deal(p), AS_OF, evidence_base=p.name) for p in deals]
    best = min(every, key=lambda facts: abs(len(facts) + 12 - 60))  # the example closest to ~60 facts
    metrics = {"dscr_min": 1.52, "dscr_avg": 2.1, "dscr_min_unenhanced": 1.1, "ltv_pct": 48.0, "leverage": 3.1,
               "largest_asset_share_pct": 31.0, "largest_licensee_share_pct": 22.0, "legal_life_cushion_years": 3.5,
               "breakeven_haircut_pct": 41.0, "litigation_share_pct": 0.4, "projection_to_history_ratio": 1.2,
               "pool_value": 2.1e8}
    return best + metric_facts(metrics)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=300)
    rounds = parser.parse_args().rounds
    book = load_rulebook()
    facts = deal_with_metrics()
    book.evaluate(facts, AS_OF)  # compile and register
    plan = next(iter(book._plans.values()))
    n_rules = sum(len(d) - 1 for d in plan.definitions.values())

    raw = RawHost()
    names = []
    for i, body in enumerate(plan.definitions.values()):
        name = f"raw{i}"
        raw.register_rulesets(copy.deepcopy({name: body}))
        names.append(name)
    encoded = [{"t": encode(SESSION_FACT)}]
    for fact in facts:
        out = {field_name(k): encode(v) for k, v in fact.items() if not isinstance(v, list)}
        for test, key in plan.derived.get(fact["t"], ()):
            if test_holds(test, fact):
                out[key] = 1
        encoded.append(out)

    def raw_once(sid: str) -> None:
        for name in names:
            for i, fact in enumerate(encoded):
                with contextlib.suppress(durable_engine.MessageNotHandledException):
                    raw.assert_fact(name, {**fact, "id": f"f{i}", "sid": sid})
            raw.delete_state(name, sid)

    def ours_once() -> None:
        book.evaluate(facts, AS_OF)

    ours_ms: list[float] = []
    raw_ms: list[float] = []
    ours_cpu: list[float] = []
    raw_cpu: list[float] = []
    for r in range(rounds):  # interleaved, so both see the same machine load
        t0, c0 = time.perf_counter(), time.process_time()
        raw_once(f"b{r}")
        t1, c1 = time.perf_counter(), time.process_time()
        ours_once()
        t2, c2 = time.perf_counter(), time.process_time()
        raw_ms.append((t1 - t0) * 1000)
        ours_ms.append((t2 - t1) * 1000)
        raw_cpu.append((c1 - c0) * 1000)
        ours_cpu.append((c2 - c1) * 1000)
    raw_med, ours_med = statistics.median(raw_ms), statistics.median(ours_ms)
    findings = len(book.evaluate(facts, AS_OF))
    print(f"deal: {len(facts)} facts, {len(book.rulesets)} rule sets, {n_rules} compiled rules "
          f"in {len(plan.definitions)} durable rulesets, {findings} findings")
    print(f"raw durable_rules : median {raw_med:.2f} ms/deal  ({len(facts) / raw_med * 1000:,.0f} facts/s)")
    print(f"ipsdg RuleBook    : median {ours_med:.2f} ms/deal  ({len(facts) / ours_med * 1000:,.0f} facts/s)")
    print(f"overhead ratio    : {ours_med / raw_med:.2f}x wall  (target <= 1.5x; target < 5 ms median)")
    print(f"CPU time (median) : raw {statistics.median(raw_cpu):.2f} ms, ipsdg {statistics.median(ours_cpu):.2f} ms, "
          f"ratio {statistics.median(ours_cpu) / statistics.median(raw_cpu):.2f}x (less sensitive to machine load)")
    t0 = time.perf_counter()
    for _ in range(max(20, rounds // 5)):
        book.evaluate(facts, AS_OF, engine="python")
    py_med = (time.perf_counter() - t0) / max(20, rounds // 5) * 1000
    print(f"python evaluator  : mean {py_med:.2f} ms/deal (explain and differential tests)")


if __name__ == "__main__":
    main()
