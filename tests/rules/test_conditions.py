"""Conditions are checked when a rule is defined: the engine would accept mistakes silently."""

from __future__ import annotations

from datetime import date

import pytest

from rules import (
    N_,
    FactKind,
    FactSchema,
    Field,
    Match,
    Outcome,
    ParameterSpec,
    Reason,
    Ruleset,
    RulesetError,
    contains,
    decide,
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
    registry,
    when,
)
from rules.conditions import Pattern, all_of, any_of
from tests.rules.conftest import MakeRuleset, order


def _ok(match: Match) -> Outcome:
    return {"ok": True}, Reason(N_("ok"))


def test_builders_produce_durable_rules_syntax():
    assert when("order", gt("quantity", 3), express=True).condition == {
        "$and": [{"kind": "order"}, {"express": True}, {"$gt": {"quantity": 3}}]
    }
    assert when("order").condition == {"kind": "order"}
    assert one_of("customer", ["a", "b"]) == {"$or": [{"customer": "a"}, {"customer": "b"}]}
    assert none_of("customer", ["a"]) == {"$and": [{"$neq": {"customer": "a"}}]}
    assert contains("tags", "x") == {"$iany": {"tags": {"$i": "x"}}}
    assert lacks("tags", "x") == {"$iall": {"tags": {"$neq": {"$i": "x"}}}}


@pytest.mark.parametrize(
    ("pattern", "error"),
    [
        (when("order", gt("quantiy", 3)), "has no field 'quantiy'"),
        (when("order", gt("customer", 3)), "order only numbers and dates"),
        (when("order", eq("quantity", "3")), "compared with '3'"),
        (when("order", eq("quantity", True)), "compared with True"),
        (when("order", eq("express", 1)), "compared with 1"),
        (when("order", eq("quantity", None)), "never null"),
        (when("order", {"quantity": 3, "price": 1.0}), "exactly one key"),
        (when("order", {"m": {"quantity": 3}}), "has no field 'm'"),
        (when("order", {"$ex": {"note": 1}}), "not supported"),
        (when("order", {"$mt": {"customer": "a.*"}}), "not supported"),
        (when("order", gt("quantity", param("nope"))), "not declared"),
        (when("order", gt("quantity", param("label"))), "compared with parameter 'label'"),
        (when("order", gt("quantity", ref("customer"))), "compared with field 'customer'"),
        (when("order", eq("tags", "x")), "is a list"),
        (when("order", contains("customer", "x")), "needs a list field"),
        (when("order", contains("tags", 3)), "compared with 3"),
        (when("order", gt("price", 1e20)), "exponent"),
        (when("order", {"$and": []}), "non-empty list"),
        (when("invoice"), "unknown fact kind"),
        (Pattern("m", "order", {"quantity": 3}), "first test must be kind"),
        (Pattern("m", "order", {"$and": [{"quantity": 3}, {"kind": "order"}]}), "first test"),
        (when("order", eq("customer", ref("customer", "other"))), "not matched before"),
    ],
)
def test_condition_mistakes_are_refused(make_ruleset: MakeRuleset, pattern: Pattern, error: str):
    rs = make_ruleset(parameters=[ParameterSpec("label", str, "x", label=N_("Label"))])
    with pytest.raises(RulesetError, match=error):
        rs.add_rule("bad", [pattern], _ok)


@pytest.mark.parametrize("priority", [-1, 60001, 65535, 1.5, True])
def test_priorities_are_checked(make_ruleset: MakeRuleset, priority: object):
    # The engine keeps priorities as unsigned 16-bit numbers: -1 would silently fire last.
    rs = make_ruleset()
    with pytest.raises(RulesetError, match="priority"):
        rs.add_rule("bad", [when("order")], _ok, priority=priority)  # type: ignore[arg-type]


def test_rule_definition_mistakes(make_ruleset: MakeRuleset):
    rs = make_ruleset()
    rs.add_rule("one", [when("order")], _ok)
    with pytest.raises(RulesetError, match="already has"):
        rs.add_rule("one", [when("order")], _ok)
    with pytest.raises(RulesetError, match="rule name"):
        rs.add_rule("$end", [when("order")], _ok)
    with pytest.raises(RulesetError, match="patterns"):
        rs.add_rule("none", [], _ok)
    with pytest.raises(RulesetError, match="own alias"):
        rs.add_rule("twice", [when("order"), when("payment")], _ok)
    with pytest.raises(RulesetError, match="example"):
        rs.add_rule("bad_example", [when("order")], _ok, examples=[{"kind": "order"}])
    with pytest.raises(RulesetError, match="version"):
        Ruleset("x", "", FactSchema(FactKind("a", Field("b", int))))
    with pytest.raises(RulesetError, match="ruleset name"):
        Ruleset("Bad-Name", "1", FactSchema(FactKind("a", Field("b", int))))


def test_every_builder_works_in_the_engine(make_ruleset: MakeRuleset):
    day = FactKind(
        "day",
        Field("on", date),
        Field("weekday", int, min=0, max=6),
        Field("open", list, items=int, min=0, max=6, min_items=1),
        Field("label", str, required=False, nullable=True),
        Field("size", float),
    )
    rs = make_ruleset(
        kinds=[day], parameters=[ParameterSpec("big", float, 5.5, label=N_("Big from"))]
    )
    cases = {
        "is_open": contains("open", ref("weekday")),
        "is_closed": lacks("open", ref("weekday")),
        "after_may": gt("on", "2026-05-01"),
        "from_may": gte("on", date(2026, 5, 1)),
        "before_may": lt("on", "2026-05-01"),
        "to_may": lte("on", "2026-05-01"),
        "labelled": ne("label", None),
        "unlabelled": eq("label", None),
        "big": gte("size", param("big")),
        "either": any_of(eq("weekday", 0), eq("weekday", 6)),
        "both": all_of(gt("size", 1), lt("size", 3)),
        "midweek": none_of("weekday", [0, 5, 6]),
        "tue_or_thu": one_of("weekday", [1, 3]),
    }
    for name, condition in cases.items():
        rs.add_rule(name, [when("day", condition)], _ok)
    registry.register(rs)

    def fired(**fields: object) -> set[str]:
        fact = {"kind": "day", "on": "2026-05-01", "weekday": 4, "open": [1, 3], "size": 2.0}
        return set(decide(rs.name, {**fact, **fields}).rules)

    assert fired() == {"is_closed", "from_may", "to_may", "unlabelled", "both", "midweek"}
    assert fired(on="2026-05-05", weekday=1, label="x", size=5.5) == {
        "is_open",
        "after_may",
        "from_may",
        "labelled",
        "big",
        "midweek",
        "tue_or_thu",
    }
    assert fired(on="2026-04-30", weekday=6, size=0.5) == {
        "is_closed",
        "before_may",
        "to_may",
        "unlabelled",
        "either",
    }


def test_multi_fact_rules_compare_across_aliases(make_ruleset: MakeRuleset):
    rs = make_ruleset()
    rs.add_rule(
        "underpaid",
        [
            when("order", alias="o"),
            when("payment", eq("customer", ref("customer", "o")), alias="p"),
        ],
        lambda m: ({"short": m["o"]["price"] - m["p"]["amount"]}, Reason(N_("Underpaid."))),
    )
    registry.register(rs)
    payment = {"kind": "payment", "customer": "c1", "amount": 4.0}
    decision = decide(rs.name, [order(price=10.0), payment, order(customer="c2")])
    assert decision.rules == ("underpaid",)
    assert decision.fired[0].fact_ids == (0, 1)
    assert decision.fired[0].outcome == {"short": 6.0}
