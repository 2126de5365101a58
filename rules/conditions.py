"""A tiny builder for durable_rules conditions, and the checker that keeps them honest.

Conditions are durable_rules' own JSON syntax (what `ruleset.get_definition()` prints for a DSL
ruleset), so nothing is hidden: `gt("students", param("capacity"))` is
`{"$gt": {"students": <capacity>}}`. The syntax is unforgiving, which is why every condition is
checked when the rule is defined, against the fact schema:

- each condition dict has exactly one key: an operator or a field name (a second key, or `m`
  where `$m` was meant, is otherwise ignored by the engine without a word);
- every field exists in the fact kind the pattern matches, and the value compared with it has
  the field's type (a text field is never compared with a number: the engine would say
  '99' > 100);
- ordering (`gt`, `lt`, ...) only on numbers and dates (the engine compares text with strncmp
  over the longer length, which orders some prefixes wrongly; ISO dates all have one length);
- `$ex`/`$nex` are refused: every declared field is always present (absent optional fields take
  their default), so "exists" would be a test of the schema, not of the fact;
- every pattern begins with an equality on `kind`. Discriminating first keeps the engine's alpha
  network narrow (64 or more rules whose first test matches one fact at once fail with error
  303) and keeps rules away from the engine's own facts (the session state fact and our
  end-of-batch marker, which a condition like `$nex` would otherwise match).

Parameters appear as `param(name)`; they are substituted with the values of one parameter version
when the engine is built (see rules.runtime for why substitution and not injection).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from rules.errors import RulesetError
from rules.facts import FactKind, Field
from rules.parameters import ParameterSpec

__all__ = [
    "Param",
    "Pattern",
    "Ref",
    "all_of",
    "any_of",
    "contains",
    "eq",
    "gt",
    "gte",
    "lacks",
    "lt",
    "lte",
    "ne",
    "none_of",
    "one_of",
    "param",
    "ref",
    "when",
]

Condition = dict[str, Any]


@dataclass(frozen=True)
class Param:
    """A rule parameter inside a condition, filled in from the parameter version in use."""

    name: str


@dataclass(frozen=True)
class Ref:
    """Another field of the same fact (alias None) or of a fact matched earlier in the rule."""

    field: str
    alias: str | None = None


def param(name: str) -> Param:
    """Compare with a rule parameter (a capacity, a lead time) rather than a literal."""
    return Param(name)


def ref(field: str, alias: str | None = None) -> Ref:
    """Compare with another field: of this fact, or of the fact matched under `alias`."""
    return Ref(field, alias)


def eq(field: str, value: Any) -> Condition:
    """`field == value`."""
    return {field: value}


def ne(field: str, value: Any) -> Condition:
    """`field != value`."""
    return {"$neq": {field: value}}


def gt(field: str, value: Any) -> Condition:
    """`field > value` (numbers and dates only)."""
    return {"$gt": {field: value}}


def gte(field: str, value: Any) -> Condition:
    """`field >= value` (numbers and dates only)."""
    return {"$gte": {field: value}}


def lt(field: str, value: Any) -> Condition:
    """`field < value` (numbers and dates only)."""
    return {"$lt": {field: value}}


def lte(field: str, value: Any) -> Condition:
    """`field <= value` (numbers and dates only)."""
    return {"$lte": {field: value}}


def all_of(*conditions: Condition) -> Condition:
    """Every condition holds."""
    return {"$and": list(conditions)}


def any_of(*conditions: Condition) -> Condition:
    """At least one condition holds."""
    return {"$or": list(conditions)}


def one_of(field: str, values: Sequence[Any]) -> Condition:
    """`field in values`."""
    return {"$or": [{field: value} for value in values]}


def none_of(field: str, values: Sequence[Any]) -> Condition:
    """`field not in values`."""
    return {"$and": [{"$neq": {field: value}} for value in values]}


def contains(list_field: str, value: Any) -> Condition:
    """The list field has an item equal to `value` (false for an empty list)."""
    return {"$iany": {list_field: {"$i": value}}}


def lacks(list_field: str, value: Any) -> Condition:
    """No item of the list field equals `value`.

    Beware: the engine evaluates this as "all items differ" and says False for an EMPTY list,
    so declare such lists with min_items=1.
    """
    return {"$iall": {list_field: {"$neq": {"$i": value}}}}


@dataclass(frozen=True)
class Pattern:
    """One fact a rule needs: its kind, the tests on it, and the alias actions find it under."""

    alias: str
    kind: str
    condition: Condition


def when(kind: str, *conditions: Condition, alias: str = "m", **equals: Any) -> Pattern:
    """A fact of this kind for which all the conditions hold; keyword arguments test equality.

    `when("booking_day", gt("students", param("capacity")), day_kind="holiday")`
    """
    if not isinstance(kind, str):
        raise RulesetError(f"when(): the kind must be a string, not {kind!r}")
    tests: list[Condition] = [{"kind": kind}]
    tests.extend({name: value} for name, value in equals.items())
    tests.extend(conditions)
    condition = tests[0] if len(tests) == 1 else {"$and": tests}
    return Pattern(alias, kind, condition)


# ---------------------------------------------------------------------------------------------
# Checking and compiling

_ORDER_OPS = frozenset({"$gt", "$gte", "$lt", "$lte"})
_COMPARE_OPS = _ORDER_OPS | {"$neq"}
_BOOL_OPS = frozenset({"$and", "$or"})
_ITEM_OPS = frozenset({"$iany", "$iall"})
_ITEM = "$i"
_NUMBER = "number"


def _category(kind: type) -> str:
    if kind in (int, float):
        return _NUMBER
    if kind is date:
        return "date"
    return {bool: "bool", str: "text"}[kind]


class _Scope:
    """What a condition may refer to: the fact's fields, earlier aliases, the parameters."""

    def __init__(
        self,
        rule: str,
        kind: FactKind,
        aliases: Mapping[str, FactKind],
        params: Mapping[str, ParameterSpec],
        values: Mapping[str, Any] | None,
    ) -> None:
        self.rule = rule
        self.kind = kind
        self.aliases = aliases
        self.params = params
        self.values = values
        self.item: Field | None = None  # inside $iany/$iall: the list field

    def fail(self, message: str) -> RulesetError:
        return RulesetError(f"rule {self.rule!r} ({self.kind.name}): {message}")

    def field(self, name: str) -> Field:
        if name == _ITEM:
            if self.item is None:
                raise self.fail("$i is only allowed inside contains()/lacks()")
            return self.item
        if name == "kind":
            return Field("kind_", str)  # the discriminator: text
        spec = self.kind.fields.get(name)
        if spec is None:
            raise self.fail(
                f"{self.kind.name} has no field {name!r} (fields: {list(self.kind.fields)})"
            )
        return spec


