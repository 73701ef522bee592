"""Rule-set impact diff: what changed in the rules, and which deals it moves and why.

Two sides, each a rules directory screened at a date: two versions of the rules
(OLD_DIR, NEW_DIR) or one version at two dates. Rules are compared by id with
their source lines ignored; parameters by their dated history and by the value in
force at each side's date. Every deal of the portfolio is screened on both sides;
a deal whose verdict, grade, ESG score or any SDG score moves is explained by the
findings that appear, disappear or change status or parameter values, each tied
to the rule or parameter change that caused it.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.models.portfolio import (
    Cause,
    CauseKind,
    DatedValue,
    DealChange,
    DiffSide,
    DiffSummary,
    ParamChange,
    ParamChangeKind,
    RuleChange,
    RuleChangeKind,
    RulesetDiff,
    SDGDelta,
)
from engine.portfolio.batch import Progress, run_batch
from engine.portfolio.sources import list_items

if TYPE_CHECKING:  # for annotations only; diff_rulesets imports engine.rules where it runs
    from engine.rules.loader import Parameter

EPS = 1e-6
_RULE_CAUSE: dict[RuleChangeKind, CauseKind] = {
    "added": "rule_added", "removed": "rule_removed", "changed": "rule_changed", "activated": "rule_activated",
    "deactivated": "rule_deactivated",
}


@dataclass(frozen=True)
class Snapshot:
    """The parts of a Screening the diff compares (small, so workers can send 10,000 of them back)."""

    name: str
    verdict: str
    grade: str
    esg_score: float
    sdg: dict[int, float]
    findings: dict[str, tuple[str, ...]]  # rule id -> sorted outcome labels (status/severity/target)
    params: dict[str, tuple[tuple[str, Any, str], ...]]  # rule id -> (name, value, effective_from) used
    outcomes: dict[str, tuple[str, ...]]  # rule id -> what its findings do to the scores (label, strength, weight)


def snapshot(screening: Any) -> Snapshot:
    """Picklable summary of one Screening (used as the batch ``detail`` function)."""
    findings: dict[str, list[str]] = {}
    outcomes: dict[str, list[str]] = {}
    params: dict[str, set[tuple[str, Any, str]]] = {}
    for f in screening.findings:
        label = "/".join(str(x) for x in (f.effect, f.status or f.severity, f.target) if x)
        findings.setdefault(f.rule_id, []).append(label)
        outcomes.setdefault(f.rule_id, []).append(f"{label} {f.strength or ''} {f.weight or ''}")
        params.setdefault(f.rule_id, set()).update((p.name, p.value, p.effective_from.isoformat()) for p in f.params)
    return Snapshot(screening.deal_name, screening.verdict, screening.grade, float(screening.esg_score),
                    {s.sdg: float(s.score) for s in screening.sdg_scores},
                    {k: tuple(sorted(v)) for k, v in findings.items()},
                    {k: tuple(sorted(v, key=repr)) for k, v in params.items()},
                    {k: tuple(sorted(v)) for k, v in outcomes.items()})


# --- rule and parameter changes ------------------------------------------------------------------------------------

def _canon(node: Any) -> Any:
    """A condition tree without source lines, so moving a rule in its file is not a change."""
    if node is None:
        return None
    if hasattr(node, "items") and hasattr(node, "kind"):
        return (node.kind, tuple(_canon(i) for i in node.items))
    return ("fact", node.fact, node.alias, node.tests)


def _rule_fields(rule: Any) -> dict[str, Any]:
    return {"condition": (_canon(rule.when), _canon(rule.applies_if)),
            "effect": rule.then.model_dump(mode="json", by_alias=True, exclude_none=True),
            "title": rule.title, "reference": rule.reference.id,
            "effective": rule.effective.model_dump(mode="json") if rule.effective else None}


def rule_changes(old_book: Any, new_book: Any, old_as_of: date, new_as_of: date) -> list[RuleChange]:
    old = {r.id: r for r in old_book.rules}
    new = {r.id: r for r in new_book.rules}
    out: list[RuleChange] = []
    for rule_id in sorted(old.keys() | new.keys()):
        a, b = old.get(rule_id), new.get(rule_id)
        if a is None or b is None:
            rule = b or a
            assert rule is not None
            out.append(RuleChange(rule_id=rule_id, ruleset=rule.ruleset.name, title=rule.title,
                                  change="added" if a is None else "removed"))
            continue
        fa, fb = _rule_fields(a), _rule_fields(b)
        changed = [k for k in fa if fa[k] != fb[k]]
        if changed:
            detail = f"effect {fa['effect']} -> {fb['effect']}" if "effect" in changed else None
            out.append(RuleChange(rule_id=rule_id, ruleset=b.ruleset.name, title=b.title, change="changed",
                                  fields=changed, detail=detail))
        elif a.active(old_as_of) != b.active(new_as_of):
            out.append(RuleChange(rule_id=rule_id, ruleset=b.ruleset.name, title=b.title,
                                  change="activated" if b.active(new_as_of) else "deactivated",
                                  detail=f"in force at {new_as_of}" if b.active(new_as_of) else
                                  f"not in force at {new_as_of}"))
    return out


def param_changes(old_book: Any, new_book: Any, old_as_of: date, new_as_of: date) -> list[ParamChange]:
    def params(book: Any) -> dict[tuple[str, str], Parameter]:
        return {(rs.name, name): p for rs in book.rulesets for name, p in rs.parameters.items()}

    def users(book: Any) -> dict[tuple[str, str], list[str]]:
        found: dict[tuple[str, str], list[str]] = {}
        for rule in book.rules:
            for name in rule.params:
                found.setdefault((rule.ruleset.name, name), []).append(rule.id)
        return found

    old, new = params(old_book), params(new_book)
    used = users(old_book)
    for key, ids in users(new_book).items():
        used[key] = sorted(set(used.get(key, [])) | set(ids))
    out: list[ParamChange] = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key), new.get(key)
        in_a = _in_force(a, old_as_of)
        in_b = _in_force(b, new_as_of)
        history = _history(a, b)
        if a is not None and b is not None and not history and in_a == in_b:
            continue
        change: ParamChangeKind = "added" if a is None else "removed" if b is None else "changed"
        either = b if b is not None else a
        assert either is not None  # the key came from one of the two sides
        unit = either.unit
        out.append(ParamChange(ruleset=key[0], name=key[1], unit=unit, change=change, old_in_force=in_a,
                               new_in_force=in_b, history=history, rules=sorted(used.get(key, []))))
    return out


def _in_force(param: Parameter | None, as_of: date) -> DatedValue | None:
    found = param.at(as_of) if param is not None else None
    return DatedValue(effective_from=found[0], value=found[1]) if found else None


def _history(a: Parameter | None, b: Parameter | None) -> list[str]:
    va = dict(a.values) if a is not None else {}
    vb = dict(b.values) if b is not None else {}
    out = []
    for when in sorted(va.keys() | vb.keys()):
        if when not in vb:
            out.append(f"{when}: removed {va[when]!r}")
        elif when not in va:
            out.append(f"{when}: added {vb[when]!r}")
        elif va[when] != vb[when] or type(va[when]) is not type(vb[when]):
            out.append(f"{when}: {va[when]!r} -> {vb[when]!r}")
    return out


# --- deals ---------------------------------------------------------------------------------------------------------

def _deal_change(deal: str, a: Snapshot, b: Snapshot, rules: dict[str, RuleChange],
                 params: list[ParamChange], scoring_changed: bool) -> DealChange | None:
    sdg = [SDGDelta(sdg=g, old=a.sdg.get(g, 0.0), new=b.sdg.get(g, 0.0), delta=round(b.sdg.get(g, 0.0) -
                                                                                    a.sdg.get(g, 0.0), 6))
           for g in sorted(a.sdg.keys() | b.sdg.keys()) if abs(b.sdg.get(g, 0.0) - a.sdg.get(g, 0.0)) > EPS]
    moved = a.verdict != b.verdict or a.grade != b.grade or abs(a.esg_score - b.esg_score) > EPS or sdg
    if not moved:
        return None
    added, removed, touched = [], [], []
    for rule_id in sorted(a.findings.keys() | b.findings.keys()):
        fa, fb = Counter(a.findings.get(rule_id, ())), Counter(b.findings.get(rule_id, ()))
        added += [f"{rule_id} ({label})" for label in sorted((fb - fa).elements())]
        removed += [f"{rule_id} ({label})" for label in sorted((fa - fb).elements())]
        # A cause is a rule whose findings changed; a parameter the rule used that moved while its findings
        # stayed the same (a 10 % -> 5 % threshold on a 40 % share) did not move the deal.
        if a.outcomes.get(rule_id, ()) != b.outcomes.get(rule_id, ()):
            touched.append(rule_id)
    causes = [_cause(rule_id, a, b, rules, params) for rule_id in touched]
    if not causes:
        kind: CauseKind = "scoring" if scoring_changed else "unexplained"
        detail = ("the scoring configuration (rulesets/scoring/) changed" if scoring_changed else
                  "no finding changed; the move comes from inputs outside the rule files")
        causes = [Cause(rule_id="", kind=kind, detail=detail)]
    return DealChange(deal=deal, name=b.name, verdict_old=a.verdict, verdict_new=b.verdict, grade_old=a.grade,
                      grade_new=b.grade, esg_old=a.esg_score, esg_new=b.esg_score,
                      esg_delta=round(b.esg_score - a.esg_score, 6), sdg=sdg, findings_added=added,
                      findings_removed=removed, causes=causes)


def _cause(rule_id: str, a: Snapshot, b: Snapshot, rules: dict[str, RuleChange], params: list[ParamChange]) -> Cause:
    change = rules.get(rule_id)
    if change is not None:
        detail = change.title + (f": {', '.join(change.fields)} changed" if change.fields else "")
        return Cause(rule_id=rule_id, kind=_RULE_CAUSE[change.change], detail=detail)
    used_a = {name: (value, since) for name, value, since in a.params.get(rule_id, ())}
    used_b = {name: (value, since) for name, value, since in b.params.get(rule_id, ())}
    moved = [f"${n} {used_a[n][0]!r} (from {used_a[n][1]}) -> {used_b[n][0]!r} (from {used_b[n][1]})"
             for n in sorted(used_a.keys() & used_b.keys()) if used_a[n] != used_b[n]]
    for p in params:  # a parameter the rule uses, whose value in force changed (the finding may be gone on one side)
        if rule_id in p.rules and p.in_force_changed:
            text = f"${p.name} {_show(p.old_in_force)} -> {_show(p.new_in_force)}"
            if not any(m.startswith(f"${p.name} ") for m in moved):
                moved.append(text)
    if moved:
        return Cause(rule_id=rule_id, kind="parameter", detail="; ".join(moved))
    return Cause(rule_id=rule_id, kind="unexplained",
                 detail="the rule did not change; its findings moved with other facts (e.g. valuation at the date)")


def _show(value: DatedValue | None) -> str:
    return "(none)" if value is None else f"{value.value!r} (from {value.effective_from})"


def _scoring_hash(root: Path) -> str:
    folder = root / "scoring"
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.y*ml")) if folder.is_dir() else []:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def diff_rulesets(old_dir: str | Path | None, new_dir: str | Path | None, portfolio: str | Path, *,
                  old_as_of: date, new_as_of: date, workers: int = 1,
                  progress: Progress | None = None) -> RulesetDiff:
    """Screen ``portfolio`` on both sides and explain every deal that moves."""
    from engine.rules import DEFAULT_ROOT, load_rulebook

    old_root = Path(old_dir) if old_dir else DEFAULT_ROOT
    new_root = Path(new_dir) if new_dir else DEFAULT_ROOT
    old_book, new_book = load_rulebook(old_root), load_rulebook(new_root)
    rules = rule_changes(old_book, new_book, old_as_of, new_as_of)
    params = param_changes(old_book, new_book, old_as_of, new_as_of)
    scoring_changed = _scoring_hash(old_root) != _scoring_hash(new_root)
    items = list_items(portfolio)
    before = run_batch(portfolio, rulesets_dir=old_root, as_of=old_as_of, workers=workers, progress=progress,
                       detail=snapshot, items=items)
    after = run_batch(portfolio, rulesets_dir=new_root, as_of=new_as_of, workers=workers, progress=progress,
                      detail=snapshot, items=items)
    by_rule = {r.rule_id: r for r in rules}
    deals = [change for deal in sorted(before.details.keys() & after.details.keys())
             if (change := _deal_change(deal, before.details[deal], after.details[deal], by_rule, params,
                                        scoring_changed)) is not None]
    failed = sorted({_failure(row) for result in (before, after) for row in result.errors.to_dict("records")})
    return RulesetDiff(
        old=DiffSide(rules_dir=str(old_root), as_of=old_as_of, hash=old_book.hash),
        new=DiffSide(rules_dir=str(new_root), as_of=new_as_of, hash=new_book.hash),
        scoring_changed=scoring_changed, rules=rules, parameters=params, deals=deals, failed=failed,
        summary=_summary(rules, params, deals, len(before.details.keys() & after.details.keys()), len(items)),
    )


def _failure(row: dict[str, Any]) -> str:
    line = row["line"]
    where = row["source"] if line is None or line != line or str(line) == "<NA>" else f"{row['source']}:{line}"
    return f"{where}: {row['reason']} [{row['code']}]"


def _summary(rules: list[RuleChange], params: list[ParamChange], deals: list[DealChange], screened: int,
             total: int) -> DiffSummary:
    kinds = Counter(r.change for r in rules)
    verdicts = Counter(f"{d.verdict_old} -> {d.verdict_new}" for d in deals if d.verdict_old != d.verdict_new)
    return DiffSummary(
        rules_added=kinds["added"], rules_removed=kinds["removed"],
        rules_changed=kinds["changed"] + kinds["activated"] + kinds["deactivated"],
        parameters_changed=len(params), deals_screened=screened, deals_failed=total - screened,
        deals_changed=len(deals), verdict_changes=dict(sorted(verdicts.items())),
        grades_up=sum(1 for d in deals if d.grade_new < d.grade_old),  # "A" < "B": a lower letter is better
        grades_down=sum(1 for d in deals if d.grade_new > d.grade_old),
        sdg_scores_up=sum(1 for d in deals for s in d.sdg if s.delta > 0),
        sdg_scores_down=sum(1 for d in deals for s in d.sdg if s.delta < 0),
    )
