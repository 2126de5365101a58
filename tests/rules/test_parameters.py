"""Parameters: declared, validated, substituted per version, recorded in the decision."""

from __future__ import annotations

import pytest

import rules
from rules import (
    N_,
    Match,
    Outcome,
    ParameterError,
    ParameterSpec,
    ParameterValues,
    Reason,
    RulesetError,
    decide,
    gt,
    param,
    registry,
    validate_parameters,
    when,
)
from rules.runtime import MAX_ENGINES
from tests.rules.conftest import MakeRuleset, order

SPECS = [
    ParameterSpec(
        "capacity",
        int,
        10,
        min=1,
        max=500,
        unit=N_("items"),
        label=N_("Capacity"),
        help=N_("Orders above this many items need a second van."),
    ),
    ParameterSpec("surcharge", float, 2.5, min=0, max=100, label=N_("Surcharge")),
    ParameterSpec("express_allowed", bool, True, label=N_("Express allowed")),
    ParameterSpec("region", str, "north", choices=("north", "south"), label=N_("Region")),
]


@pytest.fixture
def capacity_rules(make_ruleset: MakeRuleset) -> str:
    rs = make_ruleset(parameters=SPECS)

    @rs.rule(when("order", gt("quantity", param("capacity"))))
    def over_capacity(match: Match) -> Outcome:
        """An order above the van's capacity needs a second van (transport policy)."""
        return {"vans": 2}, Reason(
            N_("{quantity} items is more than the capacity of {capacity}."),
            {"quantity": match.fact["quantity"], "capacity": match.params["capacity"]},
        )

    @rs.rule(when("order", gt("price", param("surcharge"))))
    def surcharged(match: Match) -> Outcome:
        """Prices above the surcharge threshold are flagged."""
        return {"surcharge": True}, Reason(N_("Surcharged."))

    registry.register(rs)
    return rs.name


def test_defaults_when_no_parameters_are_given(capacity_rules: str):
    decision = decide(capacity_rules, order(quantity=11))
    assert decision.rules == ("over_capacity", "surcharged")
    assert decision.parameters_version is None
    assert decision.parameters == {
        "capacity": 10,
        "surcharge": 2.5,
        "express_allowed": True,
        "region": "north",
    }
    assert decision.fired[0].reason.render() == "11 items is more than the capacity of 10."


def test_a_parameter_version_changes_the_outcome_and_is_recorded(capacity_rules: str):
    v7 = ParameterValues(7, {"capacity": 20, "surcharge": 50})
    decision = decide(capacity_rules, order(quantity=11), parameters=v7)
    assert decision.rules == ()
    assert decision.parameters_version == 7
    assert decision.parameters["capacity"] == 20
    assert (
        decision.parameters["surcharge"] == 50.0 and type(decision.parameters["surcharge"]) is float
    )
    assert decision.to_record()["parameters_version"] == 7
    assert decide(capacity_rules, order(quantity=21), parameters=v7).rules == ("over_capacity",)
    # The defaults engine is untouched by version 7.
    assert decide(capacity_rules, order(quantity=11)).rules == ("over_capacity", "surcharged")
    # The same values under another version number share the engine, but record their number.
    v8 = ParameterValues(8, {"capacity": 20, "surcharge": 50.0})
    before = rules.engine_stats()["engines"]
    assert decide(capacity_rules, order(quantity=11), parameters=v8).parameters_version == 8
    assert rules.engine_stats()["engines"] == before


def test_parameter_values_are_a_private_copy(capacity_rules: str):
    values = {"capacity": 20}
    version = ParameterValues(1, values)
    values["capacity"] = 1
    assert decide(capacity_rules, order(quantity=11), parameters=version).rules == ("surcharged",)


def test_validate_parameters_names_each_bad_field(capacity_rules: str):
    assert validate_parameters(capacity_rules, {"capacity": 30}) == {
        "capacity": 30,
        "surcharge": 2.5,
        "express_allowed": True,
        "region": "north",
    }
    with pytest.raises(ParameterError) as caught:
        validate_parameters(
            capacity_rules,
            {
                "capacity": "30",
                "surcharge": -1,
                "express_allowed": 1,
                "region": "east",
                "colour": "red",
            },
        )
    assert set(caught.value.fields) == {
        "capacity",
        "surcharge",
        "express_allowed",
        "region",
        "colour",
    }
    assert isinstance(caught.value, ValueError)
    for bad in ({"capacity": 0}, {"capacity": 501}, {"capacity": True}, {"surcharge": 1e-5}):
        with pytest.raises(ParameterError):
            validate_parameters(capacity_rules, bad)
    with pytest.raises(ParameterError):
        decide(capacity_rules, order(), parameters=ParameterValues(3, {"capacity": 0}))


def test_parameter_engines_are_bounded(capacity_rules: str):
    for capacity in range(1, MAX_ENGINES + 10):
        version = ParameterValues(capacity, {"capacity": capacity})
        decision = decide(capacity_rules, order(quantity=5), parameters=version)
        assert ("over_capacity" in decision.rules) == (capacity < 5)
    stats = rules.engine_stats()
    assert stats["engines"] <= MAX_ENGINES
    assert stats["live_sessions"] == 0


@pytest.mark.parametrize(
    "make",
    [
        lambda: ParameterSpec("x", int, "1", label=N_("X")),
        lambda: ParameterSpec("x", int, 0, min=1, label=N_("X")),
        lambda: ParameterSpec("x", list, [], label=N_("X")),
        lambda: ParameterSpec("x", int, 1),
        lambda: ParameterSpec("Bad", int, 1, label=N_("X")),
        lambda: ParameterSpec("x", float, 1e-9, label=N_("X")),
    ],
)
def test_spec_mistakes(make):
    with pytest.raises(RulesetError):
        make()


def test_parameter_values_types():
    with pytest.raises(TypeError):
        ParameterValues("7", {})  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ParameterValues(7, [("capacity", 1)])  # type: ignore[arg-type]
