"""Every model of every program, imported once so the metadata (and Alembic) sees them all."""

from programs.accounts.models import User
from programs.audit import AuditEntry
from programs.calendar.models import (
    Closure,
    ClosureImport,
    FeedToken,
    HolidayYear,
    RecheckFlag,
)
from programs.db import Base
from programs.decisions.models import DecisionOverride, DecisionRecord, ParameterVersion
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
from programs.study_tours.models import (
    Activity,
    ChangeRequest,
    Instructor,
    PlanDraft,
    SafetyPlan,
    SchoolPlan,
    StudyBase,
    StudySession,
    Visit,
    WaitlistEntry,
)

metadata = Base.metadata

__all__ = [
    "Activity",
    "AuditEntry",
    "Chamber",
    "ChangeRequest",
    "Closure",
    "ClosureImport",
    "Consultant",
    "ConsultantExpertise",
    "DecisionOverride",
    "DecisionRecord",
    "Enterprise",
    "FeedToken",
    "HolidayYear",
    "Instructor",
    "Notification",
    "OutboundMail",
    "ParameterVersion",
    "PlanDraft",
    "RecheckFlag",
    "SafetyPlan",
    "School",
    "SchoolGrade",
    "SchoolPlan",
    "StudyBase",
    "StudySession",
    "Town",
    "User",
    "Visit",
    "WaitlistEntry",
    "metadata",
]
