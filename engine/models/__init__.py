"""Every pydantic model of ipsdg, importable as ``engine.models.X``.

Submodules group the models by pipeline stage; this module re-exports them.
"""

from engine.models.base import CrossFieldError, Strict
from engine.models.deal import (
    Allocation,
    AssetKind,
    AssetStatus,
    CashFlows,
    CreditEnhancement,
    Deal,
    DocumentRef,
    ExternalReview,
    Framework,
    Guarantee,
    IcmaCategory,
    ImpactKPI,
    IPAsset,
    Licensee,
    Lien,
    Litigation,
    ManagementOfProceeds,
    Party,
    Projection,
    ProjectSelection,
    Reporting,
    ReportingCommitment,
    Reserves,
    SDGClaim,
    Sector,
    Structure,
    SustainabilityLinkedTerms,
    Tranche,
    ValuationAssumptions,
    YearAmount,
)
from engine.models.disclosures import (
    Document,
    Evidence,
    Extraction,
    Hedge,
    Kpi,
    Page,
    Refinancing,
    ReportingDisclosure,
    Review,
    SdgReference,
    Statement,
    UseOfProceeds,
)
from engine.models.findings import Finding, ParamUse, Reference
from engine.models.portfolio import (
    Cause,
    DatedValue,
    DealChange,
    DiffSide,
    DiffSummary,
    ParamChange,
    RuleChange,
    RulesetDiff,
    SDGDelta,
)
from engine.models.sdg import (
    Damper,
    Query,
    SdgLexicon,
    SdgResult,
    SdgTag,
    TaggerSettings,
)
from engine.models.stored import (
    ScreeningSummary,
    StoredDocument,
    StoredFinding,
    StoredRuleset,
    StoredScreening,
)
from engine.models.valuation import (
    AssetValue,
    DebtYear,
    LicenseeShare,
    StressRow,
    TrancheSummary,
    Valuation,
    ValuationPeriod,
)

__all__ = [
    "Allocation", "AssetKind", "AssetStatus", "CashFlows", "CreditEnhancement", "CrossFieldError", "Deal",
    "DocumentRef", "ExternalReview", "Framework", "Guarantee", "IPAsset", "IcmaCategory", "ImpactKPI",
    "Licensee", "Lien", "Litigation", "ManagementOfProceeds", "Party", "ProjectSelection", "Projection",
    "Reporting", "ReportingCommitment", "Reserves", "SDGClaim", "Sector", "Strict", "Structure",
    "SustainabilityLinkedTerms", "Tranche", "ValuationAssumptions", "YearAmount",
    # disclosures (engine.models.disclosures)
    "Document", "Evidence", "Extraction", "Hedge", "Kpi", "Page", "Refinancing", "ReportingDisclosure", "Review",
    "SdgReference", "Statement", "UseOfProceeds",
    # rule findings (engine.models.findings)
    "Finding", "ParamUse", "Reference",
    # valuation (engine.models.valuation)
    "AssetValue", "DebtYear", "LicenseeShare", "StressRow", "TrancheSummary", "Valuation", "ValuationPeriod",
    # portfolio rule-set diff (engine.models.portfolio)
    "Cause", "DatedValue", "DealChange", "DiffSide", "DiffSummary", "ParamChange", "RuleChange", "RulesetDiff",
    "SDGDelta",
    # SDG topical tagging (engine.models.sdg)
    "Damper", "Query", "SdgLexicon", "SdgResult", "SdgTag",
    "TaggerSettings",
    # store (engine.models.stored)
    "ScreeningSummary", "StoredDocument", "StoredFinding", "StoredRuleset", "StoredScreening",
]
