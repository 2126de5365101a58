"""The audit trail as a coordinator reads it: who changed what, when, filtered and paged in the
database, each action named in words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from calendars import day_start
from programs.accounts.models import ROLES, User
from programs.audit import AuditEntry
from programs.checkups.models import GRADE_SHORT
from programs.disputes.models import AUTHORITIES, CASE_SOURCES
from programs.i18n import N_, translate
from rules.checkups import CHECK_ITEMS
from rules.disputes import STAGE_NAMES

PAGE_SIZE = 50

# Every action the programs record, in words. A test holds the code to it.
ACTIONS = {
    "activity.saved": N_("Study activity saved"),
    "api_token.created": N_("API token made"),
    "api_token.revoked": N_("API token revoked"),
    "checkup.cancelled": N_("Check-up cancelled"),
    "checkup.closed": N_("Check-up closed"),
    "checkup.fix_returned": N_("Check-up fix sent back"),
    "checkup.fixed": N_("Check-up finding marked fixed"),
    "checkup.reported": N_("Check-up examined and graded"),
    "checkup.requested": N_("Check-up asked for"),
    "checkup.risk_accepted": N_("Check-up risk accepted in writing"),
    "checkup.started": N_("Check-up started"),
    "checkup.verified": N_("Check-up fix verified"),
    "closure.added": N_("Closure added"),
    "closure.cancelled": N_("Closure cancelled"),
    "conflict.declared": N_("Conflict of interest declared"),
    "consultant.updated": N_("Consultant's details changed"),
    "decision.overridden": N_("Rule decision overridden"),
    "dispute_case.escalated": N_("Dispute case escalated"),
    "dispute_case.feedback": N_("Dispute case return visit recorded"),
    "dispute_case.joined": N_("Authority joined a dispute case"),
    "dispute_case.moved": N_("Dispute case moved"),
    "dispute_case.opened": N_("Dispute case opened"),
    "dispute_case.worker_named": N_("Worker named on a dispute case"),
    "enterprise.updated": N_("Firm's details changed"),
    "feed.regenerated": N_("Calendar feed address made"),
    "feed.revoked": N_("Calendar feed address revoked"),
    "friday_request.cancelled": N_("Friday request withdrawn"),
    "friday_request.submitted": N_("Friday request filed"),
    "friday_visit.booked": N_("Friday visit booked"),
    "friday_visit.cancelled": N_("Friday visit cancelled"),
    "friday_visit.moved": N_("Friday visit moved"),
    "friday_visit.recorded": N_("Friday visit recorded"),
    "instructor.saved": N_("Instructor saved"),
    "office_booking.booked": N_("Studio consultation booked"),
    "office_booking.cancelled": N_("Studio consultation cancelled"),
    "office_hours.opened": N_("Studio office hours opened"),
    "pairing.ended": N_("Consultant pairing ended"),
    "pairing.started": N_("Consultant paired with a firm"),
    "parameters.changed": N_("Rule parameters changed"),
    "parameters.draft_discarded": N_("Draft rule parameters discarded"),
    "parameters.draft_published": N_("Draft rule parameters published"),
    "parameters.drafted": N_("Rule parameters drafted"),
    "plan.applied": N_("Study-tour plan applied"),
    "plan.drafted": N_("Study-tour plan drafted"),
    "roster.drafted": N_("Friday roster drafted"),
    "roster.published": N_("Friday roster published"),
    "safety_plan.saved": N_("Safety plan saved"),
    "school_plan.saved": N_("School's study plan saved"),
    "study_base.updated": N_("Study base settings changed"),
    "study_session.instructors": N_("Session instructors changed"),
    "study_session.opened_for_move": N_("Session opened for a move"),
    "study_session.touring": N_("Session given to a touring group"),
    "study_sessions.opened": N_("Study sessions opened"),
    "user.active": N_("Account enabled"),
    "user.approved": N_("Account approved"),
    "user.created": N_("Account created"),
    "user.disabled": N_("Account disabled"),
    "user.password_changed": N_("Password changed"),
    "user.password_reset": N_("Password reset"),
    "user.rejected": N_("Sign-up rejected"),
    "user.signed_up": N_("Signed up"),
    "visit.attendance": N_("Study visit attendance recorded"),
    "visit.cancelled": N_("Study visit cancelled"),
    "visit.change_requested": N_("Study visit change asked for"),
    "visit.moved": N_("Study visit moved"),
    "visit.published": N_("Study visit published"),
    "visit.requested": N_("Study visit asked for"),
    "visit.swapped": N_("Study visits swapped"),
    "waitlist.joined": N_("Joined a session's waiting list"),
    "school.created": N_("School added from a file"),
    "school.updated": N_("School updated from a file"),
    "hotline.imported": N_("Hotline records imported"),
    "seasonal_action.approved": N_("Seasonal preventive action approved"),
    "seasonal_action.dismissed": N_("Seasonal preventive action dismissed"),
}


# The kinds of record an entry may be about (its table), in words; another kind shows its name.
SUBJECTS = {
    "activities": N_("Study activity"),
    "api_tokens": N_("API token"),
    "checkup_items": N_("Check-up finding"),
    "checkups": N_("Legal check-up"),
    "closures": N_("Closure"),
    "consultant_conflicts": N_("Conflict of interest"),
    "consultants": N_("Consultant"),
    "decision_records": N_("Rule decision"),
    "dispute_cases": N_("Dispute case"),
    "enterprises": N_("Firm"),
    "feed_tokens": N_("Calendar feed"),
    "friday_requests": N_("Friday request"),
    "friday_rosters": N_("Friday roster"),
    "friday_visits": N_("Friday visit"),
    "hotline_records": N_("Hotline record"),
    "seasonal_actions": N_("Seasonal preventive action"),
    "instructors": N_("Instructor"),
    "office_bookings": N_("Studio consultation"),
    "office_hours": N_("Studio office hours"),
    "pairings": N_("Consultant pairing"),
    "parameter_drafts": N_("Draft rule parameters"),
    "parameter_versions": N_("Rule parameters"),
    "plan_drafts": N_("Study-tour plan"),
    "safety_plans": N_("Safety plan"),
    "school_plans": N_("School's study plan"),
    "schools": N_("School"),
    "study_bases": N_("Study base"),
    "study_sessions": N_("Study session"),
    "users": N_("Account"),
    "visit_change_requests": N_("Study visit change"),
    "visits": N_("Study visit"),
    "waitlist_entries": N_("Waiting list entry"),
}


@dataclass(frozen=True)
class AuditFilter:
    """What a coordinator narrows the trail to; empty values do not narrow it."""

    action: str = ""
    actor: str = ""  # a username or part of a display name
    subject_type: str = ""
    subject_id: int | None = None
    start_on: date | None = None
    end_on: date | None = None


@dataclass(frozen=True)
class Row:
    entry: AuditEntry
    actor_name: str | None
    actor_username: str | None


@dataclass(frozen=True)
class AuditPage:
    rows: list[Row]
    page: int
    pages: int
    total: int

    @property
    def items(self) -> list[Row]:
        return self.rows


def entries(session: Session, found: AuditFilter, page: int = 1) -> AuditPage:
    """One page of the trail, newest first."""
    stmt = select(AuditEntry, User.display_name, User.username).outerjoin(
        User, User.id == AuditEntry.actor_id
    )
    if found.action:
        stmt = stmt.where(AuditEntry.action == found.action)
    if found.actor:
        like = f"%{found.actor.strip()}%"
        stmt = stmt.where(User.username.like(like.lower()) | User.display_name.like(like))
    if found.subject_type:
        stmt = stmt.where(AuditEntry.subject_type == found.subject_type)
    if found.subject_id is not None:
        stmt = stmt.where(AuditEntry.subject_id == found.subject_id)
    if found.start_on:
        stmt = stmt.where(AuditEntry.at >= day_start(found.start_on))
    if found.end_on:
        stmt = stmt.where(AuditEntry.at < day_start(found.end_on + timedelta(days=1)))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    result = session.execute(
        stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return AuditPage([Row(*row) for row in result], page, pages, total)


def subject_types(session: Session) -> list[str]:
    """The kinds of record the trail mentions."""
    return list(
        session.scalars(
            select(AuditEntry.subject_type).distinct().order_by(AuditEntry.subject_type)
        )
    )


# The names of the details entries carry, in words; a detail without one shows its key.
DETAILS = {
    "already": N_("Already there"),
    "authority": N_("Authority"),
    "before": N_("Before"),
    "category": N_("Category"),
    "changes": N_("Changes"),
    "count": N_("How many"),
    "created": N_("Study visits made"),
    "dates": N_("Dates"),
    "enterprise_id": N_("Firm no."),
    "findings": N_("Findings (how many)"),
    "grade": N_("Check-up grade"),
    "grades": N_("Grades, classes and students"),
    "instructors": N_("Instructors (nos.)"),
    "item": N_("Check item"),
    "line": N_("Line of the file"),
    "name": N_("Name given"),
    "new": N_("After"),
    "now": N_("At"),
    "number": N_("Number of the record"),
    "old": N_("Before"),
    "on": N_("Day"),
    "outcome": N_("Outcome"),
    "party": N_("Party no."),
    "peak": N_("Peak month"),
    "period": N_("Period"),
    "placed": N_("Placed"),
    "placed_base": N_("Placed at the base"),
    "placed_touring": N_("Placed on tour"),
    "plan": N_("Plan"),
    "problems": N_("Problems solved"),
    "reason": N_("Reason"),
    "role": N_("Role"),
    "ruleset": N_("Rules"),
    "satisfaction": N_("Satisfaction (1–5)"),
    "school_id": N_("School no."),
    "schools_due": N_("Schools due"),
    "session_id": N_("Session no."),
    "skipped": N_("Skipped"),
    "source": N_("Source"),
    "students": N_("Students"),
    "succeeded": N_("Succeeded"),
    "target": N_("Moved to"),
    "teachers": N_("Teachers"),
    "told": N_("People told"),
    "values": N_("Values"),
    "version": N_("Version"),
    "visit": N_("Visit no."),
    "visits": N_("Friday visits"),
}
# Where one action means something else by a key.
DETAILS_OF_ACTION = {("dispute_case.moved", "source"): N_("Moved from")}
# Codes a detail may hold, by the detail's key, in words.
DETAIL_VALUES: dict[str, Mapping[str, str]] = {
    "authority": AUTHORITIES,
    "grade": GRADE_SHORT,
    "item": {code: item.title for code, item in CHECK_ITEMS.items()},
    "role": ROLES,
    "source": {**STAGE_NAMES, **CASE_SOURCES},
    "target": STAGE_NAMES,
}


def details(entry: AuditEntry, locale: str) -> list[tuple[str, str]]:
    """The entry's details as (name, value) pairs in the reader's words, in a stable order."""
    said = []
    for key, value in sorted((entry.data or {}).items()):
        name = DETAILS_OF_ACTION.get((entry.action, key)) or DETAILS.get(key)
        said.append((translate(name, locale) if name else key, _value(key, value, locale)))
    return said


def _value(key: str, value: Any, locale: str) -> str:
    words = DETAIL_VALUES.get(key, {})
    if isinstance(value, bool):
        return translate(N_("Yes") if value else N_("No"), locale)
    if isinstance(value, str) and value in words:
        return translate(words[value], locale)
    if isinstance(value, list):
        return ", ".join(_value(key, v, locale) for v in value)
    if isinstance(value, dict):
        return "; ".join(
            f"{translate(DETAILS[k], locale) if k in DETAILS else k}: {_value(k, v, locale)}"
            for k, v in value.items()
        )
    return "—" if value is None else str(value)
