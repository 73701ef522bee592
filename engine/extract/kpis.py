"""Impact KPIs: a quantity whose unit fits a metric, in a sentence that says what happened to it.

"avoided 12,500 tCO2e per year" is a KPI; "Scope 1 emissions were 50,000 tCO2e" is
the issuer's footprint, "a 2019 baseline" is a year, "EUR 300 million" is money.
Which metric of a dimension (energy generated vs saved) is decided by the nearest
metric phrase, else the nearest direction word allowed for that metric.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from engine.extract import units
from engine.extract.context import SentenceView, clause, gap, nearest, within
from engine.extract.quantities import Quantity, Unit
from engine.extract.tables import Cell, unit_in_parentheses, year_in
from engine.lexicons import LexiconSet
from engine.models.disclosures import Kpi
from engine.nlp import Hit

MONEY_GAP = 40  # "research and development expenditure of EUR 4.2 million": the phrase right by the amount
MASS_GAP = 30  # "减排二氧化碳25.99万吨": a metric term of CO2 or coal right by a bare mass names what it weighs
COUNT_GAP = 32  # "1,250 low-income students": at most a few words between number and noun
_BETWEEN = re.compile(r"^[\s\w-]*$")
_BASELINE = re.compile(r"(?i)\b(?:baseline|base\syear|compared\s(?:to|with)|relative\sto|against|versus|vs\.?)"
                       r"\s\(?(?:a\s|the\s|its\s)?(?:baseline\s(?:year\s)?(?:of\s)?)?((?:19|20)\d\d)\b")
_BASELINE_AFTER = re.compile(r"(?i)\b((?:19|20)\d\d)\s(?:baseline|base\syear|levels?)\b")
_TARGET = re.compile(r"(?i)\b(?:by|until|target(?:ed)?\s(?:for|in|year)|in\sthe\syear)\s(?:the\send\sof\s)?"
                     r"((?:19|20)\d\d)\b")


@dataclass(frozen=True)
class Metric:
    id: str
    dimension: str
    directions: frozenset[str]
    topic: str | None
    refines: str | None = None  # a count of this other metric's term becomes this one given one of ``directions``
    mass_as: str | None = None  # a mass next to this metric's own term is of this: "co2" (tCO2e) or "coal" (tce)


def metrics_from(lexicons: LexiconSet) -> dict[str, Metric]:
    out = {}
    for group in lexicons.groups("kpi_metric"):
        attrs = group.attrs
        directions = str(attrs.get("directions", ""))
        out[group.id] = Metric(group.id, str(attrs["dimension"]), frozenset(d for d in directions.split("|") if d),
                               str(attrs["topic"]) if "topic" in attrs else None,
                               str(attrs["refines"]) if "refines" in attrs else None,
                               str(attrs["mass_as"]) if "mass_as" in attrs else None)
    return out


def _topic_ok(view: SentenceView, metric: Metric) -> bool:
    return metric.topic is None or any(h.id == metric.topic for h in view.hits("kpi_topic"))


def years(text: str) -> tuple[int | None, int | None]:
    """(baseline year, target year) stated in a sentence."""
    base = _BASELINE.search(text) or _BASELINE_AFTER.search(text)
    target = _TARGET.search(text)
    return (int(base.group(1)) if base else None, int(target.group(1)) if target else None)


def kpis(view: SentenceView, metrics: dict[str, Metric]) -> list[Kpi]:
    if not view.has("kpi_metric", "kpi_direction"):
        return []
    out: list[Kpi] = []
    seen: set[tuple[str, float]] = set()
    has_baseline = "baseline" in view.text.lower()
    row_first: dict[tuple[int, str], int] = {}
    for q in view.quantities:
        cell = view.cell_at(q.start)
        if cell is not None and cell.column.role != "value":
            continue  # a baseline or target qualifies its row's figure; a label names it
        if cell is not None and not (q.unit or q.currency or q.percent or q.is_year):
            q = replace(q, unit=_stated_unit(view, cell))  # "Energy (MWh)" over "84,250", or in the row's label
        if q.unit:
            found = _physical(view, q, metrics)
        elif q.currency:
            found = _money(view, q, metrics)
        else:
            found = _count(view, q, metrics) or (_row_count(view, q, cell, metrics) if cell else None)
        if found is None or (found, q.value) in seen:
            continue
        if q.unit and metrics[found].dimension not in (q.unit.dimension, "count", "currency"):
            q = replace(q, unit=as_mass_of(q.unit, metrics[found]))
        row = (view.line_of(q.start), found)
        if cell is None and has_baseline and q.unit and row in row_first:
            # a table row "850 MW   610 MW" under a Baseline column: the second figure is the baseline
            first = out[row_first[row]]
            out[row_first[row]] = first.model_copy(update={"baseline": q.value * q.unit.factor / (
                first.normalized_value / first.value if first.value else 1)})
            continue
        seen.add((found, q.value))
        row_first.setdefault(row, len(out))
        kpi = _kpi(view, q, found)
        if cell is not None:  # in a table, the value column's header says what the figure is ("Expected value")
            header = next((b for b, p in _BASIS_WORDS if p.search(cell.column.header)), None)
            kpi = kpi.model_copy(update={**_row_context(view, q, cell), "basis": header})
        out.append(kpi)
    return out


def as_mass_of(unit: Unit, metric: Metric) -> Unit:
    """A tonne in a CO2 metric's clause is a tonne of CO2e; in a coal-equivalent metric's, a tonne of standard coal
    (GB/T 2589-2020: 1 tce = 29.3076 GJ), converted by pint to the metric's unit."""
    tonnes = unit.factor  # the mass unit's factor to tonnes
    if metric.mass_as == "co2":
        return Unit(f"{unit.id} CO2e", "co2", "tCO2e", tonnes)
    if metric.mass_as == "coal":
        return Unit(f"{unit.id} coal equivalent", "energy", "MWh",
                    tonnes * units.conversion("tonne_coal_equivalent", "energy", "MWh"))
    return unit


