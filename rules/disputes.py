"""The three-end closed loop (三端闭环): dispute cases, their stages, teams and escalation.

A case is one of four types, each with its own stages; the case's current stage lives in the
database, and these stateless rules decide over facts the application computes from it.

    labour           intake -> mediation -> agreement | arbitration_application
                     -> arbitration_accepted -> award -> final | litigation -> feedback -> closed
    commercial       intake -> mediation -> agreement -> judicial_confirmation | litigation
                     | arbitration (only with an arbitration agreement) -> feedback -> closed
    contract_review  submitted -> reviewing -> findings -> closed | dispute_opened -> closed
    prevention       open -> done -> closed

`TRANSITIONS[case_type][from_stage][to_stage]` is the legal basis of each allowed move (the
statute and article, or "policy" for the loop's own steps); a move that is not in the table is
refused. Some edges of the table are allowed only when the facts say so (labour litigation only
once arbitration has been refused, has not been decided in time or has given an award that is not
final; commercial arbitration only with an arbitration agreement; ...): those conditions are
rules of their own, each naming its article. `DEADLINES` and `stage_deadline` give the statutory
period a stage runs under, `limitation_period` the limitation period of a dispute; counting them
into a calendar date is calendars/' business (`calendars.periods.add_days` etc.).

"dispute_transition": may this case move from its stage to that one? One `transition` fact:

    {"kind": "transition", "case_type": "labour", "from_stage": "mediation",
     "to_stage": "arbitration_application", "days_in_stage": 16, "period_expired": True,
     "mediation_failed": False, "acceptance_refused": False, "award_final_eligible": False,
     "arbitration_agreed": False, "live_dispute": False, "loss_amount": 0.0,
     "loss_evidence": False, "activity_done": False, "manual": False, "reason_given": False,
     "by_role": "mediator"}

    `from_stage` must be a stage of `case_type` (the schema checks it); `to_stage` may be any
    stage code (one of another type is simply not an allowed move). `days_in_stage`: whole days
    since the case entered its stage, for the log. `period_expired`: the statutory period of the
    current stage (`stage_deadline`) has run out, counted by calendars/ (start day not counted,
    a last day off moves to the next working day); False for a stage without one.
    `mediation_failed`: mediation ended without agreement before its period ran out (a party
    withdrew or refused to go on). `acceptance_refused`: the labour arbitration commission
    refused to accept the application. `award_final_eligible`: the award is final under LDMAL
    art. 47. `arbitration_agreed`: the parties of a commercial dispute have a valid arbitration
    agreement. `live_dispute`: a contract review found a dispute that is live now.
    `loss_amount` (yuan) / `loss_evidence`: loss avoided or recovered by a contract review and
    whether it is evidenced. `activity_done`: a prevention task's visit or training took place. `return_visit_done`: the
    return visit (回访) of a resolved dispute was recorded.
    `manual`: a person moves the case outside the ordinary workflow step (a correction or an
    override); `reason_given`: they wrote a reason. `by_role`: who asks ("system" is the
    scheduled tick, which never moves a case manually). Optional outcome fields default to
    False / 0. `table` is NOT given by the caller: the schema derives it from TRANSITIONS
    ("allowed", "explained" or "refused"), because the whole table does not fit in one
    durable_rules condition (error 113, too many tests in one rule); the fact recorded in the
    decision shows it.

    Every refusing rule that applies fires (`{"refused": True}`), then `checked` (always):
        not_an_allowed_transition, arbitration_first, mediation_period_running,
        acceptance_pending, award_pending, award_not_final, award_is_final, suit_period_passed,
        no_arbitration_agreement, arbitration_agreement_bars_suit, confirmation_period_passed,
        no_live_dispute, live_dispute_must_be_opened, loss_without_evidence,
        no_visit_or_training, no_return_visit, manual_needs_reason, closing_needs_coordinator; checked.
    Labour litigation straight from intake, mediation or an agreement is refused by
    `arbitration_first` alone (not also by `not_an_allowed_transition`).

"dispute_team": which of the three teams takes the case? One `case` fact `{"kind": "case",
    "case_type": "labour"}`; exactly one rule fires, with `{"team": ...}`:
    labour_to_professional_mediation, commercial_to_industry_mediation, legal_service_team.

"dispute_escalation": does the case go up to the one-stop mediation centre (上联下调)? One
    `case` fact:

        {"kind": "case", "case_type": "labour", "stage": "mediation", "workers": 12,
         "amount_claimed": 180000.0}

    `workers`: the workers on the claiming side (0 for a commercial case); `amount_claimed`: the
    total claimed, in yuan. Only labour and commercial disputes that are not closed escalate;
    each cause that applies fires once with `{"escalate": True}`: collective_dispute,
    large_amount; then `checked` (always, `{"checked": True}`). A dispute whose stage is overdue
    goes up too, decided with its deadline (dispute_deadline, overdue_dispute_escalates).

Beware `any_of`: durable_rules fires a rule once for EVERY branch of a disjunction that holds,
so each `any_of` (and `one_of`) here has branches that exclude one another, and a test checks
that no rule fires twice on one fact.

Citations marked (*) in the table were written from memory, not checked against the statute
text: People's Mediation Law arts. 17, 26, 28, 31-33; Arbitration Law arts. 4, 5, 9 (numbering of
the 1994 law as amended in 2017); LDMAL arts. 7, 10, 15. The others are in rules.statutes or
Civil Code art. 188.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from rules import registry
from rules.conditions import all_of, gt, gte, lt, lte, ne, one_of, param, when
from rules.errors import RulesetError
from rules.facts import FactKind, FactSchema, Field
from rules.messages import N_, Reason, nested
from rules.parameters import ParameterSpec
from rules.ruleset import Match, Outcome, Ruleset
from rules.statutes import (
    CIVIL_CODE,  # defined in rules.statutes, re-exported here
    CPL_JUDICIAL_CONFIRMATION,
    LDMAL_ACCEPTANCE,
    LDMAL_AWARD,
    LDMAL_AWARD_EXTENSION,
    LDMAL_LIMITATION,
    LDMAL_MEDIATION,
    LDMAL_SUIT_AFTER_AWARD,
    LDMAL_WORKER_SUIT_AFTER_FINAL_AWARD,
    StatutoryPeriod,
)

__all__ = [
    "ALL_STAGES",
    "BASIS_NAMES",
    "CASE_TYPES",
    "CIVIL_CODE",
    "CIVIL_CODE_LIMITATION",
    "CIVIL_CODE_LONGEST_PROTECTION",
    "DEADLINES",
    "DEADLINE_BASES",
    "DISPUTE_TYPES",
    "FRIDAY_TOPICS",
    "INITIAL_STAGES",
    "ROLES",
    "ROLE_NAMES",
    "STAGES",
    "STAGE_NAMES",
    "SUBJECTS",
    "SUBJECT_NAMES",
    "TEAMS",
    "TEAM_NAMES",
    "TRANSITIONS",
    "TYPE_NAMES",
    "Limitation",
    "StageDeadline",
    "allowed_targets",
    "dispute_deadline",
    "dispute_escalation",
    "dispute_feedback",
    "dispute_team",
    "dispute_transition",
    "limitation_period",
    "stage_deadline",
]

# --- Case types, stages, the transition table ---------------------------------------------------

CASE_TYPES = ("labour", "commercial", "contract_review", "prevention")
DISPUTE_TYPES = ("labour", "commercial")

# What a dispute is about, by type; each subject has the Friday topic (a problem category of
# the Friday Law Service Day) that a follow-up on it is about.
SUBJECTS: Mapping[str, tuple[str, ...]] = {
    "labour": ("wage_arrears", "dismissal", "work_injury", "social_insurance", "overtime", "other"),
    "commercial": ("sales", "supply", "payment", "other"),
    "contract_review": ("sales", "supply", "employment", "lease", "other"),
    "prevention": ("labour", "contracts", "other"),
}
SUBJECT_NAMES: Mapping[str, str] = {
    "wage_arrears": N_("Wage arrears"),
    "dismissal": N_("Dismissal"),
    "work_injury": N_("Work injury"),
    "social_insurance": N_("Social insurance"),
    "overtime": N_("Overtime and rest"),
    "sales": N_("Sales contract"),
    "supply": N_("Supply contract"),
    "payment": N_("Payment for goods"),
    "employment": N_("Employment contract"),
    "lease": N_("Lease"),
    "labour": N_("Labour and employment"),
    "contracts": N_("Contracts"),
    "other": N_("Other"),
}
FRIDAY_TOPICS: Mapping[str, str] = {
    "labour": "labour",
    "commercial": "contracts",
    "contract_review": "contracts",
}

TYPE_NAMES: Mapping[str, str] = {
    "labour": N_("Labour dispute"),
    "commercial": N_("Commercial dispute"),
    "contract_review": N_("Contract review"),
    "prevention": N_("Prevention task"),
}

STAGE_NAMES: Mapping[str, str] = {
    "intake": N_("Intake"),
    "mediation": N_("Mediation"),
    "agreement": N_("Mediation agreement"),
    "arbitration_application": N_("Arbitration applied for"),
    "arbitration_accepted": N_("Arbitration accepted"),
    "award": N_("Arbitral award"),
    "final": N_("Final award"),
    "judicial_confirmation": N_("Judicial confirmation"),
    "arbitration": N_("Arbitration"),
    "litigation": N_("Litigation"),
    "feedback": N_("Feedback visit"),
    "closed": N_("Closed"),
    "submitted": N_("Submitted"),
    "reviewing": N_("Under review"),
    "findings": N_("Findings"),
    "dispute_opened": N_("Dispute case opened"),
    "open": N_("Open"),
    "done": N_("Visit or training done"),
}

# TRANSITIONS[case_type][from_stage][to_stage] = the legal basis of the move. "policy": a step of
# the three-end loop itself (the feedback visit, closing), not of a statute. (*): from memory.
TRANSITIONS: Mapping[str, Mapping[str, Mapping[str, str]]] = {
    "labour": {
        "intake": {
            # Mediation is voluntary (art. 5); a party applies to a mediation organisation.
            "mediation": "LDMAL art. 5, art. 10 (*)",
            # A party unwilling to mediate may apply for arbitration directly.
            "arbitration_application": "LDMAL art. 5",
            # Withdrawn, or not a dispute after all.
            "closed": "policy",
        },
        "mediation": {
            "agreement": "LDMAL art. 14(1)",
            # No agreement within 15 days, or mediation failed: mediation_period_running.
            "arbitration_application": "LDMAL art. 14(3), art. 5",
        },
        "agreement": {
            # Performed: the loop closes with the feedback visit.
            "feedback": "LDMAL art. 14(2)",
            # Not performed within the time agreed: arbitration.
            "arbitration_application": "LDMAL art. 15 (*)",
            # An agreement reached before a lawfully established mediation organisation (the
            # one-stop centre's people's mediation committee) may be confirmed by the court,
            # jointly applied for within 30 days: confirmation_period_passed.
            "judicial_confirmation": "Civil Procedure Law art. 205; People's Mediation Law "
            "art. 33 (*)",
        },
        "judicial_confirmation": {
            # Confirmed: enforceable, performed.
            "feedback": "Civil Procedure Law art. 206 (*)",
            # Rejected: the worker applies for arbitration (arbitration comes before a suit).
            "arbitration_application": "Civil Procedure Law art. 206 (*); LDMAL art. 5",
        },
        "arbitration_application": {
            "arbitration_accepted": "LDMAL art. 29",
            # Only if refused or not decided within 5 days: acceptance_pending.
            "litigation": "LDMAL art. 29",
        },
        "arbitration_accepted": {
            "award": "LDMAL art. 43(1)",
            # Only if no award within 45 (+15) days: award_pending.
            "litigation": "LDMAL art. 43(1)",
        },
        "award": {
            # Only for the awards art. 47 makes final: award_not_final.
            "final": "LDMAL art. 47",
            # Only against an award that is not final, within 15 days: award_is_final,
            # suit_period_passed.
            "litigation": "LDMAL art. 50",
            # Neither party sued within 15 days: the award took effect and is performed.
            "feedback": "LDMAL art. 50",
        },
        "final": {
            # The worker may sue within 15 days (suit_period_passed). An employer's application
            # to set the award aside (art. 49) is not a stage of this table.
            "litigation": "LDMAL art. 48",
            "feedback": "LDMAL art. 47",
        },
        "litigation": {"feedback": "policy"},
        "feedback": {"closed": "policy"},
        "closed": {},
    },
    "commercial": {
        "intake": {
            "mediation": "People's Mediation Law art. 17 (*)",
            # Only with an arbitration agreement: no_arbitration_agreement.
            "arbitration": "Arbitration Law art. 4 (*)",
            # Mediation is voluntary; not with an arbitration agreement:
            # arbitration_agreement_bars_suit.
            "litigation": "Arbitration Law art. 5 (*)",
            "closed": "policy",
        },
        "mediation": {
            "agreement": "People's Mediation Law art. 28 (*)",
            # Mediation failed: the parties are told of arbitration and litigation.
            "arbitration": "People's Mediation Law art. 26 (*); Arbitration Law art. 4 (*)",
            "litigation": "People's Mediation Law art. 26 (*)",
        },
        "agreement": {
            # Within 30 days of the agreement taking effect: confirmation_period_passed.
            "judicial_confirmation": "Civil Procedure Law art. 205; People's Mediation Law "
            "art. 33 (*)",
            # Performed: the loop closes with the feedback visit.
            "feedback": "People's Mediation Law art. 31 (*)",
            # A dispute over its performance or content.
            "litigation": "People's Mediation Law art. 32 (*)",
            "arbitration": "People's Mediation Law art. 32 (*); Arbitration Law art. 4 (*)",
        },
        "judicial_confirmation": {
            # Confirmed: enforceable, performed.
            "feedback": "Civil Procedure Law art. 206 (*)",
            # Rejected: the parties mediate again, or sue.
            "mediation": "Civil Procedure Law art. 206 (*)",
            "litigation": "Civil Procedure Law art. 206 (*)",
        },
        # An award is final (一裁终局).
        "arbitration": {"feedback": "Arbitration Law art. 9 (*)"},
        "litigation": {"feedback": "policy"},
        "feedback": {"closed": "policy"},
        "closed": {},
    },
    "contract_review": {
        "submitted": {"reviewing": "policy"},
        "reviewing": {"findings": "policy"},
        "findings": {
            # Loopholes fixed, loss avoided or recovered (with evidence), no live dispute.
            "closed": "policy",
            # A live dispute found: a labour or commercial case is opened.
            "dispute_opened": "policy",
        },
        "dispute_opened": {"closed": "policy"},
        "closed": {},
    },
    "prevention": {
        # From a check-up finding, a repeated dispute or a coordinator's decision.
        "open": {"done": "policy"},
        "done": {"closed": "policy"},
        "closed": {},
    },
}

STAGES: Mapping[str, tuple[str, ...]] = {
    case_type: tuple(table) for case_type, table in TRANSITIONS.items()
}
INITIAL_STAGES: Mapping[str, str] = {case_type: stages[0] for case_type, stages in STAGES.items()}
ALL_STAGES = tuple(STAGE_NAMES)

# Moves left out of the table whose refusal a rule of its own explains (instead of
# not_an_allowed_transition): labour litigation before arbitration.
_EXPLAINED: Mapping[tuple[str, str], tuple[str, ...]] = {
    ("labour", "intake"): ("litigation",),
    ("labour", "mediation"): ("litigation",),
    ("labour", "agreement"): ("litigation",),
    ("labour", "judicial_confirmation"): ("litigation",),
}

ROLES = ("coordinator", "mediator", "consultant", "firm", "system")
ROLE_NAMES: Mapping[str, str] = {
    "coordinator": N_("a coordinator"),
    "mediator": N_("a mediator"),
    "consultant": N_("a legal consultant"),
    "firm": N_("the firm"),
    "system": N_("the scheduled check"),
}

TEAMS = ("professional_mediation", "industry_mediation", "precise_legal_service")
TEAM_NAMES: Mapping[str, str] = {
    "professional_mediation": N_("Professional mediation team"),
    "industry_mediation": N_("Industry mediation team"),
    "precise_legal_service": N_("Precise legal-service team"),
}


def _check_table() -> None:
    """Every stage of the table is named and every target is a stage of the same type."""
    for case_type, table in TRANSITIONS.items():
        for source, targets in table.items():
            if source not in STAGE_NAMES:
                raise RulesetError(f"{case_type}: stage {source!r} has no name")
            for target in (*targets, *_EXPLAINED.get((case_type, source), ())):
                if target not in table:
                    raise RulesetError(f"{case_type}: {source!r} -> {target!r}: no such stage")
            if set(targets) & set(_EXPLAINED.get((case_type, source), ())):
                raise RulesetError(f"{case_type}: {source!r}: a move both allowed and explained")


_check_table()


def allowed_targets(case_type: str, from_stage: str) -> tuple[str, ...]:
    """The stages the table lets a case of this type move to from this stage."""
    return tuple(TRANSITIONS[case_type][from_stage])


def _sources(case_type: str, to_stage: str) -> tuple[str, ...]:
    """The stages from which the table allows a move to `to_stage`."""
    return tuple(s for s, targets in TRANSITIONS[case_type].items() if to_stage in targets)


def _stage(code: str) -> dict[str, Any]:
    return nested(STAGE_NAMES[code])


def _type(code: str) -> dict[str, Any]:
    return nested(TYPE_NAMES[code])


# --- Statutory periods and limitation (pure helpers) --------------------------------------------

CIVIL_CODE_LIMITATION = StatutoryPeriod(
    amount=3,
    unit="years",
    statute=CIVIL_CODE,
    article=188,
    paragraph=1,
    summary=N_(
        "The limitation period for asking a court to protect a civil right is three years from "
        "the day the holder knew or should have known of the harm and of the person liable."
    ),
)
CIVIL_CODE_LONGEST_PROTECTION = StatutoryPeriod(
    amount=20,
    unit="years",
    statute=CIVIL_CODE,
    article=188,
    paragraph=2,
    summary=N_(
        "A court does not protect a right harmed more than twenty years ago, save in special "
        "circumstances where it extends the period."
    ),
)

# The statutory period each stage runs under, from the day the case entered it. A stage not
# listed has none (the centre's own targets are not law: they make `overdue` in escalation).
DEADLINES: Mapping[tuple[str, str], StatutoryPeriod] = {
    ("labour", "mediation"): LDMAL_MEDIATION,  # art. 14(3): 15 days, then arbitration
    ("labour", "arbitration_application"): LDMAL_ACCEPTANCE,  # art. 29: 5 days to accept
    ("labour", "arbitration_accepted"): LDMAL_AWARD,  # art. 43(1): 45 days (+15)
    ("labour", "award"): LDMAL_SUIT_AFTER_AWARD,  # art. 50: 15 days to sue
    ("labour", "final"): LDMAL_WORKER_SUIT_AFTER_FINAL_AWARD,  # art. 48: 15 days to sue
    ("labour", "agreement"): CPL_JUDICIAL_CONFIRMATION,  # CPL art. 205: 30 days to apply
    ("commercial", "agreement"): CPL_JUDICIAL_CONFIRMATION,  # art. 205: 30 days
}
EXTENSIONS: Mapping[tuple[str, str], StatutoryPeriod] = {
    ("labour", "arbitration_accepted"): LDMAL_AWARD_EXTENSION,  # art. 43(1): at most 15 days
}


@dataclass(frozen=True)
class StageDeadline:
    """A stage's statutory period(s) and the day it runs from; calendars/ finds the last day.

    `periods` holds the period and, when extended, the extension, which runs on from it (all in
    days where there are two). `days` is their sum when every period is in days.
    """

    case_type: str
    stage: str
    starts_on: date | None
    periods: tuple[StatutoryPeriod, ...]

    @property
    def period(self) -> StatutoryPeriod:
        """The stage's own period (without the extension)."""
        return self.periods[0]

    @property
    def extended(self) -> bool:
        return len(self.periods) > 1

    @property
    def days(self) -> int | None:
        """The total length in days, or None when a period is in months or years."""
        if all(p.unit == "days" for p in self.periods):
            return sum(p.amount for p in self.periods)
        return None

    @property
    def citations(self) -> tuple[str, ...]:
        """Each period's citation, e.g. ("Labour Dispute ... Law art. 43(1)", ...)."""
        return tuple(f"{p.statute.name_en} {p.citation}" for p in self.periods)


