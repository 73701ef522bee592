"""Credit opinion: the financial ``check`` findings of rulesets/eligibility, nothing else.

It reads only each check's status (pass / watch / fail), value and thresholds, so it keeps working
when the eligibility rules change, plus the red flags that rest on a valuation metric (concentration,
LTV, projections over history), which count as a watch. eligible: every check passes; watch: at least
one watch (or such a flag) and no fail; ineligible: at least one fail. It never enters an ESG number
and never decides a label.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from engine.models import Finding
from engine.models.screening import CheckResult, CreditOpinion, OpinionRow
from engine.precision import distinct

DECIDED_BY = ("ineligible if any financial eligibility check fails, watch if any is at watch level or a "
              "valuation-based red flag is raised, eligible if all pass (rulesets/eligibility; thresholds are "
              "ipsdg proposals unless the rule cites otherwise)")


def credit_opinion(checks: Sequence[CheckResult], flags: Sequence[Finding] = ()) -> CreditOpinion:
    rows = []
    for c in checks:
        value = "n/a" if c.value is None else distinct(c.value, (c.pass_threshold, c.watch_threshold))
        bounds = f"pass {'>=' if c.direction != 'lower_is_better' else '<='} {c.pass_threshold:g}" \
            if c.pass_threshold is not None else "no pass level"
        rows.append(OpinionRow(key=c.metric, title=c.title, status=c.status, clause=c.reference, rule_id=c.rule_id,
                               note=f"{c.metric} = {value} ({bounds})"))
    for f in flags:
        rows.append(OpinionRow(key=f.rule_id, title=f.title, status="watch", clause=f.reference.title,
                               rule_id=f.rule_id, note=f.message))
    fails = [r for r in rows if r.status == "fail"]
    watches = [r for r in rows if r.status == "watch"]
    status: Literal["eligible", "watch", "ineligible"] = "ineligible" if fails else "watch" if watches else "eligible"
    reasons = [f"{r.title}: {r.note} [{r.rule_id}]" for r in fails + watches]
    if not rows:
        reasons = ["no financial eligibility check applied"]
    return CreditOpinion(status=status, decided_by=DECIDED_BY, reasons=reasons, rows=rows)
