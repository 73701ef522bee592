"""The one place that touches durable_rules (2.0.28): every call, every guard.

Measured pitfalls of durable_rules 2.0.28 and how each is kept clear of:

- not thread-safe: one process-wide lock around every engine call, and the
  Host's background dispatch/timer threads are never started (``_run`` is a no-op);
- registration mutates definitions: deep copies; "run" is resolved by ``get_action``;
- ``post`` fires only the first rule: facts are asserted (``assert_fact``), each with
  an explicit unique ``id``, in a fresh session id per evaluation, deleted in ``finally``;
- swallowed action exceptions: the session state is read and an error raised;
- ``delete_state`` on a session where no fact was handled segfaults (found here): the
  first fact of every session is one each ruleset handles (compiler.SESSION_RULE);
- 1,024 live sessions per ruleset: at most one live session (deleted before the lock
  is released); ``live_sessions()`` lets tests see it;
- ~512 rules per ruleset hang: the compiler splits at 200, and ``register`` refuses more;
- 255 properties per fact, duplicate-fact rejection in big sessions: refused up front
  (MAX_PROPERTIES, MAX_FACTS) with a clear error instead of a crash;
- ``1e-05`` rejected, ``"0.9"`` read as a number, ``1`` matching ``true``: facts are
  serialised here with a decimal point in every exponent, strings are quote-prefixed
  by the compiler's ``encode`` and types are checked against the vocabulary before;
- leaking reloads: names are ``name@contenthash``; ``unregister`` drops the ruleset
  from the host and frees its native handle (``delete_ruleset``).
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import json
import math
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import durable_rules_engine
from durable import engine as durable_engine

MAX_PROPERTIES = 250
MAX_FACTS = 2000
MAX_RULES = 200

_LOCK = threading.RLock()
_sink: list[tuple[str, dict[str, str]]] | None = None
_sessions = itertools.count()
_live: set[str] = set()
_types: dict[str, set[str]] = {}


class RuleEngineError(RuntimeError):
    """durable_rules failed or a guard refused an input that would crash it."""


def _record(key: str) -> Callable[[Any], None]:
    def action(c: Any) -> None:
        assert _sink is not None, "action outside an evaluation"
        _sink.append((key, {alias: fact["id"] for alias, fact in c._m.items()}))

    return action


class _Host(durable_engine.Host):  # type: ignore[misc]  # durable_rules ships no type stubs: Host is Any
    """A Host with no background threads; actions record which facts matched."""

    fail_actions: frozenset[str] = frozenset()  # tests inject failing actions to see errors surface

    def _run(self) -> None:  # the dispatch/timer threads would call the engine outside our lock
        return None

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        if action_name in self.fail_actions:
            def failing(c: Any) -> None:
                raise ValueError(f"injected failure in {action_name}")
            return failing
        return _record(action_name)


_host = _Host()


def register(definitions: Mapping[str, Mapping[str, Any]]) -> None:
    """Register rulesets not yet known (idempotent); each name must carry its content hash."""
    with _LOCK:
        new = {name: copy.deepcopy(dict(body)) for name, body in definitions.items()
               if name not in _host._ruleset_directory}
        for name, body in new.items():
            if "@" not in name:
                raise RuleEngineError(f"ruleset name {name!r} must be name@contenthash")
            if len(body) > MAX_RULES:
                raise RuleEngineError(f"ruleset {name!r} has {len(body)} rules; split at {MAX_RULES}")
        if new:
            _host.register_rulesets(new)


def unregister(names: Iterable[str]) -> None:
    """Forget rulesets and free their native handles (the leak-free reload)."""
    with _LOCK:
        for name in names:
            ruleset = _host._ruleset_directory.pop(name, None)
            if ruleset is None:
                continue
            _host._ruleset_list.remove(ruleset)
            _types.pop(name, None)
            durable_rules_engine.delete_ruleset(ruleset._handle)


def registered() -> set[str]:
    with _LOCK:
        return set(_host._ruleset_directory)


def live_sessions() -> int:
    with _LOCK:
        return len(_live)


def _number(value: float) -> str:
    if not math.isfinite(value):
        raise RuleEngineError(f"{value!r} cannot be a fact value")
    text = repr(value)
    mantissa, e, exponent = text.partition("e")
    if e and "." not in mantissa:
        text = f"{mantissa}.0e{exponent}"
    return text


def _dump(fact: Mapping[str, Any]) -> str:
    """JSON for one fact; floats that JSON would write as ``1e-05`` get a decimal point."""
    def plain(value: Any) -> bool:
        if isinstance(value, float):
            return math.isfinite(value) and (not value or 1e-4 <= abs(value) < 1e16)
        return isinstance(value, str | int)

    if all(plain(v) for v in fact.values()):
        return json.dumps(fact, ensure_ascii=False)
    parts = []
    for key, value in fact.items():
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, int):
            text = str(value)
        elif isinstance(value, float):
            text = _number(value)
        elif isinstance(value, str):
            text = json.dumps(value, ensure_ascii=False)
        else:
            raise RuleEngineError(f"fact property {key!r} has a {type(value).__name__}; only scalars reach the engine")
        parts.append(f"{json.dumps(key)}:{text}")
    return "{" + ",".join(parts) + "}"


def _fact_types(body: Mapping[str, Any]) -> set[str]:
    """The ``t`` values a ruleset's patterns test (every pattern starts with one)."""
    kinds: set[str] = set()
    for rule in body.values():
        for item in rule.get("all", ()):
            for expr in item.values():
                first = expr["$and"][0] if "$and" in expr else expr
                kinds.add(first["t"])
    return kinds


