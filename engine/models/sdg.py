"""Models of SDG topical tagging: the query lexicons researchers edit, and the tags the tagger returns.

A lexicon is one YAML file per SDG in ``rulesets/lexicons/sdg/``. Each query encodes one SDG
target or indicator (``reference``) as terms plus co-occurrence conditions and exclusions, so a
reviewer can see exactly why a passage was tagged and change it without touching code.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from engine.models.base import NonEmptyStr, Strict, check
from engine.precision import Factor

# A term is lowercase words separated by single spaces; a word may end in ``*`` (prefix match on one token).
Term = Annotated[str, Field(pattern=r"^[a-z0-9$%°][a-z0-9'’&./+°%$,-]*\*?( [a-z0-9$%°][a-z0-9'’&./+°%$,-]*\*?)*$",
                            description="lowercase phrase; 'renewabl*' matches any token starting with 'renewabl'")]
QueryId = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=60)]
TargetRef = Annotated[str, Field(pattern=r"^[0-9]{1,2}\.([0-9]{1,2}|[a-z])(\.[0-9]{1,2})?$",
                                 description="an SDG target ('7.2') or indicator ('7.2.1') id")]
Weight = Annotated[float, Field(gt=0, le=1)]
Window = int | Literal["sentence"]


class Query(Strict):
    """One reason to tag a passage: an anchor term, optionally with context that must (not) be near it."""

    id: QueryId
    reference: TargetRef
    terms: list[Term] = Field(min_length=1, description="anchor terms; any one of them starts a match")
    all_of: list[list[Term]] = Field(default_factory=list,
                                     description="every group needs one of its terms within `window` of the anchor")
    any_of: list[Term] = Field(default_factory=list, description="one of these must be within `window` of the anchor")
    exclude: list[Term] = Field(default_factory=list, description="any of these within `window` vetoes the anchor")
    window: Annotated[int, Field(ge=1, le=60)] | Literal["sentence", "passage"] = "sentence"
    weight: Weight
    note: str | None = None

    @model_validator(mode="after")
    def _groups_not_empty(self) -> Query:
        check([(("all_of", i), "a co-occurrence group needs at least one term")
               for i, group in enumerate(self.all_of) if not group])
        return self


class Damper(Strict):
    """Context anywhere in the passage that makes this SDG unlikely to be the topic (a sense or genre cue)."""

    id: QueryId
    terms: list[Term] = Field(min_length=1)
    factor: Annotated[float, Field(ge=0, lt=1)]
    note: str | None = None


class SdgLexicon(Strict):
    """The queries for one SDG, with the decision threshold tuned on the development set."""

    lexicon: Annotated[str, Field(pattern=r"^sdg-[0-9]{1,2}$")]
    sdg: Annotated[int, Field(ge=1, le=17)]
    title: NonEmptyStr
    source: NonEmptyStr
    threshold: Annotated[float, Field(gt=0, le=1)]
    report: bool = Field(True, description="false: scored and used against other SDGs, never reported as a tag")
    queries: list[Query] = Field(min_length=1)
    dampers: list[Damper] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> SdgLexicon:
        issues: list[tuple[tuple[str | int, ...], str]] = []
        if self.lexicon != f"sdg-{self.sdg}":
            issues.append((("lexicon",), f"lexicon name must be 'sdg-{self.sdg}' for sdg {self.sdg}"))
        seen: dict[str, int] = {}
        for i, query in enumerate(self.queries):
            if query.id in seen:
                issues.append((("queries", i, "id"), f"query id {query.id!r} already used by query {seen[query.id]}"))
            seen.setdefault(query.id, i)
        check(issues)
        return self


class BoilerplateCue(Strict):
    """Words that mark a sentence as about the document itself (thanks, citations, disclaimers), not the world."""

    id: QueryId
    terms: list[Term] = Field(min_length=1)
    note: str | None = None


class NameCues(Strict):
    """Capitalised institution and convention names: a topic word inside a name is not evidence of the topic.

    A name is a head word followed by of/for/on/to and capitalised words ("Ministry of Education",
    "Convention on Biological Diversity"), or capitalised words ending in a tail word ("Green Climate Fund").
    """

    heads: list[Annotated[str, Field(pattern=r"^[A-Z][A-Za-z-]*$")]] = Field(default_factory=list)
    tails: list[Annotated[str, Field(pattern=r"^[A-Z][A-Za-z-]*$")]] = Field(default_factory=list)
    goal_references: bool = Field(False, description="a goal's title in brackets after 'SDG 6' or 'Goal 6' is part "
                                                     "of an explicit reference, not topical text")
    note: str | None = None


class TaggerSettings(Strict):
    """How per-SDG scores become tags (``rulesets/lexicons/sdg/tagger.yaml``)."""

    dominance: Annotated[float, Field(ge=0, le=1)] = Field(
        description="an SDG is dropped when its score is below this fraction of the best SDG's score, "
                    "unless it reaches `independent`")
    independent: Annotated[float, Field(gt=0, le=1)] = Field(
        1.0, description="an SDG scoring at least this is tagged whatever other SDGs score (a passage can "
                         "address several SDGs)")
    boilerplate: list[BoilerplateCue] = Field(
        default_factory=list, description="matches in a sentence holding one of these terms are ignored")
    names: NameCues = Field(default_factory=NameCues)
    calibration: list[Annotated[list[Annotated[float, Field(ge=0, le=1)]], Field(min_length=2, max_length=2)]] = Field(
        default_factory=list,
        description="(raw score, share of tags at that score that were right) points, raw increasing; a tag's "
                    "reported score is read off this line (empty: the raw score)")
    calibration_source: str | None = None

    @model_validator(mode="after")
    def _calibration_increasing(self) -> TaggerSettings:
        points = self.calibration
        check([(("calibration", i), "raw scores and calibrated scores must both increase from point to point")
               for i in range(1, len(points))
               if points[i][0] <= points[i - 1][0] or points[i][1] < points[i - 1][1]])
        return self
    repeat_bonus: Annotated[float, Field(ge=0, le=1)] = Field(
        description="share of a query's weight added again when it matches at a second place")
    source: NonEmptyStr


class SdgTag(Strict):
    """One SDG a passage is judged to address, with the evidence for it."""

    sdg: int
    score: Factor
    terms: list[str]
    queries: list[str]
    targets: list[str] = Field(default_factory=list,
                               description="the SDG targets and indicators the matched queries encode")


class SdgResult(Strict):
    """The tagger's answer for one passage: the documented ``ipsdg sdg --jsonl`` shape, plus ``queries``
    and ``targets`` per SDG."""

    id: str | int | None
    sdgs: list[SdgTag]

