"""Read models of the study base: sessions, coverage, what each role sees, exports."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from programs.accounts.models import User
from programs.directory.models import School, Town
from programs.errors import NotFound
from programs.i18n import N_
from programs.study_tours.models import (
    ChangeRequest,
    Instructor,
    StudyBase,
    StudySession,
    Visit,
    WaitlistEntry,
)
from programs.study_tours.terms import Term

LIVE = ("draft", "published")


def bases(session: Session) -> list[StudyBase]:
    """Every study base with its activities."""
    return list(
        session.scalars(
            select(StudyBase).options(selectinload(StudyBase.activities)).order_by(StudyBase.id)
        )
    )


def instructors(session: Session) -> list[Instructor]:
    """Every instructor with the activities they lead."""
    return list(
        session.scalars(
            select(Instructor)
            .options(selectinload(Instructor.activities))
            .order_by(Instructor.name)
        )
    )


def _sessions_stmt():
    return select(StudySession).options(
        selectinload(StudySession.visits).selectinload(Visit.school),
        selectinload(StudySession.visits).selectinload(Visit.activities),
        selectinload(StudySession.instructors),
        selectinload(StudySession.touring_school),
    )


def sessions_between(
    session: Session,
    start_on: date | None,
    end_on: date | None,
    *,
    kind: str | None = None,
    town_id: int | None = None,
) -> list[StudySession]:
    """Sessions in a period (open-ended where a bound is None), in time order, with their
    visits and instructors; of one kind, or of one town's schools (touring to one of them, or
    with a live visit of one) when asked."""
    stmt = _sessions_stmt().order_by(StudySession.on, StudySession.slot, StudySession.id)
    if start_on is not None:
        stmt = stmt.where(StudySession.on >= start_on)
    if end_on is not None:
        stmt = stmt.where(StudySession.on <= end_on)
    if kind is not None:
        stmt = stmt.where(StudySession.kind == kind)
    if town_id is not None:
        schools = select(School.id).where(School.town_id == town_id)
        stmt = stmt.where(
            StudySession.touring_school_id.in_(schools)
            | StudySession.visits.any(Visit.school_id.in_(schools) & Visit.status.in_(LIVE))
        )
    return list(session.scalars(stmt))


def seats_taken(row: StudySession) -> int:
    """Seats taken by the live visits of a session."""
    return sum(v.students for v in row.visits if v.status in LIVE)


def bookable_sessions(
    session: Session, school: School, today: date, until: date
) -> list[StudySession]:
    """Sessions a school could ask for: open, in the future, at the base or touring to it."""
    rows = session.scalars(
        _sessions_stmt()
        .where(
            StudySession.status == "open",
            StudySession.on.between(today, until),
            (StudySession.kind == "base") | (StudySession.touring_school_id == school.id),
        )
        .order_by(StudySession.on, StudySession.slot)
    )
    return [
        r for r in rows if not any(v.school_id == school.id and v.status in LIVE for v in r.visits)
    ]


def visit_for(session: Session, user: User, visit_id: int) -> Visit:
    """A visit the user may see: coordinators all, a school its own, instructors theirs."""
    visit = session.get(Visit, visit_id)
    if visit is None:
        raise NotFound(N_("The page you asked for does not exist."))
    if user.role == "coordinator":
        return visit
    if user.role == "school" and user.school_id == visit.school_id:
        return visit
    if user.role == "instructor" and (
        user.instructor_id is None
        or user.instructor_id in {i.id for i in visit.session.instructors}
    ):
        return visit
    raise NotFound(N_("The page you asked for does not exist."))


def session_for(session: Session, user: User, session_id: int) -> StudySession:
    """A session the user may open: coordinators and instructors."""
    row = session.get(StudySession, session_id)
    if row is None or user.role not in ("coordinator", "instructor"):
        raise NotFound(N_("The page you asked for does not exist."))
    return row


def school_visits(session: Session, school_id: int) -> list[Visit]:
    """A school's visits, newest first."""
    return list(
        session.scalars(
            select(Visit)
            .join(StudySession)
            .where(Visit.school_id == school_id)
            .options(selectinload(Visit.activities), selectinload(Visit.session))
            .order_by(StudySession.on.desc(), Visit.id.desc())
        )
    )


