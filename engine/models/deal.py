"""The deal: who issues, how it is structured, which IP backs it, where the money goes.

Closed lists are ``Literal`` types so a wrong value is reported with the valid
choices. Field names are the JSON/YAML keys of a deal file (see examples/deals/).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from engine.models.base import (
    Country,
    Currency,
    IsoDate,
    Money,
    NonEmptyStr,
    Percent,
    PositiveMoney,
    Slug,
    Strict,
    check,
)

Sector = Literal[
    "agriculture", "automotive", "biotechnology", "chemicals", "construction", "consumer_goods",
    "education", "electronics", "energy_renewable", "financial_services", "food_beverage",
    "fossil_fuel_distribution", "fossil_fuel_extraction", "fossil_fuel_power", "fossil_fuel_processing",
    "fossil_fuel_refining", "fossil_fuel_storage_transport", "fossil_fuel_trading",
    "healthcare", "hospitality", "manufacturing", "media_entertainment", "mining", "pharmaceuticals",
    "public_sector", "restaurants", "retail", "software", "telecommunications", "transport",
    "utilities", "waste_management", "water", "other",
]
IcmaCategory = Literal[
    # Green Bond Principles (ICMA, June 2021 edition; ids as in shared/reference/icma_categories.yaml)
    "renewable_energy", "energy_efficiency", "pollution_prevention_and_control",
    "sustainable_natural_resources_and_land_use", "biodiversity_conservation", "clean_transportation",
    "sustainable_water_and_wastewater_management", "climate_change_adaptation",
    "circular_economy", "green_buildings",
    # Social Bond Principles (ICMA, June 2021 edition)
    "affordable_basic_infrastructure", "access_to_essential_services", "affordable_housing",
    "employment_generation", "food_security", "socioeconomic_advancement_and_empowerment",
]
AssetKind = Literal["patent", "utility_model", "design", "trademark", "copyright", "trade_secret"]
AssetStatus = Literal["pending", "granted", "registered", "expired", "lapsed", "licensed_in"]
Frequency = Literal["annual", "semi_annual", "quarterly", "monthly", "one_off", "none"]


class Party(Strict):
    name: NonEmptyStr
    country: Country
    sector: Sector


class Tranche(Strict):
    name: NonEmptyStr
    principal: PositiveMoney
    coupon_pct: float = Field(ge=0, le=50, description="annual coupon, percent")
    tenor_years: int = Field(ge=1, le=100)
    amortisation: Literal["bullet", "level", "schedule"] = "bullet"
    schedule: list[Money] | None = Field(default=None, description="principal repaid in each year, for 'schedule'")
    seniority: Literal["senior", "mezzanine", "junior", "equity"] = "senior"
    rating: str | None = None
    bullet_repayment: Literal["accumulated_cash", "refinance"] | None = Field(
        default=None, description="how a bullet is repaid at maturity: from cash accumulated out of collections, "
        "or by refinancing (default: refinance for whole-business deals, accumulated cash otherwise)")

    @model_validator(mode="after")
    def _schedule_repays_principal(self) -> Tranche:
        issues: list[tuple[tuple[str | int, ...], str]] = []
        if self.amortisation == "schedule":
            if not self.schedule:
                issues.append((("schedule",), "amortisation 'schedule' needs a per-year 'schedule' list"))
            else:
                if len(self.schedule) != self.tenor_years:
                    issues.append((("schedule",), f"schedule has {len(self.schedule)} years but the tenor is "
                                   f"{self.tenor_years}"))
                total = sum(self.schedule)
                if abs(total - self.principal) > max(0.01, 1e-6 * self.principal):
                    issues.append((("schedule",), f"schedule repays {total:,.2f} but the principal is "
                                   f"{self.principal:,.2f}"))
        elif self.schedule is not None:
            issues.append((("schedule",), f"a schedule is given but amortisation is {self.amortisation!r}; "
                           "set amortisation: schedule or remove it"))
        check(issues)
        return self


class Structure(Strict):
    type: Literal["securitisation", "secured_bond", "corporate_bond", "loan"]
    label: Literal["green", "social", "sustainability", "sustainability_linked", "none"]
    collateral_basis: Literal["whole_business", "royalty", "catalogue", "patent_licence",
                              "trademark_licence"] = Field(
        description="what the cash flows are: DSCR bands differ for whole-business and royalty/catalogue deals")
    secured_green_type: Literal["collateral", "standard"] | None = Field(
        default=None, description="ICMA Secured Green Bonds (2022): green collateral, or standard secured")
    synthetic: bool = False
    claims_eu_gbs: bool = False
    follows_china_catalogue: bool = Field(
        default=False, description="the deal states that its proceeds follow China's endorsed projects catalogue "
        "(Green Bond Endorsed Projects Catalogue 2021 or Green Finance Endorsed Projects Catalogue 2025); a green "
        "deal with a CN originator or issuer is checked against it anyway")
    originator_is_issuer: bool = Field(
        default=False, description="the originator issues the bond itself. Not an EU GBS requirement: for a "
        "securitisation bond (issued by an SSPE, Reg. (EU) 2023/2631 Art. 2(22)) Art. 16 reads 'issuer' as the "
        "originator and the proceeds as what the originator receives for the securitised exposures")


class Guarantee(Strict):
    provider: NonEmptyStr
    amount: PositiveMoney
    type: Literal["full", "partial", "first_loss"] = "partial"
    guarantor_rating: str | None = Field(
        default=None, description="the guarantor's long-term rating (S&P/Fitch 'BBB-' or Moody's 'Baa3' style); a "
        "guarantee counts as support only up to the guarantor's quality")


class CreditEnhancement(Strict):
    guarantees: list[Guarantee] = []
    overcollateralisation_pct: Percent = 0.0


class Reserves(Strict):
    interest_reserve_months: float = Field(default=0.0, ge=0, le=60)
    cash_reserve: Money = 0.0
    target_months_of_debt_service: float | None = Field(
        default=None, ge=0, le=60, description="reserve account target in months of current debt service; "
        "refilled from excess cash after debt service (default: the amount funded at closing)")


class Fees(Strict):
    """Senior fees and expenses, paid from collections before any interest."""

    trustee_per_year: Money = 0.0
    servicer_pct_of_collections: Percent = 0.0
    other_senior_per_year: Money = 0.0
    tax_pct_of_collections: Percent = Field(default=0.0, description="taxes or withholding on collections")


class Trigger(Strict):
    """A performance test on the trailing year; while it is breached, excess cash is trapped or pays down notes."""

    test: Literal["dscr", "leverage"]
    threshold: float = Field(gt=0, description="dscr: breached below it; leverage (debt / NCF): breached above it")
    action: Literal["cash_trap", "rapid_amortisation"]
    trap_pct: Percent = Field(default=100.0, description="cash_trap: share of excess cash kept in the trap account")
    effective_from: IsoDate | None = None


class Licensee(Strict):
    name: NonEmptyStr
    sector: Sector
    country: Country | None = None
    royalty_share_pct: Percent
    count: int = Field(default=1, ge=1, description="a bucket of this many obligors sharing royalty_share_pct "
                       "(e.g. 1,300 franchisees); concentration treats them as equal separate obligors")


class Litigation(Strict):
    pending: bool = False
    share_at_risk_pct: Percent = 0.0
    description: str | None = None


class Lien(Strict):
    holder: NonEmptyStr
    amount: Money | None = None


class YearAmount(Strict):
    year: int = Field(ge=1900, le=2200)
    amount: float


class Projection(Strict):
    """Either an explicit per-year list, or a base amount with growth or decay over some years."""

    explicit: list[YearAmount] | None = None
    base: Money | None = None
    growth_pct: float | None = Field(default=None, ge=-100, le=100)
    decay_pct: float | None = Field(default=None, ge=0, le=100)
    start_year: int | None = Field(default=None, ge=1900, le=2200)
    years: int | None = Field(default=None, ge=1, le=100)

    @model_validator(mode="after")
    def _one_form(self) -> Projection:
        issues: list[tuple[tuple[str | int, ...], str]] = []
        formula = [self.base, self.start_year, self.years]
        if self.explicit is not None:
            if any(v is not None for v in (*formula, self.growth_pct, self.decay_pct)):
                issues.append(((), "give either 'explicit' or base/start_year/years (with growth_pct or "
                               "decay_pct), not both"))
            years = [ya.year for ya in self.explicit]
            if years != sorted(set(years)):
                issues.append((("explicit",), "years must be distinct and in increasing order"))
        else:
            missing = [n for n, v in zip(("base", "start_year", "years"), formula, strict=True) if v is None]
            if missing:
                issues.append(((), f"needs {', '.join(missing)} (or an 'explicit' list)"))
            if self.growth_pct is not None and self.decay_pct is not None:
                issues.append((("decay_pct",), "give growth_pct or decay_pct, not both"))
        check(issues)
        return self


class CashFlows(Strict):
    history: list[YearAmount] = []
    projection: Projection


class IPAsset(Strict):
    id: Slug
    kind: AssetKind
    title: NonEmptyStr
    jurisdiction: Country
    status: AssetStatus
    filing_date: IsoDate | None = None
    grant_date: IsoDate | None = None
    expiry_date: IsoDate | None = None
    cpc: list[str] = []
    ipc: list[str] = []
    nice_classes: list[int] = []
    work_type: Literal["educational", "music", "film", "literary", "software", "broadcast", "other"] | None = None
    owner: NonEmptyStr
    chain_of_title: Literal["verified", "unverified", "disputed"] = "unverified"
    liens: list[Lien] = []
    litigation: Litigation = Litigation()
    licensees: list[Licensee] = []
    royalty_rate_pct: Percent | None = None
    licence_expiry: IsoDate | None = None
    economic_life_years: float | None = Field(default=None, gt=0, le=200)
    author_death_year: int | None = Field(default=None, ge=1000, le=2200,
                                          description="copyrights: term runs from the author's death")
    copyright_basis: Literal["author_life", "work_for_hire", "sound_recording"] = Field(
        default="author_life", description="copyrights: which statutory term applies (rulesets/terms)")
    publication_date: IsoDate | None = Field(
        default=None, description="copyrights of works made for hire and sound recordings: term runs from it")
    term_extension_years: float = Field(default=0.0, ge=0, le=10, description="patent term extension or SPC "
                                        "granted on top of the statutory term (capped per jurisdiction)")
    replacement_cost: Money | None = Field(default=None, description="cost approach: reproduction or replacement cost")
    developer_profit_pct: Percent = Field(default=0.0, description="cost approach: developer's profit on the cost")
    obsolescence_pct: Percent = Field(default=0.0, description="cost approach: functional and technological "
                                      "obsolescence (economic obsolescence follows the remaining life)")
    arms_length_royalty_pct: Percent | None = Field(
        default=None, description="relief from royalty: arm's-length rate on the licensed products' revenue "
        "(revenue = collections / royalty_rate_pct)")
    cash_flows: CashFlows

    @model_validator(mode="after")
    def _consistent(self) -> IPAsset:
        issues: list[tuple[tuple[str | int, ...], str]] = []
        if self.filing_date and self.grant_date and self.grant_date < self.filing_date:
            issues.append((("grant_date",), f"grant date {self.grant_date} is before filing date {self.filing_date}"))
        start = self.grant_date or self.filing_date
        if start and self.expiry_date and self.expiry_date <= start:
            issues.append((("expiry_date",), f"expiry date {self.expiry_date} is not after {start}"))
        for field in ("cpc", "ipc"):
            for i, code in enumerate(getattr(self, field)):
                if not _CLASS_CODE.match(code):
                    issues.append(((field, i), f"{code!r} is not a {field.upper()} symbol like 'Y02E10/50' or "
                                   "'H01L31/04' (no spaces)"))
        for i, nice in enumerate(self.nice_classes):
            if not 1 <= nice <= 45:
                issues.append((("nice_classes", i), f"Nice class {nice} is outside 1-45"))
        if self.kind not in ("patent", "utility_model") and (self.cpc or self.ipc):
            issues.append((("cpc" if self.cpc else "ipc",), f"a {self.kind} has no patent classes"))
        if self.kind == "trademark" and self.status == "granted":
            issues.append((("status",), "trademarks are 'registered', not 'granted'"))
        total = sum(lic.royalty_share_pct for lic in self.licensees)
        if total > 100.0001:
            issues.append((("licensees",), f"licensee royalty shares add to {total:g} %, more than 100 %"))
        check(issues)
        return self


# Top-level categories (一级分类) of China's catalogues, as listed in shared/reference/standards/other-standards.md
# section B (English ids are our translation). 2021 edition: the first six; 2025 edition: the last nine
# (infrastructure_green_upgrade and green_services are in both).
ChinaCatalogueCategory = Literal[
    "energy_saving_environmental_protection", "clean_production", "clean_energy", "ecological_environment",
    "infrastructure_green_upgrade", "green_services",
    "energy_saving_carbon_reduction", "environmental_protection", "resource_recycling",
    "energy_green_low_carbon_transition", "ecological_protection_restoration", "green_trade", "green_consumption"]


class GreenEnabling(Strict):
    """The allocation finances a Green Enabling Project (ICMA Green Enabling Projects Guidance, June 2024, linked
    to the GBP by the June 2025 edition). Each flag says the issuer *discloses* that the condition holds; a
    condition not stated is not met (rulesets/compliance/icma-gbp-sbp.yaml, GBP-GEP-*)."""

    enables: NonEmptyStr = Field(description="the Green Projects, or green value chain, that this project enables")
    essential_to_value_chain: bool = Field(
        default=False, description="the project is essential to the value chain of the enabled Green Project")
    no_carbon_lock_in: bool = Field(
        default=False, description="it does not lead to lock-in of high-GHG-emitting activities")
    environmental_benefit: bool = Field(
        default=False, description="it delivers a clear, quantifiable and attributable environmental benefit")
    es_risk_management: bool = Field(
        default=False, description="identified environmental and social impacts and risks are managed, with "
        "transparent disclosure of material impacts")
    end_use_transparency: bool = Field(
        default=False, description="the end use is disclosed (current use, or the ramp-up of the enabled Green "
        "Projects over time with clear timelines)")


class Allocation(Strict):
    category: IcmaCategory
    share_pct: Percent | None = None
    amount: Money | None = None
    refinancing: bool = False
    project: str | None = None
    location: Country | None = None
    taxonomy_aligned: bool | None = Field(default=None, description="EU Taxonomy alignment of the exposure")
    green_enabling: GreenEnabling | None = Field(
        default=None, description="the allocation finances a Green Enabling Project (ICMA, June 2024): the "
        "guidance's specific criteria and end-use transparency are then checked; `category` is the green "
        "category of the projects it enables")
    china_catalogue_category: ChinaCatalogueCategory | None = Field(
        default=None, description="the top-level category (一级分类) of China's catalogue the deal file assigns this "
        "allocation to: 2021 edition (six) or 2025 edition (nine); rulesets/compliance/china-catalogue.yaml checks "
        "it against the edition that governs the bond")
    eu_gbs_flexibility: bool = Field(
        default=False, description="EU GBS Art. 5(1) flexibility pocket: an activity that meets the taxonomy "
        "requirements except the technical screening criteria, because (a) none were in force at issuance or "
        "(b) it is international support reported under agreed guidelines; at most 15 % of the proceeds")

    @model_validator(mode="after")
    def _sized(self) -> Allocation:
        check([] if self.share_pct is not None or self.amount is not None else
              [((), "an allocation needs share_pct or amount")])
        return self


# Units accepted for the ICMA core indicators that have a physical dimension (rulesets/mapping/kpis.yaml lists
# the metric ids). They are the lists of the RF-UNIT-* checks in rulesets/compliance/red-flags.yaml, which
# apply to figures read from documents; a deal file is held to them when it is validated
# (tests/test_deals.py checks that the two agree). Metrics not listed here (counts, currency) take any unit.
_ENERGY = ("kWh", "MWh", "GWh", "TWh", "kWh/yr", "MWh/yr", "GWh/yr", "TWh/yr")
KPI_UNITS: dict[str, tuple[str, tuple[str, ...]]] = {
    **dict.fromkeys(("ghg_avoided", "ghg_reduced"), (
        "a CO2-equivalent mass",
        ("tCO2e", "tCO2e/yr", "t CO2e", "ktCO2e", "ktCO2e/yr", "MtCO2e", "MtCO2e/yr"))),
    **dict.fromkeys(("renewable_generation", "energy_saved", "energy_storage_capacity"), ("an energy", _ENERGY)),
    "renewable_capacity_installed": ("a power", ("kW", "MW", "GW", "kWp", "MWp", "GWp")),
    **dict.fromkeys(("waste_recycled", "waste_avoided"), ("a mass", ("t", "t/yr", "kt", "kt/yr", "tonnes"))),
    **dict.fromkeys(("water_saved", "water_treated"), ("a volume", ("m3", "m3/yr", "m³", "m³/yr", "ML", "ML/yr"))),
}


class ImpactKPI(Strict):
    metric: Slug
    value: float
    unit: NonEmptyStr = Field(description="for the indicators in KPI_UNITS one of the units listed there")
    period: Literal["annual", "lifetime", "cumulative"]
    year: int | None = Field(default=None, ge=1990, le=2100)
    baseline: float | None = None
    baseline_year: int | None = Field(default=None, ge=1950, le=2100)
    target: float | None = None
    target_year: int | None = Field(default=None, ge=1990, le=2100)
    methodology: str | None = None
    verified: bool = False
    pro_rated: bool | None = Field(default=None, description="project totals pro-rated to the bond's share")

    @field_validator("unit")
    @classmethod
    def _unit_of_the_metric(cls, unit: str, info: ValidationInfo) -> str:
        metric = info.data.get("metric")
        if metric in KPI_UNITS and unit not in KPI_UNITS[metric][1]:
            dimension, units = KPI_UNITS[metric]
            raise PydanticCustomError("kpi_unit", "'{unit}' is not {dimension} unit, which {metric} is measured in",
                                      {"unit": unit, "dimension": dimension, "metric": metric,
                                       "choices": list(units)})
        return unit

    @model_validator(mode="after")
    def _years(self) -> ImpactKPI:
        issues: list[tuple[tuple[str | int, ...], str]] = []
        if self.baseline_year and self.target_year and self.target_year < self.baseline_year:
            issues.append((("target_year",), f"target year {self.target_year} is before baseline year "
                           f"{self.baseline_year}"))
        check(issues)
        return self


class ExternalReview(Strict):
    provider: NonEmptyStr
    type: Literal["second_party_opinion", "verification", "certification", "rating"]
    timing: Literal["pre_issuance", "post_issuance"]
    esma_registered: bool = Field(default=False, description="registered with ESMA (Reg. (EU) 2023/2631 Art. 23)")
    esma_notified: bool = Field(
        default=False, description="notified ESMA under the transitional regime (Art. 69(1)); enough only "
        "until 21 June 2026, registration is required from then (Art. 69(3))")
    scope: Literal["framework", "factsheet", "allocation_report", "impact_report", "kpi_performance"] | None = Field(
        default=None, description="what the review covers; EU GBS Art. 10(1)(b) needs a review of the factsheet, "
        "ICMA post-issuance verification is of the allocation report")
    opinion: Literal["positive", "negative", "qualified"] | None = Field(
        default=None, description="the reviewer's conclusion; Art. 10(1)(b) needs a positive opinion")
    date: IsoDate | None = None


class ReportingCommitment(Strict):
    frequency: Frequency
    until: Literal["full_allocation", "maturity"] | None = None
    public: bool = True


class Reporting(Strict):
    allocation: ReportingCommitment | None = None
    impact: ReportingCommitment | None = None
    eu_gbs_factsheet: bool = Field(default=False, description="EU GBS Art. 10(1)(a): factsheet (Annex I) completed")
    eu_gbs_fossil_explanation: bool | None = Field(
        default=None, description="EU GBS Art. 18(3): the factsheet explains how the securitised exposures "
        "comply with the fossil-fuel exclusion of Art. 18(1); unknown when absent")


class ProjectSelection(Strict):
    process: str | None = None
    committee: bool = False
    exclusions: list[Sector] = []


class ManagementOfProceeds(Strict):
    tracking: Literal["sub_account", "sub_portfolio", "other", "none"]
    unallocated_policy: str | None = None
    look_back_years: float | None = Field(default=None, ge=0, le=10)


class SDGClaim(Strict):
    sdg: int = Field(ge=1, le=17)
    targets: list[str] = []

    @model_validator(mode="after")
    def _targets_of_goal(self) -> SDGClaim:
        bad: list[tuple[tuple[str | int, ...], str]] = [
            (("targets", i), f"target {t!r} is not under SDG {self.sdg}")
            for i, t in enumerate(self.targets) if t.split(".")[0] != str(self.sdg)
        ]
        check(bad)
        return self


class SustainabilityLinkedTerms(Strict):
    """ICMA Sustainability-Linked Bond Principles (2024): the five components."""

    kpis: list[Slug] = []
    targets: list[ImpactKPI] = []
    coupon_step_up_bps: float | None = Field(default=None, ge=0, le=500)
    other_characteristic: Literal["redemption_premium", "coupon_step_down", "other_financial", "structural"] | None = \
        Field(default=None, description="SLBP: another financial or structural characteristic that varies with the "
              "targets, e.g. a redemption premium (a coupon step-up is not the only one)")
    reporting: ReportingCommitment | None = None
    verification: bool = False


class Framework(Strict):
    published: bool = False
    project_selection: ProjectSelection | None = None
    management_of_proceeds: ManagementOfProceeds | None = None
    reporting: Reporting = Reporting()
    external_reviews: list[ExternalReview] = []
    sdg_claims: list[SDGClaim] = []
    sustainability_linked: SustainabilityLinkedTerms | None = None


class DocumentRef(Strict):
    path: NonEmptyStr
    type: Literal["offering_circular", "framework", "second_party_opinion", "allocation_report",
                  "impact_report", "other"] = "offering_circular"
    title: str | None = None


class Appraisal(Strict):
    """A third-party appraisal of the pool, compared with the model's value."""

    value: PositiveMoney
    appraiser: NonEmptyStr
    date: IsoDate
    method: Literal["income", "relief_from_royalty", "cost", "market", "mixed"]


