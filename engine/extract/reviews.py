"""External reviews: a provider named next to a review type, and when the review happens.

Review providers turn up in other roles all through a circular (auditor, credit
rating agency, arranger); a provider counts only when a review type is nearer to it
than any of those roles.
"""

from __future__ import annotations

from engine.extract.context import SentenceView, gap, nearest
from engine.lexicons import LexiconSet
from engine.models.disclosures import Review

DEFAULT_TIMING = {"second_party_opinion": "pre_issuance", "certification": "pre_issuance", "rating": "pre_issuance",
                  "verification": "post_issuance"}


def provider_names(lexicons: LexiconSet) -> dict[str, str]:
    return {g.id: str(g.attrs.get("name", g.id)) for g in lexicons.groups("review_provider")}


def reviews(view: SentenceView, names: dict[str, str]) -> list[Review]:
    if not view.has("review_provider") or not view.has("review_type"):
        return []
    out = []
    types = view.hits("review_type")
    others = view.hits("review_negative")
    for provider in view.hits("review_provider"):
        kind = nearest(view, provider.start, provider.end, types, same_line=False)
        assert kind is not None
        distance = gap(provider.start, provider.end, kind.start, kind.end)
        if any(gap(provider.start, provider.end, o.start, o.end) < distance for o in others):
            continue
        timing_hit = nearest(view, kind.start, kind.end, view.hits("review_timing"), same_line=False)
        timing = timing_hit.id if timing_hit is not None else DEFAULT_TIMING[kind.id]
        if kind.id == "second_party_opinion" and timing_hit is not None and timing_hit.text.lower() in (
                "annually", "annual", "each year", "allocation report", "impact report", "annual report"):
            timing = "pre_issuance"  # an SPO is on the framework, whatever else the sentence says
        quote = view.evidence_at(min(provider.start, kind.start), max(provider.end, kind.end))
        out.append(Review(provider=names.get(provider.id, provider.id), type=kind.id,  # type: ignore[arg-type]
                          timing=timing, evidence=quote, hedged=view.hedged_at(quote.start, quote.end)))  # type: ignore[arg-type]
    return out


def carried(previous: SentenceView, view: SentenceView, names: dict[str, str]) -> list[Review]:
    """'Sustainalytics is of the opinion that ... . This Second-Party Opinion was issued ...': the provider is
    named in one sentence and the review type in the next."""
    if (not previous.has("review_provider") or previous.has("review_type") or previous.has("review_negative")
            or not view.has("review_type") or view.has("review_provider")
            or view.sentence.start - previous.sentence.end > 2):
        return []
    kind = view.hits("review_type")[0]
    timing_hit = nearest(view, kind.start, kind.end, view.hits("review_timing"), same_line=False)
    timing = timing_hit.id if timing_hit is not None else DEFAULT_TIMING[kind.id]
    seen = set()
    out = []
    for provider in previous.hits("review_provider"):
        if provider.id not in seen:
            seen.add(provider.id)
            out.append(Review(provider=names.get(provider.id, provider.id), type=kind.id,  # type: ignore[arg-type]
                              timing=timing, evidence=previous.evidence,  # type: ignore[arg-type]
                              hedged=previous.hedged or view.hedged))
    return out
