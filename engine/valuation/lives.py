"""How long each asset can earn: legal term by kind and jurisdiction, licence term, economic life.

Cash flows stop at the earliest of these ends; nothing is valued past it, and no
terminal value is added to an asset whose life has an end. The statutory terms are
data, with a reference per jurisdiction and kind, in ``rulesets/terms/legal-terms.yaml``
(patents 20 years from filing plus any term extension or SPC up to the jurisdiction's
cap; US design patents 15 years from grant; EU designs up to 25 years; CN designs 15
years from filing since 1 June 2021; copyrights life + 70 / + 50 (CN), works made for
hire and sound recordings from publication). Trademarks and trade secrets have no legal
end (renewable), so their economic life, if given, is the cap. Economic life is counted
from the deal's issue date: it is the earning life the deal's own forecast assumes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field

from engine import errors, yamlio
from engine.errors import InputError
from engine.models import Deal, IPAsset
from engine.models.base import IsoDate, ReferenceSpec, Strict
from engine.models.valuation import LimitedBy

TERMS_FILE = Path(__file__).resolve().parents[2] / "rulesets" / "terms" / "legal-terms.yaml"
NOT_EARNING = ("expired", "lapsed")


class Term(Strict):
    kind: Literal["patent", "utility_model", "design", "copyright"]
    basis: Literal["author_life", "work_for_hire", "sound_recording"] | None = None
    jurisdiction: str | list[str]
    years: int = Field(gt=0, le=200)
    from_: Literal["filing", "grant", "author_death", "publication"] = Field(alias="from")
    year_end: bool = False
    max_extension_years: float = 0.0
    filed_from: IsoDate | None = None
    filed_until: IsoDate | None = None
    reference: str


class TermsFile(Strict):
    title: str
    version: str
    references: dict[str, ReferenceSpec]
    terms: list[Term]


@dataclass(frozen=True)
class Life:
    """An asset's earning window and which limit ends it (``None``: no end known)."""

    legal_end: date | None
    end: date | None
    limited_by: LimitedBy


def stamp(path: Path) -> tuple[str, int, int]:
    """Path, modification time (ns) and size: a cache key that changes when the file is edited."""
    try:
        st = path.stat()
        return str(path), st.st_mtime_ns, st.st_size
    except OSError:
        return str(path), -1, -1


def terms(path: Path = TERMS_FILE) -> TermsFile:
    """The statutory-term table, validated (file:line errors), re-read only when the file changes."""
    return _terms_at(*stamp(path))


@lru_cache(maxsize=8)
def _terms_at(name: str, mtime_ns: int, size: int) -> TermsFile:
    path = Path(name)
    table: TermsFile = yamlio.validate(TermsFile, yamlio.load_file(path))
    unknown = sorted({t.reference for t in table.terms} - set(table.references))
    if unknown:
        defined = ", ".join(table.references)
        raise InputError.single(errors.UNDEFINED_REFERENCE, f"terms cite undefined references: {', '.join(unknown)}",
                                str(path), hint=f"define them under references (defined: {defined})")
    return table


def add_years(day: date, years: int) -> date:
    """Same day ``years`` later; 29 February falls back to the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def term_for(asset: IPAsset, terms_file: Path = TERMS_FILE) -> Term | None:
    """The row that applies: the asset's jurisdiction before "*", and the filing-date window it falls in."""
    basis = asset.copyright_basis if asset.kind == "copyright" else None
    return _term(asset.kind, basis, asset.jurisdiction, asset.filing_date, stamp(terms_file))


@lru_cache(maxsize=4096)
def _term(kind: str, basis: str | None, jurisdiction: str, filed: date | None,
          key: tuple[str, int, int]) -> Term | None:
    best: Term | None = None
    for row in _terms_at(*key).terms:
        places = row.jurisdiction if isinstance(row.jurisdiction, list) else [row.jurisdiction]
        if row.kind != kind or row.basis != basis or not (jurisdiction in places or "*" in places):
            continue
        if (row.filed_from or row.filed_until) and filed is None:
            continue
        if filed and ((row.filed_from and filed < row.filed_from) or (row.filed_until and filed > row.filed_until)):
            continue
        if best is None or (_is_fallback(best) and "*" not in places):
            best = row
    return best


def _is_fallback(row: Term) -> bool:
    return "*" in (row.jurisdiction if isinstance(row.jurisdiction, list) else [row.jurisdiction])


def legal_end(asset: IPAsset, terms_file: Path = TERMS_FILE) -> date | None:
    """End of legal protection: a stated expiry wins, else the statutory term of the kind."""
    if asset.expiry_date is not None:
        return asset.expiry_date
    row = term_for(asset, terms_file)
    if row is None:
        return None
    start = {"filing": asset.filing_date, "grant": asset.grant_date, "publication": asset.publication_date,
             "author_death": date(asset.author_death_year, 12, 31) if asset.author_death_year else None}[row.from_]
    if start is None:
        return None
    if row.year_end:  # to the end of the calendar year: the day after is 1 January
        return date(start.year + row.years + 1, 1, 1)
    end = add_years(start, row.years)
    extension = min(asset.term_extension_years, row.max_extension_years)
    return date.fromordinal(end.toordinal() + round(extension * 365.25)) if extension > 0 else end


def life(asset: IPAsset, deal: Deal, terms_file: Path = TERMS_FILE) -> Life:
    """The earliest of legal end, licence expiry and economic life end."""
    ends: list[tuple[date, LimitedBy]] = []
    legal = legal_end(asset, terms_file)
    if legal is not None:
        ends.append((legal, "legal"))
    if asset.licence_expiry is not None:
        ends.append((asset.licence_expiry, "licence"))
    if asset.economic_life_years is not None:
        days = round(asset.economic_life_years * 365.25)
        ends.append((date.fromordinal(deal.issue_date.toordinal() + days), "economic"))
    if not ends:
        return Life(None, None, "none")
    end, why = min(ends)
    return Life(legal, end, why)
