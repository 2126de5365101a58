"""How much rules.decide() costs over the bare engine, and whether it leaks.

A realistic 20-rule ruleset (three kinds of fact, an equality on `kind` first, thresholds from
parameters, a few rules firing per fact; five facts per decision) is run four ways on one CPU:

- `decide()`: the whole public path (validation, lock, fresh session, actions, Decision);
- the same logic as a plain Python function (the floor: what the rules cost without an engine);
- bare durable_rules through its public API: a `Host` with the same 20 rules, `assert_facts` in
  a fresh session, actions appending (rule, fact id), then `delete_state` (plus the catch-all
  rule that API needs so a fact matching nothing neither raises nor leaves a session that
  crashes on delete);
- the engine's C functions called directly, once with parameters written into the conditions
  (what decide() does) and once injected into every fact and compared field to field (the
  alternative discussed in rules.runtime).

Targets: decide() at least half the bare rate; peak RSS after 100,000 decisions within 10 MB of
the peak after 1,000. No database writes are involved anywhere.
"""

from __future__ import annotations

import cProfile
import gc
import os
import pstats
import random
import resource
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import rules
from rules import baseline, registry, statutes
from rules.conditions import eq, gt, gte, lt, lte, param, when
from rules.facts import FactKind, FactSchema, Field
from rules.messages import N_, Reason
from rules.parameters import ParameterSpec, ParameterValues
from rules.ruleset import Match, Outcome, Ruleset

NAME = "bench_checkup"
TARGET_RATIO = 0.5
TARGET_RSS_MB = 10.0
SAMPLES = 1000  # distinct fact sets, cycled
TIMED = 5000  # decisions per timing run (best of three)

# ---------------------------------------------------------------------------------------------
# The ruleset

SPECS = [
    ParameterSpec("large_employees", int, 100, min=1, label=N_("Large employer from")),
    ParameterSpec("pi_officer_records", int, 100000, min=1, label=N_("PI officer from")),
    ParameterSpec("dispute_prone_count", int, 3, min=1, label=N_("Dispute-prone from")),
    ParameterSpec("capital_paid_pct", float, 100.0, min=0, max=100, label=N_("Capital paid")),
    ParameterSpec("capital_years", int, 5, min=1, label=N_("Capital due after")),
    ParameterSpec("contract_grace_days", int, 30, min=0, label=N_("Contract grace")),
    ParameterSpec("double_pay_days", int, 31, min=0, label=N_("Double pay after")),
    ParameterSpec("overtime_limit", float, 36.0, min=0, label=N_("Overtime limit")),
    ParameterSpec("overtime_warning", float, 30.0, min=0, label=N_("Overtime warning")),
    ParameterSpec("insurance_days", int, 30, min=0, label=N_("Insurance registration")),
    ParameterSpec("long_service_months", int, 120, min=1, label=N_("Long service")),
    ParameterSpec("warning_days", int, 10, min=0, label=N_("Warning")),
    ParameterSpec("final_award_amount", float, 30000.0, min=0, label=N_("Final award limit")),
]
P = {s.name: s.default for s in SPECS}
MEDIATION = statutes.LDMAL_MEDIATION.amount
ACCEPTANCE = statutes.LDMAL_ACCEPTANCE.amount
AWARD = statutes.LDMAL_AWARD.amount

SCHEMA = FactSchema(
    FactKind(
        "enterprise",
        Field("employees", int, min=0),
        Field("industry", str, max_length=40),
        Field("exports", bool),
        Field("holds_ip", bool),
        Field("personal_data_records", int, min=0),
        Field("disputes_last_year", int, min=0),
        Field("capital_paid_pct", float, min=0, max=100),
        Field("incorporated_years", int, min=0),
    ),
    FactKind(
        "employee",
        Field("days_since_hire", int, min=0),
        Field("has_written_contract", bool),
        Field("probation_months", int, min=0),
        Field("contract_term_months", int, min=0),
        Field("monthly_overtime_hours", float, min=0),
        Field("social_insurance_registered", bool),
        Field("months_employed", int, min=0),
    ),
    FactKind(
        "dispute",
        Field("stage", str, choices=("application", "mediation", "arbitration", "closed")),
        Field("days_in_stage", int, min=0),
        Field("amount", float, min=0),
    ),
)

