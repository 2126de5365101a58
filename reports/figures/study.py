"""The minors-protection study base: sessions held, student and teacher visits by activity,
schools covered of all the schools, touring sessions.

A visit counts when it took place: published (a draft was never confirmed to the school, a
cancelled visit did not happen), in a session that was not cancelled, on a day that has come
(today included, as `programs.study_tours.queries.coverage` counts a school covered), and not a
no-show (attendance recorded with no student). Its students and teachers are those who came when
attendance was recorded, else those booked. A visit's day and town are its session's day and its
school's town; a session is held when at least one visit in it counts, and it counts in each town
one of those visits comes from."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, case, func, literal, or_, select
from sqlalchemy.orm import aliased

from calendars import today
from programs.directory.models import SCHOOL_LEVELS, School, Town
from programs.i18n import N_
from programs.study_tours.models import (
    SESSION_KINDS,
    Activity,
    StudyBase,
    StudySession,
    Visit,
    visit_activities,
)
from programs.study_tours.planning import SLOT_NAMES
from reports.figures import Column, Figure, Scope, in_town, register

DATE = Column("on", N_("Date"), "date")
SLOT = Column("slot", N_("Half-day"), "code", SLOT_NAMES)
KIND = Column("kind", N_("Kind"), "code", SESSION_KINDS)
SCHOOL = Column("school", N_("School"))
TOWN = Column("town", N_("Town"))


def _counted(scope: Scope) -> list[Any]:
    """The conditions under which a visit of the scope's days took place."""
    return [
        Visit.status == "published",
        StudySession.status != "cancelled",
        StudySession.on.between(scope.start_on, scope.end_on),
        StudySession.on <= today(),
        or_(Visit.actual_students.is_(None), Visit.actual_students > 0),
    ]


def _activities() -> Any:
    """The visit's activities by name, in the order of their codes: "mock court、traffic
    safety". A visit does one or two (the services hold it to that); more show as "first、…、last"."""

    def name(order: Any) -> Any:
        return (
            select(Activity.name)
            .join(visit_activities, visit_activities.c.activity_id == Activity.id)
            .where(visit_activities.c.visit_id == Visit.id)
            .order_by(order)
            .limit(1)
            .scalar_subquery()
        )

    first, last = name(Activity.code), name(Activity.code.desc())
    count = (
        select(func.count())
        .select_from(visit_activities)
        .where(visit_activities.c.visit_id == Visit.id)
        .scalar_subquery()
    )
    return case(
        (count == 2, first + literal("、") + last),
        (count > 2, first + literal("、…、") + last),
        else_=first,
    )


def _visits(scope: Scope) -> Select[Any]:
    """The visits that took place in the scope, one row each."""
    statement = (
        select(
            StudySession.on.label("on"),
            StudySession.slot.label("slot"),
            StudySession.kind.label("kind"),
            School.name.label("school"),
            Town.name.label("town"),
            School.level.label("level"),
            Visit.grade.label("grade"),
            _activities().label("activities"),
            func.coalesce(Visit.actual_students, Visit.students).label("students"),
            func.coalesce(Visit.actual_teachers, Visit.teachers).label("teachers"),
            Visit.attendance_recorded_at.is_not(None).label("recorded"),
            Visit.school_id.label("school_id"),
        )
        .join(StudySession, StudySession.id == Visit.session_id)
        .join(School, School.id == Visit.school_id)
        .join(Town, Town.id == School.town_id)
        .where(*_counted(scope))
        .order_by(StudySession.on, StudySession.slot, Visit.id)
    )
    return in_town(statement, School.town_id, scope)


def _sessions(scope: Scope, *conditions: Any) -> Select[Any]:
    """The sessions held in the scope, one row each, with the visits that counted in them.

    Where a session was held: at the base (the base's town) or at the touring school."""
    counted = (
        select(
            Visit.session_id.label("session_id"),
            func.count(Visit.id).label("visits"),
            func.sum(func.coalesce(Visit.actual_students, Visit.students)).label("students"),
        )
        .join(StudySession, StudySession.id == Visit.session_id)
        .join(School, School.id == Visit.school_id)
        .where(*_counted(scope))
        .group_by(Visit.session_id)
    )
    counted = in_town(counted, School.town_id, scope).subquery()
    host = aliased(School)
    where = aliased(Town)
    return (
        select(
            StudySession.on.label("on"),
            StudySession.slot.label("slot"),
            StudySession.kind.label("kind"),
            func.coalesce(host.name, StudyBase.name).label("place"),
            where.name.label("town"),
            counted.c.visits.label("visits"),
            counted.c.students.label("students"),
        )
        .join(counted, counted.c.session_id == StudySession.id)
        .join(StudyBase, StudyBase.id == StudySession.base_id)
        .outerjoin(host, host.id == StudySession.touring_school_id)
        .join(where, where.id == func.coalesce(host.town_id, StudyBase.town_id))
        .where(*conditions)
        .order_by(StudySession.on, StudySession.slot, StudySession.id)
    )


