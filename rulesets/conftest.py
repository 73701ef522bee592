"""Collect ``rulesets/**/tests/*.yaml`` rule tests as pytest items (facts in, findings out).

A failure reads ``file: test name: message`` with no traceback, like ``ipsdg rules test``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engine.errors import InputError
from engine.rules import load_rulebook
from engine.rules.testing import Case, load_cases, rule_test_files, run_case

ROOT = Path(__file__).resolve().parent


class RuleTestFailed(Exception):
    pass


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix in (".yaml", ".yml") and file_path in set(rule_test_files(ROOT)):
        return RuleTestFile.from_parent(parent, path=file_path)
    return None


class RuleTestFile(pytest.File):
    def collect(self) -> Any:
        try:
            cases = load_cases(self.path)
        except InputError as exc:
            raise pytest.Collector.CollectError(str(exc)) from None
        for case in cases:
            yield RuleTestItem.from_parent(self, name=case.test.name, case=case)


class RuleTestItem(pytest.Item):
    def __init__(self, *, case: Case, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        try:
            outcome = run_case(load_rulebook(ROOT), self.case)
        except InputError as exc:
            raise RuleTestFailed(str(exc)) from None
        if not outcome.ok:
            raise RuleTestFailed("\n".join(outcome.failures))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, RuleTestFailed):
            rel = self.path.relative_to(ROOT.parent)
            return "\n".join(f"{rel}: {self.name}: {line}" for line in str(excinfo.value).splitlines())
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"rule test: {self.name}"
