"""Running the study-tour planner for a term: gather the term from the database, plan, keep the
draft, show what it changes, and apply it as draft visits the coordinator then publishes.

The planning itself is `planning.plan()`: pure, deterministic, no database. Here we only turn
records into its plain input and its plain output back into records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import rules
from calendars import day_info, is_provisional
from programs import audit
from programs.accounts.models import User
from programs.calendar import services as calendar_services
from programs.db import utcnow
from programs.decisions import services as decisions
from programs.directory.models import School
from programs.errors import Conflict, DomainError, NotFound
from programs.i18n import N_
from programs.study_tours import planning, services
from programs.study_tours.models import (
    Activity,
    Instructor,
    PlanDraft,
    SchoolPlan,
    StudySession,
    Visit,
)
from programs.study_tours.terms import Term

LIVE = ("draft", "published")


@dataclass(frozen=True)
class Due:
    """A school due in the term, with the group it brings."""

    school: School
    plan: SchoolPlan


def schools_due(session: Session, term: Term) -> list[Due]:
    """Schools with no visit yet this school year that belong to this term.

    A school the coordinator put in a term is due in that term. The others are split evenly:
    in the autumn every other one (in a fixed order: town, then id), in the spring all still
    uncovered, since it is the year's last chance. Draft visits the planner made before do not
    count as visits: a new run may place those schools again.
    """
    covered = set(
        session.scalars(
            select(Visit.school_id).where(
                Visit.school_year == term.school_year,
                Visit.status.in_(LIVE),
                ~((Visit.status == "draft") & (Visit.source == "planner")),
            )
        )
    )
    schools = session.scalars(
        select(School)
        .where(School.status == "active")
        .options(selectinload(School.grades), selectinload(School.town))
        .order_by(School.town_id, School.id)
    ).all()
    due: list[Due] = []
    unassigned = 0
    for school in schools:
        if school.id in covered or not school.grades:
            continue
        plan = services.plan_of(session, school, term.school_year)
        if plan.term is None:
            unassigned += 1
            if term.name == "autumn" and unassigned % 2 == 0:
                continue
        elif plan.term != term.name:
            continue
        due.append(Due(school, plan))
    return due


def first_plannable_day(today: date, lead_time_days: int, term: Term) -> date:
    """The first day a new visit can be placed: after the lead time, inside the term."""
    return max(term.starts_on, today + timedelta(days=lead_time_days))


def touring_days(session: Session, term: Term, start_on: date) -> list[date]:
    """School days of the term on which the base is closed: days a session can go to a school."""
    base = services.the_base(session)
    vacations = calendar_services.active_closures(
        session, scopes=[("all_schools", None)], start_on=start_on, end_on=term.ends_on
    )
    days = []
    day = start_on
    while day <= term.ends_on:
        info = day_info(day)
        closed_for_schools = any(c.starts_on <= day <= c.ends_on for c in vacations)
        if (
            info.working
            and day.weekday() < 5
            and day.weekday() not in base.opening_weekdays
            and not closed_for_schools
        ):
            days.append(day)
        day += timedelta(days=1)
    return days


def existing_sessions(session: Session, term: Term, start_on: date) -> list[StudySession]:
    """The term's open base sessions from a day on, with their visits and instructors."""
    return list(
        session.scalars(
            select(StudySession)
            .where(
                StudySession.kind == "base",
                StudySession.status == "open",
                StudySession.on.between(start_on, term.ends_on),
            )
            .options(selectinload(StudySession.visits), selectinload(StudySession.instructors))
            .order_by(StudySession.on, StudySession.slot)
        )
    )


def provisional(term: Term) -> bool:
    """Whether the term reaches into a year whose holiday arrangement is not published."""
    return is_provisional(term.starts_on.year) or is_provisional(term.ends_on.year)


# --- From records to the planner's input, and back --------------------------------------------


def _parameters(session: Session) -> planning.VisitParameters:
    live = decisions.live_parameters(session, "study_visit")
    values = dict(live.values) if live else dict(rules.registry.get("study_visit").defaults)
    return planning.VisitParameters(**{k: values[k] for k in planning._PARAMETER_NAMES})