def _schools(scope: Scope) -> Select[Any]:
    """The active schools (of the scope's town) on the day the figure is read."""
    statement = (
        select(
            School.name.label("school"),
            Town.name.label("town"),
            School.level.label("level"),
            School.id.label("school_id"),
        )
        .join(Town, Town.id == School.town_id)
        .where(School.status == "active")
        .order_by(Town.code, School.level, School.name)
    )
    return in_town(statement, School.town_id, scope)


LEVEL = Column("level", N_("Kind of school"), "code", SCHOOL_LEVELS)
SCHOOL_ID = Column("school_id", N_("School number"), "number")
VISIT_COLUMNS = (
    DATE,
    SLOT,
    KIND,
    SCHOOL,
    TOWN,
    LEVEL,
    Column("grade", N_("Grade"), "number"),
    Column("activities", N_("Activities")),
    Column("students", N_("Students"), "number"),
    Column("teachers", N_("Accompanying teachers"), "number"),
    Column("recorded", N_("Attendance recorded"), "bool"),
    SCHOOL_ID,
)
SESSION_COLUMNS = (
    DATE,
    SLOT,
    KIND,
    Column("place", N_("Where")),
    TOWN,
    Column("visits", N_("School groups"), "number"),
    Column("students", N_("Students"), "number"),
)

SESSIONS = Figure(
    key="study.sessions",
    program="study",
    label=N_("Study sessions held"),
    unit="count",
    columns=SESSION_COLUMNS,
    query=_sessions,
    group_by="kind",
    help=N_(
        "Half-days at the base and touring sessions at schools in which at least one school "
        "group's visit took place (published, not cancelled, and not a group that did not "
        "come); in a town, the sessions a group of the town's schools came to."
    ),
)
STUDENTS = Figure(
    key="study.student_visits",
    program="study",
    label=N_("Student visits"),
    unit="count",
    columns=VISIT_COLUMNS,
    query=_visits,
    aggregate="sum",
    of="students",
    group_by="activities",
    help=N_(
        "Students of the visits that took place in the period: those who came where attendance "
        "was recorded, else those booked. Draft and cancelled visits do not count. A group "
        "that did two activities counts once, under the pair."
    ),
)
TEACHERS = Figure(
    key="study.teacher_visits",
    program="study",
    label=N_("Teacher visits"),
    unit="count",
    columns=VISIT_COLUMNS,
    query=_visits,
    aggregate="sum",
    of="teachers",
    group_by="activities",
    help=N_(
        "Accompanying teachers of the visits that took place in the period: those who came "
        "where attendance was recorded, else those booked."
    ),
)
COVERED = Figure(
    key="study.schools_covered",
    program="study",
    label=N_("Schools covered"),
    unit="count",
    columns=VISIT_COLUMNS,
    query=_visits,
    aggregate="distinct",
    of="school_id",
    group_by="town",
    help=N_(
        "Schools with at least one visit that took place in the period, each counted once "
        "however many groups it sent, by the school's town."
    ),
)
SCHOOLS = Figure(
    key="study.schools_total",
    program="study",
    label=N_("Schools to cover"),
    unit="count",
    columns=(SCHOOL, TOWN, LEVEL, SCHOOL_ID),
    query=_schools,
    group_by="town",
    help=N_(
        "The active primary and middle schools the study-tour plan must cover, by town, as the "
        "directory lists them now: set the schools covered against them."
    ),
)
TOURING = Figure(
    key="study.touring_sessions",
    program="study",
    label=N_("Touring sessions held at schools"),
    unit="count",
    columns=SESSION_COLUMNS,
    query=lambda scope: _sessions(scope, StudySession.kind == "touring"),
    group_by="town",
    help=N_(
        "Sessions the base took to a school (the mock court, the traffic-safety class) in "
        "which a group's visit took place, by the school's town."
    ),
)

register(SESSIONS, STUDENTS, TEACHERS, COVERED, SCHOOLS, TOURING)
