"""Working days, closures, slots, statutory periods and iCalendar, for Asia/Shanghai.

Pure: facts in, dates out. Imports only the standard library, `holidays`, `icalendar` and
`recurring_ical_events`, never the web, the database or another package of Fengqiao. What a user
should read comes back as `Message` (an English message id with parameters) for the application
to translate.

- `workdays`: `TZ`, `today()`, `day_info()`, `is_working_day()`, `next_working_day()`,
  `adjusted_workdays()`, `holidays_in()`, `is_provisional()`, `holiday_data_fingerprint()`
- `closures`: `Closure`, `OpenDays` (`is_open`, `why_closed` -> `ClosedReason`), `changed_dates`
- `slots`: `working_fridays()`, `open_days()`, `SessionTemplate`, `DEFAULT_HALF_DAYS`, `slots()`,
  `split()`
- `periods`: `add_days()`, `add_months()`, `add_years()` -> `Deadline`
- `ical`: `CalendarEvent`, `build_calendar()`
- `ics_import`: `parse_closures()` -> `ClosureImport` of `ProposedClosure`s and error messages
"""

from calendars.closures import ClosedReason, Closure, OpenDays, changed_dates
from calendars.ical import CalendarEvent, build_calendar
from calendars.ics_import import ClosureImport, ProposedClosure, parse_closures
from calendars.messages import Message
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
    holiday_data_fingerprint,
    holidays_in,
    is_provisional,
    is_working_day,
    next_working_day,
    today,
)

__all__ = [
    "DEFAULT_HALF_DAYS",
    "TZ",
    "CalendarEvent",
    "ClosedReason",
    "Closure",
    "ClosureImport",
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
