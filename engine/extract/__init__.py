"""Disclosure extraction: a document's pages -> use of proceeds, KPIs, reviews, reporting, ... with evidence.

One PhraseMatcher pass (engine.nlp.CueFinder) finds lexicon terms on every page;
only the sentences holding a cue are read further, by small field extractors
(proceeds, kpis, reviews, governance). Every item cites its page and the
character span of its sentence in that page's text.

    from engine.documents import read_document
    from engine.extract import extract
    extraction = extract(read_document("circular.pdf"))
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from engine.extract import governance, kpis, proceeds, reviews, units
from engine.extract.context import SentenceView
from engine.extract.quantities import QuantityReader, Unit, writes_decimal_comma
from engine.lexicons import LexiconSet, TermGroup, lexicon_files, load_lexicons
from engine.models.disclosures import Document, Extraction, Hedge
from engine.nlp import CueFinder, is_chinese

LEXICON_DIR = Path(__file__).resolve().parents[2] / "rulesets" / "lexicons"
PROCEEDS_REACH = 1200  # chars after a proceeds sentence in which "(b) Category: 35 per cent." still counts
NOT_PHRASES = ("unit", "currency")  # read by the quantity reader, next to numbers, not as cues
# categories that make a sentence worth reading; the others (hedges, periods, frequencies) only qualify one
TRIGGERS = ("icma_category", "proceeds", "proceeds_all", "refinancing", "kpi_metric", "kpi_direction",
            "review_provider", "review_type", "reporting", "management", "selection", "exclusion", "sdg_cue")


@dataclass
class Extractor:
    """Everything built from the lexicons once, reused for every document."""

    lexicons: LexiconSet
    model: str | None = None

    def __post_init__(self) -> None:
        phrases = {label: terms for label, terms in self.lexicons.phrases().items()
                   if label.split(":", 1)[0] not in NOT_PHRASES}
        self.phrases = phrases
        self.cues = CueFinder(phrases, model=self.model, triggers=TRIGGERS)
        units = {term: unit for g in self.lexicons.groups("unit") for unit in [_unit(g)] for term in g.terms}
        currencies = {term: g.id for g in self.lexicons.groups("currency") for term in g.terms}
        self.reader = QuantityReader(units, currencies)
        self.metrics = kpis.metrics_from(self.lexicons)
        self.money_metrics = frozenset(k for k, m in self.metrics.items() if m.dimension == "currency")
        self.providers = reviews.provider_names(self.lexicons)
        self.sdg_patterns: list[re.Pattern[str]] = [p for ps in self.lexicons.patterns("sdg_cue").values() for p in ps]

    @cached_property
    def zh_cues(self) -> CueFinder:
        """The same lexicons over spaCy's Chinese tokenizer (jieba), for documents written in Chinese."""
        return CueFinder(self.phrases, triggers=TRIGGERS, lang="zh")

    def cue_finder(self, document: Document) -> CueFinder:
        sample = "".join(p.text[:2000] for p in document.pages[:5])
        return self.zh_cues if self.model is None and is_chinese(sample) else self.cues

    def extract(self, document: Document) -> Extraction:
        """All disclosures in a document, in page order."""
        found: dict[str, list[Any]] = {key: [] for key in (
            "use_of_proceeds", "kpis", "external_reviews", "reporting", "sdg_references", "management_of_proceeds",
            "project_selection", "exclusions", "refinancing", "hedges")}
        decimal_comma = writes_decimal_comma("\n".join(p.text[:20000] for p in document.pages[:20]))
        texts = (page.text for page in document.pages)
        finder = self.cue_finder(document)
        # Chinese states where proceeds go within the sentence; a list after it is an English layout
        reach = 0 if finder.lang == "zh" else PROCEEDS_REACH
        for page, cues in zip(document.pages, finder.pages(texts), strict=True):
            last_proceeds: int | None = None
            previous: SentenceView | None = None
            for sentence in cues.sentences:
                view = SentenceView(page.number, sentence, self.reader, decimal_comma, after_proceeds=(
                    last_proceeds is not None and sentence.start - last_proceeds <= reach))
                if view.has("proceeds"):
                    last_proceeds = sentence.end
                self._read(view, found)
                if previous is not None:
                    found["external_reviews"].extend(reviews.carried(previous, view, self.providers))
                previous = view
        return Extraction(document=document.name, sha256=document.sha256, pages=len(document.pages),
                          **_deduplicated(found))

    def _read(self, view: SentenceView, found: dict[str, list[Any]]) -> None:
        uop, refinancing = proceeds.use_of_proceeds(view, self.sdg_patterns, self.money_metrics)
        items: dict[str, list[Any]] = {
            "use_of_proceeds": uop,
            "refinancing": refinancing,
            "kpis": kpis.kpis(view, self.metrics),
            "external_reviews": reviews.reviews(view, self.providers),
            "reporting": governance.reporting(view),
            "management_of_proceeds": governance.management(view),
            "project_selection": governance.selection(view),
            "exclusions": governance.exclusions(view),
            "sdg_references": governance.sdg_references(view, self.sdg_patterns),
        }
        for key, values in items.items():
            found[key].extend(values)
        if view.hedged and any(items.values()):
            cue = view.hits("hedge")[0]
            found["hedges"].append(Hedge(cue=cue.text, evidence=view.evidence))