def stage_deadline(
    case_type: str, stage: str, starts_on: date | None = None, *, extended: bool = False
) -> StageDeadline | None:
    """The statutory period the stage runs under, from `starts_on`; None if the law sets none.

    `extended`: the period was extended as the law allows (only the labour award period, LDMAL
    art. 43(1)); ValueError for a stage that cannot be extended, or a stage the type lacks.
    """
    if case_type not in STAGES or stage not in STAGES[case_type]:
        raise ValueError(f"{case_type!r} has no stage {stage!r}")
    period = DEADLINES.get((case_type, stage))
    extension = EXTENSIONS.get((case_type, stage))
    if extended and extension is None:
        raise ValueError(f"the period of {case_type!r} stage {stage!r} cannot be extended")
    if period is None:
        return None
    periods = (period, extension) if extended and extension is not None else (period,)
    return StageDeadline(case_type, stage, starts_on, periods)


@dataclass(frozen=True)
class Limitation:
    """A dispute's limitation period, and from when it runs (a message id).

    `period` is None while it does not run (wage arrears during employment, LDMAL art. 27(4)).
    `longest` is the outer limit that no interruption extends, where the law sets one.
    """

    period: StatutoryPeriod | None
    runs_from: str
    longest: StatutoryPeriod | None = None


