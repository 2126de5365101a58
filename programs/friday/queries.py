"""Read-only views of the Friday Law Service Day for the pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from programs.accounts.models import User
from programs.directory.models import Chamber, Consultant, Enterprise
from programs.friday.models import (
    ConsultantConflict,
    FridayRequest,
    FridayVisit,
    Pairing,
    Problem,
    Studio,
)


def _request_loads() -> tuple:
    return (
        selectinload(FridayRequest.enterprise),
        selectinload(FridayRequest.chamber),
        selectinload(FridayRequest.town),
        selectinload(FridayRequest.visits),
    )


def requests_for(
    session: Session,
    actor: User,
    *,
    status: str | None = None,
    made_between: tuple[datetime, datetime] | None = None,
    town_id: int | None = None,
) -> list[FridayRequest]:
    """The requests the actor may see, newest first: all for a coordinator, a firm's or a
    chamber's own, the ones a consultant visits. `made_between`: made at or after the first
    instant and before the second; `town_id`: in that town."""
    query = select(FridayRequest).options(*_request_loads())
    if actor.role == "enterprise":
        query = query.where(FridayRequest.enterprise_id == actor.enterprise_id)
    elif actor.role == "chamber":
        query = query.where(FridayRequest.chamber_id == actor.chamber_id)
    elif actor.role == "consultant":
        paired = select(Pairing.enterprise_id).where(
            Pairing.consultant_id == actor.consultant_id, Pairing.ended_on.is_(None)
        )
        query = query.where(
            FridayRequest.id.in_(
                select(FridayVisit.request_id).where(
                    FridayVisit.consultant_id == actor.consultant_id
                )
            )
            | FridayRequest.enterprise_id.in_(paired)
        )
    elif actor.role != "coordinator":
        return []
    if status:
        query = query.where(FridayRequest.status == status)
    if made_between is not None:
        query = query.where(
            FridayRequest.created_at >= made_between[0], FridayRequest.created_at < made_between[1]
        )
    if town_id is not None:
        query = query.where(FridayRequest.town_id == town_id)
    return list(session.scalars(query.order_by(FridayRequest.created_at.desc()).limit(500)))


def open_requests(session: Session) -> list[FridayRequest]:
    """Requests waiting for a Friday: follow-ups first, then the longest waiting."""
    rows = session.scalars(
        select(FridayRequest).options(*_request_loads()).where(FridayRequest.status == "open")
    ).all()
    return sorted(rows, key=lambda r: (not r.is_follow_up, r.created_at, r.id))


def _visits_query(
    actor: User,
    *,
    start: date | None,
    end: date | None,
    town_id: int | None,
    status: str | None,
    consultant_id: int | None,
) -> Select | None:
    """The visits the actor may see, filtered; None when the actor sees none."""
    query = select(FridayVisit)
    if actor.role == "consultant":
        query = query.where(FridayVisit.consultant_id == actor.consultant_id)
    elif actor.role in ("enterprise", "chamber"):
        column = (
            FridayRequest.enterprise_id if actor.role == "enterprise" else FridayRequest.chamber_id
        )
        mine = actor.enterprise_id if actor.role == "enterprise" else actor.chamber_id
        query = query.join(FridayVisit.request).where(
            column == mine, FridayVisit.status.in_(("published", "done"))
        )
    elif actor.role != "coordinator":
        return None
    if start is not None:
        query = query.where(FridayVisit.on >= start)
    if end is not None:
        query = query.where(FridayVisit.on <= end)
    if town_id is not None:
        query = query.where(
            FridayVisit.request_id.in_(
                select(FridayRequest.id).where(FridayRequest.town_id == town_id)
            )
        )
    if status:
        query = query.where(FridayVisit.status == status)
    if consultant_id is not None:
        query = query.where(FridayVisit.consultant_id == consultant_id)
    return query


def visits_for(
    session: Session,
    actor: User,
    *,
    start: date | None = None,
    end: date | None = None,
    town_id: int | None = None,
    status: str | None = None,
    consultant_id: int | None = None,
) -> list[FridayVisit]:
    """Visits the actor may see, by date: a consultant's own, a firm's or chamber's published
    and recorded ones, all for a coordinator (optionally in one town, of one status, by one
    consultant)."""
    return visits_page(
        session,
        actor,
        start=start,
        end=end,
        town_id=town_id,
        status=status,
        consultant_id=consultant_id,
    )[1]


def visits_page(
    session: Session,
    actor: User,
    *,
    start: date | None = None,
    end: date | None = None,
    town_id: int | None = None,
    status: str | None = None,
    consultant_id: int | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[int, list[FridayVisit]]:
    """How many visits `visits_for` finds, and those from `offset` (at most `limit`), counted
    and cut in the database: a year holds hundreds."""
    query = _visits_query(
        actor,
        start=start,
        end=end,
        town_id=town_id,
        status=status,
        consultant_id=consultant_id,
    )
    if query is None:
        return 0, []
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.options(
            selectinload(FridayVisit.request).selectinload(FridayRequest.enterprise),
            selectinload(FridayVisit.consultant),
            selectinload(FridayVisit.problems),
        )
        .order_by(FridayVisit.on, FridayVisit.id)
        .offset(offset)
        .limit(limit)
    )
    return total, list(rows)


@dataclass(frozen=True)
class Figures:
    """The program's running figures for a year."""

    entities_visited: int
    visits: int
    problems: int
    solved: int
    by_category: dict[str, int]


