"""Throwaway rulesets with unique names, unregistered (engines dropped) after each test."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence

import pytest

from rules import FactKind, FactSchema, Field, ParameterSpec, Ruleset, registry

ORDER = FactKind(
    "order",
    Field("customer", str, max_length=40),
    Field("quantity", int, min=0, max=1_000_000),
    Field("price", float, min=0),
    Field("express", bool, required=False, default=False),
    Field("note", str, required=False, nullable=True),
    Field("tags", list, items=str, required=False, default=()),
)
PAYMENT = FactKind(
    "payment",
    Field("customer", str, max_length=40),
    Field("amount", float, min=0),
)

MakeRuleset = Callable[..., Ruleset]


@pytest.fixture
def make_ruleset() -> Iterator[MakeRuleset]:
    """A factory of empty rulesets over orders and payments, each with a fresh unique name."""
    made: list[Ruleset] = []

    def make(
        *,
        version: str = "t.1",
        parameters: Sequence[ParameterSpec] = (),
        kinds: Sequence[FactKind] = (ORDER, PAYMENT),
        max_facts: int = 200,
    ) -> Ruleset:
        name = f"t_{uuid.uuid4().hex[:12]}"
        ruleset = Ruleset(
            name, version, FactSchema(*kinds, max_facts=max_facts), parameters=parameters
        )
        made.append(ruleset)
        return ruleset

    yield make
    for ruleset in made:
        registry.unregister(ruleset.name)


def order(**fields: object) -> dict[str, object]:
    """An order fact with sensible defaults."""
    return {"kind": "order", "customer": "c1", "quantity": 1, "price": 10.0, **fields}
