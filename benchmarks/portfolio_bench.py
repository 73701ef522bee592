"""Portfolio screening throughput, scaling and memory (``ipsdg batch`` machinery).

    python benchmarks/portfolio_bench.py [--n 10000] [--doc-deals 100] [--doc-pages 50] [--profile]

1. N generated deals (deal data only, JSON files) with 1 and with 2 workers: deals/s, the
   scaling ratio, and peak memory (parent RSS + the largest worker's RSS x workers, from
   ``resource.getrusage``). Each configuration runs in a fresh process so peaks do not mix.
2. ``--doc-deals`` deals each with a ``--doc-pages``-page generated offering circular, 2 workers.
3. ``--profile``: where the time goes in one process screening 300 deals (cProfile, top functions).

Targets on the 2-core machine: >= 300 deals/s with 2 workers, 2 workers >= 1.7x one, peak < 1 GB.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
AS_OF = date(2026, 6, 30)


def _generate(n: int, out: Path, doc_pages: int = 0, seed: int = 42) -> None:
    subprocess.run([sys.executable, str(HERE / "portfolio_gen.py"), str(n), str(out), "--seed", str(seed),
                    "--doc-pages", str(doc_pages)], check=True)


def _measure(folder: Path, workers: int) -> dict[str, float]:
    """Run one configuration in a fresh interpreter and return its figures."""
    done = subprocess.run([sys.executable, __file__, "--run", str(folder), "--workers", str(workers)],
                          check=True, capture_output=True, text=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _forkserver() -> tuple[float, float]:
    """CPU seconds and peak MB of multiprocessing's fork server (its preload), from /proc on Linux; 0 without one."""
    from multiprocessing import forkserver

    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        hwm = [line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("VmHWM:")]
    except (OSError, IndexError):
        return 0.0, 0.0
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    return cpu, int(hwm[0].split()[1]) / 1024 if hwm else 0.0


def _run(folder: Path, workers: int) -> None:
    from engine.portfolio import run_batch

    result = run_batch(folder, as_of=AS_OF, workers=workers)
    own = resource.getrusage(resource.RUSAGE_SELF)
    parent = own.ru_maxrss / 1024
    child = result.worker_mb  # workers fork from a fork server, not from us: they report their own peak
    server_cpu, server_mb = _forkserver() if workers > 1 else (0.0, 0.0)
    print(json.dumps({"deals": result.total, "ok": len(result.table), "failed": len(result.errors),
                      "seconds": result.seconds, "rate": result.rate,
                      "cpu": own.ru_utime + own.ru_stime + result.worker_cpu + server_cpu,
                      "parent_mb": parent, "child_mb": child, "server_mb": server_mb,
                      "peak_mb": parent + child * workers + server_mb}))


def _profile(folder: Path, limit: int = 300) -> None:
    from engine.portfolio import list_items, run_batch

    items = list_items(folder)[:limit]
    run_batch(folder, as_of=AS_OF, workers=1, items=items[:5])  # warm: rule book, scoring, imports
    profiler = cProfile.Profile()
    profiler.enable()
    run_batch(folder, as_of=AS_OF, workers=1, items=items)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
    print(f"\nprofile of {len(items)} deals in one process (cumulative time):")
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:6000])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--doc-deals", type=int, default=100)
    parser.add_argument("--doc-pages", type=int, default=50)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--run", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        _run(args.run, args.workers)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        plain, docs = Path(tmp) / "plain", Path(tmp) / "docs"
        _generate(args.n, plain)
        one = _measure(plain, 1)
        two = _measure(plain, 2)
        print(f"\n{args.n:,} generated deals, deal data only (as of {AS_OF}):")
        for name, r in (("1 worker ", one), ("2 workers", two)):
            print(f"  {name}: {r['rate']:8.1f} deals/s  {r['seconds']:7.1f} s wall  {r['cpu']:6.1f} s CPU "
                  f"(all processes)  ok {r['ok']:.0f}  failed "
                  f"{r['failed']:.0f}  peak {r['peak_mb']:.0f} MB (parent {r['parent_mb']:.0f} + "
                  f"worker {r['child_mb']:.0f} x workers + fork server {r['server_mb']:.0f})")
        ratio = two["rate"] / one["rate"] if one["rate"] else 0.0
        print(f"  scaling 2 vs 1 workers: {ratio:.2f}x (target >= 1.7x); 2-worker rate target >= 300 deals/s: "
              f"{'met' if two['rate'] >= 300 else 'NOT met'}; peak < 1 GB: "
              f"{'met' if two['peak_mb'] < 1024 else 'NOT met'}")
        if args.doc_deals:
            _generate(args.doc_deals, docs, doc_pages=args.doc_pages)
            with_docs = _measure(docs, 2)
            print(f"\n{args.doc_deals} deals each with a {args.doc_pages}-page offering circular, 2 workers:")
            print(f"  {with_docs['rate']:.2f} deals/s ({with_docs['rate'] * args.doc_pages:,.0f} pages/s), "
                  f"{with_docs['seconds']:.1f} s, failed {with_docs['failed']:.0f}, peak {with_docs['peak_mb']:.0f} MB")
        if args.profile:
            _profile(plain)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
