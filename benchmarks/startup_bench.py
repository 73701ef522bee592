"""Cold-start CPU time of the ``ipsdg`` commands (issue 17, item 1): min and median of 3 fresh processes.

    python benchmarks/startup_bench.py

CPU seconds (user + system of the child process, from ``resource``), not wall time: the
machine is shared, so wall time moves with the load. Figures:

- ``import engine.cli``: what every command pays before it runs.
- ``ipsdg validate`` of one example deal (goal < 0.5 s CPU).
- ``ipsdg screen`` of one example deal with its offering circular (goal < 1.5 s CPU).
- ``ipsdg serve`` until ``GET /`` answers (goal < 3 s).
- The YAML fast path against the ruamel path in this process: every shipped rule, lexicon and
  deal file parsed both ways (libyaml composes ordinary files; ruamel reports problems).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
DEAL = ROOT / "examples" / "deals" / "solaris-green-patent-abs.yaml"
RUNS = 3


def _cpu(args: list[str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(args, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _line(name: str, args: list[str], goal: float | None = None) -> None:
    times = [_cpu(args) for _ in range(RUNS)]
    verdict = "" if goal is None else f"  goal < {goal} s: {'met' if min(times) < goal else 'NOT met'}"
    print(f"  {name:<34} min {min(times):5.2f} s  median {statistics.median(times):5.2f} s CPU{verdict}")


def _yaml_ratio() -> None:
    from engine import yamlio

    files = sorted(p for d in ("rulesets", "examples/deals") for p in (ROOT / d).rglob("*.yaml"))
    texts = [(str(p), p.read_text(encoding="utf-8")) for p in files]

    def parse_all() -> float:
        start = time.process_time()
        for path, text in texts:
            yamlio.parse_text(text, path)
        return time.process_time() - start

    fast = min(parse_all() for _ in range(RUNS))
    with mock.patch.object(yamlio, "_fast_compose", lambda text: None):
        slow = min(parse_all() for _ in range(RUNS))
    print(f"  parse {len(texts)} shipped YAML files:     libyaml path {fast:5.2f} s, ruamel path {slow:5.2f} s "
          f"CPU ({slow / fast:.1f}x)")


def _cache_ratio() -> None:
    """The compiled rule book: built from the files (cache miss) against unpickled (hit), in fresh processes."""
    code = ("import time, engine.rules as r; t = time.process_time(); r.load_rulebook(); "
            "print(time.process_time() - t)")
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "IPSDG_CACHE_DIR": folder}

        def run() -> float:
            out = subprocess.run([sys.executable, "-c", code], check=True, env=env, capture_output=True, text=True)
            return float(out.stdout.strip())

        miss = []
        for _ in range(RUNS):
            for entry in Path(folder).glob("*.pickle"):
                entry.unlink()
            miss.append(run())
        hit = [run() for _ in range(RUNS)]
    print(f"  load_rulebook() in a fresh process: cache miss {min(miss) * 1000:5.0f} ms, hit {min(hit) * 1000:5.0f} ms "
          f"CPU ({min(miss) / min(hit):.1f}x)")


def _serve() -> None:
    """``ipsdg serve`` until GET / answers: wall and CPU seconds of the server process (CPU from /proc, Linux)."""
    import socket
    import urllib.request

    walls, cpus = [], []
    for _ in range(RUNS):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            server = subprocess.Popen([sys.executable, "-m", "engine.cli", "serve", "--port", str(port), "--db",
                                       f"sqlite:///{folder}/bench.db"], cwd=ROOT, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
            try:
                while True:
                    try:
                        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read()
                        break
                    except OSError:
                        if server.poll() is not None or time.perf_counter() - start > 60:
                            raise RuntimeError("ipsdg serve did not answer") from None
                        time.sleep(0.05)
                walls.append(time.perf_counter() - start)
                fields = Path(f"/proc/{server.pid}/stat").read_text().rsplit(")", 1)[1].split()
                cpus.append((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"))
            finally:
                server.terminate()
                server.wait()
    print(f"  {'ipsdg serve until GET / answers':<34} min {min(cpus):5.2f} s  median {statistics.median(cpus):5.2f} s "
          f"CPU (wall min {min(walls):.2f} s)  goal < 3 s: {'met' if min(walls) < 3 else 'NOT met'}")


def main() -> int:
    py = sys.executable
    print(f"cold start, CPU seconds of a fresh process (min/median of {RUNS}):")
    _line("python -c pass (interpreter)", [py, "-c", "pass"])
    _line("import engine.cli", [py, "-c", "import engine.cli"])
    _line("ipsdg validate (one deal)", [py, "-m", "engine.cli", "validate", str(DEAL)], goal=0.5)
    _line("ipsdg screen (one deal + document)", [py, "-m", "engine.cli", "screen", str(DEAL), "--as-of",
                                                  "2026-12-01"], goal=1.5)
    _serve()
    _yaml_ratio()
    _cache_ratio()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
