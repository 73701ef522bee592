"""Reporting commitments, management of proceeds, project selection, exclusions and SDG references.

These are statements rather than numbers: a sentence qualifies by the cue words it
holds, and the item records which words flagged it so a reviewer can judge.
"""

from __future__ import annotations

import re

from engine.extract.context import SentenceView, nearest
from engine.models.disclosures import ReportingDisclosure, SdgReference, Statement

_SUBJECT = re.compile(r"(?i)\b(projects?|assets?|eligib\w*|proceeds|loans?|expenditures?|investments?|portfolio)\b")
_TRACKING_ORDER = ("sub_account", "sub_portfolio", "other")


def reporting(view: SentenceView) -> list[ReportingDisclosure]:
    if not view.has("reporting") or not view.has("reporting_kind"):
        return []
    if not view.has("commitment", "frequency"):
        return []
    out = []
    for kind in sorted({h.id for h in view.hits("reporting_kind")}):
        hit = next(h for h in view.hits("reporting_kind") if h.id == kind)
        freq = nearest(view, hit.start, hit.end, view.hits("frequency"), same_line=False)
        out.append(ReportingDisclosure(kind=kind, frequency=freq.id if freq else None,  # type: ignore[arg-type]
                                       evidence=view.evidence, hedged=view.hedged))
    return out


def management(view: SentenceView) -> list[Statement]:
    hits = view.hits("management")
    if not hits:
        return []
    ids = {h.id for h in hits}
    if ids == {"other"} and not view.has("proceeds"):
        return []
    tracking = next(t for t in _TRACKING_ORDER if t in ids)
    return [Statement(terms=_terms(hits), tracking=tracking, evidence=view.evidence,  # type: ignore[arg-type]
                      hedged=view.hedged)]


def selection(view: SentenceView) -> list[Statement]:
    hits = view.hits("selection")
    if not hits or not (view.has("proceeds") or _SUBJECT.search(view.text)):
        return []
    return [Statement(terms=_terms(hits), evidence=view.evidence, hedged=view.hedged)]


def exclusions(view: SentenceView) -> list[Statement]:
    cues = view.hits("exclusion")
    sectors = view.hits("excluded_sector")
    if not cues or not sectors:
        return []
    first = min(c.start for c in cues)
    after = [s for s in sectors if s.start > first] or sectors
    return [Statement(terms=_terms(cues + after), sectors=sorted({s.id for s in after}), evidence=view.evidence,
                      hedged=view.hedged)]


def sdg_references(view: SentenceView, patterns: list[re.Pattern[str]]) -> list[SdgReference]:
    if not view.has("sdg_cue"):
        return []
    found: dict[tuple[int, str | None], None] = {}
    for pattern in patterns:
        for m in pattern.finditer(view.text):
            groups = m.groupdict()
            if groups.get("target"):
                target = groups["target"]
                found[(int(target.split(".")[0]), target)] = None
            if groups.get("goals"):
                for number in re.findall(r"\d+", groups["goals"]):
                    if 1 <= int(number) <= 17:
                        found[(int(number), None)] = None
            if groups.get("goal"):
                found[(int(groups["goal"]), None)] = None
    with_target = {sdg for sdg, target in found if target}
    return [SdgReference(sdg=sdg, target=target, evidence=view.evidence, hedged=view.hedged)
            for sdg, target in found if target or sdg not in with_target]


def _terms(hits: list) -> list[str]:  # type: ignore[type-arg]
    out: list[str] = []
    for hit in hits:
        if hit.text.lower() not in (t.lower() for t in out):
            out.append(hit.text)
    return out
