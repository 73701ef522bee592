"""The one place that imports spaCy (STYLE 13). Extraction and SDG tagging build on this.

The pipeline is ``spacy.blank("en")`` + sentencizer unless a trained pipeline is
installed and asked for; nothing here downloads a model. ``CueFinder`` runs one
PhraseMatcher (attr LOWER) over each page and hands back plain data: the
sentences that hold a cue, with character offsets into the page text. Callers
never touch spaCy objects, and run their costlier logic only on those sentences.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.symbols import ORTH


@lru_cache(maxsize=4)
def base_pipeline(model: str | None = None) -> Language:
    """A tokenizer + sentencizer pipeline; ``model`` names an installed trained pipeline to use instead."""
    if model:
        nlp = spacy.load(model, exclude=["ner", "lemmatizer"])
    else:
        nlp = spacy.blank("en")
    if "sentencizer" not in nlp.pipe_names and "parser" not in nlp.pipe_names and "senter" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer")
    for abbreviation in _ABBREVIATIONS:  # "55 per cent. of the net proceeds" is one sentence, not two
        nlp.tokenizer.add_special_case(abbreviation, [{ORTH: abbreviation}])
    return nlp


_ABBREVIATIONS = ("cent.", "Cent.", "approx.", "incl.", "p.a.", "no.", "No.", "Art.", "para.", "c.")


def tokenizer(model: str | None = None) -> Any:
    """The bare tokenizer of the base pipeline (fastest path: no components run)."""
    return base_pipeline(model).tokenizer


def count_tokens(texts: Iterable[str], model: str | None = None) -> int:
    """Tokens in ``texts`` by a tokenizer-only pass: the baseline extraction speed is measured against."""
    return sum(len(doc) for doc in tokenizer(model).pipe(texts))


@dataclass(frozen=True, slots=True)
class Hit:
    """A lexicon term found in a page: ``label`` is the group's ``category:id``; offsets index the page text."""

    label: str
    start: int
    end: int
    text: str

    @property
    def category(self) -> str:
        return self.label.split(":", 1)[0]

    @property
    def id(self) -> str:
        return self.label.split(":", 1)[1]


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str
    hits: tuple[Hit, ...]


@dataclass(frozen=True, slots=True)
class PageCues:
    tokens: int
    sentences: list[Sentence]


class CueFinder:
    """Lexicon phrases -> the sentences of each page that contain them.

    Overlapping hits of one category keep the longest ("energy efficiency" over
    "energy"); hits of different categories may overlap ("allocation report" is
    both a reporting term and a proceeds term).
    """

    def __init__(self, phrases: Mapping[str, Iterable[str]], model: str | None = None, chunk_chars: int = 200_000):
        self.nlp = base_pipeline(model)
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.chunk_chars = min(chunk_chars, self.nlp.max_length // 2)
        self._labels: dict[int, str] = {}
        for label, terms in phrases.items():
            self.matcher.add(label, list(self.nlp.tokenizer.pipe(list(terms))))
            self._labels[self.nlp.vocab.strings[label]] = label

    def pages(self, texts: Iterable[str], keep_all: bool = False) -> Iterator[PageCues]:
        """One ``PageCues`` per text, in order; ``keep_all`` also returns sentences without a hit."""
        pieces = _chunks(texts, self.chunk_chars)
        current: int | None = None
        tokens = 0
        sentences: list[Sentence] = []
        for (index, offset, _), doc in zip(pieces.items, self.nlp.pipe(pieces.texts()), strict=True):
            if index != current:
                if current is not None:
                    yield PageCues(tokens, sentences)
                for _missing in range(0 if current is None else current + 1, index):
                    yield PageCues(0, [])
                current, tokens, sentences = index, 0, []
            tokens += len(doc)
            sentences.extend(self._sentences(doc, offset, keep_all))
        if current is not None:
            yield PageCues(tokens, sentences)
        for _missing in range(0 if current is None else current + 1, pieces.count):
            yield PageCues(0, [])

    def _sentences(self, doc: Any, offset: int, keep_all: bool) -> list[Sentence]:
        matches = self.matcher(doc)
        if not matches and not keep_all:
            return []
        bounds = [(s.start, s.end, s.start_char, s.end_char) for s in doc.sents]
        starts = [b[0] for b in bounds]
        by_sentence: dict[int, list[tuple[str, int, int]]] = {}
        for match_id, start, end in matches:
            by_sentence.setdefault(bisect_right(starts, start) - 1, []).append((self._labels[match_id], start, end))
        out = []
        text = doc.text
        for i, (_, _, start_char, end_char) in enumerate(bounds):
            found = by_sentence.get(i)
            if not found and not keep_all:
                continue
            hits = tuple(Hit(label, doc[s].idx + offset, doc[e - 1].idx + len(doc[e - 1]) + offset,
                             text[doc[s].idx:doc[e - 1].idx + len(doc[e - 1])])
                         for label, s, e in _longest(found or []))
            out.append(Sentence(start_char + offset, end_char + offset, text[start_char:end_char], hits))
        return out


def _longest(found: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Per category, drop hits inside a longer hit of the same category; keep text order."""
    kept: list[tuple[str, int, int]] = []
    for label, start, end in sorted(found, key=lambda m: (m[1], -(m[2] - m[1]))):
        category = label.split(":", 1)[0]
        if any(k[0].split(":", 1)[0] == category and k[1] <= start and end <= k[2] for k in kept):
            continue
        kept.append((label, start, end))
    return kept


@dataclass
class _Pieces:
    items: list[tuple[int, int, str]]
    count: int

    def texts(self) -> Iterator[str]:
        return (text for _, _, text in self.items)


def _chunks(texts: Iterable[str], size: int) -> _Pieces:
    """Split over-long pages at line ends so one Doc never nears spaCy's ``max_length``."""
    items: list[tuple[int, int, str]] = []
    count = 0
    for index, text in enumerate(texts):
        count += 1
        start = 0
        while len(text) - start > size:
            cut = text.rfind("\n", start, start + size)
            cut = start + size if cut <= start else cut + 1
            items.append((index, start, text[start:cut]))
            start = cut
        items.append((index, start, text[start:]))
    return _Pieces(items, count)
