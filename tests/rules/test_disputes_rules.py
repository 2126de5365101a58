"""The three-end closed loop rulesets: stage transitions, teams, escalation; deadline helpers."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta
from typing import Any

import pytest

from rules import Decision, FactError, ParameterError, ParameterValues, decide, registry
from rules import validate_parameters as check_parameters
from rules.disputes import (
    CASE_TYPES,
    CIVIL_CODE_LIMITATION,
    DEADLINES,
    INITIAL_STAGES,
    STAGE_NAMES,
    STAGES,
    TEAM_NAMES,
    TRANSITIONS,
    TYPE_NAMES,
    allowed_targets,
    limitation_period,
    stage_deadline,
)
from rules.statutes import (
    CPL_JUDICIAL_CONFIRMATION,
    LDMAL_ACCEPTANCE,
    LDMAL_AWARD,
    LDMAL_AWARD_EXTENSION,
    LDMAL_LIMITATION,
    LDMAL_MEDIATION,
)

# Facts that let each conditional edge of the table through (the outcome that makes it lawful).
_LAWFUL: dict[tuple[str, str, str], dict[str, Any]] = {
    ("labour", "mediation", "arbitration_application"): {"period_expired": True},
    ("labour", "arbitration_application", "litigation"): {"acceptance_refused": True},
    ("labour", "arbitration_accepted", "litigation"): {"period_expired": True},
    ("labour", "award", "final"): {"award_final_eligible": True},
    ("commercial", "intake", "arbitration"): {"arbitration_agreed": True},
    ("commercial", "mediation", "arbitration"): {"arbitration_agreed": True},
    ("commercial", "agreement", "arbitration"): {"arbitration_agreed": True},
    ("contract_review", "findings", "dispute_opened"): {"live_dispute": True},
    ("prevention", "open", "done"): {"activity_done": True},
    ("labour", "feedback", "closed"): {"return_visit_done": True},
    ("commercial", "feedback", "closed"): {"return_visit_done": True},
}

EDGES = [
    (case_type, source, target)
    for case_type, table in TRANSITIONS.items()
    for source, targets in table.items()
    for target in targets
]


def move(case_type: str, source: str, target: str, **fields: Any) -> dict[str, Any]:
    """A transition fact, by a coordinator (who may close), not manual."""
    return {
        "kind": "transition",
        "case_type": case_type,
        "from_stage": source,
        "to_stage": target,
        "days_in_stage": 3,
        "manual": False,
        "reason_given": False,
        "by_role": "coordinator",
        **fields,
    }


def case(**fields: Any) -> dict[str, Any]:
    """A small labour dispute in mediation that nothing escalates."""
    return {
        "kind": "case",
        "case_type": "labour",
        "stage": "mediation",
        "workers": 1,
        "amount_claimed": 30000.0,
        **fields,
    }


def run(ruleset: str, facts: Any, **params: Any) -> Decision:
    parameters = ParameterValues(1, params) if params else None
    return decide(ruleset, facts, parameters=parameters)


def refusals(decision: Decision) -> list[str]:
    return [f.rule for f in decision.refusals]


# --- The table ----------------------------------------------------------------------------------


def test_the_table_is_complete_and_named():
    assert set(TRANSITIONS) == set(CASE_TYPES) == set(TYPE_NAMES)
    for case_type, stages in STAGES.items():
        assert INITIAL_STAGES[case_type] == stages[0]
        assert "closed" in stages and TRANSITIONS[case_type]["closed"] == {}
        for source in stages:
            assert source in STAGE_NAMES
            for target, basis in TRANSITIONS[case_type][source].items():
                assert target in stages and basis, (case_type, source, target)
    # Every stage can be reached from the first one, and every stage can reach "closed".
    for case_type, table in TRANSITIONS.items():
        reached, todo = set(), [INITIAL_STAGES[case_type]]
        while todo:
            stage = todo.pop()
            if stage not in reached:
                reached.add(stage)
                todo.extend(table[stage])
        assert reached == set(table), case_type
        for stage in table:
            seen, todo = set(), [stage]
            while todo:
                here = todo.pop()
                if here not in seen:
                    seen.add(here)
                    todo.extend(table[here])
            assert "closed" in seen, (case_type, stage)


def test_the_issue_s_paths_are_in_the_table():
    labour = ["intake", "mediation", "agreement", "arbitration_application"]
    labour += ["arbitration_accepted", "award", "final", "feedback", "closed"]
    for source, target in itertools.pairwise(labour):
        assert target in allowed_targets("labour", source), (source, target)
    assert "litigation" in allowed_targets("labour", "award")
    assert set(allowed_targets("commercial", "agreement")) >= {
        "judicial_confirmation",
        "litigation",
        "arbitration",
    }
    assert allowed_targets("contract_review", "findings") == ("closed", "dispute_opened")
    assert allowed_targets("prevention", "open") == ("done",)


# --- dispute_transition: every edge, and what is not an edge ------------------------------------


@pytest.mark.parametrize(("case_type", "source", "target"), EDGES, ids="-".join)
def test_every_allowed_transition_is_accepted(case_type: str, source: str, target: str):
    fact = move(case_type, source, target, **_LAWFUL.get((case_type, source, target), {}))
    decision = run("dispute_transition", fact)
    assert decision.rules == ("checked",), decision.rules
    assert not decision.is_refused
    assert decision.facts[0]["table"] == "allowed"


def _refused_moves() -> list[tuple[str, str, str]]:
    """Every move of every type's stages that is not in the table (labour litigation before
    arbitration excepted: arbitration_first refuses it), and a stage of another type."""
    moves = []
    for case_type, table in TRANSITIONS.items():
        for source in table:
            for target in (*table, "dispute_opened" if case_type != "contract_review" else "done"):
                if target in table[source]:
                    continue
                explained = ("intake", "mediation", "agreement", "judicial_confirmation")
                if case_type == "labour" and target == "litigation" and source in explained:
                    continue
                moves.append((case_type, source, target))
    return moves


@pytest.mark.parametrize(("case_type", "source", "target"), _refused_moves(), ids="-".join)
def test_every_move_not_in_the_table_is_refused_naming_the_rule(
    case_type: str, source: str, target: str
):
    decision = run("dispute_transition", move(case_type, source, target, by_role="coordinator"))
    assert refusals(decision) == ["not_an_allowed_transition"]
    (refused,) = decision.refusals
    params = refused.reason.params
    assert params["source"]["msgid"] == STAGE_NAMES[source]
    assert params["target"]["msgid"] == STAGE_NAMES[target]
    text = refused.reason.render()
    assert STAGE_NAMES[source] in text and STAGE_NAMES[target] in text
    if TRANSITIONS[case_type][source]:
        assert [p["msgid"] for p in params["allowed"]] == [
            STAGE_NAMES[s] for s in TRANSITIONS[case_type][source]
        ]
    else:
        assert "last stage" in text


def test_a_refused_move_says_where_the_case_may_go():
    decision = run("dispute_transition", move("labour", "intake", "award"))
    assert decision.refusals[0].reason.render() == (
        "A Labour dispute cannot move from Intake to Arbitral award; from Intake it may move to: "
        "Mediation, Arbitration applied for, Closed."
    )


def test_a_closed_case_moves_no_further():
    decision = run("dispute_transition", move("prevention", "closed", "open"))
    assert decision.refusals[0].reason.render() == (
        "A Prevention task cannot move from Closed to Open: Closed is its last stage."
    )


# --- dispute_transition: the conditional edges ---------------------------------------------------


@pytest.mark.parametrize("source", ["intake", "mediation", "agreement", "judicial_confirmation"])
def test_labour_litigation_before_arbitration_is_refused(source: str):
    decision = run("dispute_transition", move("labour", source, "litigation"))
    assert refusals(decision) == ["arbitration_first"]
    assert "art. 5" in decision.refusals[0].reason.render()
    assert decision.facts[0]["table"] == "explained"


@pytest.mark.parametrize(
    ("fields", "refused"),
    [
        ({}, True),
        ({"acceptance_refused": True}, False),
        ({"period_expired": True}, False),
    ],
)
def test_litigation_from_an_arbitration_application(fields: dict[str, Any], refused: bool):
    decision = run(
        "dispute_transition", move("labour", "arbitration_application", "litigation", **fields)
    )
    assert refusals(decision) == (["acceptance_pending"] if refused else [])


@pytest.mark.parametrize(("expired", "refused"), [(False, True), (True, False)])
def test_litigation_before_the_award(expired: bool, refused: bool):
    fact = move("labour", "arbitration_accepted", "litigation", period_expired=expired)
    assert refusals(run("dispute_transition", fact)) == (["award_pending"] if refused else [])


@pytest.mark.parametrize(
    ("fields", "refused"),
    [
        ({}, True),
        ({"days_in_stage": 14}, True),
        ({"period_expired": True, "days_in_stage": 16}, False),
        ({"mediation_failed": True}, False),
    ],
)
def test_labour_mediation_gets_its_15_days(fields: dict[str, Any], refused: bool):
    fact = move("labour", "mediation", "arbitration_application", **fields)
    decision = run("dispute_transition", fact)
    assert refusals(decision) == (["mediation_period_running"] if refused else [])


@pytest.mark.parametrize(
    ("source", "target", "fields", "rules"),
    [
        ("award", "final", {}, ["award_not_final"]),
        ("award", "final", {"award_final_eligible": True}, []),
        ("award", "litigation", {}, []),
        ("award", "litigation", {"award_final_eligible": True}, ["award_is_final"]),
        ("award", "litigation", {"period_expired": True}, ["suit_period_passed"]),
        ("final", "litigation", {}, []),
        ("final", "litigation", {"period_expired": True}, ["suit_period_passed"]),
        (
            "award",
            "litigation",
            {"award_final_eligible": True, "period_expired": True},
            ["award_is_final", "suit_period_passed"],
        ),
    ],
)
def test_awards_final_or_not(source: str, target: str, fields: dict[str, Any], rules: list[str]):
    assert refusals(run("dispute_transition", move("labour", source, target, **fields))) == rules


@pytest.mark.parametrize("source", ["intake", "mediation", "agreement"])
def test_commercial_arbitration_needs_an_arbitration_agreement(source: str):
    refused = run("dispute_transition", move("commercial", source, "arbitration"))
    assert refusals(refused) == ["no_arbitration_agreement"]
    assert "Arbitration Law art. 4" in refused.refusals[0].reason.render()
    agreed = move("commercial", source, "arbitration", arbitration_agreed=True)
    assert not run("dispute_transition", agreed).is_refused


@pytest.mark.parametrize("source", ["intake", "mediation", "agreement", "judicial_confirmation"])
def test_an_arbitration_agreement_keeps_the_firms_out_of_court(source: str):
    fact = move("commercial", source, "litigation", arbitration_agreed=True)
    assert refusals(run("dispute_transition", fact)) == ["arbitration_agreement_bars_suit"]
    assert not run("dispute_transition", {**fact, "arbitration_agreed": False}).is_refused


@pytest.mark.parametrize("case_type", ["labour", "commercial"])
@pytest.mark.parametrize(("expired", "refused"), [(False, False), (True, True)])
def test_judicial_confirmation_within_30_days(case_type: str, expired: bool, refused: bool):
    fact = move(case_type, "agreement", "judicial_confirmation", period_expired=expired)
    decision = run("dispute_transition", fact)
    assert refusals(decision) == (["confirmation_period_passed"] if refused else [])
    if refused:
        assert decision.refusals[0].reason.params == {"period": 30}


@pytest.mark.parametrize(
    ("target", "fields", "rules"),
    [
        ("dispute_opened", {}, ["no_live_dispute"]),
        ("dispute_opened", {"live_dispute": True}, []),
        ("closed", {}, []),
        ("closed", {"live_dispute": True}, ["live_dispute_must_be_opened"]),
        ("closed", {"loss_amount": 120000.0}, ["loss_without_evidence"]),
        ("closed", {"loss_amount": 120000.0, "loss_evidence": True}, []),
        (
            "closed",
            {"loss_amount": 1.0, "live_dispute": True},
            ["live_dispute_must_be_opened", "loss_without_evidence"],
        ),
    ],
)
def test_contract_review_findings(target: str, fields: dict[str, Any], rules: list[str]):
    fact = move("contract_review", "findings", target, **fields)
    assert refusals(run("dispute_transition", fact)) == rules


def test_a_prevention_task_is_done_with_a_visit_or_training():
    assert refusals(run("dispute_transition", move("prevention", "open", "done"))) == [
        "no_visit_or_training"
    ]
    fact = move("prevention", "open", "done", activity_done=True)
    assert not run("dispute_transition", fact).is_refused


@pytest.mark.parametrize("case_type", ["labour", "commercial"])
def test_a_resolved_dispute_closes_after_its_return_visit(case_type: str):
    decision = run("dispute_transition", move(case_type, "feedback", "closed"))
    assert refusals(decision) == ["no_return_visit"]
    assert "return visit" in decision.refusals[0].reason.render()
    fact = move(case_type, "feedback", "closed", return_visit_done=True)
    assert not run("dispute_transition", fact).is_refused


@pytest.mark.parametrize(
    ("manual", "reason_given", "refused"),
    [(True, False, True), (True, True, False), (False, False, False), (False, True, False)],
)
def test_a_manual_transition_needs_a_reason(manual: bool, reason_given: bool, refused: bool):
    fact = move("labour", "intake", "mediation", manual=manual, reason_given=reason_given)
    decision = run("dispute_transition", fact)
    assert refusals(decision) == (["manual_needs_reason"] if refused else [])
    if refused:
        assert decision.refusals[0].reason.render() == (
            "A case moved by hand needs a reason; write down why it moves to Mediation."
        )


@pytest.mark.parametrize(
    ("role", "refused"),
    [("coordinator", False), ("mediator", True), ("consultant", True), ("firm", True)],
)
def test_a_coordinator_closes_a_case(role: str, refused: bool):
    fact = move("labour", "feedback", "closed", by_role=role, return_visit_done=True)
    decision = run("dispute_transition", fact)
    assert refusals(decision) == (["closing_needs_coordinator"] if refused else [])


def test_every_problem_of_a_move_is_reported_at_once():
    fact = move("labour", "mediation", "closed", manual=True, by_role="mediator")
    decision = run("dispute_transition", fact)
    assert decision.rules == (
        "not_an_allowed_transition",
        "manual_needs_reason",
        "closing_needs_coordinator",
        "checked",
    )
    assert all("{" not in f.reason.render() for f in decision.fired)
    assert Decision.from_record(decision.to_record()) == decision


def test_checked_always_fires_and_says_what_was_checked():
    decision = run("dispute_transition", move("labour", "intake", "mediation", by_role="mediator"))
    assert decision.rules == ("checked",)
    assert decision.fired[0].outcome == {"checked": True}
    assert decision.fired[0].reason.render() == (
        "Checked the move of a Labour dispute from Intake to Mediation by a mediator, after 3 "
        "days in the stage."
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"from_stage": "submitted"}, "from_stage"),
        ({"from_stage": "nowhere"}, "from_stage"),
        ({"to_stage": "nowhere"}, "to_stage"),
        ({"case_type": "criminal"}, "case_type"),
        ({"manual": True, "reason_given": True, "by_role": "system"}, "manual"),
        ({"table": "allowed"}, "table"),
        ({"days_in_stage": -1}, "days_in_stage"),
    ],
)
def test_inconsistent_transitions_are_refused_by_the_schema(fields: dict[str, Any], field: str):
    fact = {**move("labour", "intake", "award"), **fields}
    with pytest.raises(FactError) as caught:
        run("dispute_transition", fact)
    assert caught.value.fields == (field,)


# --- dispute_team -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case_type", "rule", "team"),
    [
        ("labour", "labour_to_professional_mediation", "professional_mediation"),
        ("commercial", "commercial_to_industry_mediation", "industry_mediation"),
        ("contract_review", "legal_service_team", "precise_legal_service"),
        ("prevention", "legal_service_team", "precise_legal_service"),
    ],
)
def test_each_type_goes_to_its_team(case_type: str, rule: str, team: str):
    decision = run("dispute_team", {"kind": "case", "case_type": case_type})
    assert decision.rules == (rule,)
    assert decision.fired[0].outcome == {"team": team}
    text = decision.fired[0].reason.render()
    assert TEAM_NAMES[team] in text and TYPE_NAMES[case_type] in text


def test_the_team_reason():
    decision = run("dispute_team", {"kind": "case", "case_type": "labour"})
    assert decision.fired[0].reason.render() == (
        "The Professional mediation team takes this Labour dispute."
    )


# --- dispute_escalation -------------------------------------------------------------------------


def escalations(decision: Decision) -> list[str]:
    assert decision.rules[-1] == "checked"
    return [f.rule for f in decision.where("escalate", True)]


def test_a_small_dispute_on_time_is_not_escalated():
    decision = run("dispute_escalation", case())
    assert decision.rules == ("checked",)
    assert decision.fired[0].reason.render() == (
        "Checked the Labour dispute at Mediation for escalation: 1 workers, 30000.0 yuan claimed."
    )


@pytest.mark.parametrize(("workers", "escalated"), [(9, False), (10, True), (11, True)])
def test_a_collective_labour_dispute_is_escalated(workers: int, escalated: bool):
    decision = run("dispute_escalation", case(workers=workers))
    assert escalations(decision) == (["collective_dispute"] if escalated else [])
    if escalated:
        assert decision.fired[0].outcome == {"escalate": True}
        assert decision.fired[0].reason.params == {"workers": workers, "min": 10}


def test_collective_is_about_labour_disputes():
    fact = case(case_type="commercial", workers=50)
    assert escalations(run("dispute_escalation", fact)) == []


@pytest.mark.parametrize(("amount", "escalated"), [(499999.0, False), (500000.0, True)])
@pytest.mark.parametrize("case_type", ["labour", "commercial"])
def test_a_large_amount_is_escalated(amount: float, escalated: bool, case_type: str):
    fact = case(case_type=case_type, workers=0, amount_claimed=amount)
    decision = run("dispute_escalation", fact)
    assert escalations(decision) == (["large_amount"] if escalated else [])


def test_every_cause_fires_once_together():
    fact = case(workers=40, amount_claimed=2000000.0)
    decision = run("dispute_escalation", fact)
    assert decision.rules == ("collective_dispute", "large_amount", "checked")


@pytest.mark.parametrize(
    "fields",
    [
        {"stage": "closed"},
        {"case_type": "contract_review", "stage": "reviewing"},
        {"case_type": "prevention", "stage": "open"},
    ],
)
def test_closed_cases_reviews_and_prevention_tasks_are_not_escalated(fields: dict[str, Any]):
    fact = case(workers=40, amount_claimed=2000000.0, **fields)
    assert run("dispute_escalation", fact).rules == ("checked",)


def test_the_escalation_thresholds_are_parameters():
    fact = case(workers=5, amount_claimed=100000.0)
    assert escalations(run("dispute_escalation", fact)) == []
    decision = run("dispute_escalation", fact, collective_workers_min=5, amount_threshold=100000)
    assert escalations(decision) == ["collective_dispute", "large_amount"]
    assert decision.parameters_version == 1
    decision = run("dispute_escalation", fact, collective_workers_min=6, amount_threshold=100001)
    assert escalations(decision) == []


def test_the_stage_must_be_the_case_type_s():
    with pytest.raises(FactError) as caught:
        run("dispute_escalation", case(stage="reviewing"))
    assert caught.value.fields == ("stage",)


# --- Parameters ---------------------------------------------------------------------------------


def test_parameter_defaults_labels_and_help():
    assert registry.get("dispute_escalation").defaults == {
        "collective_workers_min": 10,
        "amount_threshold": 500000,
    }
    assert registry.get("dispute_transition").defaults == {}
    assert registry.get("dispute_team").defaults == {}
    for name in ("dispute_transition", "dispute_team", "dispute_escalation"):
        ruleset = registry.get(name)
        assert ruleset.description
        assert all(p.label and p.help and p.unit for p in ruleset.parameters)


@pytest.mark.parametrize(
    "values",
    [
        {"collective_workers_min": 1},
        {"collective_workers_min": 1001},
        {"amount_threshold": 0},
        {"amount_threshold": 1.5},
        {"lead_time_days": 3},
    ],
)
def test_parameter_bounds(values: dict[str, Any]):
    with pytest.raises(ParameterError):
        check_parameters("dispute_escalation", values)


# --- No rule fires twice on one fact -------------------------------------------------------------


def test_no_rule_fires_twice():
    rng = random.Random(20261128)
    stages = list(STAGE_NAMES)
    for _ in range(300):
        case_type = rng.choice(CASE_TYPES)
        source = rng.choice(STAGES[case_type])
        fact = move(
            case_type,
            source,
            rng.choice(stages),
            period_expired=rng.random() < 0.5,
            mediation_failed=rng.random() < 0.3,
            acceptance_refused=rng.random() < 0.3,
            award_final_eligible=rng.random() < 0.3,
            arbitration_agreed=rng.random() < 0.5,
            live_dispute=rng.random() < 0.5,
            loss_amount=rng.choice([0.0, 1.0, 5000.0]),
            loss_evidence=rng.random() < 0.5,
            activity_done=rng.random() < 0.5,
            manual=rng.random() < 0.5,
            reason_given=rng.random() < 0.5,
            by_role=rng.choice(["coordinator", "mediator", "consultant", "firm"]),
        )
        decision = run("dispute_transition", fact)
        assert len(decision.rules) == len(set(decision.rules)), decision.rules
        assert decision.rules[-1] == "checked"
        # Refused by the table exactly when the move is not an edge.
        in_table = fact["to_stage"] in TRANSITIONS[case_type][source]
        assert ("not_an_allowed_transition" in decision.rules) is (
            not in_table and decision.facts[0]["table"] == "refused"
        )

        esc = case(
            case_type=case_type,
            stage=rng.choice(STAGES[case_type]),
            workers=rng.choice([0, 9, 10, 200]),
            amount_claimed=rng.choice([0.0, 499999.0, 500000.0, 9000000.0]),
        )
        decision = run("dispute_escalation", esc)
        assert len(decision.rules) == len(set(decision.rules)), decision.rules
        assert decision.rules[-1] == "checked"

        decision = run("dispute_team", {"kind": "case", "case_type": case_type})
        assert len(decision.rules) == 1


# --- dispute_deadline ----------------------------------------------------------------------------


def due(**fields: Any) -> dict[str, Any]:
    """A labour mediation that fell due on Thursday 8 October 2026, seen the day after."""
    return {
        "kind": "deadline",
        "case_type": "labour",
        "stage": "mediation",
        "basis": "statute",
        "due_on": date(2026, 10, 8),
        "today": date(2026, 10, 9),
        "days_left": -1,
        "working_days_left": 0,
        **fields,
    }


@pytest.mark.parametrize("case_type", ["labour", "commercial"])
def test_an_overdue_dispute_is_marked_and_goes_up(case_type: str):
    fact = due(case_type=case_type, basis="target" if case_type == "commercial" else "statute")
    decision = run("dispute_deadline", fact)
    assert decision.rules == ("stage_overdue", "overdue_dispute_escalates", "checked")
    assert decision.first("overdue") is True and decision.first("escalate") is True
    assert decision.where("escalate")[0].reason.render() == (
        "The Mediation stage is overdue: the dispute goes up to the one-stop mediation centre."
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"stage": "feedback", "basis": "return_visit"},
        {"case_type": "contract_review", "stage": "reviewing", "basis": "target"},
        {"case_type": "prevention", "stage": "open", "basis": "target"},
    ],
)
def test_a_late_return_visit_review_or_task_is_overdue_but_does_not_go_up(fields):
    decision = run("dispute_deadline", due(**fields))
    assert decision.rules == ("stage_overdue", "checked")


@pytest.mark.parametrize(
    ("days_left", "working_days_left", "warned"),
    [
        (0, 0, True),  # the last day itself
        (1, 1, True),
        (3, 1, True),  # Friday, for Monday: one working day away
        (9, 2, True),  # before a holiday week
        (3, 3, False),
        (4, 3, False),
    ],
)
def test_the_warning_lead_counts_working_days(days_left, working_days_left, warned):
    today = date(2026, 11, 27)
    fact = due(
        today=today,
        due_on=today + timedelta(days=days_left),
        days_left=days_left,
        working_days_left=working_days_left,
    )
    decision = run("dispute_deadline", fact)
    assert ("falls_due_soon" in decision.rules) is warned
    assert "stage_overdue" not in decision.rules and decision.rules[-1] == "checked"
    if warned and days_left == 3:
        assert (
            decision.where("warn")[0]
            .reason.render()
            .startswith("Mediation falls due in 3 days, on")
        )


def test_the_warning_lead_is_a_parameter():
    fact = due(today=date(2026, 11, 27), due_on=date(2026, 12, 2), days_left=5, working_days_left=3)
    assert "falls_due_soon" not in run("dispute_deadline", fact).rules
    assert "falls_due_soon" in run("dispute_deadline", fact, warn_days=3).rules


# --- Deadline helpers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case_type", "stage", "period", "days"),
    [
        ("labour", "mediation", LDMAL_MEDIATION, 15),
        ("labour", "arbitration_application", LDMAL_ACCEPTANCE, 5),
        ("labour", "arbitration_accepted", LDMAL_AWARD, 45),
        ("commercial", "agreement", CPL_JUDICIAL_CONFIRMATION, 30),
    ],
)
def test_stage_deadlines_cite_their_article(case_type, stage, period, days):
    started = date(2026, 9, 30)
    deadline = stage_deadline(case_type, stage, started)
    assert deadline is not None
    assert deadline.period is period and deadline.periods == (period,)
    assert deadline.starts_on == started and deadline.days == days
    assert not deadline.extended
    assert DEADLINES[(case_type, stage)] is period


def test_the_award_period_extends_by_15_days():
    deadline = stage_deadline("labour", "arbitration_accepted", extended=True)
    assert deadline is not None
    assert deadline.periods == (LDMAL_AWARD, LDMAL_AWARD_EXTENSION)
    assert deadline.days == 60 and deadline.extended
    assert deadline.citations == (
        "Labour Dispute Mediation and Arbitration Law art. 43(1)",
        "Labour Dispute Mediation and Arbitration Law art. 43(1)",
    )
    with pytest.raises(ValueError, match="cannot be extended"):
        stage_deadline("labour", "mediation", extended=True)


def test_stages_without_a_statutory_period():
    assert stage_deadline("labour", "intake") is None
    assert stage_deadline("prevention", "open") is None
    with pytest.raises(ValueError):
        stage_deadline("labour", "reviewing")
    # Every period the helper knows is law with an article, in days, months or years.
    for period in DEADLINES.values():
        assert period.article and period.unit in ("days", "months", "years")


def test_limitation_periods():
    labour = limitation_period("labour")
    assert labour is not None and labour.period is LDMAL_LIMITATION
    assert (labour.period.amount, labour.period.unit, labour.period.article) == (1, "years", 27)
    arrears = limitation_period("labour", wage_arrears=True, employment_continuing=True)
    assert arrears is not None and arrears.period is None
    ended = limitation_period("labour", wage_arrears=True)
    assert ended is not None and ended.period is LDMAL_LIMITATION
    assert "employment ended" in ended.runs_from
    commercial = limitation_period("commercial")
    assert commercial is not None and commercial.period is CIVIL_CODE_LIMITATION
    assert (commercial.period.amount, commercial.period.unit) == (3, "years")
    assert commercial.period.citation_zh == "《中华人民共和国民法典》第一百八十八条第一款"
    assert commercial.longest is not None and commercial.longest.amount == 20
    assert limitation_period("contract_review") is None
    with pytest.raises(ValueError):
        limitation_period("criminal")