def figures(session: Session, year: int) -> Figures:
    """Entities visited, visits, problems found and solved, by category, in a calendar year."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    done = select(FridayVisit).where(
        FridayVisit.status == "done", FridayVisit.on.between(start, end)
    )
    visits = session.scalar(select(func.count()).select_from(done.subquery())) or 0
    entities = (
        session.scalar(
            select(func.count(func.distinct(FridayRequest.enterprise_id)))
            .join(FridayVisit, FridayVisit.request_id == FridayRequest.id)
            .where(FridayVisit.status == "done", FridayVisit.on.between(start, end))
        )
        or 0
    )
    chambers_and_villages = (
        session.scalar(
            select(func.count(func.distinct(FridayRequest.id)))
            .join(FridayVisit, FridayVisit.request_id == FridayRequest.id)
            .where(
                FridayVisit.status == "done",
                FridayVisit.on.between(start, end),
                FridayRequest.enterprise_id.is_(None),
            )
        )
        or 0
    )
    rows = session.execute(
        select(Problem.category, Problem.solved, func.count())
        .join(FridayVisit, Problem.visit_id == FridayVisit.id)
        .where(FridayVisit.status == "done", FridayVisit.on.between(start, end))
        .group_by(Problem.category, Problem.solved)
    ).all()
    by_category: dict[str, int] = {}
    solved = 0
    for category, was_solved, count in rows:
        by_category[category] = by_category.get(category, 0) + count
        solved += count if was_solved else 0
    return Figures(
        entities_visited=entities + chambers_and_villages,
        visits=visits,
        problems=sum(by_category.values()),
        solved=solved,
        by_category=by_category,
    )


def pairings_of(session: Session, consultant_id: int) -> list[Pairing]:
    """A consultant's active pairings, by firm name."""
    return list(
        session.scalars(
            select(Pairing)
            .join(Pairing.enterprise)
            .where(Pairing.consultant_id == consultant_id, Pairing.ended_on.is_(None))
            .order_by(Enterprise.name)
        )
    )


def consultants(session: Session) -> list[Consultant]:
    """Active consultants by name."""
    return list(
        session.scalars(select(Consultant).where(Consultant.active).order_by(Consultant.name))
    )


def chambers(session: Session) -> list[Chamber]:
    """Chambers by name."""
    return list(session.scalars(select(Chamber).order_by(Chamber.name)))


def studios(session: Session) -> list[Studio]:
    """Active studios by name."""
    return list(session.scalars(select(Studio).where(Studio.active).order_by(Studio.name)))


def requests_by_ids(session: Session, ids: list[int]) -> list[FridayRequest]:
    """Requests by id, with what their labels need."""
    if not ids:
        return []
    return list(
        session.scalars(
            select(FridayRequest).options(*_request_loads()).where(FridayRequest.id.in_(ids))
        )
    )


def conflicts_for(session: Session, actor: User) -> list[ConsultantConflict]:
    """Declared conflicts: a consultant's own, or all for a coordinator."""
    query = select(ConsultantConflict).order_by(ConsultantConflict.declared_on.desc())
    if actor.role == "consultant":
        query = query.where(ConsultantConflict.consultant_id == actor.consultant_id)
    elif actor.role != "coordinator":
        return []
    return list(session.scalars(query))
