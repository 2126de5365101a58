"""Every model of every program, imported once so the metadata (and Alembic) sees them all."""

from programs.accounts.models import User
from programs.audit import AuditEntry
from programs.db import Base
from programs.directory.models import (
    Chamber,
    Consultant,
    ConsultantExpertise,
    Enterprise,
    School,
    SchoolGrade,
    Town,
)
from programs.notifications.models import Notification, OutboundMail
from programs.study_tours.models import Activity, StudyBase

metadata = Base.metadata

__all__ = [
    "Activity",
    "AuditEntry",
    "Chamber",
    "Consultant",
    "ConsultantExpertise",
    "Enterprise",
    "Notification",
    "OutboundMail",
    "School",
    "SchoolGrade",
    "StudyBase",
    "Town",
    "User",
    "metadata",
]
