"""How the study base plugs into the shared machinery: feeds, re-checks and the tick."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import rules
from calendars import is_provisional
from calendars.ical import CalendarEvent
from programs.accounts.models import User
from programs.calendar import feeds, rechecks
from programs.config import Settings
from programs.i18n import N_, translate
from programs.study_tours import services
from programs.study_tours.models import StudySession, Visit

KEEP_CANCELLED = timedelta(days=90)


def _visit_event(visit: Visit, locale: str) -> CalendarEvent:
    row = visit.session
    activities = "、".join(a.name for a in visit.activities)
    place = row.touring_school.name if row.touring_school else row.base.name
    summary = translate(
        N_("Study tour: {school}, {activities}"),
        locale,
        {"school": visit.school.name, "activities": activities},
    )
    description = translate(
        N_("Grade {grade}, {students} students, {teachers} accompanying teachers."),
        locale,
        {"grade": visit.grade, "students": visit.students, "teachers": visit.teachers},
    )
    return CalendarEvent(
        uid=f"study-visit-{visit.id}@fengqiao",
        sequence=visit.sequence + row.sequence,
        summary=summary,
        description=description,
        location=place,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        status="CANCELLED" if visit.status == "cancelled" else "CONFIRMED",
        last_modified_at=max(visit.updated_at, row.updated_at),
        provisional=is_provisional(row.on.year),
    )


def _session_event(row: StudySession, locale: str) -> CalendarEvent:
    schools = [v for v in row.visits if v.status == "published"]
    summary = translate(
        N_("Study base session: {schools}"),
        locale,
        {"schools": "、".join(v.school.name for v in schools)},
    )
    description = translate(
        N_("{students} students; instructors: {instructors}"),
        locale,
        {
            "students": sum(v.students for v in schools),
            "instructors": "、".join(i.name for i in row.instructors) or "—",
        },
    )
    return CalendarEvent(
        uid=f"study-session-{row.id}@fengqiao",
        sequence=row.sequence + sum(v.sequence for v in row.visits),
        summary=summary,
        description=description,
        location=row.touring_school.name if row.touring_school else row.base.name,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        status="CONFIRMED" if schools and row.status == "open" else "CANCELLED",
        last_modified_at=max([row.updated_at, *(v.updated_at for v in row.visits)]),
        provisional=is_provisional(row.on.year),
    )


def feed_source(session: Session, user: User) -> list[CalendarEvent]:
    """A school's visits; an instructor's sessions; the whole base for coordinators."""
    since = date.today() - KEEP_CANCELLED
    if user.role == "school" and user.school_id:
        visits = session.scalars(
            select(Visit)
            .join(StudySession)
            .where(
                Visit.school_id == user.school_id,
                Visit.status.in_(("published", "cancelled")),
                Visit.published_at.is_not(None),
                StudySession.on >= since,
            )
            .options(selectinload(Visit.activities), selectinload(Visit.session))
        )
        return [_visit_event(v, user.locale) for v in visits]
    stmt = (
        select(StudySession)
        .where(StudySession.on >= since, StudySession.visits.any(Visit.published_at.is_not(None)))
        .options(
            selectinload(StudySession.visits).selectinload(Visit.school),
            selectinload(StudySession.instructors),
            selectinload(StudySession.touring_school),
            selectinload(StudySession.base),
        )
    )
    if user.role == "instructor" and user.instructor_id:
        stmt = stmt.where(StudySession.instructors.any(id=user.instructor_id))
    elif user.role != "coordinator":
        return []
    return [_session_event(r, user.locale) for r in session.scalars(stmt)]


class PublishedVisits:
    """Re-check published visits when the calendar changes: is the day still open, and can
    the instructors still come?"""

    name = "study_tours"

    def records(self, session: Session, start_on: date, end_on: date):
        visits = session.scalars(
            select(Visit)
            .join(StudySession)
            .where(Visit.status == "published", StudySession.on.between(start_on, end_on))
        )
        for visit in visits:
            users = session.scalars(
                select(User.id).where(User.school_id == visit.school_id, User.status == "active")
            ).all()
            yield rechecks.DatedRecord(
                "visits",
                visit.id,
                f"{visit.school.name} · {visit.session.on.isoformat()}",
                (visit.session.on,),
                f"/study/visits/{visit.id}",
                tuple(users),
            )

    def recheck(self, session: Session, record: rechecks.DatedRecord) -> list[rechecks.Problem]:
        visit = session.get(Visit, record.subject_id)
        row = visit.session
        fact = services._day_fact(
            session,
            row.on,
            row.base,
            row.touring_school or visit.school,
            touring=row.kind == "touring",
        )
        decision = rules.decide("calendar", fact)
        problems = [
            rechecks.Problem(f.reason.msgid, dict(f.reason.params)) for f in decision.refusals
        ]
        for instructor in row.instructors:
            if not services.instructor_free(session, instructor, row.on):
                problems.append(
                    rechecks.Problem(
                        N_("{name} cannot come on {date}: the session needs another instructor."),
                        {"name": instructor.name, "date": row.on.isoformat()},
                    )
                )
        return problems


def safety_plans(session: Session, today: date, settings: Settings) -> dict[str, Any]:
    """Remind schools whose visit is within a week and whose safety plan is missing."""
    return {"reminded": services.remind_missing_safety_plans(session, today, settings.base_url)}


def install() -> None:
    """Register the study base's feed, re-check provider and tick task."""
    from programs import tick

    feeds.register("study_tours", feed_source)
    rechecks.register(PublishedVisits())
    tick.register("study_safety_plans", safety_plans)
