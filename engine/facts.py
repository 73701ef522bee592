"""Deal and valuation -> the flat facts rules see (docs/rules.md, "Facts").

Rules never see pydantic objects: each fact is a JSON-able dict with ``t`` (type),
a unique ``id``, ``source`` and an ``evidence`` pointer. Derived fields that
rules need (an asset ``counts``, its remaining legal life, allocation shares
from amounts) are computed here once, at the screening's ``as_of``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from engine.commitments import weak_cue
from engine.models import Deal, IPAsset
from engine.models.deal import GreenEnabling
from engine.valuation.lives import TERMS_FILE, legal_end  # one statutory-term table for facts and valuation

COUNTING_STATUSES = ("granted", "registered", "licensed_in")
TRADEMARK_RENEWAL_YEARS = 10


def _years_between(start: date, end: date) -> float:
    return round((end - start).days / 365.25, 2)


def remaining_life_years(asset: IPAsset, as_of: date, terms_file: Path = TERMS_FILE) -> float | None:
    """Remaining legal life; trademarks renew, so their economic life (or 10 y) stands in."""
    if asset.kind == "trademark":
        return float(asset.economic_life_years or TRADEMARK_RENEWAL_YEARS)
    end = legal_end(asset, terms_file)
    if end is None:
        return float(asset.economic_life_years) if asset.economic_life_years else None
    return max(0.0, _years_between(as_of, end))


def asset_counts(asset: IPAsset, as_of: date, terms_file: Path = TERMS_FILE) -> bool:
    """Pending, expired and lapsed rights never count; nor does one past its end date at as_of."""
    if asset.status not in COUNTING_STATUSES:
        return False
    end = legal_end(asset, terms_file)
    return end is None or end >= as_of


def _pct(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 4) if whole else 0.0


def _enabling(gep: GreenEnabling | None) -> dict[str, Any]:
    """An allocation's Green Enabling Project disclosures as allocation fields (none when it is not one)."""
    if gep is None:
        return {}
    return {"green_enabling": True, "gep_value_chain": gep.essential_to_value_chain,
            "gep_no_lock_in": gep.no_carbon_lock_in, "gep_benefit": gep.environmental_benefit,
            "gep_es_risks": gep.es_risk_management, "gep_end_use": gep.end_use_transparency}


