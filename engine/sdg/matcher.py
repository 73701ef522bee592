"""Phrase lookup over lowercase tokens: every lexicon term, found in one pass with hashed first-word lookups.

Terms are tokenised with the same spaCy tokenizer as passages, so "net-zero" or "co2-equivalent"
match however spaCy splits them. A word ending in ``*`` matches any token that starts with it
("renewabl*" → renewable, renewables). Which patterns a token can start is cached per token
string: the vocabulary of a corpus is small, so after warm-up a passage costs a few dict lookups
per token.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

# A pattern word: (text, is_prefix). A pattern: a tuple of words.
Word = tuple[str, bool]
Pattern = tuple[Word, ...]

_SENTENCE_END = frozenset({".", "!", "?"})
_CACHE_LIMIT = 200_000


@dataclass(frozen=True)
class Tokens:
    """A passage as the matcher sees it: lowercase tokens, their offsets and sentence numbers."""

    text: str
    lower: list[str]
    starts: list[int]
    sentence: list[int]

    def surface(self, start: int, end: int) -> str:
        """The passage's own wording for tokens ``start:end`` (lowercased), for explanations."""
        last = end - 1
        return self.text[self.starts[start]:self.starts[last] + len(self.lower[last])].lower()


def tokens_of(text: str, tokenize: Callable[[str], object]) -> Tokens:
    """Tokenise with the bare spaCy tokenizer and number sentences at ., ! and ? tokens.

    Lowercase forms and offsets are read as one array from the Doc and looked up in its string
    store: about twice as fast as creating a Token object per word.
    """
    doc = tokenize(text)
    strings = doc.vocab.strings  # type: ignore[attr-defined]
    rows = doc.to_array(["LOWER", "IDX"]).tolist()  # type: ignore[attr-defined]
    lower = [strings[row[0]] for row in rows]
    starts = [row[1] for row in rows]
    sentence: list[int] = []
    current = 0
    for low in lower:
        sentence.append(current)
        if low in _SENTENCE_END:
            current += 1
    return Tokens(text, lower, starts, sentence)


def compile_term(term: str, tokenize: Callable[[str], object]) -> Pattern:
    """Split a lexicon term into pattern words, tokenising each plain word like passage text."""
    words: list[Word] = []
    for word in term.split(" "):
        is_prefix = word.endswith("*")
        pieces = [token.lower_ for token in tokenize(word.rstrip("*"))]  # type: ignore[attr-defined]
        words.extend((piece, is_prefix and k == len(pieces) - 1) for k, piece in enumerate(pieces))
    return tuple(words)


class PhraseIndex:
    """All patterns of all lexicons; ``find`` returns every occurrence of every pattern in a passage."""

    def __init__(self, patterns: Sequence[Pattern]):
        self.patterns = list(patterns)
        self._exact: dict[str, list[int]] = {}
        self._prefix: list[tuple[str, int]] = []
        for pid, pattern in enumerate(self.patterns):
            text, is_prefix = pattern[0]
            if is_prefix:
                self._prefix.append((text, pid))
            else:
                self._exact.setdefault(text, []).append(pid)
        self._starts: dict[str, tuple[int, ...]] = {}

    def _candidates(self, token: str) -> tuple[int, ...]:
        found = self._starts.get(token)
        if found is None:
            pids = list(self._exact.get(token, ()))
            pids.extend(pid for stem, pid in self._prefix if token.startswith(stem))
            found = tuple(pids)
            if len(self._starts) >= _CACHE_LIMIT:
                self._starts.clear()
            self._starts[token] = found
        return found

    def find(self, tokens: Tokens) -> dict[int, list[tuple[int, int]]]:
        """Pattern id → (start, end) token spans where it occurs, in text order."""
        lower = tokens.lower
        n = len(lower)
        hits: dict[int, list[tuple[int, int]]] = {}
        starts = self._starts
        patterns = self.patterns
        for i, token in enumerate(lower):
            pids = starts.get(token)
            if pids is None:
                pids = self._candidates(token)
            for pid in pids:
                pattern = patterns[pid]
                end = i + len(pattern)
                if end > n:
                    continue
                for k in range(1, len(pattern)):
                    text, is_prefix = pattern[k]
                    other = lower[i + k]
                    if not (other.startswith(text) if is_prefix else other == text):
                        break
                else:
                    found = hits.get(pid)
                    if found is None:
                        hits[pid] = [(i, end)]
                    else:
                        found.append((i, end))
        return hits
