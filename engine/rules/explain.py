"""``ipsdg rules explain``: a rule, its dated parameters and references, its tests, and why it
did or did not fire for a deal (which conditions held), from the pure-Python evaluator."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from engine.errors import InputError
from engine.rules import evaluator as ev
from engine.rules.book import RuleBook
from engine.rules.conditions import Group, Node, Pattern, Ref, Test, resolve
from engine.rules.loader import Rule
from engine.rules.testing import load_cases, rule_test_files


def _value(value: Any) -> str:
    if isinstance(value, Ref):
        return f"${value.name}" if value.kind == "param" else f"@{value.name}.{value.field}"
    if isinstance(value, tuple):
        return "[" + ", ".join(_value(v) if not isinstance(v, Test) else _test(v) for v in value) + "]"
    return repr(value)


def _test(test: Test) -> str:
    return f"{test.field or 'item'} {test.op} {_value(test.value)}"


def _tree(node: Node, depth: int, facts: Sequence[Mapping[str, Any]] | None, lines: list[str]) -> None:
    pad = "  " * depth
    if isinstance(node, Group):
        held = facts is not None and ev.node_holds(_strip_joins(node), facts)
        state = "" if facts is None else ("  [held]" if held else "  [did not hold]")
        lines.append(f"{pad}{node.kind}:{state}")
        for item in node.items:
            _tree(item, depth + 1, facts, lines)
        return
    named = f" as {node.alias}" if node.alias else ""
    if facts is None:
        lines.append(f"{pad}- {node.fact}{named}: {'; '.join(_test(t) for t in node.tests) or '(any)'}")
        return
    of_type = [f for f in facts if f.get("t") == node.fact]
    matching = [f for f in of_type if ev.pattern_holds(_strip_pattern_joins(node), f)]
    lines.append(f"{pad}- {node.fact}{named}: {len(matching)} of {len(of_type)} {node.fact} facts match")
    for test in node.tests:
        if isinstance(test.value, Ref) and test.value.kind == "join":
            lines.append(f"{pad}    join {_test(test)}  (checked against the bound fact)")
            continue
        passing = sum(1 for f in of_type if ev.test_holds(test, f))
        mark = "ok " if passing else "NO "
        lines.append(f"{pad}    {mark}{_test(test)}  ({passing} of {len(of_type)})")


def _strip_joins(node: Node) -> Node:
    if isinstance(node, Group):
        return Group(node.kind, tuple(_strip_joins(i) for i in node.items), node.line, node.loc)
    return _strip_pattern_joins(node)


def _strip_pattern_joins(node: Pattern) -> Pattern:
    keep = tuple(t for t in node.tests if not (isinstance(t.value, Ref) and t.value.kind == "join"))
    return Pattern(node.fact, node.alias, keep, node.line, node.loc)


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def explain(book: RuleBook, rule: Rule, facts: Sequence[Mapping[str, Any]] | None, as_of: date) -> str:
    lines = [f"{rule.id}: {rule.title}", f"  rule set {rule.ruleset.name} {rule.ruleset.version} "
             f"({rule.ruleset.hash}) {rule.path}:{rule.line}",
             f"  effect: {rule.effect} {rule.then.model_dump(exclude_none=True, by_alias=True)[rule.effect]}",
             f"  reference: {rule.reference.title}" + (f", {rule.reference.edition}" if rule.reference.edition else "")
             + (f" [{rule.reference.kind}: {rule.reference.note}]" if rule.reference.note else "")]
    if rule.effective:
        lines.append(f"  effective: {rule.effective.model_dump(by_alias=True, exclude_none=True)}")
    if not rule.active(as_of):
        lines.append(f"  NOT in force on {as_of}")
    values: dict[str, Any] = {}
    if rule.params:
        lines.append("  parameters:")
    for name in rule.params:
        param = rule.ruleset.parameters[name]
        found = param.at(as_of)
        history = ", ".join(f"{d}: {v}" for d, v in param.values)
        current = f"{found[1]} since {found[0]}" if found else "NO VALUE IN FORCE"
        lines.append(f"    ${name} = {current} ({param.unit}; history {history}; {param.reference.title})")
        if found:
            values[name] = found[1]
    tests = []
    for path in rule_test_files(book.root):
        try:
            cases = load_cases(path)
        except InputError:
            continue
        for case in cases:
            if rule.id in case.test.expect_not or any(e.rule == rule.id for e in case.test.expect):
                tests.append(f"    {_rel(path)}: {case.test.name}")
    lines.append("  tested by:" if tests else "  tested by: no rule test mentions it")
    lines.extend(tests)
    clean = None
    if facts is not None:
        findings = [f for f in book.evaluate(facts, as_of, engine="python") if f.rule_id == rule.id]
        clean = [{k: v for k, v in f.items() if v is not None} for f in facts]
        verdict = ", ".join(f.status or f.message or f.target or "fired" for f in findings) if findings else "none"
        lines.append(f"  on these facts ({as_of}): {len(findings)} finding(s): {verdict}")
    for label, node in (("when", rule.when), ("applies_if", rule.applies_if)):
        if node is None:
            continue
        shown = ev.resolve_node(node, lambda p: resolve(p, values)) if len(values) == len(rule.params) else node
        lines.append(f"  {label}:" + ("" if clean is None else "  (counts per pattern; joins hold only together)"))
        _tree(shown, 2, clean, lines)
    return "\n".join(lines)
