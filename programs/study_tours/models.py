"""The study base and the activities it offers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from programs.db import Base
from programs.directory.models import Town


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
    description: Mapped[str] = mapped_column(Text, default="")

    town: Mapped[Town] = relationship()
    activities: Mapped[list[Activity]] = relationship(
        back_populates="base", order_by="Activity.code"
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
    tours_schools: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)

    base: Mapped[StudyBase] = relationship(back_populates="activities")
