"""decide(): fired rules, order, isolation, errors that must surface, the record."""

from __future__ import annotations

import json
import os
import threading

import pytest

import rules
from rules import (
    N_,
    Decision,
    FactError,
    Match,
    Outcome,
    Reason,
    RuleError,
    RulesetError,
    UnknownRulesetError,
    decide,
    eq,
    gt,
    ref,
    registry,
    when,
)
from tests.rules.conftest import MakeRuleset, order


def _says(text: str) -> Outcome:
    return {"said": text}, Reason(N_("The rule said {text}."), {"text": text})


def test_every_rule_that_fires_is_named_with_its_outcome_and_reason(make_ruleset: MakeRuleset):
    rs = make_ruleset()

    @rs.rule(when("order", gt("quantity", 10)))
    def big_order(match: Match) -> Outcome:
        """An order of more than 10 items is big."""
        return {"big": True}, Reason(
            N_("{customer} ordered {quantity} items."),
            {"customer": match.fact["customer"], "quantity": match.fact["quantity"]},
        )

    @rs.rule(when("order", express=True))
    def express(match: Match) -> Outcome:
        """Express orders are flagged."""
        return _says("express")

    @rs.rule(when("order", customer="nobody"))
    def never(match: Match) -> Outcome:
        """Matches nothing in this test."""
        return _says("never")

    registry.register(rs)
    decision = decide(rs.name, order(quantity=12, express=True))
    assert decision.rules == ("big_order", "express")
    big = decision.fired[0]
    assert big.outcome == {"big": True}
    assert big.reason == Reason(
        "{customer} ordered {quantity} items.", {"customer": "c1", "quantity": 12}
    )
    assert big.reason.render() == "c1 ordered 12 items."
    assert big.fact_ids == (0,)
    assert decision.ruleset == rs.name and decision.ruleset_version == "t.1"
    assert decision.parameters_version is None
    assert decision.facts[0]["quantity"] == 12 and decision.facts[0]["express"] is True

    quiet = decide(rs.name, order(quantity=3))
    assert quiet.fired == () and quiet.rules == ()
    assert not quiet.is_refused


def test_lower_priority_number_fires_first_then_definition_order(make_ruleset: MakeRuleset):
    rs = make_ruleset()
    for name, priority in [("c_late", 50), ("a_first", 0), ("b_tie_one", 10), ("b_tie_two", 10)]:

        def action(match: Match, name: str = name) -> Outcome:
            return _says(name)

        action.__doc__ = "Test rule."
        rs.add_rule(name, [when("order")], action, priority=priority)
    registry.register(rs)
    assert decide(rs.name, order()).rules == ("a_first", "b_tie_one", "b_tie_two", "c_late")


def test_within_one_rule_facts_fire_in_the_order_given(make_ruleset: MakeRuleset):
    rs = make_ruleset()

    @rs.rule(when("order"))
    def each(match: Match) -> Outcome:
        """Every order."""
        return _says(match.fact["customer"])

    @rs.rule(when("order", express=True), priority=200)
    def each_express(match: Match) -> Outcome:
        """Every express order, after the others."""
        return _says(match.fact["customer"])

    registry.register(rs)
    facts = [order(customer=f"c{i}", express=i % 2 == 0) for i in range(6)]
    decision = decide(rs.name, facts)
    assert [f.fact_ids[0] for f in decision.fired_rule("each")] == [0, 1, 2, 3, 4, 5]
    assert [f.fact_ids[0] for f in decision.fired_rule("each_express")] == [0, 2, 4]
    assert decision.rules == ("each",) * 6 + ("each_express",) * 3
    assert [f.rule for f in decision.for_fact(2)] == ["each", "each_express"]


def test_decisions_never_see_each_others_facts(make_ruleset: MakeRuleset):
    rs = make_ruleset()

    @rs.rule(when("order", alias="o"), when("payment", eq("customer", ref("customer", "o"))))
    def paid(match: Match) -> Outcome:
        """An order with a payment from the same customer is paid."""
        assert match["o"]["customer"] == match.facts["m"]["customer"]
        return _says("paid")

    registry.register(rs)
    payment = {"kind": "payment", "customer": "c1", "amount": 10.0}
    assert decide(rs.name, [order(), payment]).rules == ("paid",)
    assert decide(rs.name, [order(customer="c2"), payment]).rules == ()
    # Split over two decisions the pair never meets, in either order, many times over.
    for _ in range(50):
        assert decide(rs.name, order()).rules == ()
        assert decide(rs.name, payment).rules == ()

    errors: list[BaseException] = []

    def half(facts: dict[str, object]) -> None:
        try:
            for _ in range(200):
                assert decide(rs.name, facts).rules == ()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=half, args=(f,)) for f in (order(), payment) * 3]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert rules.engine_stats()["live_sessions"] == 0


