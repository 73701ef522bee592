"""Unit dimensions and conversion factors from pint, not from hand-written tables.

The units lexicon (rulesets/lexicons/units.yaml) says how documents spell a unit and which
pint unit that spelling is (``attrs.pint``); pint checks that the unit measures the dimension the
lexicon claims and gives the factor to the normalised unit of the ICMA Harmonised Framework
(MWh, MW, tCO2e, t, m3), or hectares and kilometres for land and transport. One unit pint does
not know is defined here: the tonne of standard coal equivalent (标准煤) that Chinese
disclosures report energy savings in.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

# 1 kgce = 29,307.6 kJ (7,000 kcal): GB/T 2589-2020 General principles for calculation of the comprehensive
# energy consumption, clause 3.7 (standard coal equivalent); so 1 tce = 29.3076 GJ = 8.141 MWh
COAL_EQUIVALENT = "tonne_coal_equivalent = 29.3076 * gigajoule = tce"

NORMALIZED = {"MWh": "megawatt_hour", "MW": "megawatt", "tCO2e": "tonne", "t": "tonne", "m3": "meter ** 3",
              "ha": "hectare", "km": "kilometer"}
# the lexicon's dimension names -> pint dimensionality; tonnes of CO2e are a mass to pint
DIMENSIONS = {"energy": "[mass] * [length] ** 2 / [time] ** 2", "power": "[mass] * [length] ** 2 / [time] ** 3",
              "co2": "[mass]", "mass": "[mass]", "volume": "[length] ** 3", "area": "[length] ** 2",
              "length": "[length]"}


@lru_cache(maxsize=1)
def registry() -> Any:
    """pint's registry, built once per process and imported on first use.

    Parsing pint's definitions costs ~0.3 s of CPU; pint keeps the parsed definitions in its user cache
    folder (``cache_folder=":auto:"``, ~/.cache/pint), so later processes load them in ~0.02 s. Where
    that folder cannot be used the registry is built without it.
    """
    import pint

    try:
        ureg: Any = pint.UnitRegistry(cache_folder=":auto:")
    except OSError:
        ureg = pint.UnitRegistry()
    ureg.define(COAL_EQUIVALENT)
    return ureg


@lru_cache(maxsize=256)
def conversion(unit: str, dimension: str, normalized_unit: str) -> float:
    """Factor from a pint unit to the normalised unit; ValueError when the unit does not measure ``dimension``."""
    ureg = registry()
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r} (known: {', '.join(sorted(DIMENSIONS))})")
    if normalized_unit not in NORMALIZED:
        raise ValueError(f"unknown normalised unit {normalized_unit!r} (known: {', '.join(NORMALIZED)})")
    try:
        quantity = ureg.Quantity(1, unit)
    except Exception as exc:  # pint raises several error types for an unknown or malformed unit  # noqa: BLE001
        raise ValueError(f"pint does not know the unit {unit!r} ({exc})") from None
    if quantity.dimensionality != ureg.get_dimensionality(DIMENSIONS[dimension]):
        raise ValueError(f"{unit!r} measures {quantity.dimensionality}, not {dimension}")
    target = ureg.Quantity(1, NORMALIZED[normalized_unit])
    if target.dimensionality != quantity.dimensionality:
        raise ValueError(f"{unit!r} cannot be converted to {normalized_unit}")
    return float(f"{quantity.to(NORMALIZED[normalized_unit]).magnitude:.12g}")
