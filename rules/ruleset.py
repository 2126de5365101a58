"""Declaring a ruleset: its facts, its parameters and its rules, in plain Python.

```
calendar = Ruleset("calendar", "2026.1", FactSchema(FactKind("booking_day", ...)))

@calendar.rule(when("booking_day", day_kind="holiday"), priority=10, examples=[{...}])
def closed_for_holiday(match: Match) -> Outcome:
    '''The base is closed on public holidays (State Council holiday notice).'''
    return {"open": False, "refused": True}, Reason(N_("..."), {...})
```

The function's name is the rule's name in the engine and in every `FiredRule` (durable_rules'
own DSL would call it `r_0`). An action is a pure function of the matched facts and the
parameters: it returns one `(outcome, Reason)`; it never reads or writes anything else, so a
decision can be replayed from its record. Priorities follow durable_rules: a LOWER number fires
FIRST, rules of equal priority fire in the order they were defined, and within one rule the facts
fire in the order they were given. The engine stores priorities as unsigned 16-bit numbers (a
negative priority silently becomes one of the lowest), so they are checked to lie in 0..60000.

`examples` are facts on which the rule must fire; the test suite runs every example of every
registered rule, which is how a condition that can never match (a typo the engine would accept
in silence) is caught.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from rules.conditions import Pattern, compile_pattern
from rules.errors import FactError, RulesetError
from rules.facts import FactKind, Facts, FactSchema
from rules.messages import Reason
from rules.parameters import ParameterSpec, check_parameter_values

__all__ = ["DEFAULT_PRIORITY", "MAX_PRIORITY", "Match", "Outcome", "Rule", "Ruleset"]

Outcome = tuple[Mapping[str, Any], Reason]
Action = Callable[["Match"], Outcome]

DEFAULT_PRIORITY = 100
MAX_PRIORITY = 60000
_RULE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,31}$")


class Match:
    """What an action sees: the matched facts (read-only) by alias, and the parameter values."""

    __slots__ = ("facts", "params", "rule")

    def __init__(
        self, rule: str, facts: Mapping[str, Mapping[str, Any]], params: Mapping[str, Any]
    ):
        self.rule = rule
        self.facts = facts
        self.params = params

    @property
    def fact(self) -> Mapping[str, Any]:
        """The one fact of a single-pattern rule."""
        if len(self.facts) == 1:
            for fact in self.facts.values():
                return fact
        raise LookupError(f"rule {self.rule!r} matches {len(self.facts)} facts; use .facts")

    def __getitem__(self, alias: str) -> Mapping[str, Any]:
        return self.facts[alias]

    def __repr__(self) -> str:
        return f"Match({self.rule!r}, {dict(self.facts)!r})"


@dataclass(frozen=True)
class Rule:
    """One rule: when its patterns match, its action says what that means and why."""

    name: str
    patterns: tuple[Pattern, ...]
    priority: int
    action: Action
    examples: tuple[Facts, ...]

    @property
    def doc(self) -> str:
        """The rule as a coordinator would say it (the action's docstring)."""
        return (self.action.__doc__ or "").strip()


class Ruleset:
    """A named, versioned set of rules over one fact schema, with its tunable parameters.

    Bump `version` whenever a rule changes: it is recorded in every decision, so a stored
    decision can be explained with the rules that made it.
    """

    def __init__(
        self,
        name: str,
        version: str,
        facts: FactSchema,
        *,
        parameters: Sequence[ParameterSpec] = (),
        description: str = "",
    ) -> None:
        if not _RULE_NAME.match(name):
            raise RulesetError(f"ruleset name {name!r}: use lower_case letters, digits and _")
        if not isinstance(version, str) or not _VERSION.match(version):
            raise RulesetError(f"ruleset {name!r}: version must be a short string like '2026.1'")
        if not isinstance(facts, FactSchema):
            raise RulesetError(f"ruleset {name!r}: facts must be a FactSchema")
        names = [p.name for p in parameters]
        if len(set(names)) != len(names):
            raise RulesetError(f"ruleset {name!r}: a parameter is declared twice")
        self.name = name
        self.version = version
        self.schema = facts
        self.description = description
        self.parameters: tuple[ParameterSpec, ...] = tuple(parameters)
        self._params_by_name = {p.name: p for p in self.parameters}
        self.defaults: Mapping[str, Any] = MappingProxyType(
            {p.name: p.normalise(p.default) for p in self.parameters}
        )
        self._rules: dict[str, Rule] = {}
        self._sealed = False

    def __repr__(self) -> str:
        return f"Ruleset({self.name!r}, {self.version!r}, rules={list(self._rules)})"

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The rules in definition order."""
        return tuple(self._rules.values())

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules.values())

    def get_rule(self, name: str) -> Rule:
        """One rule by name (KeyError if there is none)."""
        return self._rules[name]

    def rule(
        self,
        *patterns: Pattern,
        name: str | None = None,
        priority: int = DEFAULT_PRIORITY,
        examples: Sequence[Facts] = (),
    ) -> Callable[[Action], Action]:
        """Decorator: register the function as a rule of this ruleset; returns it unchanged."""

        def register(action: Action) -> Action:
            self.add_rule(
                name or action.__name__, patterns, action, priority=priority, examples=examples
            )
            return action

        return register

    def add_rule(
        self,
        name: str,
        patterns: Sequence[Pattern],
        action: Action,
        *,
        priority: int = DEFAULT_PRIORITY,
        examples: Sequence[Facts] = (),
    ) -> Rule:
        """Register a rule (the non-decorator form); everything is checked here, at import."""
        if self._sealed:
            raise RulesetError(
                f"ruleset {self.name!r} is registered already; define all rules before that"
            )
        if not isinstance(name, str) or not _RULE_NAME.match(name):
            raise RulesetError(f"rule name {name!r}: use lower_case letters, digits and _")
        if name in self._rules:
            raise RulesetError(f"ruleset {self.name!r} already has a rule {name!r}")
        if type(priority) is not int or not 0 <= priority <= MAX_PRIORITY:
            raise RulesetError(
                f"rule {name!r}: priority must be an int in 0..{MAX_PRIORITY} (lower fires first)"
            )
        if not callable(action):
            raise RulesetError(f"rule {name!r}: the action must be callable")
        patterns = tuple(patterns)
        if not patterns or not all(isinstance(p, Pattern) for p in patterns):
            raise RulesetError(f"rule {name!r}: give one or more when(...) patterns")
        aliases = [p.alias for p in patterns]
        if len(set(aliases)) != len(aliases):
            raise RulesetError(f"rule {name!r}: each pattern needs its own alias")
        self._compile(name, patterns, None)  # raises RulesetError on any mistake
        if isinstance(examples, Mapping):
            examples = (examples,)
        for example in examples:
            try:
                self.schema.normalise(example)
            except FactError as exc:
                raise RulesetError(f"rule {name!r}: an example is not valid: {exc}") from exc
        rule = Rule(name, patterns, priority, action, tuple(examples))
        self._rules[name] = rule
        return rule

    def _compile(
        self, rule: str, patterns: Sequence[Pattern], values: Mapping[str, Any] | None
    ) -> list[dict[str, Any]]:
        earlier: dict[str, FactKind] = {}
        compiled = []
        for pattern in patterns:
            cond = compile_pattern(
                rule, pattern, self.schema.kinds, earlier, self._params_by_name, values
            )
            compiled.append({pattern.alias: cond})
            earlier[pattern.alias] = self.schema.kinds[pattern.kind]
        return compiled

    def seal(self) -> None:
        """No more rules: called on registration, since engines are built from this list."""
        if not self._rules:
            raise RulesetError(f"ruleset {self.name!r} has no rules")
        self._sealed = True

    def check_parameters(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """All parameter values normalised, defaults filling the gaps; or ParameterError."""
        return check_parameter_values(self.parameters, values)

    def engine_rules(self, values: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        """The rules in durable_rules' JSON syntax with these parameter values filled in."""
        return {
            rule.name: {
                "all": self._compile(rule.name, rule.patterns, values),
                "pri": rule.priority,
            }
            for rule in self._rules.values()
        }