def limitation_period(
    case_type: str, *, wage_arrears: bool = False, employment_continuing: bool = False
) -> Limitation | None:
    """The limitation period of a dispute; None for a case type that is not a dispute.

    Labour: one year from the day the worker knew or should have known of the infringement
    (LDMAL art. 27(1)); wage arrears claimed while employment continues are not bound by it,
    and run one year from the day employment ends (art. 27(4)). Commercial: three years from the
    day the holder knew or should have known of the harm and the person liable, and never more
    than twenty years from the harm (Civil Code art. 188).
    """
    if case_type == "labour":
        if wage_arrears and employment_continuing:
            return Limitation(
                None,
                N_("Wage arrears: not limited while employment lasts; one year from its end."),
            )
        if wage_arrears:
            return Limitation(LDMAL_LIMITATION, N_("From the day employment ended."))
        return Limitation(
            LDMAL_LIMITATION,
            N_("From the day the worker knew or should have known of the infringement."),
        )
    if case_type == "commercial":
        return Limitation(
            CIVIL_CODE_LIMITATION,
            N_("From the day the firm knew or should have known of the harm and who is liable."),
            CIVIL_CODE_LONGEST_PROTECTION,
        )
    if case_type in CASE_TYPES:
        return None
    raise ValueError(f"unknown case type {case_type!r}")


