"""The one place that imports spaCy (STYLE 13). Extraction and SDG tagging build on this.

The pipeline is ``spacy.blank("en")`` + sentencizer unless a trained pipeline is
installed and asked for; nothing here downloads a model. ``CueFinder`` runs one
PhraseMatcher (attr LOWER) over each page and hands back plain data: the
sentences that hold a cue, with character offsets into the page text. Callers
never touch spaCy objects, and run their costlier logic only on those sentences.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy
import spacy
from spacy.attrs import IDX, IS_PUNCT, LENGTH, ORTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.pipeline.sentencizer import Sentencizer


@lru_cache(maxsize=4)
def base_pipeline(model: str | None = None, lang: str = "en") -> Language:
    """A tokenizer + sentencizer pipeline; ``model`` names an installed trained pipeline to use instead.

    ``lang="zh"``: spaCy's Chinese tokenizer with the jieba segmenter (jieba ships its dictionary; nothing
    is downloaded). Its sentencizer ends sentences at 。！？ as well.
    """
    if lang == "zh" and not model:
        _quiet_jieba()
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    else:
        nlp = spacy.load(model, exclude=["ner", "lemmatizer"]) if model else spacy.blank("en")
    if "sentencizer" not in nlp.pipe_names and "parser" not in nlp.pipe_names and "senter" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer")
    if lang != "zh":
        for abbreviation in _ABBREVIATIONS:  # "55 per cent. of the net proceeds" is one sentence, not two
            nlp.tokenizer.add_special_case(abbreviation, [{ORTH: abbreviation}])  # type: ignore[union-attr]
    return nlp


def _quiet_jieba() -> Any:
    """Import jieba without its pkg_resources warning and its dictionary-loading chatter on stderr."""
    import logging
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
    jieba.setLogLevel(logging.WARNING)
    return jieba


def _own_jieba() -> Any:
    """A jieba segmenter of its own, with the shipped dictionary copied from the default one (loaded once)."""
    jieba = _quiet_jieba()
    jieba.dt.check_initialized()
    segmenter = jieba.Tokenizer(jieba.dt.dictionary)
    segmenter.FREQ, segmenter.total, segmenter.initialized = dict(jieba.dt.FREQ), jieba.dt.total, True
    return segmenter


_CJK = re.compile(r"[\u3400-\u9fff]")
# "發(fā)行": a hanzi followed by its pinyin in parentheses (ruby annotation flattened by a web page's text export)
_PINYIN = re.compile(r"(?<=[\u3400-\u9fff])\([a-zA-Z\u00e0-\u00fc\u0101-\u01dc]{1,7}\)")


def is_chinese(text: str, sample: int = 4000) -> bool:
    """Mostly Chinese: at least a fifth of the first characters (not spaces) are hanzi."""
    head = "".join(text[:sample].split())
    return bool(head) and len(_CJK.findall(head)) >= 0.2 * len(head)


def strip_glosses(text: str) -> tuple[str, list[int] | None]:
    """Text without pinyin glosses, and for each of its characters the offset in ``text`` (None: unchanged)."""
    if "(" not in text or not _PINYIN.search(text):
        return text, None
    index: list[int] = []
    parts: list[str] = []
    last = 0
    for m in _PINYIN.finditer(text):
        parts.append(text[last:m.start()])
        index.extend(range(last, m.start()))
        last = m.end()
    parts.append(text[last:])
    index.extend(range(last, len(text) + 1))
    return "".join(parts), index


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
    both a reporting term and a proceeds term). Only sentences with a hit in a
    ``triggers`` category are returned (all hit categories when None): modifiers
    such as hedges are common words and should not make a sentence worth reading.

    With the blank pipeline, sentences are split by the Sentencizer's own rule,
    computed over token arrays instead of by running the component: the
    component builds a Python object per token and was ~5x slower than the
    rest of extraction. A trained pipeline's parser or senter is used as is.
    """

    def __init__(self, phrases: Mapping[str, Iterable[str]], model: str | None = None, chunk_chars: int = 200_000,
                 triggers: Iterable[str] | None = None, lang: str = "en"):
        self.nlp = base_pipeline(model, lang)
        self.lang = lang
        self.triggers = frozenset(triggers) if triggers is not None else None
        self._bigrams: frozenset[str] = frozenset()
        if lang == "zh":  # every Chinese lexicon term is one word to jieba, so the matcher sees it whole in text
            # Words go to a segmenter of this finder's own, not to jieba's process-global dictionary, so
            # finders built from other lexicons (a rules folder, an edit) do not change each other's segmentation.
            segmenter = _own_jieba()
            if not model:
                self.nlp = base_pipeline.__wrapped__(model, lang)
                self.nlp.tokenizer.jieba_seg = segmenter  # type: ignore[union-attr]
            bigrams = set()
            for label, terms in phrases.items():
                for term in terms:
                    hanzi = "".join(_CJK.findall(term))
                    if hanzi:
                        segmenter.add_word(term)
                    if len(hanzi) >= 2 and (self.triggers is None or label.split(":", 1)[0] in self.triggers):
                        bigrams.add(hanzi[:2])
            self._bigrams = frozenset(bigrams)
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.chunk_chars = min(chunk_chars, self.nlp.max_length // 2)
        self._labels: dict[int, str] = {}
        for label, terms in phrases.items():
            self.matcher.add(label, list(self.nlp.tokenizer.pipe(list(terms))))  # type: ignore[union-attr]
            self._labels[self.nlp.vocab.strings[label]] = label
        self._fast = [name for name in self.nlp.pipe_names] == ["sentencizer"]
        sentencizer = self.nlp.get_pipe("sentencizer") if "sentencizer" in self.nlp.pipe_names else None
        punct = getattr(sentencizer, "punct_chars", None) or Sentencizer.default_punct_chars
        self._ends = numpy.array(sorted(self.nlp.vocab.strings.add(c) for c in punct), dtype=numpy.uint64)

    def pages(self, texts: Iterable[str], keep_all: bool = False) -> Iterator[PageCues]:
        """One ``PageCues`` per text, in order; ``keep_all`` also returns sentences without a hit."""
        if self._bigrams and not keep_all:
            pieces = _candidates(texts, self._bigrams, self.chunk_chars)
        else:
            pieces = _chunks(texts, self.chunk_chars)
        cleaned = [strip_glosses(text) for text in pieces.texts()] if self.lang == "zh" else None
        inputs = (c[0] for c in cleaned) if cleaned is not None else pieces.texts()
        docs = self.nlp.tokenizer.pipe(inputs) if self._fast else self.nlp.pipe(inputs)  # type: ignore[union-attr]
        current: int | None = None
        tokens = 0
        sentences: list[Sentence] = []
        for n, ((index, offset, text), doc) in enumerate(zip(pieces.items, docs, strict=True)):
            if index != current:
                if current is not None:
                    yield PageCues(tokens, sentences)
                for _missing in range(0 if current is None else current + 1, index):
                    yield PageCues(0, [])
                current, tokens, sentences = index, 0, []
            tokens += len(doc)
            sentences.extend(self._sentences(doc, text, offset, keep_all, cleaned[n][1] if cleaned else None))
        if current is not None:
            yield PageCues(tokens, sentences)
        for _missing in range(0 if current is None else current + 1, pieces.count):
            yield PageCues(0, [])

    def _bounds(self, doc: Any) -> list[int]:
        """Token index where each sentence starts."""
        if not self._fast:
            return [s.start for s in doc.sents]
        if len(doc) == 0:
            return [0]
        arr = doc.to_array([ORTH, IS_PUNCT])
        starts = [0]
        n = len(doc)
        orth = arr[:, 0]
        where = numpy.minimum(numpy.searchsorted(self._ends, orth), len(self._ends) - 1)
        for k in numpy.flatnonzero(self._ends[where] == orth):
            j = int(k) + 1
            while j < n and arr[j, 1]:
                j += 1
            if j < n and j > starts[-1]:
                starts.append(j)
        return starts

    def _sentences(self, doc: Any, text: str, offset: int, keep_all: bool,
                   index: list[int] | None = None) -> list[Sentence]:
        """``text`` is the doc's text, passed in: ``doc.text`` rebuilds it token by token. With ``index`` the doc
        was made from ``text`` less its pinyin glosses: offsets are mapped back, quotes stay verbatim."""
        matches = self.matcher(doc)
        if not keep_all:
            if self.triggers is not None:
                matches_ok = any(self._labels[m].split(":", 1)[0] in self.triggers for m, _, _ in matches)
                if not matches_ok:
                    return []
            elif not matches:
                return []
        starts = self._bounds(doc)
        spans = doc.to_array([IDX, LENGTH])
        if index is not None and len(doc):  # (start, length) in the cleaned text -> in ``text``
            ends = numpy.array([index[int(a + b) - 1] + 1 if b else index[int(a)] for a, b in spans], dtype=spans.dtype)
            spans[:, 0] = [index[int(a)] for a in spans[:, 0]]
            spans[:, 1] = ends - spans[:, 0]
        n = len(doc)
        by_sentence: dict[int, list[tuple[str, int, int]]] = {}
        for match_id, start, end in matches:
            by_sentence.setdefault(bisect_right(starts, start) - 1, []).append((self._labels[match_id], start, end))
        out = []
        for i, first in enumerate(starts):
            found = by_sentence.get(i)
            if not keep_all and (not found or (self.triggers is not None and not any(
                    label.split(":", 1)[0] in self.triggers for label, _, _ in found))):
                continue
            last = (starts[i + 1] if i + 1 < len(starts) else n) - 1
            start_char = int(spans[first, 0]) if n else 0
            end_char = int(spans[last, 0] + spans[last, 1]) if n else 0
            hits = tuple(Hit(label, int(spans[s, 0]) + offset, int(spans[e - 1, 0] + spans[e - 1, 1]) + offset,
                             text[int(spans[s, 0]):int(spans[e - 1, 0] + spans[e - 1, 1])])
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


_CLAUSE_PIECE = re.compile(r"[^\u3002\uff01\uff1f!?\n]+[\u3002\uff01\uff1f!?]*")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def _candidates(texts: Iterable[str], bigrams: frozenset[str], size: int = 200_000) -> _Pieces:
    """Chinese pages: only the sentences that can hold a trigger term go to jieba (the slow step, ~130k words/s).

    A sentence is a candidate when it holds the first two hanzi of some trigger term, or a Latin word
    (English terms in a Chinese document). Each candidate is one piece, at its offset in the page; a
    sentence longer than ``size`` (a page without terminators) is cut as ``_chunks`` cuts a page.
    """
    items: list[tuple[int, int, str]] = []
    count = 0
    for index, text in enumerate(texts):
        count += 1
        for m in _CLAUSE_PIECE.finditer(text):
            for offset, piece in _split(m.group(), size):
                if _LATIN_WORD.search(piece) or not bigrams.isdisjoint(piece[i:i + 2] for i in range(len(piece) - 1)):
                    items.append((index, m.start() + offset, piece))
    return _Pieces(items, count)


def _split(text: str, size: int) -> Iterator[tuple[int, str]]:
    """``text`` in pieces of at most ``size`` characters, cut after a line end where there is one."""
    start = 0
    while len(text) - start > size:
        cut = text.rfind("\n", start, start + size)
        cut = start + size if cut <= start else cut + 1
        yield start, text[start:cut]
        start = cut
    yield start, text[start:]


def _chunks(texts: Iterable[str], size: int) -> _Pieces:
    """Split over-long pages at line ends so one Doc never nears spaCy's ``max_length``."""
    items: list[tuple[int, int, str]] = []
    count = 0
    for index, text in enumerate(texts):
        count += 1
        items.extend((index, start, piece) for start, piece in _split(text, size))
    return _Pieces(items, count)
