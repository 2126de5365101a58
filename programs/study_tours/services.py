"""Operations of the study base: set-up, sessions, visits (request, move, swap, publish, cancel),
the waiting list, change requests, safety plans and attendance.

Every booking decision goes through the rules: the "calendar" ruleset for the day and the
"study_visit" ruleset for the group; a refusal names each rule that said no and how to fix it.
Whatever changes data is stored in the decision log against the visit, so the visit page can
show why it stands where it stands.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import rules
from calendars import TZ, day_info
from calendars import today as shanghai_today
from calendars.messages import Message, nested
from programs import audit
from programs.accounts.models import User
from programs.calendar import services as calendar_services
from programs.decisions import services as decisions
from programs.directory.models import School
from programs.errors import Conflict, DomainError, NotFound, Refused
from programs.i18n import N_
from programs.notifications.services import notify
from programs.study_tours.models import (
    TRANSPORT,
    Activity,
    ChangeRequest,
    Instructor,
    SafetyPlan,
    SchoolPlan,
    StudyBase,
    StudySession,
    Visit,
    WaitlistEntry,
)
from programs.study_tours.planning import SLOT_NAMES
from programs.study_tours.terms import DEFAULT_CLASSES, DEFAULT_GRADE, school_year_of

LIVE = ("draft", "published")
WEEKDAYS_ALL = [0, 1, 2, 3, 4]


# --- Looking things up ------------------------------------------------------------------------


def _get(session: Session, model: type, ident: int) -> Any:
    found = session.get(model, ident)
    if found is None:
        raise NotFound(N_("The page you asked for does not exist."))
    return found


def the_base(session: Session) -> StudyBase:
    """The city's study base (there is one)."""
    base = session.scalars(select(StudyBase).order_by(StudyBase.id)).first()
    if base is None:
        raise NotFound(N_("No study base has been set up yet."))
    return base


def _require_coordinator(actor: User) -> None:
    if actor.role != "coordinator":
        raise NotFound(N_("The page you asked for does not exist."))


def _may_act_for_school(actor: User, school_id: int) -> None:
    if actor.role == "coordinator":
        return
    if actor.role == "school" and actor.school_id == school_id:
        return
    raise NotFound(N_("The page you asked for does not exist."))


# --- School plans -------------------------------------------------------------------------------


def default_plan(session: Session, school: School, school_year: int) -> SchoolPlan:
    """The plan a school has unless it says otherwise: the usual grade, two classes."""
    grade = DEFAULT_GRADE[school.level]
    row = next((g for g in school.grades if g.grade == grade), None)
    if row is None and school.grades:
        row = min(school.grades, key=lambda g: abs(g.grade - grade))
        grade = row.grade
    classes = min(DEFAULT_CLASSES, row.classes) if row and row.classes else DEFAULT_CLASSES
    per_class = (row.students / row.classes) if row and row.classes else 45
    seats = the_base(session).seats_per_session
    while classes > 1 and per_class * classes > seats:
        classes -= 1  # the group must fit one session
    return SchoolPlan(
        school_id=school.id,
        school_year=school_year,
        grade=grade,
        classes=classes,
        students=max(1, round(per_class * classes)),
        preferred_weekdays=[],
        preferred_months=[],
    )


def plan_of(session: Session, school: School, school_year: int) -> SchoolPlan:
    """The school's plan for the year, created from the defaults the first time it is needed."""
    plan = session.scalar(
        select(SchoolPlan).where(
            SchoolPlan.school_id == school.id, SchoolPlan.school_year == school_year
        )
    )
    if plan is None:
        plan = default_plan(session, school, school_year)
        session.add(plan)
        session.flush()
    return plan


@dataclass(frozen=True)
class PlanInput:
    """What a school (or coordinator) says about the group it brings this year."""

    grade: int
    classes: int
    students: int
    preferred_weekdays: list[int]
    preferred_months: list[int]
    contact_name: str
    contact_phone: str
    term: str | None = None


def save_plan(
    session: Session, actor: User, school_id: int, school_year: int, data: PlanInput
) -> SchoolPlan:
    """Save the designated grade, classes and wishes; counts only, never names."""
    _may_act_for_school(actor, school_id)
    school = _get(session, School, school_id)
    if not any(g.grade == data.grade for g in school.grades):
        raise DomainError(
            N_("The school has no grade {grade} on record; choose one of its grades."),
            {"grade": data.grade},
            field="grade",
        )
    if not 1 <= data.classes <= 10:
        raise DomainError(N_("Bring 1 to 10 classes."), field="classes")
    if not 1 <= data.students <= 1000:
        raise DomainError(N_("Enter the number of students, 1 to 1,000."), field="students")
    if any(d not in range(7) for d in data.preferred_weekdays):
        raise DomainError(N_("Choose weekdays from the list."), field="preferred_weekdays")
    if any(m not in range(1, 13) for m in data.preferred_months):
        raise DomainError(N_("Choose months from the list."), field="preferred_months")
    if data.term not in (None, "autumn", "spring"):
        raise DomainError(N_("Choose a term from the list."), field="term")
    plan = plan_of(session, school, school_year)
    for name, value in vars(data).items():
        setattr(plan, name, value)
    audit.record(session, "school_plan.saved", plan, actor_id=actor.id, **vars(data))
    return plan


# --- Sessions ------------------------------------------------------------------------------------


def _session_times(base: StudyBase, slot: str) -> tuple[time, time]:
    for entry in base.session_times:
        if entry["code"] == slot:
            return time.fromisoformat(entry["starts"]), time.fromisoformat(entry["ends"])
    raise DomainError(N_("Choose a morning or afternoon session."), field="slot")


