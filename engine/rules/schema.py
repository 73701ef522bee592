"""Pydantic schema of rule files, the SDG catalogue and rule-test files.

Conditions (`when`, `applies_if`) are typed loosely here and checked by
engine.rules.conditions against the fact vocabulary; ``json_schema()`` splices
their shape back in so `ipsdg rules schema` documents the whole file.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from engine.models.base import IsoDate, NonEmptyStr, ReferenceSpec, Strict, check
from engine.models.findings import Direction, Effect, Severity, Strength
from engine.rules.vocabulary import FACT_TYPES, OPERATORS

RULE_ID = r"^[A-Z][A-Z0-9]*(-[A-Z0-9.]+)*$"
NAME = r"^[a-z][a-z0-9-]*$"
Scalar = bool | int | float | str
Standard = Literal["icma_gbp", "icma_sbp", "icma_slbp", "icma_secured", "eu_gbs", "china_catalogue"]
EFFECTS: tuple[Effect, ...] = ("contribute", "flag", "require", "check")  # the fields of Then, in order


class Effective(Strict):
    from_: IsoDate | None = Field(default=None, alias="from")
    until: IsoDate | None = Field(default=None, description="exclusive")

    def holds(self, as_of: date) -> bool:
        return (self.from_ is None or self.from_ <= as_of) and (self.until is None or as_of < self.until)


class ParameterSpec(Strict):
    unit: NonEmptyStr
    reference: NonEmptyStr
    description: str | None = None
    values: dict[IsoDate, Scalar] = Field(min_length=1, description="date -> value; the latest date <= as_of wins")


class Contribute(Strict):
    sdg: int = Field(ge=1, le=17)
    target: NonEmptyStr
    strength: Strength
    weight: float = Field(ge=0, le=1)


class Flag(Strict):
    severity: Severity
    message: NonEmptyStr


class Require(Strict):
    standard: Standard
    component: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    message: str | None = None


class Check(Strict):
    metric: NonEmptyStr
    direction: Direction
    pass_: float | str = Field(alias="pass", description="number or $parameter")
    watch: float | str = Field(description="number or $parameter")
    message: str | None = None


class Then(Strict):
    contribute: Contribute | None = None
    flag: Flag | None = None
    require: Require | None = None
    check: Check | None = None

    @model_validator(mode="after")
    def _one(self) -> Then:
        given = [k for k in EFFECTS if getattr(self, k) is not None]
        check([] if len(given) == 1 else [((), f"a rule has exactly one effect, got {len(given)}: "
                                           "contribute, flag, require or check")])
        return self

    @property
    def effect(self) -> Effect:
        return next(k for k in EFFECTS if getattr(self, k) is not None)


class RuleSpec(Strict):
    id: Annotated[str, Field(pattern=RULE_ID)]
    title: NonEmptyStr
    reference: NonEmptyStr
    description: str | None = None
    effective: Effective | None = None
    when: dict[str, Any] | None = Field(default=None, description="condition; optional only for check rules")
    applies_if: dict[str, Any] | None = Field(default=None, description="require rules: where the requirement applies")
    then: Then


class RuleFile(Strict):
    ruleset: Annotated[str, Field(pattern=NAME)]
    title: NonEmptyStr
    version: NonEmptyStr
    description: str | None = None
    effective: Effective | None = None
    references: dict[str, ReferenceSpec] = Field(min_length=1)
    parameters: dict[str, ParameterSpec] = {}
    rules: list[RuleSpec] = Field(min_length=1)


class Indicator(Strict):
    id: NonEmptyStr
    text: NonEmptyStr
    note: str | None = None


class Target(Strict):
    id: NonEmptyStr
    short: NonEmptyStr | None = None  # our own short title; given for the targets rule files use
    text: NonEmptyStr
    note: str | None = None
    indicators: list[Indicator] = []


class Goal(Strict):
    goal: int = Field(ge=1, le=17)
    short: NonEmptyStr
    title: NonEmptyStr
    note: str | None = None
    targets: list[Target] = Field(min_length=1)


class CatalogueFile(Strict):
    catalogue: Literal["sdg-targets"]
    version: NonEmptyStr
    description: str | None = None
    references: dict[str, ReferenceSpec] = {}
    goals: list[Goal] = Field(min_length=1)


class Expect(Strict):
    """A finding a rule test expects; fields left out are not compared."""

    rule: Annotated[str, Field(pattern=RULE_ID)]
    sdg: int | None = None
    target: str | None = None
    strength: Strength | None = None
    severity: Severity | None = None
    standard: Standard | None = None
    component: str | None = None
    status: Literal["met", "missing", "pass", "watch", "fail"] | None = None
    metric: str | None = None
    message: str | None = None


class RuleTest(Strict):
    name: NonEmptyStr
    as_of: IsoDate
    description: str | None = None
    facts: list[dict[str, Any]] = []
    expect: list[Expect] = []
    expect_not: list[Annotated[str, Field(pattern=RULE_ID)]] = []


class RuleTestFile(Strict):
    tests: list[RuleTest] = Field(min_length=1)


def json_schema() -> dict[str, Any]:
    """JSON Schema of a rule file, with the condition language spelled out."""
    schema = RuleFile.model_json_schema(by_alias=True)
    field_test: dict[str, Any] = {
        "description": "a bare value (eq) or a mapping of operators",
        "anyOf": [{"type": ["string", "number", "boolean"]},
                  {"type": "object", "propertyNames": {"enum": list(OPERATORS)}}],
    }
    patterns = [
        {"type": "object", "required": ["fact"], "additionalProperties": False,
         "properties": {"fact": {"const": fact}, "as": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
                        **{name: field_test for name in sorted(fields)}}}
        for fact, fields in sorted(FACT_TYPES.items())
    ]
    group = {"type": "object", "minProperties": 1, "maxProperties": 1, "additionalProperties": False,
             "properties": {k: {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/Condition"}}
                            for k in ("all", "any", "none")}}
    schema.setdefault("$defs", {})["Condition"] = {"anyOf": [group, *patterns]}
    rule = schema["$defs"]["RuleSpec"]["properties"]
    for key in ("when", "applies_if"):
        rule[key] = {"anyOf": [{"$ref": "#/$defs/Condition"}, {"type": "null"}], "description": rule[key].get(
            "description", "")}
    return schema
