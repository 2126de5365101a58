"""Parameter versions, stored decisions and the overrides of them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from programs.accounts.models import User
from programs.db import Base, utcnow


class ParameterVersion(Base):
    """One version of a ruleset's parameters; the highest version is the live one.

    Versions are never edited: a change is a new version, so every stored decision can be
    explained with the exact values it used.
    """

    __tablename__ = "parameter_versions"
    __table_args__ = (
        UniqueConstraint("ruleset", "version"),
        CheckConstraint("version > 0", name="version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ruleset: Mapped[str] = mapped_column(String(60))
    version: Mapped[int]
    values: Mapped[dict[str, Any]]
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    created_by: Mapped[User | None] = relationship()


class DecisionRecord(Base):
    """A decision the rules made that changed data, kept whole so it can be explained later."""

    __tablename__ = "decision_records"
    __table_args__ = (
        Index("ix_decision_records_subject", "subject_type", "subject_id"),
        Index("ix_decision_records_ruleset_created", "ruleset", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ruleset: Mapped[str] = mapped_column(String(60))
    ruleset_version: Mapped[str] = mapped_column(String(20))
    parameters_version: Mapped[int | None]
    record: Mapped[dict[str, Any]]  # rules.Decision.to_record(): facts, parameters, fired rules
    refused: Mapped[bool] = mapped_column(default=False)
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[int | None]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    overrides: Mapped[list[DecisionOverride]] = relationship(
        back_populates="decision", order_by="DecisionOverride.id"
    )


class DecisionOverride(Base):
    """A coordinator set a decision's outcome aside, and said why."""

    __tablename__ = "decision_overrides"
    __table_args__ = (CheckConstraint("length(reason) > 0", name="reason"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision_records.id"), index=True)
    outcome: Mapped[dict[str, Any]]
    reason: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    decision: Mapped[DecisionRecord] = relationship(back_populates="overrides")
    actor: Mapped[User] = relationship()
