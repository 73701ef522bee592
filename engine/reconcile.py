"""Document disclosures as facts, and where they contradict the deal file.

A circular that says 60 % while the term sheet says 65 % is a finding in
itself: both figures are kept, each with its source, and every
disagreement beyond the tolerance in ``rulesets/scoring/`` becomes a
``contradiction`` fact that the red-flag rules see.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from engine.extract import Extractor
from engine.models import Deal
from engine.models.disclosures import Evidence, Extraction
from engine.models.scoring import ReconcilePolicy
from engine.models.screening import Contradiction


def _ref(x: Extraction, ev: Evidence) -> str:
    return f"{x.document}#p{ev.page}"


def document_facts(extractions: Sequence[Extraction], found: Sequence[Contradiction]) -> list[dict[str, Any]]:
    """Flat facts (source ``document``) for every disclosure, plus one per contradiction."""
    facts: list[dict[str, Any]] = []

    def add(fact: dict[str, Any]) -> None:
        fact["id"] = f"doc-{len(facts) + 1}"
        fact["source"] = "document"
        facts.append({k: v for k, v in fact.items() if v is not None})

    for x in extractions:
        for u in x.use_of_proceeds:
            add({"t": "allocation", "category": u.category, "share_pct": u.share_pct, "amount": u.amount,
                 "refinancing": False, "hedged": u.hedged, "evidence": _ref(x, u.evidence)})
            add({"t": "disclosure", "kind": "use_of_proceeds", "category": u.category, "hedged": u.hedged,
                 "evidence": _ref(x, u.evidence)})
        for k in x.kpis:
            add({"t": "kpi", "metric": k.metric, "value": k.value, "unit": k.unit,
                 "normalized_value": k.normalized_value, "normalized_unit": k.normalized_unit,
                 "period": k.period, "has_baseline": k.baseline is not None or k.baseline_year is not None,
                 "has_target": k.target_year is not None, "hedged": k.hedged, "evidence": _ref(x, k.evidence)})
            add({"t": "disclosure", "kind": "kpi", "metric": k.metric, "hedged": k.hedged,
                 "evidence": _ref(x, k.evidence)})
        for r in x.external_reviews:
            add({"t": "review", "provider": r.provider, "type": r.type, "timing": r.timing,
                 "esma_registered": False, "evidence": _ref(x, r.evidence)})
            add({"t": "disclosure", "kind": "review", "hedged": r.hedged, "evidence": _ref(x, r.evidence)})
        for kind, items in (("reporting", x.reporting), ("management", x.management_of_proceeds),
                            ("selection", x.project_selection), ("exclusion", x.exclusions)):
            for item in items:
                add({"t": "disclosure", "kind": kind, "hedged": item.hedged, "evidence": _ref(x, item.evidence)})
        for s in x.sdg_references:
            add({"t": "sdg_claim", "sdg": s.sdg, "targets": [s.target] if s.target else [],
                 "hedged": s.hedged, "evidence": _ref(x, s.evidence)})
            add({"t": "disclosure", "kind": "sdg_reference", "hedged": s.hedged, "evidence": _ref(x, s.evidence)})
    for c in found:
        add({"t": "contradiction", "field": c.field, "deal_value": c.deal_value, "document_value": c.document_value,
             "message": c.message, "evidence": f"{c.document}#p{c.page}"})
    return facts


def normalize_quantity(extractor: Extractor, value: float, unit: str) -> tuple[float, str]:
    """A deal KPI in the unit the extractor normalises documents to (MWh, tCO2e, MW, m3, t, count).

    Units the lexicon does not know (students, jobs, SMEs) are counts.
    """
    number = f"{value:.6f}".rstrip("0").rstrip(".")
    for quantity in extractor.reader.read(f"{number} {unit}"):
        if quantity.unit is not None and quantity.normalized is not None:
            return quantity.normalized, quantity.unit.normalized_unit
    return value, "count"


def normalize_kpi_facts(facts: list[dict[str, Any]], extractor: Extractor) -> list[dict[str, Any]]:
    """Give deal KPI facts the normalised value and unit documents carry, so rules compare like with like."""
    out = []
    for fact in facts:
        if fact.get("t") == "kpi" and "normalized_unit" not in fact:
            value, unit = normalize_quantity(extractor, float(fact["value"]), str(fact["unit"]))
            fact = {**fact, "normalized_value": value, "normalized_unit": unit}
        out.append(fact)
    return out


def contradictions(deal: Deal, extractions: Sequence[Extraction], policy: ReconcilePolicy,
                   extractor: Extractor) -> list[Contradiction]:
    """Every document figure that disagrees with the deal file beyond the tolerances."""
    out: list[Contradiction] = []
    deal_shares: dict[str, float] = defaultdict(float)
    for a in deal.allocations:
        share = a.share_pct if a.share_pct is not None else (a.amount or 0.0) / deal.principal * 100
        deal_shares[a.category] += share
    deal_kpis: dict[str, list[tuple[float, str, str]]] = defaultdict(list)
    for deal_kpi in deal.kpis:
        value, unit = normalize_quantity(extractor, deal_kpi.value, deal_kpi.unit)
        deal_kpis[deal_kpi.metric].append((value, unit, deal_kpi.period))
    for x in extractions:
        for u in x.use_of_proceeds:
            if u.share_pct is None or not deal_shares:
                continue
            stated = deal_shares.get(u.category)
            if stated is None:
                out.append(_c("allocation." + u.category, "not in the deal file", f"{u.share_pct:g} %",
                              f"the document allocates {u.share_pct:g} % to {u.category.replace('_', ' ')}, "
                              "a category the deal file does not list", x, u.evidence))
            elif abs(stated - u.share_pct) > policy.share_tolerance_pct_points \
                    and not _matches_single(deal, u.category, u.share_pct, policy):
                out.append(_c("allocation." + u.category, f"{stated:g} %", f"{u.share_pct:g} %",
                              f"{u.category.replace('_', ' ')}: the document says {u.share_pct:g} %, "
                              f"the deal file {stated:g} %", x, u.evidence))
        for k in x.kpis:
            candidates = deal_kpis.get(k.metric, [])
            same_unit = [c for c in candidates if c[1] == k.normalized_unit]
            if not same_unit:
                continue
            if any(_close(v, k.normalized_value, policy.kpi_relative_tolerance) for v, _, _ in same_unit):
                match = next(c for c in same_unit if _close(c[0], k.normalized_value, policy.kpi_relative_tolerance))
                if k.period_stated and match[2] != k.period:
                    out.append(_c(f"kpi.{k.metric}.period", match[2], k.period,
                                  f"{k.metric.replace('_', ' ')}: the document labels the figure {k.period}, "
                                  f"the deal file {match[2]}", x, k.evidence))
                continue
            nearest = min(same_unit, key=lambda c: abs(c[0] - k.normalized_value))
            message = (f"{k.metric.replace('_', ' ')}: the document says {k.normalized_value:,.6g} "
                       f"{k.normalized_unit}, the deal file {nearest[0]:,.6g} {nearest[1]}")
            if nearest[0] and k.normalized_value and _thousandfold(nearest[0], k.normalized_value):
                message += " - a factor of 1,000: check kWh vs MWh (or t vs kt)"
            out.append(_c(f"kpi.{k.metric}", f"{nearest[0]:,.6g} {nearest[1]}",
                          f"{k.normalized_value:,.6g} {k.normalized_unit}", message, x, k.evidence))
    unique = {(c.field, c.document, c.page, c.document_value): c for c in out}
    return [unique[k] for k in sorted(unique)]


def _matches_single(deal: Deal, category: str, share: float, policy: ReconcilePolicy) -> bool:
    """A category split over several deal allocations may be quoted line by line in the document."""
    return any(a.category == category and a.share_pct is not None
               and abs(a.share_pct - share) <= policy.share_tolerance_pct_points for a in deal.allocations)


def _thousandfold(a: float, b: float) -> bool:
    ratio = max(abs(a), abs(b)) / min(abs(a), abs(b))
    return abs(ratio / 1000 - 1) < 0.05


def _close(a: float, b: float, tolerance: float) -> bool:
    scale = max(abs(a), abs(b))
    return scale == 0 or abs(a - b) / scale <= tolerance


def _c(field: str, deal_value: str, document_value: str, message: str, x: Extraction, ev: Evidence) -> Contradiction:
    return Contradiction(field=field, deal_value=deal_value, document_value=document_value, message=message,
                         document=x.document, page=ev.page, quote=ev.text)
