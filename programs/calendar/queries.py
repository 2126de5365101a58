"""Read models for the calendar pages."""

from __future__ import annotations

import calendar as stdlib_calendar
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from calendars import workdays
from programs.accounts.models import User
from programs.calendar.models import Closure, RecheckFlag


@dataclass(frozen=True)
class DayCell:
    """One day of the month view."""

    on: date
    info: workdays.DayInfo
    closures: tuple[Closure, ...]
    in_month: bool


@dataclass(frozen=True)
class MonthView:
    """A month as weeks of days, Monday first, with what closes each day."""

    year: int
    month: int
    weeks: list[list[DayCell]]
    provisional: bool
    closures: list[Closure]


def visible_closures(session: Session, user: User, start_on: date, end_on: date) -> list[Closure]:
    """Closures in the range that concern the user (all of them for a coordinator)."""
    stmt = select(Closure).where(
        Closure.cancelled_at.is_(None), Closure.starts_on <= end_on, Closure.ends_on >= start_on
    )
    if user.role != "coordinator":
        mine = [Closure.scope == "all_schools"]
        if user.role == "school":
            mine.append((Closure.scope == "school") & (Closure.scope_id == user.school_id))
        elif user.role == "consultant":
            mine = [(Closure.scope == "consultant") & (Closure.scope_id == user.consultant_id)]
        elif user.role == "instructor":
            mine += [
                Closure.scope == "base",
                (Closure.scope == "instructor") & (Closure.scope_id == user.instructor_id),
            ]
        else:
            return []
        stmt = stmt.where(or_(*mine))
    return list(session.scalars(stmt.order_by(Closure.starts_on, Closure.id)))


def month(session: Session, user: User, year: int, month_no: int) -> MonthView:
    """The working-day calendar of a month: holidays, adjusted working days, closures."""
    weeks_of_dates = stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month_no)
    first, last = weeks_of_dates[0][0], weeks_of_dates[-1][-1]
    closures = visible_closures(session, user, first, last)
    weeks = [
        [
            DayCell(
                on=day,
                info=workdays.day_info(day),
                closures=tuple(c for c in closures if c.starts_on <= day <= c.ends_on),
                in_month=day.month == month_no,
            )
            for day in week
        ]
        for week in weeks_of_dates
    ]
    return MonthView(year, month_no, weeks, workdays.is_provisional(year), closures)


def flags(session: Session, *, open_only: bool = True) -> list[RecheckFlag]:
    """Re-check flags, newest first."""
    stmt = select(RecheckFlag).order_by(RecheckFlag.id.desc())
    if open_only:
        stmt = stmt.where(RecheckFlag.resolved_at.is_(None))
    return list(session.scalars(stmt.limit(500)))