def run(names: Sequence[str], facts: Sequence[Mapping[str, Any]],
        definitions: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, str, tuple[int, ...]]]:
    """Assert ``facts`` into a fresh session of each ruleset; return (ruleset, rule key, fact indexes).

    Fact indexes follow the alias order p0, p1, ... of the rule. ``definitions`` are
    registered first if missing (a book retired by a reload may still finish its work).

    Facts go in one at a time, and only facts of a type the ruleset tests: measured
    here, a batch (``assert_facts``) holding one fact that no rule fully matches is
    rejected as a whole (no action fires) and the following ``delete_state`` segfaults.
    ``delete_state`` also segfaults on a session where no fact was ever handled, so the
    first fact must be one every ruleset handles (the compiler's session rule and fact).
    """
    global _sink
    if len(facts) > MAX_FACTS:
        raise RuleEngineError(f"{len(facts)} facts in one evaluation; keep sessions under {MAX_FACTS} "
                              "(durable_rules rejects distinct facts as duplicates in big sessions)")
    with _LOCK:
        sid = f"s{next(_sessions)}"
        texts: list[tuple[Any, str]] = []
        for i, fact in enumerate(facts):
            if len(fact) + 2 > MAX_PROPERTIES:
                raise RuleEngineError(f"fact {i} has {len(fact)} properties; durable_rules fails above 255")
            texts.append((fact.get("t"), _dump({**fact, "id": f"f{i}", "sid": sid})))
        register({n: definitions[n] for n in names})
        out: list[tuple[str, str, tuple[int, ...]]] = []
        for name in names:
            rules = _host.get_ruleset(name)
            kinds = _types.get(name)
            if kinds is None:
                kinds = _types[name] = _fact_types(rules.get_definition())
            mine = [text for kind, text in texts if kind in kinds]
            if not mine:
                continue
            sink: list[tuple[str, dict[str, str]]] = []
            _sink = sink
            _live.add(sid + name)
            try:
                for text in mine:
                    # a fact no pattern of this ruleset matches raises "not handled": nothing to do
                    with contextlib.suppress(durable_engine.MessageNotHandledException):
                        _host._handle_function(rules, _asserter(rules), text, None)
                state = rules.get_state(sid)
                if "exception" in state:
                    raise RuleEngineError(f"a rule action failed in {name}: {state['exception']}")
            finally:
                _sink = None
                rules.delete_state(sid)
                _live.discard(sid + name)
            for key, ids in sink:
                order = sorted(ids, key=lambda alias: int(alias[1:]))
                out.append((name, key, tuple(int(ids[a][1:]) for a in order)))
        return out


def _asserter(rules: Any) -> Callable[[str], Any]:
    def assert_one(text: str) -> Any:
        return rules._handle_result(durable_rules_engine.assert_fact(rules._handle, text), text)

    return assert_one