class SourceRef(Strict):
    """Where a deal's facts come from (public documents for real-deal examples)."""

    title: NonEmptyStr
    url: str | None = None
    facts: list[str] = []


class Comparable(Strict):
    """A comparable transaction for the market approach: price as a multiple of trailing royalty income."""

    name: NonEmptyStr
    multiple: float = Field(gt=0, le=100)
    year: int | None = Field(default=None, ge=1950, le=2200)


class ValuationAssumptions(Strict):
    discount_rate_pct: float = Field(default=10.0, gt=0, le=100)
    convention: Literal["end", "mid"] = "end"
    tax_rate_pct: Percent = 0.0
    tax_amortisation_benefit: bool = False
    market_multiple: float | None = Field(default=None, gt=0, le=100,
                                          description="multiple of trailing net royalty income")
    appraisal: Appraisal | None = None
    comparables: list[Comparable] = []
    arms_length_royalty_pct: Percent | None = Field(
        default=None, description="relief from royalty: arm's-length rate for assets that do not state their own")


class Deal(Strict):
    id: Slug
    name: NonEmptyStr
    description: str | None = None
    originator: Party
    issuer: Party
    structure: Structure
    currency: Currency
    issue_date: IsoDate
    tranches: list[Tranche] = Field(min_length=1)
    reserves: Reserves = Reserves()
    credit_enhancement: CreditEnhancement = CreditEnhancement()
    assets: list[IPAsset] = Field(min_length=1)
    allocations: list[Allocation] = []
    kpis: list[ImpactKPI] = []
    framework: Framework = Framework()
    documents: list[DocumentRef] = []
    valuation: ValuationAssumptions = ValuationAssumptions()
    payment_frequency: Literal["annual", "semi_annual", "quarterly", "monthly"] = "annual"
    fees: Fees = Fees()
    triggers: list[Trigger] = []
    turbo_pct: Percent = Field(default=0.0, description="share of residual cash always used to prepay notes")
    sources: list[SourceRef] = []
    assumptions: list[str] = Field(default=[], description="every assumption made where public facts stop")

    @property
    def principal(self) -> float:
        return sum(t.principal for t in self.tranches)

    @model_validator(mode="after")
    def _consistent(self) -> Deal:
        check(deal_issues({name: getattr(self, name) for name in type(self).model_fields}))
        return self


