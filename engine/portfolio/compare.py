"""Compare two stored screenings of one deal: opinions, scores, checks and findings side by side, each
changed finding tied to its cause.

Reuses the rule-set diff (``engine.portfolio.diff``): both screenings are reduced to its ``Snapshot`` and a
changed rule is explained by its ``_cause`` (parameter values used, with their dates). What the diff gets
from two rule folders, a comparison of stored runs gets from what the store kept: each rule set's content
hash, the dated parameter values every finding used, and the hashes of the deal file and documents. So a
cause is one of
- ``parameter``: a parameter the rule used has another value or effective date on the other side;
- ``rule_changed``: the rule's rule set has another content hash (the rule or a neighbour changed);
- ``input``: the deal file or a document differs (by SHA-256);
- ``as_of``: nothing above differs, but the screenings are dated differently (valuation, dated rules);
- ``unexplained``: none of these (should not happen for a deterministic engine).
More than one cause may apply; all are listed, the most specific first.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

from engine.models.compare import (
    CompareSide,
    Comparison,
    FindingChange,
    FindingChangeKind,
    InputChange,
    RulesetMove,
    SDGRow,
    SideBySide,
)
from engine.models.portfolio import Cause
from engine.models.screening import Screening
from engine.models.stored import StoredScreening
from engine.portfolio.diff import Snapshot, _cause, snapshot

OPINION_TITLES = {"icma": "ICMA Green/Social Bond Principles", "eu_gbs": "EU Green Bond Standard",
                  "sdg": "SDG contribution (grade)", "credit": "Credit / financial eligibility"}


class NotComparable(ValueError):
    """The two screenings cannot be compared (different deals)."""


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def rules_hash(stored: StoredScreening) -> str:
    parts = sorted(f"{r.name}:{r.hash}" for r in stored.summary.rulesets)
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:12]


def _side(stored: StoredScreening, s: Screening, deal_sha256: str) -> CompareSide:
    m = stored.summary
    return CompareSide(screening_id=m.id, as_of=m.as_of, screened_at=m.created_at, user=m.user,
                       deal_filename=m.deal_filename, deal_sha256=deal_sha256, documents=m.documents,
                       rulesets=m.rulesets, rules_hash=rules_hash(stored), scoring_version=s.scoring_version,
                       verdict=s.verdict, grade=s.grade,
                       esg_score=float(s.esg_score))


def compare(old: StoredScreening, new: StoredScreening) -> Comparison:
    """``old`` and ``new`` side by side (any order works; callers pass the older one first)."""
    if old.summary.deal_id != new.summary.deal_id:
        raise NotComparable(f"screening #{old.summary.id} is of deal {old.summary.deal_id!r} and "
                            f"#{new.summary.id} of deal {new.summary.deal_id!r}; only screenings of the same "
                            "deal can be compared")
    a = Screening.model_validate_json(old.screening_json)
    b = Screening.model_validate_json(new.screening_json)
    sa_, sb = snapshot(a), snapshot(b)
    deals = sha256(old.deal_text), sha256(new.deal_text)  # each deal file hashed once (up to 1 MiB each)
    inputs = input_changes(old, new, deals)
    moves = ruleset_moves(old, new)
    return Comparison(
        deal_id=b.deal_id, deal_name=b.deal_name, old=_side(old, a, deals[0]), new=_side(new, b, deals[1]),
        opinions=_opinions(sa_, sb), sdg=_sdg(a, b), checks=_checks(a, b, sa_, sb, inputs, moves),
        findings=finding_changes(a, b, sa_, sb, inputs, moves), inputs=inputs, rulesets=moves)


def input_changes(old: StoredScreening, new: StoredScreening,
                  deal_sha256: tuple[str, str] | None = None) -> list[InputChange]:
    """What differs in the inputs; ``deal_sha256`` is both deal files' digests if the caller has them."""
    out: list[InputChange] = []
    ha, hb = deal_sha256 or (sha256(old.deal_text), sha256(new.deal_text))
    if ha != hb:
        out.append(InputChange(kind="deal_file", detail=(
            f"deal file {old.summary.deal_filename} (sha256 {ha[:12]}) -> "
            f"{new.summary.deal_filename} (sha256 {hb[:12]})")))
    da = {d.name: d.sha256 for d in old.summary.documents}
    db = {d.name: d.sha256 for d in new.summary.documents}
    moved_docs = {h for h in da.values()} ^ {h for h in db.values()}
    for name in sorted(da.keys() | db.keys()):
        if name not in db and da[name] in moved_docs:
            out.append(InputChange(kind="document_removed", detail=f"{name} (sha256 {da[name][:12]}) only in the "
                                                                   f"older screening"))
        elif name not in da and db[name] in moved_docs:
            out.append(InputChange(kind="document_added", detail=f"{name} (sha256 {db[name][:12]}) only in the "
                                                                 f"newer screening"))
        elif name in da and name in db and da[name] != db[name]:
            out.append(InputChange(kind="document_changed",
                                   detail=f"{name}: sha256 {da[name][:12]} -> {db[name][:12]}"))
    return out


def ruleset_moves(old: StoredScreening, new: StoredScreening) -> list[RulesetMove]:
    ra = {r.name: r for r in old.summary.rulesets}
    rb = {r.name: r for r in new.summary.rulesets}
    out = []
    for name in sorted(ra.keys() | rb.keys()):
        x, y = ra.get(name), rb.get(name)
        if x is not None and y is not None and x.hash == y.hash:
            continue
        out.append(RulesetMove(name=name, old_version=x.version if x else None, new_version=y.version if y else None,
                               old_hash=x.hash if x else None, new_hash=y.hash if y else None))
    return out


