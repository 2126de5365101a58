"""Every registered rule is documented and can actually fire (a typo would never match)."""

from __future__ import annotations

import pytest

from rules import Rule, decide, registry


def _all_rules() -> list[tuple[str, Rule]]:
    return [(name, rule) for name in registry.names() for rule in registry.get(name).rules]


def test_the_programs_rulesets_are_registered():
    assert "calendar" in registry.names()


@pytest.mark.parametrize(("ruleset", "rule"), _all_rules(), ids=lambda x: getattr(x, "name", x))
def test_each_rule_is_documented_and_fires_on_its_examples(ruleset: str, rule: Rule):
    assert rule.doc, f"{ruleset}.{rule.name} needs a docstring stating the rule and its source"
    assert rule.examples, f"{ruleset}.{rule.name} needs examples on which it fires"
    for example in rule.examples:
        assert rule.name in decide(ruleset, example).rules
    assert registry.get(ruleset).version
