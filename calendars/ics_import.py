"""Closures proposed from an uploaded .ics file, e.g. a school's term calendar or a holiday list.

The coordinator uploads a file and reviews what it would close before anything is saved, so this
module never raises on what is in the file: every problem becomes a `Message` naming the event
(its number in the file and its title) so the coordinator can find it in their calendar program.

iCalendar details handled here: the DTEND of an all-day event is exclusive; a timed event closes
every Shanghai date it touches; recurring events are expanded (with `recurring_ical_events`) only
inside the window the coordinator chose; a file in GB18030 (Chinese Windows) rather than UTF-8 is
read with a warning. Note that `recurring_ical_events` silently swaps a start and an end given in
the wrong order, so such events are rejected here before expansion.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import recurring_ical_events
from icalendar import Calendar, Component

from calendars.closures import CLOSURE_KINDS, Closure, ClosureKind
from calendars.messages import N_, Message, nested
from calendars.workdays import TZ

log = logging.getLogger(__name__)

MAX_BYTES = 2 * 1024 * 1024
MAX_WINDOW_DAYS = 3660
MAX_OCCURRENCES = 10_000  # across the file: a rule that repeats daily for ten years is 3,653
MAX_REASON_CHARS = 200
_TWO_DAYS = timedelta(days=2)
_RECURRENCE_PROPERTIES = ("RRULE", "RDATE", "EXDATE", "RECURRENCE-ID")
_SUB_DAILY = {"SECONDLY", "MINUTELY", "HOURLY"}

# First match wins; "请假" must be leave before "假" makes it a vacation.
_KIND_PATTERNS: tuple[tuple[ClosureKind, re.Pattern[str]], ...] = (
    ("exams", re.compile(r"考试|[期月][中末]考|中考|高考|统考|联考|会考|月考|测验|\bexam", re.I)),
    ("maintenance", re.compile(r"维修|检修|保养|装修|施工|停电|maintenance|repair", re.I)),
    ("leave", re.compile(r"请假|事假|病假|休假|\bleave\b", re.I)),
    ("vacation", re.compile(r"假|vacation|holiday|\bbreak\b|recess", re.I)),
)


@dataclass(frozen=True)
class ProposedClosure:
    """A closure read from the file, for the coordinator to accept or drop.

    `event_index` is the event's position in the file (1 = first VEVENT); `clipped` says the
    event reaches beyond the window and only its part inside the window is proposed.
    """

    starts_on: date
    ends_on: date
    kind: ClosureKind
    reason: str
    event_index: int
    uid: str | None
    clipped: bool = False

    def to_closure(self, key: str | None = None) -> Closure:
        """The closure to store once the coordinator accepts it."""
        return Closure(self.starts_on, self.ends_on, self.kind, self.reason, key)


@dataclass(frozen=True)
class ClosureImport:
    """What an uploaded file would close, and what in it could not be used."""

    closures: list[ProposedClosure]
    errors: list[Message]
    skipped_outside_window: int = 0
    skipped_cancelled: int = 0


def guess_kind(summary: str, default: ClosureKind = "vacation") -> ClosureKind:
    """The closure kind an event's title suggests (考试 means exams, 寒假 a vacation, ...)."""
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(summary):
            return kind
    return default


def parse_closures(
    data: bytes,
    *,
    window_start: date,
    window_end: date,
    default_kind: ClosureKind = "vacation",
) -> ClosureImport:
    """Propose closures from the events of an .ics file that fall in a window of dates.

    Raises only for wrong arguments (a window upside down or over ten years, an unknown kind),
    never for the file's content.
    """
    if window_end < window_start:
        raise ValueError("window_end is before window_start")
    if (window_end - window_start).days >= MAX_WINDOW_DAYS:
        raise ValueError(f"the window may span at most {MAX_WINDOW_DAYS} days")
    if default_kind not in CLOSURE_KINDS:
        raise ValueError(f"unknown closure kind {default_kind!r}")
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("data must be bytes")
    try:
        return _Importer(window_start, window_end, default_kind).run(bytes(data))
    except Exception:  # the last guard: an upload must never crash the page
        log.exception("unexpected failure reading an .ics file")
        return ClosureImport([], [Message(N_("The file could not be read as a calendar."))])


