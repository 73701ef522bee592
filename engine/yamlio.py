"""YAML and JSON loading that keeps line numbers and rejects duplicate keys.

Every loader in ipsdg (deals, rule files, lexicons) goes through here, so a
researcher sees the same ``path:line`` messages whatever the file is. We
compose the YAML node tree ourselves instead of using a constructor: that way
*all* duplicate keys are reported at once, scalar typing is the plain YAML 1.2
core schema, and every value's line is known.

Every input is bounded before it can cost much (issue 18): text beyond
``MAX_BYTES``, nesting beyond ``MAX_DEPTH`` and YAML aliases that would expand
to more than ``MAX_ALIAS_NODES`` extra values are refused as one located problem,
before any data is built. The three numbers are our own proposal: the shipped
deals, rule files and lexicons are under 100 KB, nest under 12 levels and use
no aliases, so each limit leaves ample room while a hostile file is refused in
milliseconds (a 342-byte "billion laughs" file expands to 9**9 values).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.composer import MaxDepthExceededError
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from engine import errors
from engine.errors import InputError, Problem

try:  # libyaml through PyYAML: the happy path's parser (ruamel's pure-Python scanner is ~10x slower)
    import yaml as _pyyaml
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML without libyaml: every file takes the ruamel path
    _pyyaml = None

Loc = tuple[str | int, ...]

_SKIP = object()  # a value already reported as a problem; dropped so validation does not report it again
_INT = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

MAX_BYTES = 1024 * 1024  # one YAML/JSON file: 13x the largest shipped (80 KB); a deal at MAX_DEAL_FACTS is ~0.4 MB
MAX_DEPTH = 64  # nested mappings/sequences
MAX_ALIAS_NODES = 10_000  # values that alias expansion may add beyond the file's own


@dataclass
class Loaded:
    """A parsed file: plain Python data plus the line of every key and item."""

    data: Any
    path: str
    lines: dict[Loc, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # structural (duplicate keys, bad scalars)

    def line_for(self, loc: Loc) -> int | None:
        """Line of the deepest known prefix of ``loc`` (pydantic locs may go deeper)."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return None


def _scalar(node: Any) -> Any:  # a ruamel or a PyYAML ScalarNode
    tag, value = node.tag or "", node.value  # an unresolved tag falls through to "unsupported YAML tag"
    if tag.endswith(":str"):
        return value
    if tag.endswith(":null"):
        return None
    if tag.endswith(":bool"):
        return value.lower() in ("true", "yes", "on")
    if tag.endswith(":int"):
        text = value.replace("_", "")
        if text.lower().startswith(("0x", "+0x", "-0x")):
            return int(text, 16)
        if text.lower().startswith(("0o", "+0o", "-0o")):
            return int(text, 8)
        return int(text)
    if tag.endswith(":float"):
        low = value.lower().replace("_", "")
        if low in (".inf", "+.inf"):
            return math.inf
        if low == "-.inf":
            return -math.inf
        if low == ".nan":
            return math.nan
        return float(low)
    if tag.endswith(":timestamp"):
        try:
            if _DATE.match(value):
                return date.fromisoformat(value)
            return datetime.fromisoformat(value.replace("t", "T").replace(" ", "T", 1))
        except ValueError as exc:
            raise _BadDate(f"{value!r} is not a valid date ({exc})") from None
    raise ValueError(f"unsupported YAML tag {tag!r}")


class _BadDate(ValueError):
    pass


_SCALARS: tuple[type[Any], ...] = (ScalarNode,) if _pyyaml is None else (ScalarNode, _pyyaml.ScalarNode)
_SEQUENCES: tuple[type[Any], ...] = (SequenceNode,) if _pyyaml is None else (SequenceNode, _pyyaml.SequenceNode)
_MAPPINGS: tuple[type[Any], ...] = (MappingNode,) if _pyyaml is None else (MappingNode, _pyyaml.MappingNode)