# --- dispute_transition --------------------------------------------------------------------------


def _check_stage(field: str, fact: Mapping[str, Any]) -> Iterator[tuple[str, Reason]]:
    """The stage must be one of the case type's own stages."""
    if fact[field] not in STAGES[fact["case_type"]]:
        yield (
            field,
            Reason(
                N_("{field} is {value}, which is not a stage of a {case_type}."),
                {"field": field, "value": fact[field], "case_type": _type(fact["case_type"])},
            ),
        )


def _table_says(fact: Mapping[str, Any]) -> str:
    """What the table says of the move: "allowed", "explained" (a rule of its own refuses it and
    says why) or "refused"."""
    case_type, source, target = fact["case_type"], fact["from_stage"], fact["to_stage"]
    if target in TRANSITIONS[case_type].get(source, {}):
        return "allowed"
    if target in _EXPLAINED.get((case_type, source), ()):
        return "explained"
    return "refused"


def _check_transition(fact: dict[str, Any]) -> Iterator[tuple[str, Reason]]:
    """The from_stage is the type's own; `table` is derived here from TRANSITIONS."""
    problems = list(_check_stage("from_stage", fact))
    yield from problems
    if problems:
        return
    says = _table_says(fact)
    if fact["table"] not in ("", says):
        yield (
            "table",
            Reason(
                N_("{field} is derived from the table of stages; leave it out."),
                {"field": "table"},
            ),
        )
    fact["table"] = says
    if fact["manual"] and fact["by_role"] == "system":
        yield (
            "manual",
            Reason(
                N_("{field} is true, but the scheduled check never moves a case by hand."),
                {"field": "manual"},
            ),
        )


dispute_transition = Ruleset(
    "dispute_transition",
    "2026.2",
    FactSchema(
        FactKind(
            "transition",
            Field("case_type", str, choices=CASE_TYPES),
            Field("from_stage", str, choices=ALL_STAGES),
            Field("to_stage", str, choices=ALL_STAGES),
            Field("days_in_stage", int, min=0, max=36_500),
            Field("period_expired", bool, required=False, default=False),
            Field("mediation_failed", bool, required=False, default=False),
            Field("acceptance_refused", bool, required=False, default=False),
            Field("award_final_eligible", bool, required=False, default=False),
            Field("arbitration_agreed", bool, required=False, default=False),
            Field("live_dispute", bool, required=False, default=False),
            Field("loss_amount", float, required=False, default=0.0, min=0, max=1e12),
            Field("loss_evidence", bool, required=False, default=False),
            Field("activity_done", bool, required=False, default=False),
            Field("return_visit_done", bool, required=False, default=False),
            Field("manual", bool),
            Field("reason_given", bool),
            Field("by_role", str, choices=ROLES),
            # Derived by the schema (_check_transition) from TRANSITIONS: the engine cannot hold
            # the whole table in one condition (durable_rules' limit on the tests of one rule).
            Field(
                "table",
                str,
                required=False,
                default="",
                choices=("", "allowed", "explained", "refused"),
            ),
            check=_check_transition,
        ),
        max_facts=1,
    ),
    description=N_("Moving a dispute, contract review or prevention case to another stage"),
)

_MOVE: dict[str, Any] = {
    "kind": "transition",
    "case_type": "labour",
    "from_stage": "intake",
    "to_stage": "mediation",
    "days_in_stage": 1,
    "manual": False,
    "reason_given": False,
    "by_role": "mediator",
}


def _refused(msgid: str, params: Mapping[str, Any]) -> Outcome:
    return {"refused": True}, Reason(msgid, params)


@dispute_transition.rule(
    when("transition", table="refused"),
    priority=10,
    examples=[
        {**_MOVE, "to_stage": "award"},
        {**_MOVE, "case_type": "prevention", "from_stage": "closed", "to_stage": "open"},
        {**_MOVE, "case_type": "commercial", "to_stage": "final"},
        {**_MOVE, "from_stage": "mediation", "to_stage": "mediation"},
    ],
)
def not_an_allowed_transition(match: Match) -> Outcome:
    """Each type of case moves only along its own table of stages (TRANSITIONS, each move with
    the article it comes from): any other move is refused, naming the moves that are allowed."""
    fact = match.fact
    targets = allowed_targets(fact["case_type"], fact["from_stage"])
    params = {
        "case_type": _type(fact["case_type"]),
        "source": _stage(fact["from_stage"]),
        "target": _stage(fact["to_stage"]),
    }
    if not targets:
        return _refused(
            N_("A {case_type} cannot move from {source} to {target}: {source} is its last stage."),
            params,
        )
    return _refused(
        N_(
            "A {case_type} cannot move from {source} to {target}; from {source} it may move to: "
            "{allowed}."
        ),
        {**params, "allowed": [_stage(s) for s in targets]},
    )


@dispute_transition.rule(
    when(
        "transition",
        one_of("from_stage", ("intake", "mediation", "agreement", "judicial_confirmation")),
        case_type="labour",
        to_stage="litigation",
    ),
    priority=20,
    examples=[
        {**_MOVE, "to_stage": "litigation"},
        {**_MOVE, "from_stage": "agreement", "to_stage": "litigation"},
    ],
)
def arbitration_first(match: Match) -> Outcome:
    """A labour dispute goes to arbitration before it goes to court: a party that does not want
    mediation, or whose mediation fails, applies for arbitration, and only a party who disagrees
    with the award sues (LDMAL art. 5)."""
    return _refused(
        N_(
            "A labour dispute is arbitrated before it goes to court (Labour Dispute Mediation and "
            "Arbitration Law art. 5); from {source}, apply for arbitration first."
        ),
        {"source": _stage(match.fact["from_stage"])},
    )


