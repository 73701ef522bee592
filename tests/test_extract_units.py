"""Unit factors come from pint, checked against the dimension the units lexicon claims."""

from __future__ import annotations

import pytest

from engine.extract import default_extractor
from engine.extract.units import conversion


@pytest.mark.parametrize(("unit", "dimension", "normalized", "factor"), [
    ("kilowatt_hour", "energy", "MWh", 0.001),
    ("gigawatt_hour", "energy", "MWh", 1000.0),
    ("kilowatt", "power", "MW", 0.001),
    ("kilotonne", "co2", "tCO2e", 1000.0),
    ("megaliter", "volume", "m3", 1000.0),
    ("tonne_coal_equivalent", "energy", "MWh", 8.141),  # GB/T 2589-2020: 29.3076 GJ
])
def test_conversion(unit: str, dimension: str, normalized: str, factor: float) -> None:
    assert conversion(unit, dimension, normalized) == pytest.approx(factor)


@pytest.mark.parametrize(("unit", "dimension", "normalized", "message"), [
    ("kilowatt", "energy", "MWh", "not energy"),
    ("furlongs_per_fortnight_squared_x", "energy", "MWh", "pint does not know"),
    ("tonne", "mass", "MWh", "cannot be converted"),
])
def test_a_wrong_unit_is_refused(unit: str, dimension: str, normalized: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        conversion(unit, dimension, normalized)


def test_every_lexicon_unit_has_a_pint_factor() -> None:
    reader = default_extractor().reader
    assert reader.unit_named("MWh") is not None and reader.unit_named("MWh").factor == 1.0  # type: ignore[union-attr]
    assert reader.unit_named("千瓦时").factor == pytest.approx(0.001)  # type: ignore[union-attr]
    assert reader.unit_named("吨标准煤").normalized_unit == "MWh"  # type: ignore[union-attr]
