"""A loaded, checked set of rule files, and evaluating facts against it.

A RuleBook is immutable once built. Compiled durable_rules definitions are made
lazily per *parameter signature* (which rules are in force and which parameter
values hold at an as_of), so a book serves every as_of without recompiling.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

from engine import errors
from engine.errors import InputError, Problem
from engine.models.findings import Finding, ParamUse
from engine.rules import durable, effects
from engine.rules import evaluator as ev
from engine.rules.compiler import SESSION_FACT, Plan, compile_plan, encode, field_name
from engine.rules.conditions import Conj
from engine.rules.loader import Catalogue, Loaded, Rule, RulesetInfo
from engine.rules.vocabulary import check_facts

Engine = Literal["durable", "python"]
Signature = tuple[tuple[str, ...], tuple[tuple[str, str, Any], ...]]


class RuleBook:
    """Rules, rule sets and the SDG catalogue of one rules directory."""

    def __init__(self, loaded: Loaded, root: Path):
        self.root = root
        self.hash = loaded.hash
        self.rulesets: tuple[RulesetInfo, ...] = loaded.rulesets
        self.catalogue: Catalogue | None = loaded.catalogue
        self.files = loaded.files
        self._rules = {rule.id: rule for rule in loaded.rules}
        self._plans: dict[Signature, Plan] = {}
        self._at: dict[date, tuple[Signature, dict[str, list[ParamUse]]]] = {}
        self._lock = threading.Lock()
        self._retired = False

    def __getstate__(self) -> dict[str, Any]:
        """What the disk cache keeps: the checked rules, not compiled plans (durable_rules state) or the lock."""
        state = dict(self.__dict__)
        for key in ("_plans", "_at", "_lock", "_retired"):
            del state[key]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._plans = {}
        self._at = {}
        self._lock = threading.Lock()
        self._retired = False

    @property
    def rules(self) -> list[Rule]:
        return list(self._rules.values())

    def rule(self, rule_id: str) -> Rule:
        try:
            return self._rules[rule_id]
        except KeyError:
            raise InputError([Problem(errors.INVALID_VALUE, f"no rule {rule_id!r}", str(self.root),
                                      hint="ipsdg rules check lists the rule sets; ids are case-sensitive")]) from None

    # --- parameters at a date ---------------------------------------------------

    def _signature(self, as_of: date) -> tuple[Signature, dict[str, list[ParamUse]]]:
        cached = self._at.get(as_of)
        if cached is not None:
            return cached
        active = [r for r in self._rules.values() if r.active(as_of)]
        problems: list[Problem] = []
        used: dict[str, list[ParamUse]] = {}
        values: dict[tuple[str, str], Any] = {}
        for rule in active:
            uses = []
            for name in rule.params:
                param = rule.ruleset.parameters[name]
                found = param.at(as_of)
                if found is None:
                    first = param.values[0][0]
                    problems.append(Problem(errors.PARAMETER_NOT_IN_FORCE, f"parameter {name!r} has no value in force "
                                            f"on {as_of} (its first value is dated {first}); rule {rule.id} uses it",
                                            param.path, param.line, ("parameters", name)))
                    continue
                values[(rule.ruleset.name, name)] = found[1]
                uses.append(ParamUse(name=name, value=found[1], unit=param.unit, effective_from=found[0],
                                     reference=param.reference))
            used[rule.id] = uses
        errors.raise_if(errors.sort_problems(list({str(p): p for p in problems}.values())))
        sig: Signature = (tuple(r.id for r in active),
                          tuple(sorted((k[0], k[1], repr(v)) for k, v in values.items())))
        self._at[as_of] = (sig, used)
        return sig, used

    def _plan(self, sig: Signature, as_of: date) -> Plan:
        plan = self._plans.get(sig)
        if plan is None:
            with self._lock:
                plan = self._plans.get(sig)
                if plan is None:
                    active = [self._rules[rid] for rid in sig[0]]
                    values: dict[tuple[str, str], Any] = {}
                    for rule in active:
                        for name in rule.params:
                            found = rule.ruleset.parameters[name].at(as_of)
                            assert found is not None
                            values[(rule.ruleset.name, name)] = found[1]
                    plan = compile_plan(active, values, self.hash)
                    self._plans[sig] = plan
        return plan

    # --- evaluation -------------------------------------------------------------

    def evaluate(self, facts: Sequence[Mapping[str, Any]], as_of: date, *,
                 engine: Engine = "durable") -> list[Finding]:
        """Findings for ``facts`` at ``as_of``, sorted; ``engine="python"`` uses the reference evaluator."""
        clean, bad = check_facts([dict(f) for f in facts])
        if bad:
            raise InputError([Problem(errors.BAD_FACT, message, "<facts>") for message in bad])
        sig, used = self._signature(as_of)
        plan = self._plan(sig, as_of)
        if engine == "durable":
            hits = self._durable(plan, clean)
        else:
            hits = {key: ev.positive_bindings(slot.conj, clean) for key, slot in plan.slots.items()}
        when: dict[str, list[tuple[Conj, ev.Binding]]] = {}
        applies: dict[str, list[tuple[Conj, ev.Binding]]] = {}
        for key, bindings in hits.items():
            slot = plan.slots[key]
            target = applies if slot.applies else when
            kept = [(slot.conj, b) for b in bindings if ev.negatives_hold(slot.conj, b, clean)]
            if kept:
                target.setdefault(slot.rule.id, []).extend(kept)
        findings: list[Finding] = []
        for rid in sig[0]:
            rule = self._rules[rid]
            if rid not in when and rule.then.require is None:
                continue  # nothing matched: no finding (only require rules report an absence)
            rule_applies = applies.get(rid, []) if rule.applies is not None else None
            findings.extend(effects.build(rule, when.get(rid, []), rule_applies, clean, used[rid], as_of))
        return sorted(findings, key=Finding.sort_key)

    def _durable(self, plan: Plan, facts: list[dict[str, Any]]) -> dict[str, list[ev.Binding]]:
        encoded = []
        for fact in facts:
            out: dict[str, Any] = {}
            for key, value in fact.items():
                if not isinstance(value, list):  # list fields are only tested through derived keys
                    out[field_name(key)] = encode(value)
            for holds, key in plan.predicates.get(str(fact["t"]), ()):
                if holds(fact):
                    out[key] = 1
            encoded.append(out)
        # the session fact goes first: it makes every session "handled" (see compiler)
        encoded.insert(0, {"t": encode(SESSION_FACT)})
        hits: dict[str, list[ev.Binding]] = {key: [] for key in plan.slots}
        for _name, key, binding in durable.run(list(plan.definitions), encoded, plan.definitions):
            if key in hits:
                hits[key].append(tuple(i - 1 for i in binding if i != 0))
        if self._retired:  # a reload swapped this book out while it was evaluating
            durable.unregister(plan.definitions)
        return hits

    def retire(self) -> None:
        """Free the durable_rules rulesets of this book (it can still evaluate: they come back and go)."""
        self._retired = True
        for plan in list(self._plans.values()):
            durable.unregister(plan.definitions)

    def explain(self, rule_id: str, facts: Sequence[Mapping[str, Any]] | None, as_of: date) -> str:
        from engine.rules.explain import explain

        return explain(self, self.rule(rule_id), facts, as_of)
