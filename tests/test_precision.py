"""Numbers are written at the precision engine/precision.py states, so outputs are byte-stable."""

from __future__ import annotations

import json
import re
import typing
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, PlainSerializer

from engine.models.disclosures import Kpi, UseOfProceeds
from engine.models.screening import CheckResult, ESGPart, ScorePoint, SDGScore, TopicalPassage
from engine.models.valuation import Valuation
from engine.precision import DECIMALS, distinct, kind_of, round_fact, rounded
from tests.screening_cases import EXAMPLES, screened

finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)
kinds = st.sampled_from(sorted(DECIMALS))


@given(finite, kinds)
def test_rounding_is_idempotent_and_within_half_a_unit(x: float, kind: str) -> None:
    once = rounded(x, kind)  # type: ignore[arg-type]
    assert rounded(once, kind) == once  # type: ignore[arg-type]
    assert abs(once - x) <= 0.5 * 10 ** -DECIMALS[kind] + 1e-9 * max(1.0, abs(x))  # type: ignore[index]


@given(st.floats(min_value=0, max_value=10, allow_nan=False), st.floats(min_value=0, max_value=10, allow_nan=False))
def test_distinct_never_prints_a_value_equal_to_a_different_threshold(value: float, threshold: float) -> None:
    text = distinct(value, [threshold])
    if round(value, 4) != round(threshold, 4):
        assert text != distinct(threshold, [])


def test_a_value_just_under_its_threshold_shows_the_digits_that_separate_them() -> None:
    assert distinct(1.3992, [1.40, 1.30]) == "1.399"
    assert distinct(1.42, [1.40, 1.30]) == "1.42"
    assert distinct(1.40, [1.40]) == "1.40"


@pytest.mark.parametrize(("name", "kind"), [("ltv_pct", "percent"), ("dscr_min", "ratio"), ("leverage", "ratio"),
                                            ("legal_life_cushion_years", "years"), ("pool_value", "money"),
                                            ("discount_factor", "factor"), ("n_assets", "other")])
def test_kind_by_name(name: str, kind: str) -> None:
    assert kind_of(name) == kind


def test_a_metric_fact_is_rounded_by_its_metric_name() -> None:
    fact = {"t": "metric", "name": "dscr_min", "value": 1.399212345, "share_pct": 33.333333}
    assert round_fact(fact) == {"t": "metric", "name": "dscr_min", "value": 1.3992, "share_pct": 33.33}


# Every float an output model writes has a stated precision (a serializer), directly or by its container.
OUTPUT_MODELS: list[type[BaseModel]] = [Valuation, CheckResult, ESGPart, ScorePoint, SDGScore, TopicalPassage,
                                        UseOfProceeds, Kpi]
EXEMPT = {("CheckResult", "pass_threshold"), ("CheckResult", "watch_threshold"),  # rule parameters, as written
          ("Kpi", "value"), ("Kpi", "baseline")}  # the document's own figures, as stated


def _unrounded_floats(annotation: object, metadata: list[object]) -> bool:
    """True when a float in ``annotation`` has no PlainSerializer (pydantic moves a bare field's metadata out)."""
    if annotation is float:
        return not any(isinstance(m, PlainSerializer) for m in metadata)
    if typing.get_origin(annotation) is typing.Annotated:
        base, *meta = typing.get_args(annotation)
        return _unrounded_floats(base, meta)
    return any(_unrounded_floats(a, []) for a in typing.get_args(annotation))


def _models(model: type[BaseModel], seen: set[type[BaseModel]]) -> None:
    if model in seen:
        return
    seen.add(model)
    for field in model.model_fields.values():
        for arg in typing.get_args(field.annotation) + (field.annotation,):
            for inner in (arg, *typing.get_args(arg)):
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    _models(inner, seen)


def test_every_float_an_output_model_writes_has_a_stated_precision() -> None:
    seen: set[type[BaseModel]] = set()
    for model in OUTPUT_MODELS:
        _models(model, seen)
    bare = [f"{m.__name__}.{name}" for m in seen for name, f in m.model_fields.items()
            if (m.__name__, name) not in EXEMPT and _unrounded_floats(f.annotation, f.metadata)
            and not any(name in d.info.fields for d in m.__pydantic_decorators__.field_serializers.values())]
    assert not bare, f"floats written at full precision: {bare}; give them a type from engine/precision.py"


@pytest.mark.parametrize("deal_path", EXAMPLES[:2], ids=lambda p: Path(p).stem)
def test_a_screening_round_trips_byte_for_byte_and_carries_no_float_noise(deal_path: Path) -> None:
    screening = screened(deal_path)
    text = screening.model_dump_json()
    again = type(screening).model_validate_json(text).model_dump_json()
    assert again == text
    valuation = json.loads(text)["valuation"]
    long = re.findall(r"-?\d+\.\d{7,}", json.dumps(valuation))
    assert not long, f"valuation numbers past the stated precision: {long[:5]}"
