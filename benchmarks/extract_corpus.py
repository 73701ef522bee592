"""Extraction scored on real disclosure texts (the shared development corpus), per field.

    .venv/bin/python benchmarks/extract_corpus.py [CORPUS_DIR] [-v]

CORPUS_DIR defaults to ../shared/corpus (beside the repository's parent) when present. Each
``NAME.txt`` there is read as ``ipsdg extract`` reads a .txt file and compared with the hand annotation
``NAME.expected.json`` (conventions in the corpus README). The texts are not in this repository and
no test needs them: most may not be redistributed.

Printed, per field, true/false positives, misses, precision and recall:

* ``uop_categories``: the ICMA category ids a document names as a use of proceeds (annotated
  ``icma_category``; null ones - green banking, general purposes - are not scored);
* ``uop_shares``: (category, share) pairs; a share written "全部" (all proceeds) is 100, "不低於70%" is 70;
* ``kpi_values``: impact figures, matched on the absolute value (the annotation's value times the
  scale word of its unit: million, thousand, 万, 亿); figures the annotation lists as ambiguous
  (interleaved PDF columns) count neither way;
* ``reviews``: (provider, type); an annotation without a provider matches any provider of that type;
* ``reporting``: (kind, frequency).

Then: page accuracy (the cited page of every matched KPI, category and review against the annotation;
no page in the annotation means page 1, the texts without page breaks being one page), quote lengths
(every evidence quote of every item, and how many exceed 500 characters) and whether each matched KPI's
quote holds the value, and whether it is read as actual, expected, target or baseline as annotated (``kind``).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.documents import read_document
from engine.extract import extract
from engine.models.disclosures import Extraction

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FIELDS = ("uop_categories", "uop_shares", "kpi_values", "reviews", "reporting")
# the annotation uses shared/reference/icma_categories.yaml ids; the engine's IcmaCategory renames one
CATEGORY_ALIASES = {"terrestrial_and_aquatic_biodiversity": "biodiversity_conservation"}
REVIEW_TYPES = {"spo": "second_party_opinion", "verification": "verification", "certification": "certification",
                "rating": "rating"}
SCALES = (("trillion", 1e12), ("billion", 1e9), ("million", 1e6), ("thousand", 1e3), ("億", 1e8), ("亿", 1e8),
          ("萬", 1e4), ("万", 1e4))
QUOTE_LIMIT = 500


def scale_of(unit: str | None) -> float:
    """The multiplier a unit as written starts with: 'million metric tons' -> 1e6, '萬噸' -> 1e4."""
    text = (unit or "").strip().lower()
    for word, factor in SCALES:
        if text.startswith(word):
            return factor
    return 1.0


def share_value(raw: Any) -> float | None:
    """An annotated share: a number, or a string ('全部' = all, '不低於70%' = 70)."""
    if raw is None:
        return None
    if isinstance(raw, int | float):
        return float(raw)
    m = re.search(r"(\d+(?:\.\d+)?)\s*%", str(raw))
    if m:
        return float(m.group(1))
    return 100.0 if "全部" in str(raw) else None


def close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(abs(a), abs(b), 1.0)


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Score:
    tallies: dict[str, Tally] = field(default_factory=lambda: {f: Tally() for f in FIELDS})
    pages_right: int = 0
    pages_checked: int = 0
    quote_lengths: list[int] = field(default_factory=list)
    kpi_quotes_with_value: int = 0
    kpi_basis_right: int = 0
    kpi_basis_stated: int = 0
    kpi_quotes_checked: int = 0
    notes: list[str] = field(default_factory=list)


def _page(want: dict[str, Any]) -> int:
    return int(want.get("page") or 1)


def _count(score: Score, name: str, fld: str, got: set[Any], want: set[Any], verbose: bool) -> None:
    t = score.tallies[fld]
    t.tp += len(got & want)
    t.fp += len(got - want)
    t.fn += len(want - got)
    if verbose and got != want:
        score.notes.append(f"  {name} {fld}: extra {sorted(got - want, key=str)} missed {sorted(want - got, key=str)}")


def _digits(text: str) -> str:
    return re.sub(r"[,\s\u202f\u00a0]", "", text)


def score_document(name: str, got: Extraction, want: dict[str, Any], score: Score, verbose: bool = False) -> None:
    # use of proceeds: categories and shares
    want_uop = [u for u in want.get("use_of_proceeds") or [] if u.get("icma_category")]
    want_cats = {CATEGORY_ALIASES.get(u["icma_category"], u["icma_category"]) for u in want_uop}
    got_cats = {u.category for u in got.use_of_proceeds}
    _count(score, name, "uop_categories", got_cats, want_cats, verbose)
    want_shares = {(CATEGORY_ALIASES.get(u["icma_category"], u["icma_category"]), share_value(u.get("share_pct")))
                   for u in want_uop if share_value(u.get("share_pct")) is not None}
    got_shares = {(u.category, float(u.share_pct)) for u in got.use_of_proceeds if u.share_pct is not None}
    _count(score, name, "uop_shares", got_shares, want_shares, verbose)
    for u in want_uop:
        cat = CATEGORY_ALIASES.get(u["icma_category"], u["icma_category"])
        hit = next((g for g in got.use_of_proceeds if g.category == cat), None)
        if hit is not None:
            score.pages_checked += 1
            score.pages_right += hit.evidence.page == _page(u)

    # KPI values
    wanted = [(float(k["value"]) * scale_of(k.get("unit")), k) for k in want.get("kpis") or []
              if isinstance(k.get("value"), int | float)]
    ambiguous = [float(n) * s for a in want.get("kpis_ambiguous") or [] for n in a.get("numbers", [])
                 for s in (1.0, 1e3, 1e6, 1e9)]
    t = score.tallies["kpi_values"]
    matched: set[int] = set()
    for k in got.kpis:
        i = next((i for i, (v, _) in enumerate(wanted) if i not in matched and close(k.value, v)), None)
        if i is None:
            if not any(close(k.value, a) for a in ambiguous):
                t.fp += 1
                if verbose:
                    score.notes.append(f"  {name} kpi extra: {k.metric} {k.value:g} {k.unit} "
                                       f"<- {k.evidence.text[:80]!r}")
            continue
        matched.add(i)
        t.tp += 1
        value_want = wanted[i][1]
        if value_want.get("kind"):
            score.kpi_basis_stated += 1
            score.kpi_basis_right += k.basis == value_want["kind"]
        score.pages_checked += 1
        score.pages_right += k.evidence.page == _page(value_want)
        score.kpi_quotes_checked += 1
        score.kpi_quotes_with_value += _digits(str(value_want["quote"])).find(
            _digits(_number_text(value_want["value"]))) >= 0 and _digits(_number_text(value_want["value"])) in \
            _digits(k.evidence.text)
    for i, (_, k) in enumerate(wanted):
        if i not in matched:
            t.fn += 1
            if verbose:
                score.notes.append(f"  {name} kpi missed: {k['value']} {k.get('unit')} ({k.get('quote')!r})")

    # reviews
    want_rev = [(r.get("provider"), REVIEW_TYPES.get(r.get("type", ""), r.get("type"))) for r in
                want.get("external_reviews") or []]
    got_rev = [(r.provider, r.type) for r in got.external_reviews]
    got_keys: set[Any] = set()
    for provider, kind in got_rev:
        match = next((w for w in want_rev if w[1] == kind and (w[0] is None or _same_provider(w[0], provider))),
                     None)
        got_keys.add(match if match else (provider, kind))
    _count(score, name, "reviews", got_keys, set(want_rev), verbose)

    # reporting
    want_rep = {(r["kind"], _frequency(r.get("frequency"))) for r in want.get("reporting") or []}
    got_rep = {(r.kind, r.frequency) for r in got.reporting}
    _count(score, name, "reporting", got_rep, want_rep, verbose)

    # quotes
    for items in (got.use_of_proceeds, got.kpis, got.external_reviews, got.reporting, got.sdg_references,
                  got.management_of_proceeds, got.project_selection, got.exclusions, got.refinancing):
        for item in items:
            score.quote_lengths.append(len(item.evidence.text))


def _number_text(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


def _same_provider(want: str, got: str) -> bool:
    a, b = want.lower(), got.lower()
    return a.split()[0] in b or b.split()[0] in a


def _frequency(raw: str | None) -> str | None:
    if raw is None:
        return None
    text = raw.lower()
    if "semi" in text and "annual" in text and "and" in text:
        return "annual"  # 'annual and semi-annual': the engine keeps one frequency per kind
    for word, freq in (("semi", "semi_annual"), ("bienn", "biennial"), ("quarter", "quarterly"),
                       ("month", "monthly"), ("annual", "annual")):
        if word in text:
            return freq
    return text


def corpus_documents(folder: Path) -> Iterable[tuple[str, Path, dict[str, Any]]]:
    for expected in sorted(folder.glob("*.expected.json")):
        name = expected.name[: -len(".expected.json")]
        text = folder / f"{name}.txt"
        if text.is_file():
            yield name, text, json.loads(expected.read_text(encoding="utf-8"))


def run(folder: Path, verbose: bool = False, only: str | None = None) -> Score:
    score = Score()
    for name, path, want in corpus_documents(folder):
        if only and only not in name:
            continue
        score_document(name, extract(read_document(path)), want, score, verbose)
    return score


def report(score: Score, title: str) -> None:
    print(f"\n{title}")
    print(f"{'field':16} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>8}")
    for fld, t in score.tallies.items():
        print(f"{fld:16} {t.tp:>4} {t.fp:>4} {t.fn:>4} {t.precision:>10.3f} {t.recall:>8.3f}")
    pages = score.pages_right / score.pages_checked if score.pages_checked else 1.0
    lengths = sorted(score.quote_lengths)
    over = sum(1 for n in lengths if n > QUOTE_LIMIT)
    print(f"pages right      {score.pages_right}/{score.pages_checked} = {pages:.1%}")
    if lengths:
        print(f"quotes           {len(lengths)}: median {lengths[len(lengths) // 2]} chars, max {lengths[-1]}, "
              f"over {QUOTE_LIMIT}: {over}")
    print(f"kpi quotes hold the value: {score.kpi_quotes_with_value}/{score.kpi_quotes_checked}")
    print(f"kpi basis (actual/expected/target/baseline) right: {score.kpi_basis_right}/{score.kpi_basis_stated}")


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    args = [a for a in argv if not a.startswith("-")]
    folder = Path(args[0]) if args else DEFAULT_CORPUS
    if not folder.is_dir():
        print(f"{folder}: no corpus folder (give its path: benchmarks/extract_corpus.py DIR)", file=sys.stderr)
        return 2
    languages: dict[str, list[tuple[str, Path, dict[str, Any]]]] = {"en": [], "zh": []}
    for doc in corpus_documents(folder):
        languages.setdefault(doc[2].get("language", "en"), []).append(doc)
    total = Score()
    for lang, docs in languages.items():
        part = Score()
        for name, path, want in docs:
            got = extract(read_document(path))
            score_document(name, got, want, part, verbose)
            score_document(name, got, want, total, False)
        report(part, f"{folder.name} [{lang}]: {len(docs)} documents")
        for note in part.notes:
            print(note)
    report(total, f"{folder.name} [all]: {sum(len(d) for d in languages.values())} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