class _Importer:
    def __init__(self, window_start: date, window_end: date, default_kind: ClosureKind) -> None:
        self.window_start = window_start
        self.window_end = window_end
        self.default_kind = default_kind
        self.closures: list[ProposedClosure] = []
        self.errors: list[Message] = []
        self.outside = 0
        self.cancelled = 0
        self.budget = MAX_OCCURRENCES

    def result(self) -> ClosureImport:
        if self.outside:
            self.errors.append(
                Message(
                    N_("Events entirely outside {start} to {end} were skipped: {count}."),
                    {"count": self.outside, "start": self.window_start, "end": self.window_end},
                )
            )
        self.closures.sort(key=lambda c: (c.starts_on, c.ends_on, c.event_index))
        return ClosureImport(self.closures, self.errors, self.outside, self.cancelled)

    def fail(self, msgid: str, **params: Any) -> ClosureImport:
        self.errors.append(Message(msgid, params))
        return self.result()

    def run(self, data: bytes) -> ClosureImport:
        if len(data) > MAX_BYTES:
            return self.fail(
                N_("The file is too large ({size} MB); the limit is {limit} MB."),
                size=round(len(data) / 1024 / 1024, 1),
                limit=MAX_BYTES // 1024 // 1024,
            )
        text = self.decode(data)
        if text is None:
            return self.result()
        if "BEGIN:VCALENDAR" not in text.upper():
            return self.fail(N_("The file is not an iCalendar (.ics) file."))
        try:
            components = Calendar.from_ical(text, multiple=True)
        except Exception:  # the parser raises ValueError, KeyError, ... on broken files
            return self.fail(N_("The file is not an iCalendar (.ics) file."))
        calendars = [c for c in components if c.name == "VCALENDAR"]
        if not calendars:
            return self.fail(N_("The file is not an iCalendar (.ics) file."))

        index = 0
        for cal in calendars:
            floating_tz = _floating_tz(cal)
            groups: dict[Any, list[tuple[int, Component]]] = {}
            for component in cal.subcomponents:
                if component.name != "VEVENT":
                    continue
                index += 1
                if self.check(index, component, floating_tz):
                    uid = component.get("UID")
                    key = ("uid", str(uid)) if uid else ("index", index)
                    groups.setdefault(key, []).append((index, component))
            timezones = [c for c in cal.subcomponents if c.name == "VTIMEZONE"]
            for members in groups.values():
                self.expand(timezones, members, floating_tz)
                if self.budget <= 0:
                    return self.fail(
                        N_(
                            "The file holds too many events or repeats; only the first {count} "
                            "dates were read."
                        ),
                        count=MAX_OCCURRENCES,
                    )
        if index == 0:
            return self.fail(N_("The file contains no events."))
        return self.result()

    def decode(self, data: bytes) -> str | None:
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        if not data.strip():
            self.errors.append(Message(N_("The file is empty.")))
            return None
        if b"\x00" in data:
            self.errors.append(Message(N_("The file is not an iCalendar (.ics) file.")))
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            self.errors.append(Message(N_("The file is not an iCalendar (.ics) file.")))
            return None
        self.errors.append(
            Message(
                N_(
                    "The file is not in UTF-8; it was read as GB18030 (Chinese Windows). "
                    "Check that the titles below read correctly."
                )
            )
        )
        return text

    def event_param(self, index: int, component: Component) -> dict[str, Any]:
        summary = _summary(component)
        if len(summary) > 40:
            summary = summary[:39] + "…"
        if summary:
            return nested(N_("Event {index} “{summary}”"), index=index, summary=summary)
        return nested(N_("Event {index}"), index=index)

    def check(self, index: int, event: Component, floating_tz: tzinfo) -> bool:
        """Whether the event can be expanded; records why not."""
        who = self.event_param(index, event)

        def problem(msgid: str) -> bool:
            self.errors.append(Message(msgid, {"event": who}))
            return False

        if "DTSTART" not in event:
            return problem(N_("{event} has no start date; it was skipped."))
        try:
            # Not event.start: in icalendar 7 it also fails when only DTEND is broken.
            start = _local(event["DTSTART"].dt, floating_tz)
        except Exception:
            return problem(N_("{event} has a start date that cannot be read; it was skipped."))
        try:
            end = _local(event.end, floating_tz)
        except Exception:
            return problem(N_("{event} has an end that cannot be read; it was skipped."))
        if end < start:
            return problem(N_("{event} ends before it starts; it was skipped."))
        rules = event.get("RRULE")
        for rule in rules if isinstance(rules, list) else [rules] if rules is not None else []:
            try:
                freq = {str(f).upper() for f in rule.get("FREQ", [])}
                sub_daily = any(part in rule for part in ("BYHOUR", "BYMINUTE", "BYSECOND"))
            except Exception:
                return problem(N_("{event} has a repeat rule that cannot be read; it was skipped."))
            if not freq:
                return problem(N_("{event} has a repeat rule that cannot be read; it was skipped."))
            if freq & _SUB_DAILY or sub_daily:
                return problem(N_("{event} repeats more often than daily; it was skipped."))
        return True

    def expand(
        self, timezones: list[Component], members: list[tuple[int, Component]], floating_tz: tzinfo
    ) -> None:
        """Propose the closures of one event with its modified occurrences (same UID)."""
        index, first = members[0]
        found = False
        # Occurrences just outside the window are kept too: they show that a range is clipped.
        ranges: dict[str, list[tuple[date, date]]] = {}
        try:
            for occurrence in self.occurrences(timezones, members, floating_tz):
                starts_on, ends_on = _dates_touched(occurrence, floating_tz)
                inside = starts_on <= self.window_end and ends_on >= self.window_start
                found |= inside
                if str(occurrence.get("STATUS", "")).upper() == "CANCELLED":
                    self.cancelled += inside
                    continue
                ranges.setdefault(_summary(occurrence), []).append((starts_on, ends_on))
        except Exception:
            self.errors.append(
                Message(
                    N_("{event} could not be turned into dates; it was skipped."),
                    {"event": self.event_param(index, first)},
                )
            )
            return
        if not found:
            self.outside += 1
            return
        uid = str(first["UID"]) if first.get("UID") else None
        for summary, spans in ranges.items():
            for starts_on, ends_on in _merge(spans):
                self.propose(summary, starts_on, ends_on, index, uid)

    def occurrences(
        self, timezones: list[Component], members: list[tuple[int, Component]], floating_tz: tzinfo
    ) -> Iterator[Component]:
        """The occurrences that touch the window, within the file's budget.

        `between` rather than the lazy `after`: once `after` finds occurrences it narrows its
        search step down to 15 minutes, so a daily rule costs ~100 queries per day of window.
        A rule repeats at most daily here (checked before), so one call returns at most about
        one occurrence per day of the window and rule.
        """
        if len(members) == 1 and not any(p in members[0][1] for p in _RECURRENCE_PROPERTIES):
            # A plain event, the common case: no need for a query (about 1 ms per event).
            occurrences: list[Component] = [members[0][1]]
        else:
            mini = Calendar()
            for component in [*timezones, *(component for _, component in members)]:
                mini.add_component(component)
            query = recurring_ical_events.of(mini)
            # A day's margin on each side covers times written in zones other than Shanghai's.
            occurrences = query.between(
                self.window_start - timedelta(days=1), self.window_end + _TWO_DAYS
            )
        for occurrence in occurrences:
            if self.budget <= 0:
                return
            self.budget -= 1
            yield occurrence

    def propose(
        self, summary: str, starts_on: date, ends_on: date, index: int, uid: str | None
    ) -> None:
        clipped_start = max(starts_on, self.window_start)
        clipped_end = min(ends_on, self.window_end)
        if clipped_end < clipped_start:  # only the margin around the window
            return
        reason = summary if len(summary) <= MAX_REASON_CHARS else summary[: MAX_REASON_CHARS - 1]
        if reason != summary:
            reason += "…"
        self.closures.append(
            ProposedClosure(
                starts_on=clipped_start,
                ends_on=clipped_end,
                kind=guess_kind(summary, self.default_kind),
                reason=reason,
                event_index=index,
                uid=uid,
                clipped=(clipped_start, clipped_end) != (starts_on, ends_on),
            )
        )


