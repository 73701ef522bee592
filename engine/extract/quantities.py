"""Numbers, money and physical quantities as written in disclosures: pure functions, no spaCy.

Documents write "1.2bn", "EUR 300 million", "€300m", "12,500", "1.234,5", "12,5 %",
"1.2万吨", "3亿元", "45 GWh/yr". ``parse_number`` reads the digits;
``QuantityReader`` finds every quantity in a sentence with its multiplier, unit
(from the units lexicon) or currency, and normalises it (kWh -> MWh, kt -> t, ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

MULTIPLIERS: dict[str, float] = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "mln": 1e6, "mio": 1e6, "m": 1e6, "mm": 1e6,
    "billion": 1e9, "bn": 1e9, "bln": 1e9, "mrd": 1e9, "trillion": 1e12, "tn": 1e12,
    "lakh": 1e5, "crore": 1e7, "千": 1e3, "万": 1e4, "十万": 1e5, "百万": 1e6, "千万": 1e7, "亿": 1e8,
    "萬": 1e4, "十萬": 1e5, "百萬": 1e6, "千萬": 1e7, "億": 1e8,
}
_NUMBER = r"[-+]?(?:\d{1,3}(?:(?P<sep>[,.\u202f\u00a0'])\d{3})(?:(?P=sep)\d{3})*(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
_GROUPED_COMMA = re.compile(r"^\d{1,3}(,\d{3})+$")
_GROUPED_DOT = re.compile(r"^\d{1,3}(\.\d{3}){2,}$")


def parse_number(text: str, decimal_comma: bool = False) -> float:
    """'12,500' -> 12500; '1.234,5' -> 1234.5; '12,5' -> 12.5; '1 234' (narrow space) -> 1234.

    A lone '.' group such as '1.234' is a decimal point unless ``decimal_comma`` says
    the document writes decimals with a comma.
    """
    s = text.strip().replace("\u202f", "").replace("\u00a0", "").replace("'", "").replace(" ", "")
    sign = -1.0 if s.startswith("-") else 1.0
    s = s.lstrip("+-")
    if not s or not re.fullmatch(r"[\d.,]+", s) or not s[0].isdigit() and s[0] not in ".,":
        raise ValueError(f"not a number: {text!r}")
    if "," in s and "." in s:
        decimal = "," if s.rfind(",") > s.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        s = s.replace(thousands, "").replace(decimal, ".")
    elif "," in s:
        s = s.replace(",", "") if _GROUPED_COMMA.match(s) and not (decimal_comma and s.count(",") == 1) \
            else s.replace(",", ".")
    elif "." in s and (_GROUPED_DOT.match(s) or (decimal_comma and re.fullmatch(r"\d{1,3}\.\d{3}", s))):
        s = s.replace(".", "")
    if s.count(".") > 1:
        raise ValueError(f"not a number: {text!r}")
    return sign * float(s)


@dataclass(frozen=True)
class Unit:
    """A unit spelling's meaning: what it measures and how to reach the normalised unit."""

    id: str
    dimension: str
    normalized_unit: str
    factor: float


@dataclass(frozen=True)
class Quantity:
    value: float  # with the multiplier applied, in ``unit``
    start: int  # offsets in the text that was read
    end: int
    text: str
    unit: Unit | None = None
    currency: str | None = None
    percent: bool = False
    per_year: bool = False

    @property
    def normalized(self) -> float | None:
        return self.value * self.unit.factor if self.unit else None

    @property
    def is_year(self) -> bool:
        """A bare integer 1900-2100 is a year, not an amount."""
        return (self.unit is None and self.currency is None and not self.percent
                and self.value == int(self.value) and 1900 <= self.value <= 2100 and self.text.strip().isdigit())


def _alternatives(terms: list[str]) -> str:
    """Longest first; lower-case spellings match any case, others exactly ('MW' is not 'mW')."""
    parts = []
    for term in sorted(set(terms), key=len, reverse=True):
        escaped = re.escape(term).replace("\\ ", r"\s?")
        parts.append(f"(?i:{escaped})" if term == term.lower() else escaped)
    return "|".join(parts)


class QuantityReader:
    """Finds quantities in text, given the unit and currency spellings of the lexicon."""

    def __init__(self, units: Mapping[str, Unit], currencies: Mapping[str, str]):
        self.units = {k.lower() if k == k.lower() else k: v for k, v in units.items()}
        self.currencies = {k.lower(): v for k, v in currencies.items()}
        currency = _alternatives(list(currencies))
        unit = _alternatives(list(units))
        mult = "|".join(re.escape(m) for m in sorted(MULTIPLIERS, key=len, reverse=True))
        latin_end = r"(?![A-Za-z0-9\u00b2\u00b3])"
        self.pattern = re.compile(
            rf"(?:(?P<cur1>{currency})\s?)?(?<![A-Za-z0-9_.,/\u00c0-\u024f-])(?P<num>{_NUMBER})(?![\d])"
            rf"(?:\s?(?P<mult>(?i:{mult}))(?:{latin_end}|(?<=[\u4e00-\u9fff])))?"
            rf"(?:\s?(?P<pct>%|(?i:per\s?cent|percent)\b)|\s?(?P<cur2>{currency}){latin_end}"
            rf"|\s?(?:of\s)?(?P<unit>{unit})(?:{latin_end}|(?<=[^A-Za-z])))?"
            rf"(?P<per>\s?(?:/\s?(?:yr|year|annum|a)\b|(?i:per\s(?:year|annum))\b|p\.a\.))?"
        )

    def unit_named(self, text: str) -> Unit | None:
        """A unit by one of its spellings ('MWh', 'tonnes'), e.g. from a table header '(MWh)'."""
        spelled = re.sub(r"\s+", " ", text.strip())
        return self.units.get(spelled) or self.units.get(spelled.lower())

    def read(self, text: str, decimal_comma: bool = False) -> Iterator[Quantity]:
        for m in self.pattern.finditer(text):
            raw = m.group("num")
            try:
                value = parse_number(raw, decimal_comma)
            except ValueError:
                continue
            mult = m.group("mult")
            if mult:
                factor = MULTIPLIERS.get(mult.lower()) or MULTIPLIERS.get(mult)
                if factor is None or (mult.lower() in ("m", "k", "mm") and not (m.group("cur1") or m.group("cur2"))
                                      and not m.group("unit")):
                    mult = None  # '12 m' alone is metres or minutes, not millions
                else:
                    value = float(f"{value * factor:.12g}")  # 8.2 million is 8200000, not 8199999.999999999
            unit_text = m.group("unit")
            unit = None
            if unit_text:
                unit = self.units.get(re.sub(r"\s+", " ", unit_text)) or self.units.get(
                    re.sub(r"\s+", " ", unit_text).lower())
            cur = m.group("cur1") or m.group("cur2")
            end = m.end("per") if m.group("per") else (m.end() if (mult or unit or cur or m.group("pct"))
                                                         else m.end("num"))
            yield Quantity(value=value, start=m.start(), end=end, text=text[m.start():end], unit=unit,
                           currency=self.currencies.get(cur.lower()) if cur else None,
                           percent=bool(m.group("pct")), per_year=bool(m.group("per")))


_DECIMAL_COMMA = re.compile(r"\d\.\d{3},\d|\b\d{1,3},\d{1,2}\s?%|\d,\d{1,2}\s?(?:Mio|Mrd)")


def writes_decimal_comma(text: str) -> bool:
    """Does this document write '1.234,5' (continental style)? Decides what '1.234' means."""
    return bool(_DECIMAL_COMMA.search(text))
