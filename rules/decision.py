"""What a decision says, and the record of it the application keeps.

A `Decision` lists every rule that fired, in firing order, each with its outcome (a small JSON
mapping such as `{"open": False, "refused": True}`) and the `Reason` a user will read. It also
carries what it was decided from: the ruleset and its version, the parameter version and values,
and the facts exactly as the engine saw them. `to_record()` is plain JSON for the decision log;
`Decision.from_record()` reads it back, equal to the original.

Outcome keys are each ruleset's vocabulary; one key is shared: `"refused": True` means "this
rule says no to what was asked", which lets generic code (a booking re-check, a form) act on any
ruleset through `is_refused` and `refusals`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NamedTuple

from rules.messages import Reason

__all__ = ["RECORD_FORMAT", "Decision", "FiredRule", "freeze_outcome"]

RECORD_FORMAT = 1
_ANY: Any = object()
_SCALARS = (str, int, float, bool, type(None))


def freeze_outcome(outcome: Mapping[str, Any]) -> Mapping[str, Any]:
    """A read-only copy of an outcome; ValueError unless it is a flat JSON mapping.

    Values are JSON scalars or lists of them (lists become tuples), so the outcome can be stored
    in the decision log and compared after reading it back.
    """
    if type(outcome) is not dict and not isinstance(outcome, Mapping):
        raise ValueError(f"an outcome must be a mapping, not {type(outcome).__name__}")
    frozen = {}
    for key, value in outcome.items():
        if type(key) is not str:
            raise ValueError(f"outcome keys must be strings, not {key!r}")
        if type(value) not in _SCALARS:
            if isinstance(value, list | tuple) and all(type(v) in _SCALARS for v in value):
                value = tuple(value)
            else:
                raise ValueError(f"outcome {key!r} must be a JSON scalar or a list of them")
        if type(value) is float and value != value:
            raise ValueError(f"outcome {key!r} is NaN")
        frozen[key] = value
    return MappingProxyType(frozen)


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _frozen_fact(fact: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType({k: tuple(v) if isinstance(v, list) else v for k, v in fact.items()})


class FiredRule(NamedTuple):
    """One rule that fired: its name, what it decided, why, and the ids of the facts it matched."""

    rule: str
    outcome: Mapping[str, Any]
    reason: Reason
    fact_ids: tuple[int, ...] = ()

    def to_record(self) -> dict[str, Any]:
        """Plain JSON for the decision log."""
        return {
            "rule": self.rule,
            "outcome": _plain(self.outcome),
            "reason": self.reason.to_record(),
            "facts": list(self.fact_ids),
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> FiredRule:
        """Rebuild from `to_record` output."""
        return cls(
            str(record["rule"]),
            freeze_outcome(record["outcome"]),
            Reason.from_record(record["reason"]),
            tuple(int(i) for i in record.get("facts", ())),
        )


@dataclass(frozen=True, eq=True)
class Decision:
    """The result of one `rules.decide()`: every rule that fired, why, and from what."""

    ruleset: str
    ruleset_version: str
    parameters_version: int | None
    parameters: Mapping[str, Any]
    facts: tuple[Mapping[str, Any], ...]
    fired: tuple[FiredRule, ...]

    __hash__ = None  # type: ignore[assignment]  # mappings inside: compare, don't hash

    @property
    def rules(self) -> tuple[str, ...]:
        """Names of the rules that fired, in firing order (a rule may appear once per fact)."""
        return tuple(f.rule for f in self.fired)

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """Every reason, in firing order."""
        return tuple(f.reason for f in self.fired)

    def fired_rule(self, name: str) -> tuple[FiredRule, ...]:
        """The firings of one rule (one per matching fact)."""
        return tuple(f for f in self.fired if f.rule == name)

    def where(self, key: str, value: Any = _ANY) -> tuple[FiredRule, ...]:
        """Firings whose outcome has `key` (equal to `value`, if given)."""
        if value is _ANY:
            return tuple(f for f in self.fired if key in f.outcome)
        return tuple(f for f in self.fired if key in f.outcome and f.outcome[key] == value)

    def outcomes(self, key: str) -> tuple[Any, ...]:
        """The values the firing rules gave `key`, in firing order."""
        return tuple(f.outcome[key] for f in self.fired if key in f.outcome)

    def first(self, key: str, default: Any = None) -> Any:
        """The value the first (highest-priority) rule deciding `key` gave it."""
        for f in self.fired:
            if key in f.outcome:
                return f.outcome[key]
        return default

    def for_fact(self, fact_id: int) -> tuple[FiredRule, ...]:
        """Firings that matched the fact with this id (its index in the input)."""
        return tuple(f for f in self.fired if fact_id in f.fact_ids)

    @property
    def refusals(self) -> tuple[FiredRule, ...]:
        """Firings whose outcome says `"refused": True`."""
        return tuple(f for f in self.fired if f.outcome.get("refused") is True)

    @property
    def is_refused(self) -> bool:
        """True if any rule refused: the caller must not go ahead (show `refusals`' reasons)."""
        return any(f.outcome.get("refused") is True for f in self.fired)

    def to_record(self) -> dict[str, Any]:
        """Plain JSON (json.dumps-able) for the decision log."""
        return {
            "format": RECORD_FORMAT,
            "ruleset": self.ruleset,
            "ruleset_version": self.ruleset_version,
            "parameters_version": self.parameters_version,
            "parameters": dict(self.parameters),
            "facts": [_plain(f) for f in self.facts],
            "fired": [f.to_record() for f in self.fired],
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Decision:
        """Read back a stored decision (ValueError if the record is not one)."""
        try:
            if record["format"] != RECORD_FORMAT:
                raise ValueError(f"unknown decision record format {record['format']!r}")
            version = record["parameters_version"]
            if version is not None and type(version) is not int:
                raise ValueError("parameters_version must be an int or null")
            facts: Sequence[Mapping[str, Any]] = record["facts"]
            return cls(
                ruleset=str(record["ruleset"]),
                ruleset_version=str(record["ruleset_version"]),
                parameters_version=version,
                parameters=MappingProxyType(dict(record["parameters"])),
                facts=tuple(_frozen_fact(f) for f in facts),
                fired=tuple(FiredRule.from_record(f) for f in record["fired"]),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"not a decision record: {exc!r}") from exc
