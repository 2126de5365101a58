"""The loop's daily run (the tick): time-driven rules, without anyone clicking.

1. An award nobody sued against within the period has taken effect: the case moves on to its
   return visit (LDMAL arts. 48, 50), moved by the scheduled check with the rule recorded.
2. A stage whose last day is near is warned of once (dispute_deadline, falls_due_soon).
3. A stage whose last day has passed is marked overdue once, and dispute_escalation looks at the
   case again.

A second run the same day changes nothing. After an outage the first run may find tens of
thousands of cases due; they share a few hundred distinct facts (type, stage, basis, due day), so
each decision is made once per fact and applied to its cases by set-based statements, and every
case still gets its own decision entry with the facts the rules saw. People get one digest each,
not one message per case.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Row, func, or_, select, tuple_, update
from sqlalchemy.orm import Session

import rules
from calendars import is_working_day
from programs import audit
from programs.accounts.models import User
from programs.decisions import services as decisions
from programs.disputes import services
from programs.disputes.models import DisputeCase
from programs.i18n import N_
from programs.notifications.services import notify

log = logging.getLogger(__name__)

CHUNK = 1000  # ids per IN (...) list
DIGEST_NUMBERS = 20  # case numbers named in one message


@dataclass
class TickCounts:
    moved: int = 0
    warned: int = 0
    overdue: int = 0
    escalated: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "moved": self.moved,
            "warned": self.warned,
            "overdue": self.overdue,
            "escalated": self.escalated,
        }


class _Decider:
    """The run's decisions, each made once per distinct facts: the rules are pure."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._made: dict[tuple[Any, ...], rules.Decision] = {}

    def decide(self, ruleset: str, fact: dict[str, Any]) -> rules.Decision:
        key = (ruleset, *sorted(fact.items()))
        if key not in self._made:
            self._made[key] = rules.decide(
                ruleset, [fact], parameters=decisions.live_parameters(self._session, ruleset)
            )
        return self._made[key]


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def tick(session: Session, today: date) -> TickCounts:
    """Run the loop's time-driven rules for `today` (see the module's description)."""
    counts = TickCounts()
    decider = _Decider(session)
    moved = _expire_awards(session, today, decider, counts)
    session.flush()
    in_session = _cases_in_session(session)  # the awards just moved, and what callers hold
    warned, overdue = _mark_deadlines(session, today, decider, in_session, counts)
    _escalate(session, today, overdue, in_session, counts)
    _tell(session, moved, warned, overdue)
    return counts


# --- 1. Awards that took effect ---------------------------------------------------------------


def _expire_awards(
    session: Session, today: date, decider: _Decider, counts: TickCounts
) -> list[DisputeCase]:
    awards = session.scalars(
        select(DisputeCase)
        .where(
            DisputeCase.closed_on.is_(None),
            DisputeCase.stage.in_(("award", "final")),
            DisputeCase.due_on < today,
        )
        .order_by(DisputeCase.id)
    ).all()
    moved = []
    for award in awards:
        (fact,) = services.transition_facts(
            award, "feedback", today=today, by_role="system", manual=False, reason_given=False
        )
        decision = decider.decide("dispute_transition", fact)
        if decision.is_refused:  # the rules keep it where it is; a person will look at it
            log.warning("case %s: the award's move to feedback was refused", award.number)
            continue
        record = decisions.log(session, decision, subject=award, flush=False)
        services.enter_stage(
            session, award, "feedback", today=today, actor=None, reason="", record=record
        )
        if services.check_escalation(session, award, today=today, announce=False, batched=True):
            counts.escalated += 1
        moved.append(award)
    counts.moved = len(moved)
    return moved


# --- 2 and 3. Deadlines near and past ---------------------------------------------------------

# What the run reads back from the rows it marks: enough to escalate and to tell people.
_MARKED = (DisputeCase.id, DisputeCase.number, DisputeCase.assignee_id, DisputeCase.escalated)


@dataclass(frozen=True)
class _Marked:
    """A case the run warned of or marked overdue, and the decision that did it."""

    row: Row[Any]
    decision: rules.Decision


def working_days_left(today: date, due_on: date) -> int:
    """Working days after today up to and including the due day: 1 on a Friday for a Monday
    deadline, 0 on the day itself or after it."""
    days = min(max(0, (due_on - today).days), 36_500)
    return sum(is_working_day(today + timedelta(days=n)) for n in range(1, days + 1))


