"""Rule parameters: the numbers a coordinator may change without a programmer.

Capacities, lead times, warning periods and thresholds are never literals in a rule: a ruleset
declares a `ParameterSpec` for each, with its type, default, bounds, unit and a label and help
text (message ids, translated by the UI that edits them). The application stores each edited set
as a numbered version in its database and passes it to `rules.decide` as `ParameterValues`; the
decision records the version and the values it used.

Statutory periods are not parameters: a coordinator cannot change the law (see rules.statutes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from rules.errors import FieldProblem, ParameterError, RulesetError
from rules.facts import MAX_SAFE_INT, NAME_RE
from rules.messages import N_, Reason

__all__ = ["ParameterSpec", "ParameterValues", "check_parameter_values"]

_TYPES = (int, float, bool, str)


@dataclass(frozen=True)
class ParameterSpec:
    """One tunable number (or switch, or word) of a ruleset, as the coordinator's form shows it.

    `label` and `help` are message ids (`N_("...")`); `unit` is a message id too ("days",
    "students") or None. `min`/`max` bound numbers; `choices` closes the set of values.
    """

    name: str
    type: type
    default: Any
    min: int | float | None = None
    max: int | float | None = None
    unit: str | None = None
    label: str = ""
    help: str = ""
    choices: tuple[Any, ...] | None = None

    def __post_init__(self) -> None:
        if not NAME_RE.match(self.name):
            raise RulesetError(f"parameter name {self.name!r}: use lower_case letters and _")
        if self.type not in _TYPES:
            raise RulesetError(f"parameter {self.name!r}: type must be int, float, bool or str")
        if not self.label:
            raise RulesetError(f"parameter {self.name!r}: needs a label (a message id)")
        if self.choices is not None:
            object.__setattr__(self, "choices", tuple(self.choices))
        reason = self.problem(self.default)
        if reason is not None:
            raise RulesetError(f"parameter {self.name!r}: invalid default: {reason.render()}")

    def normalise(self, value: Any) -> Any:
        """The value as the rules will see it (an int given for a float becomes a float)."""
        if self.type is float and type(value) is int:
            return float(value)
        return value

    def problem(self, value: Any) -> Reason | None:
        """Why this value cannot be used, or None if it can."""
        field = {"field": self.name}
        kind = self.type
        if kind is int and type(value) is not int:
            return Reason(N_("{field} must be a whole number."), field)
        if kind is float and type(value) not in (int, float):
            return Reason(N_("{field} must be a number."), field)
        if kind is bool and type(value) is not bool:
            return Reason(N_("{field} must be true or false."), field)
        if kind is str and type(value) is not str:
            return Reason(N_("{field} must be text."), field)
        if kind in (int, float):
            if not -MAX_SAFE_INT <= value <= MAX_SAFE_INT or value != value:
                return Reason(N_("{field} is out of range."), field)
            # durable_rules cannot parse numbers written with an exponent (1e-05, 2e+16).
            if kind is float and "e" in repr(float(value)):
                return Reason(N_("{field} is too large or too small (no exponents)."), field)
            if self.min is not None and value < self.min:
                return Reason(N_("{field} must be at least {min}."), {**field, "min": self.min})
            if self.max is not None and value > self.max:
                return Reason(N_("{field} must be at most {max}."), {**field, "max": self.max})
        if kind is str and len(value) > 200:
            return Reason(
                N_("{field} must be at most {max} characters long."), {**field, "max": 200}
            )
        if self.choices is not None and value not in self.choices:
            shown = ", ".join(str(c) for c in self.choices)
            return Reason(N_("{field} must be one of: {choices}."), {**field, "choices": shown})
        return None


@dataclass(frozen=True)
class ParameterValues:
    """A stored version of a ruleset's parameters, as the application passes it to decide()."""

    version: int | None
    values: Mapping[str, Any]

    def __post_init__(self) -> None:
        if self.version is not None and type(self.version) is not int:
            raise TypeError("ParameterValues.version must be an int or None")
        if not isinstance(self.values, Mapping):
            raise TypeError("ParameterValues.values must be a mapping")
        # A private copy: the decision must not change if the caller's dict does afterwards.
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))


def check_parameter_values(
    specs: Sequence[ParameterSpec], values: Mapping[str, Any]
) -> dict[str, Any]:
    """All parameters of a ruleset, normalised; defaults fill the gaps; or ParameterError."""
    if not isinstance(values, Mapping):
        raise ParameterError(
            [FieldProblem("", None, Reason(N_("Parameters must be a mapping of names to values.")))]
        )
    by_name = {spec.name: spec for spec in specs}
    problems = [
        FieldProblem(
            str(name)[:60],
            None,
            Reason(N_("{field} is not a parameter of these rules."), {"field": str(name)[:60]}),
        )
        for name in values
        if name not in by_name
    ]
    out: dict[str, Any] = {}
    for spec in specs:
        value = values.get(spec.name, spec.default)
        reason = spec.problem(value)
        if reason is not None:
            problems.append(FieldProblem(spec.name, None, reason))
        else:
            out[spec.name] = spec.normalise(value)
    if problems:
        raise ParameterError(problems)
    return out
