"""What batch workers start from: imported and loaded once in the fork server, inherited by every worker.

``run_batch`` starts its workers with multiprocessing's ``forkserver`` method and this
module as the server's preload: the server (a fresh, single-threaded interpreter, so
no web-app threads and no durable_rules state) imports the screening code and loads
the shipped policy — rule book, scoring, SDG tagger, extractor — once; each worker is
a fork of it and starts screening at once instead of re-importing spaCy and pandas and
re-reading every rule and lexicon file. A worker for another ``--rulesets`` folder
loads that folder itself. durable_rules rulesets are compiled in each worker on first
use (never in the server), so nothing of the engine's native state is shared by a fork.
"""

from __future__ import annotations

import contextlib


def _warm() -> None:
    from engine.extract import default_extractor
    from engine.portfolio import batch  # noqa: F401  (pandas; the worker's own module)
    from engine.rules import load_rulebook
    from engine.scoring import scoring_for
    from engine.screen import _tagger

    scoring_for(load_rulebook().root)
    default_extractor()
    _tagger()


with contextlib.suppress(Exception):  # a broken policy is reported by the worker that loads it, with file and line
    _warm()
