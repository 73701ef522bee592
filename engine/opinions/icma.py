"""ICMA opinion: the core components and key recommendations of the principles the label invokes.

Decided as the principles say (GBP/SBP June 2021 with the June 2022 appendix; SLBP; Secured Green
Bonds): the four core components (use of proceeds, project evaluation and selection, management of
proceeds, reporting) are required for alignment; the key recommendations (a bond framework, a
pre-issuance external review, post-issuance verification of the allocation) are recommendations.
For a sustainability-linked bond the five SLBP components are all core.

aligned: every core component and key recommendation met; aligned_with_recommendations: every core
component met, a recommendation not; not_aligned: a core component missing or only hedged;
not_applicable: an unlabelled deal. A hedged or negated statement ("will consider ... where
feasible", "there is no separate committee") never meets a component: its row is ``partly`` and
shows the hedge.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.commitments import weak_cue
from engine.models import Deal, Finding
from engine.models.screening import ICMAOpinion, OpinionRow
from engine.opinions.common import clause, evidence

CORE = ("use_of_proceeds", "project_evaluation_and_selection", "management_of_proceeds", "reporting")
RECOMMENDATIONS = ("bond_framework", "external_reviews", "post_issuance_verification")
PRINCIPLES = {"green": ("icma_gbp", "icma_secured"), "social": ("icma_sbp", "icma_secured"),
              "sustainability": ("icma_gbp", "icma_sbp", "icma_secured"),
              "sustainability_linked": ("icma_slbp",)}
NAMES = {"icma_gbp": "Green Bond Principles", "icma_sbp": "Social Bond Principles",
         "icma_slbp": "Sustainability-Linked Bond Principles", "icma_secured": "Secured Green Bonds guidance"}
DECIDED_BY = ("not_aligned if a core component is missing or only hedged; aligned_with_recommendations if all "
              "core components are met and a key recommendation is not; aligned if all are met; not_applicable "
              "for an unlabelled deal (ICMA GBP/SBP: the four core components are required for alignment)")


def is_core(standard: str, component: str) -> bool:
    """Green Enabling Project rows (GBP 2025, ``green_enabling_*``) are core: an enabling project that does not
    meet the guidance's criteria and end-use transparency is not an eligible Green Project (use of proceeds)."""
    return standard == "icma_slbp" or (standard != "icma_secured" and (
        component in CORE or component.startswith("green_enabling_")))


def _hedge_note(component: str, deal: Deal | None) -> str | None:
    """For a missing component that the deal file does state, but in hedged or negated words."""
    if deal is None:
        return None
    fw = deal.framework
    text = None
    if component == "project_evaluation_and_selection" and fw.project_selection:
        text = fw.project_selection.process
    elif component == "management_of_proceeds" and fw.management_of_proceeds:
        text = fw.management_of_proceeds.unallocated_policy
    cue = weak_cue(text)
    return f"hedged or negated ({cue!r}): \"{text}\" is not a commitment" if cue and text else None


CN_RULESET = "compliance-china-catalogue"
CN_NOTE = "for information: China's catalogue is a national standard, not part of ICMA alignment, and never changes it"


def china_catalogue_rows(findings: Sequence[Finding], deal: Deal | None = None) -> list[OpinionRow]:
    """The catalogue edition that governs the bond, and one row per allocation checked against it.

    An allocation the deal file does not assign to a catalogue category is ``not_assessable``: the reference
    text gives no mapping from ICMA categories to the catalogue, so ipsdg makes none.
    """
    req = [f for f in findings if f.effect == "require" and f.standard == "china_catalogue"]
    if not req:
        return []
    f = req[0]  # the rules are dated and split by issue date: one edition governs a screening
    edition = clause(f)
    rows = [OpinionRow(key="china_catalogue:edition", title=f.title, status="met" if f.status == "met" else "missing",
                       clause=edition, rule_id=f.rule_id, evidence=evidence(f),
                       note=f"met: {evidence(f) or 'stated in the deal file'}" if f.status == "met"
                       else f"to meet it: {f.message}")]
    if deal is None:
        return rows
    outside = {str(x["id"]): g for g in findings if g.effect == "flag" and g.ruleset == CN_RULESET
               for x in g.facts if x.get("t") == "allocation"}
    for i, a in enumerate(deal.allocations):
        title = f"Allocation {i + 1}: {a.project or a.category}"
        flag = outside.get(f"allocation:{i}")
        if a.china_catalogue_category is None:
            rows.append(OpinionRow(key=f"china_catalogue:allocation:{i}", title=title, status="not_assessable",
                                   clause=edition, note="the deal file does not assign this allocation to a catalogue "
                                   "category (allocations[].china_catalogue_category); ipsdg does not map ICMA "
                                   "categories to the catalogue"))
        elif flag is not None:
            rows.append(OpinionRow(key=f"china_catalogue:allocation:{i}", title=title, status="missing",
                                   clause=clause(flag), rule_id=flag.rule_id, evidence=evidence(flag),
                                   note=flag.message))
        else:
            rows.append(OpinionRow(key=f"china_catalogue:allocation:{i}", title=title, status="met", clause=edition,
                                   rule_id=f.rule_id, note=f"met: {a.china_catalogue_category} is a top-level "
                                   "category of this edition"))
    return rows


