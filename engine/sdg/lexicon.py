"""Loading the SDG query lexicons: every problem in every file reported at once, with its line.

The folder holds ``tagger.yaml`` (how scores become tags, what context is not evidence) and one
``sdg-<n>.yaml`` per SDG. Queries cite the one SDG catalogue, ``rulesets/sdg/catalogue.yaml`` (the
rule files are checked against the same file): for a lexicon folder ``<root>/lexicons/sdg`` that is
``<root>/sdg/catalogue.yaml``, and the shipped catalogue when the folder is elsewhere. A query whose
``reference`` is not a target or indicator of its goal is an error: the reference is what tells a
reviewer which part of the 2030 Agenda a tag rests on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine import errors, yamlio
from engine.errors import InputError, Problem
from engine.models.sdg import SdgLexicon, TaggerSettings
from engine.rules.schema import CatalogueFile

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "rulesets" / "lexicons" / "sdg"
DEFAULT_CATALOGUE = DEFAULT_DIR.parents[1] / "sdg" / "catalogue.yaml"


@dataclass(frozen=True)
class LexiconSet:
    """Everything the tagger is built from, validated."""

    catalogue: CatalogueFile
    settings: TaggerSettings
    lexicons: tuple[SdgLexicon, ...]
    directory: Path


def _load(path: Path, model: type[Any], problems: list[Problem]) -> tuple[Any, yamlio.Loaded | None]:
    try:
        loaded = yamlio.load_file(path)
    except InputError as exc:
        problems.extend(exc.problems)
        return None, None
    try:
        return yamlio.validate(model, loaded), loaded
    except InputError as exc:
        problems.extend(exc.problems)
        return None, loaded


def catalogue_path(folder: Path) -> Path:
    """The SDG catalogue of the rules root a lexicon folder sits in, else the shipped one."""
    own = folder.parent.parent / "sdg" / "catalogue.yaml"
    return own if folder.parent.name == "lexicons" and own.is_file() else DEFAULT_CATALOGUE


def _goal_ids(catalogue: CatalogueFile) -> dict[int, set[str]]:
    ids: dict[int, set[str]] = {}
    for goal in catalogue.goals:
        known = ids.setdefault(goal.goal, set())
        for target in goal.targets:
            known.add(target.id)
            known.update(indicator.id for indicator in target.indicators)
    return ids


def _check_references(loaded: yamlio.Loaded, goal_ids: dict[int, set[str]]) -> list[Problem]:
    """Checked on the raw data, so a file with schema errors still gets its reference errors reported."""
    data = loaded.data if isinstance(loaded.data, dict) else {}
    sdg = data.get("sdg")
    queries = data.get("queries")
    if not isinstance(sdg, int) or not isinstance(queries, list):
        return []
    known = goal_ids.get(sdg, set())
    out: list[Problem] = []
    for i, query in enumerate(queries):
        ref = query.get("reference") if isinstance(query, dict) else None
        if isinstance(ref, str) and ref not in known:
            loc = ("queries", i, "reference")
            out.append(Problem(errors.INVALID_VALUE, f"{ref!r} is not a target or indicator of SDG {sdg}",
                               loaded.path, loaded.line_for(loc), loc,
                               hint=f"use an id listed under goal {sdg} in rulesets/sdg/catalogue.yaml, "
                                    f"e.g. '{sdg}.1'"))
    return out


def load_lexicons(directory: str | Path | None = None) -> LexiconSet:
    """Read and validate the lexicon folder; InputError lists every problem in every file."""
    folder = Path(directory) if directory is not None else DEFAULT_DIR
    problems: list[Problem] = []
    catalogue, _ = _load(catalogue_path(folder), CatalogueFile, problems)
    settings, _ = _load(folder / "tagger.yaml", TaggerSettings, problems)
    files = sorted(folder.glob("sdg-*.yaml"), key=lambda p: (len(p.stem), p.stem))
    if not files:
        problems.append(Problem(errors.FILE_NOT_FOUND, "no sdg-<n>.yaml lexicon files", str(folder)))
    goal_ids = _goal_ids(catalogue) if catalogue is not None else {}
    lexicons: list[SdgLexicon] = []
    first_use: dict[str, str] = {}
    for path in files:
        lexicon, loaded = _load(path, SdgLexicon, problems)
        if loaded is not None and catalogue is not None:
            problems.extend(_check_references(loaded, goal_ids))
        if lexicon is None or loaded is None:
            continue
        if f"sdg-{lexicon.sdg}" != path.stem:
            problems.append(Problem(errors.INVALID_VALUE, f"file name must be sdg-{lexicon.sdg}.yaml for sdg "
                                    f"{lexicon.sdg}", str(path), loaded.line_for(("sdg",)), ("sdg",)))
        for i, query in enumerate(lexicon.queries):
            if query.id in first_use:
                loc = ("queries", i, "id")
                problems.append(Problem(errors.DUPLICATE_ID, f"query id {query.id!r} is also used in "
                                        f"{first_use[query.id]}", str(path), loaded.line_for(loc), loc))
            first_use.setdefault(query.id, path.name)
        lexicons.append(lexicon)
    errors.raise_if(errors.sort_problems(problems))
    assert catalogue is not None and settings is not None
    return LexiconSet(catalogue, settings, tuple(lexicons), folder)
