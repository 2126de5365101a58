"""Many threads deciding at once get their own, correct decisions.

The engine's C calls never release the GIL, so its own state survived interleaved sessions here;
what breaks without the process-wide lock is everything around it (the engine cache evicting an
engine another thread is using): remove the lock and the second test fails.
"""

from __future__ import annotations

import sys
import threading

import rules
from rules import (
    N_,
    Match,
    Outcome,
    ParameterSpec,
    ParameterValues,
    Reason,
    decide,
    gt,
    param,
    registry,
    when,
)
from rules.runtime import MAX_ENGINES
from tests.rules.conftest import MakeRuleset, order

THREADS = 8
DECISIONS = 500


def test_concurrent_callers_get_correct_isolated_decisions(make_ruleset: MakeRuleset):
    rs = make_ruleset()

    @rs.rule(when("order", gt("quantity", 10)))
    def big(match: Match) -> Outcome:
        """More than ten items."""
        fact = match.fact
        return {"customer": fact["customer"], "quantity": fact["quantity"]}, Reason(
            N_("{customer} ordered {quantity}."),
            {"customer": fact["customer"], "quantity": fact["quantity"]},
        )

    @rs.rule(when("order"), priority=500)
    def counted(match: Match) -> Outcome:
        """Every order is counted."""
        return {"counted": match.fact["customer"]}, Reason(N_("Counted."))

    registry.register(rs)
    start = threading.Barrier(THREADS)
    failures: list[str] = []

    def worker(number: int) -> None:
        start.wait()
        for i in range(DECISIONS):
            customer = f"t{number}-{i}"
            quantity = (number * 7 + i) % 20
            try:
                decision = decide(rs.name, [order(customer=customer, quantity=quantity)] * 2)
            except Exception as exc:  # reported below
                failures.append(f"{customer}: {exc!r}")
                return
            expected = (("big",) * 2 if quantity > 10 else ()) + ("counted",) * 2
            if decision.rules != expected:
                failures.append(f"{customer}: fired {decision.rules}, expected {expected}")
            seen = {f.outcome.get("customer", f.outcome.get("counted")) for f in decision.fired}
            if seen != {customer} or {f["customer"] for f in decision.facts} != {customer}:
                failures.append(f"{customer}: saw another decision's facts: {seen}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: interleave decisions
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert failures == []
    stats = rules.engine_stats()
    assert stats["live_sessions"] == 0 and stats["leaked_sessions"] == 0


def test_concurrent_callers_with_many_parameter_versions(make_ruleset: MakeRuleset):
    """More parameter versions than cached engines: engines are evicted while others decide."""
    rs = make_ruleset(
        parameters=[ParameterSpec("limit", int, 10, min=0, max=100, label=N_("Limit"))]
    )

    @rs.rule(when("order", gt("quantity", param("limit"))))
    def over(match: Match) -> Outcome:
        """Above the limit of this parameter version."""
        return {"limit": match.params["limit"]}, Reason(N_("Over."))

    registry.register(rs)
    versions = [ParameterValues(v, {"limit": v}) for v in range(MAX_ENGINES + 8)]
    start = threading.Barrier(THREADS)
    failures: list[str] = []

    def worker(number: int) -> None:
        start.wait()
        for i in range(DECISIONS // 5):
            version = versions[(number * 3 + i) % len(versions)]
            quantity = (number + i) % (len(versions) + 2)
            try:
                decision = decide(rs.name, order(quantity=quantity), parameters=version)
            except Exception as exc:  # reported below
                failures.append(repr(exc))
                return
            expected = ("over",) if quantity > version.version else ()
            if decision.rules != expected or decision.parameters_version != version.version:
                failures.append(f"{number}/{i}: {decision.rules} for {version}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert failures == []
    assert rules.engine_stats()["engines"] <= MAX_ENGINES
