"""Hotline and petition records: what people called the 12345 hotline or petitioned about, by
day, town and category — the history the seasonal analysis reads beside the dispute cases.

Only what the analysis and the city's figures need is kept: the day, the town, the category,
whether a firm called, and a short summary. No caller's name or number is imported."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from programs.db import Base, utcnow
from programs.directory.models import Town
from programs.i18n import N_

CHANNELS = {
    "hotline": N_("12345 hotline"),
    "petition": N_("Petition"),
}
# The categories the city's hotline records use for disputes a firm or a worker brings.
CATEGORIES = {
    "wage_arrears": N_("Wage arrears"),
    "labour_contract": N_("Labour contracts and dismissal"),
    "social_insurance": N_("Social insurance"),
    "work_injury": N_("Work injury"),
    "commercial": N_("Commercial disputes"),
    "consumer": N_("Consumer complaints"),
    "other": N_("Other"),
}
SUMMARY_MAX = 500


def _in(column: str, values: dict[str, str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class HotlineRecord(Base):
    """One call to the hotline or one petition, as the city's records give it."""

    __tablename__ = "hotline_records"
    __table_args__ = (
        CheckConstraint(_in("channel", CHANNELS), name="channel"),
        CheckConstraint(_in("category", CATEGORIES), name="category"),
        Index("ix_hotline_records_received_on_town", "received_on", "town_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    received_on: Mapped[date]
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"))
    channel: Mapped[str] = mapped_column(String(10), default="hotline")
    category: Mapped[str] = mapped_column(String(30))
    from_enterprise: Mapped[bool] = mapped_column(default=False)
    summary: Mapped[str] = mapped_column(Text, default="")
    # The same record sent twice (a file imported again) is kept once.
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    town: Mapped[Town] = relationship()


ACTION_KINDS = {
    "friday_session": N_("A Friday legal session in the town"),
    "checkup_campaign": N_("Legal check-ups for the town's firms"),
    "study_class": N_(
        "A study-base class for the town's middle schools before the summer holidays"
    ),
}
ACTION_STATUSES = {
    "proposed": N_("Proposed"),
    "approved": N_("Approved and scheduled"),
    "dismissed": N_("Dismissed"),
}


class SeasonalAction(Base):
    """Preventive work proposed before a seasonal peak: what, where, for which peak, and what
    became of it once a coordinator approved it (the request or check-ups it filed)."""

    __tablename__ = "seasonal_actions"
    __table_args__ = (
        CheckConstraint(_in("kind", ACTION_KINDS), name="kind"),
        CheckConstraint(_in("status", ACTION_STATUSES), name="status"),
        UniqueConstraint("town_id", "category", "peak_starts_on", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"))
    category: Mapped[str] = mapped_column(String(40))
    peak_starts_on: Mapped[date]  # the first day of the peak month
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="proposed")
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # What approving it filed: {"friday_request": id}, {"checkups": [ids], "skipped": [...]} or
    # {"school_plans": [ids], "school_year": y, "skipped": [school ids]}.
    outcome: Mapped[dict[str, Any]] = mapped_column(default=dict)

    town: Mapped[Town] = relationship()
