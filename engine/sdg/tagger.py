"""Scoring passages against the SDG query lexicons and deciding which SDGs a passage addresses.

Per SDG, the weights of the queries that match combine by noisy-or (each query is independent
evidence; a second place where the same query matches adds ``repeat_bonus`` of its weight).
Dampers (context that signals another sense or genre) scale the score down.

Context comes first: matches in a boilerplate sentence (acknowledgements, citations, disclaimers)
and matches inside an institution or convention name ("Ministry of Education", "Convention on
Biological Diversity") are not evidence, whatever the word. Then an SDG is tagged when its score
reaches the lexicon's threshold and either reaches ``independent`` (strong evidence of its own: a
passage may address several SDGs) or is close to the best SDG's score (``dominance``): a passage
that mentions energy in passing while being about inflation should not be tagged SDG 7. The score a
tag reports is the raw score read off a calibration line (share of tags at that raw score that were
right on the development passages), so 0.9 means about nine in ten such tags were right there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from engine.models.sdg import NameCues, Query, SdgResult, SdgTag
from engine.nlp import tokenizer
from engine.sdg.lexicon import LexiconSet, load_lexicons
from engine.sdg.matcher import Pattern, PhraseIndex, Tokens, compile_term, tokens_of


@dataclass(frozen=True)
class _Compiled:
    id: str
    reference: str
    weight: float
    anchors: tuple[int, ...]
    anchor_rank: dict[int, int]  # pattern id -> position in ``anchors``: matched anchors are visited in term order
    groups: tuple[frozenset[int], ...]
    exclude: frozenset[int]
    window: int | str


@dataclass
class Evidence:
    """Why one SDG scored what it did on one passage (all SDGs, tagged or not: used for tuning)."""

    sdg: int
    score: float = 0.0
    threshold: float = 1.0
    report: bool = True
    terms: list[str] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    dampers: list[str] = field(default_factory=list)


class Tagger:
    """Compiled lexicons; build once with :func:`load_tagger`, then tag any number of passages."""

    def __init__(self, lexicons: LexiconSet, tokenize: Callable[[str], object] | None = None):
        self.lexicons = lexicons
        self._tokenize = tokenize or tokenizer()
        self._pids: dict[Pattern, int] = {}
        self._queries: list[list[_Compiled]] = []
        self._dampers: list[list[tuple[str, frozenset[int], float]]] = []
        for lexicon in lexicons.lexicons:
            self._queries.append([self._compile(query) for query in lexicon.queries])
            self._dampers.append([(d.id, frozenset(self._pid(t) for t in d.terms), d.factor)
                                  for d in lexicon.dampers])
        settings = lexicons.settings
        self._boilerplate = frozenset(self._pid(t) for cue in settings.boilerplate for t in cue.terms)
        self._names = _name_pattern(settings.names)
        # Lowercase keys of the name words: the name expression runs only on passages holding one of them.
        words = (*settings.names.heads, *settings.names.tails, *(_GOAL_WORDS if settings.names.goal_references else ()))
        self._name_keys = frozenset(self._pid_key(w) for w in words)
        self._index = PhraseIndex(list(self._pids))
        self._by_anchor: dict[int, list[tuple[int, int]]] = {}
        for li, queries in enumerate(self._queries):
            for qi, query in enumerate(queries):
                for pid in query.anchors:
                    self._by_anchor.setdefault(pid, []).append((li, qi))

    def _pid(self, term: str) -> int:
        pattern = compile_term(term, self._tokenize)
        return self._pids.setdefault(pattern, len(self._pids))

    def _pid_key(self, word: str) -> int:
        doc: Any = self._tokenize(word.lower())
        return int(doc[0].lower)

    def _compile(self, query: Query) -> _Compiled:
        groups = [frozenset(self._pid(t) for t in group) for group in query.all_of]
        if query.any_of:
            groups.append(frozenset(self._pid(t) for t in query.any_of))
        anchors = tuple(dict.fromkeys(self._pid(t) for t in query.terms))
        return _Compiled(query.id, query.reference, query.weight, anchors, {pid: k for k, pid in enumerate(anchors)},
                         tuple(groups), frozenset(self._pid(t) for t in query.exclude), query.window)

    def _scored(self, text: str) -> dict[int, Evidence]:
        """Evidence for the lexicons that matched at least one query, keyed by lexicon position.

        Lexicons without a match are left out, so a passage costs work in proportion to what it
        matches rather than to the number of lexicons (the hot path of ``tag``).
        """
        tokens = tokens_of(text, self._tokenize)
        hits = self._index.find(tokens)
        if hits and (self._boilerplate & hits.keys() or not self._name_keys.isdisjoint(tokens.keys)):
            hits = self._in_context(tokens, hits)
        if not hits:
            return {}
        lexicons = self.lexicons.lexicons
        bonus = self.lexicons.settings.repeat_bonus
        found: dict[int, Evidence] = {}
        miss: dict[int, float] = {}
        done: set[tuple[int, int]] = set()
        for pid in hits:
            for key in self._by_anchor.get(pid, ()):
                if key in done:
                    continue
                done.add(key)
                li, qi = key
                query = self._queries[li][qi]
                places, terms = _match(query, hits, tokens)
                if not places:
                    continue
                weight = query.weight
                if places > 1:
                    weight = 1 - (1 - weight) * (1 - bonus * weight)
                miss[li] = miss.get(li, 1.0) * (1 - weight)
                ev = found.get(li)
                if ev is None:
                    lex = lexicons[li]
                    ev = found[li] = Evidence(lex.sdg, threshold=lex.threshold, report=lex.report)
                ev.queries.append(query.id)
                if query.reference not in ev.targets:
                    ev.targets.append(query.reference)
                ev.terms.extend(t for t in terms if t not in ev.terms)
        for li, ev in found.items():
            score = 1 - miss[li]
            for damper_id, pids, factor in self._dampers[li]:
                if any(pid in hits for pid in pids):
                    score *= factor
                    ev.dampers.append(damper_id)
            ev.score = score
        return found

    def _in_context(self, tokens: Tokens, hits: dict[int, list[tuple[int, int]]]) -> dict[int, list[tuple[int, int]]]:
        """Drop matches in boilerplate sentences and inside institution or convention names."""
        sentence = tokens.sentence
        skip = {sentence[start] for pid in self._boilerplate & hits.keys() for start, _ in hits[pid]}
        names = ([m.span() for m in self._names.finditer(tokens.text)]
                 if self._names is not None and not self._name_keys.isdisjoint(tokens.keys) else [])
        if not skip and not names:
            return hits
        starts = tokens.starts

        def keep(span: tuple[int, int]) -> bool:
            if sentence[span[0]] in skip:
                return False
            at = starts[span[0]]
            return not any(a <= at < b for a, b in names)

        kept = {pid: [span for span in spans if keep(span)] for pid, spans in hits.items()}
        return {pid: spans for pid, spans in kept.items() if spans}

    def evidence(self, text: str) -> list[Evidence]:
        """Scores and explanations for every lexicon, in lexicon order."""
        found = self._scored(text)
        return [found.get(li) or Evidence(lex.sdg, threshold=lex.threshold, report=lex.report)
                for li, lex in enumerate(self.lexicons.lexicons)]

    def tag(self, text: str, id: str | int | None = None) -> SdgResult:
        """The SDGs ``text`` is judged to address, each with score, matched terms and query ids."""
        found = self._scored(text).values()
        best = max((ev.score for ev in found), default=0.0)
        settings = self.lexicons.settings
        floor = min(settings.dominance * best, settings.independent)
        # Built without re-validation: every field comes from validated lexicons and the types above.
        tags = [SdgTag.model_construct(sdg=ev.sdg, score=self.calibrated(ev.score), terms=ev.terms, queries=ev.queries,
                                       targets=ev.targets)
                for ev in found
                if ev.report and ev.score >= ev.threshold and ev.score >= floor]
        tags.sort(key=lambda t: (-t.score, t.sdg))
        return SdgResult.model_construct(id=id, sdgs=tags)

    def calibrated(self, raw: float) -> float:
        """The reported score of a tag: ``raw`` read off the calibration line of tagger.yaml (3 decimals)."""
        points = self.lexicons.settings.calibration
        if not points:
            return round(raw, 3)
        if raw <= points[0][0]:
            return round(points[0][1], 3)
        for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
            if raw <= x1:
                return round(y0 + (y1 - y0) * (raw - x0) / (x1 - x0), 3)
        return round(points[-1][1], 3)

    def tag_many(self, passages: Iterable[tuple[str | int | None, str]]) -> Iterator[SdgResult]:
        """Stream results for ``(id, text)`` pairs, one per passage, in input order."""
        for pid, text in passages:
            yield self.tag(text, pid)


_CAPITALISED = r"[A-Z][\w'’-]*"
_GOAL_WORDS = ("SDG", "SDGs", "Goal", "Goals")
_GOAL_REFERENCE = r"\b(?:SDGs?|Goals?)\s*\d{1,2}\s*\([^()]{1,80}\)"


def _name_pattern(cues: NameCues) -> re.Pattern[str] | None:
    """One regular expression for every institution or convention name the cues describe (None: no cues)."""
    parts = []
    joiner = r"(?:,?\s+(?:and|of|for|on|to|the|&)\s+|,\s+|\s+)"
    if cues.heads:
        heads = "|".join(re.escape(h) for h in cues.heads)
        parts.append(rf"\b(?:{heads})\s+(?:of|for|on|to)\s+(?:the\s+)?{_CAPITALISED}(?:{joiner}{_CAPITALISED})*")
    if cues.tails:
        tails = "|".join(re.escape(t) for t in cues.tails)
        parts.append(rf"\b{_CAPITALISED}(?:{joiner}{_CAPITALISED})*?\s+(?:{tails})\b")
    if cues.goal_references:
        parts.append(_GOAL_REFERENCE)
    return re.compile("|".join(parts)) if parts else None


def _near(query: _Compiled, tokens: Tokens, anchor: tuple[int, int], other: tuple[int, int]) -> bool:
    window = query.window
    if window == "passage":
        return True
    if window == "sentence":
        return tokens.sentence[anchor[0]] == tokens.sentence[other[0]]
    gap = max(other[0] - anchor[1], anchor[0] - other[1])
    return gap <= int(window)


def _match(query: _Compiled, hits: dict[int, list[tuple[int, int]]], tokens: Tokens) -> tuple[int, list[str]]:
    """Places where the query's anchor holds (context present, no exclusion near) and the terms it used."""
    places: set[int] = set()
    terms: list[str] = []
    # Exclusions present in the passage, found by one set intersection (most queries meet none).
    vetoes = [other for pid in query.exclude & hits.keys() for other in hits[pid]] if query.exclude else ()
    present = query.anchor_rank.keys() & hits.keys()
    for anchor_pid in sorted(present, key=query.anchor_rank.__getitem__) if len(present) > 1 else present:
        for span in hits[anchor_pid]:
            if vetoes and any(_near(query, tokens, span, other) for other in vetoes):
                continue
            used: list[tuple[int, int]] = []
            for group in query.groups:
                near = next((other for pid in group for other in hits.get(pid, ())
                             if _near(query, tokens, span, other)), None)
                if near is None:
                    break
                used.append(near)
            else:
                places.add(span[0])
                for start, end in (span, *used):
                    surface = tokens.surface(start, end)
                    if surface not in terms:
                        terms.append(surface)
    return len(places), terms


def load_tagger(directory: str | None = None) -> Tagger:
    """Validate the lexicon folder (default ``rulesets/lexicons/sdg``) and compile a tagger."""
    return Tagger(load_lexicons(directory))