def _deduplicated(found: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """One item per fact: repeated mentions keep the first; sized allocations are all kept (they may disagree)."""
    keys: dict[str, Callable[[Any], Any]] = {
        "kpis": lambda k: (k.metric, round(k.normalized_value, 6), k.period),
        "external_reviews": lambda r: (r.provider, r.type),
        "reporting": lambda r: (r.kind, r.frequency),
        "sdg_references": lambda s: (s.sdg, s.target),
        "exclusions": lambda e: tuple(e.sectors),
    }
    out = dict(found)
    for field, key in keys.items():
        seen: set[Any] = set()
        unique: list[Any] = []
        first: dict[Any, int] = {}
        for item in found[field]:
            if key(item) not in seen:
                seen.add(key(item))
                first[key(item)] = len(unique)
                unique.append(item)
            elif field == "kpis" and item.hedged and not unique[first[key(item)]].hedged:
                # a table figure restated in hedged prose ('expect to add 1,350 jobs') is a hedged figure
                unique[first[key(item)]] = unique[first[key(item)]].model_copy(update={"hedged": True})
        out[field] = unique
    # "will report the following indicators" adds nothing to "an impact report annually": keep the one with a frequency
    timed = {r.kind for r in out["reporting"] if r.frequency is not None}
    out["reporting"] = [r for r in out["reporting"] if r.frequency is not None or r.kind not in timed]
    sized = {u.category for u in found["use_of_proceeds"] if u.share_pct is not None or u.amount is not None}
    named: set[str] = set()
    kept: list[Any] = []
    for item in found["use_of_proceeds"]:
        if item.share_pct is None and item.amount is None:
            if item.category in sized:
                continue
            if item.category in named:
                # listed as eligible first, said to be allocated later: the allocation is the one to keep
                at = next(i for i, k in enumerate(kept) if k.category == item.category and k.share_pct is None
                          and k.amount is None)
                if item.allocated and not kept[at].allocated:
                    kept[at] = item
                continue
            named.add(item.category)
        elif any(_restates(item, earlier) for earlier in kept):
            continue
        kept.append(item)
    out["use_of_proceeds"] = kept
    return out


def _restates(item: Any, earlier: Any) -> bool:
    """Prose that repeats a table row ('70 per cent. (EUR 105 million)') adds nothing."""
    if item.category != earlier.category:
        return False
    same = [getattr(item, f) == getattr(earlier, f) for f in ("share_pct", "amount")
            if getattr(item, f) is not None and getattr(earlier, f) is not None]
    return bool(same) and all(same)


def _unit(group: TermGroup) -> Unit:
    """A unit group of the lexicon, its factor from pint; a wrong unit is an error naming the group."""
    dimension, normalized = str(group.attrs["dimension"]), str(group.attrs["normalized_unit"])
    try:
        factor = units.conversion(str(group.attrs["pint"]), dimension, normalized)
    except (KeyError, ValueError) as exc:
        raise ValueError(f"units lexicon, unit {group.id!r}: {exc}") from None
    return Unit(group.id, dimension, normalized, factor)


def default_lexicon_paths(folder: Path = LEXICON_DIR) -> list[Path]:
    """The extractor's lexicons: every file under rulesets/lexicons/ except the SDG tagger's ``sdg/`` folder."""
    return lexicon_files(folder, exclude=("sdg",))


@lru_cache(maxsize=4)
def default_extractor(model: str | None = None, folder: str | None = None) -> Extractor:
    paths: Iterable[Path] = default_lexicon_paths(Path(folder) if folder else LEXICON_DIR)
    return Extractor(load_lexicons(list(paths)), model=model)


def extract(document: Document, extractor: Extractor | None = None) -> Extraction:
    """Disclosures with page-cited evidence, using the lexicons in rulesets/lexicons/ unless given an extractor."""
    return (extractor or default_extractor()).extract(document)
