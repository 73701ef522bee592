"""Rules (with parameters resolved at one as_of) -> durable_rules ruleset definitions, as data.

What durable_rules evaluates natively: the fact type discriminator, eq/ne/gt/gte/
lt/lte/in/not_in/exists on scalar fields, and joins (``@name.field``) between the
positive patterns of a conjunction. What it cannot express soundly is computed
in Python instead, and we say so here because the differential test shares it:

- *derived tests* -- ``prefix``, ``matches``, ``any``/``all`` and ``exists`` on list
  fields, and comparisons with a float constant that JSON would write in exponent
  form (durable_rules rejects ``1e-05``). The compiler gives each distinct one a
  key ``_dN``; the adapter sets that key on a fact when the test holds (via the
  evaluator's own test function) and the rule tests ``$ex``;
- ``none`` patterns -- durable_rules' ``$not`` fires before later facts of a batch
  arrive (measured: a KPI with an allocation in its category still fired), so
  negative patterns are checked in Python on each firing (evaluator.negatives_hold).

Every pattern starts with a positive ``t == <type>``; a conjunction with only
``none`` patterns matches the ``ipsdg_session`` fact asserted first in every
session. Every ruleset also gets a rule matching that fact: measured here,
``delete_state`` segfaults on a session in which no fact was ever handled (a
deal whose one allocation matches no rule). Rule sets are split at 200 rules
(creation hangs near 512).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.rules.conditions import Conj, Pattern, Ref, Test, resolve
from engine.rules.evaluator import fact_test
from engine.rules.loader import Rule

MAX_RULES_PER_RULESET = 200  # including the session rule
SESSION_RULE = "session"
SESSION_FACT = "ipsdg_session"
_OPS = {"ne": "$neq", "gt": "$gt", "gte": "$gte", "lt": "$lt", "lte": "$lte"}


def field_name(field: str) -> str:
    """Fact property name inside durable_rules: ``id`` belongs to the engine."""
    return "xid" if field == "id" else field


def encode(value: Any) -> Any:
    """Strings get a leading quote so durable_rules never reads ``"0.9"`` as a number."""
    return "'" + value if isinstance(value, str) else value


def exponent_form(value: Any) -> bool:
    return isinstance(value, float) and "e" in json.dumps(value)


@dataclass(frozen=True)
class Slot:
    """What a durable rule key stands for."""

    rule: Rule
    conj: Conj  # resolved
    applies: bool  # True: the rule's applies_if, False: its when


@dataclass
class Plan:
    """Compiled definitions for one book at one parameter signature."""

    key: str
    definitions: dict[str, dict[str, Any]]  # durable ruleset name -> definition
    slots: dict[str, Slot]
    derived: dict[str, list[tuple[Test, str]]] = field(default_factory=dict)  # fact type -> (test, key)

    def __post_init__(self) -> None:
        self.predicates = {kind: [(fact_test(t), key) for t, key in tests] for kind, tests in self.derived.items()}


class _Derived:
    def __init__(self) -> None:
        self.keys: dict[tuple[str, Test], str] = {}
        self.by_fact: dict[str, list[tuple[Test, str]]] = {}

    def key(self, fact: str, test: Test) -> str:
        found = self.keys.get((fact, test))
        if found is None:
            found = self.keys[(fact, test)] = f"_d{len(self.keys)}"
            self.by_fact.setdefault(fact, []).append((test, found))
        return found


def _is_derived(test: Test) -> bool:
    if test.ftype.startswith("list_") or test.op in ("prefix", "matches", "any", "all"):
        return True
    values = test.value if isinstance(test.value, tuple) else (test.value,)
    return any(exponent_form(v) for v in values)


def _test(fact: str, test: Test, aliases: Mapping[str, str], derived: _Derived) -> dict[str, Any]:
    name = field_name(test.field)
    if _is_derived(test):
        return {"$ex": {derived.key(fact, test): 1}}
    if test.op == "exists":
        return {"$ex" if test.value else "$nex": {name: 1}}
    if test.op in ("in", "not_in"):
        parts = [{name: encode(v)} if test.op == "in" else {"$neq": {name: encode(v)}} for v in test.value]
        return parts[0] if len(parts) == 1 else {"$or" if test.op == "in" else "$and": parts}
    value: Any = encode(test.value)
    if isinstance(test.value, Ref):  # join: compare with a field of an earlier pattern's fact
        value = {aliases[test.value.name]: field_name(test.value.field)}
    if test.op == "eq":
        return {name: value}
    return {_OPS[test.op]: {name: value}}


def pattern_expr(pattern: Pattern, aliases: Mapping[str, str], derived: _Derived) -> dict[str, Any]:
    parts = [{"t": encode(pattern.fact)}, *(_test(pattern.fact, t, aliases, derived) for t in pattern.tests)]
    return parts[0] if len(parts) == 1 else {"$and": parts}


def conj_definition(conj: Conj, derived: _Derived) -> dict[str, Any]:
    if not conj.positive:
        return {"all": [{"p0": {"t": encode(SESSION_FACT)}}]}
    aliases: dict[str, str] = {}
    items = []
    for k, pattern in enumerate(conj.positive):
        items.append({f"p{k}": pattern_expr(pattern, aliases, derived)})
        if pattern.alias:
            aliases[pattern.alias] = f"p{k}"
    return {"all": items}


def compile_plan(rules: list[Rule], values: Mapping[tuple[str, str], Any], book_hash: str) -> Plan:
    """Definitions for the active ``rules`` with parameter ``values`` keyed by (ruleset, name)."""
    derived = _Derived()
    slots: dict[str, Slot] = {}
    bodies: list[tuple[str, dict[str, Any]]] = []
    for rule in rules:
        vals = {name: values[(rule.ruleset.name, name)] for name in rule.params}
        groups = [(c, False) for c in rule.conjs] + [(c, True) for c in rule.applies or ()]
        for conj, applies in groups:
            resolved = Conj(tuple(resolve(p, vals) for p in conj.positive),
                            tuple(resolve(p, vals) for p in conj.negative))
            key = f"r{len(slots)}"
            slots[key] = Slot(rule, resolved, applies)
            bodies.append((key, conj_definition(resolved, derived)))
    text = json.dumps([b for _, b in bodies], sort_keys=True, default=str)
    digest = hashlib.sha256(f"{book_hash}\n{text}".encode()).hexdigest()[:12]
    definitions: dict[str, dict[str, Any]] = {}
    per = MAX_RULES_PER_RULESET - 1
    for start in range(0, len(bodies), per):
        chunk = bodies[start:start + per]
        name = f"ipsdg{start // per}@{digest}"
        definitions[name] = {key: {**body, "run": key} for key, body in chunk}
        definitions[name][SESSION_RULE] = {"all": [{"p0": {"t": encode(SESSION_FACT)}}], "run": SESSION_RULE}
    return Plan(digest, definitions, slots, derived.by_fact)
