"""The strict base every ipsdg model stands on, and shared field types."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


class Strict(BaseModel):
    """Strict: no type coercion, unknown keys are errors, instances are frozen."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class CrossFieldError(ValueError):
    """Raised by after-validators; ``issues`` names the sub-fields each message is about.

    The loader expands it into one located problem per issue, so a file with
    three inconsistent shares reports all three lines, not the model's first line.
    """

    def __init__(self, issues: list[tuple[tuple[str | int, ...], str]]):
        self.issues = issues
        super().__init__("; ".join(message for _, message in issues))


def check(issues: list[tuple[tuple[str | int, ...], str]]) -> None:
    if issues:
        raise CrossFieldError(issues)


def _iso_date(value: Any) -> Any:
    """Dates come as ``date`` from YAML and as ISO strings from JSON; accept both, nothing else."""
    if isinstance(value, datetime):
        raise ValueError("expected a date (YYYY-MM-DD), got a date and time")
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a date in YYYY-MM-DD form") from None
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
NonEmptyStr = Annotated[str, Field(min_length=1)]
Percent = Annotated[float, Field(ge=0, le=100)]
Money = Annotated[float, Field(ge=0)]
PositiveMoney = Annotated[float, Field(gt=0)]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2, or EP/WO for regional filings")]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code")]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=80)]


ReferenceKind = Literal["standard", "research", "data", "proposal"]


class ReferenceSpec(Strict):
    """Where a rule, parameter, lexicon term or weight comes from; ``proposal`` marks our own numbers.

    The one shape used by rule files, lexicons and the scoring configuration.
    """

    title: NonEmptyStr
    publisher: str | None = None
    edition: str | None = None
    url: str | None = None
    kind: ReferenceKind = "standard"
    note: str | None = None
