"""Users and their roles."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from programs.db import Base, utcnow
from programs.directory.models import Chamber, Consultant, Enterprise, School
from programs.i18n import LOCALES, N_

if TYPE_CHECKING:
    from programs.study_tours.models import Instructor

ROLES = {
    "coordinator": N_("Coordinator"),
    "consultant": N_("Legal consultant"),
    "mediator": N_("Mediator"),
    "enterprise": N_("Enterprise"),
    "chamber": N_("Chamber of commerce"),
    "school": N_("School"),
    "instructor": N_("Study-base instructor"),
}
# Roles whose account belongs to one organisation, and the column that binds it.
ORGANISATION_OF_ROLE = {
    "enterprise": "enterprise_id",
    "chamber": "chamber_id",
    "school": "school_id",
    "consultant": "consultant_id",
}
ACCOUNT_STATUSES = {
    "pending": N_("Awaiting approval"),
    "active": N_("Active"),
    "rejected": N_("Rejected"),
    "disabled": N_("Disabled"),
}


def _binding_constraints() -> list[CheckConstraint]:
    """An organisation's account points at exactly its organisation, and nobody else's does."""
    checks = []
    for role, column in ORGANISATION_OF_ROLE.items():
        checks.append(
            CheckConstraint(
                f"(role = '{role}' AND {column} IS NOT NULL) "
                f"OR (role <> '{role}' AND {column} IS NULL)",
                name=f"{role}_binding",
            )
        )
    return checks


class User(Base):
    """Someone who logs in. Enterprise, chamber, school and consultant accounts are bound to
    their own record and see only what belongs to it."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN ({', '.join(repr(r) for r in ROLES)})", name="role"),
        CheckConstraint(
            f"status IN ({', '.join(repr(s) for s in ACCOUNT_STATUSES)})", name="status"
        ),
        CheckConstraint(f"locale IN ({', '.join(repr(x) for x in LOCALES)})", name="locale"),
        CheckConstraint("username = lower(username)", name="username_lower"),
        *_binding_constraints(),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(30), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="active")
    locale: Mapped[str] = mapped_column(String(10), default="zh_Hans")
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    chamber_id: Mapped[int | None] = mapped_column(ForeignKey("chambers.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    consultant_id: Mapped[int | None] = mapped_column(ForeignKey("consultants.id"), index=True)
    # An instructor's account may be bound to the instructor it is (base staff need not be).
    instructor_id: Mapped[int | None] = mapped_column(ForeignKey("instructors.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_login_at: Mapped[datetime | None]
    # Bumped when the password changes, so sessions opened with the old one end.
    session_version: Mapped[int] = mapped_column(default=1)

    enterprise: Mapped[Enterprise | None] = relationship()
    chamber: Mapped[Chamber | None] = relationship()
    school: Mapped[School | None] = relationship()
    consultant: Mapped[Consultant | None] = relationship()
    instructor: Mapped[Instructor | None] = relationship()

    # What Flask-Login asks of a user object (duck-typed, so programs/ does not import Flask).
    @property
    def is_active(self) -> bool:
        """Only approved, enabled accounts may use the application."""
        return self.status == "active"

    @property
    def is_authenticated(self) -> bool:
        """A stored user is a logged-in user when Flask-Login loads it."""
        return True

    @property
    def is_anonymous(self) -> bool:
        """Stored users are never anonymous."""
        return False

    def get_id(self) -> str:
        """The session key: id and session version, so a password change ends old sessions."""
        return f"{self.id}:{self.session_version}"

    @property
    def organisation(self) -> Enterprise | Chamber | School | Consultant | None:
        """The record this account is bound to, if its role has one."""
        column = ORGANISATION_OF_ROLE.get(self.role)
        return getattr(self, column.removesuffix("_id")) if column else None

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class ApiToken(Base):
    """A key a user made for another system to act as them through the API (/api/v1). Only the
    SHA-256 digest of the secret is kept: the secret is shown once, when it is made."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(12))  # the secret's start, to tell tokens apart
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_on: Mapped[date | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    @property
    def live(self) -> bool:
        return self.revoked_at is None


class LoginAttempt(Base):
    """One try at the login form: the name typed (whether or not such an account exists), the
    address it came from, and whether it got in. Counted to slow guessing down
    (programs.accounts.throttle); kept for a month."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(45))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    succeeded: Mapped[bool] = mapped_column(default=False)
