"""Pure-Python evaluation of the condition tree: for `rules explain` and differential tests.

Semantics (durable_rules is compiled to give the same answers):

- a field test fails when the field is missing, except ``exists: false``;
- ``ne`` and ``not_in`` therefore need the field present;
- types are strict: ``1`` never equals ``true``, ``"7.2"`` never equals ``7.2``;
- ``matches`` is ``re.search`` (anchor with ``^``/``$``); ``prefix`` on a list holds when an item starts so;
- ``all`` over an empty list holds; ``any`` over an empty list does not;
- a conjunction binds each positive pattern to a *distinct* fact, in order; every
  combination is a binding (durable_rules fires once per combination too);
- a ``none`` pattern holds when no fact matches it given the bindings so far.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from engine.rules.conditions import Conj, Group, Node, Pattern, Ref, Test

Fact = Mapping[str, Any]
Binding = tuple[int, ...]  # fact index per positive pattern of a conjunction


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "num"
    return type(value).__name__


@lru_cache(maxsize=4096)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def compare(op: str, left: Any, right: Any) -> bool:
    """One scalar operator with strict types."""
    if op in ("in", "not_in"):
        hit = any(compare("eq", left, r) for r in right)
        return hit if op == "in" else not hit
    if op == "prefix":
        return isinstance(left, str) and left.startswith(tuple(right))
    if op == "matches":
        return isinstance(left, str) and _regex(right).search(left) is not None
    if _kind(left) != _kind(right):
        return False
    if op == "eq":
        return bool(left == right)
    if op == "ne":
        return bool(left != right)
    if _kind(left) != "num":
        return False
    return bool({"gt": left > right, "gte": left >= right, "lt": left < right, "lte": left <= right}[op])


def test_holds(test: Test, fact: Fact, joined: Mapping[str, Fact] | None = None) -> bool:
    """Whether ``fact`` passes ``test``; ``joined`` maps ``as:`` names to bound facts."""
    value = fact.get(test.field)
    if test.op == "exists":
        return (value is not None) is test.value
    if value is None:
        return False
    if test.op in ("any", "all"):
        items = (test_element(test.value, item) for item in value)
        return any(items) if test.op == "any" else all(items)
    right = test.value
    if isinstance(right, Ref):
        other = (joined or {}).get(right.name)
        right = None if other is None else other.get(right.field)
        if right is None:
            return False
    return compare(test.op, value, right)


def fact_test(test: Test) -> Any:
    """A fast single-fact predicate for ``test`` (no joins): same answers as ``test_holds``."""
    inner = test.value
    if test.op == "any" and len(inner) == 1 and inner[0].op == "prefix":
        prefixes, field = tuple(inner[0].value), test.field

        def any_prefix(fact: Fact) -> bool:
            items = fact.get(field)
            return items is not None and any(isinstance(i, str) and i.startswith(prefixes) for i in items)

        return any_prefix
    return lambda fact: test_holds(test, fact)


def test_element(tests: Sequence[Test], item: Any) -> bool:
    return all(compare(t.op, item, t.value) for t in tests)


def pattern_holds(pattern: Pattern, fact: Fact, joined: Mapping[str, Fact] | None = None) -> bool:
    return fact.get("t") == pattern.fact and all(test_holds(t, fact, joined) for t in pattern.tests)


def positive_bindings(conj: Conj, facts: Sequence[Fact]) -> list[Binding]:
    """Every ordered choice of distinct facts for the positive patterns (joins checked)."""
    out: list[Binding] = []
    by_type: dict[str, list[int]] = {}
    for i, fact in enumerate(facts):
        by_type.setdefault(str(fact.get("t")), []).append(i)

    def walk(k: int, chosen: list[int], names: dict[str, Fact]) -> None:
        if k == len(conj.positive):
            out.append(tuple(chosen))
            return
        pattern = conj.positive[k]
        for i in by_type.get(pattern.fact, ()):
            if i in chosen or not pattern_holds(pattern, facts[i], names):
                continue
            inner = {**names, pattern.alias: facts[i]} if pattern.alias else names
            walk(k + 1, [*chosen, i], inner)

    walk(0, [], {})
    return out


def names_of(conj: Conj, binding: Binding, facts: Sequence[Fact]) -> dict[str, Fact]:
    return {p.alias: facts[i] for p, i in zip(conj.positive, binding, strict=True) if p.alias}


def negatives_hold(conj: Conj, binding: Binding, facts: Sequence[Fact]) -> bool:
    """``none`` patterns: no fact may match any of them, given the bound names."""
    if not conj.negative:
        return True
    names = names_of(conj, binding, facts)
    return not any(pattern_holds(p, fact, names) for p in conj.negative for fact in facts)


def node_holds(node: Node, facts: Sequence[Fact], names: Mapping[str, Fact] | None = None) -> bool:
    """Whether a (resolved) sub-tree holds on its own; used by explain to say which parts held."""
    if isinstance(node, Pattern):
        return any(pattern_holds(node, f, names) for f in facts)
    results = [node_holds(item, facts, names) for item in node.items]
    if node.kind == "all":
        return all(results)
    if node.kind == "any":
        return any(results)
    return not any(results)


def resolve_node(node: Node, resolve_pattern: Callable[[Pattern], Pattern]) -> Node:
    if isinstance(node, Pattern):
        return resolve_pattern(node)
    return Group(node.kind, tuple(resolve_node(i, resolve_pattern) for i in node.items), node.line, node.loc)
