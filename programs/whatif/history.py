"""The history a replay runs through: for a ruleset and a period, what the rules were asked.

Most rulesets are replayed from their decision log: every decision that changed data was
stored with the facts the rules saw (a Friday pairing, a booking, a check-up's checklist and
grade), and the period is the day it was decided. Two are not: the loop stores an escalation or
a deadline warning only when one happened, so a draft that would escalate more cases or warn
earlier has nothing logged to replay. Those two are asked again from the cases themselves: each
dispute opened in the period, and each stage it went through, as the daily check saw it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from calendars.workdays import TZ, day_start
from programs.decisions.models import DecisionRecord
from programs.disputes import services as disputes
from programs.disputes.daily import deadline_fact
from programs.disputes.models import DisputeCase

Facts = list[dict[str, Any]]


@dataclass(frozen=True)
class Asked:
    """One question the rules were asked in the period, ready to be asked again.

    `facts(values)` builds the facts for a set of parameter values: the same for every set when
    they come from the log, different when a parameter moves a due day. None: the rules would
    not have been asked at all with these values (a stage with no deadline).
    """

    subject_type: str
    subject_id: int
    on: date
    facts: Callable[[Mapping[str, Any]], Facts | None]
    decision_id: int | None = None  # the logged decision this replays, if there is one
    record: Mapping[str, Any] | None = None  # and that decision as it was logged
    label: str = ""  # what a reader knows the subject by: a case's number, a firm, a school


# The fact fields that name a logged decision's subject, the most telling first.
_NAMES = ("firm", "school", "enterprise", "venue", "consultant")


def _logged(session: Session, ruleset: str, start: date, end: date) -> Iterator[Asked]:
    rows = session.execute(
        select(
            DecisionRecord.id,
            DecisionRecord.subject_type,
            DecisionRecord.subject_id,
            DecisionRecord.created_at,
            DecisionRecord.record,
        )
        .where(
            DecisionRecord.ruleset == ruleset,
            DecisionRecord.created_at >= day_start(start),
            DecisionRecord.created_at < day_start(end + timedelta(days=1)),
        )
        .order_by(DecisionRecord.created_at, DecisionRecord.id)
    )
    for decision_id, subject_type, subject_id, created_at, record in rows:
        facts = [{k: v for k, v in fact.items() if k != "id"} for fact in record["facts"]]
        first = facts[0] if facts else {}
        label = next((str(first[k]) for k in _NAMES if first.get(k)), "")
        yield Asked(
            subject_type or "",
            subject_id or 0,
            _local_day(created_at),
            lambda _values, facts=facts: facts,
            decision_id,
            record,
            label,
        )


def _local_day(at: datetime) -> date:
    if at.tzinfo is None:  # SQLite gives UTC back without its zone
        at = at.replace(tzinfo=UTC)
    return at.astimezone(TZ).date()


def _cases(session: Session, start: date, end: date) -> list[DisputeCase]:
    return list(
        session.scalars(
            select(DisputeCase)
            .where(DisputeCase.opened_on.between(start, end))
            .options(selectinload(DisputeCase.transitions))
            .order_by(DisputeCase.opened_on, DisputeCase.id)
        )
    )


def _escalations(session: Session, start: date, end: date) -> Iterator[Asked]:
    """Every labour or commercial dispute opened in the period, as the rules saw it opened."""
    for case in _cases(session, start, end):
        if case.case_type not in ("labour", "commercial"):
            continue
        first = case.transitions[0].to_stage if case.transitions else case.stage
        fact = {
            "kind": "case",
            "case_type": case.case_type,
            "stage": first,
            "workers": case.workers,
            "amount_claimed": float(case.amount_claimed),
        }
        yield Asked(
            "dispute_cases",
            case.id,
            case.opened_on,
            lambda _v, fact=fact: [fact],
            label=case.number,
        )


def _stints(case: DisputeCase, today: date) -> Iterator[tuple[str, date, date]]:
    """(stage, entered on, last day in it) for every stage the case went through."""
    moves = sorted(case.transitions, key=lambda t: (t.on, t.id))
    for n, move in enumerate(moves):
        if move.to_stage == "closed":
            continue
        left = moves[n + 1].on - timedelta(days=1) if n + 1 < len(moves) else today
        yield move.to_stage, move.on, max(move.on, left)


def _deadline_facts(
    case: DisputeCase, stage: str, entered: date, last: date
) -> Callable[[Mapping[str, Any]], Facts | None]:
    def facts(values: Mapping[str, Any]) -> Facts | None:
        shaped = SimpleNamespace(
            case_type=case.case_type,
            stage=stage,
            stage_entered_on=entered,
            period_extended=case.period_extended,
        )
        due = disputes.stage_due(shaped, dict(values))  # type: ignore[arg-type]
        if due is None:
            return None
        # The daily check last saw the stage on its last day in it, or on the day after its
        # due day when it stayed longer: the day it went overdue.
        seen = min(last, due.due_on + timedelta(days=1))
        return [deadline_fact(case.case_type, stage, due.basis, due.due_on, seen)]

    return facts


def _deadlines(session: Session, start: date, end: date, today: date) -> Iterator[Asked]:
    """Every stage of every dispute opened in the period, on the last day the check saw it."""
    for case in _cases(session, start, end):
        for stage, entered, last in _stints(case, today):
            yield Asked(
                "dispute_cases",
                case.id,
                entered,
                _deadline_facts(case, stage, entered, last),
                label=case.number,
            )


def asked(session: Session, ruleset: str, start: date, end: date, today: date) -> list[Asked]:
    """What the rules of `ruleset` were asked from `start` to `end` (both included)."""
    if ruleset == "dispute_escalation":
        return list(_escalations(session, start, end))
    if ruleset == "dispute_deadline":
        return list(_deadlines(session, start, end, today))
    return list(_logged(session, ruleset, start, end))
