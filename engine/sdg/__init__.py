"""Topical SDG tagging of passages with query lexicons (``ipsdg sdg``).

Public API: :func:`load_tagger` → :class:`Tagger` (``tag``, ``tag_many``, ``evidence``),
:func:`load_lexicons` for validation only, :func:`read_jsonl` for line-numbered input.
"""

from engine.sdg.lexicon import DEFAULT_DIR, LexiconSet, load_lexicons
from engine.sdg.passages import read_jsonl
from engine.sdg.tagger import Evidence, Tagger, load_tagger

__all__ = ["DEFAULT_DIR", "Evidence", "LexiconSet", "Tagger", "load_lexicons", "load_tagger", "read_jsonl"]