# (name, kind, conditions as (op, field, value or param name), plain-Python test)
E, W, D = "enterprise", "employee", "dispute"
RULES: list[tuple[str, str, list[tuple[str, str, Any]], Callable[[dict[str, Any]], bool]]] = [
    ("large_employer", E, [("gte", "employees", "@large_employees")],
     lambda f: f["employees"] >= P["large_employees"]),
    ("exporter", E, [("eq", "exports", True)], lambda f: f["exports"] is True),
    ("ip_holder", E, [("eq", "holds_ip", True)], lambda f: f["holds_ip"] is True),
    ("personal_data_heavy", E, [("gte", "personal_data_records", "@pi_officer_records")],
     lambda f: f["personal_data_records"] >= P["pi_officer_records"]),
    ("dispute_prone", E, [("gte", "disputes_last_year", "@dispute_prone_count")],
     lambda f: f["disputes_last_year"] >= P["dispute_prone_count"]),
    ("capital_unpaid", E,
     [("lt", "capital_paid_pct", "@capital_paid_pct"), ("gte", "incorporated_years", "@capital_years")],
     lambda f: f["capital_paid_pct"] < P["capital_paid_pct"]
     and f["incorporated_years"] >= P["capital_years"]),
    ("manufacturing_safety", E, [("eq", "industry", "manufacturing")],
     lambda f: f["industry"] == "manufacturing"),
    ("no_written_contract", W,
     [("eq", "has_written_contract", False), ("gt", "days_since_hire", "@contract_grace_days")],
     lambda f: not f["has_written_contract"] and f["days_since_hire"] > P["contract_grace_days"]),
    ("double_pay_due", W,
     [("eq", "has_written_contract", False), ("gt", "days_since_hire", "@double_pay_days")],
     lambda f: not f["has_written_contract"] and f["days_since_hire"] > P["double_pay_days"]),
    ("probation_too_long_short", W,
     [("lt", "contract_term_months", 12), ("gt", "probation_months", 1)],
     lambda f: f["contract_term_months"] < 12 and f["probation_months"] > 1),
    ("probation_too_long_mid", W,
     [("gte", "contract_term_months", 12), ("lt", "contract_term_months", 36),
      ("gt", "probation_months", 2)],
     lambda f: 12 <= f["contract_term_months"] < 36 and f["probation_months"] > 2),
    ("overtime_exceeded", W, [("gt", "monthly_overtime_hours", "@overtime_limit")],
     lambda f: f["monthly_overtime_hours"] > P["overtime_limit"]),
    ("overtime_warning", W,
     [("gt", "monthly_overtime_hours", "@overtime_warning"),
      ("lte", "monthly_overtime_hours", "@overtime_limit")],
     lambda f: P["overtime_warning"] < f["monthly_overtime_hours"] <= P["overtime_limit"]),
    ("insurance_late", W,
     [("eq", "social_insurance_registered", False), ("gt", "days_since_hire", "@insurance_days")],
     lambda f: not f["social_insurance_registered"] and f["days_since_hire"] > P["insurance_days"]),
    ("long_service", W, [("gte", "months_employed", "@long_service_months")],
     lambda f: f["months_employed"] >= P["long_service_months"]),
    ("mediation_overdue", D, [("eq", "stage", "mediation"), ("gt", "days_in_stage", MEDIATION)],
     lambda f: f["stage"] == "mediation" and f["days_in_stage"] > MEDIATION),
    ("mediation_warning", D,
     [("eq", "stage", "mediation"), ("gte", "days_in_stage", "@warning_days"),
      ("lte", "days_in_stage", MEDIATION)],
     lambda f: f["stage"] == "mediation" and P["warning_days"] <= f["days_in_stage"] <= MEDIATION),
    ("acceptance_overdue", D, [("eq", "stage", "application"), ("gt", "days_in_stage", ACCEPTANCE)],
     lambda f: f["stage"] == "application" and f["days_in_stage"] > ACCEPTANCE),
    ("award_overdue", D, [("eq", "stage", "arbitration"), ("gt", "days_in_stage", AWARD)],
     lambda f: f["stage"] == "arbitration" and f["days_in_stage"] > AWARD),
    ("small_claim_final", D,
     [("eq", "stage", "arbitration"), ("lte", "amount", "@final_award_amount")],
     lambda f: f["stage"] == "arbitration" and f["amount"] <= P["final_award_amount"]),
]  # fmt: skip
assert len(RULES) == 20

_BUILD = {"eq": eq, "gt": gt, "gte": gte, "lt": lt, "lte": lte}
_JSON_OP = {"gt": "$gt", "gte": "$gte", "lt": "$lt", "lte": "$lte"}


def _value(value: Any) -> Any:
    return param(value[1:]) if isinstance(value, str) and value.startswith("@") else value


