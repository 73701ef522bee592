"""``screen()``: the whole pipeline for one deal, as one pure function.

deal + documents -> extract -> reconcile -> value -> facts -> rules -> score -> Screening.
The CLI, the web app, batch runs and tests all call this. Same inputs and rule
files give a byte-identical JSON result (no clocks, no random ids, sorted lists).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from engine import deals as deal_files
from engine import documents as docs
from engine.errors import InputError
from engine.extract import LEXICON_DIR, Extractor, default_extractor, default_lexicon_paths
from engine.facts import deal_facts, metric_facts
from engine.lexicons import load_lexicons
from engine.models import Deal
from engine.models.disclosures import Document, Extraction
from engine.models.scoring import ScoringConfig
from engine.models.screening import Contradiction, DocumentDigest, RulesetRef, Screening, TopicalPassage
from engine.models.valuation import Valuation
from engine.reconcile import contradictions, document_facts, normalize_kpi_facts
from engine.rules import RuleBook, load_rulebook
from engine.scoring import score, scoring_for
from engine.sdg import Tagger, load_tagger
from engine.topical import focus_split, topical_passages
from engine.valuation import value_deal
from engine.valuation.core import rules_file
from engine.valuation.lives import TERMS_FILE


def _lexicon_dir(rules_root: Path | None) -> Path:
    """The lexicon folder of a rules root (``<root>/lexicons``), else the shipped one: one policy root."""
    own = rules_root / "lexicons" if rules_root is not None else None
    return own if own is not None and own.is_dir() else LEXICON_DIR


def _stamp(paths: Sequence[Path]) -> tuple[tuple[str, int, int], ...]:
    """Name, modification time (ns) and size of each file: a cheap key that changes when a file is edited."""
    out = []
    for path in paths:
        try:
            st = path.stat()
            out.append((str(path), st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((str(path), -1, -1))
    return tuple(out)


def _dirs_stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """The folder and its sub-folders: their times change when a file is added, removed or renamed."""
    return _stamp([folder, *(p for p in folder.iterdir() if p.is_dir())]) if folder.is_dir() else ()


@lru_cache(maxsize=8)
def _listing(folder: str, dirs: tuple[tuple[str, int, int], ...]) -> tuple[list[Path], list[Path]]:
    """The extractor's lexicon files and the tagger's files of a lexicon folder (listed again when a folder changes)."""
    from engine.sdg.lexicon import catalogue_path

    root, sdg = Path(folder), Path(folder) / "sdg"
    return default_lexicon_paths(root), [*sorted(sdg.glob("*.y*ml")), catalogue_path(sdg)]


def _tagger(lexicons: Path = LEXICON_DIR) -> Tagger:
    """The SDG tagger of a lexicon folder; an edit to any of its files is seen by the next screening."""
    files = _listing(str(lexicons), _dirs_stamp(lexicons))[1]
    return _tagger_for(str(lexicons / "sdg"), _stamp(files))


@lru_cache(maxsize=4)
def _tagger_for(folder: str, stamp: tuple[tuple[str, int, int], ...]) -> Tagger:
    """Kept on disk by the files' content (and spaCy's version), so another process skips compiling it."""
    from spacy.about import __version__ as spacy_version

    from engine.rules import diskcache

    content = diskcache.content_hash([Path(name) for name, _, _ in stamp]) + spacy_version
    return diskcache.load_or_build("sdg-tagger", folder, content, lambda: load_tagger(folder), Tagger)


def _extractor(lexicons: Path = LEXICON_DIR) -> Extractor:
    """The disclosure extractor of a lexicon folder; an edit to any of its files is seen by the next screening."""
    return _extractor_for(_stamp(_listing(str(lexicons), _dirs_stamp(lexicons))[0]))


@lru_cache(maxsize=4)
def _extractor_for(stamp: tuple[tuple[str, int, int], ...]) -> Extractor:
    files = [Path(name) for name, _, _ in stamp]
    if files == default_lexicon_paths(LEXICON_DIR) and stamp == _SHIPPED:
        return default_extractor()  # the shipped lexicons as loaded at start (shared with extract())
    return Extractor(load_lexicons(files))


_SHIPPED = _stamp(default_lexicon_paths(LEXICON_DIR))


@dataclass(frozen=True)
class Gathered:
    """Everything a screening knows before the rules run: the facts and where they came from."""

    facts: list[dict[str, Any]]
    valuation: Valuation
    extractions: list[Extraction]
    topical: list[TopicalPassage]
    contradictions: list[Contradiction]
    also_addressed: list[TopicalPassage] = field(default_factory=list)


def gather(deal: Deal, documents: Sequence[Document], as_of: date, scoring: ScoringConfig, *,
           stress_grid: bool = True, rules_root: Path | None = None) -> Gathered:
    """Extract, reconcile and value: the facts the rules see (also what ``ipsdg rules explain --deal`` uses).

    Lexicons come from ``<rules_root>/lexicons`` when that folder exists, so a rules folder is the
    whole policy: ``--rulesets DIR`` and ``rules diff`` see lexicon edits as they see rule edits.
    """
    lexicons = _lexicon_dir(rules_root)
    extractor = _extractor(lexicons)
    extractions = [extractor.extract(d) for d in documents]
    tagger = _tagger(lexicons)
    topical, also = focus_split([p for d in documents for p in topical_passages(d, tagger)], scoring.sdg.goals)
    valuation = value_deal(deal, as_of, stress_grid=stress_grid, rules_root=rules_root)
    found = contradictions(deal, extractions, scoring.reconcile, extractor)
    shares = {a.id: a.value_share_pct for a in valuation.assets}
    terms_file = rules_file(rules_root, TERMS_FILE)
    facts = normalize_kpi_facts(deal_facts(deal, as_of, value_shares=shares, terms_file=terms_file), extractor)
    facts += metric_facts(valuation.metrics, valuation.units)
    facts += document_facts(extractions, found)
    return Gathered(facts, valuation, extractions, topical, found, also)


def screen(deal: Deal, documents: Sequence[Document] = (), *, rulebook: RuleBook | None = None,
           as_of: date | None = None, scoring: ScoringConfig | None = None,
           stress_grid: bool = True) -> Screening:
    """Screen one deal against every rule set as of a date.

    ``stress_grid=False`` skips the valuation's 36-scenario stress table, which reports show
    and batch result rows do not use; nothing else in the screening changes.
    """
    rulebook = rulebook or load_rulebook()
    scoring = scoring or scoring_for(rulebook.root)
    as_of = as_of or date.today()
    g = gather(deal, documents, as_of, scoring, stress_grid=stress_grid, rules_root=rulebook.root)
    findings = rulebook.evaluate(g.facts, as_of)
    short = {n: goal.short for n, goal in rulebook.catalogue.goals.items()} if rulebook.catalogue else {}
    scores = score(findings, g.topical, deal.structure.label, deal.structure.claims_eu_gbs, scoring, short,
                   deal=deal)
    return Screening(
        deal_id=deal.id, deal_name=deal.name, label=deal.structure.label, as_of=as_of,
        verdict=scores.verdict, conditions=scores.conditions, blockers=scores.blockers,
        esg_score=scores.esg_score, grade=scores.grade, esg_parts=scores.esg_parts,
        sdg_scores=scores.sdg_scores, components=scores.components, checks=scores.checks,
        red_flag_count=scores.red_flag_count, findings=findings, extractions=g.extractions, topical=g.topical,
        contradictions=g.contradictions, valuation=g.valuation,
        rulesets=[RulesetRef(name=r.name, version=r.version, hash=r.hash) for r in rulebook.rulesets],
        scoring_version=f"{scoring.scoring} {scoring.version}",
        documents=[DocumentDigest(name=d.name, sha256=d.sha256, media_type=d.media_type, pages=len(d.pages))
                   for d in documents],
        deal=deal, also_addressed=g.also_addressed, opinions=scores.opinions,
    )


def load_inputs(deal_path: str | Path, doc_paths: Sequence[str | Path] | None = None) -> tuple[Deal, list[Document]]:
    """A deal file and its documents (those listed in the deal unless ``doc_paths`` is given); all problems at once."""
    deal = deal_files.load_deal(deal_path)
    paths = list(doc_paths) if doc_paths is not None else deal_files.document_paths(deal, deal_path)
    documents, problems = [], []
    for path in paths:
        try:
            documents.append(docs.read_document(path))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return deal, documents


def screen_path(deal_path: str | Path, doc_paths: Sequence[str | Path] | None = None, *,
                rulesets_dir: str | Path | None = None, as_of: date | None = None) -> Screening:
    """Load a deal file (and its documents, unless ``doc_paths`` is given) and screen it."""
    deal, documents = load_inputs(deal_path, doc_paths)
    rulebook = load_rulebook(Path(rulesets_dir)) if rulesets_dir else load_rulebook()
    return screen(deal, documents, rulebook=rulebook, as_of=as_of)