@dispute_transition.rule(
    when(
        "transition",
        case_type="labour",
        from_stage="mediation",
        to_stage="arbitration_application",
        period_expired=False,
        mediation_failed=False,
    ),
    priority=30,
    examples=[{**_MOVE, "from_stage": "mediation", "to_stage": "arbitration_application"}],
)
def mediation_period_running(match: Match) -> Outcome:
    """Labour mediation gets its 15 days: the case goes on to arbitration when no agreement is
    reached within 15 days of the application, or earlier when mediation has failed (a party
    withdrew or refused to go on) (LDMAL art. 14(3), art. 5)."""
    return _refused(
        N_(
            "Mediation has run {days} days of its {period} days and has not failed; the case "
            "goes to arbitration when no agreement is reached in time or a party ends the "
            "mediation (Labour Dispute Mediation and Arbitration Law art. 14)."
        ),
        {"days": match.fact["days_in_stage"], "period": LDMAL_MEDIATION.amount},
    )


@dispute_transition.rule(
    when(
        "transition",
        case_type="labour",
        from_stage="arbitration_application",
        to_stage="litigation",
        acceptance_refused=False,
        period_expired=False,
    ),
    priority=40,
    examples=[{**_MOVE, "from_stage": "arbitration_application", "to_stage": "litigation"}],
)
def acceptance_pending(match: Match) -> Outcome:
    """The worker may sue instead only when the arbitration commission refuses the application
    or does not decide within 5 days whether to accept it (LDMAL art. 29)."""
    return _refused(
        N_(
            "The arbitration commission has {period} days to decide whether to accept the "
            "application, and it has neither refused nor run out of time; the case goes to court "
            "only then (Labour Dispute Mediation and Arbitration Law art. 29)."
        ),
        {"period": LDMAL_ACCEPTANCE.amount},
    )


@dispute_transition.rule(
    when(
        "transition",
        case_type="labour",
        from_stage="arbitration_accepted",
        to_stage="litigation",
        period_expired=False,
    ),
    priority=50,
    examples=[{**_MOVE, "from_stage": "arbitration_accepted", "to_stage": "litigation"}],
)
def award_pending(match: Match) -> Outcome:
    """Once arbitration is accepted, the tribunal has 45 days (extendable by 15) for its award;
    a party sues before the award only when that time has run out (LDMAL art. 43(1))."""
    return _refused(
        N_(
            "The arbitral tribunal has {period} days, extendable by {extension}, to make its "
            "award, and the time has not run out; wait for the award (Labour Dispute Mediation "
            "and Arbitration Law art. 43)."
        ),
        {"period": LDMAL_AWARD.amount, "extension": LDMAL_AWARD_EXTENSION.amount},
    )


@dispute_transition.rule(
    when(
        "transition",
        case_type="labour",
        from_stage="award",
        to_stage="final",
        award_final_eligible=False,
    ),
    priority=60,
    examples=[{**_MOVE, "from_stage": "award", "to_stage": "final"}],
)
def award_not_final(match: Match) -> Outcome:
    """Only the awards the law makes final are recorded as final: claims each not above 12
    months of the local minimum wage, and disputes on working time, rest, leave and social
    insurance (LDMAL art. 47)."""
    return _refused(
        N_(
            "This award is not one the law makes final (Labour Dispute Mediation and Arbitration "
            "Law art. 47); a party who disagrees may sue within {period} days (art. 50)."
        ),
        {"period": LDMAL_SUIT_AFTER_AWARD.amount},
    )


@dispute_transition.rule(
    when(
        "transition",
        case_type="labour",
        from_stage="award",
        to_stage="litigation",
        award_final_eligible=True,
    ),
    priority=61,
    examples=[
        {**_MOVE, "from_stage": "award", "to_stage": "litigation", "award_final_eligible": True}
    ],
)
def award_is_final(match: Match) -> Outcome:
    """A final award is recorded as final first (LDMAL art. 47); from there only the worker may
    sue (art. 48), while the employer may only apply to have it set aside (art. 49)."""
    return _refused(
        N_(
            "This award is final (Labour Dispute Mediation and Arbitration Law art. 47): record "
            "it as final; only the worker may then sue, within {period} days (art. 48)."
        ),
        {"period": LDMAL_WORKER_SUIT_AFTER_FINAL_AWARD.amount},
    )


@dispute_transition.rule(
    when(
        "transition",
        one_of("from_stage", ("award", "final")),
        case_type="labour",
        to_stage="litigation",
        period_expired=True,
    ),
    priority=62,
    examples=[
        {**_MOVE, "from_stage": "award", "to_stage": "litigation", "period_expired": True},
        {**_MOVE, "from_stage": "final", "to_stage": "litigation", "period_expired": True},
    ],
)
def suit_period_passed(match: Match) -> Outcome:
    """A suit against an award is brought within 15 days of receiving it; after that the award
    has taken legal effect (LDMAL art. 48 for a final award, art. 50 for any other)."""
    final = match.fact["from_stage"] == "final"
    period = LDMAL_WORKER_SUIT_AFTER_FINAL_AWARD if final else LDMAL_SUIT_AFTER_AWARD
    return _refused(
        N_(
            "The {period} days to sue against the award have passed, and the award has taken "
            "legal effect (Labour Dispute Mediation and Arbitration Law art. {article})."
        ),
        {
            "period": period.amount,
            "article": period.article,
        },
    )


@dispute_transition.rule(
    when(
        "transition",
        one_of("from_stage", _sources("commercial", "arbitration")),
        case_type="commercial",
        to_stage="arbitration",
        arbitration_agreed=False,
    ),
    priority=70,
    examples=[{**_MOVE, "case_type": "commercial", "to_stage": "arbitration"}],
)
def no_arbitration_agreement(match: Match) -> Outcome:
    """Firms go to arbitration only if both agreed to it: without an arbitration agreement the
    arbitration commission does not accept the case (Arbitration Law art. 4)."""
    return _refused(
        N_(
            "The firms have no arbitration agreement, so the dispute cannot go to arbitration "
            "(Arbitration Law art. 4); it goes to court, or the firms first agree to arbitrate."
        ),
        {},
    )


@dispute_transition.rule(
    when(
        "transition",
        one_of("from_stage", _sources("commercial", "litigation")),
        case_type="commercial",
        to_stage="litigation",
        arbitration_agreed=True,
    ),
    priority=71,
    examples=[
        {
            **_MOVE,
            "case_type": "commercial",
            "to_stage": "litigation",
            "arbitration_agreed": True,
        }
    ],
)
def arbitration_agreement_bars_suit(match: Match) -> Outcome:
    """Firms that agreed to arbitrate settle their dispute by arbitration: the court does not
    accept a suit unless the arbitration agreement is invalid (Arbitration Law art. 5)."""
    return _refused(
        N_(
            "The firms agreed to arbitrate, so a court will not accept the dispute unless the "
            "arbitration agreement is invalid (Arbitration Law art. 5); go to arbitration."
        ),
        {},
    )


@dispute_transition.rule(
    when(
        "transition",
        one_of("case_type", DISPUTE_TYPES),
        from_stage="agreement",
        to_stage="judicial_confirmation",
        period_expired=True,
    ),
    priority=80,
    examples=[
        {
            **_MOVE,
            "case_type": "commercial",
            "from_stage": "agreement",
            "to_stage": "judicial_confirmation",
            "period_expired": True,
        }
    ],
)
def confirmation_period_passed(match: Match) -> Outcome:
    """Judicial confirmation of a mediation agreement is applied for jointly within 30 days of
    the agreement taking effect (Civil Procedure Law art. 205)."""
    return _refused(
        N_(
            "Judicial confirmation must be applied for within {period} days of the mediation "
            "agreement taking effect (Civil Procedure Law art. 205), and that time has passed."
        ),
        {"period": CPL_JUDICIAL_CONFIRMATION.amount},
    )


