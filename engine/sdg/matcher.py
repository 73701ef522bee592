"""Phrase lookup over lowercase tokens: every lexicon term, found in one pass with hashed first-word lookups.

Terms are tokenised with the same spaCy tokenizer as passages, so "net-zero" or "co2-equivalent"
match however spaCy splits them. A word ending in ``*`` matches any token that starts with it
("renewabl*" → renewable, renewables). Tokens are compared by the tokenizer's hash of their
lowercase form, read for a whole passage as one array, so a passage is never turned into Python
strings token by token; the text of a token is looked up only where a prefix word needs it.
Which patterns a token can start is cached per token: the vocabulary of a corpus is small, so
after warm-up a passage costs a few dict lookups per token.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

# A pattern word: (hash of the lowercase word, the word, is_prefix). A pattern: a tuple of words.
Word = tuple[int, str, bool]
Pattern = tuple[Word, ...]

# Patterns a token can start: (those that do not depend on an exact second word, {second word: all that can}).
_Start = tuple[tuple[int, ...], dict[int, tuple[int, ...]]]

_SENTENCE_END = (".", "!", "?")
_CACHE_LIMIT = 200_000


@dataclass(frozen=True)
class Tokens:
    """A passage as the matcher sees it: lowercase-form hashes, offsets, lengths and sentence numbers."""

    text: str
    keys: list[int]
    starts: list[int]
    lengths: list[int]
    sentence: list[int]
    strings: Any  # the tokenizer's string store: hash -> lowercase form

    def lower(self, i: int) -> str:
        """Lowercase form of token ``i``."""
        return str(self.strings[self.keys[i]])

    def surface(self, start: int, end: int) -> str:
        """The passage's own wording for tokens ``start:end`` (lowercased), for explanations."""
        last = end - 1
        return self.text[self.starts[start]:self.starts[last] + self.lengths[last]].lower()


def tokens_of(text: str, tokenize: Callable[[str], object]) -> Tokens:
    """Tokenise with the bare spaCy tokenizer and number sentences at ., ! and ? tokens."""
    doc: Any = tokenize(text)
    strings = doc.vocab.strings
    # Transposed first: three flat lists convert several times faster than one list per token.
    keys, starts, lengths = doc.to_array(["LOWER", "IDX", "LENGTH"]).T.tolist()
    ends = {strings[mark] for mark in _SENTENCE_END}
    sentence: list[int] = []
    current = 0
    for key in keys:
        sentence.append(current)
        if key in ends:
            current += 1
    return Tokens(text, keys, starts, lengths, sentence, strings)


def compile_term(term: str, tokenize: Callable[[str], object]) -> Pattern:
    """Split a lexicon term into pattern words, tokenising each plain word like passage text."""
    words: list[Word] = []
    for word in term.split(" "):
        is_prefix = word.endswith("*")
        pieces: list[Any] = list(tokenize(word.rstrip("*")))  # type: ignore[call-overload]
        words.extend((piece.lower, piece.lower_, is_prefix and k == len(pieces) - 1) for k, piece in enumerate(pieces))
    return tuple(words)


class PhraseIndex:
    """All patterns of all lexicons; ``find`` returns every occurrence of every pattern in a passage."""

    def __init__(self, patterns: Sequence[Pattern]):
        self.patterns = list(patterns)
        self._tails = [pattern[1:] for pattern in self.patterns]
        self._exact: dict[int, list[int]] = {}
        self._prefix: dict[str, list[tuple[str, int]]] = {}  # by first character: a new token checks few stems
        for pid, pattern in enumerate(self.patterns):
            key, text, is_prefix = pattern[0]
            if is_prefix:
                self._prefix.setdefault(text[:1], []).append((text, pid))
            else:
                self._exact.setdefault(key, []).append(pid)
        self._starts: dict[int, _Start] = {}
        self._inactive: set[int] = set()  # tokens known to start no pattern: most words of any passage

    def _candidates(self, tokens: Tokens, i: int) -> _Start:
        key = tokens.keys[i]
        found = self._starts.get(key)
        if found is None:
            pids = list(self._exact.get(key, ()))
            token = tokens.lower(i)
            pids.extend(pid for stem, pid in self._prefix.get(token[:1], ()) if token.startswith(stem))
            found = self._by_second(pids)
            if len(self._starts) >= _CACHE_LIMIT:
                self._starts.clear()
                self._inactive.clear()
            self._starts[key] = found
            if not pids:
                self._inactive.add(key)
        return found

    def _by_second(self, pids: list[int]) -> _Start:
        """Split a token's candidates by the exact second word they need, keeping their order.

        The default holds one-word patterns and those whose second word is a prefix; each second
        word maps to the default plus the patterns needing exactly it. Common first words
        ("climate", "energy") start dozens of patterns, and the next token rules out most of them.
        """
        default = tuple(pid for pid in pids if not self._tails[pid] or self._tails[pid][0][2])
        seconds = {self._tails[pid][0][0] for pid in pids if self._tails[pid] and not self._tails[pid][0][2]}
        by_second = {second: tuple(pid for pid in pids if not self._tails[pid] or self._tails[pid][0][2]
                                   or self._tails[pid][0][0] == second) for second in seconds}
        return default, by_second

    def find(self, tokens: Tokens) -> dict[int, list[tuple[int, int]]]:
        """Pattern id → (start, end) token spans where it occurs, in text order."""
        keys = tokens.keys
        n = len(keys)
        hits: dict[int, list[tuple[int, int]]] = {}
        starts = self._starts
        tails = self._tails
        last = n - 1
        inactive = self._inactive
        for i in [i for i, key in enumerate(keys) if key not in inactive]:
            key = keys[i]
            entry = starts.get(key)
            if entry is None:
                entry = self._candidates(tokens, i)
            pids, by_second = entry
            if by_second and i < last:
                pids = by_second.get(keys[i + 1], pids)
            for pid in pids:
                tail = tails[pid]
                end = i + 1 + len(tail)
                if end > n:
                    continue
                k = i
                for word_key, text, is_prefix in tail:
                    k += 1
                    if not (tokens.lower(k).startswith(text) if is_prefix else keys[k] == word_key):
                        break
                else:
                    found = hits.get(pid)
                    if found is None:
                        hits[pid] = [(i, end)]
                    else:
                        found.append((i, end))
        return hits
