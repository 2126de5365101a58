"""`decide()`: one decision in a fresh durable_rules session, made safe for a threaded web server.

How a decision runs
-------------------
1. The facts are checked and normalised against the ruleset's schema (rules.facts) and the
   parameters resolved, outside any lock. Nothing unchecked reaches the engine.
2. Under ONE process-wide lock the facts are asserted in a new session with a unique id. (The
   engine has no lock of its own; its C calls hold the GIL, but nothing else protects the
   sequence of calls a decision makes, nor the engine cache, which without the lock evicts an
   engine another thread is using. Threads would gain nothing anyway: the work holds the GIL.)
   The batch is framed by two markers: a `$begin` fact first, so the engine
   always returns a valid session offset (when nothing in a batch parses it returns an
   uninitialised one, and using it crashes), and an `$end` fact last, matched by a catch-all rule
   of the lowest possible priority (65535). That rule guarantees an action runs in every session
   (deleting a session in which no action ever ran frees uninitialised pointers: segfault), and
   its firing proves the engine read the whole batch.
3. The actions are run by a small loop over the engine's C API (`start_action_for_state`,
   `complete_and_start_action`), the same calls `durable.engine.Ruleset` makes. We do not go
   through `Host.assert_facts` because that path (a) swallows an exception raised in an action
   into `state['exception']`, keeps running the other actions and returns normally, (b) raises
   `MessageNotHandledException` after the fact when any one fact matched no rule, leaving the
   session half-run, and (c) re-serialises and re-asserts the session state after every action.
   Here an exception in an action abandons the action, deletes the session and surfaces as
   `RuleError` (the original exception chained), never as a silent, empty decision.
4. The session is deleted (`delete_state`) before the lock is released, so at most one session
   is alive per process at any time. If an engine call fails so that a session cannot be deleted
   safely, it is counted; an engine with more than a few such sessions is thrown away and rebuilt.

Engines
-------
A durable_rules ruleset name can be registered only once per `Host`, and a Host cannot forget one.
So each engine gets its own `QuietHost` (a Host whose dispatcher starts no thread: the default
Host polls every ruleset from two background timer threads, which would call into the engine
behind the lock's back). Engines are built lazily, per process: a gunicorn worker forked from a
parent that had engines builds its own (the fork is noticed with `os.register_at_fork` and, in
case that hook did not run, by comparing `os.getpid()`), and the lock is replaced in the child.

Memory
------
Every session allocates its pools afresh (about 150 KB for a message pool of 16 nodes, plus
8 KB per beta node) and `delete_state` frees them. With glibc's default, adaptive thresholds
that memory can be returned to the kernel and faulted back in on every decision, depending on
how the heap happens to be laid out: measured here in a process with four engines, 37 page
faults and ~140 us of system time per decision, half again the decision's own CPU time. So before building its first engine a process
sets glibc's `M_MMAP_THRESHOLD` to 1 MiB and `M_TRIM_THRESHOLD` to 8 MiB (what glibc's own
adaptive scheme would reach after one large free; at most 8 MiB of free heap is kept). Set
`TUNE_MALLOC = False` before the first decision to leave malloc alone; nothing happens on a
C library other than glibc.

How parameters reach the conditions: substitution, one engine per parameter set
-------------------------------------------------------------------------------
Conditions name parameters with `param("capacity")`; when the engine for a ruleset is built, the
values of the parameter set in use are written into the conditions as constants, and the engine
is cached under (ruleset, values). A coordinator's new version therefore costs one engine build
(1.5 ms for the 20-rule benchmark ruleset, 0.5 ms for the calendar, on the slow machine
the benchmark ran on) the first time it is used in each worker; engines are
kept in a small LRU (`MAX_ENGINES`) and the evicted ones are deleted from the C engine.

The alternative, injecting the values into every fact as a `params` sub-object and comparing
field to field (`{"$gt": {"students": {"$m": "params.capacity"}}}`, which durable_rules does
support), needs only one engine per ruleset version but makes every fact larger (more JSON to
encode and parse, more properties toward the engine's ~250-per-fact limit), puts the parameters
into every stored fact, turns cheap constant tests into field-to-field comparisons, and lets a
rule silently compare against a parameter that a fact of some kind does not carry. Measured on
the 20-rule benchmark ruleset (bench/rules_bench.py, one core, 13 parameters, 5 facts per
decision), the engine with injected parameters managed 0.52-0.71 times the decisions per second
of the engine with substituted ones. Substitution also keeps the engine's facts exactly the
caller's facts.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import json
import os
import re
import sys
import threading
from collections import OrderedDict
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import durable_rules_engine as _dre
from durable import engine as _durable

from rules import registry
from rules.decision import Decision, FiredRule, freeze_outcome
from rules.errors import RuleError
from rules.facts import Facts
from rules.messages import Reason
from rules.parameters import ParameterValues
from rules.ruleset import Match, Ruleset

__all__ = ["MAX_ENGINES", "QuietHost", "decide", "engine_stats", "validate_parameters"]

TUNE_MALLOC = True  # see "Memory" above
MAX_ENGINES = 16  # engines alive per process, across rulesets and parameter sets
MAX_LEAKED_SESSIONS = 4  # sessions an engine may have failed to delete before it is rebuilt
END_PRIORITY = 65535  # the engine's priorities are unsigned 16-bit; this one fires last
_END_RULE = "$end"
_END_KIND = "$end"
_BEGIN = {"id": "$begin", "kind": "$begin"}
_END = {"id": "$end", "kind": _END_KIND}
_HEAD = re.compile(r'\{"([^"]+)":\{"(\w+)":\{"sid":"\w+","id":(\d+|"\$\w+")[,}]')

_encode = json.JSONEncoder(
    ensure_ascii=False,  # the engine compares raw UTF-8: must match how conditions are encoded
    separators=(",", ":"),  # also makes the '{"id":' prefix below exact
    allow_nan=False,
    check_circular=False,
).encode
_loads = json.loads
_assert_facts = _dre.assert_facts
_start_action_for_state = _dre.start_action_for_state
_complete_and_start_action = _dre.complete_and_start_action


class QuietHost(_durable.Host):
    """A durable_rules Host that starts no background thread.

    The stock Host polls its rulesets from two `threading.Timer` threads (dispatch and timers)
    every 0.2 s. We use neither queued actions nor timers, and those threads would call into the
    engine outside our lock, between the calls of a decision.
    """

    def _run(self) -> None:
        """Start nothing (the stock Host starts its dispatcher threads here)."""


def _never_called(c: Any) -> None:
    raise AssertionError("durable_rules tried to run an action itself")


class _Engine:
    """One compiled durable_rules ruleset for one (ruleset, parameter values) pair."""

    def __init__(self, ruleset: Ruleset, values: Mapping[str, Any]) -> None:
        definition: dict[str, dict[str, Any]] = ruleset.engine_rules(values)
        definition[_END_RULE] = {"all": [{"m": {"kind": _END_KIND}}], "pri": END_PRIORITY}
        for rule in definition.values():
            rule["run"] = _never_called  # durable.engine requires one; our loop runs actions
        name = f"{ruleset.name}__{next(_engine_numbers)}"
        self.ruleset = ruleset
        self.host = QuietHost()
        self.host.register_rulesets({name: definition})
        self.handle: int = self.host.get_ruleset(name)._handle
        self.actions = {rule.name: rule.action for rule in ruleset.rules}
        self.single = frozenset(rule.name for rule in ruleset.rules if len(rule.patterns) == 1)
        self.params: Mapping[str, Any] = MappingProxyType(dict(values))
        self.leaked = 0

    def close(self) -> None:
        """Free the compiled ruleset in the C engine (and with it any session left behind)."""
        global _live_sessions
        _live_sessions -= self.leaked
        self.leaked = 0
        with contextlib.suppress(Exception):  # already gone: nothing to free
            _dre.delete_ruleset(self.handle)

    def run(
        self, sid: str, payload: str, by_id: Mapping[Any, Mapping[str, Any]]
    ) -> list[FiredRule]:
        """Assert the payload in session `sid`, run every action, delete the session."""
        global _live_sessions
        handle = self.handle
        _live_sessions += 1
        try:
            offset = _assert_facts(handle, payload)[1]
            result = _start_action_for_state(handle, offset)
        except BaseException as exc:  # engine error (or MemoryError): nothing is running
            self._flush_and_delete(sid)
            if not isinstance(exc, Exception):
                raise
            raise RuleError(
                f"the engine could not take the facts: {exc}", ruleset=self.ruleset.name
            ) from exc
        if result is None:  # not even the $end rule fired: the engine did not read the batch
            self._flush_and_delete(sid)
            raise RuleError("the engine skipped facts", ruleset=self.ruleset.name)
        fired: list[FiredRule] = []
        ended = False
        name = None
        head = _HEAD.match
        single = self.single
        try:
            messages = result[1]
            while True:
                # '{"rule":{"m":{"sid":"d7","id":3,...}}}': a regex reads the rule and the fact
                # id of a one-pattern rule without decoding the whole fact again.
                found = head(messages)
                name = found[1] if found is not None else None
                if name == _END_RULE:
                    ended = True
                elif name in single:
                    fired.append(self._fire(name, {found[2]: by_id[int(found[3])]}, found[3]))
                else:
                    for name, matched in _loads(messages).items():  # noqa: B007 - one entry
                        break
                    facts = {alias: by_id[raw["id"]] for alias, raw in matched.items()}
                    fired.append(self._fire(name, facts, None))
                messages = _complete_and_start_action(handle, offset)
                if messages is None:
                    break
        except BaseException as exc:
            with contextlib.suppress(Exception):  # the action in progress; frees its context
                _dre.abandon_action(handle, offset)
            self._delete(sid)
            if isinstance(exc, RuleError) or not isinstance(exc, Exception):
                raise
            raise RuleError(
                f"rule {name!r} of {self.ruleset.name!r} raised {exc!r}",
                ruleset=self.ruleset.name,
                rule=name,
            ) from exc
        self._delete(sid)
        if not ended:
            raise RuleError("the engine skipped the end of the facts", ruleset=self.ruleset.name)
        return fired

    def _fire(
        self, name: str, facts: dict[str, Mapping[str, Any]], one_id: str | None
    ) -> FiredRule:
        """Run one action on its matched facts and check what it returns."""
        result = self.actions[name](Match(name, facts, self.params))
        try:
            outcome, reason = result
            outcome = freeze_outcome(outcome)
        except (TypeError, ValueError) as exc:
            raise RuleError(
                f"rule {name!r} must return (outcome mapping, Reason), not {result!r}: {exc}",
                ruleset=self.ruleset.name,
                rule=name,
            ) from None
        if type(reason) is not Reason:
            raise RuleError(
                f"rule {name!r} must return a Reason, not {reason!r}",
                ruleset=self.ruleset.name,
                rule=name,
            )
        if one_id is not None:
            return FiredRule(name, outcome, reason, (int(one_id),))
        return FiredRule(name, outcome, reason, tuple(f["id"] for f in facts.values()))

    def _delete(self, sid: str) -> None:
        global _live_sessions
        try:
            _dre.delete_state(self.handle, sid)
            _live_sessions -= 1
        except Exception:
            self.leaked += 1

    def _flush_and_delete(self, sid: str) -> None:
        """Make an action run in the session so that deleting it is safe, then delete it."""
        try:
            offset = _dre.assert_fact(
                self.handle, f'{{"sid":"{sid}","id":"$flush","kind":"$end"}}'
            )[1]
            if _start_action_for_state(self.handle, offset) is not None:
                _dre.abandon_action(self.handle, offset)
                self._delete(sid)
                return
        except Exception:
            pass
        self.leaked += 1  # deleting now could crash the process: leave it, count it


# Per-process state; reset in a forked child.
_lock = threading.Lock()
_owner: int | None = None
_pid = os.getpid()
_engines: OrderedDict[tuple[Any, ...], _Engine] = OrderedDict()
_engine_numbers = itertools.count(1)
_session_numbers = itertools.count(1)
_live_sessions = 0
_param_cache: dict[int, tuple[Any, ...]] = {}


def _after_fork_in_child() -> None:
    global _lock, _owner, _pid, _live_sessions
    _lock = threading.Lock()  # the parent's may have been held by a thread that is not here
    _owner = None
    _pid = os.getpid()
    _engines.clear()  # the parent's engines stay untouched in copied memory; build our own
    _live_sessions = 0
    _param_cache.clear()


os.register_at_fork(after_in_child=_after_fork_in_child)


_malloc_tuned = False


def _tune_malloc() -> None:
    """Keep freed session memory in the heap instead of returning it to the kernel each time."""
    global _malloc_tuned
    _malloc_tuned = True
    if not TUNE_MALLOC or not sys.platform.startswith("linux"):
        return
    try:
        if not (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc"):
            return
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, ValueError, AttributeError):
        return
    mallopt(-3, 1 << 20)  # M_MMAP_THRESHOLD: allocations below 1 MiB come from the heap
    mallopt(-1, 8 << 20)  # M_TRIM_THRESHOLD: give memory back only beyond 8 MiB free


def _drop_engines(ruleset: Ruleset) -> None:
    with _lock:
        for key in [k for k, e in _engines.items() if e.ruleset is ruleset]:
            _engines.pop(key).close()
    _param_cache.clear()


registry.on_unregister(_drop_engines)


def _engine_for(
    ruleset: Ruleset, fingerprint: tuple[Any, ...], values: Mapping[str, Any]
) -> _Engine:
    """The engine for this ruleset and parameter set; call with the lock held."""
    key = (id(ruleset), fingerprint)
    engine = _engines.get(key)
    if engine is not None and engine.ruleset is ruleset and engine.leaked <= MAX_LEAKED_SESSIONS:
        _engines.move_to_end(key)
        return engine
    if engine is not None:
        _engines.pop(key).close()
    if not _malloc_tuned:
        _tune_malloc()
    engine = _Engine(ruleset, values)
    _engines[key] = engine
    while len(_engines) > MAX_ENGINES:
        _engines.popitem(last=False)[1].close()
    return engine


def _fingerprint(ruleset: Ruleset, values: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple((type(values[p.name]).__name__, values[p.name]) for p in ruleset.parameters)


def _resolve_parameters(
    ruleset: Ruleset, parameters: ParameterValues | None
) -> tuple[Mapping[str, Any], int | None, tuple[Any, ...]]:
    """(values, version, fingerprint) for a decision; validated once per ParameterValues object."""
    if parameters is None:
        cached = _param_cache.get(id(ruleset))
        if cached is None or cached[0] is not ruleset:
            values = ruleset.defaults
            cached = (ruleset, None, values, None, _fingerprint(ruleset, values))
            _param_cache[id(ruleset)] = cached
        return cached[2], None, cached[4]
    if not isinstance(parameters, ParameterValues):
        raise TypeError("parameters must be a rules.ParameterValues or None")
    cached = _param_cache.get(id(parameters))
    if cached is None or cached[0] is not parameters or cached[1] is not ruleset:
        values = MappingProxyType(ruleset.check_parameters(parameters.values))
        if len(_param_cache) > 256:
            _param_cache.clear()
        cached = (parameters, ruleset, values, parameters.version, _fingerprint(ruleset, values))
        _param_cache[id(parameters)] = cached
    return cached[2], cached[3], cached[4]


def decide(
    ruleset_name: str, facts: Facts, *, parameters: ParameterValues | None = None
) -> Decision:
    """Decide on the facts with the named ruleset, in an isolated engine session.

    Raises FactError (bad facts, nothing was evaluated), ParameterError (bad parameter values),
    RuleError (a rule or the engine failed: a bug, log it) or UnknownRulesetError.
    """
    global _owner
    ruleset = registry.get(ruleset_name)
    values, version, fingerprint = _resolve_parameters(ruleset, parameters)
    normalised = ruleset.schema.normalise(facts)
    by_id = {fact["id"]: MappingProxyType(fact) for fact in normalised}
    sid = f"d{next(_session_numbers)}"
    payload = _encode([_BEGIN, *reversed(normalised), _END]).replace(
        '{"id":', f'{{"sid":"{sid}","id":', len(normalised) + 2
    )
    me = threading.get_ident()
    if _owner == me:
        raise RuleError("decide() was called from inside a rule action", ruleset=ruleset_name)
    if _pid != os.getpid():
        _after_fork_in_child()
    with _lock:
        _owner = me
        try:
            fired = _engine_for(ruleset, fingerprint, values).run(sid, payload, by_id)
        finally:
            _owner = None
    return Decision(
        ruleset=ruleset.name,
        ruleset_version=ruleset.version,
        parameters_version=version,
        parameters=values,
        facts=tuple(by_id.values()),
        fired=tuple(fired),
    )


def validate_parameters(ruleset_name: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """A full, normalised parameter set for the ruleset (defaults fill gaps), or ParameterError.

    For the coordinator's form: call it before storing a new parameter version.
    """
    return registry.get(ruleset_name).check_parameters(values)


def engine_stats() -> dict[str, int]:
    """Engines and sessions alive in this process (for tests and the health page)."""
    with _lock:
        return {
            "engines": len(_engines),
            "live_sessions": _live_sessions,
            "leaked_sessions": sum(e.leaked for e in _engines.values()),
        }
