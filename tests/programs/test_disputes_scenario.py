"""The demo town's year of the three-end loop, counted by hand from its scripts.

programs.disputes.demo writes the bearing town's year as pure scripts (`plan`) and plays them
through the real operations. This test replays the same scripts by hand - which moves were made
before the demo's day, where each case stands, which stage has run past its last day - without
asking services or queries, and checks the loop's own figures (queries.loop_figures) and the
cases in the database against that count. Any disagreement is a bug in the player, the
operations, the tick or the figures. The demo's day is the one whose plan opens exactly the cases
the database holds (the fixture loaded it with calendars.today() of its time).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

import rules
from calendars import next_working_day, periods
from calendars import today as shanghai_today
from programs.demo import BEARING_TOWN
from programs.directory.models import Enterprise, Town
from programs.disputes import demo
from programs.disputes.models import DisputeCase
from programs.disputes.queries import loop_figures
from rules.disputes import FRIDAY_TOPICS, INITIAL_STAGES, stage_deadline

DISPUTES = ("labour", "commercial")
SCRIPTED = (*DISPUTES, "contract_review")
# Stages the law gives no period and the centre sets no limit: they wait on a court, a
# tribunal or the coordinator (programs.disputes.services.stage_due says the same).
NO_DEADLINE = ("litigation", "arbitration", "done", "dispute_opened", "closed")
LABOUR_SUIT_PERIOD = 15  # LDMAL arts. 48, 50: after it, the tick moves the award on to feedback


@dataclass
class Played:
    """One script as the demo played it up to the day before `today`, and the tick on `today`."""

    script: demo.Script
    moves: tuple[demo.Move, ...]  # made before today
    visited: bool  # the return visit was recorded
    stage: str = ""
    entered_on: date | None = None
    tick_moved: bool = False  # an award whose suit period ended: moved to feedback today
    stays: list[tuple[str, int]] = field(default_factory=list)  # (stage left, days in it)

    @property
    def case_type(self) -> str:
        return self.script.case_type


def _firms(session) -> list[Enterprise]:
    """The firms `plan` chose from: the bearing town's active firms, by id (as demo.load)."""
    town = session.scalar(select(Town).where(Town.code == BEARING_TOWN))
    return list(
        session.scalars(
            select(Enterprise)
            .where(Enterprise.town_id == town.id, Enterprise.status == "active")
            .order_by(Enterprise.id)
        )
    )


def _replay(scripts: list[demo.Script], today: date) -> list[Played]:
    """Every case the demo opened before `today`, where it stands, and what the tick did."""
    played: list[Played] = []
    pending = list(scripts)
    while pending:
        script = pending.pop(0)
        if script.opened_on >= today:
            continue
        moves = script.moves_until(today)
        visited = False
        if script.visit is not None:
            feedback_on = next(m.on for m in script.moves if m.to_stage == "feedback")
            closed_on = next(m.on for m in script.moves if m.to_stage == "closed")
            assert feedback_on < script.visit[0] < closed_on, script.key
            visited = script.visit[0] < today
        case = Played(script, moves, visited)
        stage, entered = INITIAL_STAGES[script.case_type], script.opened_on
        for move in moves:
            case.stays.append((stage, (move.on - entered).days))
            stage, entered = move.to_stage, move.on
        if script.case_type == "labour" and stage in ("award", "final"):
            due = periods.add_days(entered, LABOUR_SUIT_PERIOD).due_on
            if due < today:
                case.stays.append((stage, (today - entered).days))
                stage, entered, case.tick_moved = "feedback", today, True
        case.stage, case.entered_on = stage, entered
        played.append(case)
        if script.child is not None and any(m.to_stage == "dispute_opened" for m in moves):
            pending.append(script.child)
    return played


def _key(case: Played, firms: list[Enterprise]) -> tuple:
    """A played script as the database knows its case: type, subject, day opened, firm."""
    script = case.script
    return (case.case_type, script.subject, script.opened_on, firms[script.firm % len(firms)].id)