@dataclass(frozen=True)
class Skipped:
    """A day, or one half-day of it, that opening a period passed over, and why."""

    on: date
    slot: str | None  # None: the whole day
    code: str  # not_opening_day, holiday, closure (from the calendar), or exists
    reason: Message


@dataclass(frozen=True)
class Opened:
    """What opening a period did: the sessions made, and every day or half-day passed over."""

    created: list[StudySession]
    skipped: list[Skipped]


def open_sessions(
    session: Session, actor: User, start_on: date, end_on: date, instructor_ids: list[int]
) -> list[StudySession]:
    """Create the base's half-day sessions on every open day of a period (see `open_period`)."""
    return open_period(session, actor, start_on, end_on, instructor_ids).created


def open_period(
    session: Session, actor: User, start_on: date, end_on: date, instructor_ids: list[int]
) -> Opened:
    """Create the base's half-day sessions on every open day of a period (existing ones stay).

    Closed days (not an opening weekday, a public holiday, a closure) get no session; each is
    reported with the calendar's reason, like each half-day that has its session already. The
    instructors given are assigned to each new session where they are free that day.
    """
    _require_coordinator(actor)
    if end_on < start_on or (end_on - start_on).days > 200:
        raise DomainError(N_("Choose a period of at most 200 days."), field="end_on")
    base = the_base(session)
    open_days = calendar_services.base_open_days(session, base, start_on, end_on)
    instructors = [_get(session, Instructor, i) for i in dict.fromkeys(instructor_ids)]
    existing = set(
        session.execute(
            select(StudySession.on, StudySession.slot).where(
                StudySession.base_id == base.id,
                StudySession.kind == "base",
                StudySession.on.between(start_on, end_on),
            )
        ).all()
    )
    wanted: list[tuple[date, str]] = []
    skipped: list[Skipped] = []
    day = start_on
    while day <= end_on:
        closed = open_days.why_closed(day)
        if closed is not None:
            skipped.append(Skipped(day, None, closed.kind, closed.message))
        else:
            for slot in (entry["code"] for entry in base.session_times):
                if (day, slot) in existing:
                    skipped.append(Skipped(day, slot, "exists", _open_already(day, slot)))
                else:
                    wanted.append((day, slot))
        day += timedelta(days=1)
    created = []
    try:
        with session.begin_nested():  # a lost race leaves nothing half-made
            for on, slot in wanted:
                row = _new_session(session, base, on, slot, "base", None)
                row.instructors = [i for i in instructors if instructor_free(session, i, on)]
                created.append(row)
            session.flush()
    except IntegrityError:  # the half-day's unique index: somebody opened it first
        raise Conflict(
            N_("Somebody opened sessions in this period at the same moment; open it again.")
        ) from None
    audit.record(
        session,
        "study_sessions.opened",
        base,
        actor_id=actor.id,
        count=len(created),
        period=[start_on.isoformat(), end_on.isoformat()],
    )
    return Opened(created, skipped)


def _open_already(on: date, slot: str) -> Message:
    return Message(
        N_("The {slot} session of {date} is open already."),
        {"slot": nested(SLOT_NAMES[slot]), "date": on},
    )


def _new_session(
    session: Session, base: StudyBase, on: date, slot: str, kind: str, school_id: int | None
) -> StudySession:
    starts, ends = _session_times(base, slot)
    row = StudySession(
        base_id=base.id,
        kind=kind,
        touring_school_id=school_id,
        on=on,
        slot=slot,
        starts_at=datetime.combine(on, starts, tzinfo=TZ),
        ends_at=datetime.combine(on, ends, tzinfo=TZ),
        seats=base.seats_per_session if kind == "base" else 1000,
    )
    session.add(row)
    return row


def create_touring_session(
    session: Session, actor: User, school_id: int, on: date, slot: str, instructor_ids: list[int]
) -> StudySession:
    """An activity taken to a school, on a school day; counted like a visit to the base."""
    _require_coordinator(actor)
    school = _get(session, School, school_id)
    decision = rules.decide("calendar", _day_fact(session, on, None, school, touring=True))
    refused = Refused.from_decisions(decision)
    if refused:
        raise refused
    row = _new_session(session, the_base(session), on, slot, "touring", school.id)
    row.instructors = [_get(session, Instructor, i) for i in dict.fromkeys(instructor_ids)]
    session.flush()
    decisions.log(session, decision, actor=actor, subject=row)
    audit.record(session, "study_session.touring", row, actor_id=actor.id, school_id=school.id)
    return row


def instructor_free(session: Session, instructor: Instructor, on: date) -> bool:
    """Whether the instructor has not said they cannot come that day."""
    return not calendar_services.active_closures(
        session, scopes=[("instructor", instructor.id)], start_on=on, end_on=on
    )


def assign_instructors(
    session: Session, actor: User, session_id: int, instructor_ids: list[int]
) -> StudySession:
    """Set who leads a session; an instructor who cannot come that day is refused by name."""
    _require_coordinator(actor)
    row = _get(session, StudySession, session_id)
    chosen = [_get(session, Instructor, i) for i in dict.fromkeys(instructor_ids)]
    for instructor in chosen:
        if not instructor_free(session, instructor, row.on):
            raise DomainError(
                N_("{name} cannot come on {date}."),
                {"name": instructor.name, "date": row.on.isoformat()},
                field="instructor_ids",
            )
    row.instructors = chosen
    _touch(row)
    audit.record(
        session,
        "study_session.instructors",
        row,
        actor_id=actor.id,
        instructors=[i.id for i in chosen],
    )
    return row


def _touch(row: StudySession | Visit) -> None:
    row.sequence += 1
    row.updated_at = datetime.now(TZ)


# --- Facts for the rules --------------------------------------------------------------------


