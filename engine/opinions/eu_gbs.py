"""EU GBS opinion: one row per article and paragraph of Reg. (EU) 2023/2631 that a screening checks.

Rows come from the `require` rules of rulesets/compliance/eu-gbs.yaml (each cites its paragraph)
and, where a deal file and its documents cannot tell, are "not assessable" rather than a pass or a
fail. compliant: no assessable row is missing (the not-assessable rows stay listed for the reviewer);
not_compliant: at least one is; not_claimed: the deal does not claim the designation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from engine.models import Deal, Finding
from engine.models.screening import EUGBSOpinion, OpinionRow
from engine.opinions.common import clause, evidence

REG = "Reg. (EU) 2023/2631"
DECIDED_BY = ("not_compliant if any assessable article row is missing; compliant otherwise, with the rows a deal "
              "file cannot show marked not assessable; not_claimed if the deal does not claim the designation "
              f"({REG}, Art. 3: the designation only for bonds that meet Title II)")


@dataclass(frozen=True)
class Article:
    key: str
    title: str
    component: str | None  # the `require` component of eu-gbs.yaml that checks it; None: no rule can
    securitisation_only: bool = False
    unknown_note: str | None = None  # why it is not assessable when no rule can check it


ARTICLES = (
    Article("Art. 4(1)", "Proceeds allocated in full, per the taxonomy requirements, before maturity", "art_4_1"),
    Article("Art. 5(1)", "At most 15 % to activities without TSC in force or international support", "art_5_1"),
    Article("Art. 6", "Financial assets: at most three in succession, final use reviewable", None,
            unknown_note="chains of financial assets are not in a deal file"),
    Article("Art. 7", "CapEx plan for expenditure that will become taxonomy-aligned", None,
            unknown_note="whether proceeds go to CapEx/OpEx that needs a CapEx plan is not in a deal file"),
    Article("Art. 10(1)(a)", "European Green Bond factsheet (Annex I) completed", "art_10_1_a"),
    Article("Art. 10(1)(b)", "Pre-issuance review of the factsheet with a positive opinion", "art_10_1_b"),
    Article("Art. 69 / Art. 23", "External reviewer notified (to 21 June 2026) or registered with ESMA (from then)",
            "art_69_reviewer"),
    Article("Art. 11(1)", "Allocation report for every 12-month period until full allocation", "art_11_1"),
    Article("Art. 11(4)", "Post-issuance review of the allocation report after full allocation", "art_11_4"),
    Article("Art. 12", "Impact report after full allocation", "art_12"),
    Article("Art. 13", "Sovereign issuers: post-issuance reviews by an external reviewer and/or State auditor", None),
    Article("Art. 16", "Securitisation bond: 'issuer' read as the originator, proceeds as what it receives", None,
            securitisation_only=True),
    Article("Art. 17", "No synthetic securitisation", "art_17", securitisation_only=True),
    Article("Art. 18(1)", "No securitised exposure finances the fossil-fuel value chain", "art_18_1",
            securitisation_only=True),
    Article("Art. 18(2)", "Fossil-fuel power, CHP or heat exposures only if DNSH is met", None,
            securitisation_only=True),
    Article("Art. 18(3)", "Originator explains compliance with Art. 18(1) in the factsheet", "art_18_3",
            securitisation_only=True),
    Article("Art. 19(2)", "Prospectus discloses taxonomy-eligible, -aligned and DNSH-failing exposure shares", None,
            securitisation_only=True,
            unknown_note="prospectus disclosure on a best-efforts basis; read the prospectus"),
)
FUTURE = {"art_11_4": "due after full allocation; a deal file before then cannot show it"}


def _alignment_known(deal: Deal | None) -> bool:
    return deal is None or any(a.taxonomy_aligned is not None for a in deal.allocations)


def eu_gbs_opinion(findings: Sequence[Finding], claims: bool, deal: Deal | None = None) -> EUGBSOpinion:
    if not claims:
        return EUGBSOpinion(status="not_claimed", decided_by=DECIDED_BY,
                            reasons=["the deal does not claim the European Green Bond designation"], rows=[])
    securitisation = deal.structure.type == "securitisation" if deal is not None else any(
        x.get("t") == "deal" and x.get("structure_type") == "securitisation" for f in findings for x in f.facts)
    required = {f.component: f for f in findings if f.effect == "require" and f.standard == "eu_gbs"}
    flags = [f for f in findings if f.effect == "flag" and f.ruleset == "compliance-eu-gbs"]
    rows: list[OpinionRow] = []
    for art in ARTICLES:
        if art.securitisation_only and not securitisation:
            continue
        key = f"{REG} {art.key}"
        if art.component is not None:
            f = required.get(art.component)
            if f is None:
                rows.append(OpinionRow(key=art.key, title=art.title, status="not_applicable", clause=key,
                                       note="no rule for this paragraph is in force at the screening date"))
                continue
            status, note = ("met", "met: " + (evidence(f) or "stated in the deal file")) if f.status == "met" \
                else ("missing", f"to meet it: {f.message}")
            if f.status != "met":
                if art.component in ("art_4_1", "art_5_1") and not _alignment_known(deal):
                    status, note = "not_assessable", "the deal file does not say which allocations are taxonomy-aligned"
                elif art.component in FUTURE:
                    status, note = "not_assessable", FUTURE[art.component]
                elif art.component == "art_18_3" and deal is not None \
                        and deal.framework.reporting.eu_gbs_fossil_explanation is None:
                    status, note = "not_assessable", "the deal file does not say whether the factsheet explains it"
            if art.component == "art_18_1" and status == "missing":
                named = [x.message for x in flags if x.rule_id == "EUGBS-ART18-FOSSIL-LICENSEE" and x.message]
                note = "; ".join([*named, note])
            rows.append(OpinionRow(key=art.key, title=art.title, status=status, clause=clause(f), rule_id=f.rule_id,
                                   evidence=evidence(f), note=note))
            continue
        if art.key == "Art. 13":
            sovereign = deal is not None and deal.issuer.sector == "public_sector"
            rows.append(OpinionRow(key=art.key, title=art.title, clause=key,
                                   status="not_assessable" if sovereign else "not_applicable",
                                   note="a public-sector issuer: check whether it is a sovereign" if sovereign
                                   else "the issuer is not a sovereign"))
        elif art.key == "Art. 16":
            who = f"{deal.originator.name} (originator) for {deal.issuer.name}" if deal else "the originator"
            rows.append(OpinionRow(key=art.key, title=art.title, clause=key, status="met",
                                   note=f"requirements of Art. 4-15 are read against {who}; the originator need not "
                                        "issue the bond (a securitisation bond is issued by an SSPE, Art. 2(22))"))
        elif art.key == "Art. 18(2)":
            power = [f for f in flags if f.rule_id.startswith("EUGBS-ART18-FOSSIL-POWER")]  # dated: -2025 before
            rows.append(OpinionRow(key=art.key, title=art.title, clause=clause(power[0]) if power else key,
                                   rule_id=power[0].rule_id if power else None,
                                   status="not_assessable" if power else "not_applicable",
                                   evidence="; ".join(e for f in power if (e := evidence(f))) or None,
                                   note="; ".join(f.message or "" for f in power) + " (DNSH not in a deal file)"
                                   if power else "no exposure to fossil-fuel power, CHP or heat"))
        else:
            rows.append(OpinionRow(key=art.key, title=art.title, clause=key, status="not_assessable",
                                   note=art.unknown_note))
    missing = [r for r in rows if r.status == "missing"]
    verdict: Literal["compliant", "not_compliant"] = "not_compliant" if missing else "compliant"
    reasons = [f"{r.key} {r.title}: {r.note} [{r.rule_id}]" for r in missing]
    unknown = [r.key for r in rows if r.status == "not_assessable"]
    if not missing:
        reasons.append("every assessable article is met")
    if unknown:
        reasons.append(f"not assessable from the deal file, for the reviewer to confirm: {', '.join(unknown)}")
    return EUGBSOpinion(status=verdict, decided_by=DECIDED_BY, reasons=reasons, rows=rows)
