"""SDG opinion: contribution per SDG target and an ambition grade; over-claims and mentions stay visible.

The grade is the band (rulesets/scoring/scoring.yaml ``sdg.bands``) of the deal's best SDG score, an
ipsdg proposal in the style of SPO shades (a few named levels rather than a number): significant,
moderate, limited, none, and negative when the only scores are below zero (an over-claim costs more
than the deal evidences). Rows: one per SDG target with points ("contributes"), one per SDG the deal
claims without evidence ("over_claim"), one per SDG that only topical text mentions ("mention_only").
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.models import Deal, Finding
from engine.models.scoring import ScoringConfig
from engine.models.screening import OpinionRow, SDGOpinion, SDGScore
from engine.opinions.common import distinct_flags, is_financial, named_sdgs

CLAUSE = "UN SDG targets (A/RES/71/313) via the ipsdg mapping rules cited on each contribution"


def sdg_opinion(findings: Sequence[Finding], sdgs: Sequence[SDGScore], config: ScoringConfig,
                deal: Deal | None = None) -> SDGOpinion:
    scale = ("best SDG score (0-100, rulesets/scoring/scoring.yaml) on the ipsdg bands "
             + ", ".join(f"{b.label} >= {b.min:g}" for b in config.sdg.bands[:-1])
             + f", otherwise {config.sdg.bands[-1].label} (our own proposal, in the style of SPO shades)")
    rows: list[OpinionRow] = []
    for s in sorted(sdgs, key=lambda s: s.sdg):
        firm = [p for p in s.points if p.evidence_kind != "topical"]
        for target in s.targets:
            pts = [p for p in firm if p.target == target]
            rules = sorted({p.rule_id for p in pts if p.rule_id})
            rows.append(OpinionRow(key=f"SDG {target}", title=f"{s.short}: target {target}", status="contributes",
                                   clause=f"SDG target {target}", rule_id=", ".join(rules) or None,
                                   evidence="; ".join(sorted({p.evidence for p in pts if p.evidence})) or None,
                                   note=f"{sum(p.points for p in pts):g} points ({pts[0].evidence_kind} evidence)"
                                   if pts else None))
        if s.points and not firm:
            rows.append(OpinionRow(key=f"SDG {s.sdg}", title=s.short, status="mention_only", clause=CLAUSE,
                                   evidence="; ".join(sorted({p.evidence for p in s.points if p.evidence})) or None,
                                   note="topical passages only: a mention, not a contribution"))
    overclaims: dict[int, list[Finding]] = {}
    for f in findings:
        if f.effect == "flag" and f.rule_id.startswith("RF-OVERCLAIM"):
            for sdg in named_sdgs(f):
                overclaims.setdefault(sdg, []).append(f)
    for sdg, flags in sorted(overclaims.items()):
        rows.append(OpinionRow(key=f"SDG {sdg}", title=f"SDG {sdg} claimed", status="over_claim",
                               clause=flags[0].reference.title, rule_id=flags[0].rule_id,
                               evidence="; ".join(sorted({str(x["evidence"]) for f in flags for x in f.facts
                                                          if x.get("evidence")})) or None,
                               note=flags[0].message))
    best = max((s.score for s in sdgs), default=0.0)
    worst = min((s.score for s in sdgs), default=0.0)
    # the band scoring gave the best SDG (the worst when every score is below zero)
    if sdgs:
        top = max(sdgs, key=lambda s: s.score)
        low = min(sdgs, key=lambda s: s.score)
        grade = top.band if best > 0 or worst >= 0 else low.band
    else:  # nothing scored: the band a score of 0 reaches
        grade = next((b.label for b in config.sdg.bands if b.min <= 0), config.sdg.bands[-1].label)
    reasons = [f"best SDG: {s.short} (SDG {s.sdg}) {s.score:g}" for s in sdgs if s.score == best and best > 0][:1]
    reasons += [f"over-claim: {r.note} [{r.rule_id}]" for r in rows if r.status == "over_claim"]
    reasons += [f"negative: {s.short} (SDG {s.sdg}) {s.score:g}" for s in sdgs if s.score < 0]
    wide = sorted({(f.rule_id, f.message or f.title) for f in distinct_flags(findings)
                   if f.severity in ("red_flag", "blocker") and not named_sdgs(f) and not is_financial(f)})
    reasons += [f"deal-wide red flag (takes points from every SDG with points, not below 0): {m} [{r}]"
                for r, m in wide]
    if not reasons:
        reasons = ["no SDG contribution is evidenced"]
    return SDGOpinion(grade=grade, scale=scale, decided_by=scale, reasons=reasons, rows=rows)
