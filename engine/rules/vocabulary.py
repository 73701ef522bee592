"""The closed vocabulary of the rule language: fact types, their typed fields, operators.

docs/rules.md documents the same table; the loader rejects anything not listed
here (with the valid choices), and the engine checks facts against it before
they reach durable_rules, which would otherwise coerce ``1`` to ``true`` and
``"0.9"`` to a number.
"""

from __future__ import annotations

import math
from typing import Literal

FieldType = Literal["str", "num", "bool", "list_str", "list_num"]

COMMON: dict[str, FieldType] = {"id": "str", "source": "str", "evidence": "str"}

FACT_TYPES: dict[str, dict[str, FieldType]] = {
    "deal": {
        "label": "str", "structure_type": "str", "collateral_basis": "str", "secured_green_type": "str",
        "synthetic": "bool", "claims_eu_gbs": "bool", "originator_is_issuer": "bool", "currency": "str",
        "principal": "num", "max_tenor_years": "num", "originator_sector": "str", "issuer_sector": "str",
        "n_assets": "num", "n_allocations": "num", "n_kpis": "num", "allocated_share_pct": "num",
        "refinancing_share_pct": "num", "taxonomy_aligned_share_pct": "num",
        "eu_gbs_pocket_share_pct": "num", "eu_gbs_unqualified_share_pct": "num", "follows_china_catalogue": "bool",
        "originator_country": "str", "issuer_country": "str", "issue_date_yyyymmdd": "num",
    },
    "tranche": {"name": "str", "principal": "num", "coupon_pct": "num", "tenor_years": "num",
                "amortisation": "str", "seniority": "str"},
    "asset": {
        "kind": "str", "status": "str", "counts": "bool", "jurisdiction": "str", "cpc": "list_str",
        "ipc": "list_str", "nice_classes": "list_num", "work_type": "str", "chain_of_title": "str",
        "n_liens": "num", "litigation_pending": "bool", "litigation_share_pct": "num", "royalty_rate_pct": "num",
        "remaining_life_years": "num", "value_share_pct": "num",
    },
    "licensee": {"asset_id": "str", "name": "str", "sector": "str", "country": "str", "royalty_share_pct": "num"},
    "allocation": {"category": "str", "share_pct": "num", "amount": "num", "refinancing": "bool", "hedged": "bool",
                   "taxonomy_aligned": "bool", "project": "str", "location": "str", "china_catalogue_category": "str",
                   "green_enabling": "bool", "gep_value_chain": "bool", "gep_no_lock_in": "bool", "gep_benefit": "bool",
                   "gep_es_risks": "bool", "gep_end_use": "bool"},
    "kpi": {"metric": "str", "value": "num", "unit": "str", "normalized_value": "num", "normalized_unit": "str",
            "period": "str", "year": "num", "has_baseline": "bool", "has_methodology": "bool", "has_target": "bool",
            "verified": "bool", "pro_rated": "bool", "hedged": "bool"},
    "review": {"provider": "str", "type": "str", "timing": "str", "esma_registered": "bool",
               "esma_notified": "bool", "scope": "str", "opinion": "str"},
    "framework": {"published": "bool", "has_selection_process": "bool", "selection_committee": "bool",
                  "exclusions": "list_str", "tracking": "str", "has_unallocated_policy": "bool",
                  "look_back_years": "num", "allocation_reporting": "str", "impact_reporting": "str",
                  "eu_gbs_factsheet": "bool", "selection_firm": "bool",
                  "unallocated_firm": "bool", "eu_gbs_fossil_explanation": "bool"},
    "sdg_claim": {"sdg": "num", "targets": "list_str", "hedged": "bool"},
    "slb": {"kpis": "list_str", "n_targets": "num", "coupon_step_up_bps": "num", "reporting": "str",
            "verification": "bool", "other_characteristic": "str", "characteristic_change": "bool"},
    "metric": {"name": "str", "value": "num", "unit": "str"},
    "disclosure": {"kind": "str", "hedged": "bool", "category": "str", "metric": "str"},
    "contradiction": {"field": "str", "deal_value": "str", "document_value": "str", "message": "str"},
}
for _fields in FACT_TYPES.values():
    _fields.update(COMMON)

COMPARE_OPS = ("eq", "ne", "gt", "gte", "lt", "lte")
OPERATORS = (*COMPARE_OPS, "in", "not_in", "prefix", "matches", "exists", "any", "all")
ORDER_OPS = ("gt", "gte", "lt", "lte")


def field_type(fact: str, field: str) -> FieldType | None:
    return FACT_TYPES.get(fact, {}).get(field)


def value_fits(ftype: str, value: object) -> bool:
    """Strict typing: bools are not numbers, numbers are not strings."""
    base = ftype.removeprefix("list_")
    if base == "bool":
        return isinstance(value, bool)
    if base == "num":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, str)


def check_facts(facts: list[dict[str, object]]) -> tuple[list[dict[str, object]], list[str]]:
    """Facts with None fields stripped, and a message per fact that breaks the vocabulary.

    Checking here is what keeps durable_rules' coercions (``1`` == ``true``, ``"0.9"``
    as a number) from ever mattering: a field only ever holds its declared type.
    """
    clean: list[dict[str, object]] = []
    problems: list[str] = []
    for i, fact in enumerate(facts):
        kind = fact.get("t")
        if not isinstance(kind, str) or kind not in FACT_TYPES:
            problems.append(f"fact {i}: unknown fact type {kind!r} (valid choices: {', '.join(sorted(FACT_TYPES))})")
            continue
        fields = FACT_TYPES[kind]
        out: dict[str, object] = {"t": kind}
        for key, value in fact.items():
            if key == "t" or value is None:
                continue
            ftype = fields.get(key)
            if ftype is None:
                choices = ", ".join(sorted(fields))
                problems.append(f"fact {i} ({kind}): unknown field {key!r} (valid choices: {choices})")
            elif ftype.startswith("list_"):
                if not isinstance(value, list | tuple) or not all(value_fits(ftype, v) for v in value):
                    problems.append(f"fact {i} ({kind}): {key!r} must be a list of {ftype[5:]}, got {value!r}")
                else:
                    out[key] = list(value)
            elif not value_fits(ftype, value) or (isinstance(value, float) and not math.isfinite(value)):
                problems.append(f"fact {i} ({kind}): {key!r} must be a {ftype}, got {value!r}")
            else:
                out[key] = value
        clean.append(out)
    return clean, problems
