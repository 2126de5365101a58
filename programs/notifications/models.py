"""Inbox messages and outgoing mail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from programs.db import Base, utcnow

MAIL_STATUSES = ("pending", "sending", "sent", "failed", "local")


class Notification(Base):
    """One message in a user's inbox, stored as message ids so it reads in the user's language."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    subject_msgid: Mapped[str] = mapped_column(String(300))
    body_msgid: Mapped[str] = mapped_column(Text, default="")
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    link: Mapped[str | None] = mapped_column(String(300))


class OutboundMail(Base):
    """An e-mail waiting to go, gone, failed, or kept in the local outbox when there is no SMTP.

    Written in the same transaction as the change it reports, and delivered only after that
    transaction commits (a transactional outbox), so a rolled-back change never sends mail.
    """

    __tablename__ = "outbound_mail"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in MAIL_STATUSES)})", name="status"),
        Index("ix_outbound_mail_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int | None] = mapped_column(
        ForeignKey("notifications.id", ondelete="SET NULL")
    )
    to_address: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    notification: Mapped[Notification | None] = relationship()
