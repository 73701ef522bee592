"""Stable error codes and the one problem shape every loader reports.

Error messages are API: codes here never change meaning, and every problem
prints as ``path:line: a -> b -> field: message (valid choices: ...) [code]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# Codes. Tests assert on these; add new ones, never rename.
YAML_SYNTAX = "yaml_syntax"
JSON_SYNTAX = "json_syntax"
DUPLICATE_KEY = "duplicate_key"
UNKNOWN_KEY = "unknown_key"
MISSING_FIELD = "missing_field"
WRONG_TYPE = "wrong_type"
INVALID_VALUE = "invalid_value"
BAD_DATE = "bad_date"
CROSS_FIELD = "cross_field"
UNSUPPORTED_FILE = "unsupported_file"
FILE_NOT_FOUND = "file_not_found"
EMPTY_FILE = "empty_file"
DUPLICATE_ID = "duplicate_id"
# rule files (engine/rules)
UNKNOWN_OPERATOR = "unknown_operator"
UNKNOWN_FACT = "unknown_fact"
UNKNOWN_FIELD = "unknown_field"
UNDEFINED_PARAMETER = "undefined_parameter"
UNDEFINED_REFERENCE = "undefined_reference"
UNKNOWN_TARGET = "unknown_target"
PROPOSAL_WITHOUT_NOTE = "proposal_without_note"
UNBOUND_NAME = "unbound_name"
PARAMETER_NOT_IN_FORCE = "parameter_not_in_force"
BAD_FACT = "bad_fact"
EMPTY_POOL = "empty_pool"  # valuation: no asset yields cash flow at as_of
PERPETUITY_DIVERGES = "perpetuity_diverges"  # valuation: discount rate not above growth
NO_TEXT_LAYER = "no_text_layer"
ENCRYPTED_DOCUMENT = "encrypted_document"
CORRUPT_DOCUMENT = "corrupt_document"
# bounded work (engine/yamlio.py, engine/documents.py): hostile inputs are refused before they cost much
TOO_LARGE = "too_large"  # a file, archive member or deal beyond a stated size limit
TOO_DEEP = "too_deep"  # nesting beyond yamlio.MAX_DEPTH
ALIAS_EXPANSION = "alias_expansion"  # YAML aliases that would expand beyond yamlio.MAX_ALIAS_NODES


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input file, at one place."""

    code: str
    message: str
    path: str = "<input>"
    line: int | None = None
    loc: tuple[str | int, ...] = ()
    choices: tuple[str, ...] = ()
    hint: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        at = " -> ".join(str(p) for p in self.loc)
        text = f"{where}: {at + ': ' if at else ''}{self.message}"
        if self.choices:
            text += f" (valid choices: {', '.join(self.choices)})"
        if self.hint:
            text += f" Hint: {self.hint}"
        return f"{text} [{self.code}]"


@dataclass
class InputError(Exception):
    """Bad input: carries every problem found, so all are reported at once."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    @classmethod
    def single(cls, code: str, message: str, path: str = "<input>", line: int | None = None,
               hint: str | None = None) -> InputError:
        return cls([Problem(code=code, message=message, path=path, line=line, hint=hint)])


def raise_if(problems: Iterable[Problem]) -> None:
    found = list(problems)
    if found:
        raise InputError(found)


def sort_problems(problems: Sequence[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.path, p.line or 0, [str(x) for x in p.loc]))