def _summary(component: Component) -> str:
    value = component.get("SUMMARY")
    if value is None:
        return ""
    return " ".join(str(value).split())


def _floating_tz(cal: Component) -> tzinfo:
    """The zone of times written without one: the calendar's X-WR-TIMEZONE, else Shanghai."""
    name = str(cal.get("X-WR-TIMEZONE", "")).strip()
    if name:
        try:
            return ZoneInfo(name)
        except Exception:  # an unknown or malformed zone name
            pass
    return TZ


def _local(value: date | datetime, floating_tz: tzinfo) -> datetime:
    """A start or end as an aware Shanghai datetime (a date is its midnight)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=floating_tz)
        return value.astimezone(TZ)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=TZ)
    raise TypeError(f"not a date: {value!r}")


def _dates_touched(event: Component, floating_tz: tzinfo) -> tuple[date, date]:
    """The Shanghai dates an event covers, both ends included."""
    start, end = event.start, event.end
    if not isinstance(start, datetime):  # all-day: DTEND is the day after the last one
        last = end - timedelta(days=1) if end > start else start
        return start, last
    local_start, local_end = _local(start, floating_tz), _local(end, floating_tz)
    if local_end <= local_start:
        return local_start.date(), local_start.date()
    return local_start.date(), (local_end - timedelta(microseconds=1)).date()


def _merge(spans: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """Overlapping or back-to-back ranges as one (a daily repeat is one closure, not many)."""
    merged: list[tuple[date, date]] = []
    for starts_on, ends_on in sorted(spans):
        if merged and starts_on <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], ends_on))
        else:
            merged.append((starts_on, ends_on))
    return merged
