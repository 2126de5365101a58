"""The audit trail: one entry for every change a person or the system makes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from programs.db import Base, insert_for_each, utcnow


class AuditEntry(Base):
    """Who did what to which record, when, with the details needed to explain it later."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(60))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int | None]
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


def record(
    session: Session,
    action: str,
    subject: Any,
    *,
    actor_id: int | None = None,
    **data: Any,
) -> AuditEntry:
    """Add an audit entry for `subject` (a model instance, flushed so it has an id)."""
    if subject.id is None:
        session.flush()
    entry = AuditEntry(
        action=action,
        subject_type=subject.__tablename__,
        subject_id=subject.id,
        actor_id=actor_id,
        data=data,
    )
    session.add(entry)
    return entry


def record_many(
    session: Session,
    action: str,
    subject: type[Any],
    subject_ids: Sequence[int],
    *,
    actor_id: int | None = None,
    chunk: int = 2000,
    **data: Any,
) -> None:
    """The same entry for many records of the model `subject`, written now by INSERT … SELECT:
    for batch work (the tick) that changes thousands of rows alike."""
    values = {
        "at": utcnow(),
        "actor_id": actor_id,
        "action": action,
        "subject_type": subject.__tablename__,
        "data": data,
    }
    insert_for_each(session, AuditEntry, values, "subject_id", subject, subject_ids, chunk=chunk)
