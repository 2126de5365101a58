"""Reading the loop: case lists (paginated), the supervision list, the loop's own figures."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from programs.accounts.models import User
from programs.disputes.models import CaseTeamMember, CaseTransition, DisputeCase
from programs.disputes.services import visible_cases

PER_PAGE = 50


@dataclass(frozen=True)
class CaseFilter:
    """What the case list shows: `mine` (assigned to the user), a type, a stage, open only;
    `opened_between` (first and last day) and `town_id` narrow it to the cases opened in a
    period and to a town."""

    mine: bool = False
    case_type: str = ""
    stage: str = ""
    include_closed: bool = False
    supervised: bool = False  # overdue or escalated
    search: str = ""
    opened_between: tuple[date, date] | None = None
    town_id: int | None = None


@dataclass(frozen=True)
class Page:
    cases: list[DisputeCase]
    page: int
    pages: int
    total: int


def case_list(
    session: Session, user: User, filters: CaseFilter, *, page: int = 1, per_page: int = PER_PAGE
) -> Page:
    """The cases the user may see, soonest due first (cases without a due day last)."""
    query = visible_cases(session, user)
    if filters.mine:
        query = query.where(DisputeCase.assignee_id == user.id)
    if filters.case_type:
        query = query.where(DisputeCase.case_type == filters.case_type)
    if filters.stage:
        query = query.where(DisputeCase.stage == filters.stage)
    if not filters.include_closed:
        query = query.where(DisputeCase.closed_on.is_(None))
    if filters.supervised:
        query = query.where(DisputeCase.overdue | DisputeCase.escalated)
    if filters.opened_between is not None:
        query = query.where(DisputeCase.opened_on.between(*filters.opened_between))
    if filters.town_id is not None:
        query = query.where(DisputeCase.town_id == filters.town_id)
    if filters.search.strip():
        term = filters.search.strip()  # % and _ are searched for as themselves
        query = query.where(
            DisputeCase.number.icontains(term, autoescape=True)
            | DisputeCase.counterparty_name.icontains(term, autoescape=True)
        )
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    order = (DisputeCase.due_on.is_(None), DisputeCase.due_on, DisputeCase.id)
    # The page's ids first, then its rows: sorting (due day, id) of every matching case is far
    # cheaper than sorting whole rows, which PostgreSQL spills to disk at tens of thousands.
    ids = (
        query.with_only_columns(DisputeCase.id)
        .order_by(*order)
        .limit(per_page)
        .offset((page - 1) * per_page)
        .subquery()
    )
    rows = session.scalars(
        select(DisputeCase)
        .join(ids, DisputeCase.id == ids.c.id)
        .order_by(*order)
        .options(selectinload(DisputeCase.enterprise), selectinload(DisputeCase.assignee))
    ).all()
    return Page(list(rows), page, pages, total)


def supervision_list(
    session: Session,
    user: User,
    filters: CaseFilter = CaseFilter(),
    *,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Page:
    """Escalated and overdue open cases: the coordinators' tracking and supervision (跟踪督办),
    narrowed by the other filters given (a period, a town)."""
    supervised = replace(filters, supervised=True, include_closed=False)
    return case_list(session, user, supervised, page=page, per_page=per_page)


def children(session: Session, case: DisputeCase) -> list[DisputeCase]:
    """The cases this one opened: a review's dispute, a dispute's prevention task."""
    return list(
        session.scalars(
            select(DisputeCase).where(DisputeCase.parent_id == case.id).order_by(DisputeCase.id)
        )
    )


def team_members(session: Session) -> dict[str, list[User]]:
    members: dict[str, list[User]] = defaultdict(list)
    for row in session.scalars(select(CaseTeamMember).options(selectinload(CaseTeamMember.user))):
        members[row.team].append(row.user)
    return dict(members)


@dataclass
class LoopFigures:
    """The loop's own counts for a period (cases opened in it, or resolved in it)."""

    opened: dict[str, int] = field(default_factory=dict)
    resolved: dict[str, int] = field(default_factory=dict)  # reached feedback or closed
    recovered: Decimal = Decimal(0)  # loss recovered or avoided by contract reviews
    agreed: Decimal = Decimal(0)  # amounts agreed in mediation
    contracts_reviewed: int = 0
    days_per_stage: dict[str, float] = field(default_factory=dict)  # average days spent
    overdue_now: int = 0
    escalated: int = 0
    satisfaction: float | None = None

    @property
    def disputes_resolved(self) -> int:
        return self.resolved.get("labour", 0) + self.resolved.get("commercial", 0)


def loop_figures(session: Session, start_on: date, end_on: date) -> LoopFigures:
    """Counted from the transitions of the period: a dispute is resolved when it first reaches
    its feedback stage (or closes without a feedback stage, as reviews and tasks do)."""
    figures = LoopFigures()
    for case_type, count in session.execute(
        select(DisputeCase.case_type, func.count())
        .where(DisputeCase.opened_on.between(start_on, end_on))
        .group_by(DisputeCase.case_type)
    ):
        figures.opened[case_type] = count
    # Resolved: a dispute when it first reaches its feedback stage (a dispute withdrawn at
    # intake is not resolved by the loop); a review or a prevention task when it closes.
    in_period = list(
        session.scalars(
            select(DisputeCase.id)
            .where(DisputeCase.resolved_on.between(start_on, end_on))
            .order_by(DisputeCase.id)
        )
    )
    satisfaction: list[int] = []
    for chunk in range(0, len(in_period), 500):
        for case in session.scalars(
            select(DisputeCase).where(DisputeCase.id.in_(in_period[chunk : chunk + 500]))
        ):
            figures.resolved[case.case_type] = figures.resolved.get(case.case_type, 0) + 1
            figures.agreed += case.agreed_amount or Decimal(0)
            if case.case_type == "contract_review":
                figures.recovered += case.recovered_total
                figures.contracts_reviewed += case.contracts_reviewed
            if case.satisfaction:
                satisfaction.append(case.satisfaction)
    if satisfaction:
        figures.satisfaction = sum(satisfaction) / len(satisfaction)
    spent: dict[str, list[int]] = defaultdict(list)
    for from_stage, days in session.execute(
        select(CaseTransition.from_stage, CaseTransition.days_in_stage).where(
            CaseTransition.from_stage.is_not(None),
            CaseTransition.on.between(start_on, end_on),
        )
    ):
        spent[from_stage].append(days)
    figures.days_per_stage = {stage: sum(d) / len(d) for stage, d in sorted(spent.items())}
    figures.overdue_now = (
        session.scalar(
            select(func.count()).where(DisputeCase.closed_on.is_(None), DisputeCase.overdue)
        )
        or 0
    )
    figures.escalated = (
        session.scalar(
            select(func.count()).where(DisputeCase.escalated_on.between(start_on, end_on))
        )
        or 0
    )
    return figures