def icma_opinion(findings: Sequence[Finding], label: str, deal: Deal | None = None) -> ICMAOpinion:
    opinion = _icma_opinion(findings, label, deal)
    cn = china_catalogue_rows(findings, deal)
    if not cn:
        return opinion
    gaps = [r for r in cn[1:] if r.status != "met"]
    counted = (f"{len(cn) - 1 - len(gaps)} of {len(cn) - 1} allocations in a top-level category"
               + (f", {len(gaps)} not ({', '.join(r.status.replace('_', ' ') for r in gaps)})" if gaps else "")
               if len(cn) > 1 else f"{cn[0].status}")
    summary = f"China catalogue ({cn[0].clause}): {counted} [{cn[0].rule_id}]; {CN_NOTE}"
    return opinion.model_copy(update={"china_catalogue": cn, "reasons": [*opinion.reasons, summary]})


def _icma_opinion(findings: Sequence[Finding], label: str, deal: Deal | None = None) -> ICMAOpinion:
    standards = PRINCIPLES.get(label, ())
    if not standards:
        return ICMAOpinion(status="not_applicable", principles="none", decided_by=DECIDED_BY,
                           reasons=["the deal carries no green, social, sustainability or sustainability-linked "
                                    "label, so no ICMA principle applies"], rows=[])
    rows: list[tuple[bool, OpinionRow]] = []
    for f in sorted((f for f in findings if f.effect == "require" and f.standard in standards),
                    key=lambda f: (f.standard or "", f.component or "", f.rule_id)):
        std, comp = f.standard or "", f.component or ""
        core = is_core(std, comp)
        if f.status == "met":
            row = OpinionRow(key=f"{std}:{comp}", title=f.title, status="met", clause=clause(f), rule_id=f.rule_id,
                             evidence=evidence(f), note="met: " + (evidence(f) or "stated in the deal file"))
        else:
            hedge = _hedge_note(comp, deal)
            row = OpinionRow(key=f"{std}:{comp}", title=f.title, status="partly" if hedge else "missing",
                             clause=clause(f), rule_id=f.rule_id, evidence=evidence(f),
                             note=f"{hedge}; to meet it: {f.message}" if hedge else f"to meet it: {f.message}")
        rows.append((core, row))
    editions = {f.standard: f.reference.edition for f in findings if f.effect == "require" and f.standard in standards}
    used = [NAMES[s] + (f", {editions[s]}" if editions.get(s) else "") for s in standards
            if any(r.key.startswith(s + ":") for _, r in rows)]
    if not rows:
        return ICMAOpinion(status="not_applicable", principles=", ".join(NAMES[s] for s in standards),
                           decided_by=DECIDED_BY, reasons=["no ICMA rule is in force at the screening date"], rows=[])
    core_gaps = [r for core, r in rows if core and r.status != "met"]
    rec_gaps = [r for core, r in rows if not core and r.status != "met"]
    status = "not_aligned" if core_gaps else "aligned_with_recommendations" if rec_gaps else "aligned"
    reasons = [f"core component {r.title} is {r.status}: {r.note} [{r.rule_id}]" for r in core_gaps]
    reasons += [f"key recommendation {r.title} is not met: {r.note} [{r.rule_id}]" for r in rec_gaps]
    if not reasons:
        reasons = ["every core component and key recommendation is met"]
    return ICMAOpinion(status=status, principles=", ".join(used), decided_by=DECIDED_BY, reasons=reasons,  # type: ignore[arg-type]
                       rows=[r for _, r in rows])
