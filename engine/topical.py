"""Topical SDG passages of a document: supporting evidence for the scoring, never proof.

The tagger is built for passages of two or three sentences, so a page is cut
into paragraphs (blank lines), and long paragraphs into windows of about three
sentences, before tagging.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from engine.models.disclosures import Document
from engine.models.screening import TopicalPassage
from engine.sdg import Tagger

_PARAGRAPH = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'])")
MIN_CHARS = 80
SENTENCES_PER_PASSAGE = 3


def passages(text: str) -> Iterator[str]:
    """Paragraphs of a page, long ones split into windows of a few sentences."""
    for paragraph in _PARAGRAPH.split(text):
        flat = " ".join(paragraph.split())
        if len(flat) < MIN_CHARS:
            continue
        sentences = _SENTENCE_END.split(flat)
        for i in range(0, len(sentences), SENTENCES_PER_PASSAGE):
            chunk = " ".join(sentences[i:i + SENTENCES_PER_PASSAGE])
            if len(chunk) >= MIN_CHARS:
                yield chunk


def topical_passages(document: Document, tagger: Tagger) -> list[TopicalPassage]:
    """The best-scoring passage per page and SDG (one citation each is enough)."""
    best: dict[tuple[int, int], TopicalPassage] = {}
    for page in document.pages:
        for text in passages(page.text):
            for tag in tagger.tag(text).sdgs:
                key = (page.number, tag.sdg)
                if key not in best or tag.score > best[key].score:
                    best[key] = TopicalPassage(document=document.name, page=page.number, sdg=tag.sdg,
                                               score=round(tag.score, 3), terms=tag.terms, text=text,
                                               targets=tag.targets)
    return [best[k] for k in sorted(best)]


def focus_split(found: Iterable[TopicalPassage], focus: Iterable[int]) -> tuple[list[TopicalPassage],
                                                                              list[TopicalPassage]]:
    """Passages on the screening's focus SDGs (they feed the scoring), and the best passage per other SDG.

    The others are reported as "also addressed": the documents speak to them, but the screening
    neither scores nor claims them.
    """
    goals = set(focus)
    scored = [p for p in found if p.sdg in goals]
    best: dict[int, TopicalPassage] = {}
    for p in found:
        if p.sdg not in goals and (p.sdg not in best or p.score > best[p.sdg].score):
            best[p.sdg] = p
    return scored, [best[sdg] for sdg in sorted(best)]
