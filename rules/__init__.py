"""Pure decisions: facts in, a `Decision` out. The only package that imports durable_rules.

It imports nothing else of Fengqiao and never touches the web, the database or the network, so
a decision depends on its facts, its ruleset version and its parameter version alone, and can
be recorded (`Decision.to_record`) and explained later.

    decision = rules.decide("calendar", facts, parameters=ParameterValues(7, {...}))
    if decision.is_refused:
        show(decision.refusals)

Public API: `decide`, `validate_parameters`, `registry` (get/names), `Decision`, `FiredRule`,
`Reason` and `N_`, the errors, and what a program module needs to declare a ruleset: `Ruleset`,
`FactSchema`, `FactKind`, `Field`, `ParameterSpec`, `ParameterValues`, `Match`, the condition
builders in `rules.conditions` and the statutory constants in `rules.statutes`.

Each program's ruleset lives in its own module here and registers itself on import; the imports
at the bottom load them all.
"""

from rules import registry
from rules.conditions import (
    all_of,
    any_of,
    contains,
    eq,
    gt,
    gte,
    lacks,
    lt,
    lte,
    ne,
    none_of,
    one_of,
    param,
    ref,
    when,
)
from rules.decision import Decision, FiredRule
from rules.errors import (
    FactError,
    FieldProblem,
    ParameterError,
    RuleError,
    RulesError,
    RulesetError,
    UnknownRulesetError,
)
from rules.facts import FactKind, Facts, FactSchema, Field
from rules.messages import N_, Reason, nested
from rules.parameters import ParameterSpec, ParameterValues
from rules.ruleset import Match, Outcome, Rule, Ruleset
from rules.runtime import decide, engine_stats, validate_parameters

__all__ = [
    "N_",
    "Decision",
    "FactError",
    "FactKind",
    "FactSchema",
    "Facts",
    "Field",
    "FieldProblem",
    "FiredRule",
    "Match",
    "Outcome",
    "ParameterError",
    "ParameterSpec",
    "ParameterValues",
    "Reason",
    "Rule",
    "RuleError",
    "RulesError",
    "Ruleset",
    "RulesetError",
    "UnknownRulesetError",
    "all_of",
    "any_of",
    "contains",
    "decide",
    "engine_stats",
    "eq",
    "gt",
    "gte",
    "lacks",
    "lt",
    "lte",
    "ne",
    "nested",
    "none_of",
    "one_of",
    "param",
    "ref",
    "registry",
    "validate_parameters",
    "when",
]

# The programs' rulesets, registered on import (rules/study_tours.py, friday.py, ... join here).
from rules import accounts, calendar_rules, checkups, disputes, friday, study_tours  # noqa: F401
