"""The three-end closed loop (三端闭环): dispute cases, contract reviews and prevention tasks.

A case's stage lives here; which moves are allowed, which team takes it, when it is escalated
and when it falls due are decided by the stateless rules of rules.disputes over facts computed
from these rows. Every move is a `CaseTransition` with the decision that allowed it.

Personal data: workers are named on a case only where the mediation documents need them
(`CaseParty` of kind "worker"); their names and contacts are shown to the case's own staff and
coordinators only, never to a firm (not even the firm in the case, which sees the count).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from programs.accounts.models import User
from programs.db import Base, utcnow
from programs.decisions.models import DecisionRecord
from programs.directory.models import Enterprise, Town
from programs.i18n import N_
from rules.disputes import (
    ALL_STAGES,
    CASE_TYPES,
    DEADLINE_BASES,
    SUBJECT_NAMES,
    TEAMS,
)

PARTY_KINDS = {
    "enterprise": N_("Firm"),
    "worker": N_("Worker"),
    "authority": N_("Authority"),
    "other": N_("Other party"),
}
PARTY_SIDES = {
    "applicant": N_("Applicant"),
    "respondent": N_("Respondent"),
    "joined": N_("Joined"),
}
# The authorities the one-stop centre works with (DOMAIN.md), joined to a case as parties.
AUTHORITIES = {
    "court": N_("The city court"),
    "justice_bureau": N_("The justice bureau"),
    "market_regulator": N_("The market regulator"),
    "labour_arbitration": N_("The labour arbitration commission"),
}
CASE_SOURCES = {
    "intake": N_("Taken in by the centre"),
    "firm": N_("Asked by the firm"),
    "review": N_("Found by a contract review"),
    "repeat": N_("Repeated disputes of one kind"),
    "checkup": N_("A legal check-up finding"),
    "coordinator": N_("A coordinator's decision"),
}
DOCUMENT_KINDS = {
    "application": N_("Application"),
    "evidence": N_("Evidence"),
    "contract": N_("Contract"),
    "agreement": N_("Mediation agreement"),
    "ruling": N_("Award or ruling"),
    "other": N_("Other"),
}


def _in(column: str, values: object) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"  # type: ignore[attr-defined]


class CaseTeamMember(Base):
    """Who works in which of the three teams (a mediator or consultant account)."""

    __tablename__ = "case_team_members"
    __table_args__ = (CheckConstraint(_in("team", TEAMS), name="team"),)

    team: Mapped[str] = mapped_column(String(30), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )

    user: Mapped[User] = relationship()


# A case is resolved on the day it first reaches this stage: a dispute its return visit
# (feedback), a contract review or a prevention task its closing.
RESOLVING_STAGE = {
    "labour": "feedback",
    "commercial": "feedback",
    "contract_review": "closed",
    "prevention": "closed",
}


class DisputeCase(Base):
    """One case of the loop: a labour or commercial dispute, a contract review or a prevention
    task. `stage` and `stage_entered_on` are the statechart's state; `due_on` is the last day of
    the current stage (statutory, the return visit, or the centre's own limit), kept here so that
    lists and the tick can find what falls due without computing every case. `resolved_on` is
    the day it first reached its RESOLVING_STAGE, kept for the figures."""

    __tablename__ = "dispute_cases"
    __table_args__ = (
        CheckConstraint(_in("case_type", CASE_TYPES), name="case_type"),
        CheckConstraint(_in("stage", ALL_STAGES), name="stage"),
        CheckConstraint(_in("team", TEAMS), name="team"),
        CheckConstraint(_in("subject", SUBJECT_NAMES), name="subject"),
        CheckConstraint(_in("source", CASE_SOURCES), name="source"),
        CheckConstraint(f"due_basis IS NULL OR {_in('due_basis', DEADLINE_BASES)}", name="basis"),
        CheckConstraint("workers >= 0", name="workers"),
        CheckConstraint("amount_claimed >= 0", name="amount_claimed"),
        CheckConstraint("amount_recovered >= 0 AND loss_avoided >= 0", name="amounts"),
        CheckConstraint(
            "satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5", name="satisfaction"
        ),
        Index("ix_dispute_cases_open_due", "closed_on", "due_on"),
        Index("ix_dispute_cases_assignee_stage", "assignee_id", "closed_on", "due_on"),
        Index("ix_dispute_cases_type_opened", "case_type", "opened_on"),
        Index("ix_dispute_cases_resolved_on", "resolved_on"),
        Index(
            "ix_dispute_cases_supervised",
            "due_on",
            sqlite_where=text("closed_on IS NULL AND (overdue OR escalated)"),
            postgresql_where=text("closed_on IS NULL AND (overdue OR escalated)"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    case_type: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(30), default="other")
    stage: Mapped[str] = mapped_column(String(30))
    stage_entered_on: Mapped[date]
    opened_on: Mapped[date]
    closed_on: Mapped[date | None]
    resolved_on: Mapped[date | None]
    team: Mapped[str] = mapped_column(String(30))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    counterparty_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"))
    counterparty_name: Mapped[str] = mapped_column(String(120), default="")
    town_id: Mapped[int] = mapped_column(ForeignKey("towns.id"))
    summary: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(20), default="intake")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("dispute_cases.id"))

    # Facts of the dispute the rules look at.
    workers: Mapped[int] = mapped_column(default=0)
    amount_claimed: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))
    knew_on: Mapped[date | None]  # the day the claimant knew or should have known (limitation)
    employment_continuing: Mapped[bool] = mapped_column(default=False)
    arbitration_agreed: Mapped[bool] = mapped_column(default=False)
    mediation_failed: Mapped[bool] = mapped_column(default=False)
    acceptance_refused: Mapped[bool] = mapped_column(default=False)
    award_final_eligible: Mapped[bool] = mapped_column(default=False)
    period_extended: Mapped[bool] = mapped_column(default=False)
    live_dispute: Mapped[bool] = mapped_column(default=False)

    # The current stage's deadline; set at every move, re-set when holiday data changes.
    due_on: Mapped[date | None]
    due_basis: Mapped[str | None] = mapped_column(String(20))
    warned_on: Mapped[date | None]  # the tick warned of this stage's deadline
    overdue: Mapped[bool] = mapped_column(default=False)
    escalated: Mapped[bool] = mapped_column(default=False)
    escalated_on: Mapped[date | None]

    # Outcomes.
    agreement_terms: Mapped[str] = mapped_column(Text, default="")
    agreed_amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))
    amount_recovered: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))
    loss_avoided: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))
    loss_evidence: Mapped[str] = mapped_column(Text, default="")
    contracts_reviewed: Mapped[int] = mapped_column(default=0)
    loopholes_fixed: Mapped[int] = mapped_column(default=0)
    findings: Mapped[str] = mapped_column(Text, default="")
    activity_on: Mapped[date | None]  # a prevention task's visit or training
    activity_note: Mapped[str] = mapped_column(Text, default="")
    return_visit_on: Mapped[date | None]
    satisfaction: Mapped[int | None]
    feedback_note: Mapped[str] = mapped_column(Text, default="")

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    enterprise: Mapped[Enterprise | None] = relationship(foreign_keys=[enterprise_id])
    counterparty: Mapped[Enterprise | None] = relationship(foreign_keys=[counterparty_id])
    town: Mapped[Town] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    parent: Mapped[DisputeCase | None] = relationship(remote_side=[id])
    parties: Mapped[list[CaseParty]] = relationship(
        back_populates="case", order_by="CaseParty.id", cascade="all, delete-orphan"
    )
    transitions: Mapped[list[CaseTransition]] = relationship(
        back_populates="case", order_by="CaseTransition.id", cascade="all, delete-orphan"
    )
    documents: Mapped[list[CaseDocument]] = relationship(
        back_populates="case", order_by="CaseDocument.id", cascade="all, delete-orphan"
    )

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    @property
    def counterparty_label(self) -> str:
        if self.counterparty is not None:
            return self.counterparty.name
        return self.counterparty_name

    @property
    def recovered_total(self) -> Decimal:
        """Loss recovered plus loss avoided: what the loop reports as recovered for firms."""
        return (self.amount_recovered or Decimal(0)) + (self.loss_avoided or Decimal(0))


class CaseParty(Base):
    """A party to a case: a firm, a worker (personal data, access-controlled), an authority the
    centre joins (court, justice bureau, market regulator), or another person."""

    __tablename__ = "case_parties"
    __table_args__ = (
        CheckConstraint(_in("kind", PARTY_KINDS), name="kind"),
        CheckConstraint(_in("side", PARTY_SIDES), name="side"),
        CheckConstraint(f"authority IS NULL OR {_in('authority', AUTHORITIES)}", name="authority"),
        UniqueConstraint("case_id", "authority", name="uq_case_parties_authority"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("dispute_cases.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    side: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    contact: Mapped[str] = mapped_column(String(60), default="")
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"))
    authority: Mapped[str | None] = mapped_column(String(30))

    case: Mapped[DisputeCase] = relationship(back_populates="parties")

    @property
    def is_personal(self) -> bool:
        """A worker's or another person's name and contact are personal data."""
        return self.kind in ("worker", "other")


class CaseTransition(Base):
    """One move of a case, with who moved it, why, and the decision that allowed it."""

    __tablename__ = "case_transitions"
    # The figures read the moves of a period (days per stage, cases resolved).
    __table_args__ = (Index("ix_case_transitions_on", "on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("dispute_cases.id", ondelete="CASCADE"), index=True
    )
    from_stage: Mapped[str | None] = mapped_column(String(30))
    to_stage: Mapped[str] = mapped_column(String(30))
    on: Mapped[date]
    days_in_stage: Mapped[int] = mapped_column(default=0)
    manual: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision_records.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[DisputeCase] = relationship(back_populates="transitions")
    actor: Mapped[User | None] = relationship()
    decision: Mapped[DecisionRecord | None] = relationship()


class CaseDocument(Base):
    """A document on the case's list (the paper file is kept by the centre)."""

    __tablename__ = "case_documents"
    __table_args__ = (CheckConstraint(_in("kind", DOCUMENT_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("dispute_cases.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    received_on: Mapped[date | None]
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[DisputeCase] = relationship(back_populates="documents")
