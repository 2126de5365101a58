"""When a venue is open: its opening weekdays, minus statutory holidays, minus its own closures.

A study base opens on Tuesdays and Thursdays; a legal-help studio on Fridays. The State Council's
adjusted working Saturdays do not open them (the base still opens only on its weekdays), but a
holiday on a Tuesday closes a Tuesday base. Coordinators add closures of their own (maintenance,
school exams, a consultant's leave) with a reason in their own words.

`why_closed` is a dictionary look-up or two, because the application re-checks every published
booking with it whenever closures or the holiday data change.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal, get_args

from calendars.messages import N_, Message, nested, weekday_param
from calendars.workdays import DayInfo, day_info

ClosureKind = Literal["maintenance", "vacation", "exams", "leave", "other"]
CLOSURE_KINDS: tuple[str, ...] = get_args(ClosureKind)

# How each kind reads in a sentence, when the coordinator gave no reason.
CLOSURE_KIND_LABELS: dict[str, str] = {
    "maintenance": N_("maintenance"),
    "vacation": N_("vacation"),
    "exams": N_("exams"),
    "leave": N_("leave"),
    "other": N_("closed"),
}

ClosedKind = Literal["not_opening_day", "holiday", "closure"]

# Above this many closed days in total, look closures up by scanning instead of a day index.
_MAX_INDEXED_DAYS = 100_000


@dataclass(frozen=True)
class Closure:
    """Days a venue is closed for its own reasons, both ends included."""

    starts_on: date
    ends_on: date
    kind: ClosureKind
    reason: str = ""
    key: str | None = None

    def __post_init__(self) -> None:
        if self.ends_on < self.starts_on:
            raise ValueError(f"closure ends before it starts: {self.starts_on} > {self.ends_on}")
        if self.kind not in CLOSURE_KINDS:
            raise ValueError(f"unknown closure kind {self.kind!r}; expected one of {CLOSURE_KINDS}")

    def covers(self, on: date) -> bool:
        """Whether the closure includes the date."""
        return self.starts_on <= on <= self.ends_on

    def overlaps(self, start_on: date, end_on: date) -> bool:
        """Whether the closure shares a day with the inclusive range."""
        return self.starts_on <= end_on and start_on <= self.ends_on


@dataclass(frozen=True)
class ClosedReason:
    """Why a venue is closed on a date, as data, so a page can explain it and code can branch.

    `kind` is the deciding reason: a date that is not an opening weekday is that first, then a
    statutory holiday, then a closure. `closure` is the closure covering the date even when it
    is not the deciding reason, so nothing is hidden.
    """

    on: date
    kind: ClosedKind
    day: DayInfo
    closure: Closure | None = None

    @property
    def message(self) -> Message:
        """The reason as a sentence for the coordinator or the school."""
        if self.kind == "not_opening_day":
            return Message(
                N_("{date} is not an opening day ({weekday})."),
                {"date": self.on, "weekday": weekday_param(self.on)},
            )
        if self.kind == "holiday":
            # Translators: {holiday} is the English name; use {holiday_zh} for the Chinese one.
            return Message(
                N_("{date} is closed: {holiday} holiday."),
                {
                    "date": self.on,
                    "holiday": self.day.holiday_name_en,
                    "holiday_zh": self.day.holiday_name_zh,
                },
            )
        assert self.closure is not None
        if self.closure.reason.strip():
            return Message(
                N_("{date} is closed: {reason}."),
                {"date": self.on, "reason": self.closure.reason.strip()},
            )
        return Message(
            N_("{date} is closed ({kind})."),
            {"date": self.on, "kind": nested(CLOSURE_KIND_LABELS[self.closure.kind])},
        )


@dataclass(frozen=True)
class DateChange:
    """A date whose open or closed answer changed between two versions of a calendar."""

    on: date
    before: ClosedReason | None
    after: ClosedReason | None

    @property
    def became_closed(self) -> bool:
        """Whether bookings on this date now need attention."""
        return self.before is None and self.after is not None

    @property
    def became_open(self) -> bool:
        """Whether the date can be offered again."""
        return self.before is not None and self.after is None


@dataclass(frozen=True, init=False)
class OpenDays:
    """The days a venue opens: given weekdays (Monday=0), less holidays and closures."""

    weekdays: frozenset[int]
    closures: tuple[Closure, ...] = ()
    holidays_close: bool = True
    _index: dict[date, Closure] | None = field(init=False, repr=False, compare=False)
    _starts: tuple[date, ...] = field(init=False, repr=False, compare=False)

    def __init__(
        self,
        weekdays: Iterable[int],
        closures: Iterable[Closure] = (),
        holidays_close: bool = True,
    ) -> None:
        days = frozenset(weekdays)
        if not days <= frozenset(range(7)):
            raise ValueError(f"weekdays must be 0 (Monday) to 6 (Sunday): {sorted(days)}")
        ordered = tuple(sorted(closures, key=_closure_order))
        set_ = object.__setattr__
        set_(self, "weekdays", days)
        set_(self, "closures", ordered)
        set_(self, "holidays_close", holidays_close)
        set_(self, "_starts", tuple(c.starts_on for c in ordered))
        set_(self, "_index", _index_closures(ordered))

    def is_open(self, on: date) -> bool:
        """Whether the venue receives visitors on the date."""
        return self.why_closed(on) is None

    def why_closed(self, on: date) -> ClosedReason | None:
        """Why the venue is closed on the date, or None when it is open."""
        closure = self.closure_on(on)
        if on.weekday() not in self.weekdays:
            return ClosedReason(on, "not_opening_day", day_info(on), closure)
        info = day_info(on)
        if self.holidays_close and info.kind == "holiday":
            return ClosedReason(on, "holiday", info, closure)
        if closure is not None:
            return ClosedReason(on, "closure", info, closure)
        return None

    def closure_on(self, on: date) -> Closure | None:
        """The closure covering a date (the earliest-starting one when several do)."""
        if self._index is not None:
            return self._index.get(on)
        for closure in self.closures[: bisect.bisect_right(self._starts, on)]:
            if closure.covers(on):
                return closure
        return None

    def closures_touching(self, start_on: date, end_on: date) -> tuple[Closure, ...]:
        """The closures sharing a day with an inclusive range, e.g. a term being planned."""
        return tuple(c for c in self.closures if c.overlaps(start_on, end_on))

    def closed_in(self, dates: Iterable[date]) -> dict[date, ClosedReason]:
        """The closed dates among some dates (published bookings to re-check), with reasons."""
        found = {}
        for on in dates:
            reason = self.why_closed(on)
            if reason is not None:
                found[on] = reason
        return found

    def with_closures(self, closures: Iterable[Closure]) -> OpenDays:
        """The same venue with another list of closures, to compare before and after an edit."""
        return OpenDays(self.weekdays, closures, self.holidays_close)


def changed_dates(dates: Iterable[date], before: OpenDays, after: OpenDays) -> list[DateChange]:
    """The dates whose answer differs between two calendars, for re-checking bookings.

    A date counts as changed when it opens or closes, or stays closed for another reason (a
    booking's notice to the school quotes the reason).
    """
    changes = []
    for on in sorted(set(dates)):
        old, new = before.why_closed(on), after.why_closed(on)
        if _reason_key(old) != _reason_key(new):
            changes.append(DateChange(on, old, new))
    return changes


def _reason_key(reason: ClosedReason | None) -> Any:
    if reason is None:
        return None
    return (reason.kind, reason.day, reason.closure if reason.kind == "closure" else None)


def _closure_order(closure: Closure) -> tuple[Any, ...]:
    return (closure.starts_on, closure.ends_on, closure.key or "", closure.kind, closure.reason)


def _index_closures(closures: tuple[Closure, ...]) -> dict[date, Closure] | None:
    total = sum((c.ends_on - c.starts_on).days + 1 for c in closures)
    if total > _MAX_INDEXED_DAYS:
        return None
    index: dict[date, Closure] = {}
    for closure in closures:
        on = closure.starts_on
        while on <= closure.ends_on:
            index.setdefault(on, closure)
            if on == date.max:
                break
            on += timedelta(days=1)
    return index