def _day_fact(
    session: Session, on: date, base: StudyBase | None, school: School, *, touring: bool = False
) -> dict[str, Any]:
    """The "booking_day" fact: what kind of day it is and what closes it for this school."""
    if touring:
        scopes = [("school", school.id), ("all_schools", None)]
        weekdays = WEEKDAYS_ALL
    else:
        assert base is not None
        scopes = [("base", base.id), ("all_schools", None), ("school", school.id)]
        weekdays = list(base.opening_weekdays)
    closures = calendar_services.active_closures(session, scopes=scopes, start_on=on, end_on=on)
    info = day_info(on)
    return {
        "kind": "booking_day",
        "date": on,
        "weekday": on.weekday(),
        "day_kind": info.kind,
        "holiday_name": info.holiday_name_en,
        "holiday_name_zh": info.holiday_name_zh,
        "closure_reason": closures[0].reason if closures else None,
        "opening_weekdays": weekdays,
    }


def _other_visits(session: Session, school_id: int, *exclude: int | None) -> list[Visit]:
    stmt = (
        select(Visit).join(StudySession).where(Visit.school_id == school_id, Visit.status.in_(LIVE))
    )
    if ids := [i for i in exclude if i is not None]:
        stmt = stmt.where(Visit.id.not_in(ids))
    return list(session.scalars(stmt))


def _seats_taken(session: Session, session_id: int, *exclude: int | None) -> int:
    """Seats taken by live visits, counted in the database (the ORM collection may be stale)."""
    stmt = select(func.coalesce(func.sum(Visit.students), 0)).where(
        Visit.session_id == session_id, Visit.status.in_(LIVE)
    )
    if ids := [i for i in exclude if i is not None]:
        stmt = stmt.where(Visit.id.not_in(ids))
    return session.scalar(stmt) or 0


def schools_uncovered(session: Session, school_year: int, exclude: int | None = None) -> int:
    """Active schools with no live visit in the school year (other than `exclude`)."""
    covered = select(Visit.school_id).where(
        Visit.school_year == school_year, Visit.status.in_(LIVE)
    )
    stmt = (
        select(func.count())
        .select_from(School)
        .where(School.status == "active", School.id.not_in(covered))
    )
    if exclude is not None:
        stmt = stmt.where(School.id != exclude)
    return session.scalar(stmt) or 0


@dataclass(frozen=True)
class VisitInput:
    """The group a school brings to a session."""

    school_id: int
    session_id: int
    activity_ids: list[int]
    students: int
    teachers: int
    grade: int | None = None
    classes: int | None = None
    note: str = ""


def _visit_facts(
    session: Session,
    row: StudySession,
    school: School,
    activities: list[Activity],
    data: VisitInput,
    grade: int,
    *,
    by_coordinator: bool,
    exclude_visit: int | None,
    leaving: int | None,
    today: date,
) -> list[dict[str, Any]]:
    school_year = school_year_of(row.on)
    taken = _seats_taken(session, row.id, exclude_visit, leaving)
    others = _other_visits(session, school.id, exclude_visit, leaving)
    same_month = [
        v for v in others if (v.session.on.year, v.session.on.month) == (row.on.year, row.on.month)
    ]
    same_year = [v for v in others if v.school_year == school_year]
    free = [i for i in row.instructors if i.active and instructor_free(session, i, row.on)]
    wanted = {a.id for a in activities}
    qualified = [i for i in free if wanted & {a.id for a in i.activities}]
    facts: list[dict[str, Any]] = [
        {
            "kind": "visit",
            "date": row.on,
            "session_kind": row.kind,
            "days_ahead": (row.on - today).days,
            "by_coordinator": by_coordinator,
            "school": school.name,
            "grade": grade,
            "seats": row.seats,
            "seats_left": row.seats - taken,
            "students": data.students,
            "teachers": data.teachers,
            # With no teacher at all the group counts as "every student per teacher".
            "students_per_teacher": float(data.students) / max(data.teachers, 1),
            "visits_this_month": len(same_month),
            "visits_this_year": len(same_year),
            "schools_uncovered": schools_uncovered(session, school_year, exclude=school.id),
            "instructors_needed": max((a.instructors_needed for a in activities), default=0),
            "instructors_qualified": len(qualified),
            "activities_count": len(activities),
        }
    ]
    for activity in activities:
        facts.append(
            {
                "kind": "activity",
                "name": activity.name,
                "grade_min": activity.grade_min,
                "grade_max": activity.grade_max,
                "group_min": activity.group_min,
                "group_max": activity.group_max,
                "grade": grade,
                "students": data.students,
                "tours_schools": activity.tours_schools,
                "session_kind": row.kind,
            }
        )
    return facts


@dataclass(frozen=True)
class Checked:
    """The rules' verdict on a visit: the day and the group, both kept for the log."""

    day: rules.Decision
    group: rules.Decision

    def raise_if_refused(self) -> None:
        """Stop with every refusal, naming each rule."""
        refused = Refused.from_decisions(self.day, self.group)
        if refused:
            raise refused

    def log(self, session: Session, actor: User | None, visit: Visit) -> None:
        """Keep both decisions against the visit."""
        decisions.log(session, self.day, actor=actor, subject=visit)
        decisions.log(session, self.group, actor=actor, subject=visit)


def _group_of(session: Session, data: VisitInput) -> list[Activity]:
    """The activities a group asks for, once its counts are in bounds."""
    activities = [_get(session, Activity, a) for a in dict.fromkeys(data.activity_ids)]
    if not 1 <= len(activities) <= 2:
        raise DomainError(N_("Choose one or two activities."), field="activity_ids")
    if not 1 <= data.students <= 1000:
        raise DomainError(N_("Enter the number of students, 1 to 1,000."), field="students")
    if not 0 <= data.teachers <= 200:
        raise DomainError(N_("Enter the number of accompanying teachers."), field="teachers")
    return activities


