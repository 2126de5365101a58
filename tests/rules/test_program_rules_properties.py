"""The programs' own rulesets against the engine's known traps (RULES-ENGINE.md): each rule's
examples, mutated — a string where a number belongs, a field missing, a value of the wrong
shape, very many fields, very many facts — give a FactError that says what is wrong, or a
Decision; never a crash, never a silent wrong answer on a fact that was refused."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rules
from rules import Decision, FactError, decide, registry

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
RULESETS = sorted(name for name in registry.names() if name != "calendar")

wrong_values = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["12", "1e3", "NaN", "", "\x00", '{"a":1}', "\\", "二十", "2026-02-30"])
    | st.lists(st.integers(), max_size=3)
    | st.dictionaries(st.text(max_size=4), st.integers(), max_size=2)
)


def _examples(name: str) -> list[list[dict]]:
    out = []
    for rule in registry.get(name).rules:
        for example in rule.examples:
            facts = [example] if isinstance(example, dict) else list(example)
            out.append([dict(f) for f in facts])
    return out


def _outcome(name: str, facts) -> Decision | FactError:
    try:
        return decide(name, facts)
    except FactError as error:
        assert error.problems
        assert all(problem.reason.render() for problem in error.problems)
        return error


@pytest.mark.parametrize("name", RULESETS)
def test_the_programs_rulesets_have_examples_to_start_from(name):
    assert _examples(name), name


@pytest.mark.parametrize("name", RULESETS)
@SETTINGS
@given(data=st.data())
def test_a_mutated_example_is_refused_plainly_or_decided(name, data):
    facts = copy.deepcopy(data.draw(st.sampled_from(_examples(name))))
    fact = data.draw(st.sampled_from(facts))
    fields = sorted(k for k in fact if k != "kind")
    change = data.draw(st.sampled_from(["wrong", "missing", "extra", "kind"]))
    if change == "wrong" and fields:
        fact[data.draw(st.sampled_from(fields))] = data.draw(wrong_values)
    elif change == "missing" and fields:
        del fact[data.draw(st.sampled_from(fields))]
    elif change == "extra":
        fact[data.draw(st.text(min_size=1, max_size=12))] = data.draw(wrong_values)
    else:
        fact["kind"] = data.draw(st.text(max_size=12) | st.sampled_from(["$end", "", "kind"]))
    outcome = _outcome(name, facts)
    if isinstance(outcome, Decision):
        assert Decision.from_record(outcome.to_record()) == outcome
    assert rules.engine_stats()["live_sessions"] == 0


@pytest.mark.parametrize("name", RULESETS)
def test_very_many_fields_or_facts_are_refused_before_the_engine(name):
    example = _examples(name)[0]
    wide = [{**example[0], **{f"field_{n}": n for n in range(5_000)}}, *example[1:]]
    assert isinstance(_outcome(name, wide), FactError)
    many = [dict(example[0]) for _ in range(registry.get(name).schema.max_facts + 1)]
    assert isinstance(_outcome(name, many), FactError)
    assert rules.engine_stats()["live_sessions"] == 0