def test_an_exception_in_an_action_is_raised_not_swallowed(make_ruleset: MakeRuleset):
    rs = make_ruleset()

    @rs.rule(when("order"), priority=1)
    def fine(match: Match) -> Outcome:
        """Fires before the broken one."""
        return _says("fine")

    @rs.rule(when("order", gt("quantity", 5)), priority=2)
    def broken(match: Match) -> Outcome:
        """Divides by zero on big orders."""
        return {"x": 1 / 0}, Reason(N_("never"))

    registry.register(rs)
    with pytest.raises(RuleError) as caught:
        decide(rs.name, order(quantity=9))
    assert caught.value.rule == "broken"
    assert caught.value.ruleset == rs.name
    assert isinstance(caught.value.__cause__, ZeroDivisionError)
    assert rules.engine_stats()["live_sessions"] == 0
    # The engine is still usable, and the failed session left nothing behind.
    assert decide(rs.name, order(quantity=1)).rules == ("fine",)
    assert rules.engine_stats()["leaked_sessions"] == 0


@pytest.mark.parametrize(
    "result",
    [
        None,
        ({"ok": True},),
        ({"ok": True}, "not a Reason"),
        ("not a mapping", Reason(N_("x"))),
        ({"when": object()}, Reason(N_("x"))),
        ({1: True}, Reason(N_("x"))),
        ({"nested": {"deep": 1}}, Reason(N_("x"))),
    ],
)
def test_an_action_returning_something_unusable_is_a_rule_error(
    make_ruleset: MakeRuleset, result: object
):
    rs = make_ruleset()

    @rs.rule(when("order"))
    def sloppy(match: Match) -> Outcome:
        """Returns the wrong thing."""
        return result  # type: ignore[return-value]

    registry.register(rs)
    with pytest.raises(RuleError, match="sloppy"):
        decide(rs.name, order())
    assert rules.engine_stats()["live_sessions"] == 0


def test_decide_inside_an_action_is_refused_not_deadlocked(make_ruleset: MakeRuleset):
    rs = make_ruleset()

    @rs.rule(when("order"))
    def recursive(match: Match) -> Outcome:
        """Tries to decide again from inside the engine."""
        decide(rs.name, order())
        return _says("unreachable")

    registry.register(rs)
    with pytest.raises(RuleError, match="inside a rule action"):
        decide(rs.name, order())


def test_an_engine_error_surfaces_and_the_session_is_still_cleaned_up(make_ruleset: MakeRuleset):
    # 70 rules whose tests all match one fact overflow the engine's 64-entry stack (error 303).
    rs = make_ruleset()
    for i in range(70):

        def action(match: Match) -> Outcome:
            return _says("threshold")

        action.__doc__ = "A threshold."
        rs.add_rule(f"above_{i}", [when("order", gt("quantity", i))], action)
    registry.register(rs)
    assert len(decide(rs.name, order(quantity=3)).fired) == 3
    with pytest.raises(RuleError, match="could not take the facts") as caught:
        decide(rs.name, order(quantity=1000))
    assert "303" in str(caught.value.__cause__)
    stats = rules.engine_stats()
    assert stats["live_sessions"] == 0 and stats["leaked_sessions"] == 0
    assert len(decide(rs.name, order(quantity=2)).fired) == 2


def test_bad_facts_never_reach_the_engine(make_ruleset: MakeRuleset):
    rs = make_ruleset()

    @rs.rule(when("order", gt("quantity", 100)))
    def huge(match: Match) -> Outcome:
        """More than 100 items."""
        return _says("huge")

    registry.register(rs)
    # durable_rules itself would say '99' > 100; we refuse the string.
    with pytest.raises(FactError) as caught:
        decide(rs.name, order(quantity="99"))
    assert caught.value.fields == ("quantity",)
    assert caught.value.reasons[0].params["field"] == "quantity"
    assert decide(rs.name, order(quantity=99)).rules == ()
    assert decide(rs.name, order(quantity=101)).rules == ("huge",)


def test_unknown_ruleset():
    with pytest.raises(UnknownRulesetError):
        decide("no_such_ruleset", order())
    with pytest.raises(LookupError):
        registry.get("no_such_ruleset")


def test_registry_names_are_unique_and_sealed(make_ruleset: MakeRuleset):
    rs = make_ruleset()

    @rs.rule(when("order"))
    def one(match: Match) -> Outcome:
        """One."""
        return _says("one")

    registry.register(rs)
    assert rs.name in registry.names()
    assert registry.register(rs) is rs  # the same object again: harmless
    twin = make_ruleset()
    twin.name = rs.name
    with pytest.raises(RulesetError, match="registered already"):
        registry.register(twin)
    with pytest.raises(RulesetError, match="registered already"):
        rs.add_rule("late", [when("order")], one)
    empty = make_ruleset()
    with pytest.raises(RulesetError, match="no rules"):
        registry.register(empty)


