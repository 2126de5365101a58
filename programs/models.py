"""Every model of every program, imported once so the metadata (and Alembic) sees them all."""

from programs.accounts.models import ApiToken, LoginAttempt, User
from programs.audit import AuditEntry
from programs.calendar.models import (
    Closure,
    ClosureImport,
    FeedToken,
    HolidayYear,
    RecheckFlag,
)
from programs.changes import TableStamp
from programs.checkups.models import Checkup, CheckupItem, FixDocument
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
from programs.disputes.models import (
    CaseDocument,
    CaseParty,
    CaseTeamMember,
    CaseTransition,
    DisputeCase,
)
from programs.friday.models import (
    ConsultantConflict,
    FridayRequest,
    FridayVisit,
    OfficeBooking,
    OfficeHours,
    Pairing,
    Problem,
    Roster,
    Studio,
    TownNeighbour,
)
from programs.notifications.models import Notification, OutboundMail
from programs.prevention.models import HotlineRecord, SeasonalAction
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
from programs.whatif.models import ParameterDraft

metadata = Base.metadata

__all__ = [
    "Activity",
    "ApiToken",
    "AuditEntry",
    "CaseDocument",
    "CaseParty",
    "CaseTeamMember",
    "CaseTransition",
    "Chamber",
    "ChangeRequest",
    "Checkup",
    "CheckupItem",
    "Closure",
    "ClosureImport",
    "Consultant",
    "ConsultantConflict",
    "ConsultantExpertise",
    "DecisionOverride",
    "DecisionRecord",
    "DisputeCase",
    "Enterprise",
    "FeedToken",
    "FixDocument",
    "FridayRequest",
    "FridayVisit",
    "HolidayYear",
    "HotlineRecord",
    "Instructor",
    "LoginAttempt",
    "Notification",
    "OfficeBooking",
    "OfficeHours",
    "OutboundMail",
    "Pairing",
    "ParameterDraft",
    "ParameterVersion",
    "PlanDraft",
    "Problem",
    "RecheckFlag",
    "Roster",
    "SafetyPlan",
    "School",
    "SchoolGrade",
    "SchoolPlan",
    "SeasonalAction",
    "Studio",
    "StudyBase",
    "StudySession",
    "TableStamp",
    "Town",
    "TownNeighbour",
    "User",
    "Visit",
    "WaitlistEntry",
    "metadata",
]
