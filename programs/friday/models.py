"""Friday Law Service Day (星期五法治服务日): requests, one-to-one pairings, monthly rosters,
visits and the problems they solve; the legal-help studios and their Friday office hours.

A request is what someone asks for: a firm a visit (topics, a short description, preferred
Fridays), a chamber of commerce a group session for its members (法律进商会, with a headcount), a
town a session in a village or community (法律下基层). A coordinator may enter any of them on
someone's behalf; other programs (the labour loop, check-ups) create follow-up requests the same
way. The roster of a month puts requests on Fridays with consultants as visits; a visit's record
lists the problems found, by category, solved on the spot or followed up.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from programs.accounts.models import User
from programs.db import Base, utcnow
from programs.directory.models import PROBLEM_CATEGORIES, Chamber, Consultant, Enterprise, Town
from programs.i18n import N_

REQUEST_KINDS = {
    "enterprise": N_("Visit to a firm"),
    "chamber": N_("Group session at a chamber of commerce"),
    "village": N_("Legal session in a village or community"),
}
VENUE_KINDS = {
    "premises": N_("The firm's premises"),
    "chamber": N_("A chamber of commerce"),
    "village": N_("A village or community hall"),
    "studio": N_("A legal-help studio"),
}
REQUEST_SOURCES = {
    "firm": N_("Asked by the firm"),
    "chamber": N_("Asked by the chamber"),
    "town": N_("Asked by the town"),
    "coordinator": N_("Entered by a coordinator"),
    "consultant": N_("Booked by the consultant"),
    "follow_up": N_("Follow-up of a visit"),
    "checkup": N_("Follow-up of a legal check-up"),
    "labour": N_("From the labour-dispute loop"),
}
REQUEST_STATUSES = {
    "open": N_("Awaiting a Friday"),
    "scheduled": N_("On the roster"),
    "done": N_("Visited"),
    "cancelled": N_("Cancelled"),
}
VISIT_STATUSES = {
    "draft": N_("Draft"),
    "published": N_("Published"),
    "done": N_("Recorded"),
    "cancelled": N_("Cancelled"),
}
VISIT_SOURCES = {"roster": N_("Placed by the roster"), "direct": N_("Booked directly")}
ROSTER_STATUSES = {"draft": N_("Draft"), "published": N_("Published")}
BOOKING_STATUSES = {"booked": N_("Booked"), "cancelled": N_("Cancelled")}


def _in(column: str, values: dict[str, str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Studio(Base):
    """A legal-help studio for enterprises (法律助企工作室): a fixed venue where consultants sit."""

    __tablename__ = "studios"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"))
    address: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)

    town: Mapped[Town] = relationship()


class FridayRequest(Base):
    """Someone asks for a Friday visit or session."""

    __tablename__ = "friday_requests"
    __table_args__ = (
        CheckConstraint(_in("kind", REQUEST_KINDS), name="kind"),
        CheckConstraint(_in("venue_kind", VENUE_KINDS), name="venue_kind"),
        CheckConstraint(_in("source", REQUEST_SOURCES), name="source"),
        CheckConstraint(_in("status", REQUEST_STATUSES), name="status"),
        CheckConstraint("headcount IS NULL OR headcount BETWEEN 1 AND 2000", name="headcount"),
        CheckConstraint(
            "(kind = 'enterprise' AND enterprise_id IS NOT NULL)"
            " OR (kind = 'chamber' AND chamber_id IS NOT NULL)"
            " OR kind = 'village'",
            name="requester",
        ),
        Index("ix_friday_requests_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    chamber_id: Mapped[int | None] = mapped_column(ForeignKey("chambers.id"), index=True)
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"))
    venue_kind: Mapped[str] = mapped_column(String(20))
    studio_id: Mapped[int | None] = mapped_column(ForeignKey("studios.id"))
    place: Mapped[str] = mapped_column(String(120), default="")  # village or community name
    topics: Mapped[list[Any]] = mapped_column(default=list)  # PROBLEM_CATEGORIES codes
    description: Mapped[str] = mapped_column(Text, default="")
    preferred_fridays: Mapped[list[Any]] = mapped_column(default=list)  # ISO dates
    headcount: Mapped[int | None]
    counterparty: Mapped[str] = mapped_column(String(120), default="")  # for conflict checks
    source: Mapped[str] = mapped_column(String(20), default="firm")
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    enterprise: Mapped[Enterprise | None] = relationship()
    chamber: Mapped[Chamber | None] = relationship()
    town: Mapped[Town] = relationship()
    studio: Mapped[Studio | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    visits: Mapped[list[FridayVisit]] = relationship(
        back_populates="request", order_by="FridayVisit.on"
    )

    @property
    def is_follow_up(self) -> bool:
        """Follow-ups come first on a roster."""
        return self.source in ("follow_up", "checkup", "labour")

    @property
    def label(self) -> str:
        """Who asked: the firm, the chamber, or the village and town."""
        if self.enterprise is not None:
            return self.enterprise.name
        if self.chamber is not None:
            return self.chamber.name
        return f"{self.town.name} {self.place}".strip()


class Pairing(Base):
    """One-to-one help (一帮一): a firm's paired consultant, who keeps coming back.

    At most one active pairing per firm; an ended one keeps why it ended.
    """

    __tablename__ = "pairings"
    __table_args__ = (
        Index(
            "uq_pairings_active_enterprise",
            "enterprise_id",
            unique=True,
            sqlite_where=text("ended_on IS NULL"),
            postgresql_where=text("ended_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    consultant_id: Mapped[int] = mapped_column(ForeignKey("consultants.id"), index=True)
    started_on: Mapped[date]
    ended_on: Mapped[date | None]
    end_reason: Mapped[str] = mapped_column(Text, default="")
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision_records.id"))

    enterprise: Mapped[Enterprise] = relationship()
    consultant: Mapped[Consultant] = relationship()


class ConsultantConflict(Base):
    """A conflict of interest a consultant declared: with a firm, or with a counterparty by name
    (a firm's opponent in a dispute). Such a consultant is never paired or sent there."""

    __tablename__ = "consultant_conflicts"
    __table_args__ = (
        CheckConstraint("enterprise_id IS NOT NULL OR counterparty <> ''", name="target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultant_id: Mapped[int] = mapped_column(
        ForeignKey("consultants.id", ondelete="CASCADE"), index=True
    )
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"))
    counterparty: Mapped[str] = mapped_column(String(120), default="")
    reason: Mapped[str] = mapped_column(String(200), default="")
    declared_on: Mapped[date]

    consultant: Mapped[Consultant] = relationship()
    enterprise: Mapped[Enterprise | None] = relationship()


class Roster(Base):
    """A month's Friday roster: drafted by the planner, reviewed and published by a coordinator."""

    __tablename__ = "friday_rosters"
    __table_args__ = (CheckConstraint(_in("status", ROSTER_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(unique=True)  # the first day of the month
    status: Mapped[str] = mapped_column(String(20), default="draft")
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)  # what the planner could not do
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    visits: Mapped[list[FridayVisit]] = relationship(
        back_populates="roster", order_by="FridayVisit.on"
    )


class FridayVisit(Base):
    """A consultant's visit on a Friday for a request, and its record once made."""

    __tablename__ = "friday_visits"
    __table_args__ = (
        CheckConstraint(_in("status", VISIT_STATUSES), name="status"),
        CheckConstraint(_in("source", VISIT_SOURCES), name="source"),
        CheckConstraint("minutes IS NULL OR minutes BETWEEN 5 AND 600", name="minutes"),
        Index("ix_friday_visits_consultant_on", "consultant_id", "on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("friday_requests.id"), index=True)
    consultant_id: Mapped[int] = mapped_column(ForeignKey("consultants.id"))
    on: Mapped[date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    source: Mapped[str] = mapped_column(String(20), default="roster")
    roster_id: Mapped[int | None] = mapped_column(ForeignKey("friday_rosters.id"), index=True)
    met: Mapped[str] = mapped_column(String(200), default="")  # who was met, e.g. "总经理、人事"
    minutes: Mapped[int | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cancel_reason: Mapped[str] = mapped_column(String(200), default="")
    # iCalendar: SEQUENCE goes up whenever the date, the consultant or the status changes.
    sequence: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    request: Mapped[FridayRequest] = relationship(back_populates="visits")
    consultant: Mapped[Consultant] = relationship()
    roster: Mapped[Roster | None] = relationship(back_populates="visits")
    problems: Mapped[list[Problem]] = relationship(
        back_populates="visit", cascade="all, delete-orphan", order_by="Problem.id"
    )


class Problem(Base):
    """A problem found on a visit, by category; solved on the spot or followed up."""

    __tablename__ = "friday_problems"
    __table_args__ = (CheckConstraint(_in("category", PROBLEM_CATEGORIES), name="category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(
        ForeignKey("friday_visits.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text, default="")
    solved: Mapped[bool] = mapped_column(default=False)
    follow_up_request_id: Mapped[int | None] = mapped_column(ForeignKey("friday_requests.id"))

    visit: Mapped[FridayVisit] = relationship(back_populates="problems")
    follow_up_request: Mapped[FridayRequest | None] = relationship()


class OfficeHours(Base):
    """A consultant's Friday office hours at a studio, booked by firms by the half hour."""

    __tablename__ = "office_hours"
    __table_args__ = (
        CheckConstraint("ends > starts", name="ends"),
        UniqueConstraint("consultant_id", "on", "starts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    studio_id: Mapped[int] = mapped_column(ForeignKey("studios.id"), index=True)
    consultant_id: Mapped[int] = mapped_column(ForeignKey("consultants.id"))
    on: Mapped[date] = mapped_column(index=True)
    starts: Mapped[time]
    ends: Mapped[time]

    studio: Mapped[Studio] = relationship()
    consultant: Mapped[Consultant] = relationship()
    bookings: Mapped[list[OfficeBooking]] = relationship(
        back_populates="office_hours", order_by="OfficeBooking.starts"
    )


class OfficeBooking(Base):
    """Half an hour of office hours booked by a firm."""

    __tablename__ = "office_bookings"
    __table_args__ = (
        CheckConstraint(_in("status", BOOKING_STATUSES), name="status"),
        Index(
            "uq_office_bookings_live_slot",
            "office_hours_id",
            "starts",
            unique=True,
            sqlite_where=text("status = 'booked'"),
            postgresql_where=text("status = 'booked'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_hours_id: Mapped[int] = mapped_column(ForeignKey("office_hours.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    starts: Mapped[time]
    topic: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="booked")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    office_hours: Mapped[OfficeHours] = relationship(back_populates="bookings")
    enterprise: Mapped[Enterprise] = relationship()


class TownNeighbour(Base):
    """Two towns that border each other: a consultant from next door counts as nearby."""

    __tablename__ = "town_neighbours"
    __table_args__ = (CheckConstraint("town_id <> neighbour_id", name="distinct"),)

    town_id: Mapped[int] = mapped_column(
        ForeignKey("towns.id", ondelete="CASCADE"), primary_key=True
    )
    neighbour_id: Mapped[int] = mapped_column(
        ForeignKey("towns.id", ondelete="CASCADE"), primary_key=True
    )