def check_visit(
    session: Session,
    actor: User | None,
    data: VisitInput,
    *,
    exclude_visit: int | None = None,
    leaving: int | None = None,
    today: date | None = None,
) -> Checked:
    """Ask the rules whether this group may come to this session (nothing is written).

    `exclude_visit` is the visit being moved (not counted against itself); `leaving` another
    visit that gives up its seats at the same time (the other half of a swap)."""
    today = today or shanghai_today()
    row = _get(session, StudySession, data.session_id)
    if row.status != "open":
        raise DomainError(N_("This session was cancelled; choose another."), field="session_id")
    school = _get(session, School, data.school_id)
    activities = _group_of(session, data)
    plan = plan_of(session, school, school_year_of(row.on))
    grade = data.grade or plan.grade
    base = row.base
    day = rules.decide(
        "calendar",
        _day_fact(
            session, row.on, base, row.touring_school or school, touring=row.kind == "touring"
        ),
        parameters=decisions.live_parameters(session, "calendar"),
    )
    group = rules.decide(
        "study_visit",
        _visit_facts(
            session,
            row,
            school,
            activities,
            data,
            grade,
            by_coordinator=actor is not None and actor.role == "coordinator",
            exclude_visit=exclude_visit,
            leaving=leaving,
            today=today,
        ),
        parameters=decisions.live_parameters(session, "study_visit"),
    )
    return Checked(day, group)


# --- Visits -----------------------------------------------------------------------------------


def request_visit(
    session: Session,
    actor: User,
    data: VisitInput,
    *,
    source: str | None = None,
    today: date | None = None,
) -> Visit:
    """A school asks for a session (or a coordinator enters a visit); it stays a draft until
    a coordinator publishes it. Refused with every rule that says no."""
    _may_act_for_school(actor, data.school_id)
    row = session.scalar(
        select(StudySession).where(StudySession.id == data.session_id).with_for_update()
    )
    if row is None:
        raise NotFound(N_("The page you asked for does not exist."))
    if (
        row.kind == "touring"
        and row.touring_school_id != data.school_id
        and actor.role != "coordinator"
    ):
        raise NotFound(N_("The page you asked for does not exist."))
    if session.scalar(
        select(Visit.id).where(
            Visit.session_id == row.id,
            Visit.school_id == data.school_id,
            Visit.status.in_(LIVE),
        )
    ):
        raise Conflict(N_("Your school is already booked in this session."))
    checked = check_visit(session, actor, data, today=today)
    checked.raise_if_refused()
    school = _get(session, School, data.school_id)
    plan = plan_of(session, school, school_year_of(row.on))
    visit = Visit(
        session_id=row.id,
        school_id=school.id,
        school_year=school_year_of(row.on),
        grade=data.grade or plan.grade,
        classes=data.classes or plan.classes,
        students=data.students,
        teachers=data.teachers,
        status="draft",
        source=source or ("coordinator" if actor.role == "coordinator" else "request"),
        note=data.note.strip()[:500],
        created_by_id=actor.id,
        activities=[_get(session, Activity, a) for a in dict.fromkeys(data.activity_ids)],
    )
    session.add(visit)
    session.flush()
    checked.log(session, actor, visit)
    audit.record(session, "visit.requested", visit, actor_id=actor.id, session_id=row.id)
    if actor.role != "coordinator":
        _tell_coordinators(
            session,
            N_("{school} asked for a study-tour visit on {date}"),
            {"school": school.name, "date": row.on.isoformat()},
            f"/study/visits/{visit.id}",
        )
    return visit


def join_waitlist(
    session: Session, actor: User, data: VisitInput, *, today: date | None = None
) -> WaitlistEntry:
    """Wait for a seat in a full session; seats that free up go to the least-covered first.

    Only a session still to come, open to the school, and too full for the group: one with room
    is asked for instead."""
    _may_act_for_school(actor, data.school_id)
    row = _get(session, StudySession, data.session_id)
    if row.kind == "touring" and row.touring_school_id != data.school_id:
        raise NotFound(N_("The page you asked for does not exist."))
    if row.status != "open" or row.on < (today or shanghai_today()):
        raise DomainError(
            N_("This session can no longer be booked; choose another."), field="session_id"
        )
    _group_of(session, data)
    if row.seats - _seats_taken(session, row.id) >= data.students:
        raise DomainError(
            N_("This session still has room for the group: ask for it instead."),
            field="session_id",
        )
    existing = session.scalar(
        select(WaitlistEntry).where(
            WaitlistEntry.session_id == row.id,
            WaitlistEntry.school_id == data.school_id,
            WaitlistEntry.offered_at.is_(None),
        )
    )
    if existing is not None:
        raise Conflict(N_("Your school is already on the waiting list for this session."))
    entry = WaitlistEntry(
        session_id=row.id,
        school_id=data.school_id,
        school_year=school_year_of(row.on),
        students=data.students,
        teachers=data.teachers,
        activity_ids=list(data.activity_ids),
        created_by_id=actor.id,
    )
    session.add(entry)
    session.flush()
    audit.record(session, "waitlist.joined", entry, actor_id=actor.id)
    return entry


