"""Personal calendar feeds: an unguessable address per user, serving their events as .ics.

Each program registers a feed source that lists a user's events (bookings, visits, deadlines);
this module puts them together. The closures a user is concerned with are a source of our own.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from calendars import ical, workdays
from programs import audit
from programs.accounts.models import User
from programs.calendar.models import CLOSURE_KINDS, Closure, FeedToken
from programs.db import utcnow
from programs.i18n import N_, translate

FeedSource = Callable[[Session, User], list[ical.CalendarEvent]]
_sources: dict[str, FeedSource] = {}
# A cancelled event stays in the feed this long, so subscribed clients see the cancellation.
KEEP_CANCELLED = timedelta(days=90)


def register(name: str, source: FeedSource) -> None:
    """Add a program's events to users' feeds."""
    _sources[name] = source


def token_of(session: Session, user: User) -> FeedToken | None:
    """The user's feed token, if they have turned the feed on."""
    return session.scalar(select(FeedToken).where(FeedToken.user_id == user.id))


def regenerate(session: Session, user: User) -> FeedToken:
    """Give the user a new feed address; the old one stops working at once."""
    row = token_of(session, user)
    token = secrets.token_urlsafe(32)
    if row is None:
        row = FeedToken(user_id=user.id, token=token)
        session.add(row)
    else:
        row.token = token
        row.created_at = utcnow()
    session.flush()
    audit.record(session, "feed.regenerated", row, actor_id=user.id)
    return row


def revoke(session: Session, user: User) -> None:
    """Turn the user's feed off."""
    row = token_of(session, user)
    if row is not None:
        audit.record(session, "feed.revoked", row, actor_id=user.id)
        session.delete(row)


def user_for_token(session: Session, token: str) -> User | None:
    """The active user whose feed this token opens, or None."""
    if not token or len(token) > 64:
        return None
    row = session.scalar(select(FeedToken).where(FeedToken.token == token))
    if row is None:
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.is_active else None


def events(session: Session, user: User) -> list[ical.CalendarEvent]:
    """Every event of every source for the user."""
    found: list[ical.CalendarEvent] = []
    for name in sorted(_sources):
        found.extend(_sources[name](session, user))
    return found


def feed(session: Session, user: User) -> tuple[bytes, str]:
    """The user's calendar as .ics bytes, and an ETag for it."""
    locale = user.locale
    found = events(session, user)
    provisional = any(e.provisional for e in found)
    body = ical.build_calendar(
        found,
        name=translate(N_("Fengqiao — {name}"), locale, {"name": user.display_name}),
        description=translate(N_("Your dates from Fengqiao."), locale),
        provisional_note=translate(
            N_("The holiday arrangement for this date has not been published yet; it may change."),
            locale,
        )
        if provisional
        else None,
    )
    return body, hashlib.sha256(body).hexdigest()[:32]


def _closure_scopes(user: User) -> list[tuple[str, int | None]]:
    if user.role == "coordinator":
        return [("base", None), ("all_schools", None)]
    if user.role == "instructor":
        own = [("instructor", user.instructor_id)] if user.instructor_id else []
        return [("base", None), ("all_schools", None), *own]
    if user.role == "school":
        return [("school", user.school_id), ("all_schools", None)]
    if user.role == "consultant":
        return [("consultant", user.consultant_id)]
    return []


def closure_events(session: Session, user: User) -> list[ical.CalendarEvent]:
    """The closures that concern the user, cancelled ones included for a while."""
    scopes = _closure_scopes(user)
    if not scopes:
        return []
    conditions = []
    for scope, scope_id in scopes:
        condition = Closure.scope == scope
        if scope_id is not None:
            condition &= Closure.scope_id == scope_id
        conditions.append(condition)
    since = utcnow() - KEEP_CANCELLED
    rows = session.scalars(
        select(Closure)
        .where(or_(*conditions))
        .where((Closure.cancelled_at.is_(None)) | (Closure.cancelled_at >= since))
        .order_by(Closure.starts_on, Closure.id)
    )
    found = []
    for closure in rows:
        kind = translate(CLOSURE_KINDS[closure.kind], user.locale)
        found.append(
            ical.CalendarEvent(
                uid=f"closure-{closure.id}@fengqiao",
                sequence=closure.sequence,
                summary=translate(N_("Closed: {reason}"), user.locale, {"reason": closure.reason}),
                description=kind,
                starts_on=closure.starts_on,
                ends_on=closure.ends_on,
                status="CANCELLED" if closure.cancelled_at else "CONFIRMED",
                last_modified_at=closure.updated_at,
                categories=(kind,),
                provisional=workdays.is_provisional(closure.starts_on.year),
            )
        )
    return found


register("closures", closure_events)
