"""Findings -> per-SDG contribution, ICMA alignment, ESG score, grade and verdict.

Pure functions over findings and the scoring configuration in
``rulesets/scoring/``. Every point is a ``ScorePoint`` naming the rule (or the
passage) it came from and the arithmetic that produced it, so a reviewer can
recompute any score from the report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from engine import yamlio
from engine.models import Deal, Finding
from engine.models.scoring import ScoringConfig
from engine.models.screening import (
    CheckResult,
    ComponentStatus,
    ESGPart,
    Opinions,
    ScorePoint,
    Scores,
    SDGScore,
    TopicalPassage,
)
from engine.opinions import build_opinions
from engine.opinions.common import distinct_flags, is_financial, named_sdgs
from engine.opinions.icma import is_core

DEFAULT_SCORING = Path(__file__).resolve().parents[1] / "rulesets" / "scoring" / "scoring.yaml"


_cache: dict[Path, tuple[tuple[int, int], ScoringConfig]] = {}


def load_scoring(path: Path = DEFAULT_SCORING) -> ScoringConfig:
    """Read and validate the scoring configuration (path:line problems on error).

    Cached by the file's modification time and size, like the rule book: an edited
    file is read again on the next screening, an unchanged one is not parsed per deal.
    """
    path = Path(path).resolve()
    try:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        stamp = (0, 0)  # load_file reports the missing file
    cached = _cache.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    config: ScoringConfig = yamlio.validate(ScoringConfig, yamlio.load_file(path))
    _cache[path] = (stamp, config)
    return config


def scoring_for(rules_root: Path) -> ScoringConfig:
    """The scoring configuration of a rules folder: its own ``scoring/scoring.yaml``, else the shipped one.

    A researcher's folder of rules (or a test fixture) need not copy the weights to be usable.
    """
    own = Path(rules_root) / "scoring" / "scoring.yaml"
    return load_scoring(own if own.is_file() else DEFAULT_SCORING)


def _evidence_kind(finding: Finding) -> str:
    """Where a contribution's evidence comes from: the weakest source among its matched facts."""
    order = ("deal", "valuation", "document", "hedged", "topical")
    kinds = []
    for fact in finding.facts:
        source = str(fact.get("source", "deal"))
        kinds.append("hedged" if source == "document" and fact.get("hedged") else source)
    known = [k for k in kinds if k in order]
    return max(known, key=order.index) if known else "deal"


def _fact_evidence(finding: Finding) -> str | None:
    refs = sorted({str(f["evidence"]) for f in finding.facts if f.get("evidence")})
    return "; ".join(refs) or None


def _share(fact: dict[str, Any]) -> tuple[str, float] | None:
    """The share that scales a contribution: an allocation's share or an asset's share of pool value."""
    if fact.get("t") == "allocation" and isinstance(fact.get("share_pct"), int | float):
        return "allocation", float(fact["share_pct"])
    if fact.get("t") == "asset" and isinstance(fact.get("value_share_pct"), int | float):
        return "asset", float(fact["value_share_pct"])
    return None


