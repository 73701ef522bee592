"""Reading a rules directory into checked, immutable rules: every problem of every file at once.

Rule files are every ``*.yaml``/``*.yml`` under the root except in folders named
``tests``, ``lexicons``, ``scoring`` and ``sdg``; the SDG catalogue is
``<root>/sdg/*.yaml``. Nothing here evaluates anything: a RuleBook is only
built from a directory with no problems.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from engine import errors, yamlio
from engine.errors import InputError, Problem
from engine.models.base import ReferenceSpec
from engine.models.findings import Effect, Reference
from engine.rules import conditions as cond
from engine.rules.schema import CatalogueFile, Effective, RuleFile, RuleSpec, Target, Then

SKIPPED_DIRS = frozenset({"tests", "lexicons", "scoring", "sdg", "terms", "stress"})  # terms, stress: valuation data


@dataclass(frozen=True)
class Parameter:
    name: str
    unit: str
    reference: Reference
    values: tuple[tuple[date, Any], ...]  # sorted by date
    path: str
    line: int | None
    description: str | None = None

    def at(self, as_of: date) -> tuple[date, Any] | None:
        """The value whose date is the latest on or before ``as_of``."""
        found = None
        for when, value in self.values:
            if when <= as_of:
                found = (when, value)
        return found


@dataclass(frozen=True)
class RulesetInfo:
    name: str
    title: str
    version: str
    hash: str
    path: str
    effective: Effective | None
    references: dict[str, Reference]
    parameters: dict[str, Parameter]


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    ruleset: RulesetInfo
    reference: Reference
    effective: Effective | None
    then: Then
    when: cond.Node | None
    applies_if: cond.Node | None
    conjs: tuple[cond.Conj, ...]
    applies: tuple[cond.Conj, ...] | None
    params: tuple[str, ...]
    path: str
    line: int | None
    description: str | None = None

    @property
    def effect(self) -> Effect:
        return self.then.effect

    def active(self, as_of: date) -> bool:
        return all(e is None or e.holds(as_of) for e in (self.ruleset.effective, self.effective))


@dataclass(frozen=True)
class Catalogue:
    """The SDG targets rules may contribute to (rulesets/sdg/)."""

    version: str
    path: str
    hash: str
    targets: dict[str, Target]
    goals: dict[int, Any] = field(default_factory=dict)

    def target(self, target_id: str) -> Target:
        return self.targets[target_id]


@dataclass(frozen=True)
class Loaded:
    rulesets: tuple[RulesetInfo, ...]
    rules: tuple[Rule, ...]
    catalogue: Catalogue | None
    files: tuple[Path, ...]
    hash: str


def rule_files(root: Path) -> list[Path]:
    found = [p for p in sorted(root.rglob("*")) if p.suffix in (".yaml", ".yml") and p.is_file()]
    return [p for p in found if not SKIPPED_DIRS.intersection(p.relative_to(root).parts[:-1])]


def catalogue_files(root: Path) -> list[Path]:
    folder = root / "sdg"
    return sorted(p for p in folder.glob("*.y*ml") if p.is_file()) if folder.is_dir() else []


@lru_cache(maxsize=256)
def _parse(shown: str, data: bytes, model: type[RuleFile] | type[CatalogueFile]) -> tuple[Any, yamlio.Loaded]:
    """Parse and validate one file, cached by content: a reload re-reads only the files that changed."""
    loaded = yamlio.parse_text(data.decode("utf-8"), shown)
    if not isinstance(loaded.data, dict):
        raise InputError([Problem(errors.WRONG_TYPE, "a rule file is a mapping (ruleset, title, rules, ...)",
                                  loaded.path, 1)])
    return yamlio.validate(model, loaded), loaded


def _read(path: Path, model: type[RuleFile] | type[CatalogueFile]) -> tuple[Any, yamlio.Loaded, bytes]:
    try:
        data = path.read_bytes()
        data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError.single(errors.INVALID_VALUE, f"cannot read the file ({exc})", str(path)) from None
    spec, loaded = _parse(str(path), data, model)
    return spec, loaded, data


def _reference(key: str, spec: ReferenceSpec) -> Reference:
    return Reference(id=key, **spec.model_dump())


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def load(root: Path) -> Loaded:
    """Load and check every rule file and the catalogue; InputError lists all problems."""
    if not root.is_dir():
        raise InputError.single(errors.FILE_NOT_FOUND, "no such rules directory", str(root))
    problems: list[Problem] = []
    catalogue = _load_catalogue(root, problems)
    rulesets: list[RulesetInfo] = []
    rules: list[Rule] = []
    seen_ids: dict[str, tuple[str, int | None]] = {}
    seen_sets: dict[str, str] = {}
    files = rule_files(root)
    for path in files:
        try:
            spec, loaded, data = _read(path, RuleFile)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        info, file_rules = _check_file(spec, loaded, _digest(data), catalogue, problems)
        if info.name in seen_sets:
            problems.append(Problem(errors.DUPLICATE_ID, f"rule set name {info.name!r} is also used in "
                                    f"{seen_sets[info.name]}", loaded.path, loaded.line_for(("ruleset",)),
                                    ("ruleset",)))
        seen_sets.setdefault(info.name, loaded.path)
        for rule in file_rules:
            if rule.id in seen_ids:
                first_path, first_line = seen_ids[rule.id]
                problems.append(Problem(errors.DUPLICATE_ID, f"rule id {rule.id!r} is already used at "
                                        f"{first_path}:{first_line}", rule.path, rule.line, ("rules", rule.id),
                                        hint="rule ids are unique across all rule sets"))
            seen_ids.setdefault(rule.id, (rule.path, rule.line))
        rulesets.append(info)
        rules.extend(file_rules)
    errors.raise_if(errors.sort_problems(problems))
    parts = [f"{info.path}:{info.hash}" for info in rulesets] + ([catalogue.hash] if catalogue else [])
    return Loaded(tuple(rulesets), tuple(rules), catalogue, tuple(files), _digest("\n".join(parts).encode()))


def _load_catalogue(root: Path, problems: list[Problem]) -> Catalogue | None:
    paths = catalogue_files(root)
    targets: dict[str, Target] = {}
    goals: dict[int, Any] = {}
    versions: list[str] = []
    digests: list[str] = []
    for path in paths:
        try:
            spec, loaded, data = _read(path, CatalogueFile)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        for gi, goal in enumerate(spec.goals):
            goals[goal.goal] = goal
            for ti, target in enumerate(goal.targets):
                loc = ("goals", gi, "targets", ti, "id")
                if target.id.split(".")[0] != str(goal.goal):
                    problems.append(Problem(errors.INVALID_VALUE, f"target {target.id!r} is not under goal "
                                            f"{goal.goal}", loaded.path, loaded.line_for(loc), loc))
                targets[target.id] = target
        for key, ref in spec.references.items():
            _check_proposal(key, ref, loaded, ("references", key), problems)
        versions.append(spec.version)
        digests.append(_digest(data))
    if not paths:
        return None
    shown = str(paths[0]) if len(paths) == 1 else str(root / "sdg")
    return Catalogue(" + ".join(versions), shown, _digest("".join(digests).encode()), targets, goals)


def _check_proposal(key: str, ref: ReferenceSpec, loaded: yamlio.Loaded, loc: cond.Loc,
                    problems: list[Problem]) -> None:
    if ref.kind == "proposal" and not (ref.note and ref.note.strip()):
        problems.append(Problem(errors.PROPOSAL_WITHOUT_NOTE, f"reference {key!r} is our own proposal: say so in "
                                "'note' (what it is based on, that no standard sets it)", loaded.path,
                                loaded.line_for(loc), loc))


def _check_file(spec: RuleFile, loaded: yamlio.Loaded, digest: str, catalogue: Catalogue | None,
                problems: list[Problem]) -> tuple[RulesetInfo, list[Rule]]:
    def missing_ref(key: str, loc: cond.Loc) -> bool:
        if key in spec.references:
            return False
        problems.append(Problem(errors.UNDEFINED_REFERENCE, f"reference {key!r} is not defined under 'references'",
                                loaded.path, loaded.line_for(loc), loc, tuple(sorted(spec.references))))
        return True

    references = {key: _reference(key, ref) for key, ref in spec.references.items()}
    for key, ref in spec.references.items():
        _check_proposal(key, ref, loaded, ("references", key), problems)
    parameters: dict[str, Parameter] = {}
    for name, param in spec.parameters.items():
        loc = ("parameters", name)
        if missing_ref(param.reference, (*loc, "reference")):
            continue
        parameters[name] = Parameter(name, param.unit, references[param.reference],
                                     tuple(sorted(param.values.items())), loaded.path, loaded.line_for(loc),
                                     param.description)
    info = RulesetInfo(spec.ruleset, spec.title, spec.version, digest, loaded.path, spec.effective, references,
                       parameters)
    param_values = {name: list(p.values.values()) for name, p in spec.parameters.items()}
    rules: list[Rule] = []
    for i, rule in enumerate(spec.rules):
        built = _check_rule(rule, ("rules", i), loaded, info, param_values, catalogue, problems)
        missing_ref(rule.reference, ("rules", i, "reference"))
        if built is not None and rule.reference in references:
            rules.append(built)
    return info, rules


def _check_rule(rule: RuleSpec, loc: cond.Loc, loaded: yamlio.Loaded, info: RulesetInfo,
                param_values: dict[str, list[Any]], catalogue: Catalogue | None,
                problems: list[Problem]) -> Rule | None:
    parser = cond.Parser(loaded.path, loaded.line_for, param_values)
    when = parser.node(rule.when, (*loc, "when")) if rule.when is not None else None
    applies = parser.node(rule.applies_if, (*loc, "applies_if")) if rule.applies_if is not None else None
    problems.extend(parser.problems)
    then = rule.then
    used: set[str] = cond.params_of(when) | cond.params_of(applies)
    if rule.when is None and then.check is None:
        problems.append(Problem(errors.MISSING_FIELD, "'when' is required (only check rules may leave it out)",
                                loaded.path, loaded.line_for(loc), (*loc, "when")))
        return None
    if rule.applies_if is not None and then.require is None:
        problems.append(Problem(errors.INVALID_VALUE, "'applies_if' is only for require rules", loaded.path,
                                loaded.line_for((*loc, "applies_if")), (*loc, "applies_if")))
    if then.contribute is not None:
        target = then.contribute.target
        tloc = (*loc, "then", "contribute", "target")
        if catalogue is None:
            problems.append(Problem(errors.UNKNOWN_TARGET, "no SDG catalogue found (rulesets/sdg/*.yaml) to check "
                                    f"target {target!r} against", loaded.path, loaded.line_for(tloc), tloc))
        elif target not in catalogue.targets:
            near = tuple(t for t in catalogue.targets if t.split(".")[0] == target.split(".")[0])
            problems.append(Problem(errors.UNKNOWN_TARGET, f"target {target!r} is not in the SDG catalogue",
                                    loaded.path, loaded.line_for(tloc), tloc, near or tuple(catalogue.targets)))
        elif target.split(".")[0] != str(then.contribute.sdg):
            problems.append(Problem(errors.INVALID_VALUE, f"target {target!r} is not under SDG "
                                    f"{then.contribute.sdg}", loaded.path, loaded.line_for(tloc), tloc))
    if then.check is not None:
        for key, value in (("pass", then.check.pass_), ("watch", then.check.watch)):
            if isinstance(value, str):
                name = value.removeprefix("$")
                cloc = (*loc, "then", "check", key)
                if not value.startswith("$") or name not in param_values:
                    problems.append(Problem(errors.UNDEFINED_PARAMETER, f"{value!r} is not a defined $parameter",
                                            loaded.path, loaded.line_for(cloc), cloc, tuple(sorted(param_values))))
                    return None
                used.add(name)
        metric = cond.Pattern("metric", "metric", (cond.Test("name", "eq", then.check.metric, "str"),
                                                   cond.Test("value", "exists", True, "num")),
                              loaded.line_for((*loc, "then", "check")), (*loc, "then", "check"))
        when = metric if when is None else cond.Group("all", (metric, when), when_line(loaded, loc), (*loc, "when"))
    if when is None or (rule.applies_if is not None and applies is None):
        return None
    conjs = cond.dnf(when)
    applies_conjs = cond.dnf(applies) if applies is not None else None
    for group, where in ((conjs, "when"), (applies_conjs or [], "applies_if")):
        if len(group) > cond.MAX_CONJUNCTIONS:
            problems.append(Problem(errors.INVALID_VALUE, f"'{where}' expands to {len(group)} alternatives (more "
                                    f"than {cond.MAX_CONJUNCTIONS}); split the rule", loaded.path,
                                    loaded.line_for((*loc, where)), (*loc, where)))
            return None
        for jloc, message in cond.check_joins(group, lambda p: p.fact):
            problems.append(Problem(errors.UNBOUND_NAME, message, loaded.path, loaded.line_for(jloc), jloc))
    return Rule(rule.id, rule.title, info, info.references.get(rule.reference) or _placeholder(rule.reference),
                rule.effective, then, when, applies, tuple(conjs), tuple(applies_conjs) if applies_conjs else None,
                tuple(sorted(used)), loaded.path, loaded.line_for(loc), rule.description)


def when_line(loaded: yamlio.Loaded, loc: cond.Loc) -> int | None:
    return loaded.line_for((*loc, "when"))


def _placeholder(key: str) -> Reference:
    """Only reached for a rule whose missing reference is already reported (the book is never built)."""
    return Reference(id=key, title=key)
