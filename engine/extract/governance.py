"""Reporting commitments, management of proceeds, project selection, exclusions and SDG references.

These are statements rather than numbers: a sentence qualifies by the cue words it
holds, and the item records which words flagged it so a reviewer can judge.
"""

from __future__ import annotations

import re

from engine.extract.context import SentenceView, clause, gap
from engine.models.disclosures import ReportingDisclosure, SdgReference, Statement

_SUBJECT = re.compile(r"(?i)\b(projects?|assets?|eligib\w*|proceeds|loans?|expenditures?|investments?|portfolio)\b")
_TRACKING_ORDER = ("sub_account", "sub_portfolio", "other")


_PARTS = re.compile(r";|\uff1b|\n\s*\n")  # a report word and its kind are in one part of a sentence
REPORT_REACH = 120  # a report word further than this from 'allocation'/'impact' is about something else
FREQUENCY_REACH = 80  # "annual allocation reporting", "report on impact every two years"
# "Profit Rate 5.50 % Fixed, Semi-annual", "interest payable quarterly": a payment's frequency, not reporting's
_PAYMENT = re.compile(r"(?i)\b(?:coupons?|interest|profit\srate|payable|paid|payments?|distributions?|dividends?|"
                      r"instal+ments?|amorti[sz]ation)\b")


def reporting(view: SentenceView) -> list[ReportingDisclosure]:
    """'The Issuer will publish an allocation report annually': a report word next to an allocation/impact word.

    The frequency is the nearest frequency word within ``FREQUENCY_REACH`` of the kind or its report word,
    in the same clause, and not one of a payment ('Semi-annual' of a coupon line).
    """
    if not view.has("reporting") or not view.has("reporting_kind"):
        return []
    if not view.has("commitment", "frequency"):
        return []
    out = []
    reports = view.hits("reporting")
    for kind in sorted({h.id for h in view.hits("reporting_kind")}):
        kind_hits = [h for h in view.hits("reporting_kind") if h.id == kind]
        pairs = [(gap(h.start, h.end, r.start, r.end), h, r) for h in kind_hits for r in reports]
        pairs = [p for p in pairs if p[0] <= REPORT_REACH and not _PARTS.search(
            view.text[min(p[1].end, p[2].end) - view.sentence.start:max(p[1].start, p[2].start) - view.sentence.start])]
        if not pairs:
            continue
        _, hit, report = min(pairs, key=lambda p: p[0])
        lo, hi = min(hit.start, report.start), max(hit.end, report.end)
        freq = None
        for f in sorted(view.hits("frequency"), key=lambda f: gap(lo, hi, f.start, f.end)):
            if gap(lo, hi, f.start, f.end) > FREQUENCY_REACH:
                break
            own_a, own_b = clause(view, f.start, f.end)
            own = view.text[own_a - view.sentence.start:own_b - view.sentence.start]
            if not (own_a <= hit.start < own_b or own_a <= report.start < own_b):
                # "an allocation report annually and an impact report ... at least biennially": a frequency in
                # another clause is this kind's only when it follows it and that clause names no other kind
                others = [h for h in view.hits("reporting_kind") if h.id != kind and own_a <= h.start < own_b
                          and any(gap(h.start, h.end, r.start, r.end) == 0 for r in reports)]
                if f.start < hi or others:
                    continue
            a, b = min(lo, f.start), max(hi, f.end)
            between = view.text[a - view.sentence.start:b - view.sentence.start]
            if _PAYMENT.search(between) or _PAYMENT.search(own) or _PARTS.search(between):
                continue
            freq = f
            break
        span = (min(lo, freq.start), max(hi, freq.end)) if freq else (lo, hi)
        out.append(ReportingDisclosure(kind=kind, frequency=freq.id if freq else None,  # type: ignore[arg-type]
                                       evidence=view.evidence_at(*span), hedged=view.hedged_at(*span)))
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