def _opinions(a: Snapshot, b: Snapshot) -> list[SideBySide]:
    return [SideBySide(key=k, title=OPINION_TITLES.get(k, k), old=a.opinions.get(k), new=b.opinions.get(k))
            for k in OPINION_TITLES if k in a.opinions or k in b.opinions]


def _sdg(a: Screening, b: Screening) -> list[SDGRow]:
    sa_ = {s.sdg: s for s in a.sdg_scores}
    sb = {s.sdg: s for s in b.sdg_scores}
    rows = []
    for g in sorted(sa_.keys() | sb.keys()):
        x, y = sa_.get(g), sb.get(g)
        old, new = (float(x.score) if x else None), (float(y.score) if y else None)
        short = (y or x).short  # type: ignore[union-attr]  # g came from one of the two sides
        rows.append(SDGRow(sdg=g, short=short, old=old, new=new, delta=round((new or 0.0) - (old or 0.0), 6)))
    return rows


def _check_text(c: Any) -> str:
    return c.status if c.value is None else f"{c.status} ({c.model_dump(mode='json')['value']:g})"


def _checks(a: Screening, b: Screening, sa_: Snapshot, sb: Snapshot, inputs: list[InputChange],
            moves: list[RulesetMove]) -> list[SideBySide]:
    ca = {c.metric: c for c in a.checks}
    cb = {c.metric: c for c in b.checks}
    rulesets = {f.rule_id: f.ruleset for f in [*a.findings, *b.findings]}
    params_a, params_b = _params_by_name(a), _params_by_name(b)
    rows = []
    for m in sorted(ca.keys() | cb.keys()):
        either = cb.get(m) or ca[m]
        old, new = (_check_text(ca[m]) if m in ca else None), (_check_text(cb[m]) if m in cb else None)
        causes = [] if old == new else _causes(either.rule_id, rulesets.get(either.rule_id, ""), sa_, sb, params_a,
                                               params_b, {x.name for x in moves}, inputs, a, b)
        rows.append(SideBySide(key=m, title=either.title, old=old, new=new, causes=causes))
    return rows


def finding_changes(a: Screening, b: Screening, sa_: Snapshot, sb: Snapshot, inputs: list[InputChange],
                    moves: list[RulesetMove]) -> list[FindingChange]:
    titles = {f.rule_id: (f.ruleset, f.title) for f in [*a.findings, *b.findings]}
    moved_sets = {m.name for m in moves}
    params_a, params_b = _params_by_name(a), _params_by_name(b)
    out = []
    for rule_id in sorted(sa_.findings.keys() | sb.findings.keys()):
        old, new = list(sa_.findings.get(rule_id, ())), list(sb.findings.get(rule_id, ()))
        same = (Counter(old) == Counter(new) and sa_.outcomes.get(rule_id) == sb.outcomes.get(rule_id)
                and sa_.params.get(rule_id) == sb.params.get(rule_id))
        if same:
            continue
        change: FindingChangeKind = "added" if not old else "removed" if not new else "changed"
        ruleset, title = titles[rule_id]
        causes = _causes(rule_id, ruleset, sa_, sb, params_a, params_b, moved_sets, inputs, a, b)
        same_outcome = sa_.outcomes.get(rule_id) == sb.outcomes.get(rule_id)
        out.append(FindingChange(rule_id=rule_id, ruleset=ruleset, title=title, change=change, old=old, new=new,
                                 causes=causes, same_outcome=same_outcome))
    return out


def _params_by_name(s: Screening) -> dict[tuple[str, str], tuple[Any, str]]:
    """(rule set, parameter) -> (value, effective from) as any finding of the screening used it."""
    return {(f.ruleset, p.name): (p.value, p.effective_from.isoformat()) for f in s.findings for p in f.params}


def _causes(rule_id: str, ruleset: str, a: Snapshot, b: Snapshot, params_a: dict[tuple[str, str], tuple[Any, str]],
            params_b: dict[tuple[str, str], tuple[Any, str]], moved_sets: set[str], inputs: list[InputChange],
            sa_: Screening, sb: Screening) -> list[Cause]:
    causes: list[Cause] = []
    found = _cause(rule_id, a, b, {}, [])  # the diff's own reading: parameters the rule used on both sides
    if found.kind == "parameter":
        causes.append(found)
    else:  # the rule fired on one side only: a parameter it used there may be seen used by another rule
        used = {name for name, _v, _d in (*a.params.get(rule_id, ()), *b.params.get(rule_id, ()))}
        moved = [f"${n} {params_a[(ruleset, n)][0]!r} (from {params_a[(ruleset, n)][1]}) -> "
                 f"{params_b[(ruleset, n)][0]!r} (from {params_b[(ruleset, n)][1]})" for n in sorted(used)
                 if (ruleset, n) in params_a and (ruleset, n) in params_b
                 and params_a[(ruleset, n)] != params_b[(ruleset, n)]]
        if moved:
            causes.append(Cause(rule_id=rule_id, kind="parameter", detail="; ".join(moved)))
    if ruleset in moved_sets and not causes:
        causes.append(Cause(rule_id=rule_id, kind="rule_changed",
                            detail=f"rule set {ruleset} differs between the two screenings (content hash)"))
    causes += [Cause(rule_id=rule_id, kind="input", detail=i.detail) for i in inputs]
    if not causes and sa_.as_of != sb.as_of:
        causes.append(Cause(rule_id=rule_id, kind="as_of", detail=(
            f"same rules and inputs, screened as of {sa_.as_of} and {sb.as_of}: dated values (valuation, "
            "remaining life, rules in force) differ")))
    if not causes:
        causes.append(Cause(rule_id=rule_id, kind="unexplained",
                            detail="same rules, inputs and date; the engine should have given the same result"))
    return causes


__all__ = ["NotComparable", "compare"]