def test_a_throwaway_ruleset_can_be_redefined_under_the_same_name(make_ruleset: MakeRuleset):
    first = make_ruleset()
    first.add_rule("r", [when("order")], lambda m: _says("first"))
    with registry.temporary(first):
        assert decide(first.name, order()).fired[0].outcome == {"said": "first"}
    second = make_ruleset()
    second.name = first.name
    second.add_rule("r", [when("order")], lambda m: _says("second"))
    with registry.temporary(second):
        assert decide(second.name, order()).fired[0].outcome == {"said": "second"}
    assert first.name not in registry.names()


def test_accessors(make_ruleset: MakeRuleset):
    rs = make_ruleset()

    @rs.rule(when("order", express=True), priority=1)
    def refuse_express(match: Match) -> Outcome:
        """No express delivery."""
        return {"allowed": False, "refused": True}, Reason(N_("No express."))

    @rs.rule(when("order"), priority=2)
    def allow(match: Match) -> Outcome:
        """Orders are allowed."""
        return {"allowed": True, "items": [match.fact["quantity"]]}, Reason(N_("Allowed."))

    registry.register(rs)
    d = decide(rs.name, [order(express=True), order(quantity=4)])
    assert d.is_refused
    assert [f.rule for f in d.refusals] == ["refuse_express"]
    assert d.first("allowed") is False
    assert d.outcomes("allowed") == (False, True, True)
    assert d.outcomes("items") == ((1,), (4,))
    assert d.first("missing", "default") == "default"
    assert len(d.where("allowed", True)) == 2 and len(d.where("items")) == 2
    assert d.reasons[0] == Reason(N_("No express."))
    ok = decide(rs.name, order())
    assert not ok.is_refused and ok.first("allowed") is True


def test_the_record_round_trips_through_json(make_ruleset: MakeRuleset):
    rs = make_ruleset()

    @rs.rule(when("order"))
    def summary(match: Match) -> Outcome:
        """Summarise an order."""
        fact = match.fact
        return {"tags": list(fact["tags"]), "total": fact["quantity"] * fact["price"]}, Reason(
            N_("{customer}: {tags}"),
            {"customer": fact["customer"], "tags": list(fact["tags"])},
        )

    registry.register(rs)
    decision = decide(
        rs.name, [order(customer='张三 "quoted" \\ back', tags=["a", "b"]), order(note=None)]
    )
    text = json.dumps(decision.to_record(), ensure_ascii=False)
    again = Decision.from_record(json.loads(text))
    assert again == decision
    assert again.fired[0].reason.render() == '张三 "quoted" \\ back: a, b'
    assert again.facts[0]["tags"] == ("a", "b")
    with pytest.raises(ValueError):
        Decision.from_record({"format": 99})
    with pytest.raises(ValueError):
        Decision.from_record({"format": 1})


def test_engines_are_rebuilt_in_a_forked_child(make_ruleset: MakeRuleset):
    rs = make_ruleset()
    rs.add_rule("r", [when("order", gt("quantity", 1))], lambda m: _says("child"))
    registry.register(rs)
    assert decide(rs.name, order(quantity=2)).rules == ("r",)
    assert rules.engine_stats()["engines"] >= 1
    pid = os.fork()
    if pid == 0:  # the child: must not return into pytest
        code = 1
        try:
            fresh = rules.engine_stats()["engines"] == 0
            ok = decide(rs.name, order(quantity=2)).rules == ("r",)
            code = 0 if fresh and ok and rules.engine_stats()["engines"] == 1 else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert decide(rs.name, order(quantity=2)).rules == ("r",)


def test_sessions_that_cannot_be_deleted_are_counted_and_the_engine_rebuilt(
    make_ruleset: MakeRuleset, monkeypatch: pytest.MonkeyPatch
):
    from rules import runtime

    rs = make_ruleset()
    rs.add_rule("r", [when("order")], lambda m: _says("r"))
    registry.register(rs)
    assert decide(rs.name, order()).rules == ("r",)
    real = runtime._dre

    class FailingDelete:
        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

        @staticmethod
        def delete_state(handle: int, sid: str) -> None:
            raise RuntimeError("simulated failure")

    monkeypatch.setattr(runtime, "_dre", FailingDelete())
    for _ in range(runtime.MAX_LEAKED_SESSIONS + 1):
        assert decide(rs.name, order()).rules == ("r",)  # still correct, but sessions pile up
    stats = rules.engine_stats()
    assert stats["leaked_sessions"] == stats["live_sessions"] == runtime.MAX_LEAKED_SESSIONS + 1
    monkeypatch.setattr(runtime, "_dre", real)
    assert decide(rs.name, order()).rules == ("r",)  # on a rebuilt engine
    stats = rules.engine_stats()
    assert stats["leaked_sessions"] == stats["live_sessions"] == 0
