"""Reasons as data: rules/ says what to tell the user, the application says it in their language.

A `Reason` is an English message id with `{name}` placeholders, written inline as `N_("...")` so
pybabel extracts it (keyword `N_`), and the values to fill in. rules/ never translates: the web
pages, the CLI and the PDFs pass the id through the gettext catalog (`programs.i18n.translate`).

Parameter values are JSON values, because a reason is stored in the decision log: text, numbers,
booleans, None, lists of those, and nested messages (`nested(...)`: a `{"msgid", "params"}`
mapping the translator translates too, e.g. a weekday name). Dates travel as ISO strings, which
the translator writes the reader's way.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

__all__ = ["N_", "WEEKDAY_NAMES", "Reason", "nested", "weekday_name"]


def N_(message: str) -> str:
    """Mark a message id for extraction by pybabel without translating it here."""
    return message


_SCALARS = (str, int, float, bool, type(None))
_placeholder_cache: dict[str, frozenset[str]] = {}


def _placeholders(msgid: str) -> frozenset[str]:
    """The `{name}` fields of a message id; positional or indexed fields are refused."""
    names = _placeholder_cache.get(msgid)
    if names is not None:
        return names
    found = set()
    try:
        parsed = list(string.Formatter().parse(msgid))
    except ValueError as exc:
        raise ValueError(f"message id {msgid!r} is not a valid format string: {exc}") from None
    for _, name, _, _ in parsed:
        if name is None:
            continue
        if not name.isidentifier():
            raise ValueError(f"message id {msgid!r}: placeholder {{{name}}} must be a plain name")
        found.add(name)
    names = frozenset(found)
    if len(_placeholder_cache) < 4096:  # message ids are literals in code: a bounded set
        _placeholder_cache[msgid] = names
    return names


def _freeze_param(name: str, value: Any, depth: int = 0) -> Any:
    """A JSON-safe, immutable copy of a parameter value (lists become tuples)."""
    if type(value) in _SCALARS:
        if type(value) is float and value != value:  # NaN cannot be stored as JSON
            raise ValueError(f"reason parameter {name!r} is NaN")
        return value
    if depth > 3:
        raise ValueError(f"reason parameter {name!r} is nested too deeply")
    if isinstance(value, list | tuple):
        return tuple(_freeze_param(name, item, depth + 1) for item in value)
    if isinstance(value, Mapping) and set(value) <= {"msgid", "params"} and "msgid" in value:
        inner = value.get("params") or {}
        if not isinstance(value["msgid"], str) or not isinstance(inner, Mapping):
            raise ValueError(f"reason parameter {name!r} is not a nested message")
        return MappingProxyType(
            {
                "msgid": value["msgid"],
                "params": MappingProxyType(
                    {str(k): _freeze_param(name, v, depth + 1) for k, v in inner.items()}
                ),
            }
        )
    raise ValueError(
        f"reason parameter {name!r} must be a JSON value or a nested message, "
        f"not {type(value).__name__}"
    )


def _thaw(value: Any) -> Any:
    """The plain-JSON form of a frozen parameter value."""
    if isinstance(value, tuple):
        return [_thaw(item) for item in value]
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    return value


def _hashable(value: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(_hashable(item) for item in value)
    if isinstance(value, Mapping):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    return value


@dataclass(frozen=True, slots=True, init=False)
class Reason:
    """Why a rule decided what it did, as an untranslated message the user will read.

    Built where the rule fires, so a missing placeholder value or a value the decision log cannot
    store fails there, in the rule's own test, rather than on a page months later.
    """

    msgid: str
    params: Mapping[str, Any]

    def __init__(self, msgid: str, params: Mapping[str, Any] | None = None) -> None:
        if type(msgid) is not str or not msgid:
            raise ValueError("a reason needs a message id (a non-empty string)")
        if params is None:
            params = {}
        elif type(params) is not dict and not isinstance(params, Mapping):
            raise ValueError(f"reason parameters must be a mapping, not {type(params).__name__}")
        names = _placeholder_cache.get(msgid)
        if names is None:
            names = _placeholders(msgid)
        if not names <= params.keys():
            missing = sorted(names.difference(params))
            raise ValueError(f"reason {msgid!r} has no value for {missing}")
        frozen = {}
        for name, value in params.items():
            if type(name) is not str:
                raise ValueError(f"reason parameter names must be strings, not {name!r}")
            kind = type(value)
            if kind is str or kind is int or kind is bool or value is None:
                frozen[name] = value
            else:
                frozen[name] = _freeze_param(name, value)
        object.__setattr__(self, "msgid", msgid)
        object.__setattr__(self, "params", MappingProxyType(frozen))

    def __hash__(self) -> int:
        return hash((self.msgid, _hashable(self.params)))

    def __repr__(self) -> str:
        return f"Reason({self.msgid!r}, {_thaw(self.params)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Reason, (self.msgid, _thaw(self.params)))

    def render(self, gettext: Callable[[str], str] = N_) -> str:
        """The message filled in, for logs, the CLI and tests (the web uses programs.i18n)."""
        values = {k: _render_value(v, gettext) for k, v in self.params.items()}
        return gettext(self.msgid).format(**values)

    def to_record(self) -> dict[str, Any]:
        """The reason as plain JSON, for the decision log."""
        return {"msgid": self.msgid, "params": _thaw(self.params)}

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Reason:
        """Rebuild a reason stored with `to_record`."""
        if not isinstance(record, Mapping) or "msgid" not in record:
            raise ValueError("a stored reason needs a msgid")
        return cls(record["msgid"], record.get("params") or {})


def _render_value(value: Any, gettext: Callable[[str], str]) -> Any:
    if isinstance(value, Mapping):
        inner = value.get("params") or {}
        return gettext(value["msgid"]).format(
            **{k: _render_value(v, gettext) for k, v in inner.items()}
        )
    if isinstance(value, tuple):
        return ", ".join(str(_render_value(v, gettext)) for v in value)
    return value


def nested(msgid: str, **params: Any) -> dict[str, Any]:
    """A message used as a parameter of another one, translated with it (e.g. a weekday name)."""
    return {"msgid": msgid, "params": params}


# Weekday names, Monday first like date.weekday(); the same ids as calendars/ uses.
WEEKDAY_NAMES: tuple[str, ...] = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


def weekday_name(weekday: int) -> dict[str, Any]:
    """A weekday (0 = Monday, as date.weekday()) as a translatable message parameter."""
    return nested(WEEKDAY_NAMES[weekday])
