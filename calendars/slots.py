"""Bookable days and time slots: Friday service days, study-tour sessions, office-hour slots.

Times are wall-clock times in Shanghai (China has kept no daylight saving time since 1991, so a
time of day maps to one instant); the slots carry aware datetimes so nothing downstream guesses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from calendars.closures import OpenDays
from calendars.messages import N_
from calendars.workdays import TZ, is_working_day

FRIDAY = 4


@dataclass(frozen=True)
class SessionTemplate:
    """A named part of a day that is booked as a whole, e.g. a study-tour morning."""

    code: str
    label_msgid: str
    starts: time
    ends: time

    def __post_init__(self) -> None:
        if self.starts.tzinfo is not None or self.ends.tzinfo is not None:
            raise ValueError("session times are Shanghai wall-clock times, without tzinfo")
        if self.ends <= self.starts:
            raise ValueError(f"session {self.code!r} ends before it starts")


# A study tour of about 90 minutes, in the morning or the afternoon.
DEFAULT_HALF_DAYS: tuple[SessionTemplate, ...] = (
    SessionTemplate("am", N_("Morning"), time(9, 0), time(11, 30)),
    SessionTemplate("pm", N_("Afternoon"), time(14, 0), time(16, 30)),
)


@dataclass(frozen=True)
class Slot:
    """One session on one day, as a bookable unit with its exact start and end."""

    on: date
    template_code: str
    starts_at: datetime
    ends_at: datetime


def _days(start_on: date, end_on: date) -> Iterable[date]:
    on = start_on
    while on <= end_on:
        yield on
        on += timedelta(days=1)


def working_fridays(start_on: date, end_on: date) -> list[date]:
    """The Friday Law Service Days of a range (both ends included): Fridays people work."""
    if end_on < start_on:
        return []
    first = start_on + timedelta(days=(FRIDAY - start_on.weekday()) % 7)
    fridays = []
    on = first
    while on <= end_on:
        if is_working_day(on):
            fridays.append(on)
        on += timedelta(days=7)
    return fridays


def open_days(start_on: date, end_on: date, schedule: OpenDays) -> list[date]:
    """The days of a range (both ends included) a venue opens, to plan a term's visits."""
    return [on for on in _days(start_on, end_on) if schedule.is_open(on)]


def slots(
    days: Iterable[date], templates: Iterable[SessionTemplate] = DEFAULT_HALF_DAYS
) -> list[Slot]:
    """Every session of every day, in order of time."""
    templates = sorted(templates, key=lambda t: (t.starts, t.code))
    return [
        Slot(
            on=on,
            template_code=t.code,
            starts_at=datetime.combine(on, t.starts, tzinfo=TZ),
            ends_at=datetime.combine(on, t.ends, tzinfo=TZ),
        )
        for on in sorted(days)
        for t in templates
    ]


def split(
    starts_at: datetime, ends_at: datetime, minutes: int = 30
) -> list[tuple[datetime, datetime]]:
    """Cut office hours into consecutive slots of equal length; a short remainder is dropped.

    The remainder is dropped because a consultation booked into it would be cut short.
    """
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValueError("starts_at and ends_at must be aware datetimes")
    if minutes <= 0:
        raise ValueError("minutes must be positive")
    step = timedelta(minutes=minutes)
    tz = starts_at.tzinfo
    # Step in UTC so that a time zone with daylight saving time still gives real minutes.
    current, end = starts_at.astimezone(UTC), ends_at.astimezone(UTC)
    pieces = []
    while current + step <= end:
        pieces.append((current.astimezone(tz), (current + step).astimezone(tz)))
        current += step
    return pieces