def _row_key(case: DisputeCase) -> tuple:
    return (case.case_type, case.subject, case.opened_on, case.enterprise_id)


def _demo_day(session, firms: list[Enterprise]) -> date:
    """The day the fixture loaded the demo on: the one whose plan is the database's year.

    The database was built earlier in this run, with calendars.today() of then (a run may have
    crossed midnight since), so the few days before today are tried too.
    """
    cases = session.scalars(select(DisputeCase).where(DisputeCase.source != "repeat")).all()
    found = Counter(_row_key(c) for c in cases)
    assert found, "the demo city holds no dispute cases"
    for back in range(4):
        candidate = shanghai_today() - timedelta(days=back)
        played = _replay(demo.plan(candidate, len(firms)), candidate)
        expected = Counter(_key(p, firms) for p in played)
        if expected == found:
            return candidate
        if back == 0:
            differences = (expected - found, found - expected)
    pytest.fail(f"no day of the last four plans the demo's cases; today's plan: {differences}")


def _deadline(case: Played, parameters: dict) -> date | None:
    """The last day of the case's current stage, counted as the law and the centre count."""
    if case.stage in NO_DEADLINE:
        return None
    assert case.entered_on is not None
    statutory = stage_deadline(case.case_type, case.stage)
    if statutory is not None:
        assert statutory.days is not None  # the demo's stages run in days
        return periods.add_days(case.entered_on, statutory.days).due_on
    if case.stage == "feedback":
        if case.visited:
            return None
        return periods.add_days(case.entered_on, parameters["return_visit_days"]).due_on
    return periods.add_days(case.entered_on, parameters["stage_target_days"]).due_on


def _averages(stays: list[tuple[str, int]]) -> dict[str, float]:
    spent: dict[str, list[int]] = defaultdict(list)
    for stage, days in stays:
        spent[stage].append(days)
    return {stage: sum(d) / len(d) for stage, d in spent.items()}


def test_the_demo_year_adds_up_to_the_loops_own_figures(session):
    firms = _firms(session)
    check_year(session, firms, _demo_day(session, firms))


