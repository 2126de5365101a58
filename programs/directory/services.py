"""Changes to the directory made through the pages."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from programs import audit
from programs.accounts import access
from programs.accounts.models import User
from programs.directory import queries
from programs.directory.models import INDUSTRIES, Enterprise
from programs.errors import DomainError
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