def deal_issues(parts: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """Whole-deal checks over the parts of a deal that are known.

    ``parts`` maps Deal field names to validated values; a field that is absent is
    unknown (it failed validation), and every check that needs it is skipped. The
    loader calls this with the fields that did validate when others did not, so one
    run reports shares over 100 % together with a misspelled label.
    """
    issues: list[tuple[tuple[str | int, ...], str]] = []
    allocations: list[Allocation] | None = parts.get("allocations")
    tranches: list[Tranche] | None = parts.get("tranches")
    assets: list[IPAsset] | None = parts.get("assets")
    issue_date: date | None = parts.get("issue_date")
    principal = sum(t.principal for t in tranches) if tranches is not None else None
    if allocations is not None:
        shares = [a.share_pct for a in allocations if a.share_pct is not None]
        if sum(shares) > 100.0001:
            issues.append((("allocations",), f"allocation shares add to {sum(shares):g} %, more than 100 %"))
        amounts = sum(a.amount for a in allocations if a.amount is not None)
        if principal is not None and amounts > principal * 1.0001:
            currency = parts.get("currency", "")
            issues.append((("allocations",), f"allocated amounts add to {amounts:,.0f} {currency}".rstrip()
                           + f", more than the principal of {principal:,.0f}"))
    if assets is not None:
        _unique(issues, "assets", [a.id for a in assets])
    if tranches is not None:
        _unique(issues, "tranches", [t.name for t in tranches])
    for i, asset in enumerate(assets if assets is not None and issue_date is not None else []):
        assert issue_date is not None
        if asset.expiry_date and asset.expiry_date < issue_date:
            issues.append((("assets", i, "expiry_date"), f"asset {asset.id!r} expired on {asset.expiry_date}, "
                           f"before the issue date {issue_date}"))
        if asset.filing_date and asset.filing_date > issue_date:
            issues.append((("assets", i, "filing_date"), f"asset {asset.id!r} is filed after the issue date"))
    enhancement: CreditEnhancement | None = parts.get("credit_enhancement")
    if enhancement is not None and principal is not None:
        guaranteed = sum(g.amount for g in enhancement.guarantees)
        if guaranteed > principal * 1.0001:
            issues.append((("credit_enhancement", "guarantees"), f"guarantees of {guaranteed:,.0f} exceed the "
                           f"principal of {principal:,.0f}"))
    structure: Structure | None = parts.get("structure")
    framework: Framework | None = parts.get("framework")
    if structure is not None and framework is not None and structure.label == "sustainability_linked" \
            and framework.sustainability_linked is None:
        issues.append((("framework",), "a sustainability-linked deal needs framework.sustainability_linked"))
    return issues


def _unique(issues: list[tuple[tuple[str | int, ...], str]], field: str, names: list[str]) -> None:
    seen: set[str] = set()
    for i, name in enumerate(names):
        if name in seen:
            issues.append(((field, i), f"{name!r} is used twice; ids must be unique"))
        seen.add(name)




_CLASS_CODE = re.compile(r"^[A-HY]\d{2}[A-Z](\d{1,4}(/\d{1,6})?)?$")