_BASIS_WORDS: list[tuple[str, re.Pattern[str]]] = [
    ("expected", re.compile(r"(?i)\b(?:expected|estimated|projected|anticipated|forecast|ex[\s-]ante|"
                            r"is\sexpected\sto|are\sexpected\sto|will)\b|预计|預計|预期|預期|将|將|建成后|建成後"
                            r"|可(?=实现|實現|节约|節約|减少|減少|减排|減排|替代|带动|帶動)")),
    ("target", re.compile(r"(?i)\b(?:targets?|targeted|aims?\sto|goal|ambition)\b|目标|目標")),
    ("baseline", re.compile(r"(?i)\b(?:baseline|base\syear|prior[\s-]year|previous\syear|compared\s(?:to|with)|"
                            r"against|increase\sfrom|up\sfrom|versus|vs\.?)(?![\w])|基准|基準|上年")),
    ("actual", re.compile(r"(?i)\b(?:actual|actually|achieved|realised|realized|reported|measured|ex[\s-]post)\b"
                          r"|实际|實際|已实现|已實現")),
]
BEFORE_REACH = 160  # "Expected to reduce: ... 137,056 MWh", "预计可实现年减排...、节约标准煤10.55万吨"
AFTER_REACH = 16  # "1,634,786 tCO2e actual and 2,091,219 expected": a word right after the figure qualifies it


def basis_of(view: SentenceView, q: Quantity) -> str | None:
    """Actual, expected, target or baseline: the word right after the figure, else the nearest one before it
    in its clause ('expected to reduce emissions by 44 Mt', 'up from 2.2 million MWh')."""
    base = view.sentence.start
    lo, hi = clause(view, q.start, q.end)
    after = view.text[q.end - base:min(hi, q.end + AFTER_REACH) - base]
    for basis, pattern in _BASIS_WORDS:
        m = pattern.search(after)
        if m and not re.search(r"[\d]", after[:m.start()]):
            return basis
    for start in (lo, max(base, q.start - BEFORE_REACH)):  # its clause, else the lead-in of a list of figures
        before = view.text[start - base:q.start - base]
        before = before[max(before.rfind(". "), before.rfind("\u3002"), before.rfind(";")) + 1:]
        best: tuple[int, str] | None = None
        for basis, pattern in _BASIS_WORDS:
            for m in pattern.finditer(before):
                if best is None or m.end() > best[0]:
                    best = (m.end(), basis)
        if best:
            return best[1]
    return None