def check_year(session, firms: list[Enterprise], today: date) -> None:
    """The demo loaded on `today`, counted by hand, against the database and loop_figures."""
    played = _replay(demo.plan(today, len(firms)), today)
    parameters = rules.validate_parameters("dispute_deadline", {})
    figures = loop_figures(session, today - timedelta(days=364), today)
    cases = list(session.scalars(select(DisputeCase)))

    # Cases per type: the scripts played, a review's dispute as commercial, and the prevention
    # tasks repeated disputes opened.
    tasks = [c for c in cases if c.source == "repeat"]
    expected_types = Counter(p.case_type for p in played)
    expected_types["prevention"] = len(tasks)
    assert Counter(c.case_type for c in cases) == expected_types
    # Where each case stands and whether its return visit was made (the tick's moves of today
    # included).
    assert Counter(
        (_row_key(c), c.stage, c.return_visit_on) for c in cases if c.source != "repeat"
    ) == Counter(
        (_key(p, firms), p.stage, p.script.visit[0] if p.visited else None) for p in played
    )  # fmt: skip
    assert figures.opened == {t: n for t, n in expected_types.items() if n}

    # Resolved: a dispute when it first reaches feedback, a review when it closes.
    resolved = [
        p
        for p in played
        if p.tick_moved
        or any(m.to_stage == ("closed" if p.case_type == "contract_review" else "feedback")
               for m in p.moves)
    ]  # fmt: skip
    expected_resolved = Counter(p.case_type for p in resolved)
    assert {t: figures.resolved.get(t, 0) for t in SCRIPTED} == {
        t: expected_resolved[t] for t in SCRIPTED
    }
    reviews = [p for p in resolved if p.case_type == "contract_review"]
    recovered = sum(
        (
            m.outcome.get("amount_recovered", Decimal(0))
            + m.outcome.get("loss_avoided", Decimal(0))
            for p in reviews
            for m in p.moves
        ),
        Decimal(0),
    )
    contracts = sum(m.outcome.get("contracts_reviewed", 0) for p in reviews for m in p.moves)
    assert figures.recovered == recovered
    assert figures.contracts_reviewed == contracts

    # Days per stage, keyed by the stage left (prevention tasks' "open" and "done" are not
    # scripted), the tick's moves of today included.
    expected_days = _averages([stay for p in played for stay in p.stays])
    shown = {k: v for k, v in figures.days_per_stage.items() if k not in ("open", "done")}
    assert shown.keys() == expected_days.keys()
    for stage, average in expected_days.items():
        assert shown[stage] == pytest.approx(average, abs=1e-9), stage

    # Overdue now: the open scripted cases past their stage's last day, and any task past the
    # centre's limit (a task's "open" stage has it; "done" waits on the coordinator).
    overdue = [p for p in played if (due := _deadline(p, parameters)) and due < today]
    overdue_tasks = [
        t
        for t in tasks
        if t.stage == "open"
        and periods.add_days(t.stage_entered_on, parameters["stage_target_days"]).due_on < today
    ]
    expected_overdue = len(overdue) + len(overdue_tasks)
    assert figures.overdue_now == expected_overdue
    assert sum(1 for c in cases if c.overdue and c.closed_on is None) == expected_overdue
    assert Counter(_row_key(c) for c in cases if c.overdue and c.source != "repeat") == Counter(
        _key(p, firms) for p in overdue
    )

    # Repeated disputes: a prevention task is opened at a return visit when the firm had enough
    # disputes of the visited case's type and subject in the window before it, unless a task
    # on the topic was still open; and only then.
    feedback = rules.validate_parameters("dispute_feedback", {})
    opened_for = {t.parent_id: t for t in tasks}
    assert len(opened_for) == len(tasks)
    for case in cases:
        if case.case_type not in DISPUTES or case.return_visit_on is None:
            continue
        visit_on = case.return_visit_on
        since = visit_on - timedelta(days=feedback["window_days"])
        similar = sum(
            1
            for c in cases
            if (c.enterprise_id, c.case_type, c.subject)
            == (case.enterprise_id, case.case_type, case.subject)
            and since <= c.opened_on <= visit_on
        )
        topic = FRIDAY_TOPICS[case.case_type]
        task = opened_for.pop(case.id, None)
        # Open on the visit's day: surely (before it, closed after it) or maybe (that day).
        on_topic = [
            t
            for t in tasks
            if t is not task and (t.enterprise_id, t.subject) == (case.enterprise_id, topic)
        ]
        surely = [t for t in on_topic if t.opened_on < visit_on < (t.closed_on or date.max)]
        maybe = [t for t in on_topic if t.opened_on <= visit_on <= (t.closed_on or date.max)]
        if task is not None:
            assert (task.enterprise_id, task.subject, task.opened_on) == (
                case.enterprise_id,
                topic,
                visit_on,
            )
            assert similar >= feedback["repeat_min"] and not surely, case.number
        else:
            assert similar < feedback["repeat_min"] or maybe, case.number
    assert not opened_for, "prevention tasks opened without a return visit"

    # The mediator's "falls due tomorrow": the labour mediation the demo leaves to fall due on
    # the next working day (its only wage-arrears script without a return visit). The
    # tick warns of it when that day is within the warning lead (not on a Friday: Monday is
    # three days away). Others fall due that day only where a holiday ends many periods on it.
    target = next_working_day(today + timedelta(days=1))
    due_next = [
        p
        for p in played
        if p.case_type == "labour" and p.stage == "mediation" and _deadline(p, parameters) == target
    ]
    left = [p for p in played if p.script.visit is None and p.script.subject == "wage_arrears"]
    assert len(left) == 1 and any(p is left[0] for p in due_next)
    found = [
        c
        for c in cases
        if c.case_type == "labour" and c.stage == "mediation" and c.due_on == target
    ]
    assert len(found) == len(due_next)
    warned = today if (target - today).days <= parameters["warn_days"] else None
    assert [c.warned_on for c in found] == [warned] * len(found)
