"""Working days, holidays, opening days, slots, statutory periods and iCalendar, for Fengqiao.

Pure: this package imports only the standard library, `holidays`, `icalendar` and
`recurring_ical_events`, never Flask, SQLAlchemy or another package of ours. It cannot translate;
what a user should read comes back as a `Message` (an English msgid marked `N_` plus parameters),
which `programs.i18n.translate` renders (see `calendars.messages` for the parameter conventions).

Working days (`calendars.workdays`), Asia/Shanghai, from the `holidays` package:
    TZ; today(now=None) -> date
    DayInfo(on, kind, working, holiday_name_zh, holiday_name_en, provisional)
        kind: "workday" | "weekend" | "holiday" | "adjusted_workday"
    day_info(on) -> DayInfo; is_working_day(on) -> bool; next_working_day(on) -> date
    adjusted_workdays(year) -> list[date]; holidays_in(year) -> list[DayInfo]
    is_provisional(year) -> bool; holiday_data_fingerprint(year) -> str

Opening days (`calendars.closures`):
    Closure(starts_on, ends_on, kind, reason="", key=None)   both ends included
    OpenDays(weekdays, closures=(), holidays_close=True)
        .is_open(on), .why_closed(on) -> ClosedReason | None, .closure_on(on),
        .closures_touching(start_on, end_on), .closed_in(dates), .with_closures(closures)
    ClosedReason(on, kind, day, closure).message; kind: "not_opening_day" | "holiday" | "closure"
    changed_dates(dates, before, after) -> list[DateChange]

Slots (`calendars.slots`):
    working_fridays(start_on, end_on); open_days(start_on, end_on, schedule)
    SessionTemplate(code, label_msgid, starts, ends); DEFAULT_HALF_DAYS
    Slot(on, template_code, starts_at, ends_at); slots(days, templates=DEFAULT_HALF_DAYS)
    split(starts_at, ends_at, minutes=30) -> list[(start, end)]

Statutory periods (`calendars.periods`), Civil Procedure Law art. 85, Civil Code arts. 201-203:
    add_days(start_on, days), add_months(start_on, months), add_years(start_on, years)
        -> Deadline(start_on, nominal_on, due_on, extended, skipped, provisional, length, unit)
           .message, .provisional_message

iCalendar (`calendars.ical`, `calendars.ics_import`):
    CalendarEvent(uid, sequence, summary, last_modified_at, starts_at/ends_at or
                  starts_on/ends_on, description, location, status, url, categories, provisional)
    build_calendar(events, *, name, description="", provisional_note=None) -> bytes
    parse_closures(data, *, window_start, window_end, default_kind="vacation") -> ClosureImport
        ClosureImport(closures: list[ProposedClosure], errors: list[Message],
                      skipped_outside_window, skipped_cancelled); guess_kind(summary)
"""

from calendars.closures import (
    CLOSURE_KINDS,
    ClosedReason,
    Closure,
    DateChange,
    OpenDays,
    changed_dates,
)
from calendars.ical import CalendarEvent, build_calendar
from calendars.ics_import import ClosureImport, ProposedClosure, guess_kind, parse_closures
from calendars.messages import N_, Message
from calendars.periods import Deadline, add_days, add_months, add_years
from calendars.slots import (
    DEFAULT_HALF_DAYS,
    SessionTemplate,
    Slot,
    open_days,
    slots,
    split,
    working_fridays,
)
from calendars.workdays import (
    TZ,
    DayInfo,
    adjusted_workdays,
    day_info,
    day_start,
    holiday_data_fingerprint,
    holidays_in,
    is_provisional,
    is_working_day,
    next_working_day,
    today,
)

__all__ = [
    "CLOSURE_KINDS",
    "DEFAULT_HALF_DAYS",
    "N_",
    "TZ",
    "CalendarEvent",
    "ClosedReason",
    "Closure",
    "ClosureImport",
    "DateChange",
    "DayInfo",
    "Deadline",
    "Message",
    "OpenDays",
    "ProposedClosure",
    "SessionTemplate",
    "Slot",
    "add_days",
    "add_months",
    "add_years",
    "adjusted_workdays",
    "build_calendar",
    "changed_dates",
    "day_info",
    "day_start",
    "guess_kind",
    "holiday_data_fingerprint",
    "holidays_in",
    "is_provisional",
    "is_working_day",
    "next_working_day",
    "open_days",
    "parse_closures",
    "slots",
    "split",
    "today",
    "working_fridays",
]
