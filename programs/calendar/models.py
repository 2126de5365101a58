"""What the calendar keeps: closures, imports awaiting confirmation, holiday data, flags, feeds."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from programs.accounts.models import User
from programs.db import Base, utcnow
from programs.i18n import N_

CLOSURE_KINDS = {
    "maintenance": N_("Maintenance"),
    "vacation": N_("School vacation"),
    "exams": N_("Exam weeks"),
    "leave": N_("Leave"),
    "other": N_("Other"),
}
# What a closure closes: the study base, every school, one school, or one consultant.
CLOSURE_SCOPES = {
    "base": N_("Study base"),
    "all_schools": N_("All schools"),
    "school": N_("One school"),
    "consultant": N_("Consultant's leave"),
    "instructor": N_("Instructor unavailable"),
}


class Closure(Base):
    """A stretch of days on which something is closed; cancelled closures are kept (for feeds)."""

    __tablename__ = "closures"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates"),
        CheckConstraint(f"kind IN ({', '.join(repr(k) for k in CLOSURE_KINDS)})", name="kind"),
        CheckConstraint(f"scope IN ({', '.join(repr(s) for s in CLOSURE_SCOPES)})", name="scope"),
        CheckConstraint(
            "(scope = 'all_schools' AND scope_id IS NULL) "
            "OR (scope <> 'all_schools' AND scope_id IS NOT NULL)",
            name="scope_id",
        ),
        CheckConstraint("sequence >= 0", name="sequence"),
        Index("ix_closures_scope_dates", "scope", "scope_id", "starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(20))
    scope_id: Mapped[int | None]
    kind: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reason: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(20), default="manual")
    # iCalendar SEQUENCE: bumped on every change so calendar clients take the new version.
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None]

    created_by: Mapped[User | None] = relationship()


class ClosureImport(Base):
    """An .ics file read and shown to the coordinator, waiting to be applied (or not)."""

    __tablename__ = "closure_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(20))
    scope_id: Mapped[int | None]
    proposals: Mapped[list[Any]]
    problems: Mapped[list[Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    applied_at: Mapped[datetime | None]


class HolidayYear(Base):
    """The holiday data a year was last checked against, to notice when a package upgrade
    changes it (for example when a provisional year's official arrangement arrives)."""

    __tablename__ = "holiday_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    fingerprint: Mapped[str] = mapped_column(String(64))
    provisional: Mapped[bool]
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecheckFlag(Base):
    """A published booking or open deadline that a calendar change made doubtful.

    Raised by a re-check, shown to coordinators until someone resolves it; nothing is moved
    silently. One open flag per record and reason.
    """

    __tablename__ = "recheck_flags"
    __table_args__ = (
        Index(
            "uq_recheck_flags_open",
            "subject_type",
            "subject_id",
            "fingerprint",
            unique=True,
            sqlite_where=text("resolved_at IS NULL"),
            postgresql_where=text("resolved_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(40))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int]
    label: Mapped[str] = mapped_column(String(200))
    link: Mapped[str | None] = mapped_column(String(300))
    msgid: Mapped[str] = mapped_column(Text)
    params: Mapped[dict[str, Any]]
    cause_msgid: Mapped[str] = mapped_column(Text)
    cause_params: Mapped[dict[str, Any]]
    fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str] = mapped_column(Text, default="")


class FeedToken(Base):
    """The secret in a user's personal calendar-feed address; regenerate to cut off old copies."""

    __tablename__ = "feed_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