def offer_freed_seats(session: Session, row: StudySession, actor: User | None) -> Visit | None:
    """Offer the seats a cancellation freed to the least-covered school waiting for them.

    Candidates are ranked by visits this school year (fewest first), then by when they asked;
    the "study_waitlist" rules confirm the offer. The chosen school gets a draft visit (checked
    by every rule) and a message; a school the rules now refuse is skipped.
    """
    entries = list(
        session.scalars(
            select(WaitlistEntry).where(
                WaitlistEntry.session_id == row.id, WaitlistEntry.offered_at.is_(None)
            )
        )
    )
    if not entries:
        return None
    counts = {
        e.id: len(
            [v for v in _other_visits(session, e.school_id, None) if v.school_year == e.school_year]
        )
        for e in entries
    }
    entries.sort(key=lambda e: (counts[e.id], e.created_at, e.id))
    taken = _seats_taken(session, row.id)
    # Each candidate is asked as rank 0 of those still in line: the ones before it were skipped.
    for entry in entries:
        decision = rules.decide(
            "study_waitlist",
            {
                "kind": "candidate",
                "school": entry.school.name,
                "visits_this_year": counts[entry.id],
                "rank": 0,
                "requested_on": entry.created_at.astimezone(TZ).date(),
                "students": entry.students,
                "seats_left": row.seats - taken,
            },
        )
        if not decision.first("offer"):
            continue
        data = VisitInput(
            entry.school_id, row.id, entry.activity_ids, entry.students, entry.teachers
        )
        checked = check_visit(session, actor, data)
        if Refused.from_decisions(checked.day, checked.group):
            continue
        visit = Visit(
            session_id=row.id,
            school_id=entry.school_id,
            school_year=entry.school_year,
            grade=checked.group.facts[0]["grade"],
            students=entry.students,
            teachers=entry.teachers,
            status="draft",
            source="request",
            created_by_id=entry.created_by_id,
            activities=[_get(session, Activity, a) for a in entry.activity_ids],
        )
        session.add(visit)
        entry.offered_at = datetime.now(TZ)
        session.flush()
        decisions.log(session, decision, actor=actor, subject=visit)
        checked.log(session, actor, visit)
        _tell_school(
            session,
            entry.school_id,
            N_("A seat freed up for you on {date}"),
            N_(
                "A seat in the session of {date} freed up and was offered to {school} first, as it has had the fewest visits. The visit is a draft until the coordinator publishes it."
            ),
            {"date": row.on.isoformat(), "school": entry.school.name},
            f"/study/visits/{visit.id}",
        )
        return visit
    return None


def _lock_visit(session: Session, visit_id: int) -> Visit:
    visit = session.scalar(select(Visit).where(Visit.id == visit_id).with_for_update())
    if visit is None:
        raise NotFound(N_("The page you asked for does not exist."))
    return visit


def move_visit(
    session: Session, actor: User, visit_id: int, new_session_id: int, *, today: date | None = None
) -> Visit:
    """A coordinator moves a visit to another session; every rule is checked again."""
    _require_coordinator(actor)
    visit = _lock_visit(session, visit_id)
    if visit.status not in LIVE:
        raise DomainError(N_("A cancelled visit cannot be moved."))
    if new_session_id == visit.session_id:
        raise DomainError(N_("Choose a different session."), field="session_id")
    old = visit.session
    data = _input_of(visit, new_session_id)
    checked = check_visit(session, actor, data, exclude_visit=visit.id, today=today)
    checked.raise_if_refused()
    visit.session_id = new_session_id
    _touch(visit)
    session.flush()
    session.refresh(visit)
    checked.log(session, actor, visit)
    audit.record(
        session,
        "visit.moved",
        visit,
        actor_id=actor.id,
        old=old.on.isoformat(),
        new=visit.session.on.isoformat(),
    )
    if visit.status == "published":
        _tell_school(
            session,
            visit.school_id,
            N_("Your study-tour visit moved to {date}"),
            N_("The coordinator moved your visit from {old} to {date}."),
            {"date": visit.session.on.isoformat(), "old": old.on.isoformat()},
            f"/study/visits/{visit.id}",
        )
    offer_freed_seats(session, old, actor)
    return visit


def _input_of(visit: Visit, session_id: int) -> VisitInput:
    return VisitInput(
        school_id=visit.school_id,
        session_id=session_id,
        activity_ids=[a.id for a in visit.activities],
        students=visit.students,
        teachers=visit.teachers,
        grade=visit.grade,
        classes=visit.classes,
    )


def swap_visits(
    session: Session, actor: User, first_id: int, second_id: int
) -> tuple[Visit, Visit]:
    """Exchange the sessions of two visits; both must pass every rule in their new place."""
    _require_coordinator(actor)
    first, second = _lock_visit(session, first_id), _lock_visit(session, second_id)
    if first.status not in LIVE or second.status not in LIVE:
        raise DomainError(N_("A cancelled visit cannot be moved."))
    if first.session_id == second.session_id:
        raise DomainError(N_("The two visits are in the same session."))
    a, b = first.session_id, second.session_id
    # Check each in the other's session as if the other had already left it; neither counts
    # against itself (its school's visits this month and year).
    first_check = check_visit(
        session, actor, _input_of(first, b), exclude_visit=first.id, leaving=second.id
    )
    second_check = check_visit(
        session, actor, _input_of(second, a), exclude_visit=second.id, leaving=first.id
    )
    refused = Refused.from_decisions(
        first_check.day, first_check.group, second_check.day, second_check.group
    )
    if refused:
        raise refused
    first.session_id, second.session_id = b, a
    _touch(first)
    _touch(second)
    session.flush()
    for visit, checked in ((first, first_check), (second, second_check)):
        session.refresh(visit)
        checked.log(session, actor, visit)
        audit.record(session, "visit.swapped", visit, actor_id=actor.id)
        if visit.status == "published":
            _tell_school(
                session,
                visit.school_id,
                N_("Your study-tour visit moved to {date}"),
                N_("The coordinator moved your visit to {date}."),
                {"date": visit.session.on.isoformat(), "old": ""},
                f"/study/visits/{visit.id}",
            )
    return first, second