def _contribution(group: list[Finding], config: ScoringConfig) -> ScorePoint:
    """One (rule, target): the best evidence source counts; restatements corroborate, never add.

    Shares of the distinct facts from that source add up (two renewable allocations of
    40 % and 30 % are 70 %), and the scale is capped at 1.
    """
    cfg = config.sdg
    order = ("deal", "valuation", "document", "hedged", "topical")
    kinds = {id(f): _evidence_kind(f) for f in group}
    best_kind = min(kinds.values(), key=order.index)
    best = [f for f in group if kinds[id(f)] == best_kind]
    first = best[0]
    shares: dict[str, float] = defaultdict(float)
    seen: set[str] = set()
    for f in best:
        for fact in f.facts:
            found = _share(fact)
            if found and str(fact.get("id")) not in seen:
                seen.add(str(fact.get("id")))
                shares[found[0]] += found[1]
    if shares.get("allocation"):
        full = cfg.allocation_full_share_pct
        scale, note = min(1.0, shares["allocation"] / full), f"allocations {shares['allocation']:g} % of {full:g} %"
    elif shares.get("asset"):
        full = cfg.asset_full_share_pct
        scale, note = min(1.0, shares["asset"] / full), f"assets {shares['asset']:.1f} % of pool value of {full:g} %"
    else:
        scale, note = 1.0, "not scaled"
    quality = cfg.evidence_quality[best_kind]  # type: ignore[index]
    base = cfg.strength_points[first.strength or "indirect"]
    weight = first.weight if first.weight is not None else 1.0
    value = round(base * weight * quality * scale, 2)
    basis = f"{first.strength} {base:g} x weight {weight:g} x {best_kind} evidence {quality:g} x {note} (x{scale:.2f})"
    corroborating = sorted({kinds[id(f)] for f in group} - {best_kind}, key=order.index)
    if corroborating:
        basis += f"; also stated in {', '.join(corroborating)} evidence (no extra points)"
    evidence = sorted({e for f in group for e in (_fact_evidence(f) or "").split("; ") if e})
    return ScorePoint(sdg=first.sdg or 0, target=first.target, points=value, rule_id=first.rule_id,
                      evidence_kind=best_kind, basis=f"{basis} = {value:g}",  # type: ignore[arg-type]
                      evidence="; ".join(evidence) or None)


def sdg_scores(findings: Sequence[Finding], topical: Sequence[TopicalPassage], config: ScoringConfig,
               short_titles: dict[int, str]) -> list[SDGScore]:
    """Per-SDG contribution 0-100 from contribute findings, topical passages and flags."""
    cfg = config.sdg
    points: dict[int, list[ScorePoint]] = defaultdict(list)
    groups: dict[tuple[int, str, str], list[Finding]] = defaultdict(list)
    for f in findings:
        if f.effect == "contribute" and f.sdg is not None:
            groups[(f.sdg, f.rule_id, f.target or "")].append(f)
    for (sdg, _, _), group in sorted(groups.items()):
        points[sdg].append(_contribution(group, config))
    per_sdg_pages: dict[int, set[tuple[str, int]]] = defaultdict(set)
    for passage in topical:
        key = (passage.document, passage.page)
        if key in per_sdg_pages[passage.sdg]:
            continue
        per_sdg_pages[passage.sdg].add(key)
        value = round(cfg.topical_points * cfg.evidence_quality["topical"] * passage.score, 2)
        points[passage.sdg].append(ScorePoint(
            sdg=passage.sdg, target=None, points=value, rule_id=None, evidence_kind="topical",
            basis=f"topical passage {cfg.topical_points:g} x topical evidence {cfg.evidence_quality['topical']:g} "
                  f"x tagger score {passage.score:.2f} = {value:g}",
            evidence=f"{passage.document}#p{passage.page}"))
    penalties: dict[int, list[ScorePoint]] = defaultdict(list)  # both kinds, in order, as the report lists them
    wide_minus: dict[int, float] = defaultdict(float)  # deal-wide penalties: floor at 0
    named_minus: dict[int, float] = defaultdict(float)  # penalties on a named SDG: floor at -cap
    contributing = sorted(sdg for sdg, pts in points.items() if pts)  # any points, topical too (monotonicity)
    for f in distinct_flags(findings):
        if f.severity is None or not cfg.flag_penalty[f.severity] or is_financial(f):
            continue
        named = named_sdgs(f)
        # A flag about a claimed SDG costs that SDG; a deal-wide red flag or blocker (fossil licensees,
        # an excluded structure) costs every SDG that has points, but only down to 0 (below):
        # a deal-wide flag takes away contribution, it never makes an SDG negative, so removing a
        # contribution (a stricter rule) can never lift an SDG from negative to 0.
        hit = named or (contributing if f.severity in ("red_flag", "blocker") else [])
        value = cfg.flag_penalty[f.severity]
        for sdg in hit:
            scope = "" if named else " (deal-wide, not below 0)"
            penalties[sdg].append(ScorePoint(sdg=sdg, target=None, points=-value, rule_id=f.rule_id,
                                             evidence_kind="deal", basis=f"{f.severity} flag{scope} -{value:g}",
                                             evidence=_fact_evidence(f)))
            (named_minus if named else wide_minus)[sdg] -= value
    goals = sorted(set(cfg.goals) | set(points) | set(penalties))
    out = []
    for sdg in goals:
        plus = sorted(points.get(sdg, []), key=lambda p: (-p.points, p.rule_id or "", p.target or ""))
        minus = penalties.get(sdg, [])
        topical_total = min(cfg.topical_cap, sum(p.points for p in plus if p.evidence_kind == "topical"))
        per_target: dict[str, float] = defaultdict(float)
        for p in plus:
            if p.evidence_kind != "topical":
                per_target[p.target or ""] += p.points
        capped_targets = sorted(t for t, v in per_target.items() if v > cfg.target_cap)
        firm_total = sum(min(cfg.target_cap, v) for v in per_target.values())
        positive = min(cfg.cap, firm_total + topical_total)
        has_deal_evidence = any(p.evidence_kind in ("deal", "valuation") for p in plus)
        notes = []
        if capped_targets:
            notes.append(f"target{'s' if len(capped_targets) > 1 else ''} {', '.join(capped_targets)} capped at "
                         f"{cfg.target_cap:g} points each")
        if sdg in cfg.deal_evidence_required and not has_deal_evidence and positive > cfg.unsupported_cap:
            positive = cfg.unsupported_cap
            notes.append(f"capped at {cfg.unsupported_cap:g}: SDG {sdg} needs deal evidence (category or class)")
        # deal-wide penalties floor at 0, penalties on a named SDG at -cap
        score = round(max(-cfg.cap, max(0.0, positive + wide_minus.get(sdg, 0.0)) + named_minus.get(sdg, 0.0)), 1)
        targets = sorted({p.target for p in plus if p.target}, key=_target_key)
        out.append(SDGScore(sdg=sdg, short=short_titles.get(sdg, f"SDG {sdg}"), score=score,
                            band=_band(score, config), targets=targets, points=plus, penalties=minus,
                            note="; ".join(notes) or None))
    return out