def instructor_sessions(session: Session, instructor_id: int, since: date) -> list[StudySession]:
    """The sessions an instructor leads from a day on."""
    return list(
        session.scalars(
            _sessions_stmt()
            .where(
                StudySession.on >= since,
                StudySession.instructors.any(Instructor.id == instructor_id),
            )
            .order_by(StudySession.on, StudySession.slot)
        )
    )


def drafts(session: Session, start_on: date, end_on: date) -> list[Visit]:
    """Draft visits in a period, waiting to be published."""
    return list(
        session.scalars(
            select(Visit)
            .join(StudySession)
            .where(Visit.status == "draft", StudySession.on.between(start_on, end_on))
            .order_by(StudySession.on, Visit.id)
        )
    )


def not_ready(session: Session, today: date) -> list[Visit]:
    """Published visits within a week whose safety plan is missing."""
    rows = session.scalars(
        select(Visit)
        .join(StudySession)
        .where(
            Visit.status == "published", StudySession.on.between(today, today + timedelta(days=7))
        )
        .options(selectinload(Visit.safety_plan), selectinload(Visit.school))
        .order_by(StudySession.on)
    )
    return [v for v in rows if v.safety_plan is None]


@dataclass(frozen=True)
class VisitFilter:
    """What a list of visits shows: the visits whose day falls `between` (first and last
    day), of schools in `town_id`, with a `status`, of one `school_id` (each when given)."""

    between: tuple[date, date] | None = None
    town_id: int | None = None
    status: str | None = None
    school_id: int | None = None


def visits_for(
    session: Session, user: User, filters: VisitFilter, *, offset: int = 0, limit: int = 50
) -> tuple[int, list[Visit]]:
    """The visits the user may see (as `visit_for` decides one by one), filtered, in time
    order, a page of them: the total and the rows."""
    stmt = select(Visit).join(StudySession, Visit.session_id == StudySession.id)
    if user.role == "school":
        stmt = stmt.where(Visit.school_id == user.school_id)
    elif user.role == "instructor" and user.instructor_id is not None:
        stmt = stmt.where(StudySession.instructors.any(Instructor.id == user.instructor_id))
    elif user.role not in ("coordinator", "instructor"):
        return 0, []
    if filters.between is not None:
        stmt = stmt.where(StudySession.on.between(*filters.between))
    if filters.town_id is not None:
        stmt = stmt.where(Visit.school.has(School.town_id == filters.town_id))
    if filters.status is not None:
        stmt = stmt.where(Visit.status == filters.status)
    if filters.school_id is not None:
        stmt = stmt.where(Visit.school_id == filters.school_id)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.options(
            selectinload(Visit.school),
            selectinload(Visit.session),
            selectinload(Visit.activities),
            selectinload(Visit.safety_plan),
        )
        .order_by(StudySession.on, StudySession.slot, Visit.id)
        .offset(offset)
        .limit(limit)
    )
    return total, list(rows)


def change_requests(
    session: Session,
    *,
    status: str | None = "open",
    between: tuple[date, date] | None = None,
    town_id: int | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[int, list[ChangeRequest]]:
    """Schools' change requests (open ones unless another status or None is given), of visits
    whose day falls `between` and of schools in `town_id`, oldest first: the total and a page."""
    stmt = select(ChangeRequest).join(Visit, ChangeRequest.visit_id == Visit.id)
    if status is not None:
        stmt = stmt.where(ChangeRequest.status == status)
    if between is not None:
        stmt = stmt.where(Visit.session.has(StudySession.on.between(*between)))
    if town_id is not None:
        stmt = stmt.where(Visit.school.has(School.town_id == town_id))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.options(
            selectinload(ChangeRequest.visit).selectinload(Visit.session),
            selectinload(ChangeRequest.visit).selectinload(Visit.school),
            selectinload(ChangeRequest.proposed_session),
        )
        .order_by(ChangeRequest.id)
        .offset(offset)
        .limit(limit)
    )
    return total, list(rows)