def publish(session: Session, actor: User, visit_ids: Iterable[int]) -> list[Visit]:
    """Publish draft visits: the schools and the instructors of their sessions are told."""
    _require_coordinator(actor)
    published = []
    for visit_id in visit_ids:
        visit = _lock_visit(session, visit_id)
        if visit.status != "draft":
            continue
        visit.status = "published"
        visit.published_at = datetime.now(TZ)
        _touch(visit)
        published.append(visit)
        audit.record(session, "visit.published", visit, actor_id=actor.id)
        _tell_school(
            session,
            visit.school_id,
            N_("Your study-tour visit on {date} is confirmed"),
            N_(
                "{school} visits the study base on {date} ({time}). Please complete the safety plan at least a week before."
            ),
            {
                "school": visit.school.name,
                "date": visit.session.on.isoformat(),
                "time": visit.session.starts_at.astimezone(TZ).strftime("%H:%M"),
            },
            f"/study/visits/{visit.id}",
        )
        for user in _instructor_users(session, visit.session):
            notify(
                session,
                user,
                N_("New group in your session on {date}"),
                N_("{school} (grade {grade}, {students} students) joins your session on {date}."),
                {
                    "school": visit.school.name,
                    "grade": visit.grade,
                    "students": visit.students,
                    "date": visit.session.on.isoformat(),
                },
                link=f"/study/sessions/{visit.session_id}",
            )
    return published


def told_of_publishing(session: Session, visit: Visit) -> list[User]:
    """The accounts `publish` tells about a visit: the school's, and its session's instructors'."""
    return _school_users(session, visit.school_id) + _instructor_users(session, visit.session)


def cancel_visit(
    session: Session, actor: User, visit_id: int, reason: str, *, today: date | None = None
) -> Visit:
    """Cancel a visit; close to the day, only a coordinator may. Freed seats are offered on."""
    visit = _lock_visit(session, visit_id)
    _may_act_for_school(actor, visit.school_id)
    if visit.status == "cancelled":
        raise Conflict(N_("This visit was already cancelled."))
    if not reason.strip():
        raise DomainError(N_("Say why the visit is cancelled."), field="reason")
    today = today or shanghai_today()
    decision = rules.decide(
        "study_cancellation",
        {
            "kind": "cancellation",
            "date": visit.session.on,
            "days_before": (visit.session.on - today).days,
            "by_coordinator": actor.role == "coordinator",
            "status": visit.status,
            "school": visit.school.name,
        },
        parameters=decisions.live_parameters(session, "study_cancellation"),
    )
    refused = Refused.from_decisions(decision)
    if refused:
        raise refused
    visit.status = "cancelled"
    visit.cancelled_at = datetime.now(TZ)
    visit.cancel_reason = reason.strip()[:500]
    _touch(visit)
    decisions.log(session, decision, actor=actor, subject=visit)
    audit.record(session, "visit.cancelled", visit, actor_id=actor.id, reason=visit.cancel_reason)
    if actor.role == "coordinator":
        _tell_school(
            session,
            visit.school_id,
            N_("Your study-tour visit on {date} was cancelled"),
            N_("The coordinator cancelled your visit of {date}: {reason}"),
            {"date": visit.session.on.isoformat(), "reason": visit.cancel_reason},
            f"/study/visits/{visit.id}",
        )
    else:
        _tell_coordinators(
            session,
            N_("{school} cancelled its visit on {date}"),
            {"school": visit.school.name, "date": visit.session.on.isoformat()},
            f"/study/visits/{visit.id}",
        )
    session.flush()
    offer_freed_seats(session, visit.session, actor)
    return visit


# --- Change requests ------------------------------------------------------------------------


def request_change(
    session: Session,
    actor: User,
    visit_id: int,
    *,
    proposed_session_id: int | None,
    cancel: bool,
    reason: str,
) -> ChangeRequest:
    """A school asks the coordinator to move or cancel a published visit."""
    visit = _get(session, Visit, visit_id)
    _may_act_for_school(actor, visit.school_id)
    if visit.status != "published":
        raise DomainError(N_("Only a published visit can be changed this way."))
    if not reason.strip():
        raise DomainError(N_("Say why you need the change."), field="reason")
    if not cancel and proposed_session_id is None:
        raise DomainError(
            N_("Choose the session you would rather have."), field="proposed_session_id"
        )
    if not cancel:
        proposed = _get(session, StudySession, proposed_session_id)
        if proposed.id == visit.session_id:
            raise DomainError(N_("Choose a different session."), field="proposed_session_id")
        if proposed.status != "open" or proposed.on < shanghai_today():
            raise DomainError(
                N_("This session can no longer be booked; choose another."),
                field="proposed_session_id",
            )
    change = ChangeRequest(
        visit_id=visit.id,
        proposed_session_id=None if cancel else proposed_session_id,
        cancel=cancel,
        reason=reason.strip()[:1000],
        created_by_id=actor.id,
    )
    session.add(change)
    session.flush()
    audit.record(session, "visit.change_requested", change, actor_id=actor.id)
    _tell_coordinators(
        session,
        N_("{school} asks to change its visit on {date}"),
        {"school": visit.school.name, "date": visit.session.on.isoformat()},
        "/study/changes",
    )
    return change


def answer_change(
    session: Session, actor: User, change_id: int, *, accept: bool, answer: str
) -> ChangeRequest:
    """The coordinator accepts (the visit moves or is cancelled, rules checked) or refuses."""
    _require_coordinator(actor)
    change = _get(session, ChangeRequest, change_id)
    if change.status != "open":
        raise Conflict(N_("This request has already been answered."))
    if not answer.strip():
        raise DomainError(N_("Say why, for the school."), field="answer")
    if accept:
        if change.cancel:
            cancel_visit(session, actor, change.visit_id, answer)
        else:
            assert change.proposed_session_id is not None
            move_visit(session, actor, change.visit_id, change.proposed_session_id)
    change.status = "accepted" if accept else "refused"
    change.answer = answer.strip()[:1000]
    change.answered_at = datetime.now(TZ)
    change.answered_by_id = actor.id
    audit.record(session, f"visit.change_{change.status}", change, actor_id=actor.id)
    _tell_school(
        session,
        change.visit.school_id,
        N_("Your change request was accepted") if accept else N_("Your change request was refused"),
        N_("The coordinator answered: {answer}"),
        {"answer": change.answer},
        f"/study/visits/{change.visit_id}",
    )
    return change