def compile_pattern(
    rule: str,
    pattern: Pattern,
    kinds: Mapping[str, FactKind],
    earlier: Mapping[str, FactKind],
    params: Mapping[str, ParameterSpec],
    values: Mapping[str, Any] | None = None,
) -> Condition:
    """Check a pattern against the schema; with `values`, return durable_rules JSON for it."""
    kind = kinds.get(pattern.kind)
    if kind is None:
        raise RulesetError(f"rule {rule!r}: unknown fact kind {pattern.kind!r}")
    if not pattern.alias.isidentifier() or pattern.alias.startswith("_"):
        raise RulesetError(f"rule {rule!r}: alias {pattern.alias!r} must be a plain name")
    scope = _Scope(rule, kind, earlier, params, values)
    cond = pattern.condition
    first = cond["$and"][0] if isinstance(cond, dict) and "$and" in cond else cond
    if first != {"kind": pattern.kind}:
        raise scope.fail("the first test must be kind == the pattern's kind")
    return _compile(cond, scope)


def _compile(cond: Any, scope: _Scope) -> Condition:
    if not isinstance(cond, dict) or len(cond) != 1:
        raise scope.fail(f"each condition must be a dict with exactly one key, not {cond!r}")
    ((key, body),) = cond.items()
    if key in _BOOL_OPS:
        if not isinstance(body, list) or not body:
            raise scope.fail(f"{key} needs a non-empty list of conditions")
        if len(body) == 1:
            return _compile(body[0], scope)
        return {key: [_compile(c, scope) for c in body]}
    if key in _COMPARE_OPS:
        name, value = _single(body, key, scope)
        spec = scope.field(name)
        if key in _ORDER_OPS and _category(spec.value_type) not in (_NUMBER, "date"):
            raise scope.fail(f"{key} on {name!r}: order only numbers and dates")
        return {key: {name: _value(spec, name, value, scope)}}
    if key in _ITEM_OPS:
        name, inner = _single(body, key, scope)
        spec = scope.field(name)
        if spec.type is not list:
            raise scope.fail(f"{key} needs a list field; {name!r} is not one")
        outer, scope.item = scope.item, spec
        try:
            compiled_inner = _compile(inner, scope)
        finally:
            scope.item = outer
        return {key: {name: compiled_inner}}
    if key.startswith("$") and key != _ITEM:
        raise scope.fail(f"operator {key!r} is not supported here")
    spec = scope.field(key)
    if spec.type is list and key != _ITEM:
        raise scope.fail(f"{key!r} is a list: use contains()/lacks()")
    return {key: _value(spec, key, body, scope)}


