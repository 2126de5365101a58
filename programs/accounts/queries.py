"""Read models for the coordinator's account pages."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from programs.accounts.models import ORGANISATION_OF_ROLE, User
from programs.directory.queries import Page, paginate
from programs.notifications.models import OutboundMail


def users(
    session: Session, *, status: str = "", role: str = "", q: str = "", page: int = 1
) -> Page[User]:
    """Accounts, newest sign-ups first when filtering pending ones."""
    stmt = select(User)
    if status:
        stmt = stmt.where(User.status == status)
    if role:
        stmt = stmt.where(User.role == role)
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(or_(User.username.like(like.lower()), User.display_name.like(like)))
    order = User.created_at.desc() if status == "pending" else User.username
    return paginate(session, stmt.order_by(order, User.id), page)


def same_organisation(session: Session, user: User) -> list[User]:
    """Other accounts bound to the same organisation (worth knowing before approving one more)."""
    column = ORGANISATION_OF_ROLE.get(user.role)
    if not column:
        return []
    value = getattr(user, column)
    return list(
        session.scalars(
            select(User).where(getattr(User, column) == value, User.id != user.id).order_by(User.id)
        )
    )


def outbox(session: Session, page: int = 1) -> Page[OutboundMail]:
    """Outgoing mail, newest first."""
    return paginate(session, select(OutboundMail).order_by(OutboundMail.id.desc()), page)