# --- Safety plan and attendance ---------------------------------------------------------------


@dataclass(frozen=True)
class SafetyInput:
    """The safety plan a school completes before the day."""

    accompanying_teachers: int
    transport: str
    emergency_contact: str
    emergency_phone: str
    special_needs_count: int
    notes: str


def save_safety_plan(session: Session, actor: User, visit_id: int, data: SafetyInput) -> SafetyPlan:
    """Record the school's safety plan (counts only: no child's name or data)."""
    visit = _get(session, Visit, visit_id)
    _may_act_for_school(actor, visit.school_id)
    if visit.status != "published":
        raise DomainError(N_("The safety plan is completed once the visit is published."))
    if data.transport not in TRANSPORT:
        raise DomainError(N_("Choose how the group travels."), field="transport")
    if data.accompanying_teachers < max(1, visit.teachers):
        raise DomainError(
            N_("At least {n} teachers were booked to come with the group."),
            {"n": max(1, visit.teachers)},
            field="accompanying_teachers",
        )
    if not data.emergency_contact.strip() or not data.emergency_phone.strip():
        raise DomainError(N_("Give a contact reachable on the day."), field="emergency_phone")
    if not 0 <= data.special_needs_count <= visit.students:
        raise DomainError(
            N_("The number cannot be more than the students coming ({n})."),
            {"n": visit.students},
            field="special_needs_count",
        )
    plan = visit.safety_plan or SafetyPlan(visit_id=visit.id)
    visit.safety_plan = plan
    for name, value in vars(data).items():
        setattr(plan, name, value.strip() if isinstance(value, str) else value)
    plan.completed_at = datetime.now(TZ)
    plan.completed_by_id = actor.id
    session.add(plan)
    session.flush()
    audit.record(session, "safety_plan.saved", visit, actor_id=actor.id)
    return plan


def record_attendance(
    session: Session,
    actor: User,
    visit_id: int,
    students: int,
    teachers: int,
    *,
    today: date | None = None,
) -> Visit:
    """Who actually came: counted by the reports. Instructors of the session or coordinators."""
    visit = _get(session, Visit, visit_id)
    allowed = actor.role == "coordinator" or (
        actor.role == "instructor"
        and actor.instructor_id in {i.id for i in visit.session.instructors}
    )
    if not allowed:
        raise NotFound(N_("The page you asked for does not exist."))
    if visit.status != "published":
        raise DomainError(N_("Attendance is recorded for published visits."))
    if visit.session.on > (today or shanghai_today()):
        raise DomainError(N_("Attendance can be recorded from the day of the visit."))
    if not 0 <= students <= 1000 or not 0 <= teachers <= 200:
        raise DomainError(N_("Enter the numbers who came."), field="actual_students")
    visit.actual_students, visit.actual_teachers = students, teachers
    visit.attendance_recorded_at = datetime.now(TZ)
    audit.record(
        session, "visit.attendance", visit, actor_id=actor.id, students=students, teachers=teachers
    )
    return visit


def remind_missing_safety_plans(session: Session, today: date, base_url: str = "") -> int:
    """Tell schools (once) whose published visit is within a week and has no safety plan."""
    visits = session.scalars(
        select(Visit)
        .join(StudySession)
        .where(
            Visit.status == "published",
            Visit.safety_reminded_at.is_(None),
            StudySession.on.between(today, today + timedelta(days=7)),
        )
    ).all()
    count = 0
    for visit in visits:
        if visit.safety_plan is not None:
            continue
        visit.safety_reminded_at = datetime.now(TZ)
        _tell_school(
            session,
            visit.school_id,
            N_("Safety plan missing for your visit on {date}"),
            N_(
                "Your visit on {date} is within a week and its safety plan is not complete. Please complete it now."
            ),
            {"date": visit.session.on.isoformat()},
            f"/study/visits/{visit.id}",
            base_url=base_url,
        )
        count += 1
    return count


# --- Telling people ----------------------------------------------------------------------------


def _school_users(session: Session, school_id: int) -> list[User]:
    return list(
        session.scalars(select(User).where(User.school_id == school_id, User.status == "active"))
    )


def _instructor_users(session: Session, row: StudySession) -> list[User]:
    ids = [i.id for i in row.instructors]
    if not ids:
        return []
    return list(
        session.scalars(select(User).where(User.instructor_id.in_(ids), User.status == "active"))
    )


def _tell_school(
    session: Session,
    school_id: int,
    subject: str,
    body: str,
    params: dict[str, Any],
    link: str,
    base_url: str = "",
) -> None:
    for user in _school_users(session, school_id):
        notify(session, user, subject, body, params, link=link, base_url=base_url)


def _tell_coordinators(session: Session, subject: str, params: dict[str, Any], link: str) -> None:
    for user in session.scalars(
        select(User).where(User.role == "coordinator", User.status == "active")
    ):
        notify(session, user, subject, "", params, link=link)


# --- Set-up -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BaseInput:
    """The study base's settings."""

    seats_per_session: int
    opening_weekdays: list[int]
    morning: tuple[str, str]
    afternoon: tuple[str, str]


