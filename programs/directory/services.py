"""Changes to the directory made through the pages."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from programs import audit
from programs.accounts import access
from programs.accounts.models import User
from programs.directory import queries
from programs.directory.models import (
    INDUSTRIES,
    PROBLEM_CATEGORIES,
    Consultant,
    ConsultantExpertise,
    Enterprise,
    Town,
)
from programs.errors import DomainError, NotFound
from programs.i18n import N_


@dataclass(frozen=True)
class EnterpriseProfile:
    """The parts of a firm's record the firm itself keeps current."""

    industry: str
    sector: str
    employee_count: int
    exports: bool
    holds_ip: bool
    processes_personal_data: bool
    personal_data_subjects: int | None
    address: str
    contact_name: str
    contact_phone: str


def update_enterprise_profile(
    session: Session, user: User, enterprise_id: int, profile: EnterpriseProfile
) -> Enterprise:
    """Save a firm's profile (the facts its check-up checklist is chosen from), logging old → new."""
    enterprise = queries.enterprise(session, user, enterprise_id)
    access.require(access.can_edit_enterprise(user, enterprise))
    if profile.industry not in INDUSTRIES:
        raise DomainError(N_("Choose an industry from the list."), field="industry")
    if profile.employee_count < 0:
        raise DomainError(N_("The number cannot be negative."), field="employee_count")
    if profile.personal_data_subjects is not None and profile.personal_data_subjects < 0:
        raise DomainError(N_("The number cannot be negative."), field="personal_data_subjects")
    changes = {}
    for name, value in vars(profile).items():
        old = getattr(enterprise, name)
        if old != value:
            changes[name] = [old, value]
            setattr(enterprise, name, value)
    if changes:
        audit.record(session, "enterprise.updated", enterprise, actor_id=user.id, changes=changes)
    return enterprise


@dataclass(frozen=True)
class ConsultantProfile:
    """What a coordinator (or the consultant) keeps current about a consultant."""

    title: str
    organisation: str
    home_town_id: int
    visits_per_friday: int
    phone: str
    active: bool
    expertise: tuple[str, ...]


def update_consultant(
    session: Session, user: User, consultant_id: int, profile: ConsultantProfile
) -> Consultant:
    """Save a consultant's record, logging old → new. A consultant may not take themselves off
    duty; a coordinator may."""
    consultant = session.get(Consultant, consultant_id)
    if consultant is None or not (
        user.role == "coordinator"
        or (user.role == "consultant" and user.consultant_id == consultant_id)
    ):
        raise NotFound(N_("The page you asked for does not exist."))
    if not 1 <= profile.visits_per_friday <= 10:
        raise DomainError(N_("Enter a number from 1 to 10."), field="visits_per_friday")
    if any(area not in PROBLEM_CATEGORIES for area in profile.expertise):
        raise DomainError(N_("Choose the topics from the list."), field="expertise")
    if not profile.expertise:
        raise DomainError(
            N_("Choose at least one area of expertise: requests are matched by it."),
            field="expertise",
        )
    if session.get(Town, profile.home_town_id) is None:
        raise DomainError(N_("Choose a town."), field="home_town_id")
    changes: dict[str, list] = {}
    for name in ("title", "organisation", "home_town_id", "visits_per_friday", "phone"):
        value = getattr(profile, name)
        if isinstance(value, str):
            value = value.strip()
        if getattr(consultant, name) != value:
            changes[name] = [getattr(consultant, name), value]
            setattr(consultant, name, value)
    if user.role == "coordinator" and consultant.active != profile.active:
        changes["active"] = [consultant.active, profile.active]
        consultant.active = profile.active
    wanted = sorted(set(profile.expertise))
    if consultant.expertise != wanted:
        changes["expertise"] = [consultant.expertise, wanted]
        consultant.expertise_rows = [ConsultantExpertise(area=area) for area in wanted]
    if changes:
        session.flush()
        audit.record(session, "consultant.updated", consultant, actor_id=user.id, changes=changes)
    return consultant
