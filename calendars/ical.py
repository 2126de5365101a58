"""iCalendar feeds (RFC 5545) from plain event values, for consultants' and schools' calendars.

The same events always give the same bytes: events are sorted, DTSTAMP is the event's last
modification rather than the time of the request, and nothing random (no generated UID) goes in.
So a feed's ETag changes only when its content does, and clients do not re-download for nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal, get_args

from icalendar import Calendar, Event, Timezone, vDuration, vText

from calendars.workdays import TZ

PRODID = "-//Fengqiao//Fengqiao//ZH"

EventStatus = Literal["CONFIRMED", "TENTATIVE", "CANCELLED"]
EVENT_STATUSES: tuple[str, ...] = get_args(EventStatus)

# Shanghai's last daylight saving time ended in 1991; from 1992 one STANDARD rule says it all.
_VTIMEZONE_FROM = date(1992, 1, 1)


@dataclass(frozen=True)
class CalendarEvent:
    """One event of a feed, built by the application from a booking, a visit or a deadline.

    A timed event has `starts_at`/`ends_at` (aware, any time zone; written in Asia/Shanghai); an
    all-day event has `starts_on`/`ends_on`, both days included as everywhere in this project
    (the exclusive iCalendar DTEND is worked out here). `uid` must stay the same for the life of
    the thing it describes, and `sequence` must grow with each change, or clients keep stale
    copies. Mark `provisional` an event whose date rests on a holiday arrangement not yet
    published; the calendar's `provisional_note` is then added to its description.
    """

    uid: str
    sequence: int
    summary: str
    last_modified_at: datetime
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    description: str = ""
    location: str = ""
    status: EventStatus = "CONFIRMED"
    url: str | None = None
    categories: tuple[str, ...] = ()
    provisional: bool = False

    def __post_init__(self) -> None:
        if not self.uid or any(c in self.uid for c in "\r\n"):
            raise ValueError("uid must be a non-empty single line")
        if self.sequence < 0:
            raise ValueError("sequence must not be negative")
        if self.status not in EVENT_STATUSES:
            raise ValueError(f"status must be one of {EVENT_STATUSES}: {self.status!r}")
        if self.last_modified_at.tzinfo is None:
            raise ValueError("last_modified_at must be an aware datetime")
        timed = self.starts_at is not None or self.ends_at is not None
        all_day = self.starts_on is not None or self.ends_on is not None
        if timed == all_day:
            raise ValueError("give either starts_at and ends_at, or starts_on and ends_on")
        if timed:
            if self.starts_at is None or self.ends_at is None:
                raise ValueError("a timed event needs both starts_at and ends_at")
            if self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
                raise ValueError("starts_at and ends_at must be aware datetimes")
            if self.ends_at < self.starts_at:
                raise ValueError("the event ends before it starts")
        else:
            if self.starts_on is None or self.ends_on is None:
                raise ValueError("an all-day event needs both starts_on and ends_on")
            if isinstance(self.starts_on, datetime) or isinstance(self.ends_on, datetime):
                raise ValueError("starts_on and ends_on are dates, not datetimes")
            if self.ends_on < self.starts_on:
                raise ValueError("the event ends before it starts")

    @property
    def all_day(self) -> bool:
        """Whether the event takes whole days rather than a time of day."""
        return self.starts_on is not None

    def _sort_key(self) -> tuple[datetime, str]:
        if self.starts_at is not None:
            return (self.starts_at.astimezone(UTC), self.uid)
        assert self.starts_on is not None
        return (datetime.combine(self.starts_on, time(), tzinfo=TZ).astimezone(UTC), self.uid)


def build_calendar(
    events: Iterable[CalendarEvent],
    *,
    name: str,
    description: str = "",
    provisional_note: str | None = None,
    refresh_interval: timedelta | None = timedelta(hours=1),
) -> bytes:
    """An iCalendar feed (METHOD:PUBLISH) in Asia/Shanghai, as the bytes to serve.

    `refresh_interval` tells subscribing clients how often to poll (REFRESH-INTERVAL and the
    X-PUBLISHED-TTL that Outlook and Apple read); None leaves it to them.
    """
    ordered = sorted(events, key=CalendarEvent._sort_key)
    uids = [e.uid for e in ordered]
    if len(set(uids)) != len(uids):
        duplicates = sorted({u for u in uids if uids.count(u) > 1})
        raise ValueError(f"duplicate event uids: {duplicates}")

    cal = Calendar()
    cal.add("PRODID", PRODID)
    cal.add("VERSION", "2.0")
    cal.add("CALSCALE", "GREGORIAN")
    cal.add("METHOD", "PUBLISH")
    # vText escapes commas, semicolons and newlines. Calendar.calendar_name and .description
    # (icalendar 7.3) write X-WR-* values unescaped, and a newline then breaks to_ical().
    cal.add("NAME", vText(name))
    cal.add("X-WR-CALNAME", vText(name))
    cal_description = _join(description, provisional_note)
    if cal_description:
        cal.add("DESCRIPTION", vText(cal_description))
        cal.add("X-WR-CALDESC", vText(cal_description))
    cal.add("X-WR-TIMEZONE", vText(TZ.key))
    if refresh_interval is not None:
        cal.add("REFRESH-INTERVAL", refresh_interval, parameters={"VALUE": "DURATION"})
        cal.add("X-PUBLISHED-TTL", vDuration(refresh_interval))
    cal.add_component(_vtimezone(ordered))
    # The events are written one by one and spliced in before the end, as to_ical() would
    # write them: an event's lines depend on nothing but the event, so a feed polled again
    # writes only what changed (writing thousands of events was most of a large feed's time).
    head = cal.to_ical()
    assert head.endswith(_END)
    return b"".join(
        [head[: -len(_END)], *(_vevent_ical(e, provisional_note) for e in ordered), _END]
    )


_END = b"END:VCALENDAR\r\n"


@lru_cache(maxsize=20_000)
def _vevent_ical(event: CalendarEvent, provisional_note: str | None) -> bytes:
    return _vevent(event, provisional_note).to_ical()


def _join(*parts: str | None) -> str:
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


def _vtimezone(events: list[CalendarEvent]) -> Timezone:
    first = _VTIMEZONE_FROM
    if events:
        earliest = events[0]._sort_key()[0].astimezone(TZ).date()
        first = min(first, earliest - timedelta(days=1))
    vtimezone = Timezone.from_tzid(TZ.key, first_date=first)
    # Its comment claims the zone "only works" until 2038; for Shanghai's fixed offset the last
    # rule holds on, so the comment would only mislead whoever reads the feed.
    vtimezone.pop("COMMENT", None)
    return vtimezone


def _vevent(event: CalendarEvent, provisional_note: str | None) -> Event:
    stamp = event.last_modified_at.astimezone(UTC)
    vevent = Event()
    vevent.add("UID", event.uid)
    vevent.add("DTSTAMP", stamp)
    vevent.add("LAST-MODIFIED", stamp)
    vevent.add("SEQUENCE", event.sequence)
    if event.starts_at is not None and event.ends_at is not None:
        vevent.add("DTSTART", event.starts_at.astimezone(TZ))
        vevent.add("DTEND", event.ends_at.astimezone(TZ))
    elif event.starts_on is not None and event.ends_on is not None:
        vevent.add("DTSTART", event.starts_on)
        vevent.add("DTEND", event.ends_on + timedelta(days=1))  # DTEND of a date is exclusive
        # All-day events neither block time in a consultant's free/busy nor float by time zone.
        vevent.add("TRANSP", "TRANSPARENT")
    vevent.add("SUMMARY", event.summary)
    description = _join(event.description, provisional_note if event.provisional else None)
    if description:
        vevent.add("DESCRIPTION", description)
    if event.location:
        vevent.add("LOCATION", event.location)
    if event.url:
        vevent.add("URL", event.url)
    if event.categories:
        vevent.add("CATEGORIES", list(event.categories))
    vevent.add("STATUS", event.status)
    return vevent
