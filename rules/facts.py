"""Fact schemas: every fact is checked and normalised here before the engine sees it.

durable_rules trusts whatever JSON it is given, and it is loose: the string '99' compares greater
than 100, `x == 1` matches 1.0, '1' and True, a field that is absent or null compares in surprising
ways, and a number Python writes with an exponent (2e+16, 1e-05) is not parsed at all (the batch
is cut short and, when nothing parsed, the engine returns an uninitialised session offset that
crashes the process). So each ruleset declares, per kind of fact, exactly which fields exist and
of what type, and `FactSchema.normalise` lets through only what the engine handles correctly:

- every fact is an object with a `kind` the ruleset knows; no other field may appear;
- ints are ints (never bools, floats or numeric strings) within ±2**53 and the declared range;
- floats are finite and written without an exponent; ints given for floats become floats;
- text is bounded, valid Unicode; a date is a `datetime.date` or an ISO `YYYY-MM-DD` string and
  travels as that string; lists hold scalars only (no nesting) and become tuples;
- an optional field that is absent takes its declared default, so conditions never meet a
  missing field; a field is None only if declared nullable.

The normalised fact gets an `id` (its index in the input), which also names it in a `FiredRule`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from rules.errors import FactError, FieldProblem, RulesetError
from rules.messages import N_, Reason, nested, weekday_name

__all__ = ["Fact", "FactKind", "FactSchema", "Facts", "Field"]

Fact = Mapping[str, Any]
Facts = Fact | Sequence[Fact]

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
RESERVED_FIELDS = frozenset({"id", "sid", "kind"})
MAX_SAFE_INT = 2**53
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MISSING: Any = object()
_MAX_PROBLEMS = 50

_TYPE_NAMES = {int: "int", float: "float", bool: "bool", str: "str", date: "date", list: "list"}


class _Bad(Exception):
    """Internal: one value is unusable; carries the reason (without the field path)."""

    def __init__(self, msgid: str, **params: Any) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.params = params


def _type_label(value: Any) -> dict[str, Any]:
    """What the caller gave instead, as a translatable word (a nested message)."""
    if value is None:
        return nested(N_("null"))
    if isinstance(value, bool):
        return nested(N_("boolean"))
    if isinstance(value, int | float):
        return nested(N_("number"))
    if isinstance(value, str):
        return nested(N_("text"))
    if isinstance(value, Mapping):
        return nested(N_("object"))
    if isinstance(value, list | tuple):
        return nested(N_("list"))
    return nested(N_("a value of another type"))


def _check_float_repr(value: float) -> float:
    if value != value or value in (float("inf"), float("-inf")):
        raise _Bad(N_("{field} must be a finite number."))
    if "e" in repr(value):
        raise _Bad(N_("{field} is too large or too small to be compared (no exponents)."))
    return value


def _check_text(value: str, max_length: int) -> str:
    if len(value) > max_length:
        raise _Bad(N_("{field} must be at most {max} characters long."), max=max_length)
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise _Bad(N_("{field} contains characters that cannot be stored.")) from None
    return value


@dataclass(frozen=True)
class Field:
    """One field of a kind of fact: its type and the values a rule may rely on.

    `type` is int, float, bool, str, datetime.date or list (of `items`: int, float, str or bool).
    `min`/`max` bound numbers (for a list: each item), `choices` closes the set of values,
    `max_length` bounds text. An optional field (`required=False`) that is absent takes `default`.
    """

    name: str
    type: type
    required: bool = True
    nullable: bool = False
    default: Any = None
    choices: tuple[Any, ...] | None = None
    min: int | float | None = None
    max: int | float | None = None
    max_length: int = 200
    items: type | None = None
    min_items: int = 0
    max_items: int = 50
    unique: bool = False

    def __post_init__(self) -> None:
        if not NAME_RE.match(self.name) or self.name in RESERVED_FIELDS:
            raise RulesetError(
                f"field name {self.name!r}: use lower_case letters, digits and _ "
                f"(and not {sorted(RESERVED_FIELDS)})"
            )
        if self.type not in _TYPE_NAMES:
            raise RulesetError(f"field {self.name!r}: unsupported type {self.type!r}")
        if self.type is list and self.items not in (int, float, str, bool):
            raise RulesetError(f"field {self.name!r}: a list needs items=int, float, str or bool")
        if self.type is not list and self.items is not None:
            raise RulesetError(f"field {self.name!r}: items= is only for lists")
        if self.choices is not None:
            object.__setattr__(self, "choices", tuple(self.choices))
        if not self.required:
            checker = self.checker()
            if self.default is None and not self.nullable:
                raise RulesetError(f"field {self.name!r}: optional needs a default or nullable")
            if self.default is not None:
                try:
                    checker(self.default)
                except _Bad as bad:
                    raise RulesetError(f"field {self.name!r}: invalid default") from bad

    @property
    def value_type(self) -> type:
        """The type of the values conditions compare: the item type for lists."""
        if self.type is list:
            assert self.items is not None
            return self.items
        return self.type

    def checker(self) -> Callable[[Any], Any]:
        """A function that returns the normalised value or raises _Bad; built once per field."""
        if self.type is list:
            item = _scalar_checker(self.items, self)
            min_items, max_items, unique = self.min_items, self.max_items, self.unique

            def check_list(value: Any) -> Any:
                if type(value) is not list and type(value) is not tuple:
                    raise _Bad(N_("{field} must be a list, not {got}."), got=_type_label(value))
                if len(value) < min_items:
                    raise _Bad(N_("{field} must have at least {min} items."), min=min_items)
                if len(value) > max_items:
                    raise _Bad(N_("{field} must have at most {max} items."), max=max_items)
                out = tuple(item(v) for v in value)
                if unique and len(set(out)) != len(out):
                    raise _Bad(N_("{field} must not repeat an item."))
                return out

            return check_list
        return _scalar_checker(self.type, self)


def _scalar_checker(kind: type | None, spec: Field) -> Callable[[Any], Any]:
    lo, hi, choices = spec.min, spec.max, spec.choices
    allowed = frozenset(choices) if choices is not None else None
    shown = ", ".join(str(c) for c in choices) if choices is not None else ""

    def bounded(value: Any) -> Any:
        if lo is not None and value < lo:
            raise _Bad(N_("{field} must be at least {min}."), min=lo)
        if hi is not None and value > hi:
            raise _Bad(N_("{field} must be at most {max}."), max=hi)
        if allowed is not None and value not in allowed:
            raise _Bad(N_("{field} must be one of: {choices}."), choices=shown)
        return value

    if kind is int:

        def check_int(value: Any) -> Any:
            if type(value) is not int:
                raise _Bad(N_("{field} must be a whole number, not {got}."), got=_type_label(value))
            if not -MAX_SAFE_INT <= value <= MAX_SAFE_INT:
                raise _Bad(N_("{field} is too large."))
            return bounded(value)

        return check_int
    if kind is float:

        def check_float(value: Any) -> Any:
            if type(value) is int:
                if not -MAX_SAFE_INT <= value <= MAX_SAFE_INT:
                    raise _Bad(N_("{field} is too large."))
                value = float(value)
            elif type(value) is not float:
                raise _Bad(N_("{field} must be a number, not {got}."), got=_type_label(value))
            return bounded(_check_float_repr(value))

        return check_float
    if kind is bool:

        def check_bool(value: Any) -> Any:
            if type(value) is not bool:
                raise _Bad(N_("{field} must be true or false, not {got}."), got=_type_label(value))
            return value

        return check_bool
    if kind is str:
        max_length = spec.max_length

        def check_str(value: Any) -> Any:
            if type(value) is not str:
                raise _Bad(N_("{field} must be text, not {got}."), got=_type_label(value))
            return bounded(_check_text(value, max_length))

        return check_str
    if kind is date:

        def check_date(value: Any) -> Any:
            if type(value) is date:
                text = value.isoformat()
            elif type(value) is str and _ISO_DATE.match(value):
                try:
                    text = date.fromisoformat(value).isoformat()
                except ValueError:
                    raise _Bad(N_("{field} is not a real date.")) from None
            elif isinstance(value, datetime):
                raise _Bad(N_("{field} must be a date without a time."))
            else:
                raise _Bad(N_("{field} must be a date (YYYY-MM-DD)."))
            return bounded(text)

        return check_date
    raise RulesetError(f"field {spec.name!r}: unsupported type {kind!r}")


class FactKind:
    """One kind of fact a ruleset reasons about, e.g. `booking_day`, and its fields.

    `check`, if given, runs after the fields are valid; it may fill in derived fields and returns
    `(field, Reason)` problems for combinations no single field can catch (a date and a weekday
    that disagree).
    """

    def __init__(
        self,
        name: str,
        *fields: Field,
        check: Callable[[dict[str, Any]], Iterable[tuple[str, Reason]]] | None = None,
    ) -> None:
        if not NAME_RE.match(name):
            raise RulesetError(f"fact kind {name!r}: use lower_case letters, digits and _")
        names = [f.name for f in fields]
        if len(set(names)) != len(names):
            raise RulesetError(f"fact kind {name!r}: a field is declared twice")
        if len(fields) > 200:  # durable_rules stops at ~250 flattened properties per fact
            raise RulesetError(f"fact kind {name!r}: at most 200 fields")
        self.name = name
        self.fields: dict[str, Field] = {f.name: f for f in fields}
        self.check = check
        self._plan = tuple((f.name, f.checker(), f.required, f.nullable, f.default) for f in fields)

    def __repr__(self) -> str:
        return f"FactKind({self.name!r}, fields={list(self.fields)})"

    def normalise(self, index: int, fact: Mapping[str, Any], problems: list) -> dict[str, Any]:
        """The fact with every field checked and defaulted; problems are appended, not raised."""
        out: dict[str, Any] = {"id": index, "kind": self.name}
        seen = 1
        ok = True
        for name, check, required, nullable, default in self._plan:
            value = fact.get(name, _MISSING)
            if value is _MISSING:
                if required:
                    problems.append((name, Reason(N_("{field} is required."), {"field": name})))
                    ok = False
                    continue
                out[name] = default
                continue
            seen += 1
            if value is None:
                if nullable:
                    out[name] = None
                    continue
                problems.append((name, Reason(N_("{field} must have a value."), {"field": name})))
                ok = False
                continue
            try:
                out[name] = check(value)
            except _Bad as bad:
                problems.append((name, Reason(bad.msgid, {"field": name, **bad.params})))
                ok = False
        if seen != len(fact):
            for key in fact:
                if key != "kind" and key not in self.fields:
                    shown = key if isinstance(key, str) else repr(key)
                    problems.append(
                        (
                            shown[:60],
                            Reason(
                                N_("{field} is not a field of a {kind} fact."),
                                {"field": shown[:60], "kind": self.name},
                            ),
                        )
                    )
                    ok = False
                    if len(problems) > _MAX_PROBLEMS:
                        break
        if ok and self.check is not None:
            for name, reason in self.check(out):
                problems.append((name, reason))
        return out


class FactSchema:
    """The kinds of fact one ruleset accepts; `normalise` is the only way facts reach the engine."""

    def __init__(self, *kinds: FactKind, max_facts: int = 200) -> None:
        names = [k.name for k in kinds]
        if not kinds or len(set(names)) != len(names):
            raise RulesetError("a fact schema needs at least one kind, each named once")
        if not 1 <= max_facts <= 1000:
            raise RulesetError("max_facts must be between 1 and 1000")
        self.kinds: dict[str, FactKind] = {k.name: k for k in kinds}
        self.max_facts = max_facts

    def __repr__(self) -> str:
        return f"FactSchema({', '.join(self.kinds)})"

    def normalise(self, facts: Facts) -> list[dict[str, Any]]:
        """Checked, normalised copies of the facts, each with its `id`; or FactError."""
        single = isinstance(facts, Mapping)
        if single:
            items: Sequence[Any] = (facts,)
        elif isinstance(facts, Sequence) and not isinstance(facts, str | bytes | bytearray):
            items = facts
        else:
            raise FactError(
                [
                    FieldProblem(
                        "", None, Reason(N_("Facts must be an object or a list of objects."))
                    )
                ]
            )
        if not items:
            raise FactError(
                [FieldProblem("", None, Reason(N_("There are no facts to decide on.")))]
            )
        if len(items) > self.max_facts:
            raise FactError(
                [
                    FieldProblem(
                        "",
                        None,
                        Reason(
                            N_("A decision takes at most {max} facts, not {count}."),
                            {"max": self.max_facts, "count": len(items)},
                        ),
                    )
                ]
            )
        kinds = self.kinds
        out = []
        found: list[FieldProblem] = []
        problems: list[tuple[str, Reason]] = []
        for index, fact in enumerate(items):
            where = None if single else index
            if type(fact) is not dict and not isinstance(fact, Mapping):
                found.append(
                    FieldProblem(
                        "",
                        where,
                        Reason(
                            N_("Each fact must be an object, not {got}."),
                            {"got": _type_label(fact)},
                        ),
                    )
                )
                continue
            kind = fact.get("kind")
            spec = kinds.get(kind) if type(kind) is str else None
            if spec is None:
                found.append(
                    FieldProblem(
                        "kind",
                        where,
                        Reason(
                            N_("{field} must be one of: {choices}."),
                            {"field": "kind", "choices": ", ".join(kinds)},
                        ),
                    )
                )
                continue
            normalised = spec.normalise(index, fact, problems)
            if problems:
                found.extend(FieldProblem(name, where, reason) for name, reason in problems)
                problems.clear()
                if len(found) > _MAX_PROBLEMS:
                    break
                continue
            out.append(normalised)
        if found:
            raise FactError(found)
        return out


def weekday_problem(fact: Mapping[str, Any]) -> tuple[str, Reason] | None:
    """("weekday", why) when a fact's `weekday` is not its `date`'s, for a kind's check."""
    actual = date.fromisoformat(fact["date"]).weekday()
    if fact["weekday"] == actual:
        return None
    return (
        "weekday",
        Reason(
            N_("{field} is {value}, but {date} is a {weekday} ({actual}; Monday is 0)."),
            {
                "field": "weekday",
                "value": fact["weekday"],
                "date": fact["date"],
                "weekday": weekday_name(actual),
                "actual": actual,
            },
        ),
    )