_REVIEW: dict[str, Any] = {
    **_MOVE,
    "case_type": "contract_review",
    "from_stage": "findings",
    "by_role": "coordinator",
}


@dispute_transition.rule(
    when(
        "transition",
        case_type="contract_review",
        from_stage="findings",
        to_stage="dispute_opened",
        live_dispute=False,
    ),
    priority=90,
    examples=[{**_REVIEW, "to_stage": "dispute_opened"}],
)
def no_live_dispute(match: Match) -> Outcome:
    """A contract review opens a dispute case only when it found a live dispute (three-end loop:
    prevention hands over to mediation)."""
    return _refused(
        N_("The review found no live dispute, so no dispute case is opened; close the review."),
        {},
    )


@dispute_transition.rule(
    when(
        "transition",
        case_type="contract_review",
        from_stage="findings",
        to_stage="closed",
        live_dispute=True,
    ),
    priority=91,
    examples=[{**_REVIEW, "to_stage": "closed", "live_dispute": True}],
)
def live_dispute_must_be_opened(match: Match) -> Outcome:
    """A review that found a live dispute is not simply closed: it opens a dispute case, so that
    the dispute is mediated (three-end loop)."""
    return _refused(
        N_("The review found a live dispute: open a dispute case for it before closing."),
        {},
    )


@dispute_transition.rule(
    when(
        "transition",
        gt("loss_amount", 0),
        case_type="contract_review",
        from_stage="findings",
        to_stage="closed",
        loss_evidence=False,
    ),
    priority=92,
    examples=[{**_REVIEW, "to_stage": "closed", "loss_amount": 20000.0}],
)
def loss_without_evidence(match: Match) -> Outcome:
    """A loss avoided or recovered is counted only with evidence on file (a settlement, a
    receipt, the amended contract), since the loop's results are reported (policy)."""
    return _refused(
        N_(
            "A loss of {amount} yuan avoided or recovered is recorded without evidence; attach "
            "the evidence, or record no amount."
        ),
        {"amount": match.fact["loss_amount"]},
    )


@dispute_transition.rule(
    when(
        "transition",
        case_type="prevention",
        from_stage="open",
        to_stage="done",
        activity_done=False,
    ),
    priority=93,
    examples=[{**_MOVE, "case_type": "prevention", "from_stage": "open", "to_stage": "done"}],
)
def no_visit_or_training(match: Match) -> Outcome:
    """A prevention task is done when its visit or training has taken place (three-end loop:
    the feedback goes back into prevention)."""
    return _refused(
        N_("No visit or training of this prevention task has taken place yet; record it first."),
        {},
    )


@dispute_transition.rule(
    when(
        "transition",
        one_of("case_type", DISPUTE_TYPES),
        from_stage="feedback",
        to_stage="closed",
        return_visit_done=False,
    ),
    priority=94,
    examples=[{**_MOVE, "from_stage": "feedback", "to_stage": "closed", "by_role": "coordinator"}],
)
def no_return_visit(match: Match) -> Outcome:
    """A resolved dispute closes after its return visit (回访): the visit is the feedback that
    returns the loop to prevention."""
    return _refused(
        N_("The return visit to the parties has not been recorded yet; record it, then close."),
        {},
    )


@dispute_transition.rule(
    when("transition", manual=True, reason_given=False),
    priority=100,
    examples=[{**_MOVE, "manual": True, "by_role": "coordinator"}],
)
def manual_needs_reason(match: Match) -> Outcome:
    """Whoever moves a case by hand writes down why, so that the case history explains every
    move (tracking and supervision, 跟踪督办)."""
    return _refused(
        N_("A case moved by hand needs a reason; write down why it moves to {target}."),
        {"target": _stage(match.fact["to_stage"])},
    )


@dispute_transition.rule(
    when("transition", ne("by_role", "coordinator"), to_stage="closed"),
    priority=110,
    examples=[
        {
            **_MOVE,
            "from_stage": "feedback",
            "to_stage": "closed",
            "by_role": "mediator",
        }
    ],
)
def closing_needs_coordinator(match: Match) -> Outcome:
    """A coordinator closes a case, after the feedback and effectiveness review (反馈问效) that
    closes the loop."""
    return _refused(
        N_("A coordinator closes a case; {by} cannot close it."),
        {"by": nested(ROLE_NAMES[match.fact["by_role"]])},
    )


@dispute_transition.rule(
    when("transition"),
    priority=1000,
    examples=[_MOVE, {**_MOVE, "to_stage": "final"}],
)
def checked(match: Match) -> Outcome:
    """Every move is checked against all the rules above; this records what was checked. It
    fires for every move, refused or not: the verdict is whether any rule refused."""
    fact = match.fact
    return {"checked": True}, Reason(
        N_(
            "Checked the move of a {case_type} from {source} to {target} by {by}, after {days} days "
            "in the stage."
        ),
        {
            "case_type": _type(fact["case_type"]),
            "source": _stage(fact["from_stage"]),
            "target": _stage(fact["to_stage"]),
            "by": nested(ROLE_NAMES[fact["by_role"]]),
            "days": fact["days_in_stage"],
        },
    )


registry.register(dispute_transition)


# --- dispute_team --------------------------------------------------------------------------------

dispute_team = Ruleset(
    "dispute_team",
    "2026.1",
    FactSchema(FactKind("case", Field("case_type", str, choices=CASE_TYPES)), max_facts=1),
    description=N_("Which team of the three-end loop takes a case"),
)


def _team(team: str, case_type: str) -> Outcome:
    return {"team": team}, Reason(
        N_("The {team} takes this {case_type}."),
        {"team": nested(TEAM_NAMES[team]), "case_type": _type(case_type)},
    )


@dispute_team.rule(
    when("case", case_type="labour"),
    priority=10,
    examples=[{"kind": "case", "case_type": "labour"}],
)
def labour_to_professional_mediation(match: Match) -> Outcome:
    """Labour disputes go to the professional mediation team, which serves the workers (专业调解
    为民; the three-end loop)."""
    return _team("professional_mediation", match.fact["case_type"])


@dispute_team.rule(
    when("case", case_type="commercial"),
    priority=20,
    examples=[{"kind": "case", "case_type": "commercial"}],
)
def commercial_to_industry_mediation(match: Match) -> Outcome:
    """Disputes between firms (sales, supply, payment) go to the industry mediation team (行业调
    处利企; the three-end loop)."""
    return _team("industry_mediation", match.fact["case_type"])


@dispute_team.rule(
    when("case", one_of("case_type", ("contract_review", "prevention"))),
    priority=30,
    examples=[
        {"kind": "case", "case_type": "contract_review"},
        {"kind": "case", "case_type": "prevention"},
    ],
)
def legal_service_team(match: Match) -> Outcome:
    """Contract reviews, advice and prevention visits or training go to the precise legal-service
    team (精准法律服务; the three-end loop)."""
    return _team("precise_legal_service", match.fact["case_type"])


