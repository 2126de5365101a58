"""The planner on the demo city: the spring term's schools due are all placed, every placement
passes the rules when applied, and each visit says why it is where it is."""

from datetime import date

import pytest
from sqlalchemy import select

from programs.accounts.models import User
from programs.decisions.models import DecisionRecord
from programs.errors import Conflict
from programs.study_tours import planner
from programs.study_tours.models import SchoolPlan, Visit
from programs.study_tours.terms import Term

TODAY = date(2026, 11, 28)
SPRING = Term(2026, "spring")


@pytest.fixture
def coordinator(session):
    return session.scalar(select(User).where(User.username == "coordinator"))


def test_every_school_due_in_the_spring_is_placed_and_applied(session, coordinator):
    due = planner.schools_due(session, SPRING)
    assert len(due) > 30
    draft = planner.run(session, coordinator, SPRING, TODAY)
    metrics = draft.result["metrics"]
    assert metrics["schools_due"] == len(due)
    assert metrics["unplaced"] == 0 and draft.result["shortfall"] is None
    assert draft.provisional  # the spring of 2027: the holiday arrangement is not out yet
    applied = planner.apply(session, coordinator, draft.id, TODAY)
    assert applied.created == len(due) and applied.skipped == []
    visits = session.scalars(
        select(Visit).where(Visit.source == "planner", Visit.status == "draft")
    ).all()
    assert {v.school_id for v in visits} == {d.school.id for d in due}
    why = session.scalars(
        select(DecisionRecord).where(
            DecisionRecord.subject_id == visits[0].id, DecisionRecord.subject_type == "visits"
        )
    ).all()
    assert {r.ruleset for r in why} == {"calendar", "study_visit", "study_planner"}
    assert not any(r.refused for r in why)
    with pytest.raises(Conflict):
        planner.apply(session, coordinator, draft.id, TODAY)


def test_a_second_run_replaces_the_first_runs_drafts_and_shows_what_moves(session, coordinator):
    first = planner.run(session, coordinator, SPRING, TODAY)
    planner.apply(session, coordinator, first.id, TODAY)
    school_id = first.result["placements"][0]["school_id"]
    plan = session.scalar(
        select(SchoolPlan).where(SchoolPlan.school_id == school_id, SchoolPlan.school_year == 2026)
    )
    plan.preferred_months = [6]  # the school now wants June
    session.flush()
    second = planner.run(session, coordinator, SPRING, TODAY)
    changes = {p["school_id"]: p["change"] for p in second.result["placements"]}
    assert changes[school_id] == "moves"
    assert "same" in changes.values()
    applied = planner.apply(session, coordinator, second.id, TODAY)
    assert applied.replaced == len(first.result["placements"])
    live = session.scalars(
        select(Visit).where(Visit.school_id == school_id, Visit.status == "draft")
    ).all()
    assert len(live) == 1 and live[0].session.on.month == 6


def test_the_coordinator_chooses_the_term_others_are_split_evenly(session):
    uncovered = planner.schools_due(session, SPRING)  # spring: every school still uncovered
    autumn = {d.school.id for d in planner.schools_due(session, Term(2026, "autumn"))}
    assert 0.4 <= len(autumn) / len(uncovered) <= 0.6  # about half, when nobody chose
    chosen = next(d.school for d in uncovered if d.school.id in autumn)
    plan = session.scalar(
        select(SchoolPlan).where(SchoolPlan.school_id == chosen.id, SchoolPlan.school_year == 2026)
    )
    plan.term = "spring"
    session.flush()
    assert chosen.id not in {
        d.school.id for d in planner.schools_due(session, Term(2026, "autumn"))
    }
    assert chosen.id in {d.school.id for d in planner.schools_due(session, SPRING)}


def test_a_term_the_base_cannot_hold_gets_an_honest_shortfall(session, coordinator):
    from programs.calendar import services as calendar_services

    calendar_services.add_closure(
        session,
        coordinator,
        calendar_services.ClosureInput(
            scope="all_schools",
            scope_id=None,
            kind="vacation",
            starts_on=date(2027, 3, 8),
            ends_on=date(2027, 7, 10),
            reason="test: schools out from March",
        ),
    )
    due = planner.schools_due(session, SPRING)
    draft = planner.run(session, coordinator, SPRING, TODAY)
    result = draft.result
    unplaced = sorted(u["school_id"] for u in result["unplaced"])
    shortfall = result["shortfall"]
    assert unplaced and shortfall is not None
    assert sorted(shortfall["school_ids"]) == unplaced
    assert result["metrics"]["unplaced"] == len(unplaced)
    assert len(result["placements"]) + len(unplaced) == len(due)
    assert all(p["on"] < "2027-03-08" for p in result["placements"])
    assert shortfall["message"]["params"]["count"] == len(unplaced)
    assert shortfall["sessions_short"] >= 1