def _target_key(target: str) -> tuple[int, str]:
    head, _, tail = target.partition(".")
    return (int(head) if head.isdigit() else 99, tail.zfill(3))


def _band(score: float, config: ScoringConfig) -> str:
    for band in config.sdg.bands:
        if score >= band.min:
            return band.label
    return config.sdg.bands[-1].label


def components(findings: Iterable[Finding]) -> list[ComponentStatus]:
    """Compliance requirements (ICMA, SLBP, secured, EU GBS) as met / missing rows."""
    rows = [ComponentStatus(standard=f.standard or "", component=f.component or "", title=f.title,
                            status="met" if f.status == "met" else "missing", rule_id=f.rule_id, message=f.message,
                            reference=f.reference.title)
            for f in findings if f.effect == "require"]
    return sorted(rows, key=lambda r: (r.standard, r.component, r.rule_id))


def check_results(findings: Iterable[Finding]) -> list[CheckResult]:
    rows = [CheckResult(rule_id=f.rule_id, metric=f.metric or "", title=f.title, value=f.value,
                        status=f.status if f.status in ("pass", "watch") else "fail",
                        direction=f.direction, pass_threshold=f.pass_threshold,
                        watch_threshold=f.watch_threshold, reference=f.reference.title,
                        message=f.message)
            for f in findings if f.effect == "check"]
    return sorted(rows, key=lambda r: (r.metric, r.rule_id))


