"""Helpers shared by the opinions: a finding's clause and evidence as a row shows them."""

from __future__ import annotations

from engine.models import Finding


def clause(f: Finding) -> str:
    ref = f.reference
    return f"{ref.title}, {ref.edition}" if ref.edition and ref.edition not in ref.title else ref.title


def evidence(f: Finding) -> str | None:
    refs = sorted({str(x["evidence"]) for x in f.facts if x.get("evidence")})
    return "; ".join(refs) or None
