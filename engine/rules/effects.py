"""From the fact bindings of one rule to its findings (shared by both evaluators).

contribute / flag: one finding per distinct set of matched facts; check: one per
matched metric fact, banded pass / watch / fail; require: one finding, ``met``
when the rule fired, else ``missing`` where ``applies_if`` holds (or always,
without ``applies_if``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, TypedDict

from engine.models.findings import CheckStatus, Effect, Finding, ParamUse, Reference
from engine.rules.conditions import Conj
from engine.rules.evaluator import Binding, names_of
from engine.rules.loader import Rule

_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\.([a-z_]+)\}")


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{int(value):,}" if value.is_integer() and abs(value) < 1e15 else f"{value:,.6g}"
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value)
    return str(value)


def fill(message: str | None, names: Mapping[str, Mapping[str, Any]]) -> str | None:
    """Replace ``{name.field}`` with the bound fact's value (``?`` when it has none)."""
    if message is None:
        return None

    def sub(m: re.Match[str]) -> str:
        value = names.get(m.group(1), {}).get(m.group(2))
        return "?" if value is None else _show(value)

    return _PLACEHOLDER.sub(sub, message)


def _unique(bound: Sequence[tuple[Conj, Binding]]) -> list[tuple[Conj, Binding]]:
    """One binding per distinct fact set; the smallest index tuple wins, so both engines agree."""
    best: dict[tuple[int, ...], tuple[Conj, Binding]] = {}
    for conj, binding in sorted(bound, key=lambda cb: cb[1]):
        best.setdefault(tuple(sorted(binding)), (conj, binding))
    return [best[k] for k in sorted(best)]


class _Common(TypedDict):
    """The fields every finding of a rule shares (typed so ``Finding(**common, ...)`` is checked)."""

    rule_id: str
    ruleset: str
    ruleset_version: str
    ruleset_hash: str
    title: str
    effect: Effect
    reference: Reference
    params: list[ParamUse]
    as_of: date


def build(rule: Rule, bound: Sequence[tuple[Conj, Binding]], applies: Sequence[tuple[Conj, Binding]] | None,
          facts: Sequence[Mapping[str, Any]], params: list[ParamUse], as_of: date) -> list[Finding]:
    then = rule.then
    base: _Common = {
        "rule_id": rule.id, "ruleset": rule.ruleset.name, "ruleset_version": rule.ruleset.version,
        "ruleset_hash": rule.ruleset.hash, "title": rule.title, "effect": rule.effect,
        "reference": rule.reference, "params": params, "as_of": as_of,
    }
    values = {p.name: p.value for p in params}
    out: list[Finding] = []
    if then.require is not None:
        req = then.require
        if bound:
            idx = sorted({i for _, b in bound for i in b})
            out.append(Finding(**base, standard=req.standard, component=req.component, status="met",
                               message=req.message, facts=[dict(facts[i]) for i in idx]))
        elif applies is None or applies:
            idx = sorted({i for _, b in applies or () for i in b})
            out.append(Finding(**base, standard=req.standard, component=req.component, status="missing",
                               message=req.message, facts=[dict(facts[i]) for i in idx]))
        return out
    for conj, binding in _unique(bound):
        names = names_of(conj, binding, facts)
        matched = [dict(facts[i]) for i in binding]
        if then.contribute is not None:
            c = then.contribute
            out.append(Finding(**base, sdg=c.sdg, target=c.target, strength=c.strength, weight=c.weight,
                               facts=matched))
        elif then.flag is not None:
            out.append(Finding(**base, severity=then.flag.severity, message=fill(then.flag.message, names),
                               facts=matched))
        elif then.check is not None:
            chk = then.check
            value = float(names["metric"]["value"])
            pass_at = float(values[chk.pass_[1:]] if isinstance(chk.pass_, str) else chk.pass_)
            watch_at = float(values[chk.watch[1:]] if isinstance(chk.watch, str) else chk.watch)
            status: CheckStatus
            if chk.direction == "higher_is_better":
                status = "pass" if value >= pass_at else "watch" if value >= watch_at else "fail"
            else:
                status = "pass" if value <= pass_at else "watch" if value <= watch_at else "fail"
            out.append(Finding(**base, metric=chk.metric, value=value, direction=chk.direction,
                               pass_threshold=pass_at, watch_threshold=watch_at, status=status,
                               message=fill(chk.message, names), facts=matched))
    return out
