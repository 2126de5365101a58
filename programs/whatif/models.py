"""A draft parameter version: proposed values, kept beside the live ones until published."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from programs.accounts.models import User
from programs.db import Base, utcnow

STATUSES = ("draft", "published", "discarded")


class ParameterDraft(Base):
    """Values a coordinator wants to try for a ruleset. The rules never use a draft for a real
    decision: only a replay does, until the draft is published as a new live version."""

    __tablename__ = "parameter_drafts"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in STATUSES)})", name="status"),
        CheckConstraint("length(note) > 0", name="note"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ruleset: Mapped[str] = mapped_column(String(60), index=True)
    values: Mapped[dict[str, Any]]
    note: Mapped[str] = mapped_column(Text)
    # The live version when the draft was made (None: the defaults were live).
    based_on_version: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(10), default="draft")
    published_version: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