def _stated_unit(view: SentenceView, cell: Cell) -> Unit | None:
    """The unit a table states once for a bare figure: in its row's label (more specific), else its column's header."""
    assert view.table is not None
    label = view.table.row(cell, "label")
    for text in (label and unit_in_parentheses(label.text), cell.column.unit):
        unit = view.reader.unit_named(text) if text else None
        if unit is not None:
            return unit
    return None


def _row_context(view: SentenceView, q: Quantity, cell: Cell) -> dict[str, float | int | None]:
    """Baseline and target of a table row from its own Baseline and Target cells, not from the whole table."""
    assert view.table is not None
    base = view.table.row(cell, "baseline")
    target = view.table.row(cell, "target")
    line = view.text.split("\n")[cell.row]
    line_base, line_target = years(line)
    out: dict[str, float | int | None] = {"baseline_year": line_base, "target_year": line_target}
    if base is not None:
        figures = [b for b in view.reader.read(base.text, view.decimal_comma) if not b.is_year]
        out["baseline_year"] = (year_in(base.text) or base.column.year) if figures else None
        if figures:
            unit = figures[0].unit or _stated_unit(view, base)
            out["baseline"] = figures[0].value * (unit.factor / q.unit.factor if unit and q.unit else 1)
    if target is not None:
        out["target_year"] = year_in(target.text)
    return out


def _row_count(view: SentenceView, q: Quantity, cell: Cell, metrics: dict[str, Metric]) -> str | None:
    """'Jobs created    1,350' under a value column: a bare head count named by its row's label."""
    if q.percent or q.currency or q.is_year or q.value < 1 or q.value != int(q.value):
        return None
    assert view.table is not None
    label = view.table.row(cell, "label")
    if label is None:
        return None
    bounds = view.page_span(label)
    for hit in within(view.hits("kpi_metric"), bounds):
        metric = metrics.get(hit.id)
        if metric is None or metric.dimension != "count" or not _topic_ok(view, metric):
            continue
        if " " in hit.text or within(view.hits("kpi_direction"), bounds):
            return hit.id
    return None


def _physical(view: SentenceView, q: Quantity, metrics: dict[str, Metric]) -> str | None:
    assert q.unit is not None
    if any(gap(q.start, q.end, h.start, h.end) <= 40 for h in view.hits("kpi_context")):
        return None
    candidates = {m.id: m for m in metrics.values() if m.dimension == q.unit.dimension}
    if q.unit.dimension == "mass":  # "减排二氧化碳25.99万吨", "reduce GHG emissions by 44 million tonnes"
        bounds = clause(view, q.start, q.end)
        weighed = [h for h in view.hits("kpi_metric") if h.id in metrics and (
            metrics[h.id].mass_as or metrics[h.id].dimension == "mass" and _topic_ok(view, metrics[h.id]))]
        own = [h for h in weighed if bounds[0] <= h.start < bounds[1]]
        near = [h for h in weighed if gap(q.start, q.end, h.start, h.end) <= MASS_GAP]
        hit = nearest(view, q.start, q.end, own, False) or nearest(view, q.start, q.end, near, False)
        if hit is not None:
            return hit.id
    candidates = {k: m for k, m in candidates.items() if m.topic is None or view.has("kpi_topic") and any(
        h.id == m.topic for h in view.hits("kpi_topic")) or any(h.id == k for h in view.hits("kpi_metric"))}
    if not candidates:
        return None
    bounds = clause(view, q.start, q.end)
    phrases = [h for h in view.hits("kpi_metric") if h.id in candidates]
    allowed = [h for h in view.hits("kpi_direction") if any(h.id in m.directions for m in candidates.values())]
    # the quantity's own clause first ("..., and the parks generated 96 GWh"), then the whole sentence
    for hits, is_phrase in ((within(phrases, bounds), True), (within(allowed, bounds), False), (phrases, True),
                            (allowed, False)):
        hit = nearest(view, q.start, q.end, hits, False)
        if hit is not None:
            return hit.id if is_phrase else next(k for k, m in candidates.items() if hit.id in m.directions)
    return None


