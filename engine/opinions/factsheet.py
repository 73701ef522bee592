"""The European Green Bond factsheet (Reg. (EU) 2023/2631 Annex I), pre-filled from a screening.

Each Annex I field is filled from the deal file, its documents or the screening where they say it, and
otherwise marked as a gap ("not in the deal file") for the issuer to complete; nothing is invented.
For a securitisation bond the issuer fields name the originator (Annex I footer, Art. 16).
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.models.screening import Screening

TITLE = "EUROPEAN GREEN BOND FACTSHEET"
DISCLAIMER = ("This document and its contents are not subject to any approval or endorsement from ESMA or any other "
              "competent authority.")
FOOTER = ("In the case of a securitisation bond, references in this document to the issuer shall be construed as "
          "and, where appropriate, replaced with references to the originator.")


@dataclass(frozen=True)
class Field:
    label: str
    value: str | None  # None: a gap
    source: str = ""
    why_gap: str = "not in the deal file"

    @property
    def gap(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    fields: tuple[Field, ...]


def _pct(value: float) -> str:
    return f"{value:g} %"


def factsheet(s: Screening) -> tuple[Section, ...]:
    d = s.deal
    securitisation = d.structure.type == "securitisation"
    issuer = d.originator if securitisation else d.issuer
    reviews = [r for r in d.framework.external_reviews if r.timing == "pre_issuance" and r.scope == "factsheet"]
    shares = [a.share_pct if a.share_pct is not None else
              (100.0 * (a.amount or 0.0) / d.principal if d.principal else 0.0) for a in d.allocations]
    aligned = sum(sh for sh, a in zip(shares, d.allocations, strict=True) if a.taxonomy_aligned)
    known = any(a.taxonomy_aligned is not None for a in d.allocations)
    pocket = [(a, sh) for a, sh in zip(d.allocations, shares, strict=True)
              if a.eu_gbs_flexibility and not a.taxonomy_aligned]
    refinancing = sum(sh for sh, a in zip(shares, d.allocations, strict=True) if a.refinancing)
    rep = d.framework.reporting
    general = (
        Field("Date of publication of the European Green Bond factsheet", None),
        Field(f"Legal name of the {'originator (securitisation bond)' if securitisation else 'issuer'}",
              issuer.name, "deal.originator" if securitisation else "deal.issuer"),
        Field("Legal entity identifier (LEI), where available", None),
        Field("Website with information on how to contact the issuer", None),
        Field("Name of the bond(s), where available", d.name, "deal.name"),
        Field("ISIN(s), where available", None),
        Field("Planned issuance date or period", str(d.issue_date), "deal.issue_date"),
        Field("Identity and contact details of the external reviewer",
              "; ".join(f"{r.provider} (contact details: gap)" for r in reviews) or None,
              "deal.framework.external_reviews", "no pre-issuance review of the factsheet in the deal file"),
        Field("Competent authority that approved the prospectus, where applicable", None),
    )
    important = [Field("Designation statement", "This bond uses the designation 'European Green Bond' or 'EuGB' in "
                       "accordance with Regulation (EU) 2023/2631" if d.structure.claims_eu_gbs else None,
                       "deal.structure.claims_eu_gbs", "the deal does not claim the designation")]
    if pocket:
        important.append(Field("Art. 5 flexibility statement", "This European Green Bond makes use of the "
                               "flexibility permitting a partial non-alignment with the technical screening criteria, "
                               "as further described in Section 4 of this factsheet", "deal.allocations"))
    strategy = [
        Field("Whether the issuer intends an external review of the impact report", None),
        Field("Overview: contribution to the issuer's environmental strategy and Art. 9 Taxonomy objectives",
              d.description, "deal.description"),
        Field("Link with the taxonomy-aligned turnover, CapEx and OpEx KPIs", None),
        Field("Link to the transition plans", None),
    ]
    if securitisation:
        explained = rep.eu_gbs_fossil_explanation
        fossil = ", ".join(sorted({lic.name for a in d.assets for lic in a.licensees
                                   if lic.sector.startswith("fossil_fuel")})) or "none"
        strategy.append(Field(
            "Securitisation: how Art. 18(1) is complied with",
            None if not explained else ("explained in the factsheet (per the deal file); securitised exposures to "
                                        "licensees in fossil-fuel sectors: " + fossil),
            "deal.framework.reporting.eu_gbs_fossil_explanation",
            "the deal file does not say the originator explains it (Art. 18(3))"))
        strategy.append(Field("Securitisation: Art. 19(2) information (taxonomy-eligible, -aligned and DNSH-failing "
                              "exposure shares)", None, why_gap="prospectus information, not in the deal file"))
    allocation = [
        Field("Gradual or portfolio approach (Art. 4(1) or 4(2))", None),
        Field("Securitisation bond", "yes" if securitisation else "no", "deal.structure.type"),
        Field("Minimum proportion of proceeds for environmentally sustainable activities (at least 85 %)",
              _pct(aligned) + ("" if aligned >= 85 else " - below the 85 % minimum") if known else None,
              "deal.allocations[].taxonomy_aligned", "the deal file does not say which allocations are aligned"),
        Field("Share for financing vs refinancing",
              f"{_pct(round(sum(shares) - refinancing, 4))} financing, {_pct(refinancing)} refinancing"
              if d.allocations else None, "deal.allocations[].refinancing"),
        Field("Targeted environmental objective(s)", None),
    ]
    for i, (a, sh) in enumerate(zip(d.allocations, shares, strict=True)):
        status = {True: "taxonomy-aligned", False: "not taxonomy-aligned", None: "alignment not stated"}[
            a.taxonomy_aligned]
        if a.eu_gbs_flexibility and not a.taxonomy_aligned:
            status += ", Art. 5(1) flexibility"
        allocation.append(Field(f"Economic activity {i + 1}: type, sector and NACE code",
                                f"{a.category.replace('_', ' ')}: {a.project or 'project not named'} ({_pct(sh)}, "
                                f"{status}); NACE code: gap", f"deal.allocations[{i}]"))
    allocation += [
        Field("Enabling and transitional activities, nuclear and fossil-gas activities (amounts, proportions)", None),
        Field("Process for determining alignment with the taxonomy requirements",
              d.framework.project_selection.process if d.framework.project_selection else None,
              "deal.framework.project_selection.process"),
        Field("Estimated time to full allocation", None),
        Field("Estimated issuance costs deducted from the proceeds (Art. 4(1))", None),
    ]
    if pocket:
        allocation.append(Field("Art. 5: activities not aligned with the technical screening criteria",
                                "; ".join(f"{a.project or a.category} ({_pct(sh)})" for a, sh in pocket)
                                + "; which point of Art. 5(1), and why no TSC apply: gap", "deal.allocations"))
    impact = [Field("Estimated environmental impact of the proceeds",
                    "; ".join(f"{k.metric} {k.value:g} {k.unit} ({k.period})" for k in d.kpis) or None,
                    "deal.kpis", "no impact estimate in the deal file (Annex I: must be justified)")]
    reporting = [
        Field("Link to the issuer's website (Art. 15(1))", None),
        Field("Allocation reports", f"{rep.allocation.frequency.replace('_', ' ')} until "
              f"{(rep.allocation.until or 'not stated').replace('_', ' ')}" if rep.allocation else None,
              "deal.framework.reporting.allocation"),
        Field("Impact report", f"{rep.impact.frequency.replace('_', ' ')}" if rep.impact else None,
              "deal.framework.reporting.impact"),
        Field("Whether allocation reports include project-by-project amounts and expected impacts", None),
    ]
    capex = [Field("CapEx plan (Art. 7), where applicable", None,
                   why_gap="whether proceeds fund CapEx/OpEx that needs a plan is not in the deal file")]
    other = [Field("EU GBS opinion of this screening", s.opinions.eu_gbs.status if s.opinions else None,
                   "screening", "screening stored before schema 2")]
    return (Section(1, "General information", general), Section(2, "Important information", tuple(important)),
            Section(3, "Environmental strategy and rationale", tuple(strategy)),
            Section(4, "Intended allocation of bond proceeds", tuple(allocation)),
            Section(5, "Environmental impact of bond proceeds", tuple(impact)),
            Section(6, "Information on reporting", tuple(reporting)), Section(7, "CapEx plan", tuple(capex)),
            Section(8, "Other relevant information", tuple(other)))