def warning_horizon(today: date, warn_days: int) -> date:
    """The last day whose deadline is at most `warn_days` working days away."""
    day, seen = today, 0
    while True:
        following = day + timedelta(days=1)
        if is_working_day(following):
            if seen == warn_days:
                return day
            seen += 1
        day = following


def deadline_fact(
    case_type: str, stage: str, basis: str, due_on: date, today: date
) -> dict[str, Any]:
    """The fact dispute_deadline decides over: the same for every case of that type and stage
    whose stage falls due that day."""
    return {
        "kind": "deadline",
        "case_type": case_type,
        "stage": stage,
        "basis": basis,
        "due_on": due_on,
        "today": today,
        "days_left": max(-36_500, min(36_500, (due_on - today).days)),
        "working_days_left": working_days_left(today, due_on),
    }


_KEY = (DisputeCase.case_type, DisputeCase.stage, DisputeCase.due_basis, DisputeCase.due_on)
KEYS_PER_UPDATE = 400


def _mark_deadlines(
    session: Session,
    today: date,
    decider: _Decider,
    in_session: dict[int, DisputeCase],
    counts: TickCounts,
) -> tuple[list[_Marked], list[_Marked]]:
    """Decide once per (type, stage, basis, due day) the pending cases share, then mark the
    cases of all the keys with the same outcome in a few UPDATE … RETURNING statements."""
    parameters = services.deadline_parameters(session)
    horizon = warning_horizon(today, parameters["warn_days"])
    pending = (
        DisputeCase.closed_on.is_(None),
        DisputeCase.due_on.is_not(None),
        DisputeCase.due_on <= horizon,
        or_(
            DisputeCase.warned_on.is_(None),
            (DisputeCase.due_on < today) & DisputeCase.overdue.is_(False),
        ),
    )
    keys = [tuple(key) for key in session.execute(select(*_KEY).where(*pending).distinct())]
    decided = {key: decider.decide("dispute_deadline", deadline_fact(*key, today)) for key in keys}
    overdue = _mark(
        session,
        decided,
        [key for key, d in decided.items() if d.first("overdue")],
        [DisputeCase.overdue.is_(False)],
        {"overdue": True, "warned_on": func.coalesce(DisputeCase.warned_on, today)},
        in_session,
    )
    warned = _mark(
        session,
        decided,
        [key for key, d in decided.items() if not d.first("overdue") and d.first("warn")],
        [DisputeCase.warned_on.is_(None)],
        {"warned_on": today},
        in_session,
    )
    counts.overdue = len(overdue)
    counts.warned = len(warned)
    return warned, overdue


def _mark(
    session: Session,
    decided: dict[tuple[Any, ...], rules.Decision],
    keys: list[tuple[Any, ...]],
    where: list[Any],
    values: dict[str, Any],
    in_session: dict[int, DisputeCase],
) -> list[_Marked]:
    """Set `values` on the open cases of `keys` that `where` still holds for; each marked case
    gets its key's decision logged against it."""
    marked: list[_Marked] = []
    for start in range(0, len(keys), KEYS_PER_UPDATE):
        rows = session.execute(
            update(DisputeCase)
            .where(
                tuple_(*_KEY).in_(keys[start : start + KEYS_PER_UPDATE]),
                DisputeCase.closed_on.is_(None),
                *where,
            )
            .values(**values)
            .returning(*_MARKED, *_KEY),
            execution_options={"synchronize_session": False},
        ).all()
        marked.extend(_Marked(row, decided[tuple(row[-len(_KEY) :])]) for row in rows)
    by_decision: dict[int, tuple[rules.Decision, list[int]]] = {}
    for item in marked:
        by_decision.setdefault(id(item.decision), (item.decision, []))[1].append(item.row.id)
    for decision, ids in by_decision.values():
        decisions.log_many(session, decision, DisputeCase, ids)
    _expire(session, in_session, [item.row.id for item in marked], values)
    return marked


def _cases_in_session(session: Session) -> dict[int, DisputeCase]:
    return {
        case.id: case
        for case in list(session.identity_map.values())
        if isinstance(case, DisputeCase)
    }


def _expire(
    session: Session, in_session: dict[int, DisputeCase], ids: Iterable[int], values: dict[str, Any]
) -> None:
    """Cases already in the session read the values a set-based UPDATE wrote from the database
    (SQLAlchemy's own synchronisation left a date it set unchanged in the object)."""
    for case_id in ids:
        case = in_session.get(case_id)
        if case is not None:
            session.expire(case, list(values))