def _build(node: Node, loc: Loc, lines: dict[Loc, int], problems: list[Problem], path: str) -> Any:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, _SCALARS):
        try:
            return _scalar(node)
        except ValueError as exc:
            code = errors.BAD_DATE if isinstance(exc, _BadDate) else errors.INVALID_VALUE
            problems.append(Problem(code, str(exc), path, node.start_mark.line + 1, loc))
            return _SKIP
    if isinstance(node, _SEQUENCES):
        items = [_build(item, (*loc, i), lines, problems, path) for i, item in enumerate(node.value)]
        return [None if item is _SKIP else item for item in items]
    if isinstance(node, _MAPPINGS):
        out: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, _SCALARS):
                problems.append(Problem(errors.INVALID_VALUE, "mapping keys must be plain scalars",
                                        path, key_line, loc))
                continue
            try:
                key = key_node.value if (key_node.tag or "").endswith(":str") else _scalar(key_node)
            except ValueError as exc:  # e.g. a dated parameter value under 2021-13-01
                code = errors.BAD_DATE if isinstance(exc, _BadDate) else errors.INVALID_VALUE
                problems.append(Problem(code, str(exc), path, key_line, loc))
                continue
            if key == "<<":
                problems.append(Problem(errors.INVALID_VALUE, "YAML merge keys ('<<') are not supported; "
                                        "write the keys out", path, key_line, loc))
                continue
            if key in first_line:
                problems.append(Problem(errors.DUPLICATE_KEY,
                                        f"key {key!r} appears twice (first at line {first_line[key]})",
                                        path, key_line, (*loc, key),
                                        hint="YAML keeps only one of them; delete or rename the other"))
                continue
            first_line[key] = key_line
            lines[(*loc, key)] = key_line
            value = _build(value_node, (*loc, key), lines, problems, path)
            if value is not _SKIP:
                out[key] = value
        return out
    raise TypeError(f"unexpected YAML node {type(node).__name__}")


def _too_large(size: int, path: str) -> InputError:
    return InputError.single(errors.TOO_LARGE, f"the file is {size:,} bytes; the limit is {MAX_BYTES:,}", path,
                             hint="split the input, or trim what the screening does not read")


def _check_aliases(root: Node, path: str) -> None:
    """Refuse aliases that expand past MAX_ALIAS_NODES (billion laughs), nest past MAX_DEPTH or contain themselves.

    Size and height are memoised per node, so this is linear in the composed tree
    whatever it would expand to; the composer already bounds nesting written out.
    """
    seen: dict[int, tuple[int, int]] = {}  # id(node) -> (expanded values, height)
    active: set[int] = set()
    distinct = 0

    def measure(node: Node) -> tuple[int, int]:
        nonlocal distinct
        key = id(node)
        if key in seen:
            return seen[key]
        line = node.start_mark.line + 1
        if key in active:
            raise InputError.single(errors.ALIAS_EXPANSION, "a YAML alias refers to the value that contains it",
                                    path, line)
        active.add(key)
        distinct += 1
        children: list[Node] = []
        if isinstance(node, SequenceNode):
            children = list(node.value)
        elif isinstance(node, MappingNode):
            children = [part for pair in node.value for part in pair]
        total, height = 1, 0
        for child in children:
            child_total, child_height = measure(child)
            total += child_total
            height = max(height, child_height)
        height += 1
        active.discard(key)
        if height > MAX_DEPTH:
            raise InputError.single(errors.TOO_DEEP, f"values nest deeper than {MAX_DEPTH} levels (through aliases)",
                                    path, line)
        if total - distinct > MAX_ALIAS_NODES:
            raise InputError.single(errors.ALIAS_EXPANSION,
                                    f"YAML aliases here expand to more than {MAX_ALIAS_NODES:,} extra values",
                                    path, line, hint="write the values out instead of repeating anchors (&name, *name)")
        seen[key] = (total, height)
        return total, height

    measure(root)


def _depth_line(text: str) -> int | None:
    """The line where JSON nesting passes MAX_DEPTH (strings skipped), for json's RecursionError."""
    depth = 0
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]', text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return text.count("\n", 0, match.start()) + 1
        elif token in "]}":
            depth -= 1
    return None


# --- fast path: libyaml composes, the same _build types the values -----------------------------------------

# Only a document that is plainly ordinary takes the fast path; anything else (aliases, nesting past MAX_DEPTH,
# a %YAML directive, any problem at all) is parsed again by ruamel below, which reports it with its line and
# applies the input bounds. libyaml's composer recurses once per nesting level (a few hundred thousand levels
# crash the process), so the event stream, which is read iteratively, is checked before anything is composed.