registry.register(dispute_team)


# --- dispute_escalation --------------------------------------------------------------------------


def _check_case(fact: dict[str, Any]) -> Iterator[tuple[str, Reason]]:
    yield from _check_stage("stage", fact)


dispute_escalation = Ruleset(
    "dispute_escalation",
    "2026.2",
    FactSchema(
        FactKind(
            "case",
            Field("case_type", str, choices=CASE_TYPES),
            Field("stage", str, choices=ALL_STAGES),
            Field("workers", int, min=0, max=1_000_000),
            Field("amount_claimed", float, min=0, max=1e12),
            check=_check_case,
        ),
        max_facts=1,
    ),
    parameters=[
        ParameterSpec(
            "collective_workers_min",
            int,
            10,
            min=2,
            max=1000,
            unit=N_("workers"),
            label=N_("Collective labour dispute from"),
            help=N_(
                "A labour dispute with at least this many workers on the claiming side is "
                "collective and goes up to the one-stop mediation centre. Ten follows the Labour "
                "Dispute Mediation and Arbitration Law (art. 7), which lets ten or more workers "
                "act through representatives."
            ),
        ),
        ParameterSpec(
            "amount_threshold",
            int,
            500_000,
            min=1,
            max=1_000_000_000,
            unit=N_("yuan"),
            label=N_("Escalate from this amount claimed"),
            help=N_(
                "A dispute claiming at least this amount goes up to the one-stop mediation "
                "centre for joint assessment."
            ),
        ),
    ],
    description=N_("Escalating disputes to the one-stop mediation centre"),
)

_CASE: dict[str, Any] = {
    "kind": "case",
    "case_type": "labour",
    "stage": "mediation",
    "workers": 1,
    "amount_claimed": 20000.0,
}


def _live_dispute() -> dict[str, Any]:
    """A labour or commercial dispute that is not closed (one_of: exclusive branches)."""
    return all_of(one_of("case_type", DISPUTE_TYPES), ne("stage", "closed"))


def _escalate(msgid: str, params: Mapping[str, Any]) -> Outcome:
    return {"escalate": True}, Reason(msgid, params)


@dispute_escalation.rule(
    when(
        "case",
        gte("workers", param("collective_workers_min")),
        ne("stage", "closed"),
        case_type="labour",
    ),
    priority=10,
    examples=[{**_CASE, "workers": 10}],
)
def collective_dispute(match: Match) -> Outcome:
    """A collective labour dispute (10 or more workers, the parameter; LDMAL art. 7) goes up to
    the one-stop mediation centre for joint assessment (上联下调)."""
    return _escalate(
        N_(
            "{workers} workers are on the claiming side, at least {min}: a collective dispute "
            "goes up to the one-stop mediation centre."
        ),
        {"workers": match.fact["workers"], "min": match.params["collective_workers_min"]},
    )


@dispute_escalation.rule(
    when("case", gte("amount_claimed", param("amount_threshold")), _live_dispute()),
    priority=20,
    examples=[
        {**_CASE, "amount_claimed": 500000.0},
        {**_CASE, "case_type": "commercial", "workers": 0, "amount_claimed": 2000000.0},
    ],
)
def large_amount(match: Match) -> Outcome:
    """A dispute over a large amount (from the parameter) goes up to the one-stop mediation
    centre for joint assessment (上联下调)."""
    return _escalate(
        N_(
            "{amount} yuan is claimed, at least {threshold}: the dispute goes up to the "
            "one-stop mediation centre."
        ),
        {"amount": match.fact["amount_claimed"], "threshold": match.params["amount_threshold"]},
    )


@dispute_escalation.rule(
    when("case"), name="checked", priority=1000, examples=[_CASE, {**_CASE, "stage": "closed"}]
)
def escalation_checked(match: Match) -> Outcome:
    """Every case is checked for the causes above; this records what was checked. It fires for
    every case, escalated or not."""
    fact = match.fact
    params = {
        "case_type": _type(fact["case_type"]),
        "stage": _stage(fact["stage"]),
        "workers": fact["workers"],
        "amount": fact["amount_claimed"],
    }
    return {"checked": True}, Reason(
        N_(
            "Checked the {case_type} at {stage} for escalation: {workers} workers, {amount} "
            "yuan claimed."
        ),
        params,
    )


registry.register(dispute_escalation)

# Reasons that decisions stored under earlier versions of these rulesets carry (2026.1 checked
# the overdue stage in dispute_escalation): kept in the catalogue, so that an old decision's
# "why" still reads in the user's language.
EARLIER_REASONS = (
    N_(
        "Checked the {case_type} at {stage} for escalation: {workers} workers, {amount} yuan "
        "claimed, the stage overdue."
    ),
    N_(
        "Checked the {case_type} at {stage} for escalation: {workers} workers, {amount} yuan "
        "claimed, the stage on time."
    ),
)


# --- dispute_deadline ----------------------------------------------------------------------------

DEADLINE_BASES = ("statute", "return_visit", "target")
BASIS_NAMES: Mapping[str, str] = {
    "statute": N_("the statutory period"),
    "return_visit": N_("the return-visit period"),
    "target": N_("the centre's own time limit"),
}


def _check_deadline(fact: dict[str, Any]) -> Iterator[tuple[str, Reason]]:
    yield from _check_stage("stage", fact)


dispute_deadline = Ruleset(
    "dispute_deadline",
    "2026.2",
    FactSchema(
        FactKind(
            "deadline",
            Field("case_type", str, choices=CASE_TYPES),
            Field("stage", str, choices=ALL_STAGES),
            Field("basis", str, choices=DEADLINE_BASES),
            Field("due_on", date),
            Field("today", date),
            Field("days_left", int, min=-36_500, max=36_500),
            Field("working_days_left", int, min=0, max=36_500),
            check=_check_deadline,
        ),
        max_facts=1,
    ),
    parameters=[
        ParameterSpec(
            "warn_days",
            int,
            2,
            min=0,
            max=30,
            unit=N_("working days"),
            label=N_("Warn this many working days before a stage falls due"),
            help=N_(
                "The mediator in charge is told when a stage's last day is this many working "
                "days away or closer, so a deadline after a weekend or a holiday is warned of "
                "before it. The statutory periods themselves are law and cannot be changed here."
            ),
        ),
        ParameterSpec(
            "return_visit_days",
            int,
            15,
            min=1,
            max=180,
            unit=N_("days"),
            label=N_("Return visit within"),
            help=N_(
                "After a dispute is resolved, the feedback visit (回访) to the parties takes "
                "place within this many days."
            ),
        ),
        ParameterSpec(
            "stage_target_days",
            int,
            30,
            min=1,
            max=365,
            unit=N_("days"),
            label=N_("The centre's time limit for a stage without a statutory period"),
            help=N_(
                "Intake, commercial mediation, a contract review or a prevention task that has "
                "stayed this long in one stage is overdue and is supervised."
            ),
        ),
    ],
    description=N_("Warning before a case's stage falls due, and marking it overdue"),
)

_DUE: dict[str, Any] = {
    "kind": "deadline",
    "case_type": "labour",
    "stage": "mediation",
    "basis": "statute",
    "due_on": date(2026, 10, 8),
    "today": date(2026, 10, 7),
    "days_left": 1,
    "working_days_left": 1,
}


