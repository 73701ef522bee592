"""What every request needs from the app: the store, the templates, the rule book, the examples.

Kept on ``app.extensions["ipsdg"]`` rather than in module globals, so two apps
(two tests, two databases) never share state.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app
from jinja2 import Environment

from engine.store import Store

if TYPE_CHECKING:
    from engine.rules import RuleBook

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "examples" / "deals"
DEAL_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class Services:
    store: Store
    templates: Environment
    rulesets_dir: str | None
    examples_dir: Path
    upload_tmp: Path

    def rulebook(self) -> RuleBook:
        """The rule sets (read-only here); engine.rules caches them and reloads edited files."""
        from engine.rules import load_rulebook

        return load_rulebook(self.rulesets_dir) if self.rulesets_dir else load_rulebook()

    def examples(self) -> list[str]:
        """File names of the example deals a user may pick (the only names the picker accepts)."""
        if not self.examples_dir.is_dir():
            return []
        return sorted(p.name for p in self.examples_dir.iterdir() if p.suffix in DEAL_SUFFIXES and p.is_file())


def services() -> Services:
    found: Services = current_app.extensions["ipsdg"]
    return found