def build_ruleset() -> Ruleset:
    """The 20 rules as a rules.Ruleset; every action returns one outcome and reason."""
    ruleset = Ruleset(NAME, "bench.1", SCHEMA, parameters=SPECS)
    for name, kind, conds, _ in RULES:

        def action(match: Match, name: str = name) -> Outcome:
            return {"flag": name}, Reason(N_("Flagged {rule} for fact {id}."), {
                "rule": name, "id": match.fact["id"]})  # fmt: skip

        action.__doc__ = f"Flag {name}."
        tests = [_BUILD[op](field, _value(value)) for op, field, value in conds]
        ruleset.add_rule(name, [when(kind, *tests)], action)
    return ruleset


def plain(facts: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """The same logic without an engine: the floor."""
    fired = []
    for index, fact in enumerate(facts):
        for name, kind, _, test in RULES:
            if fact["kind"] == kind and test(fact):
                fired.append((name, index))
    return fired


def durable_definition(
    make_action: Callable[[str], Callable[[Any], None]], inject: bool = False
) -> dict[str, Any]:
    """The 20 rules in durable_rules' JSON syntax, plus a catch-all so every fact is handled."""
    definition: dict[str, Any] = {}
    for name, kind, conds, _ in RULES:
        tests: list[dict[str, Any]] = [{"kind": kind}]
        for op, field, value in conds:
            if isinstance(value, str) and value.startswith("@"):
                value = {"$m": f"p.{value[1:]}"} if inject else P[value[1:]]
            tests.append({field: value} if op == "eq" else {_JSON_OP[op]: {field: value}})
        definition[name] = {"all": [{"m": {"$and": tests}}], "run": make_action(name)}
    definition["catch_all"] = {
        "all": [{"m": {"$nex": {"$s": 1}}}],
        "pri": 65535,
        "run": make_action("catch_all"),
    }
    return definition


# ---------------------------------------------------------------------------------------------
# Data


def make_samples(count: int, seed: int = 7) -> list[list[dict[str, Any]]]:
    """Fact sets: one enterprise, three employees, one dispute each."""
    rnd = random.Random(seed)
    samples = []
    for _ in range(count):
        facts: list[dict[str, Any]] = [
            {
                "kind": "enterprise",
                "employees": rnd.randint(1, 400),
                "industry": rnd.choice(["manufacturing", "trade", "services", "bearings"]),
                "exports": rnd.random() < 0.3,
                "holds_ip": rnd.random() < 0.4,
                "personal_data_records": rnd.randint(0, 300000),
                "disputes_last_year": rnd.randint(0, 6),
                "capital_paid_pct": round(rnd.uniform(0, 100), 1),
                "incorporated_years": rnd.randint(0, 20),
            }
        ]
        for _ in range(3):
            term = rnd.choice([6, 12, 24, 36, 60])
            facts.append(
                {
                    "kind": "employee",
                    "days_since_hire": rnd.randint(0, 900),
                    "has_written_contract": rnd.random() < 0.7,
                    "probation_months": rnd.randint(0, 6),
                    "contract_term_months": term,
                    "monthly_overtime_hours": round(rnd.uniform(0, 60), 1),
                    "social_insurance_registered": rnd.random() < 0.8,
                    "months_employed": rnd.randint(0, 200),
                }
            )
        facts.append(
            {
                "kind": "dispute",
                "stage": rnd.choice(["application", "mediation", "arbitration", "closed"]),
                "days_in_stage": rnd.randint(0, 70),
                "amount": round(rnd.uniform(0, 80000), 2),
            }
        )
        samples.append(facts)
    return samples


# ---------------------------------------------------------------------------------------------
# The four runners: each takes a fact set and returns [(rule, fact index)]


def bare_runner() -> Callable[[list[dict[str, Any]]], list[tuple[str, int]]]:
    """durable_rules' public API: Host.assert_facts in a fresh session, then delete_state."""
    return baseline.host_runner(durable_definition)


def raw_runner(inject: bool) -> Callable[[list[dict[str, Any]]], list[tuple[str, int]]]:
    """The engine's C functions directly, as rules.runtime calls them."""
    definition = durable_definition(lambda name: lambda c: None, inject=inject)
    return baseline.raw_runner(definition, dict(P) if inject else None)


def decide_runner(
    parameters: ParameterValues | None = None,
) -> Callable[[list[dict[str, Any]]], list[tuple[str, int]]]:
    """rules.decide, reduced to the same (rule, fact id) pairs."""

    def run(facts: list[dict[str, Any]]) -> list[tuple[str, int]]:
        decision = rules.decide(NAME, facts, parameters=parameters)
        return [(f.rule, f.fact_ids[0]) for f in decision.fired]

    return run


# ---------------------------------------------------------------------------------------------
# Measuring


@contextmanager
def one_cpu() -> Iterator[str]:
    """Pin the process to one CPU while measuring (threads would only add noise)."""
    if not hasattr(os, "sched_setaffinity"):
        yield "not pinned (no sched_setaffinity)"
        return
    before = os.sched_getaffinity(0)
    cpu = max(before)
    os.sched_setaffinity(0, {cpu})
    try:
        yield f"pinned to CPU {cpu}"
    finally:
        os.sched_setaffinity(0, before)


def rate(run: Callable[[list[dict[str, Any]]], Any], samples: list, count: int) -> float:
    """Decisions per second of CPU time, best of three.

    CPU time rather than wall time: the process is single-threaded, and other work on a shared
    machine then slows the clock on the wall without changing what a decision costs.
    """
    best = float("inf")
    for _ in range(3):
        gc.collect()
        start = time.process_time()
        for i in range(count):
            run(samples[i % len(samples)])
        best = min(best, time.process_time() - start)
    return count / best


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def check_agreement(runners: dict[str, Callable[..., Any]], samples: list) -> None:
    """All runners must find the same firings, or the comparison means nothing."""
    for facts in samples:
        expected = sorted(plain(facts))
        for label, run in runners.items():
            got = sorted(run(facts))
            if got != expected:
                raise AssertionError(f"{label} disagrees with plain Python: {got} != {expected}")


def profile(samples: list, count: int = 5000) -> None:
    """Where decide() spends its time (set RULES_BENCH_PROFILE=1)."""
    run = decide_runner()
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(count):
        run(samples[i % len(samples)])
    profiler.disable()
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(18)


def run() -> bool:
    """Measure, print the report, and say whether the targets are met."""
    ruleset = build_ruleset()
    registered = NAME not in registry.names()
    if registered:
        registry.register(ruleset)
    try:
        return _measure()
    finally:
        if registered:
            registry.unregister(NAME)


def _measure() -> bool:
    samples = make_samples(SAMPLES)
    runners = {
        "decide": decide_runner(),
        "bare": bare_runner(),
        "raw": raw_runner(inject=False),
        "raw_injected": raw_runner(inject=True),
    }
    check_agreement(runners, samples[:200])
    fired_per_decision = sum(len(plain(f)) for f in samples) / len(samples)
    with one_cpu() as where:
        print(
            f"20 rules, 5 facts and {fired_per_decision:.1f} firings per decision; {where}; "
            "rates in decisions per CPU second"
        )
        rates = {"plain": rate(plain, samples, TIMED)}
        for label, runner in runners.items():
            rates[label] = rate(runner, samples, TIMED)
        versioned = ParameterValues(3, dict(P))
        rates["decide_v3"] = rate(decide_runner(versioned), samples, TIMED)
        if os.environ.get("RULES_BENCH_PROFILE"):
            profile(samples)
        # Memory: peak RSS after 1,000 decisions, then after 100,000.
        run_decide = runners["decide"]
        for i in range(1000):
            run_decide(samples[i % SAMPLES])
        gc.collect()
        rss_1k = peak_rss_mb()
        for i in range(99000):
            run_decide(samples[i % SAMPLES])
        gc.collect()
        rss_100k = peak_rss_mb()
    ratio_bare = rates["decide"] / rates["bare"]
    print(f"  decide()                         {rates['decide']:>9,.0f} decisions/s")
    print(f"  decide(), parameter version 3    {rates['decide_v3']:>9,.0f} decisions/s")
    print(f"  plain Python function            {rates['plain']:>9,.0f} decisions/s")
    print(f"  bare durable_rules (Host API)    {rates['bare']:>9,.0f} decisions/s")
    print(f"  engine C calls, params in rules  {rates['raw']:>9,.0f} decisions/s")
    print(f"  engine C calls, params in facts  {rates['raw_injected']:>9,.0f} decisions/s")
    print(f"  decide / bare   = {ratio_bare:.2f}  (target >= {TARGET_RATIO})")
    print(f"  decide / plain  = {rates['decide'] / rates['plain']:.3f}")
    print(f"  decide / C calls = {rates['decide'] / rates['raw']:.2f}")
    print(
        f"  injected / substituted parameters = {rates['raw_injected'] / rates['raw']:.2f}"
        " (engine C calls)"
    )
    growth = rss_100k - rss_1k
    print(
        f"  peak RSS after 1,000 decisions {rss_1k:.1f} MB, after 100,000 {rss_100k:.1f} MB: "
        f"+{growth:.2f} MB (target <= {TARGET_RSS_MB:.0f} MB)"
    )
    print(f"  engines: {rules.engine_stats()}")
    ok = ratio_bare >= TARGET_RATIO and growth <= TARGET_RSS_MB
    print("  targets met" if ok else "  TARGETS MISSED")
    return ok
