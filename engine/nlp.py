"""The one place that imports spaCy (STYLE 13). Extraction and SDG tagging build on this.

The pipeline is ``spacy.blank("en")`` + sentencizer unless a trained pipeline is
installed and asked for; nothing here downloads a model.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language


@lru_cache(maxsize=4)
def base_pipeline(model: str | None = None) -> Language:
    """A tokenizer + sentencizer pipeline; ``model`` names an installed trained pipeline to use instead."""
    if model:
        nlp = spacy.load(model, exclude=["ner", "lemmatizer"])
    else:
        nlp = spacy.blank("en")
    if "sentencizer" not in nlp.pipe_names and "parser" not in nlp.pipe_names and "senter" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer")
    return nlp


def tokenizer(model: str | None = None) -> Any:
    """The bare tokenizer of the base pipeline (fastest path: no components run)."""
    return base_pipeline(model).tokenizer
