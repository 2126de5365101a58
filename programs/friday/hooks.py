"""How the Friday Law Service Day plugs into the shared machinery: feeds and re-checks."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

import rules
from calendars import is_provisional
from calendars.ical import CalendarEvent
from programs.accounts.models import User
from programs.calendar import feeds, rechecks
from programs.directory.categories import category_names
from programs.friday import services
from programs.friday.models import FridayRequest, FridayVisit
from programs.i18n import N_, translate

KEEP_CANCELLED = timedelta(days=90)


def _event(visit: FridayVisit, locale: str) -> CalendarEvent:
    request = visit.request
    venue = services.venue_name(request)
    summary = translate(
        N_("Friday Law Service Day: {venue} ({consultant})"),
        locale,
        {"venue": venue, "consultant": visit.consultant.name},
    )
    description = translate(
        N_("Topics: {topics}. {description}"),
        locale,
        {
            "topics": category_names(request.topics),
            "description": request.description,
        },
    )
    return CalendarEvent(
        uid=f"friday-visit-{visit.id}@fengqiao",
        sequence=visit.sequence,
        summary=summary,
        description=description,
        location=venue,
        starts_on=visit.on,
        ends_on=visit.on + timedelta(days=1),
        status="CANCELLED" if visit.status == "cancelled" else "CONFIRMED",
        last_modified_at=visit.updated_at,
        provisional=is_provisional(visit.on.year),
    )


def feed_source(session: Session, user: User) -> list[CalendarEvent]:
    """A consultant's Friday visits; a firm's or a chamber's; every visit for coordinators."""
    since = date.today() - KEEP_CANCELLED
    query = (
        select(FridayVisit)
        .join(FridayVisit.request)
        .where(FridayVisit.on >= since, FridayVisit.status.in_(("published", "done", "cancelled")))
        .options(selectinload(FridayVisit.request), selectinload(FridayVisit.consultant))
    )
    if user.role == "consultant" and user.consultant_id:
        query = query.where(FridayVisit.consultant_id == user.consultant_id)
    elif user.role == "enterprise" and user.enterprise_id:
        query = query.where(FridayRequest.enterprise_id == user.enterprise_id)
    elif user.role == "chamber" and user.chamber_id:
        query = query.where(FridayRequest.chamber_id == user.chamber_id)
    elif user.role != "coordinator":
        return []
    return [_event(v, user.locale) for v in session.scalars(query)]


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
