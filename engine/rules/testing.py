"""YAML rule tests (``<rules dir>/**/tests/*.yaml``): facts in, findings out.

Run by ``ipsdg rules test`` and collected by pytest (rulesets/conftest.py); both
report a failure as ``file: test name: message``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from engine import yamlio
from engine.errors import InputError
from engine.models.findings import Finding
from engine.rules.book import RuleBook
from engine.rules.schema import Expect, RuleTest, RuleTestFile


@dataclass(frozen=True)
class Case:
    path: Path
    test: RuleTest


@dataclass(frozen=True)
class Outcome:
    case: Case
    failures: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.failures


def rule_test_files(root: Path) -> list[Path]:
    """Rule tests: ``tests/`` folders outside lexicons/, scoring/ and sdg/ (those have their own formats)."""
    found = sorted(p for p in root.rglob("*.y*ml") if p.parent.name == "tests" and p.is_file())
    return [p for p in found if not {"lexicons", "scoring", "sdg"}.intersection(p.relative_to(root).parts)]


def load_cases(path: Path) -> list[Case]:
    """The tests of one file; InputError with located problems when the file is malformed."""
    spec: RuleTestFile = yamlio.validate(RuleTestFile, yamlio.load_file(path))
    return [Case(path, test) for test in spec.tests]


def _matches(expect: Expect, finding: Finding) -> bool:
    wanted = expect.model_dump(exclude_none=True)
    rule = wanted.pop("rule")
    return finding.rule_id == rule and all(getattr(finding, k) == v for k, v in wanted.items())


def _describe(expect: Expect) -> str:
    fields = expect.model_dump(exclude_none=True, exclude={"rule"})
    return expect.rule + (f" with {', '.join(f'{k}={v!r}' for k, v in fields.items())}" if fields else "")


def run_case(book: RuleBook, case: Case) -> Outcome:
    test = case.test
    try:
        findings = book.evaluate(test.facts, test.as_of)
    except InputError as exc:
        return Outcome(case, tuple(p.message for p in exc.problems))
    failures: list[str] = []
    known = {rule.id for rule in book.rules}
    for expect in test.expect:
        if expect.rule not in known:
            failures.append(f"expects unknown rule {expect.rule}")
        elif not any(_matches(expect, f) for f in findings):
            got = [f"{f.rule_id}({f.status or f.target or f.severity or ''})" for f in findings
                   if f.rule_id == expect.rule]
            failures.append(f"expected {_describe(expect)}; got {', '.join(got) or 'no finding of that rule'}")
    for rule_id in test.expect_not:
        if rule_id not in known:
            failures.append(f"expect_not names unknown rule {rule_id}")
        fired = [f for f in findings if f.rule_id == rule_id and f.status not in ("missing",)]
        if fired:
            failures.append(f"{rule_id} must not fire but did ({len(fired)} finding(s))")
    return Outcome(case, tuple(failures))


def run_all(book: RuleBook, root: Path) -> Iterator[tuple[Path, list[Outcome] | InputError]]:
    """Per test file: its outcomes, or the problems that kept it from loading."""
    for path in rule_test_files(root):
        try:
            cases = load_cases(path)
        except InputError as exc:
            yield path, exc
            continue
        yield path, [run_case(book, case) for case in cases]
