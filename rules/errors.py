"""What can go wrong in a decision, as exceptions the application can tell apart.

`FactError` and `ParameterError` are the caller's fault (bad input; each problem names its field
with a `Reason` the page can show next to it); `RuleError` is ours (a rule or the engine failed) and
should reach the error log, never be shown as a refusal; `RulesetError` is a mistake in a ruleset
definition, raised at import so it never reaches a user.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from rules.messages import Reason

__all__ = [
    "FactError",
    "FieldProblem",
    "ParameterError",
    "RuleError",
    "RulesError",
    "RulesetError",
    "UnknownRulesetError",
]


class FieldProblem(NamedTuple):
    """One thing wrong with one field: which fact (index) and field, and why, for the user."""

    field: str
    index: int | None
    reason: Reason

    @property
    def path(self) -> str:
        """`facts[2].weekday`, or just the field name when the input was a single mapping."""
        if self.index is None:
            return self.field
        return f"facts[{self.index}].{self.field}" if self.field else f"facts[{self.index}]"


class RulesError(Exception):
    """Anything raised by rules/ on purpose."""


class _InputError(RulesError, ValueError):
    def __init__(self, problems: Iterable[FieldProblem], what: str) -> None:
        self.problems: tuple[FieldProblem, ...] = tuple(problems)
        shown = "; ".join(f"{p.path}: {p.reason.render()}" for p in self.problems[:5])
        more = len(self.problems) - 5
        super().__init__(f"invalid {what}: {shown}" + (f" (and {more} more)" if more > 0 else ""))

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """The reasons, in the order found, for a form to show."""
        return tuple(p.reason for p in self.problems)

    @property
    def fields(self) -> tuple[str, ...]:
        """The paths of the fields at fault (`facts[0].weekday`), in the order found."""
        return tuple(p.path for p in self.problems)


class FactError(_InputError):
    """The facts cannot be decided on: wrong types, missing or unknown fields, too big.

    A ValueError, because it is the caller's input that is wrong; nothing reached the engine.
    """

    def __init__(self, problems: Iterable[FieldProblem]) -> None:
        super().__init__(problems, "facts")


class ParameterError(_InputError):
    """Rule parameters a coordinator entered are out of range or of the wrong type."""

    def __init__(self, problems: Iterable[FieldProblem]) -> None:
        super().__init__(problems, "parameters")


class RuleError(RulesError, RuntimeError):
    """A rule action raised, returned something unusable, or the engine failed mid-decision.

    Never a silent empty decision: the cause is chained (`__cause__`) for the error log.
    """

    def __init__(self, message: str, *, ruleset: str, rule: str | None = None) -> None:
        super().__init__(message)
        self.ruleset = ruleset
        self.rule = rule


class RulesetError(RulesError):
    """A ruleset definition is wrong (unknown field, bad priority, duplicate name, ...)."""


class UnknownRulesetError(RulesError, LookupError):
    """No ruleset of that name is registered in this process."""