def score(findings: Sequence[Finding], topical: Sequence[TopicalPassage], label: str, claims_eu_gbs: bool,
          config: ScoringConfig, short_titles: dict[int, str], *, deal: Deal | None = None) -> Scores:
    """The whole scoring stage: SDG scores, compliance rows, checks, the four opinions, ESG score and verdict.

    The ESG score blends only the SDG part and the ICMA part: credit is its own opinion and never enters it.
    The verdict, kept for portfolio views and the store, is the worst of the four opinions (not a score).
    """
    sdgs = sdg_scores(findings, topical, config, short_titles)
    rows = components(findings)
    checks = check_results(findings)
    opinions = build_opinions(findings, sdgs, checks, label, claims_eu_gbs, config, deal,
                              credit_flags=[f for f in distinct_flags(findings) if is_financial(f)
                                            and f.severity in ("red_flag", "blocker")])
    esg = config.esg
    parts: list[ESGPart] = []
    best = sorted((s.score for s in sdgs), reverse=True)[: esg.sdg_top_n]
    best += [0.0] * (esg.sdg_top_n - len(best))
    parts.append(ESGPart(name="sdg", weight=esg.weights["sdg"], value=round(max(0.0, sum(best) / len(best)), 1),
                         basis=f"mean of the best {esg.sdg_top_n} SDG scores {', '.join(f'{b:g}' for b in best)}"))
    icma_rows = opinions.icma.rows
    if icma_rows:
        met = sum(r.status == "met" for r in icma_rows)
        parts.append(ESGPart(name="icma", weight=esg.weights["icma"], value=round(100 * met / len(icma_rows), 1),
                             basis=f"{met} of {len(icma_rows)} ICMA components and key recommendations met"))
    total_weight = sum(p.weight for p in parts)
    weighted = sum(p.weight * p.value for p in parts) / total_weight if total_weight else 0.0
    flags = distinct_flags(findings)
    esg_flags = [f for f in flags if f.severity is not None and not is_financial(f) and esg.flag_penalty[f.severity]]
    penalty = sum(esg.flag_penalty[f.severity] for f in esg_flags if f.severity is not None)
    esg_score = round(min(100.0, max(0.0, weighted - penalty)), 1)
    if penalty:
        parts.append(ESGPart(name="flags", weight=0.0, value=-penalty,
                             basis=f"{len(esg_flags)} distinct sustainability flags subtract {penalty:g} points "
                                   "(flags on valuation metrics go to the credit opinion)"))
    grade = next((g.grade for g in esg.grades if esg_score >= g.min), esg.grades[-1].grade)
    blockers, conditions = _verdict_reasons(flags, opinions, config)
    verdict: Literal["eligible", "conditional", "ineligible"] = (
        "ineligible" if blockers else "conditional" if conditions else "eligible")
    return Scores(sdg_scores=sdgs, components=rows, checks=checks, esg_parts=parts, esg_score=esg_score,
                  grade=grade, verdict=verdict, blockers=blockers, conditions=conditions,
                  red_flag_count=sum(f.severity in ("red_flag", "blocker") for f in flags), opinions=opinions)


def _verdict_reasons(flags: Sequence[Finding], opinions: Opinions,
                     config: ScoringConfig) -> tuple[list[str], list[str]]:
    """Blockers: a blocker flag, an ICMA core gap on a labelled deal, a missing EU GBS article on a claim,
    a failed credit check. Conditions: a red flag, a missed ICMA key recommendation, a credit watch."""
    policy = config.verdict
    blockers: list[str] = []
    conditions: list[str] = []
    for f in flags:
        text = f"{f.message or f.title} [{f.rule_id}]"
        if f.severity in policy.blocker_severities:
            blockers.append(text)
        elif f.severity in policy.condition_severities:
            conditions.append(text)
    # a core row that is not met is what makes the ICMA opinion not_aligned: it blocks by itself
    for r in opinions.icma.rows:
        if r.status != "met":
            (blockers if _is_core_row(r.key) else conditions).append(
                f"{r.title}: {r.status} [{r.rule_id}]")
    for r in opinions.eu_gbs.rows:
        if r.status == "missing":
            blockers.append(f"{r.key} {r.title}: missing [{r.rule_id}]")
    for r in opinions.credit.rows:
        if r.status == "fail":
            blockers.append(f"{r.title}: {r.note} (fail) [{r.rule_id}]")
        elif r.status == "watch":
            conditions.append(f"{r.title}: {r.note} (watch) [{r.rule_id}]")
    return sorted(set(blockers)), sorted(set(conditions))


def _is_core_row(key: str) -> bool:
    standard, _, component = key.partition(":")
    return is_core(standard, component)