def planning_input(session: Session, term: Term, today: date) -> planning.PlanningInput:
    """The term as the planner sees it: schools due, open base half-days, touring days,
    activities and instructors with their days off."""
    parameters = _parameters(session)
    start = first_plannable_day(today, parameters.lead_time_days, term)
    base = services.the_base(session)
    due = schools_due(session, term)
    schools = []
    for item in due:
        blackout = calendar_services.active_closures(
            session, scopes=[("school", item.school.id)], start_on=start, end_on=term.ends_on
        )
        schools.append(
            planning.SchoolDue(
                id=item.school.id,
                name=item.school.name,
                town=item.school.town.name,
                level=item.school.level,
                grade=item.plan.grade,
                students=item.plan.students,
                preferred_weekdays=frozenset(item.plan.preferred_weekdays),
                preferred_months=frozenset(item.plan.preferred_months),
                blackout=frozenset(
                    start + timedelta(days=n)
                    for c in blackout
                    for n in range((c.ends_on - start).days + 1)
                    if c.starts_on <= start + timedelta(days=n) <= c.ends_on
                ),
            )
        )
    replanned = {d.school.id for d in due}
    slots: list[planning.BaseSlot] = []
    existing = {(r.on, r.slot): r for r in existing_sessions(session, term, start)}
    open_days = calendar_services.base_open_days(session, base, start, term.ends_on)
    day = start
    while day <= term.ends_on:
        if open_days.is_open(day):
            for entry in base.session_times:
                row = existing.get((day, entry["code"]))
                if row is None:
                    slots.append(
                        planning.BaseSlot(on=day, slot=entry["code"], seats=base.seats_per_session)
                    )
                    continue
                staying = [
                    v for v in row.visits if v.status in LIVE and v.school_id not in replanned
                ]
                slots.append(
                    planning.BaseSlot(
                        on=day,
                        slot=entry["code"],
                        seats=row.seats,
                        seats_taken=sum(v.students for v in staying),
                        session_id=row.id,
                        instructor_ids=tuple(i.id for i in row.instructors),
                        school_ids_present=tuple(v.school_id for v in staying),
                    )
                )
        day += timedelta(days=1)
    activities = session.scalars(select(Activity).where(Activity.active).order_by(Activity.id))
    instructors = session.scalars(
        select(Instructor)
        .where(Instructor.active)
        .options(selectinload(Instructor.activities))
        .order_by(Instructor.id)
    )
    return planning.PlanningInput(
        today=today,
        term_start=term.starts_on,
        term_end=term.ends_on,
        parameters=parameters,
        base_slots=tuple(slots),
        touring_days=tuple(touring_days(session, term, start)),
        schools=tuple(schools),
        activities=tuple(
            planning.ActivityInfo(
                id=a.id,
                name=a.name,
                grade_min=a.grade_min,
                grade_max=a.grade_max,
                group_min=a.group_min,
                group_max=a.group_max,
                instructors_needed=a.instructors_needed,
                tours_schools=a.tours_schools,
            )
            for a in activities
        ),
        instructors=tuple(
            planning.InstructorInfo(
                id=i.id,
                name=i.name,
                activity_ids=frozenset(a.id for a in i.activities),
                unavailable=_days_off(session, i.id, start, term.ends_on),
            )
            for i in instructors
        ),
    )


def _days_off(session: Session, instructor_id: int, start: date, end: date) -> frozenset[date]:
    days = set()
    for closure in calendar_services.active_closures(
        session, scopes=[("instructor", instructor_id)], start_on=start, end_on=end
    ):
        day = max(closure.starts_on, start)
        while day <= min(closure.ends_on, end):
            days.add(day)
            day += timedelta(days=1)
    return frozenset(days)


def _current(session: Session, term: Term) -> dict[int, tuple[str, str]]:
    """Where each school's live visit of the term stands now: {school: (date, slot)}."""
    rows = session.execute(
        select(Visit.school_id, StudySession.on, StudySession.slot)
        .join(StudySession)
        .where(Visit.status.in_(LIVE), StudySession.on.between(term.starts_on, term.ends_on))
    )
    return {school_id: (on.isoformat(), slot) for school_id, on, slot in rows}


def run(session: Session, actor: User, term: Term, today: date) -> PlanDraft:
    """Plan the term and keep the result as a draft beside the current plan (nothing moves)."""
    if actor.role != "coordinator":
        raise NotFound(N_("The page you asked for does not exist."))
    planned = planning.plan(planning_input(session, term, today))
    record = planned.to_record()
    current = _current(session, term)
    for placement in record["placements"]:
        now = current.get(placement["school_id"])
        placement["change"] = (
            "new"
            if now is None
            else "same"
            if now == (placement["on"], placement["slot"])
            else "moves"
        )
        if now is not None:
            placement["from"] = now[0]
    draft = PlanDraft(
        school_year=term.school_year,
        term=term.name,
        created_by_id=actor.id,
        provisional=provisional(term),
        result=record,
    )
    session.add(draft)
    session.flush()
    audit.record(
        session,
        "plan.drafted",
        draft,
        actor_id=actor.id,
        **{
            k: record["metrics"][k]
            for k in ("schools_due", "placed_base", "placed_touring", "unplaced")
        },
    )
    return draft


