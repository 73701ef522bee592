"""Number, money and unit parsing: the pure functions every KPI and allocation figure goes through."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.extract import default_extractor
from engine.extract.quantities import parse_number, writes_decimal_comma


def read(text: str, decimal_comma: bool = False) -> list[tuple[float, str | None, str | None, bool]]:
    reader = default_extractor().reader
    return [(q.value, q.unit.id if q.unit else None, q.currency, q.percent) for q in reader.read(text, decimal_comma)]


@pytest.mark.parametrize(("text", "value"), [
    ("12,500", 12500), ("1,234.5", 1234.5), ("1.234,5", 1234.5), ("12,5", 12.5), ("0.75", 0.75),
    ("1.234.567", 1234567), ("1\u202f234", 1234), ("-3.5", -3.5),
])
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


def test_a_lone_dot_group_follows_the_documents_style() -> None:
    assert parse_number("1.234") == pytest.approx(1.234)
    assert parse_number("1.234", decimal_comma=True) == pytest.approx(1234)
    assert writes_decimal_comma("Ein Anteil von 12,5 % und 1.234,5 MWh")
    assert not writes_decimal_comma("A share of 12.5% and 1,234.5 MWh")


@pytest.mark.parametrize(("text", "expected"), [
    ("EUR 300 million", (3e8, None, "EUR", False)),
    ("€300m", (3e8, None, "EUR", False)),
    ("1.2bn", (1.2e9, None, None, False)),
    ("USD 1.5 billion", (1.5e9, None, "USD", False)),
    ("300 million euros", (3e8, None, "EUR", False)),
    ("3亿元", (3e8, None, "CNY", False)),
    ("12,5 %", (12.5, None, None, True)),
    ("55 per cent.", (55, None, None, True)),
    ("1.2万吨", (12000, "t", None, False)),
    ("45 GWh", (45, "GWh", None, False)),
    ("12,500 tCO2e", (12500, "tCO2e", None, False)),
    ("120 tonnes of CO2e", (120, "tCO2e", None, False)),
    ("5 kt CO2e", (5, "ktCO2e", None, False)),
    ("2,000 m³", (2000, "m3", None, False)),
    ("50 MWp", (50, "MW", None, False)),
])
def test_quantities_as_written(text: str, expected: tuple[float, str | None, str | None, bool]) -> None:
    found = read(text)
    assert len(found) == 1
    value, unit, currency, percent = found[0]
    assert value == pytest.approx(expected[0]) and (unit, currency, percent) == expected[1:]


@pytest.mark.parametrize(("text", "normalized", "unit"), [
    ("850 kWh", 0.85, "MWh"), ("1.1 TWh", 1_100_000, "MWh"), ("3 GW", 3000, "MW"), ("2 Mt CO2e", 2_000_000, "tCO2e"),
    ("400 kg", 0.4, "t"), ("5 megalitres", 5000, "m3"), ("250 litres", 0.25, "m3"),
])
def test_normalisation_to_the_harmonised_framework_units(text: str, normalized: float, unit: str) -> None:
    (q,) = default_extractor().reader.read(text)
    assert q.normalized == pytest.approx(normalized) and q.unit is not None and q.unit.normalized_unit == unit


def test_years_and_bare_numbers_are_not_amounts() -> None:
    (year,) = default_extractor().reader.read("in 2023")
    assert year.is_year
    assert read("12 m high") == [(12, None, None, False)]  # 'm' alone is not 'million'


@given(st.integers(min_value=0, max_value=10**12))
def test_english_thousands_round_trip(n: int) -> None:
    assert parse_number(f"{n:,}") == n


@given(st.integers(min_value=1000, max_value=10**12), st.integers(min_value=0, max_value=9))
def test_european_style_round_trip(n: int, tenth: int) -> None:
    written = f"{n:,}".replace(",", ".") + f",{tenth}"
    assert parse_number(written) == pytest.approx(n + tenth / 10)


@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False),
       st.sampled_from([("kWh", 0.001), ("MWh", 1.0), ("GWh", 1000.0), ("TWh", 1e6)]))
def test_energy_normalises_to_mwh(value: object, unit: tuple[str, float]) -> None:
    (q,) = default_extractor().reader.read(f"{value} {unit[0]}")
    assert q.normalized == pytest.approx(float(str(value)) * unit[1])


@given(st.integers(min_value=1, max_value=9999), st.sampled_from([("万", 1e4), ("亿", 1e8), ("million", 1e6),
                                                                  ("bn", 1e9), ("thousand", 1e3)]))
def test_multipliers(n: int, mult: tuple[str, float]) -> None:
    sep = "" if mult[0] in ("万", "亿", "bn") else " "
    (q,) = default_extractor().reader.read(f"EUR {n}{sep}{mult[0]}")
    assert q.value == pytest.approx(n * mult[1]) and q.currency == "EUR"
