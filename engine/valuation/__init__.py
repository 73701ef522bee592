"""IP valuation and debt metrics: ``value_deal(deal, as_of) -> Valuation``.

Modules: ``formulas`` (closed forms), ``lives`` (legal, licence and economic ends),
``grid`` (monthly cash flows per asset), ``waterfall`` (note terms, the payment waterfall per
period, DSCR, break-even haircut), ``metrics`` (the named metrics the eligibility rules check),
``stress`` (the stress grid), ``scenarios`` (named credit stresses through the waterfall),
``checks`` (financial eligibility through the rules) and ``core`` (``value_deal``).
"""

from engine.valuation.core import value_deal
from engine.valuation.metrics import METRIC_UNITS

__all__ = ["METRIC_UNITS", "value_deal"]