def latest_draft(session: Session, term: Term) -> PlanDraft | None:
    """The most recent planner run for the term."""
    return session.scalar(
        select(PlanDraft)
        .where(PlanDraft.school_year == term.school_year, PlanDraft.term == term.name)
        .order_by(PlanDraft.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class Applied:
    """What applying a draft did."""

    created: int
    replaced: int
    skipped: list[tuple[int, DomainError]]  # (school, why the rules no longer place it)


def apply(session: Session, actor: User, draft_id: int, today: date) -> Applied:
    """Turn a draft into draft visits (the coordinator reviews, adjusts and publishes them).

    Each placement is checked by the rules again as it is written, since the data may have
    changed since the run; one that no longer passes is skipped and reported, not forced.
    The planner's earlier drafts for the same schools are cancelled and replaced.
    """
    if actor.role != "coordinator":
        raise NotFound(N_("The page you asked for does not exist."))
    draft = session.scalar(select(PlanDraft).where(PlanDraft.id == draft_id).with_for_update())
    if draft is None:
        raise NotFound(N_("The page you asked for does not exist."))
    if draft.applied_at is not None:
        raise Conflict(N_("This plan has already been applied."))
    term = Term(draft.school_year, draft.term)
    base = services.the_base(session)
    placements = draft.result["placements"]
    schools = {p["school_id"] for p in placements}
    replaced = 0
    for old in session.scalars(
        select(Visit)
        .join(StudySession)
        .where(
            Visit.school_id.in_(schools),
            Visit.status == "draft",
            Visit.source == "planner",
            StudySession.on.between(term.starts_on, term.ends_on),
        )
    ):
        old.status = "cancelled"
        old.cancel_reason = "replaced by a new plan"
        replaced += 1
    session.flush()
    sessions: dict[tuple[str, str, str, int | None], StudySession] = {}
    created = 0
    skipped: list[tuple[int, DomainError]] = []
    for placement in sorted(placements, key=lambda p: (p["on"], p["slot"], p["school_id"])):
        on = date.fromisoformat(placement["on"])
        key = (
            placement["kind"],
            placement["on"],
            placement["slot"],
            placement["school_id"] if placement["kind"] == "touring" else None,
        )
        row = sessions.get(key) or (
            session.get(StudySession, placement["session_id"]) if placement["session_id"] else None
        )
        if row is None:
            row = (
                session.scalar(
                    select(StudySession).where(
                        StudySession.kind == "base",
                        StudySession.on == on,
                        StudySession.slot == placement["slot"],
                    )
                )
                if placement["kind"] == "base"
                else None
            )
        if row is None:
            row = services._new_session(
                session,
                base,
                on,
                placement["slot"],
                placement["kind"],
                placement["school_id"] if placement["kind"] == "touring" else None,
            )
            session.flush()
        sessions[key] = row
        wanted = [session.get(Instructor, i) for i in placement["instructor_ids"]]
        if {i.id for i in wanted} - {i.id for i in row.instructors}:
            row.instructors = sorted({*row.instructors, *wanted}, key=lambda i: i.id)
            session.flush()
        data = services.VisitInput(
            school_id=placement["school_id"],
            session_id=row.id,
            activity_ids=placement["activity_ids"],
            students=placement["students"],
            teachers=placement["teachers"],
        )
        try:
            visit = services.request_visit(session, actor, data, source="planner", today=today)
        except DomainError as error:
            skipped.append((placement["school_id"], error))
            continue
        decisions.log(session, _planner_decision(placement, draft), actor=actor, subject=visit)
        created += 1
    draft.applied_at = utcnow()
    draft.applied_by_id = actor.id
    audit.record(
        session, "plan.applied", draft, actor_id=actor.id, created=created, skipped=len(skipped)
    )
    return Applied(created, replaced, skipped)


def _planner_decision(placement: dict[str, Any], draft: PlanDraft) -> rules.Decision:
    """The planner's reasons for a placement, kept in the decision log like a rule's."""
    return rules.Decision.from_record(
        {
            "format": 1,
            "ruleset": "study_planner",
            "ruleset_version": f"draft-{draft.id}",
            "parameters_version": None,
            "parameters": {},
            "facts": [
                {
                    "id": 0,
                    "kind": "placement",
                    "school_id": placement["school_id"],
                    "on": placement["on"],
                    "slot": placement["slot"],
                }
            ],
            "fired": [
                {"rule": "planner", "outcome": {"placed": True}, "reason": why, "facts": [0]}
                for why in placement["why"]
            ],
        }
    )
