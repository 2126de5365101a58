"""Read models of the directory, filtered by what the reader may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from programs.accounts import access
from programs.accounts.models import User
from programs.directory.models import Chamber, Consultant, Enterprise, School, Town
from programs.errors import NotFound
from programs.i18n import N_

T = TypeVar("T")
PAGE_SIZE = 50


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a long list."""

    items: list[T]
    page: int
    pages: int
    total: int


def paginate(session: Session, stmt: Select[tuple[T]], page: int, size: int = PAGE_SIZE) -> Page[T]:
    """Run `stmt` for one page; page numbers start at 1 and are clamped to what exists."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    items = list(session.scalars(stmt.limit(size).offset((page - 1) * size)).unique())
    return Page(items, page, pages, total)


def towns(session: Session) -> list[Town]:
    """All towns, in code order."""
    return list(session.scalars(select(Town).order_by(Town.code)))


def enterprises(
    session: Session, user: User, *, q: str = "", town_id: int | None = None, page: int = 1
) -> Page[Enterprise]:
    """Firms the user may see, searched by name or credit code."""
    stmt = access.visible_enterprises(user).options(selectinload(Enterprise.town))
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(
            or_(Enterprise.name.like(like), Enterprise.credit_code.like(like.upper()))
        )
    if town_id:
        stmt = stmt.where(Enterprise.town_id == town_id)
    return paginate(session, stmt.order_by(Enterprise.name, Enterprise.id), page)


def active_enterprises(session: Session) -> list[Enterprise]:
    """Approved firms by name: the choices of a staff form that names a firm."""
    return list(
        session.scalars(
            select(Enterprise).where(Enterprise.status == "active").order_by(Enterprise.name)
        )
    )


def enterprise(session: Session, user: User, enterprise_id: int) -> Enterprise:
    """One firm, if the user may see it."""
    found = session.get(Enterprise, enterprise_id)
    if found is None:
        raise NotFound(N_("The page you asked for does not exist."))
    access.require(access.can_view_enterprise(user, found))
    return found


def schools(
    session: Session, user: User, *, q: str = "", town_id: int | None = None, page: int = 1
) -> Page[School]:
    """Schools the user may see."""
    stmt = access.visible_schools(user).options(
        selectinload(School.town), selectinload(School.grades)
    )
    if q:
        stmt = stmt.where(School.name.like(f"%{q.strip()}%"))
    if town_id:
        stmt = stmt.where(School.town_id == town_id)
    return paginate(session, stmt.order_by(School.town_id, School.level, School.name), page)


def school(session: Session, user: User, school_id: int) -> School:
    """One school, if the user may see it."""
    found = session.get(School, school_id)
    if found is None:
        raise NotFound(N_("The page you asked for does not exist."))
    access.require(access.can_view_school(user, found))
    return found


def chambers(session: Session, user: User) -> list[Chamber]:
    """Chambers the user may see."""
    rows = session.scalars(select(Chamber).order_by(Chamber.name)).all()
    return [c for c in rows if access.can_view_chamber(user, c)]


def chamber(session: Session, user: User, chamber_id: int) -> Chamber:
    """One chamber, if the user may see it."""
    found = session.get(Chamber, chamber_id)
    if found is None:
        raise NotFound(N_("The page you asked for does not exist."))
    access.require(access.can_view_chamber(user, found))
    return found


def consultants(session: Session) -> list[Consultant]:
    """Every consultant, with expertise loaded."""
    return list(
        session.scalars(
            select(Consultant)
            .options(selectinload(Consultant.expertise_rows), selectinload(Consultant.home_town))
            .order_by(Consultant.home_town_id, Consultant.name)
        )
    )


def counts(session: Session) -> dict[str, int]:
    """How big the directory is, for the coordinator's home page."""
    return {
        name: session.scalar(select(func.count()).select_from(model)) or 0
        for name, model in (
            ("towns", Town),
            ("enterprises", Enterprise),
            ("chambers", Chamber),
            ("consultants", Consultant),
            ("schools", School),
        )
    }