def open_changes(session: Session) -> list[ChangeRequest]:
    """Change requests waiting for the coordinator."""
    return list(
        session.scalars(
            select(ChangeRequest).where(ChangeRequest.status == "open").order_by(ChangeRequest.id)
        )
    )


def waitlist(session: Session, start_on: date) -> list[WaitlistEntry]:
    """Schools waiting for a seat, from a day on."""
    return list(
        session.scalars(
            select(WaitlistEntry)
            .join(StudySession)
            .where(WaitlistEntry.offered_at.is_(None), StudySession.on >= start_on)
            .order_by(StudySession.on, WaitlistEntry.created_at)
        )
    )


@dataclass(frozen=True)
class SchoolCoverage:
    """Where one school stands this school year."""

    school: School
    visited: Visit | None  # a published visit on or before today
    planned: Visit | None  # the next live visit after today

    @property
    def state(self) -> str:
        """covered, planned or none."""
        return "covered" if self.visited else "planned" if self.planned else "none"


@dataclass(frozen=True)
class TownCoverage:
    """A town's schools and how many are covered or planned."""

    town: Town
    schools: list[SchoolCoverage]

    @property
    def covered(self) -> int:
        """Schools that have had their visit."""
        return sum(1 for s in self.schools if s.state == "covered")

    @property
    def planned(self) -> int:
        """Schools with a visit to come."""
        return sum(1 for s in self.schools if s.state == "planned")


def coverage(session: Session, school_year: int, today: date) -> list[TownCoverage]:
    """Every active school by town: covered (had its visit), planned, or not yet placed."""
    visits = session.scalars(
        select(Visit)
        .join(StudySession)
        .where(Visit.school_year == school_year, Visit.status.in_(LIVE))
        .options(selectinload(Visit.session))
        .order_by(StudySession.on)
    ).all()
    had: dict[int, Visit] = {}
    coming: dict[int, Visit] = {}
    for visit in visits:
        if visit.status == "published" and visit.session.on <= today:
            had.setdefault(visit.school_id, visit)
        elif visit.session.on > today:
            coming.setdefault(visit.school_id, visit)
    by_town: dict[int, list[SchoolCoverage]] = defaultdict(list)
    schools = session.scalars(
        select(School)
        .where(School.status == "active")
        .order_by(School.town_id, School.level, School.name)
    )
    for school in schools:
        by_town[school.town_id].append(
            SchoolCoverage(school, had.get(school.id), coming.get(school.id))
        )
    towns = session.scalars(select(Town).order_by(Town.code))
    return [TownCoverage(t, by_town[t.id]) for t in towns]


def term_visits(session: Session, term: Term, school_id: int | None = None) -> list[Visit]:
    """Live visits of a term (one school's, or all), in time order, ready for the plan."""
    stmt = (
        select(Visit)
        .join(StudySession)
        .where(StudySession.on.between(term.starts_on, term.ends_on), Visit.status.in_(LIVE))
        .options(
            selectinload(Visit.activities),
            selectinload(Visit.school).selectinload(School.town),
            selectinload(Visit.session).selectinload(StudySession.instructors),
        )
        .order_by(StudySession.on, StudySession.slot, Visit.id)
    )
    if school_id is not None:
        stmt = stmt.where(Visit.school_id == school_id)
    return list(session.scalars(stmt))


CSV_COLUMNS = [
    "date",
    "slot",
    "kind",
    "school",
    "town",
    "grade",
    "classes",
    "students",
    "teachers",
    "activities",
    "instructors",
    "status",
    "actual_students",
    "actual_teachers",
]


def visits_csv(visits: list[Visit]) -> bytes:
    """Visits as CSV (UTF-8 with BOM so spreadsheet programs read the Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for v in visits:
        writer.writerow(
            [
                v.session.on.isoformat(),
                v.session.slot,
                v.session.kind,
                v.school.name,
                v.school.town.name,
                v.grade,
                v.classes,
                v.students,
                v.teachers,
                "、".join(a.name for a in v.activities),
                "、".join(i.name for i in v.session.instructors),
                v.status,
                "" if v.actual_students is None else v.actual_students,
                "" if v.actual_teachers is None else v.actual_teachers,
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