def _single(body: Any, op: str, scope: _Scope) -> tuple[str, Any]:
    if not isinstance(body, dict) or len(body) != 1:
        raise scope.fail(f"{op} takes exactly one {{field: value}}, not {body!r}")
    ((name, value),) = body.items()
    return name, value


def _value(spec: Field, name: str, value: Any, scope: _Scope) -> Any:
    """Check that `value` may be compared with the field and return its JSON form."""
    want = _category(spec.value_type)
    if isinstance(value, Param):
        pspec = scope.params.get(value.name)
        if pspec is None:
            raise scope.fail(f"parameter {value.name!r} is not declared by the ruleset")
        if _category(pspec.type) != want:
            raise scope.fail(f"{name!r} ({want}) compared with parameter {value.name!r}")
        if scope.values is None:
            return value
        return scope.values[value.name]
    if isinstance(value, Ref):
        if value.alias is None:
            other = scope.field(value.field)
            target: Any = {"$m": value.field}
        else:
            kind = scope.aliases.get(value.alias)
            if kind is None:
                raise scope.fail(f"alias {value.alias!r} is not matched before this pattern")
            other = kind.fields.get(value.field) or (
                Field("kind_", str) if value.field == "kind" else None
            )
            if other is None:
                raise scope.fail(f"{kind.name} (as {value.alias}) has no field {value.field!r}")
            target = {value.alias: value.field}
        if other.type is list or _category(other.value_type) != want:
            raise scope.fail(f"{name!r} ({want}) compared with field {value.field!r}")
        return target
    if value is None:
        if not spec.nullable:
            raise scope.fail(f"{name!r} is never null; comparing it with None is a mistake")
        return None
    if isinstance(value, date):
        value = value.isoformat()
        got = "date"
    elif isinstance(value, bool):
        got = "bool"
    elif isinstance(value, int | float):
        got = _NUMBER
        if isinstance(value, float) and "e" in repr(value):
            raise scope.fail(f"{name!r}: {value!r} would be written with an exponent")
    elif isinstance(value, str):
        got = "date" if want == "date" else "text"
    else:
        raise scope.fail(f"{name!r} compared with {value!r}: use a number, text, bool or None")
    if got != want:
        raise scope.fail(f"{name!r} ({want}) compared with {value!r} ({got})")
    if got == _NUMBER and not isinstance(value, bool) and abs(value) > 2**53:
        raise scope.fail(f"{name!r}: {value!r} is too large")
    return value