def _due_params(fact: Mapping[str, Any]) -> dict[str, Any]:
    """The stage, its due day and the basis of the deadline (with the article when statutory)."""
    params: dict[str, Any] = {
        "stage": _stage(fact["stage"]),
        "due": fact["due_on"],
        "basis": nested(BASIS_NAMES[fact["basis"]]),
        "days": abs(fact["days_left"]),
    }
    deadline = stage_deadline(fact["case_type"], fact["stage"])
    if fact["basis"] == "statute" and deadline is not None:
        params["basis"] = nested(
            N_("{statute} art. {article}"),
            statute=nested(deadline.period.statute.name_en),
            article=deadline.period.article,
        )
    return params


@dispute_deadline.rule(
    when("deadline", lt("days_left", 0)),
    priority=10,
    examples=[{**_DUE, "days_left": -1, "working_days_left": 0, "today": date(2026, 10, 9)}],
)
def stage_overdue(match: Match) -> Outcome:
    """A stage whose last day has passed is overdue: the case goes on the coordinators'
    supervision list (跟踪督办); a dispute also goes up (overdue_dispute_escalates)."""
    return {"overdue": True}, Reason(
        N_("{stage} was due on {due} under {basis}: {days} days overdue."), _due_params(match.fact)
    )


@dispute_deadline.rule(
    when(
        "deadline",
        lt("days_left", 0),
        one_of("case_type", DISPUTE_TYPES),
        ne("stage", "feedback"),
    ),
    priority=15,
    examples=[
        {**_DUE, "days_left": -1, "working_days_left": 0, "today": date(2026, 10, 9)},
        {
            **_DUE,
            "case_type": "commercial",
            "stage": "intake",
            "basis": "target",
            "days_left": -3,
            "working_days_left": 0,
            "today": date(2026, 10, 11),
        },
    ],
)
def overdue_dispute_escalates(match: Match) -> Outcome:
    """A labour or commercial dispute whose stage is overdue goes up to the one-stop mediation
    centre, which tracks and supervises it (跟踪督办). A late return visit does not: the dispute
    is resolved, and the visit is the centre's own work, on the supervision list as overdue."""
    return {"escalate": True}, Reason(
        N_("The {stage} stage is overdue: the dispute goes up to the one-stop mediation centre."),
        {"stage": _stage(match.fact["stage"])},
    )


@dispute_deadline.rule(
    when("deadline", gte("days_left", 0), lte("working_days_left", param("warn_days"))),
    priority=20,
    examples=[
        _DUE,
        {**_DUE, "days_left": 0, "working_days_left": 0, "today": date(2026, 10, 8)},
        {**_DUE, "due_on": date(2026, 11, 30), "today": date(2026, 11, 27), "days_left": 3},
    ],
)
def falls_due_soon(match: Match) -> Outcome:
    """The mediator in charge is warned when a stage's last day is near, counted in working days
    (the lead time is a parameter; the statutory period itself is not): on a Friday a deadline
    on Monday is one working day away."""
    params = _due_params(match.fact)
    if match.fact["days_left"] == 0:
        return {"warn": True}, Reason(N_("{stage} falls due today ({due}) under {basis}."), params)
    if match.fact["days_left"] == 1:
        return {"warn": True}, Reason(
            N_("{stage} falls due tomorrow ({due}) under {basis}."), params
        )
    return {"warn": True}, Reason(
        N_("{stage} falls due in {days} days, on {due}, under {basis}."), params
    )


@dispute_deadline.rule(
    when("deadline"), name="checked", priority=1000, examples=[{**_DUE, "days_left": 10}]
)
def deadline_checked(match: Match) -> Outcome:
    """Every deadline is checked for the two cases above; this records what was checked."""
    return {"checked": True}, Reason(
        N_("Checked {stage}, due on {due} under {basis}: {days} days from today."),
        _due_params(match.fact),
    )


registry.register(dispute_deadline)


# --- dispute_feedback ----------------------------------------------------------------------------

dispute_feedback = Ruleset(
    "dispute_feedback",
    "2026.1",
    FactSchema(
        FactKind(
            "history",
            Field("case_type", str, choices=DISPUTE_TYPES),
            Field("subject", str, choices=tuple(SUBJECT_NAMES)),
            Field("similar_cases", int, min=1, max=1_000_000),
            Field("prevention_open", bool),
        ),
        max_facts=1,
    ),
    parameters=[
        ParameterSpec(
            "repeat_min",
            int,
            2,
            min=2,
            max=50,
            unit=N_("cases"),
            label=N_("Repeated disputes from"),
            help=N_(
                "A firm with at least this many disputes of one kind within the window below "
                "gets a prevention task and a Friday follow-up visit on that topic."
            ),
        ),
        ParameterSpec(
            "window_days",
            int,
            365,
            min=30,
            max=1825,
            unit=N_("days"),
            label=N_("Counting disputes over"),
            help=N_("Disputes opened within this many days before the feedback visit count."),
        ),
    ],
    description=N_("Feedback that returns to prevention: repeated disputes of one kind"),
)

_HISTORY: dict[str, Any] = {
    "kind": "history",
    "case_type": "labour",
    "subject": "wage_arrears",
    "similar_cases": 2,
    "prevention_open": False,
}


def _history_params(fact: Mapping[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "count": fact["similar_cases"],
        "case_type": _type(fact["case_type"]),
        "subject": nested(SUBJECT_NAMES[fact["subject"]]),
        "days": params["window_days"],
    }


@dispute_feedback.rule(
    when("history", gte("similar_cases", param("repeat_min")), prevention_open=False),
    priority=10,
    examples=[_HISTORY],
)
def repeated_disputes(match: Match) -> Outcome:
    """A firm with repeated disputes of one kind gets a prevention task and a Friday follow-up
    visit on that topic: the feedback end of the loop returns to prevention (三端闭环)."""
    return {"prevention": True, "topic": FRIDAY_TOPICS[match.fact["case_type"]]}, Reason(
        N_(
            "This firm has had {count} disputes of one kind ({case_type}: {subject}) in {days} "
            "days: a prevention task and a Friday follow-up visit on the topic are opened."
        ),
        _history_params(match.fact, match.params),
    )


@dispute_feedback.rule(
    when("history", gte("similar_cases", param("repeat_min")), prevention_open=True),
    priority=20,
    examples=[{**_HISTORY, "prevention_open": True}],
)
def prevention_under_way(match: Match) -> Outcome:
    """A prevention task already open for the firm and topic is not opened twice."""
    return {"prevention": False}, Reason(
        N_(
            "This firm has had {count} disputes of one kind ({case_type}: {subject}) in {days} "
            "days, and a prevention task on it is already open."
        ),
        _history_params(match.fact, match.params),
    )


@dispute_feedback.rule(
    when("history"), name="checked", priority=1000, examples=[{**_HISTORY, "similar_cases": 1}]
)
def feedback_checked(match: Match) -> Outcome:
    """Every feedback visit checks the firm's history for repeated disputes."""
    return {"checked": True}, Reason(
        N_(
            "Checked the firm's disputes of this kind ({case_type}: {subject}): {count} in "
            "{days} days."
        ),
        _history_params(match.fact, match.params),
    )


registry.register(dispute_feedback)
