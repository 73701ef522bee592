"""Screen a whole portfolio in worker processes and build the results table.

Workers fork from a fork server that imported the screening code and loaded the
shipped policy once (``engine.portfolio.preload``); each worker's initialiser then
only looks the rule book up, and the worker loads and screens deals in chunks.
Deals without documents take the deal-data-only path (no document reading, no
NLP). A deal that fails to load or screen becomes error rows (source, line, code,
reason) and the rest go on. Rows are sorted by deal id,
so the table does not depend on the worker count or on completion order.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from engine import errors
from engine.errors import InputError, Problem
from engine.portfolio.sources import Item, list_items, load_item

ERROR_COLUMNS = ["source", "line", "code", "reason"]
LEAD_COLUMNS = ["deal", "name", "label", "as_of", "verdict", "grade", "esg_score"]
TAIL_COLUMNS = ["red_flags", "ruleset_hashes", "source"]
_STATUS_ORDER = {"pass": 0, "watch": 1, "fail": 2}
# Never plain fork: durable_rules and threads in the parent (web app) do not survive it. Workers fork from a
# clean server process that imported and loaded the policy once (engine/portfolio/preload.py).
START_METHOD = "forkserver"
PRELOAD = ["engine.portfolio.preload"]

Progress = Callable[[int], None]
Detail = Callable[[Any], Any]  # Screening -> something small and picklable to send back to the parent


@dataclass
class Outcome:
    """What a worker sends back for one deal: a table row, or error rows."""

    index: int
    row: dict[str, Any] | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    detail: Any = None


@dataclass
class BatchResult:
    """The results table, the error table, and how the run went."""

    table: pd.DataFrame
    errors: pd.DataFrame
    total: int
    seconds: float
    workers: int
    details: dict[str, Any] = field(default_factory=dict)  # deal id -> detail, when a detail function was given
    worker_cpu: float = 0.0  # CPU seconds of the worker processes (start-up included); 0 when run in-process
    worker_mb: float = 0.0  # the largest worker's peak resident memory (MB); 0 when run in-process

    @property
    def rate(self) -> float:
        return self.total / self.seconds if self.seconds else 0.0


# --- per-process state: the rule book is loaded once per worker -------------------------------------------------

_STATE: dict[str, Any] = {}


def _init_worker(rulesets_dir: str | None, as_of: date, detail: Detail | None) -> None:
    from engine.rules import load_rulebook
    from engine.scoring import scoring_for

    rulebook = load_rulebook(Path(rulesets_dir)) if rulesets_dir else load_rulebook()
    _STATE.update(rulebook=rulebook, scoring=scoring_for(rulebook.root),
                  as_of=as_of, detail=detail)


Chunk = tuple[int, float, float, list[Outcome]]  # worker pid, its CPU seconds and peak MB so far, outcomes


def _screen_chunk(chunk: Sequence[tuple[int, Item]]) -> Chunk:
    """The outcomes, with this process's id, CPU seconds and peak memory (for BatchResult.worker_cpu/_mb)."""
    import resource

    outcomes = [_screen_one(index, item) for index, item in chunk]
    return os.getpid(), time.process_time(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, outcomes


def _screen_one(index: int, item: Item) -> Outcome:
    from engine.documents import read_document
    from engine.screen import screen

    try:
        deal, doc_paths = load_item(item)
        problems: list[Problem] = []
        documents = []
        for path in doc_paths:  # deal-data-only when the deal lists no documents
            try:
                documents.append(read_document(path))
            except InputError as exc:  # reported against the deal, naming the document
                problems += [Problem(p.code, f"document {p.path}: {p.message}", item.source, item.line,
                                     hint=p.hint) for p in exc.problems]
        errors.raise_if(problems)
        screening = screen(deal, documents, rulebook=_STATE["rulebook"], as_of=_STATE["as_of"],
                           scoring=_STATE["scoring"], stress_grid=False)  # result rows do not use it
    except InputError as exc:  # problems raised while screening (not loading) name no file: name the deal's
        located = [p if p.path != "<input>" else dataclasses.replace(p, path=item.source, line=item.line)
                   for p in exc.problems]
        return Outcome(index, errors=[_error_row(p) for p in located])
    except Exception as exc:  # a bug on one deal must not sink the book; the reason says where it happened
        where = traceback.extract_tb(exc.__traceback__)[-1]
        reason = f"screening failed: {type(exc).__name__}: {exc} (at {Path(where.filename).name}:{where.lineno})"
        return Outcome(index, errors=[{"source": item.source, "line": item.line, "code": "screening_failed",
                                       "reason": reason}])
    row = result_row(screening)
    row["source"] = item.source if item.line is None else f"{item.source}:{item.line}"
    detail = _STATE["detail"]
    return Outcome(index, row=row, detail=detail(screening) if detail else None)


def _error_row(problem: Problem) -> dict[str, Any]:
    at = " -> ".join(str(p) for p in problem.loc)
    reason = f"{at + ': ' if at else ''}{problem.message}"
    if problem.choices:
        reason += f" (valid choices: {', '.join(problem.choices)})"
    if problem.hint:
        reason += f" Hint: {problem.hint}"
    return {"source": problem.path, "line": problem.line, "code": problem.code, "reason": reason}


def result_row(screening: Any) -> dict[str, Any]:
    """One table row: the as-of date, verdict, grade, score, per-SDG scores, per-check status (worst per metric)."""
    row: dict[str, Any] = {"deal": screening.deal_id, "name": screening.deal_name, "label": screening.label,
                           "as_of": screening.as_of.isoformat(), "verdict": screening.verdict, "grade": screening.grade,
                           "esg_score": float(screening.esg_score)}
    for sdg in screening.sdg_scores:
        row[f"sdg_{sdg.sdg}"] = float(sdg.score)
    for check in screening.checks:
        key = f"check_{check.metric}"
        if key not in row or _STATUS_ORDER[check.status] > _STATUS_ORDER[row[key]]:
            row[key] = check.status
    row["red_flags"] = int(screening.red_flag_count)
    row["ruleset_hashes"] = ";".join(f"{r.name}@{r.version}:{r.hash}" for r in screening.rulesets)
    return row


# --- the run -----------------------------------------------------------------------------------------------------

def run_batch(portfolio: str | Path, *, rulesets_dir: str | Path | None = None, as_of: date | None = None,
              workers: int = 1, progress: Progress | None = None, detail: Detail | None = None,
              items: list[Item] | None = None) -> BatchResult:
    """Screen every deal of a portfolio; InputError only when the portfolio or the rule files are unusable.

    ``as_of`` is fixed once here (default today) so every worker screens at the same date;
    ``detail`` (a picklable top-level function) extracts what a caller such as the rule-set
    diff needs from each Screening, keyed by deal id in ``BatchResult.details``.
    """
    started = time.perf_counter()
    items = items if items is not None else list_items(portfolio)
    as_of = as_of or date.today()
    rules = str(rulesets_dir) if rulesets_dir else None
    _check_rules(rules)
    workers = max(1, min(workers, len(items)))
    outcomes: list[Outcome] = []
    cpu: dict[int, float] = {}
    memory: dict[int, float] = {}
    for pid, seconds, peak_mb, chunk in _run(items, rules, as_of, detail, workers):
        outcomes.extend(chunk)
        cpu[pid] = max(cpu.get(pid, 0.0), seconds)
        memory[pid] = max(memory.get(pid, 0.0), peak_mb)
        if progress:
            progress(len(chunk))
    cpu.pop(os.getpid(), None)  # one worker runs in this process: its CPU is the caller's to measure
    memory.pop(os.getpid(), None)
    table, error_table, details = _assemble(items, outcomes)
    return BatchResult(table, error_table, len(items), time.perf_counter() - started, workers, details,
                       sum(cpu.values()), max(memory.values(), default=0.0))


def _check_rules(rulesets_dir: str | None) -> None:
    """Load the rule book in the parent first: a broken rule file is one clean InputError, not N worker crashes."""
    from engine.rules import load_rulebook

    if rulesets_dir:
        load_rulebook(Path(rulesets_dir))
    else:
        load_rulebook()


def _run(items: list[Item], rules: str | None, as_of: date, detail: Detail | None,
         workers: int) -> Iterator[Chunk]:
    indexed = list(enumerate(items))
    if workers == 1:
        _init_worker(rules, as_of, detail)
        size = 16
        for start in range(0, len(indexed), size):
            yield _screen_chunk(indexed[start:start + size])
        return
    size = max(1, min(64, len(indexed) // (workers * 8)))
    chunks = [indexed[start:start + size] for start in range(0, len(indexed), size)]
    context = multiprocessing.get_context(START_METHOD)
    if START_METHOD == "forkserver":
        context.set_forkserver_preload(PRELOAD)  # no effect once this process's fork server runs: it has them
    with context.Pool(workers, initializer=_init_worker, initargs=(rules, as_of, detail)) as pool:
        yield from pool.imap_unordered(_screen_chunk, chunks)


def _assemble(items: list[Item], outcomes: list[Outcome]) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Sort by deal id (then input order); a repeated deal id is an error on every later occurrence."""
    outcomes.sort(key=lambda o: o.index)
    good = sorted(((o.row, o) for o in outcomes if o.row is not None), key=lambda ro: (ro[0]["deal"], ro[1].index))
    error_rows: list[tuple[int, dict[str, Any]]] = [(o.index, e) for o in outcomes for e in o.errors]
    rows: list[dict[str, Any]] = []
    details: dict[str, Any] = {}
    first: dict[str, str] = {}  # deal id -> source of its first occurrence
    for row, outcome in good:
        deal = row["deal"]
        if deal in first:
            item = items[outcome.index]
            error_rows.append((outcome.index, {"source": item.source, "line": item.line, "code": errors.DUPLICATE_ID,
                                               "reason": f"deal id {deal!r} is also used by {first[deal]}; "
                                                         "only the first is screened"}))
            continue
        first[deal] = row["source"]
        rows.append(row)
        details[deal] = outcome.detail
    error_rows.sort(key=lambda pair: pair[0])
    return results_table(rows), errors_table([e for _, e in error_rows]), details


def results_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows -> a table with a fixed column order: lead columns, sdg_<n> by goal, check_<metric>, tail."""
    sdgs = sorted({k for r in rows for k in r if k.startswith("sdg_")}, key=lambda k: int(k[4:]))
    checks = sorted({k for r in rows for k in r if k.startswith("check_")})
    return normalise(pd.DataFrame(rows, columns=[*LEAD_COLUMNS, *sdgs, *checks, *TAIL_COLUMNS]))


def normalise(table: pd.DataFrame) -> pd.DataFrame:
    """Column types by name (sdg_* and esg_score float, red_flags int, the rest text with NaN for missing).

    Applied to the table built here and to every table read back from a file, so both compare equal.
    """
    out = table.copy()
    for column in out.columns:
        if column.startswith("sdg_") or column == "esg_score":
            out[column] = out[column].astype("float64")
        elif column == "red_flags":
            out[column] = out[column].astype("int64")
        else:  # pandas' text dtype: a missing cell is NaN, as in a file read back with pandas
            out[column] = out[column].astype("str")
    return out.reset_index(drop=True)


def errors_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=ERROR_COLUMNS)
    table["line"] = table["line"].astype("Int64")
    for column in ("source", "code", "reason"):
        table[column] = table[column].astype("object")
    return table
