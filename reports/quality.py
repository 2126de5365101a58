"""Data quality: before anyone signs a report, what would make its figures wrong.

Each check selects the records of a period (and town) that break one rule of good records,
with what is wrong and how to put it right; a report lists them ahead of its figures:

- a recovered amount with no supporting record: a resolved dispute with an amount recovered but
  neither agreed terms nor an agreement or award among its documents; a contract review with a
  loss avoided or recovered but no findings and no evidence written;
- a recorded Friday visit with no problem recorded (a visit finds at least one, or the record
  says nothing of what it did);
- a study-tour visit whose session has taken place with no attendance recorded;
- an open case without a deadline for longer than STUCK_DAYS (nothing will ever warn of it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from programs.directory.models import School, Town
from programs.disputes.models import CaseDocument, DisputeCase
from programs.friday.models import FridayVisit, Problem
from programs.i18n import N_
from programs.study_tours.models import StudySession, Visit
from reports.figures import Column, Scope, Table, in_town
from reports.figures.friday import VISIT_COLUMNS, visit_rows

STUCK_DAYS = 30


@dataclass(frozen=True)
class Check:
    """One rule of good records: the records that break it, what is wrong, how to fix it."""

    key: str
    label: str  # message id
    fix: str  # message id: what to do
    columns: tuple[Column, ...]
    query: Callable[[Scope, date], Select[Any]]

    def table(self, session: Session, scope: Scope, today: date) -> Table:
        """The records that break the rule."""
        return Table(self.columns, [tuple(r) for r in session.execute(self.query(scope, today))])


def _recovered_unsupported(scope: Scope, today: date) -> Select[Any]:
    documented = exists().where(
        CaseDocument.case_id == DisputeCase.id, CaseDocument.kind.in_(("agreement", "ruling"))
    )
    dispute_unsupported = (
        DisputeCase.case_type.in_(("labour", "commercial"))
        & (DisputeCase.agreement_terms == "")
        & ~documented
    )
    review_unsupported = (
        (DisputeCase.case_type == "contract_review")
        & (DisputeCase.findings == "")
        & (DisputeCase.loss_evidence == "")
    )
    statement = (
        select(
            DisputeCase.number.label("number"),
            Town.name.label("town"),
            DisputeCase.resolved_on.label("resolved_on"),
            (DisputeCase.amount_recovered + DisputeCase.loss_avoided).label("amount"),
        )
        .join(Town, Town.id == DisputeCase.town_id)
        .where(
            DisputeCase.resolved_on.between(scope.start_on, scope.end_on),
            (DisputeCase.amount_recovered + DisputeCase.loss_avoided) > 0,
            dispute_unsupported | review_unsupported,
        )
        .order_by(DisputeCase.number)
    )
    return in_town(statement, DisputeCase.town_id, scope)


def _visits_without_problems(scope: Scope, today: date) -> Select[Any]:
    return visit_rows(scope, FridayVisit.id.label("visit")).where(
        ~exists().where(Problem.visit_id == FridayVisit.id)
    )


def _sessions_without_attendance(scope: Scope, today: date) -> Select[Any]:
    statement = (
        select(
            StudySession.on.label("on"),
            School.name.label("school"),
            Town.name.label("town"),
            Visit.students.label("booked"),
        )
        .join(StudySession, StudySession.id == Visit.session_id)
        .join(School, School.id == Visit.school_id)
        .join(Town, Town.id == School.town_id)
        .where(
            StudySession.on.between(scope.start_on, min(scope.end_on, today - timedelta(days=1))),
            StudySession.status != "cancelled",
            Visit.status == "published",
            Visit.attendance_recorded_at.is_(None),
        )
        .order_by(StudySession.on, School.name)
    )
    return in_town(statement, School.town_id, scope)


def _stuck_without_deadline(scope: Scope, today: date) -> Select[Any]:
    statement = (
        select(
            DisputeCase.number.label("number"),
            Town.name.label("town"),
            DisputeCase.stage.label("stage"),
            DisputeCase.stage_entered_on.label("since"),
        )
        .join(Town, Town.id == DisputeCase.town_id)
        .where(
            DisputeCase.closed_on.is_(None),
            DisputeCase.due_on.is_(None),
            DisputeCase.stage_entered_on <= min(scope.end_on, today) - timedelta(STUCK_DAYS),
        )
        .order_by(DisputeCase.stage_entered_on, DisputeCase.number)
    )
    return in_town(statement, DisputeCase.town_id, scope)


CHECKS = (
    Check(
        "recovered_unsupported",
        N_("A recovered amount with no supporting record"),
        N_(
            "Add the mediation agreement or the award to the case's documents (or write the "
            "agreed terms); for a contract review, write its findings and the evidence of the loss."
        ),
        (
            Column("number", N_("Case number")),
            Column("town", N_("Town")),
            Column("resolved_on", N_("Resolved on"), "date"),
            Column("amount", N_("Recovered or avoided (yuan)"), "yuan"),
        ),
        _recovered_unsupported,
    ),
    Check(
        "visit_without_problems",
        N_("A recorded Friday visit with no problem recorded"),
        N_("Open the visit and record the problems found, or what the consultant did there."),
        (*VISIT_COLUMNS, Column("visit", N_("Visit"), "number")),
        _visits_without_problems,
    ),
    Check(
        "session_without_attendance",
        N_("A study-tour visit that took place with no attendance recorded"),
        N_("Record how many students and teachers came, on the session's page."),
        (
            Column("on", N_("Date"), "date"),
            Column("school", N_("School")),
            Column("town", N_("Town")),
            Column("booked", N_("Students booked"), "number"),
        ),
        _sessions_without_attendance,
    ),
    Check(
        "case_without_deadline",
        N_("An open case with no deadline for more than 30 days"),
        N_("Move the case on or close it; nothing warns of a stage without a deadline."),
        (
            Column("number", N_("Case number")),
            Column("town", N_("Town")),
            Column("stage", N_("Stage")),
            Column("since", N_("In the stage since"), "date"),
        ),
        _stuck_without_deadline,
    ),
)


@dataclass(frozen=True)
class QualityProblem:
    """A check and the records that break it."""

    check: Check
    table: Table


def problems(session: Session, scope: Scope, today: date) -> list[QualityProblem]:
    """Every check that finds something, with what it found."""
    out = []
    for check in CHECKS:
        table = check.table(session, scope, today)
        if table.rows:
            out.append(QualityProblem(check, table))
    return out
