"""Statutory periods: when a period of days, months or years that the law gives ends.

The rule (Civil Procedure Law art. 85; Civil Code arts. 201-203; the Supreme People's Court's
2014 notice on counting periods, which names weekends expressly):

* the start day is not counted: 15 days from 1 March end on 16 March;
* a period in months or years ends on the corresponding day of the last month, or on that month's
  last day when it has no such day (one month from 31 January ends on 28 or 29 February);
* if the last day is a day off - a statutory holiday or an ordinary Saturday or Sunday - the
  period ends on the next working day; an adjusted working Saturday or Sunday (调休上班日) is a
  working day and does not extend it;
* days off in the middle of a period are not deducted.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from calendars.messages import N_, Message, nested, weekday_param
from calendars.workdays import DayInfo, day_info, is_provisional

PeriodUnit = Literal["days", "months", "years"]


@dataclass(frozen=True)
class Deadline:
    """The last day of a period, with how it was reached, so a notice can explain it."""

    start_on: date
    nominal_on: date
    due_on: date
    extended: bool
    skipped: tuple[DayInfo, ...]
    provisional: bool
    length: int
    unit: PeriodUnit

    @property
    def message(self) -> Message:
        """How the due date was found, in one sentence."""
        params: dict[str, Any] = {
            "due": self.due_on,
            "start": self.start_on,
            "period": _period_param(self.length, self.unit),
        }
        if not self.extended:
            return Message(N_("Due {due}: {period} from {start}."), params)
        nominal = day_info(self.nominal_on)
        params["nominal"] = self.nominal_on
        if nominal.kind == "holiday":
            # Translators: {holiday} is the English name; use {holiday_zh} for the Chinese one.
            params["holiday"] = nominal.holiday_name_en
            params["holiday_zh"] = nominal.holiday_name_zh
            return Message(
                N_(
                    "Due {due}: {period} from {start}; {nominal} is a day off ({holiday}), "
                    "so the period ends on the next working day."
                ),
                params,
            )
        params["weekday"] = weekday_param(self.nominal_on)
        return Message(
            N_(
                "Due {due}: {period} from {start}; {nominal} is a day off ({weekday}), "
                "so the period ends on the next working day."
            ),
            params,
        )

    @property
    def provisional_message(self) -> Message | None:
        """A warning when the due date rests on a holiday arrangement not yet published."""
        if not self.provisional:
            return None
        day = self.nominal_on
        while not day_info(day).provisional:  # provisional implies one of the days is
            day += timedelta(days=1)
        year = day.year if is_provisional(day.year) else day.year + 1
        return Message(
            N_(
                "The holiday arrangement for {year} has not been published yet; "
                "this due date may change."
            ),
            {"year": year},
        )


def add_days(start_on: date, days: int) -> Deadline:
    """The end of a period of days starting on a date (the start day itself is not counted)."""
    _check_length(days)
    return _deadline(start_on, start_on + timedelta(days=days), days, "days")


def add_months(start_on: date, months: int) -> Deadline:
    """The end of a period of months: the corresponding day, or that month's last day."""
    _check_length(months)
    return _deadline(start_on, _shift_months(start_on, months), months, "months")


def add_years(start_on: date, years: int) -> Deadline:
    """The end of a period of years: the corresponding day (28 February for 29 February)."""
    _check_length(years)
    return _deadline(start_on, _shift_months(start_on, 12 * years), years, "years")


def _check_length(length: int) -> None:
    if isinstance(length, bool) or not isinstance(length, int):
        raise TypeError("a period length is a whole number")
    if length < 1:
        raise ValueError("a period is at least 1 unit long")


def _shift_months(start_on: date, months: int) -> date:
    index = start_on.year * 12 + start_on.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise OverflowError("date value out of range")
    return date(year, month, min(start_on.day, calendar.monthrange(year, month)[1]))


def _deadline(start_on: date, nominal_on: date, length: int, unit: PeriodUnit) -> Deadline:
    skipped = []
    due_on = nominal_on
    info = day_info(due_on)
    while not info.working:
        skipped.append(info)
        due_on += timedelta(days=1)
        info = day_info(due_on)
    # Only the days from the nominal end to the due date decide it; earlier days off don't count.
    provisional = info.provisional or any(s.provisional for s in skipped)
    return Deadline(
        start_on=start_on,
        nominal_on=nominal_on,
        due_on=due_on,
        extended=due_on != nominal_on,
        skipped=tuple(skipped),
        provisional=provisional,
        length=length,
        unit=unit,
    )


def _period_param(length: int, unit: PeriodUnit) -> dict[str, Any]:
    if unit == "days":
        if length == 1:
            return nested(N_("1 day"))
        return nested(N_("{count} days"), count=length)
    if unit == "months":
        if length == 1:
            return nested(N_("1 month"))
        return nested(N_("{count} months"), count=length)
    if length == 1:
        return nested(N_("1 year"))
    return nested(N_("{count} years"), count=length)
