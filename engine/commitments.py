"""Is a deal-file statement a commitment? Hedged or negated wording never satisfies an ICMA component.

"Management will consider sustainability factors where feasible" is a hedge (the qualifier lets the
issuer out); "There is no separate committee" is a negation. Hedge cues come from the shared lexicon
``rulesets/lexicons/hedging.yaml`` (the same list the document extractor uses); negation cues are the
short list below (ipsdg proposal: wording that says a process or policy does not exist).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from engine.lexicons import load_lexicon

HEDGING = Path(__file__).resolve().parents[1] / "rulesets" / "lexicons" / "hedging.yaml"
NEGATIONS = ("no separate", "no formal", "no dedicated", "there is no", "there are no", "has not been",
             "have not been", "not yet", "no process", "no policy", "no committee")


@lru_cache(maxsize=1)
def _cues() -> tuple[tuple[str, re.Pattern[str]], ...]:
    terms = [t for g in load_lexicon(HEDGING).groups if g.category == "hedge" for t in g.terms]
    return tuple((t, re.compile(rf"(?<![\w-]){re.escape(t.lower())}(?![\w-])"))
                 for t in sorted(set(terms) | set(NEGATIONS), key=lambda x: (-len(x), x)))


@lru_cache(maxsize=1024)
def weak_cue(text: str | None) -> str | None:
    """The first hedge or negation cue in ``text`` (longest cue first), or None for a firm statement.

    Memoised per text: the framework facts and the ICMA opinion's hedge note ask about the same
    selection and unallocated-proceeds wording, and the search runs once."""
    if not text:
        return None
    lowered = text.lower()
    found = [(m.start(), cue) for cue, pattern in _cues() for m in [pattern.search(lowered)] if m]
    return min(found)[1] if found else None