def deal_facts(deal: Deal, as_of: date, *, evidence_base: str | None = None,
               value_shares: Mapping[str, float] | None = None,
               terms_file: Path = TERMS_FILE) -> list[dict[str, Any]]:
    """Every fact of one deal file (``source: deal``), ``evidence`` as ``<file>#<path>``.

    ``terms_file`` is the statutory-term table the legal ends come from (a rules folder's own, when screening
    with one), the same table the valuation uses.

    ``value_shares`` (asset id -> percent of pool value, from the valuation) fills
    ``asset.value_share_pct``; without it the field is absent.
    """
    base = evidence_base or "deal"
    value_shares = value_shares or {}
    facts: list[dict[str, Any]] = []

    def add(fact_type: str, fid: str, where: str, **fields: Any) -> None:
        fact = {"t": fact_type, "id": fid, "source": "deal", "evidence": f"{base}#{where}"}
        fact.update({k: v for k, v in fields.items() if v is not None})
        facts.append(fact)

    principal = deal.principal
    shares = [a.share_pct if a.share_pct is not None else _pct(a.amount or 0.0, principal) for a in deal.allocations]
    aligned = [s for s, a in zip(shares, deal.allocations, strict=True) if a.taxonomy_aligned]
    known_alignment = any(a.taxonomy_aligned is not None for a in deal.allocations)
    pocket = [s for s, a in zip(shares, deal.allocations, strict=True)
              if not a.taxonomy_aligned and a.eu_gbs_flexibility]
    unqualified = [s for s, a in zip(shares, deal.allocations, strict=True)
                   if not a.taxonomy_aligned and not a.eu_gbs_flexibility]
    s = deal.structure
    add("deal", deal.id, "structure", label=s.label, structure_type=s.type, collateral_basis=s.collateral_basis,
        secured_green_type=s.secured_green_type, synthetic=s.synthetic, claims_eu_gbs=s.claims_eu_gbs,
        originator_is_issuer=s.originator_is_issuer, follows_china_catalogue=s.follows_china_catalogue,
        originator_country=deal.originator.country, issuer_country=deal.issuer.country,
        issue_date_yyyymmdd=int(deal.issue_date.strftime("%Y%m%d")), currency=deal.currency,
        principal=float(principal),
        max_tenor_years=max(t.tenor_years for t in deal.tranches), originator_sector=deal.originator.sector,
        issuer_sector=deal.issuer.sector, n_assets=len(deal.assets), n_allocations=len(deal.allocations),
        n_kpis=len(deal.kpis), allocated_share_pct=round(sum(shares), 4),
        refinancing_share_pct=round(sum(sh for sh, a in zip(shares, deal.allocations, strict=True)
                                        if a.refinancing), 4),
        taxonomy_aligned_share_pct=round(sum(aligned), 4) if known_alignment else None,
        eu_gbs_pocket_share_pct=round(sum(pocket), 4) if known_alignment else None,
        eu_gbs_unqualified_share_pct=round(sum(unqualified), 4) if known_alignment else None)
    for i, t in enumerate(deal.tranches):
        add("tranche", f"tranche:{i}", f"tranches[{i}]", name=t.name, principal=float(t.principal),
            coupon_pct=float(t.coupon_pct), tenor_years=t.tenor_years, amortisation=t.amortisation,
            seniority=t.seniority)
    for i, a in enumerate(deal.assets):
        add("asset", a.id, f"assets[{i}]", kind=a.kind, status=a.status, counts=asset_counts(a, as_of, terms_file),
            jurisdiction=a.jurisdiction, cpc=list(a.cpc), ipc=list(a.ipc), nice_classes=list(a.nice_classes),
            work_type=a.work_type, chain_of_title=a.chain_of_title, n_liens=len(a.liens),
            litigation_pending=a.litigation.pending, litigation_share_pct=float(a.litigation.share_at_risk_pct),
            royalty_rate_pct=None if a.royalty_rate_pct is None else float(a.royalty_rate_pct),
            remaining_life_years=remaining_life_years(a, as_of, terms_file),
            value_share_pct=None if a.id not in value_shares else float(value_shares[a.id]))
        for j, lic in enumerate(a.licensees):
            add("licensee", f"licensee:{a.id}:{j}", f"assets[{i}].licensees[{j}]", asset_id=a.id, name=lic.name,
                sector=lic.sector, country=lic.country, royalty_share_pct=float(lic.royalty_share_pct))
    for i, (alloc, share) in enumerate(zip(deal.allocations, shares, strict=True)):
        add("allocation", f"allocation:{i}", f"allocations[{i}]", category=alloc.category, share_pct=float(share),
            amount=None if alloc.amount is None else float(alloc.amount), refinancing=alloc.refinancing,
            taxonomy_aligned=alloc.taxonomy_aligned, project=alloc.project, location=alloc.location,
            china_catalogue_category=alloc.china_catalogue_category, **_enabling(alloc.green_enabling))
    for i, k in enumerate(deal.kpis):
        add("kpi", f"kpi:{i}", f"kpis[{i}]", metric=k.metric, value=float(k.value), unit=k.unit, period=k.period,
            year=k.year, has_baseline=k.baseline is not None, has_methodology=bool(k.methodology),
            has_target=k.target is not None, verified=k.verified, pro_rated=k.pro_rated, hedged=False)
    fw = deal.framework
    for i, r in enumerate(fw.external_reviews):
        add("review", f"review:{i}", f"framework.external_reviews[{i}]", provider=r.provider, type=r.type,
            timing=r.timing, esma_registered=r.esma_registered, esma_notified=r.esma_notified,
            scope=r.scope, opinion=r.opinion)
    sel, mop, rep = fw.project_selection, fw.management_of_proceeds, fw.reporting
    selection = sel.process if sel else None
    unallocated = mop.unallocated_policy if mop else None
    add("framework", "framework", "framework", published=fw.published,
        has_selection_process=bool(selection), selection_committee=bool(sel and sel.committee),
        selection_firm=bool(selection) and weak_cue(selection) is None,
        unallocated_firm=bool(unallocated) and weak_cue(unallocated) is None,
        exclusions=list(sel.exclusions) if sel else [], tracking=mop.tracking if mop else "none",
        has_unallocated_policy=bool(mop and mop.unallocated_policy),
        look_back_years=None if not mop or mop.look_back_years is None else float(mop.look_back_years),
        allocation_reporting=rep.allocation.frequency if rep.allocation else "none",
        impact_reporting=rep.impact.frequency if rep.impact else "none", eu_gbs_factsheet=rep.eu_gbs_factsheet,
        eu_gbs_fossil_explanation=rep.eu_gbs_fossil_explanation)
    for i, claim in enumerate(fw.sdg_claims):
        add("sdg_claim", f"sdg_claim:{i}", f"framework.sdg_claims[{i}]", sdg=claim.sdg, targets=list(claim.targets))
    slb = fw.sustainability_linked
    if slb is not None:
        add("slb", "slb", "framework.sustainability_linked", kpis=list(slb.kpis), n_targets=len(slb.targets),
            coupon_step_up_bps=None if slb.coupon_step_up_bps is None else float(slb.coupon_step_up_bps),
            other_characteristic=slb.other_characteristic,
            characteristic_change=bool(slb.coupon_step_up_bps) or slb.other_characteristic is not None,
            reporting=slb.reporting.frequency if slb.reporting else "none", verification=slb.verification)
    return facts


def metric_facts(metrics: Mapping[str, float], units: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Valuation metrics (dscr_min, ltv_pct, ...) as ``metric`` facts (``source: valuation``)."""
    units = units or {}
    return [{"t": "metric", "id": f"metric:{name}", "name": name, "value": float(value),
             "source": "valuation", "evidence": f"valuation#{name}", **({"unit": units[name]} if name in units else {})}
            for name, value in sorted(metrics.items())]
