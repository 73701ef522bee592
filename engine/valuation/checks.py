"""Financial eligibility: the valuation's metrics through the ``rulesets/eligibility`` rules.

Kept apart from ``value_deal`` so valuation stays a pure computation; the checks need
the rule book and the fact builders, which screening calls in the same way.
"""

from __future__ import annotations

from datetime import date

from engine.facts import deal_facts, metric_facts
from engine.models import Deal, Valuation
from engine.models.findings import Finding
from engine.rules import RuleBook
from engine.valuation.core import rules_file
from engine.valuation.lives import TERMS_FILE

RULESET_PREFIX = "eligibility-"


def eligibility_checks(deal: Deal, valuation: Valuation, rulebook: RuleBook, as_of: date) -> list[Finding]:
    """Findings of the eligibility rule sets (banded checks and title flags) for one valued deal."""
    facts = deal_facts(deal, as_of, value_shares={a.id: a.value_share_pct for a in valuation.assets},
                       terms_file=rules_file(rulebook.root, TERMS_FILE))
    facts += metric_facts(valuation.metrics, valuation.units)
    return [f for f in rulebook.evaluate(facts, as_of) if f.ruleset.startswith(RULESET_PREFIX)]
