"""The condition tree of a rule: parsed from YAML with located problems, then put in DNF.

Both back ends read this one tree: the durable_rules compiler and the pure-Python
evaluator. Parsing is hand-written rather than a pydantic model because the keys
of a fact pattern are the fact's own field names, checked against the vocabulary.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from engine import errors
from engine.errors import Problem
from engine.rules.vocabulary import COMPARE_OPS, FACT_TYPES, OPERATORS, ORDER_OPS, field_type, value_fits

Loc = tuple[str | int, ...]
GroupKind = Literal["all", "any", "none"]
GROUP_KINDS: tuple[GroupKind, ...] = ("all", "any", "none")
MAX_CONJUNCTIONS = 64  # a rule whose any/all nesting expands further is a sign it should be split


@dataclass(frozen=True)
class Ref:
    """``$param`` (resolved at as_of) or ``@name.field`` (a join to a fact bound with ``as:``)."""

    kind: Literal["param", "join"]
    name: str
    field: str = ""


@dataclass(frozen=True)
class Test:
    """One operator on one field. For ``any``/``all`` the value is a tuple of element tests."""

    field: str
    op: str
    value: Any
    ftype: str


@dataclass(frozen=True)
class Pattern:
    fact: str
    alias: str | None
    tests: tuple[Test, ...]
    line: int | None
    loc: Loc = ()


@dataclass(frozen=True)
class Group:
    kind: GroupKind
    items: tuple[Node, ...]
    line: int | None
    loc: Loc = ()


Node = Pattern | Group


@dataclass(frozen=True)
class Conj:
    """One DNF branch: patterns that must match distinct facts, and patterns no fact may match."""

    positive: tuple[Pattern, ...]
    negative: tuple[Pattern, ...]


class Parser:
    """Collects every problem of one condition tree instead of stopping at the first."""

    def __init__(self, path: str, line_for: Callable[[Loc], int | None], params: Mapping[str, list[Any]]):
        self.path = path
        self.line_for = line_for
        self.params = params  # name -> every dated value, to check its type against the field
        self.problems: list[Problem] = []

    def _err(self, code: str, message: str, loc: Loc, choices: tuple[str, ...] = (), hint: str | None = None) -> None:
        self.problems.append(Problem(code, message, self.path, self.line_for(loc), loc, choices, hint))

    def node(self, data: Any, loc: Loc) -> Node | None:
        if not isinstance(data, dict):
            self._err(errors.WRONG_TYPE, "a condition is a mapping: a group (all/any/none) or a fact pattern", loc)
            return None
        groups = [k for k in GROUP_KINDS if k in data]
        if groups:
            if len(data) != 1:
                extra = sorted(str(k) for k in data if k not in groups[:1])
                self._err(errors.UNKNOWN_KEY, f"a group holds only its list; unexpected {', '.join(extra)}", loc,
                          ("all", "any", "none"))
                return None
            kind = groups[0]
            items = data[kind]
            if not isinstance(items, list) or not items:
                self._err(errors.WRONG_TYPE, f"'{kind}' takes a non-empty list of conditions", (*loc, kind))
                return None
            parsed = [self.node(item, (*loc, kind, i)) for i, item in enumerate(items)]
            if kind == "none":
                for i, item in enumerate(parsed):
                    if isinstance(item, Group):
                        self._err(errors.INVALID_VALUE, "'none' lists fact patterns, not groups", (*loc, kind, i))
            if any(p is None for p in parsed):
                return None
            return Group(kind, tuple(p for p in parsed if p is not None), self.line_for(loc), loc)
        if "fact" not in data:
            self._err(errors.MISSING_FIELD, "a condition needs 'fact: <type>' or a group all/any/none", loc,
                      ("all", "any", "none", "fact"))
            return None
        return self.pattern(data, loc)

    def pattern(self, data: dict[str, Any], loc: Loc) -> Pattern | None:
        fact = data["fact"]
        if fact not in FACT_TYPES:
            self._err(errors.UNKNOWN_FACT, f"unknown fact type {fact!r}", (*loc, "fact"), tuple(sorted(FACT_TYPES)))
            return None
        alias = data.get("as")
        if alias is not None and not (isinstance(alias, str) and re.fullmatch(r"[a-z][a-z0-9_]*", alias)):
            self._err(errors.INVALID_VALUE, f"'as' must be a lowercase name, got {alias!r}", (*loc, "as"))
        tests: list[Test] = []
        ok = True
        for key, spec in data.items():
            if key in ("fact", "as"):
                continue
            ftype = field_type(fact, key)
            if ftype is None:
                self._err(errors.UNKNOWN_FIELD, f"fact {fact!r} has no field {key!r}", (*loc, key),
                          tuple(sorted(FACT_TYPES[fact])))
                ok = False
                continue
            found = self.field_tests(key, ftype, spec, (*loc, key))
            ok = ok and found is not None
            tests.extend(found or [])
        if not ok:
            return None
        return Pattern(fact, alias, tuple(tests), self.line_for(loc), loc)

    def field_tests(self, field: str, ftype: str, spec: Any, loc: Loc, element: bool = False) -> list[Test] | None:
        if not isinstance(spec, dict):
            spec = {"eq": spec}
        out: list[Test] = []
        for op, value in spec.items():
            if op not in OPERATORS:
                self._err(errors.UNKNOWN_OPERATOR, f"unknown operator {op!r}", (*loc, op), OPERATORS)
                return None
            test = self.one_test(field, ftype, op, value, (*loc, op), element)
            if test is None:
                return None
            out.append(test)
        return out

    def one_test(self, field: str, ftype: str, op: str, value: Any, loc: Loc, element: bool) -> Test | None:
        is_list = ftype.startswith("list_")
        base = ftype.removeprefix("list_")
        if op == "exists":
            if element or not isinstance(value, bool):
                self._err(errors.WRONG_TYPE, "'exists' takes true or false (not inside any/all)", loc)
                return None
            return Test(field, op, value, ftype)
        if op in ("any", "all"):
            if not is_list or element:
                self._err(errors.INVALID_VALUE, f"'{op}' tests the items of a list field; {field!r} is a {ftype}",
                          loc)
                return None
            inner = self.field_tests("", base, value, loc, element=True)
            return None if inner is None else Test(field, op, tuple(inner), ftype)
        if is_list and op != "prefix" and not element:
            self._err(errors.INVALID_VALUE, f"{field!r} is a list: use any/all/prefix/exists on it", loc,
                      ("any", "all", "prefix", "exists"))
            return None
        if op in ("prefix", "matches"):
            if base != "str":
                self._err(errors.INVALID_VALUE, f"'{op}' works on text fields; {field or 'the item'} is {base}", loc)
                return None
            values = value if isinstance(value, list) and op == "prefix" else [value]
            if not values or not all(isinstance(v, str) and v for v in values):
                wanted = "text or a list of text" if op == "prefix" else "a regex"
                self._err(errors.WRONG_TYPE, f"'{op}' takes {wanted}", loc)
                return None
            if op == "matches":
                try:
                    re.compile(value)
                except re.error as exc:
                    self._err(errors.INVALID_VALUE, f"invalid regular expression: {exc}", loc)
                    return None
            if is_list:  # prefix on a list field: any element starts with one of them
                return Test(field, "any", (Test("", "prefix", tuple(values), base),), ftype)
            return Test(field, op, tuple(values) if op == "prefix" else value, ftype)
        if op in ("in", "not_in"):
            if not isinstance(value, list) or not value:
                self._err(errors.WRONG_TYPE, f"'{op}' takes a non-empty list", loc)
                return None
            bad = [v for v in value if not value_fits(base, v)]
            if bad:
                self._err(errors.WRONG_TYPE, f"{bad[0]!r} is not a {base} like the field", loc)
                return None
            return Test(field, op, tuple(value), base if element else ftype)
        assert op in COMPARE_OPS
        if op in ORDER_OPS and base != "num":
            self._err(errors.INVALID_VALUE, f"'{op}' compares numbers; {field or 'the item'} is {base}", loc)
            return None
        ref = self.ref(value, base, loc, allow_join=not element)
        if ref is False:
            return None
        if ref is None and not value_fits(base, value):
            hint = "quote numbers that are codes, e.g. \"7.2\"" if base == "str" else None
            self._err(errors.WRONG_TYPE, f"{value!r} does not fit a {base} field", loc, hint=hint)
            return None
        return Test(field, op, ref if ref is not None else value, ftype)

    def ref(self, value: Any, base: str, loc: Loc, allow_join: bool) -> Ref | None | Literal[False]:
        """Parse ``$param`` / ``@name.field``; None for a plain value, False after a problem."""
        if not isinstance(value, str) or value[:1] not in ("$", "@"):
            return None
        if value.startswith("$"):
            name = value[1:]
            if name not in self.params:
                self._err(errors.UNDEFINED_PARAMETER, f"parameter {name!r} is not defined in this file", loc,
                          tuple(sorted(self.params)))
                return False
            bad = [v for v in self.params[name] if not value_fits(base, v)]
            if bad:
                self._err(errors.WRONG_TYPE, f"parameter {name!r} has value {bad[0]!r}, not a {base}", loc)
                return False
            return Ref("param", name)
        m = re.fullmatch(r"@([a-z][a-z0-9_]*)\.([a-z_]+)", value)
        if not m or not allow_join:
            self._err(errors.INVALID_VALUE, f"{value!r}: a join is written @name.field (not inside any/all)", loc)
            return False
        return Ref("join", m.group(1), m.group(2))


def dnf(node: Node) -> list[Conj]:
    """Expand to a disjunction of conjunctions; ``none`` patterns become negative items."""
    if isinstance(node, Pattern):
        return [Conj((node,), ())]
    if node.kind == "none":
        return [Conj((), tuple(p for p in node.items if isinstance(p, Pattern)))]
    parts = [dnf(item) for item in node.items]
    if node.kind == "any":
        return [c for part in parts for c in part]
    out: list[Conj] = []
    for combo in itertools.product(*parts):
        out.append(Conj(tuple(p for c in combo for p in c.positive), tuple(p for c in combo for p in c.negative)))
    return out


def check_joins(conjs: list[Conj], fact_of: Callable[[Pattern], str]) -> list[tuple[Loc, str]]:
    """Every ``@name.field`` must name a fact bound earlier (by a positive pattern) with that field."""
    issues: list[tuple[Loc, str]] = []
    for conj in conjs:
        bound: dict[str, str] = {}
        for pattern in (*conj.positive, *conj.negative):
            for test in pattern.tests:
                if isinstance(test.value, Ref) and test.value.kind == "join":
                    ref = test.value
                    if ref.name not in bound:
                        issues.append(((*pattern.loc, test.field),
                                       f"@{ref.name} is not bound by an earlier pattern (as: {ref.name})"))
                    elif field_type(bound[ref.name], ref.field) is None:
                        issues.append(((*pattern.loc, test.field),
                                       f"fact {bound[ref.name]!r} bound as {ref.name!r} has no field {ref.field!r}"))
                    elif field_type(bound[ref.name], ref.field) != test.ftype:
                        issues.append(((*pattern.loc, test.field),
                                       f"@{ref.name}.{ref.field} is not a {test.ftype} like {test.field!r}"))
            if pattern.alias and pattern in conj.positive:
                bound[pattern.alias] = fact_of(pattern)
    return issues


def params_of(node: Node | None) -> set[str]:
    if node is None:
        return set()
    if isinstance(node, Group):
        return set().union(*(params_of(item) for item in node.items))
    return {name for test in node.tests for name in _test_params(test)}


def _test_params(test: Test) -> set[str]:
    if test.op in ("any", "all"):
        return {n for inner in test.value for n in _test_params(inner)}
    return {test.value.name} if isinstance(test.value, Ref) and test.value.kind == "param" else set()


def resolve(pattern: Pattern, values: Mapping[str, Any]) -> Pattern:
    """The pattern with every ``$param`` replaced by its value in force."""
    return replace(pattern, tests=tuple(_resolve_test(t, values) for t in pattern.tests))


def _resolve_test(test: Test, values: Mapping[str, Any]) -> Test:
    if test.op in ("any", "all"):
        return replace(test, value=tuple(_resolve_test(t, values) for t in test.value))
    if isinstance(test.value, Ref) and test.value.kind == "param":
        return replace(test, value=values[test.value.name])
    return test
