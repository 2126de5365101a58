"""Enterprise legal check-ups (企业法治体检): a firm's check-up, its items, and the fixes.

A check-up's checklist is chosen by the rules of rules.checkups from the firm's profile (the
decision is kept, `checklist_decision_id`); the consultant marks each item compliant, not
applicable, or a finding with a risk level, a recommendation and a day by which to fix it; the
grade (red / orange / green) is decided by the rules when the examination is finished
(`grade_decision_id`). Then the fixes are followed to the end: the firm marks a finding fixed
(with a note or a document), the consultant verifies it at a return visit, or the firm accepts
the risk in writing; the check-up closes when no finding is left open.

    requested -> examining -> reported -> closed
    requested | examining -> cancelled
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from programs.accounts.models import User
from programs.db import Base, utcnow
from programs.decisions.models import DecisionRecord
from programs.directory.models import Consultant, Enterprise
from programs.disputes.models import DisputeCase
from programs.friday.models import FridayRequest, FridayVisit
from programs.i18n import N_
from rules.checkups import CHECK_ITEMS, GRADES, RISK_LEVELS

CHECKUP_STATUSES = {
    "requested": N_("Requested"),
    "examining": N_("Being examined"),
    "reported": N_("Reported: fixes under way"),
    "closed": N_("Completed: every finding settled"),
    "cancelled": N_("Cancelled"),
}
OPEN_STATUSES = ("requested", "examining")
CHECKUP_SOURCES = {
    "firm": N_("Asked by the firm"),
    "visit": N_("Started on a Friday visit"),
    "coordinator": N_("Entered by a coordinator"),
}
RESULTS = {
    "pending": N_("Not checked yet"),
    "compliant": N_("Compliant"),
    "finding": N_("Finding"),
    "not_applicable": N_("Not applicable"),
}
FIX_STATUSES = {
    "open": N_("To be fixed"),
    "fixed": N_("Fixed, awaiting verification"),
    "verified": N_("Verified"),
    "accepted": N_("Accepted as a risk"),
}
SETTLED = ("verified", "accepted")
# The grade in one word, for lists (rules.checkups.GRADES has it with its meaning).
GRADE_SHORT = {"red": N_("Red"), "orange": N_("Orange"), "green": N_("Green")}
NUMBER_PREFIX = "TJ"  # 体检


def _in(column: str, values: dict[str, str] | tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Checkup(Base):
    """One legal check-up of one firm."""

    __tablename__ = "checkups"
    __table_args__ = (
        CheckConstraint(_in("status", CHECKUP_STATUSES), name="status"),
        CheckConstraint(_in("source", CHECKUP_SOURCES), name="source"),
        CheckConstraint(f"grade IS NULL OR {_in('grade', GRADES)}", name="grade"),
        Index("ix_checkups_status_requested", "status", "requested_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    consultant_id: Mapped[int | None] = mapped_column(ForeignKey("consultants.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="requested")
    source: Mapped[str] = mapped_column(String(20), default="firm")
    note: Mapped[str] = mapped_column(Text, default="")  # what the firm wants looked at
    requested_on: Mapped[date]
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The Friday request that brings the consultant to the firm, and the visit of the exam.
    friday_request_id: Mapped[int | None] = mapped_column(ForeignKey("friday_requests.id"))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("friday_visits.id"))
    checklist_decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision_records.id"))
    examined_on: Mapped[date | None]
    summary: Mapped[str] = mapped_column(Text, default="")  # the consultant's overall opinion
    grade: Mapped[str | None] = mapped_column(String(10))
    grade_decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision_records.id"))
    # What a red or orange grade opened: a Friday follow-up, a prevention task.
    follow_up_request_id: Mapped[int | None] = mapped_column(ForeignKey("friday_requests.id"))
    prevention_case_id: Mapped[int | None] = mapped_column(ForeignKey("dispute_cases.id"))
    closed_on: Mapped[date | None]
    cancel_reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    enterprise: Mapped[Enterprise] = relationship()
    consultant: Mapped[Consultant | None] = relationship()
    requested_by: Mapped[User | None] = relationship()
    friday_request: Mapped[FridayRequest | None] = relationship(foreign_keys=[friday_request_id])
    visit: Mapped[FridayVisit | None] = relationship()
    follow_up_request: Mapped[FridayRequest | None] = relationship(
        foreign_keys=[follow_up_request_id]
    )
    prevention_case: Mapped[DisputeCase | None] = relationship()
    checklist_decision: Mapped[DecisionRecord | None] = relationship(
        foreign_keys=[checklist_decision_id]
    )
    grade_decision: Mapped[DecisionRecord | None] = relationship(foreign_keys=[grade_decision_id])
    items: Mapped[list[CheckupItem]] = relationship(
        back_populates="checkup", order_by="CheckupItem.position", cascade="all, delete-orphan"
    )

    @property
    def findings(self) -> list[CheckupItem]:
        """The items marked as findings, in checklist order."""
        return [item for item in self.items if item.result == "finding"]

    def __repr__(self) -> str:
        return f"<Checkup {self.number} {self.status}>"


class CheckupItem(Base):
    """One item of a check-up's checklist: its result, and for a finding, the fix."""

    __tablename__ = "checkup_items"
    __table_args__ = (
        UniqueConstraint("checkup_id", "code"),
        CheckConstraint(_in("code", tuple(CHECK_ITEMS)), name="code"),
        CheckConstraint(_in("result", RESULTS), name="result"),
        CheckConstraint(f"risk IS NULL OR {_in('risk', RISK_LEVELS)}", name="risk"),
        CheckConstraint(
            f"fix_status IS NULL OR (result = 'finding' AND {_in('fix_status', FIX_STATUSES)})",
            name="fix_status",
        ),
        Index("ix_checkup_items_fix_due", "fix_status", "fix_due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    checkup_id: Mapped[int] = mapped_column(
        ForeignKey("checkups.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(40))
    result: Mapped[str] = mapped_column(String(20), default="pending")
    risk: Mapped[str | None] = mapped_column(String(10))
    urgent: Mapped[bool] = mapped_column(default=False)
    finding: Mapped[str] = mapped_column(Text, default="")
    recommendation: Mapped[str] = mapped_column(Text, default="")
    fix_due_on: Mapped[date | None]
    fix_status: Mapped[str | None] = mapped_column(String(20))
    fixed_on: Mapped[date | None]
    fix_note: Mapped[str] = mapped_column(Text, default="")
    fixed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_on: Mapped[date | None]  # the day of the return visit
    verify_note: Mapped[str] = mapped_column(Text, default="")
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verify_visit_id: Mapped[int | None] = mapped_column(ForeignKey("friday_visits.id"))
    returned_note: Mapped[str] = mapped_column(Text, default="")  # why a fix was not accepted
    accepted_on: Mapped[date | None]
    acceptance: Mapped[str] = mapped_column(Text, default="")  # the firm's written statement
    accepted_signer: Mapped[str] = mapped_column(String(80), default="")
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reminded_on: Mapped[date | None]

    checkup: Mapped[Checkup] = relationship(back_populates="items")
    verify_visit: Mapped[FridayVisit | None] = relationship()
    documents: Mapped[list[FixDocument]] = relationship(
        back_populates="item", order_by="FixDocument.id", cascade="all, delete-orphan"
    )

    def overdue(self, today: date) -> bool:
        """An open finding past its due day."""
        return self.fix_status == "open" and self.fix_due_on is not None and self.fix_due_on < today


class FixDocument(Base):
    """A document the firm gave as evidence of a fix (a signed contract template, a policy)."""

    __tablename__ = "checkup_fix_documents"
    __table_args__ = (CheckConstraint("size >= 0", name="size"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("checkup_items.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    item: Mapped[CheckupItem] = relationship(back_populates="documents")