def _escalate(
    session: Session,
    today: date,
    overdue: list[_Marked],
    in_session: dict[int, DisputeCase],
    counts: TickCounts,
) -> None:
    """Overdue disputes go up to the one-stop centre, as their deadline decision said (the
    decision already logged against each case is the reason)."""
    ids = [
        item.row.id
        for item in overdue
        if not item.row.escalated and item.decision.first("escalate")
    ]
    values = {"escalated": True, "escalated_on": today}
    for chunk in _chunks(ids):
        session.execute(
            update(DisputeCase).where(DisputeCase.id.in_(chunk)).values(**values),
            execution_options={"synchronize_session": False},
        )
    _expire(session, in_session, ids, values)
    audit.record_many(session, "dispute_case.escalated", DisputeCase, ids)
    counts.escalated += len(ids)


# --- Telling people ---------------------------------------------------------------------------


def _numbers(numbers: Sequence[str]) -> str:
    listed = "、".join(numbers[:DIGEST_NUMBERS])
    return listed + ("……" if len(numbers) > DIGEST_NUMBERS else "")


def _by_assignee(items: Iterable[Any], assignee_of: Any) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for item in items:
        if assignee_of(item):
            grouped[assignee_of(item)].append(item)
    return grouped


def _tell(
    session: Session, moved: list[DisputeCase], warned: list[_Marked], overdue: list[_Marked]
) -> None:
    """One message per person and kind: a case named alone, or a digest of the case numbers."""
    for assignee_id, cases in _by_assignee(moved, lambda c: c.assignee_id).items():
        user = session.get(User, assignee_id)
        if len(cases) == 1:
            notify(
                session,
                user,
                N_("Case {number} moved to a new stage"),
                N_("The case {number} moved from one stage to the next; open it to see why."),
                {"number": cases[0].number},
                link=f"/disputes/{cases[0].id}",
            )
        else:
            notify(
                session,
                user,
                N_("{count} of your cases moved on to the return visit"),
                N_(
                    "No party sued within the period, so these awards took effect and the cases "
                    "wait for their return visit: {numbers}."
                ),
                {"count": len(cases), "numbers": _numbers([c.number for c in cases])},
                link="/disputes/",
            )
    for assignee_id, items in _by_assignee(warned, lambda w: w.row.assignee_id).items():
        user = session.get(User, assignee_id)
        if len(items) == 1:
            (item,) = items
            fired = next(f for f in item.decision.fired if f.outcome.get("warn"))
            reason = fired.reason.to_record()
            notify(
                session,
                user,
                N_("Case {number}: a deadline is near"),
                reason["msgid"],
                {**reason["params"], "number": item.row.number},
                link=f"/disputes/{item.row.id}",
            )
        else:
            notify(
                session,
                user,
                N_("{count} of your cases fall due soon"),
                N_("These cases reach the last day of their stage soon: {numbers}."),
                {"count": len(items), "numbers": _numbers([w.row.number for w in items])},
                link="/disputes/",
            )
    if not overdue:
        return
    for user in services.coordinators(session):
        notify(
            session,
            user,
            N_("{count} cases became overdue"),
            N_("{count} cases passed their stage's last day; see the supervision list."),
            {"count": len(overdue)},
            link="/disputes/supervision",
        )
    for assignee_id, items in _by_assignee(overdue, lambda m: m.row.assignee_id).items():
        notify(
            session,
            session.get(User, assignee_id),
            N_("{count} of your cases became overdue"),
            N_("Cases overdue: {numbers}."),
            {"count": len(items), "numbers": _numbers([m.row.number for m in items])},
            link="/disputes/",
        )


# --- Holiday data changed ---------------------------------------------------------------------


def refresh_deadlines(session: Session, start_on: date, end_on: date) -> int:
    """Recount the deadlines of open cases whose stage began in a window (holiday data for
    those days changed): returns how many cases' due day moved."""
    parameters = services.deadline_parameters(session)
    changed = 0
    for case in session.scalars(
        select(DisputeCase).where(
            DisputeCase.closed_on.is_(None),
            DisputeCase.due_on.is_not(None),
            DisputeCase.due_on >= start_on,
            DisputeCase.stage_entered_on <= end_on,
        )
    ):
        due = services.stage_due(case, parameters)
        if due is not None and due.due_on != case.due_on:
            case.due_on = due.due_on
            case.overdue = False
            case.warned_on = None
            changed += 1
    return changed
