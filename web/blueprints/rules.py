"""Rule-set browser (read-only): every rule with its parameters' dated values, references, tests,
and the stored screenings it produced findings on."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Blueprint, abort

from engine import yamlio
from engine.errors import InputError
from engine.rules.conditions import Group, Pattern, Ref, Test
from engine.rules.schema import RuleTestFile
from web.services import services
from web.templating import render

bp = Blueprint("rules", __name__)
_OP_TEXT = {"eq": "=", "ne": "≠", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤", "in": "in", "not_in": "not in",
            "prefix": "starts with", "matches": "matches", "exists": "exists", "any": "any element",
            "all": "every element"}


@dataclass(frozen=True)
class RuleTestCase:
    """A YAML rule test that names a rule, as the browser lists it."""

    file: str
    name: str
    as_of: str
    expects_fire: bool  # listed under expect (True) or expect_not (False)


def rule_tests(root: Path) -> dict[str, list[RuleTestCase]]:
    """Rule id -> the tests beside the rules that expect it to fire or not to fire."""
    found: dict[str, list[RuleTestCase]] = defaultdict(list)
    for path in sorted(root.glob("**/tests/*.y*ml")):
        try:
            spec: RuleTestFile = yamlio.validate(RuleTestFile, yamlio.load_file(path))
        except InputError:
            continue  # `ipsdg rules test` reports broken test files; the browser just leaves them out
        shown = str(path.relative_to(root))
        for case in spec.tests:
            for rule_id in dict.fromkeys(e.rule for e in case.expect):
                found[rule_id].append(RuleTestCase(shown, case.name, case.as_of.isoformat(), True))
            for rule_id in case.expect_not:
                found[rule_id].append(RuleTestCase(shown, case.name, case.as_of.isoformat(), False))
    return found


def describe_value(value: Any) -> str:
    if isinstance(value, Ref):
        return f"${value.name}" if value.kind == "param" else f"@{value.name}.{value.field}"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(describe_value(v) for v in value) + "]"
    return repr(value) if isinstance(value, str) else str(value)


def describe_test(test: Test) -> str:
    """A field test as one readable line: ``share_pct ≥ $min_material_share_pct``."""
    op = _OP_TEXT.get(test.op, test.op)
    if test.op in ("any", "all") and isinstance(test.value, tuple):
        inner = " and ".join(f"{_OP_TEXT.get(t.op, t.op)} {describe_value(t.value)}" for t in test.value)
        return f"{test.field}: {op} {inner}"
    return f"{test.field} {op} {describe_value(test.value)}"


def condition_lines(node: Any, depth: int = 0) -> list[tuple[int, str]]:
    """A condition tree as indented lines (depth, text) for the template."""
    if node is None:
        return []
    if isinstance(node, Group):
        lines = [(depth, {"all": "all of:", "any": "any of:", "none": "none of:"}[node.kind])]
        for item in node.items:
            lines += condition_lines(item, depth + 1)
        return lines
    if isinstance(node, Pattern):
        alias = f" (as {node.alias})" if node.alias else ""
        tests = ", ".join(describe_test(t) for t in node.tests)
        return [(depth, f"fact {node.fact}{alias}" + (f": {tests}" if tests else ""))]
    return [(depth, str(node))]


def _rulebook_view() -> tuple[Any, dict[str, int]]:
    return services().rulebook(), services().store.rule_counts()


@bp.get("/rules")
def index() -> str:
    book, counts = _rulebook_view()
    per_set: dict[str, int] = defaultdict(int)
    fired_per_set: dict[str, int] = defaultdict(int)
    for rule in book.rules:
        per_set[rule.ruleset.name] += 1
        fired_per_set[rule.ruleset.name] += 1 if counts.get(rule.id) else 0
    return render("rules/index.html.j2", rulesets=book.rulesets, per_set=per_set, fired_per_set=fired_per_set)


@bp.get("/rules/<name>")
def ruleset(name: str) -> str:
    book, counts = _rulebook_view()
    info = next((r for r in book.rulesets if r.name == name), None)
    if info is None:
        abort(404, description=f"There is no rule set named {name!r}.")
    rules = [r for r in book.rules if r.ruleset.name == name]
    return render("rules/ruleset.html.j2", info=info, rules=rules, counts=counts, tests=rule_tests(book.root),
                  condition_lines=condition_lines)


@bp.get("/rules/<name>/<rule_id>")
def rule(name: str, rule_id: str) -> str:
    book, counts = _rulebook_view()
    found = next((r for r in book.rules if r.id == rule_id and r.ruleset.name == name), None)
    if found is None:
        abort(404, description=f"There is no rule {rule_id!r} in rule set {name!r}.")
    fired: dict[int, tuple[Any, list[Any]]] = {}  # one row per screening, however many findings it has
    for finding, summary in services().store.findings_of_rule(rule_id):
        fired.setdefault(summary.id, (summary, []))[1].append(finding)
    return render("rules/rule.html.j2", rule=found, info=found.ruleset, counts=counts,
                  tests=rule_tests(book.root).get(rule_id, []), fired=list(fired.values()),
                  condition_lines=condition_lines)
