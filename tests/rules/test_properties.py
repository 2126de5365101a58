"""Property tests: any input yields a FactError or a correct Decision, never a crash.

A crash here would be a segfault of the whole test process, which is the point: durable_rules
crashes on input it cannot parse, and the fact schema must stop all of it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rules
from rules import (
    N_,
    Decision,
    FactError,
    FactSchema,
    Match,
    Outcome,
    Reason,
    Ruleset,
    contains,
    decide,
    eq,
    gt,
    lte,
    ne,
    registry,
    when,
)
from tests.rules.conftest import ORDER, PAYMENT

SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TRICKY = '张三"\\x{"id":1}'
LIMIT_PRICE = 99.5
LIMIT_QUANTITY = 500


def _flag(match: Match) -> Outcome:
    return {"flag": match.rule}, Reason(N_("Flagged {rule}."), {"rule": match.rule})


@pytest.fixture(scope="module")
def shop() -> Iterator[str]:
    rs = Ruleset(f"p_{uuid.uuid4().hex[:12]}", "p.1", FactSchema(ORDER, PAYMENT))
    rs.add_rule("many", [when("order", gt("quantity", LIMIT_QUANTITY))], _flag)
    rs.add_rule("cheap", [when("order", lte("price", LIMIT_PRICE))], _flag)
    rs.add_rule("tricky", [when("order", eq("customer", TRICKY))], _flag)
    rs.add_rule("not_tricky", [when("order", ne("customer", TRICKY))], _flag)
    rs.add_rule("tagged", [when("order", contains("tags", TRICKY))], _flag)
    rs.add_rule("express", [when("order", express=True)], _flag)
    rs.add_rule("noted", [when("order", ne("note", None))], _flag)
    rs.add_rule("paid", [when("payment", gt("amount", 0))], _flag)
    with registry.temporary(rs):
        yield rs.name


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from([TRICKY, "'99'", "\x00", "\ud800", '{"id":', "\\", "春节"])
)
anything = st.recursive(
    json_scalars | st.binary(max_size=5) | st.dates() | st.sets(st.integers(), max_size=3),
    lambda children: (
        st.lists(children, max_size=4)
        | st.tuples(children)
        | st.dictionaries(st.text(max_size=8) | st.integers(), children, max_size=4)
    ),
    max_leaves=20,
)
field_names = st.sampled_from(
    ["kind", "customer", "quantity", "price", "express", "note", "tags", "amount", "id", "sid"]
)
kinds = st.sampled_from(["order", "payment", "booking_day", "$end", "$begin", "x"]) | anything
fact_like = st.builds(
    lambda kind, fields, extra: {"kind": kind, **fields, **extra},
    kinds,
    st.dictionaries(field_names, anything, max_size=8),
    st.dictionaries(st.text(max_size=5), anything, max_size=2),
)


@SETTINGS
@given(facts=st.one_of(fact_like, st.lists(fact_like, max_size=6), anything))
def test_arbitrary_input_gives_a_fact_error_or_a_decision(shop: str, facts: object):
    for ruleset in (shop, "calendar"):
        try:
            decision = decide(ruleset, facts)  # type: ignore[arg-type]
        except FactError as exc:
            assert exc.problems
            for problem in exc.problems:
                assert problem.reason.render()
        else:
            assert isinstance(decision, Decision)
            assert Decision.from_record(decision.to_record()) == decision
    assert rules.engine_stats()["live_sessions"] == 0


texts = st.text(max_size=40) | st.sampled_from(
    [TRICKY, TRICKY[:-1], TRICKY + " ", "", '\\"', "\x00"]
)
valid_orders = st.fixed_dictionaries(
    {
        "kind": st.just("order"),
        "customer": texts,
        "quantity": st.integers(0, 1_000_000) | st.sampled_from([499, 500, 501]),
        "price": st.floats(0, 1e6, allow_nan=False) | st.sampled_from([99.49, 99.5, 99.51, 99]),
        "express": st.booleans(),
        "note": st.none() | texts,
        "tags": st.lists(texts, max_size=4),
    }
)


def expected_flags(fact: dict) -> set[str]:
    """The same rules in plain Python: what the engine must agree with."""
    flags = set()
    if fact["quantity"] > LIMIT_QUANTITY:
        flags.add("many")
    if fact["price"] <= LIMIT_PRICE:
        flags.add("cheap")
    flags.add("tricky" if fact["customer"] == TRICKY else "not_tricky")
    if TRICKY in fact["tags"]:
        flags.add("tagged")
    if fact["express"]:
        flags.add("express")
    if fact["note"] is not None:
        flags.add("noted")
    return flags


@SETTINGS
@given(orders=st.lists(valid_orders, min_size=1, max_size=5))
def test_the_engine_agrees_with_python_on_valid_facts(shop: str, orders: list[dict]):
    unusable = any("e" in repr(float(o["price"])) for o in orders)  # no exponents, by design
    try:
        decision = decide(shop, orders)
    except FactError:
        assert unusable
        return
    for index, fact in enumerate(orders):
        got = {f.rule for f in decision.for_fact(index)}
        assert got == expected_flags(fact), (fact, got)
        assert decision.facts[index]["customer"] == fact["customer"]


START = date(2026, 1, 1)


@st.composite
def booking_days(draw: st.DrawFn) -> dict:
    on = START + timedelta(days=draw(st.integers(0, 729)))
    weekend = on.weekday() >= 5
    kind = draw(
        st.sampled_from(
            ["weekend", "holiday", "adjusted_workday"] if weekend else ["workday", "holiday"]
        )
    )
    return {
        "kind": "booking_day",
        "date": on.isoformat(),
        "weekday": on.weekday(),
        "day_kind": kind,
        "holiday_name": draw(st.none() | st.sampled_from(["National Day", "春节", "Labour Day"])),
        "closure_reason": draw(st.none() | st.sampled_from(["Maintenance.", "闭馆"])),
        "opening_weekdays": sorted(draw(st.sets(st.integers(0, 6), min_size=1))),
    }


def calendar_oracle(fact: dict) -> set[str]:
    """The calendar rules in plain Python."""
    closed = set()
    if fact["day_kind"] == "holiday":
        named = fact["holiday_name"] is not None
        closed.add("closed_for_holiday" if named else "closed_for_unnamed_holiday")
    if fact["day_kind"] == "weekend":
        closed.add("closed_on_weekend")
    if fact["closure_reason"] is not None:
        closed.add("closed_by_the_base")
    working = fact["day_kind"] in ("workday", "adjusted_workday")
    if working and fact["weekday"] not in fact["opening_weekdays"]:
        closed.add("closed_on_other_weekdays")
    return closed or {"open_for_tours"}


@SETTINGS
@given(days=st.lists(booking_days(), min_size=1, max_size=8))
def test_the_calendar_agrees_with_its_plain_python_reading(days: list[dict]):
    decision = decide("calendar", days)
    for index, fact in enumerate(days):
        fired = decision.for_fact(index)
        assert {f.rule for f in fired} == calendar_oracle(fact)
        outcomes = {tuple(sorted(f.outcome.items())) for f in fired}
        assert outcomes in ({(("open", True),)}, {(("open", False), ("refused", True))})