def _core_schema() -> Any:
    """A libyaml loader class that types plain scalars by ruamel's YAML 1.2 core-schema resolvers."""
    from ruamel.yaml.resolver import implicit_resolvers

    class _Loader(_CParser, _pyyaml.resolver.BaseResolver):  # type: ignore[misc]
        yaml_implicit_resolvers: dict[Any, list[tuple[str, Any]]] = {}

        def __init__(self, text: str) -> None:
            _CParser.__init__(self, text)
            _pyyaml.resolver.BaseResolver.__init__(self)

    for versions, tag, regexp, first in implicit_resolvers:
        if (1, 2) in versions:
            for char in first:
                _Loader.yaml_implicit_resolvers.setdefault(char, []).append((str(tag), regexp))
    return _Loader


_FastLoader: Any = None


def _plainly_ordinary(text: str) -> bool:
    """No alias and no nesting past MAX_DEPTH, read from libyaml's event stream (iterative, bounded by the text)."""
    parser = _CParser(text)
    depth = 0
    try:
        while (event := parser.get_event()) is not None:
            if isinstance(event, _pyyaml.AliasEvent):
                return False
            if isinstance(event, (_pyyaml.SequenceStartEvent, _pyyaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return False
            elif isinstance(event, (_pyyaml.SequenceEndEvent, _pyyaml.MappingEndEvent)):
                depth -= 1
    except Exception:  # noqa: BLE001 - any complaint is reported by the ruamel path, with its wording
        return False
    finally:
        parser.dispose()
    return True


def _fast_compose(text: str) -> Any:
    """The libyaml node tree of an ordinary document, or None to take the ruamel path."""
    global _FastLoader
    if _pyyaml is None or "%YAML" in text or "\t" in text or not _plainly_ordinary(text):  # ruamel refuses some tabs
        return None
    if _FastLoader is None:
        _FastLoader = _core_schema()
    loader = _FastLoader(text)
    try:
        return loader.get_single_node()  # None for an empty stream
    except Exception:  # noqa: BLE001 - any complaint is reported by the ruamel path, with its wording
        return None
    finally:
        loader.dispose()


def parse_text(text: str, path: str, *, json_only: bool = False) -> Loaded:
    """Parse YAML (or JSON, a subset) text; raise InputError listing every problem."""
    size = len(text.encode("utf-8")) if len(text) * 4 > MAX_BYTES else len(text)
    if size > MAX_BYTES:
        raise _too_large(size, path)
    if json_only:
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError.single(errors.JSON_SYNTAX, exc.msg, path, exc.lineno) from None
        except RecursionError:
            raise InputError.single(errors.TOO_DEEP, f"values nest deeper than {MAX_DEPTH} levels", path,
                                    _depth_line(text)) from None
    if not text.strip():
        raise InputError.single(errors.EMPTY_FILE, "the file is empty", path)
    fast = _fast_compose(text)
    if fast is not None:
        fast_problems: list[Problem] = []
        fast_lines: dict[Loc, int] = {}
        fast_data = _build(fast, (), fast_lines, fast_problems, path)
        if not fast_problems:
            return Loaded(data=fast_data, path=path, lines=fast_lines)
    yaml = YAML(typ="safe", pure=True)
    yaml.max_depth = MAX_DEPTH
    try:
        node = yaml.compose(text)
    except MaxDepthExceededError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
        raise InputError.single(errors.TOO_DEEP, f"values nest deeper than {MAX_DEPTH} levels", path, line) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        msg = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise InputError.single(errors.YAML_SYNTAX, msg or "invalid YAML", path, line) from None
    except ReaderError as exc:  # a control character YAML does not allow (found by tests/test_hostile.py's fuzzing)
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        raise InputError.single(errors.YAML_SYNTAX, f"character #x{exc.character:04x} is not allowed in YAML",
                                path, line) from None
    if node is None:
        raise InputError.single(errors.EMPTY_FILE, "the file holds no data", path)
    _check_aliases(node, path)
    problems: list[Problem] = []
    lines: dict[Loc, int] = {}
    data = _build(node, (), lines, problems, path)
    return Loaded(data=data, path=path, lines=lines, problems=problems)


def load_file(path: str | Path) -> Loaded:
    """Read a ``.yaml``/``.yml``/``.json`` file with line numbers."""
    p = Path(path)
    shown = str(path)
    if not p.is_file():
        raise InputError.single(errors.FILE_NOT_FOUND, "no such file", shown)
    suffix = p.suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise InputError.single(errors.UNSUPPORTED_FILE, f"unsupported file type {suffix or '(none)'!r}",
                                shown, hint="use .yaml, .yml or .json")
    size = p.stat().st_size
    if size > MAX_BYTES:  # refused before reading it
        raise _too_large(size, shown)
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError.single(errors.INVALID_VALUE, f"not UTF-8 text ({exc.reason})", shown) from None
    return parse_text(text, shown, json_only=suffix == ".json")


# --- pydantic errors -> problems -------------------------------------------------

_TYPE_CODES = {
    "extra_forbidden": errors.UNKNOWN_KEY,
    "missing": errors.MISSING_FIELD,
    "literal_error": errors.INVALID_VALUE,
    "enum": errors.INVALID_VALUE,
    "date_from_datetime_parsing": errors.BAD_DATE,
    "date_parsing": errors.BAD_DATE,
    "date_type": errors.BAD_DATE,
    "bad_date": errors.BAD_DATE,
    "cross_field": errors.CROSS_FIELD,
    "duplicate_id": errors.DUPLICATE_ID,
}
_CHOICES = re.compile(r"'([^']*)'")


def _code_for(err_type: str) -> str:
    if err_type in _TYPE_CODES:
        return _TYPE_CODES[err_type]
    if err_type.endswith("_type") or err_type.endswith("_parsing"):
        return errors.WRONG_TYPE
    return errors.INVALID_VALUE


def problems_from_validation(exc: ValidationError, loaded: Loaded, model: type[BaseModel],
                             base_loc: Loc = ()) -> list[Problem]:
    """Turn a pydantic ValidationError into located problems with valid choices."""
    out: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc: Loc = (*base_loc, *err["loc"])
        ctx = err.get("ctx") or {}
        original = ctx.get("error")
        sub = getattr(original, "issues", None)
        if sub:  # a cross-field check that names the fields it is about
            for sub_loc, message in sub:
                full = (*loc, *sub_loc)
                out.append(Problem(errors.CROSS_FIELD, message, loaded.path, loaded.line_for(full), full))
            continue
        code = _code_for(err["type"])
        message = err["msg"]
        choices: tuple[str, ...] = ()
        if err["type"] == "literal_error":
            choices = tuple(_CHOICES.findall(str(ctx.get("expected", ""))))
            message = f"{err['input']!r} is not allowed"
        elif err["type"] == "extra_forbidden":
            message = f"unknown key {loc[-1]!r}"
            choices = tuple(_allowed_keys(model, loc[len(base_loc):-1]))
        elif err["type"] == "missing":
            message = "required field is missing"
        elif message.startswith("Value error, "):
            message = message[len("Value error, "):]
        if not choices and ctx.get("choices"):  # a custom error that knows the valid values
            choices = tuple(str(c) for c in ctx["choices"])
        out.append(Problem(code, message, loaded.path, loaded.line_for(loc), loc, choices))
    return errors.sort_problems(out)


def _allowed_keys(model: type[BaseModel], loc: Loc) -> list[str]:
    """Field names valid at ``loc`` inside ``model`` (best effort, for 'valid choices')."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return []
        current = _inner_model(fields[part].annotation)
        if current is None:
            return []
    fields = getattr(current, "model_fields", None)
    return sorted(fields) if fields else []


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def validate(model: type[BaseModel], loaded: Loaded, base_loc: Loc = ()) -> Any:
    """Validate loaded data against a model; InputError lists every problem with its line.

    Structural problems found while parsing (duplicate keys, bad dates) are reported
    together with the schema's, so one run shows everything wrong with the file.
    """
    try:
        result = model.model_validate(loaded.data)
    except ValidationError as exc:
        found = problems_from_validation(exc, loaded, model, base_loc)
        reported = {p.loc for p in loaded.problems}
        found = [p for p in found if not (p.code == errors.MISSING_FIELD and p.loc in reported)]
        raise InputError(errors.sort_problems([*loaded.problems, *found])) from None
    errors.raise_if(loaded.problems)
    return result
