"""The study base: its sessions, activities, instructors, school plans, visits and what they need.

Privacy: nothing here names a child. A visit records counts (students, teachers, special-needs
count); cohorts are counts per grade (`SchoolGrade`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from programs.accounts.models import User
from programs.db import Base, utcnow
from programs.directory.models import School, Town
from programs.i18n import N_

INSTRUCTOR_KINDS = {
    "researcher": N_("Minors-protection law researcher"),
    "judge": N_("Judge"),
    "prosecutor": N_("Prosecutor"),
    "police": N_("Traffic police officer"),
    "teacher": N_("Teacher"),
    "other": N_("Other"),
}
SESSION_KINDS = {"base": N_("At the base"), "touring": N_("Touring (at the school)")}
SESSION_STATUSES = {"open": N_("Open"), "cancelled": N_("Cancelled")}
VISIT_STATUSES = {
    "draft": N_("Draft"),
    "published": N_("Published"),
    "cancelled": N_("Cancelled"),
}
VISIT_SOURCES = {
    "request": N_("Requested by the school"),
    "coordinator": N_("Entered by a coordinator"),
    "planner": N_("Placed by the planner"),
}
TRANSPORT = {
    "school_bus": N_("School bus"),
    "hired_coach": N_("Hired coach"),
    "public_transport": N_("Public transport"),
    "walking": N_("On foot"),
    "none": N_("None needed (touring session)"),
}
CHANGE_STATUSES = {"open": N_("Waiting"), "accepted": N_("Accepted"), "refused": N_("Refused")}
# Half-day sessions of the base, as it runs them by default.
DEFAULT_SESSION_TIMES = [
    {"code": "am", "starts": "09:00", "ends": "11:30"},
    {"code": "pm", "starts": "14:00", "ends": "16:30"},
]


def _in(column: str, values: dict[str, str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class StudyBase(Base):
    """The minors-protection study base (研学基地): where school groups come on tour days."""

    __tablename__ = "study_bases"
    __table_args__ = (CheckConstraint("seats_per_session > 0", name="seats_per_session"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"))
    address: Mapped[str] = mapped_column(String(200), default="")
    seats_per_session: Mapped[int] = mapped_column(default=100)
    # Monday is 0: Tuesday and Thursday by default, as the city runs it.
    opening_weekdays: Mapped[list[Any]] = mapped_column(default=lambda: [1, 3])
    session_times: Mapped[list[Any]] = mapped_column(
        default=lambda: [dict(t) for t in DEFAULT_SESSION_TIMES]
    )
    description: Mapped[str] = mapped_column(Text, default="")

    town: Mapped[Town] = relationship()
    activities: Mapped[list[Activity]] = relationship(
        back_populates="base", order_by="Activity.code"
    )


instructor_activities = Table(
    "instructor_activities",
    Base.metadata,
    Column("instructor_id", ForeignKey("instructors.id", ondelete="CASCADE"), primary_key=True),
    Column("activity_id", ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
)


class Activity(Base):
    """Something a school group does at the base or on tour, e.g. the mock-court role-play."""

    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint("grade_min BETWEEN 1 AND 12", name="grade_min"),
        CheckConstraint("grade_max BETWEEN grade_min AND 12", name="grade_max"),
        CheckConstraint("group_min > 0", name="group_min"),
        CheckConstraint("group_max >= group_min", name="group_max"),
        CheckConstraint("duration_minutes BETWEEN 15 AND 240", name="duration_minutes"),
        CheckConstraint("instructors_needed BETWEEN 1 AND 10", name="instructors_needed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("study_bases.id"))
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    grade_min: Mapped[int]
    grade_max: Mapped[int]
    group_min: Mapped[int]
    group_max: Mapped[int]
    duration_minutes: Mapped[int] = mapped_column(default=90)
    room: Mapped[str] = mapped_column(String(60), default="")
    instructors_needed: Mapped[int] = mapped_column(default=1)
    tours_schools: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)

    base: Mapped[StudyBase] = relationship(back_populates="activities")
    instructors: Mapped[list[Instructor]] = relationship(
        secondary=instructor_activities, back_populates="activities"
    )


class Instructor(Base):
    """Who leads activities: researchers, judges and prosecutors for the mock court, traffic
    police for the safety class. Days they cannot come are closures of scope "instructor"."""

    __tablename__ = "instructors"
    __table_args__ = (CheckConstraint(_in("kind", INSTRUCTOR_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    organisation: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    active: Mapped[bool] = mapped_column(default=True)

    activities: Mapped[list[Activity]] = relationship(
        secondary=instructor_activities, back_populates="instructors", order_by="Activity.code"
    )


class SchoolPlan(Base):
    """What a school brings in one school year: the designated grade and classes, and its wishes.

    Counts only. The number of students is worked out from the grade's classes, and the school may
    correct it.
    """

    __tablename__ = "school_plans"
    __table_args__ = (
        UniqueConstraint("school_id", "school_year"),
        CheckConstraint("grade BETWEEN 1 AND 12", name="grade"),
        CheckConstraint("classes BETWEEN 1 AND 10", name="classes"),
        CheckConstraint("students BETWEEN 1 AND 1000", name="students"),
        CheckConstraint("term IS NULL OR term IN ('autumn', 'spring')", name="term"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    school_year: Mapped[int]  # the year the school year starts: 2026 = 2026-2027
    grade: Mapped[int]
    classes: Mapped[int] = mapped_column(default=2)
    students: Mapped[int]
    preferred_weekdays: Mapped[list[Any]] = mapped_column(default=list)
    preferred_months: Mapped[list[Any]] = mapped_column(default=list)
    # The term the coordinator wants the visit in; None lets the planner split the year evenly.
    term: Mapped[str | None] = mapped_column(String(10))
    contact_name: Mapped[str] = mapped_column(String(40), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")

    school: Mapped[School] = relationship()


session_instructors = Table(
    "session_instructors",
    Base.metadata,
    Column("session_id", ForeignKey("study_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("instructor_id", ForeignKey("instructors.id"), primary_key=True),
)


class StudySession(Base):
    """A half-day at the base (or a touring session at a school) that groups are booked into."""

    __tablename__ = "study_sessions"
    __table_args__ = (
        CheckConstraint(_in("kind", SESSION_KINDS), name="kind"),
        CheckConstraint(_in("status", SESSION_STATUSES), name="status"),
        CheckConstraint("seats > 0", name="seats"),
        CheckConstraint(
            "(kind = 'touring' AND touring_school_id IS NOT NULL) "
            "OR (kind = 'base' AND touring_school_id IS NULL)",
            name="touring_school",
        ),
        # One base session per half-day; SQLite ignores FOR UPDATE, this holds the line.
        Index(
            "uq_study_sessions_base_slot",
            "base_id",
            "on",
            "slot",
            unique=True,
            sqlite_where=text("kind = 'base'"),
            postgresql_where=text("kind = 'base'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("study_bases.id"))
    kind: Mapped[str] = mapped_column(String(20), default="base")
    touring_school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    on: Mapped[date] = mapped_column(index=True)
    slot: Mapped[str] = mapped_column(String(10))  # "am" / "pm", from the base's session times
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    seats: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default="open")
    sequence: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    base: Mapped[StudyBase] = relationship()
    touring_school: Mapped[School | None] = relationship()
    instructors: Mapped[list[Instructor]] = relationship(
        secondary=session_instructors, order_by="Instructor.name"
    )
    visits: Mapped[list[Visit]] = relationship(back_populates="session", order_by="Visit.id")


visit_activities = Table(
    "visit_activities",
    Base.metadata,
    Column("visit_id", ForeignKey("visits.id", ondelete="CASCADE"), primary_key=True),
    Column("activity_id", ForeignKey("activities.id"), primary_key=True),
)


class Visit(Base):
    """One school's group in one session, doing one or two activities (a "school visit").

    A draft until a coordinator publishes it. Counts only: students, accompanying teachers.
    """

    __tablename__ = "visits"
    __table_args__ = (
        CheckConstraint(_in("status", VISIT_STATUSES), name="status"),
        CheckConstraint(_in("source", VISIT_SOURCES), name="source"),
        CheckConstraint("students > 0", name="students"),
        CheckConstraint("teachers >= 0", name="teachers"),
        CheckConstraint("grade BETWEEN 1 AND 12", name="grade"),
        CheckConstraint("actual_students IS NULL OR actual_students >= 0", name="actual_students"),
        CheckConstraint("actual_teachers IS NULL OR actual_teachers >= 0", name="actual_teachers"),
        Index("ix_visits_school_year", "school_id", "school_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("study_sessions.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    school_year: Mapped[int]
    grade: Mapped[int]
    classes: Mapped[int] = mapped_column(default=2)
    students: Mapped[int]
    teachers: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default="draft")
    source: Mapped[str] = mapped_column(String(20), default="request")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    sequence: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Attendance, recorded after the day: what the reports count.
    actual_students: Mapped[int | None]
    actual_teachers: Mapped[int | None]
    attendance_recorded_at: Mapped[datetime | None]
    # When the school was reminded that its safety plan is missing (once per visit).
    safety_reminded_at: Mapped[datetime | None]

    session: Mapped[StudySession] = relationship(back_populates="visits")
    school: Mapped[School] = relationship()
    created_by: Mapped[User | None] = relationship()
    activities: Mapped[list[Activity]] = relationship(
        secondary=visit_activities, order_by="Activity.code"
    )
    safety_plan: Mapped[SafetyPlan | None] = relationship(back_populates="visit", uselist=False)


class SafetyPlan(Base):
    """What the school prepares for the day: teachers, transport, emergency contact, needs."""

    __tablename__ = "safety_plans"
    __table_args__ = (
        CheckConstraint(_in("transport", TRANSPORT), name="transport"),
        CheckConstraint("accompanying_teachers >= 0", name="accompanying_teachers"),
        CheckConstraint("special_needs_count >= 0", name="special_needs_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), unique=True)
    accompanying_teachers: Mapped[int]
    transport: Mapped[str] = mapped_column(String(30))
    emergency_contact: Mapped[str] = mapped_column(String(40))
    emergency_phone: Mapped[str] = mapped_column(String(30))
    special_needs_count: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    visit: Mapped[Visit] = relationship(back_populates="safety_plan")


class WaitlistEntry(Base):
    """A school that asked for a full session; a freed seat goes to the least-covered first."""

    __tablename__ = "waitlist_entries"
    __table_args__ = (
        Index(
            "uq_waitlist_open",
            "session_id",
            "school_id",
            unique=True,
            sqlite_where=text("offered_at IS NULL"),
            postgresql_where=text("offered_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("study_sessions.id", ondelete="CASCADE"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    school_year: Mapped[int]
    students: Mapped[int]
    teachers: Mapped[int]
    activity_ids: Mapped[list[Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    offered_at: Mapped[datetime | None]

    session: Mapped[StudySession] = relationship()
    school: Mapped[School] = relationship()


class ChangeRequest(Base):
    """A school asks to move or cancel a published visit; a coordinator answers with a reason."""

    __tablename__ = "visit_change_requests"
    __table_args__ = (CheckConstraint(_in("status", CHANGE_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    proposed_session_id: Mapped[int | None] = mapped_column(ForeignKey("study_sessions.id"))
    cancel: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answer: Mapped[str] = mapped_column(Text, default="")

    visit: Mapped[Visit] = relationship()
    proposed_session: Mapped[StudySession | None] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])


class PlanDraft(Base):
    """One run of the study-tour planner for a term: what it proposes, kept until applied.

    The result is plain JSON (placements with why, unplaced schools with why, the shortfall
    account, metrics), so the coordinator can compare it with the current plan before applying.
    """

    __tablename__ = "plan_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_year: Mapped[int]
    term: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    provisional: Mapped[bool] = mapped_column(default=False)
    result: Mapped[dict[str, Any]]
    applied_at: Mapped[datetime | None]
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
