"""Fact schemas: what durable_rules would misread is refused, naming the field."""

from __future__ import annotations

import math
from datetime import date, datetime

import pytest

from rules import FactError, FactKind, FactSchema, Field, RulesetError
from tests.rules.conftest import ORDER, PAYMENT, order

SCHEMA = FactSchema(ORDER, PAYMENT, max_facts=5)


def problems(facts: object) -> list[tuple[str, str]]:
    """(path, rendered reason) for each problem found."""
    with pytest.raises(FactError) as caught:
        SCHEMA.normalise(facts)  # type: ignore[arg-type]
    assert isinstance(caught.value, ValueError)
    return [(p.path, p.reason.render()) for p in caught.value.problems]


def test_a_valid_fact_is_normalised_with_an_id_and_defaults():
    (fact,) = SCHEMA.normalise(order(quantity=3, price=2))
    assert fact == {
        "id": 0,
        "kind": "order",
        "customer": "c1",
        "quantity": 3,
        "price": 2.0,
        "express": False,
        "note": None,
        "tags": (),
    }
    assert type(fact["price"]) is float
    assert list(fact)[:2] == ["id", "kind"]
    facts = SCHEMA.normalise([order(), {"kind": "payment", "customer": "c", "amount": 1}])
    assert [f["id"] for f in facts] == [0, 1]


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("quantity", "99", "must be a whole number, not text"),
        ("quantity", True, "must be a whole number, not boolean"),
        ("quantity", 1.0, "must be a whole number, not number"),
        ("quantity", None, "must have a value"),
        ("quantity", -1, "must be at least 0"),
        ("quantity", 10**20, "is too large"),
        ("quantity", {"nested": {"deeper": 1}}, "not object"),
        ("quantity", [1], "not list"),
        ("quantity", b"1", "not a value of another type"),
        ("quantity", {1, 2}, "not a value of another type"),
        ("price", "10.0", "must be a number, not text"),
        ("price", False, "must be a number, not boolean"),
        ("price", math.nan, "finite"),
        ("price", math.inf, "finite"),
        ("price", 2e16, "no exponents"),
        ("price", 0.00001, "no exponents"),
        ("express", 1, "true or false"),
        ("express", "true", "true or false"),
        ("customer", 5, "must be text"),
        ("customer", "x" * 41, "at most 40 characters"),
        ("customer", "bad \ud800 surrogate", "cannot be stored"),
        ("tags", "a,b", "must be a list"),
        ("tags", [["nested"]], "must be text, not list"),
        ("tags", [1], "must be text, not number"),
        ("tags", ["a"] * 51, "at most 50 items"),
    ],
)
def test_wrong_values_are_refused_naming_the_field(field: str, value: object, says: str):
    found = problems(order(**{field: value}))
    assert len(found) == 1
    path, text = found[0]
    assert path == field
    assert text.startswith(field) and says in text


def test_missing_unknown_and_misplaced_fields():
    fact = order(colour="red")
    del fact["price"]
    assert problems(fact) == [
        ("price", "price is required."),
        ("colour", "colour is not a field of a order fact."),
    ]
    assert problems({"kind": "order", "id": 7, "customer": "c", "quantity": 1, "price": 1.0}) == [
        ("id", "id is not a field of a order fact.")
    ]
    assert problems({"customer": "c"})[0][0] == "kind"
    assert problems({"kind": "invoice"})[0] == ("kind", "kind must be one of: order, payment.")
    assert problems({"kind": 3})[0][0] == "kind"


def test_problems_in_a_list_name_the_fact():
    found = problems([order(), order(quantity="3"), "not a fact", order(price=None)])
    assert [path for path, _ in found] == ["facts[1].quantity", "facts[2]", "facts[3].price"]


def test_too_many_or_no_facts_or_not_facts_at_all():
    assert "at most 5 facts" in problems([order()] * 6)[0][1]
    assert problems([])[0][1] == "There are no facts to decide on."
    assert problems("order")[0][1] == "Facts must be an object or a list of objects."
    assert problems(None)[0][1] == "Facts must be an object or a list of objects."


def test_huge_and_deep_facts_are_refused_quickly():
    wide = order(**{f"f{i}": i for i in range(10_000)})
    found = problems(wide)
    assert 0 < len(found) <= 60  # problems are capped
    deep: object = 1
    for _ in range(10_000):
        deep = {"x": deep}
    assert problems(order(quantity=deep)) == [
        ("quantity", "quantity must be a whole number, not object.")
    ]
    assert problems(order(customer="x" * 10_000_000))[0][0] == "customer"


def test_dates_travel_as_iso_strings():
    kind = FactKind("day", Field("on", date))
    schema = FactSchema(kind)
    assert schema.normalise({"kind": "day", "on": date(2026, 10, 1)})[0]["on"] == "2026-10-01"
    assert schema.normalise({"kind": "day", "on": "2026-10-01"})[0]["on"] == "2026-10-01"
    for bad in ("2026-02-30", "20261001", "2026-W40-4", datetime(2026, 10, 1), 20261001):
        with pytest.raises(FactError) as caught:
            schema.normalise({"kind": "day", "on": bad})
        assert caught.value.fields == ("on",)


def test_lists_are_checked_item_by_item():
    kind = FactKind(
        "week",
        Field("days", list, items=int, min=0, max=6, min_items=1, max_items=7, unique=True),
    )
    schema = FactSchema(kind)
    assert schema.normalise({"kind": "week", "days": [1, 3]})[0]["days"] == (1, 3)
    for bad in ([], [7], [1, 1], [True], ["1"], list(range(8))):
        with pytest.raises(FactError):
            schema.normalise({"kind": "week", "days": bad})


def test_choices_and_a_kind_check():
    def check(fact: dict[str, object]):
        if fact["low"] > fact["high"]:  # type: ignore[operator]
            from rules import N_, Reason

            yield "low", Reason(N_("{field} must not exceed high."), {"field": "low"})

    kind = FactKind(
        "band",
        Field("low", int),
        Field("high", int),
        Field("colour", str, choices=("red", "green")),
        check=check,
    )
    schema = FactSchema(kind)
    assert schema.normalise({"kind": "band", "low": 1, "high": 2, "colour": "red"})
    with pytest.raises(FactError) as caught:
        schema.normalise({"kind": "band", "low": 3, "high": 2, "colour": "red"})
    assert caught.value.fields == ("low",)
    with pytest.raises(FactError) as caught:
        schema.normalise({"kind": "band", "low": 1, "high": 2, "colour": "blue"})
    assert "must be one of: red, green" in str(caught.value)


@pytest.mark.parametrize(
    "make",
    [
        lambda: Field("id", int),
        lambda: Field("sid", int),
        lambda: Field("Bad Name", int),
        lambda: Field("x", dict),
        lambda: Field("x", list),
        lambda: Field("x", int, items=int),
        lambda: Field("x", int, required=False),
        lambda: Field("x", int, required=False, default="1"),
        lambda: FactKind("order", Field("a", int), Field("a", int)),
        lambda: FactKind("$end", Field("a", int)),
        lambda: FactSchema(),
        lambda: FactSchema(ORDER, ORDER),
    ],
)
def test_schema_mistakes_are_caught_at_definition(make):
    with pytest.raises(RulesetError):
        make()