def _money(view: SentenceView, q: Quantity, metrics: dict[str, Metric]) -> str | None:
    """'R&D expenditure of EUR 4.2 million': an amount in the clause of a currency metric's phrase."""
    if q.value <= 0:
        return None
    phrases = [h for h in view.hits("kpi_metric") if h.id in metrics and metrics[h.id].dimension == "currency"]
    hit = nearest(view, q.start, q.end, phrases, False)
    if hit is None or gap(q.start, q.end, hit.start, hit.end) > MONEY_GAP:
        return None
    if within(view.hits("kpi_context"), clause(view, min(q.start, hit.start), max(q.end, hit.end))):
        return None
    return hit.id


def _count(view: SentenceView, q: Quantity, metrics: dict[str, Metric]) -> str | None:
    if q.percent or q.currency or q.is_year or q.value < 1 or q.value != int(q.value):
        return None
    page_text_after = view.text[q.end - view.sentence.start:]
    for hit in view.hits("kpi_metric"):
        if metrics.get(hit.id) is None or metrics[hit.id].dimension != "count" or hit.start < q.end:
            continue
        between = page_text_after[:hit.start - q.end]
        if len(between) > COUNT_GAP or not _BETWEEN.match(between) or any(ch.isdigit() for ch in between):
            continue
        if len(between.split()) > 3:
            continue
        bounds = clause(view, q.start, hit.end)
        if not _topic_ok(view, metrics[hit.id]) or within(view.hits("kpi_context"), bounds):
            continue
        directions = {h.id for h in within(view.hits("kpi_direction"), bounds)}
        if directions or " " in hit.text or "-" in hit.text:
            refined = next((m.id for m in metrics.values() if m.refines == hit.id and m.directions & directions
                            and _topic_ok(view, m)), None)
            return refined or hit.id
    return None


# "in 2024": a figure for one calendar or reporting year, so an annual one (a year, not a phrase per year)
_IN_YEAR = re.compile(r"(?<!\w)in (?:19|20)\d\d(?!\w)", re.IGNORECASE)


def _year_periods(view: SentenceView) -> list[Hit]:
    """'in 2024' in the sentence as annual-period hits, at page offsets, beside the lexicon's period terms."""
    base = view.sentence.start
    return [Hit("kpi_period:annual", base + m.start(), base + m.end(), m.group())
            for m in _IN_YEAR.finditer(view.sentence.text)]


def _kpi(view: SentenceView, q: Quantity, metric: str) -> Kpi:
    period_hit = nearest(view, q.start, q.end, [*view.hits("kpi_period"), *_year_periods(view)], same_line=False)
    if q.per_year:
        period, stated = "annual", True
    elif period_hit is not None:
        period, stated = period_hit.id, True
    else:
        period, stated = "annual", False
    base, target = years(view.text)
    if q.unit:
        unit, normalized_value, normalized_unit = q.unit.id, q.value * q.unit.factor, q.unit.normalized_unit
    elif q.currency:
        unit, normalized_value, normalized_unit = q.currency, q.value, q.currency
    else:
        unit, normalized_value, normalized_unit = "count", q.value, "count"
    basis = None if view.cell_at(q.start) is not None else basis_of(view, q)
    return Kpi(metric=metric, value=q.value, unit=unit, normalized_value=normalized_value,
               basis=basis,  # type: ignore[arg-type]
               normalized_unit=normalized_unit, period=period, period_stated=stated,  # type: ignore[arg-type]
               baseline_year=base, target_year=target, evidence=view.evidence_at(q.start, q.end),
               hedged=view.hedged_at(q.start, q.end))