def update_base(session: Session, actor: User, data: BaseInput) -> StudyBase:
    """Change seats, opening weekdays and session times; sessions already created keep theirs."""
    _require_coordinator(actor)
    base = the_base(session)
    if not 1 <= data.seats_per_session <= 1000:
        raise DomainError(N_("Enter 1 to 1,000 seats."), field="seats_per_session")
    if not data.opening_weekdays or any(d not in range(7) for d in data.opening_weekdays):
        raise DomainError(N_("Choose at least one opening weekday."), field="opening_weekdays")
    times = []
    for code, (starts, ends), field in (
        ("am", data.morning, "morning_starts"),
        ("pm", data.afternoon, "afternoon_starts"),
    ):
        try:
            start_t, end_t = time.fromisoformat(starts), time.fromisoformat(ends)
        except ValueError:
            raise DomainError(N_("Write times as HH:MM, for example 09:00."), field=field) from None
        if end_t <= start_t:
            raise DomainError(N_("A session must end after it starts."), field=field)
        times.append(
            {"code": code, "starts": start_t.strftime("%H:%M"), "ends": end_t.strftime("%H:%M")}
        )
    if time.fromisoformat(times[1]["starts"]) < time.fromisoformat(times[0]["ends"]):
        raise DomainError(
            N_("The afternoon must start after the morning ends."), field="afternoon_starts"
        )
    before = {
        "seats": base.seats_per_session,
        "weekdays": base.opening_weekdays,
        "times": base.session_times,
    }
    base.seats_per_session = data.seats_per_session
    base.opening_weekdays = sorted(set(data.opening_weekdays))
    base.session_times = times
    audit.record(session, "study_base.updated", base, actor_id=actor.id, before=before)
    return base


@dataclass(frozen=True)
class InstructorInput:
    """An instructor as the form gives them."""

    name: str
    kind: str
    organisation: str
    phone: str
    activity_ids: list[int]
    active: bool


def save_instructor(
    session: Session, actor: User, instructor_id: int | None, data: InstructorInput
) -> Instructor:
    """Add or change an instructor and the activities they may lead."""
    from programs.study_tours.models import INSTRUCTOR_KINDS

    _require_coordinator(actor)
    if not data.name.strip():
        raise DomainError(N_("Enter the instructor's name."), field="name")
    if data.kind not in INSTRUCTOR_KINDS:
        raise DomainError(N_("Choose what kind of instructor from the list."), field="kind")
    instructor = Instructor() if instructor_id is None else _get(session, Instructor, instructor_id)
    instructor.name = data.name.strip()
    instructor.kind = data.kind
    instructor.organisation = data.organisation.strip()
    instructor.phone = data.phone.strip()
    instructor.active = data.active
    instructor.activities = [_get(session, Activity, a) for a in dict.fromkeys(data.activity_ids)]
    session.add(instructor)
    session.flush()
    audit.record(session, "instructor.saved", instructor, actor_id=actor.id)
    return instructor


@dataclass(frozen=True)
class ActivityInput:
    """An activity as the form gives it."""

    name: str
    description: str
    grade_min: int
    grade_max: int
    group_min: int
    group_max: int
    duration_minutes: int
    room: str
    instructors_needed: int
    tours_schools: bool
    active: bool


def save_activity(
    session: Session, actor: User, activity_id: int | None, data: ActivityInput
) -> Activity:
    """Add or change an activity; its limits are what the rules check bookings against."""
    import re

    _require_coordinator(actor)
    if not data.name.strip():
        raise DomainError(N_("Enter the activity's name."), field="name")
    if not 1 <= data.grade_min <= data.grade_max <= 12:
        raise DomainError(
            N_("Grades run from 1 to 12, the first no higher than the last."), field="grade_max"
        )
    if not 1 <= data.group_min <= data.group_max <= 1000:
        raise DomainError(
            N_("The smallest group must be at least 1 and no larger than the largest."),
            field="group_max",
        )
    if not 15 <= data.duration_minutes <= 240:
        raise DomainError(N_("An activity lasts 15 to 240 minutes."), field="duration_minutes")
    if not 1 <= data.instructors_needed <= 10:
        raise DomainError(N_("An activity needs 1 to 10 instructors."), field="instructors_needed")
    activity = Activity() if activity_id is None else _get(session, Activity, activity_id)
    if activity_id is None:
        activity.base_id = the_base(session).id
        slug = re.sub(r"[^a-z0-9]+", "-", data.name.lower()).strip("-") or "activity"
        activity.code = (
            f"{slug[:30]}-{session.scalar(select(func.count()).select_from(Activity)) + 1}"
        )
    for name, value in vars(data).items():
        setattr(activity, name, value.strip() if isinstance(value, str) else value)
    session.add(activity)
    session.flush()
    audit.record(session, "activity.saved", activity, actor_id=actor.id)
    return activity


def move_visit_to_date(
    session: Session, actor: User, visit_id: int, on: date, slot: str, *, today: date | None = None
) -> Visit:
    """Move a visit to a day and half-day the coordinator names, with or without a session yet.

    The day is asked of the calendar rules first, so a closed day (a public holiday, a closure,
    a day the base does not open) is refused at once with the reason; an open day without a
    session gets one, led by the instructors of the visit's current session who are free then.
    """
    _require_coordinator(actor)
    visit = _get(session, Visit, visit_id)
    base = the_base(session)
    _session_times(base, slot)
    row = session.scalar(
        select(StudySession).where(
            StudySession.base_id == base.id,
            StudySession.kind == "base",
            StudySession.on == on,
            StudySession.slot == slot,
        )
    )
    if row is None:
        day = rules.decide("calendar", _day_fact(session, on, base, visit.school))
        refused = Refused.from_decisions(day)
        if refused:
            raise refused
        row = _new_session(session, base, on, slot, "base", None)
        row.instructors = [i for i in visit.session.instructors if instructor_free(session, i, on)]
        session.flush()
        audit.record(session, "study_session.opened_for_move", row, actor_id=actor.id)
    return move_visit(session, actor, visit_id, row.id, today=today)
