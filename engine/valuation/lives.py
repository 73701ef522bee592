"""How long each asset can earn: legal term by kind and jurisdiction, licence term, economic life.

Cash flows stop at the earliest of these ends; nothing is valued past it, and no
terminal value is added to an asset whose life has an end. Terms (DESIGN §5):
patents 20 years from filing; designs 15 years from filing; utility models 10 years
from filing (CN; the same term is used elsewhere, e.g. DE and JP also grant 10);
copyrights run to the end of the calendar year ``author death + 70`` (US and by default)
or ``+ 50`` (CN); trademarks and trade secrets have no legal end (renewable), so
their economic life, if given, is the cap. Economic life is counted from the deal's
issue date: it is the earning life the deal's own forecast assumes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine.models import Deal, IPAsset
from engine.models.valuation import LimitedBy

TERM_YEARS_FROM_FILING = {"patent": 20, "design": 15, "utility_model": 10}
COPYRIGHT_YEARS_AFTER_DEATH = {"CN": 50}
COPYRIGHT_YEARS_AFTER_DEATH_DEFAULT = 70  # US (17 U.S.C. §302) and EU
NOT_EARNING = ("expired", "lapsed")


@dataclass(frozen=True)
class Life:
    """An asset's earning window and which limit ends it (``None``: no end known)."""

    legal_end: date | None
    end: date | None
    limited_by: LimitedBy


def add_years(day: date, years: int) -> date:
    """Same day ``years`` later; 29 February falls back to the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def legal_end(asset: IPAsset) -> date | None:
    """End of legal protection: a stated expiry wins, else the statutory term of the kind."""
    if asset.expiry_date is not None:
        return asset.expiry_date
    if asset.kind in TERM_YEARS_FROM_FILING and asset.filing_date is not None:
        return add_years(asset.filing_date, TERM_YEARS_FROM_FILING[asset.kind])
    if asset.kind == "copyright" and asset.author_death_year is not None:
        years = COPYRIGHT_YEARS_AFTER_DEATH.get(asset.jurisdiction, COPYRIGHT_YEARS_AFTER_DEATH_DEFAULT)
        return date(asset.author_death_year + years + 1, 1, 1)
    return None


def life(asset: IPAsset, deal: Deal) -> Life:
    """The earliest of legal end, licence expiry and economic life end."""
    ends: list[tuple[date, LimitedBy]] = []
    legal = legal_end(asset)
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
