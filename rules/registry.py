"""The rulesets this process knows, by name: `rules.registry.get("calendar")`.

Each program module in rules/ builds its ruleset at import and calls `register` once; importing
`rules` imports them all. Registering seals the ruleset (no rules may be added afterwards, since
engines are built from it). A name can be registered only once per process: a second, different
ruleset under the same name is a mistake. Tests that need throwaway rulesets use `temporary()`,
which unregisters (and drops the engines built for it) on the way out.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rules.errors import RulesetError, UnknownRulesetError
from rules.ruleset import Ruleset

__all__ = ["get", "names", "register", "temporary", "unregister"]

_rulesets: dict[str, Ruleset] = {}
_lock = threading.Lock()
_on_unregister: list[Callable[[Ruleset], None]] = []


def register(ruleset: Ruleset) -> Ruleset:
    """Make a ruleset available to `rules.decide` by its name; returns it."""
    if not isinstance(ruleset, Ruleset):
        raise RulesetError(f"register() takes a Ruleset, not {type(ruleset).__name__}")
    with _lock:
        current = _rulesets.get(ruleset.name)
        if current is ruleset:
            return ruleset
        if current is not None:
            raise RulesetError(f"a ruleset named {ruleset.name!r} is registered already")
        ruleset.seal()
        _rulesets[ruleset.name] = ruleset
    return ruleset


def unregister(name: str) -> None:
    """Forget a ruleset and drop the engines built for it (for tests and tools)."""
    with _lock:
        ruleset = _rulesets.pop(name, None)
    if ruleset is not None:
        for listener in _on_unregister:
            listener(ruleset)


def get(name: str) -> Ruleset:
    """The registered ruleset of that name, or UnknownRulesetError."""
    try:
        return _rulesets[name]
    except (KeyError, TypeError):
        raise UnknownRulesetError(f"no ruleset named {name!r} is registered") from None


def names() -> tuple[str, ...]:
    """Names of all registered rulesets, sorted."""
    return tuple(sorted(_rulesets))


@contextmanager
def temporary(ruleset: Ruleset) -> Iterator[Ruleset]:
    """Register a ruleset for the duration of a `with` block (tests, experiments)."""
    register(ruleset)
    try:
        yield ruleset
    finally:
        unregister(ruleset.name)


def on_unregister(listener: Callable[[Ruleset], None]) -> None:
    """Call `listener(ruleset)` whenever a ruleset is unregistered (the runtime drops engines)."""
    _on_unregister.append(listener)
