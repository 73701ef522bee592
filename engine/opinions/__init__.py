"""Four opinions, side by side and never blended: ICMA, EU GBS, SDG contribution and credit.

Each opinion has its own status, its own reasons and one row per checked item with the clause it
encodes, so a reviewer can name the clause behind every status. The credit opinion reads only the
financial ``check`` findings; no financial figure enters the ICMA, EU GBS or SDG opinions, and the
ESG score no longer has a financial part.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.models import Deal, Finding
from engine.models.scoring import ScoringConfig
from engine.models.screening import CheckResult, Opinions, SDGScore
from engine.opinions.credit import credit_opinion
from engine.opinions.eu_gbs import eu_gbs_opinion
from engine.opinions.icma import icma_opinion
from engine.opinions.sdg import sdg_opinion

__all__ = ["build_opinions"]


def build_opinions(findings: Sequence[Finding], sdgs: Sequence[SDGScore], checks: Sequence[CheckResult],
                   label: str, claims_eu_gbs: bool, config: ScoringConfig, deal: Deal | None = None, *,
                   credit_flags: Sequence[Finding] = ()) -> Opinions:
    return Opinions(icma=icma_opinion(findings, label, deal), eu_gbs=eu_gbs_opinion(findings, claims_eu_gbs, deal),
                    sdg=sdg_opinion(findings, sdgs, config, deal), credit=credit_opinion(checks, credit_flags))
