"""Who may see which record. Views ask here; a record a user may not see is reported as missing.

Answering 404 rather than 403 keeps a firm that guesses another firm's address from learning
that the other firm exists.
"""

from __future__ import annotations

from sqlalchemy import Select, select

from programs.accounts.models import User
from programs.directory.models import Chamber, Consultant, Enterprise, School, chamber_members
from programs.errors import NotFound
from programs.i18n import N_

# Roles that work across the whole directory of firms (they visit and mediate for them).
ENTERPRISE_STAFF = frozenset({"coordinator", "consultant", "mediator"})
SCHOOL_STAFF = frozenset({"coordinator", "instructor"})


def can_view_enterprise(user: User, enterprise: Enterprise) -> bool:
    """Staff who serve firms see every firm; a firm sees itself; a chamber sees its members."""
    if user.role in ENTERPRISE_STAFF:
        return True
    if user.role == "enterprise":
        return user.enterprise_id == enterprise.id
    if user.role == "chamber":
        return any(c.id == user.chamber_id for c in enterprise.chambers)
    return False


def can_edit_enterprise(user: User, enterprise: Enterprise) -> bool:
    """Coordinators keep the directory; a firm keeps its own contact details and profile."""
    return user.role == "coordinator" or (
        user.role == "enterprise" and user.enterprise_id == enterprise.id
    )


def can_view_chamber(user: User, chamber: Chamber) -> bool:
    """Staff who serve firms see every chamber; a chamber sees itself."""
    if user.role in ENTERPRISE_STAFF:
        return True
    return user.role == "chamber" and user.chamber_id == chamber.id


def can_view_school(user: User, school: School) -> bool:
    """The study base's staff see every school; a school sees only itself."""
    if user.role in SCHOOL_STAFF:
        return True
    return user.role == "school" and user.school_id == school.id


def can_view_consultant(user: User, consultant: Consultant) -> bool:
    """Consultants are public servants of the program: every signed-in role may see who they are."""
    return user.is_active


def visible_enterprises(user: User) -> Select[tuple[Enterprise]]:
    """The firms this user may list."""
    stmt = select(Enterprise)
    if user.role in ENTERPRISE_STAFF:
        return stmt
    if user.role == "enterprise":
        return stmt.where(Enterprise.id == user.enterprise_id)
    if user.role == "chamber":
        return stmt.join(chamber_members).where(chamber_members.c.chamber_id == user.chamber_id)
    return stmt.where(False)


def visible_schools(user: User) -> Select[tuple[School]]:
    """The schools this user may list."""
    stmt = select(School)
    if user.role in SCHOOL_STAFF:
        return stmt
    if user.role == "school":
        return stmt.where(School.id == user.school_id)
    return stmt.where(False)


def require(allowed: bool) -> None:
    """Raise NotFound unless `allowed`."""
    if not allowed:
        raise NotFound(N_("The page you asked for does not exist."))
