"""How the Friday Law Service Day plugs into the shared machinery: feeds and re-checks."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

import rules
from calendars import is_provisional
from calendars.ical import CalendarEvent
from programs.accounts.models import User
from programs.calendar import feeds, rechecks
from programs.directory.categories import category_names
from programs.directory.models import Chamber, Consultant, Enterprise, Town
from programs.friday import services
from programs.friday.models import FridayRequest, FridayVisit, Studio
from programs.i18n import N_, translate

KEEP_CANCELLED = timedelta(days=90)


def _venue(row: Row[Any]) -> str:
    """Where the visit takes place, as `services.venue_name` says it of a request."""
    if row.venue_kind == "studio" and row.studio is not None:
        return row.studio
    return row.firm or row.chamber or f"{row.town} {row.place}".strip()


def _event(row: Row[Any], locale: str) -> CalendarEvent:
    venue = _venue(row)
    summary = translate(
        N_("Friday Law Service Day: {venue} ({consultant})"),
        locale,
        {"venue": venue, "consultant": row.consultant},
    )
    description = translate(
        N_("Topics: {topics}. {description}"),
        locale,
        {
            "topics": category_names(row.topics),
            "description": row.description,
        },
    )
    return CalendarEvent(
        uid=f"friday-visit-{row.id}@fengqiao",
        sequence=row.sequence,
        summary=summary,
        description=description,
        location=venue,
        starts_on=row.on,
        ends_on=row.on + timedelta(days=1),
        status="CANCELLED" if row.status == "cancelled" else "CONFIRMED",
        last_modified_at=row.updated_at,
        provisional=is_provisional(row.on.year),
    )


def feed_source(session: Session, user: User) -> list[CalendarEvent]:
    """A consultant's Friday visits; a firm's or a chamber's; every visit for coordinators.

    Read as rows of the columns the events show, not as objects: a coordinator's feed holds
    every visit of the city, thousands, and building their objects took most of its time."""
    since = date.today() - KEEP_CANCELLED
    query = (
        select(
            FridayVisit.id,
            FridayVisit.sequence,
            FridayVisit.on,
            FridayVisit.status,
            FridayVisit.updated_at,
            FridayRequest.topics,
            FridayRequest.description,
            FridayRequest.venue_kind,
            FridayRequest.place,
            Enterprise.name.label("firm"),
            Chamber.name.label("chamber"),
            Studio.name.label("studio"),
            Town.name.label("town"),
            Consultant.name.label("consultant"),
        )
        .join(FridayRequest, FridayVisit.request_id == FridayRequest.id)
        .join(Consultant, FridayVisit.consultant_id == Consultant.id)
        .join(Town, FridayRequest.town_id == Town.id)
        .outerjoin(Enterprise, FridayRequest.enterprise_id == Enterprise.id)
        .outerjoin(Chamber, FridayRequest.chamber_id == Chamber.id)
        .outerjoin(Studio, FridayRequest.studio_id == Studio.id)
        .where(FridayVisit.on >= since, FridayVisit.status.in_(("published", "done", "cancelled")))
    )
    if user.role == "consultant" and user.consultant_id:
        query = query.where(FridayVisit.consultant_id == user.consultant_id)
    elif user.role == "enterprise" and user.enterprise_id:
        query = query.where(FridayRequest.enterprise_id == user.enterprise_id)
    elif user.role == "chamber" and user.chamber_id:
        query = query.where(FridayRequest.chamber_id == user.chamber_id)
    elif user.role != "coordinator":
        return []
    return [_event(row, user.locale) for row in session.execute(query)]


class PublishedFridayVisits:
    """Re-check published Friday visits when the calendar changes: is the Friday still a working
    day, and is the consultant still free?"""

    name = "friday"

    def records(self, session: Session, start_on: date, end_on: date):
        visits = session.scalars(
            select(FridayVisit).where(
                FridayVisit.status == "published", FridayVisit.on.between(start_on, end_on)
            )
        )
        for visit in visits:
            request = visit.request
            who = [User.consultant_id == visit.consultant_id]
            if request.enterprise_id is not None:
                who.append(User.enterprise_id == request.enterprise_id)
            users = session.scalars(select(User.id).where(User.status == "active", or_(*who))).all()
            yield rechecks.DatedRecord(
                "friday_visits",
                visit.id,
                f"{services.venue_name(request)} · {visit.on.isoformat()}",
                (visit.on,),
                f"/friday/visits/{visit.id}",
                tuple(users),
            )

    def recheck(self, session: Session, record: rechecks.DatedRecord) -> list[rechecks.Problem]:
        visit = session.get(FridayVisit, record.subject_id)
        facts = services.visit_facts(
            session,
            visit.request,
            visit.consultant,
            visit.on,
            by_coordinator=True,
            today=visit.on,  # a re-check is about the day and the people, not the lead time
            exclude_visit=visit.id,
        )
        decision = rules.decide("friday_visit", facts)
        return [
            rechecks.Problem(f.reason.msgid, dict(f.reason.params))
            for f in decision.refusals
            if f.rule not in ("date_has_passed", "book_in_good_time")
        ]


def install() -> None:
    """Register the Friday program's feed and re-check provider."""
    feeds.register("friday", feed_source)
    rechecks.register(PublishedFridayVisits())
