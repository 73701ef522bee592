"""Lexicon files: the words and patterns that NLP stages look for, edited by researchers.

A lexicon is YAML under ``rulesets/lexicons/``: groups of terms, each group with a
``category`` (what kind of cue it is), an ``id`` (which one), a reference or note
saying where the wording comes from, and optional ``attrs`` (data the consumer
needs, e.g. a unit's conversion factor). Files are validated like rule files:
every problem at once, each with ``path:line``. Nothing here knows about spaCy
or about any one extractor, so the disclosure extractor and the SDG tagger share it.

    lexicon: use-of-proceeds
    title: ICMA project categories and the words documents use for them
    version: "2026.1"
    references:
      icma-gbp-2021: {title: Green Bond Principles, publisher: ICMA, edition: June 2021}
    groups:
      - category: icma_category
        id: renewable_energy
        reference: icma-gbp-2021
        terms: [renewable energy, solar, wind power]
        patterns: ['\\bPV\\b']          # optional regular expressions, matched case-sensitively
        attrs: {sdg: 7}                 # optional
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field, model_validator

from engine import errors, yamlio
from engine.errors import InputError, Problem
from engine.models.base import NonEmptyStr, ReferenceSpec, Strict, check

Name = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=80)]
AttrValue = str | int | float | bool


class TermGroup(Strict):
    category: Name
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=80)]
    reference: str | None = None
    note: str | None = None
    terms: list[NonEmptyStr] = []
    patterns: list[NonEmptyStr] = []
    attrs: dict[str, AttrValue] = {}

    @property
    def label(self) -> str:
        """What a match of this group is called: ``category:id``."""
        return f"{self.category}:{self.id}"

    @model_validator(mode="after")
    def _usable(self) -> TermGroup:
        issues: list[tuple[tuple[str | int, ...], str]] = []
        if not self.terms and not self.patterns:
            issues.append((("terms",), "a group needs terms or patterns"))
        if not self.reference and not self.note:
            issues.append((("reference",), "say where the wording comes from: a reference key or a note"))
        for i, pattern in enumerate(self.patterns):
            try:
                re.compile(pattern)
            except re.error as exc:
                issues.append((("patterns", i), f"not a valid regular expression: {exc}"))
        seen: set[str] = set()
        for i, term in enumerate(self.terms):
            if term.strip().lower() in seen:
                issues.append((("terms", i), f"term {term!r} is listed twice"))
            seen.add(term.strip().lower())
        check(issues)
        return self


class Lexicon(Strict):
    lexicon: Name
    title: NonEmptyStr
    version: NonEmptyStr
    description: str | None = None
    references: dict[str, ReferenceSpec] = {}
    groups: list[TermGroup] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Lexicon:
        issues: list[tuple[tuple[str | int, ...], str]] = []
        labels: dict[str, int] = {}
        owner: dict[tuple[str, str], str] = {}
        for i, group in enumerate(self.groups):
            if group.reference and group.reference not in self.references:
                issues.append(((("groups", i, "reference")), f"unknown reference {group.reference!r}"
                               f" (valid choices: {', '.join(sorted(self.references)) or 'none defined'})"))
            if group.label in labels:
                issues.append((("groups", i, "id"), f"{group.label!r} is defined twice (first as group "
                               f"{labels[group.label]})"))
            labels.setdefault(group.label, i)
            for j, term in enumerate(group.terms):
                key = (group.category, term.strip().lower())
                if key in owner and owner[key] != group.id:
                    issues.append((("groups", i, "terms", j), f"term {term!r} is also in {group.category}:"
                                   f"{owner[key]}; a term may mean only one thing per category"))
                owner.setdefault(key, group.id)
        check(issues)
        return self


@dataclass(frozen=True)
class LexiconSet:
    """Groups from several lexicon files, looked up by category."""

    lexicons: tuple[Lexicon, ...]

    def groups(self, *categories: str) -> Iterator[TermGroup]:
        for lexicon in self.lexicons:
            for group in lexicon.groups:
                if not categories or group.category in categories:
                    yield group

    def group(self, label: str) -> TermGroup:
        for group in self.groups():
            if group.label == label:
                return group
        raise KeyError(label)

    def phrases(self, *categories: str) -> dict[str, list[str]]:
        """``label -> terms`` for a phrase matcher over the given categories (all when none given)."""
        out: dict[str, list[str]] = {}
        for group in self.groups(*categories):
            if group.terms:
                out.setdefault(group.label, []).extend(group.terms)
        return out

    def patterns(self, *categories: str) -> dict[str, list[re.Pattern[str]]]:
        out: dict[str, list[re.Pattern[str]]] = {}
        for group in self.groups(*categories):
            if group.patterns:
                out.setdefault(group.label, []).extend(re.compile(p) for p in group.patterns)
        return out


def load_lexicon(path: str | Path) -> Lexicon:
    """One lexicon file, validated; InputError lists every problem with its line."""
    loaded = yamlio.load_file(path)
    result: Lexicon = yamlio.validate(Lexicon, loaded)
    return result


def lexicon_files(folder: str | Path, exclude: Iterable[str] = ()) -> list[Path]:
    """The ``*.yaml`` files under ``folder``, skipping sub-folders named in ``exclude`` (e.g. ``sdg``)."""
    root = Path(folder)
    skip = set(exclude)
    return sorted(p for p in root.rglob("*.y*ml")
                  if p.suffix in (".yaml", ".yml") and not skip.intersection(p.relative_to(root).parts[:-1])
                  and "tests" not in p.relative_to(root).parts[:-1])


def load_lexicons(paths: Iterable[str | Path]) -> LexiconSet:
    """Several lexicon files; problems from all of them are reported together."""
    found: list[tuple[Lexicon, Path]] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            found.append((load_lexicon(path), Path(path)))
        except InputError as exc:
            problems.extend(exc.problems)
    names: dict[str, str] = {}
    for lexicon, path in found:
        if lexicon.lexicon in names:
            problems.append(Problem(errors.DUPLICATE_ID, f"lexicon name {lexicon.lexicon!r} is also used by "
                                    f"{names[lexicon.lexicon]}", str(path), 1, ("lexicon",)))
        names.setdefault(lexicon.lexicon, str(path))
    errors.raise_if(errors.sort_problems(problems))
    return LexiconSet(tuple(lexicon for lexicon, _ in found))
