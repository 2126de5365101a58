"""The PRC working-day calendar, in Asia/Shanghai, from the `holidays` package.

Three things the package does not say plainly, and this module does:

* Weekend days inside a holiday block (2026-10-04, a Sunday of the National Day week) are not
  "in" the package's holidays; we report them as holidays of that block, as the State Council's
  notice does ("10月1日至7日放假调休，共7天"). Rule: every non-working day of a run of
  consecutive non-working days that contains a festival day takes the name of the nearest
  festival day of the run (the earlier one on a tie). A festival day is a day the package lists
  without the observed rule, minus the days moved by the notice ("休息日（由…调休）"). Ordinary
  weekends keep kind "weekend".
* For a year whose arrangement the State Council has not published, the package still returns
  rule-based dates, with no adjusted working days. Such a year is *provisional* (see
  `is_provisional`). The last week of a known year is provisional too while the next year is,
  because next year's New Year arrangement has moved late-December days before (2001-12-29,
  2005-12-31, 2006-12-30/31, 2007-12-31, 2011-12-31, 2018-12-31).
* Holiday names depend on the process's LANG unless a language is passed (with LANG=C.UTF-8
  the package answers in English although China's default language is zh_CN); we always pass
  one.

Everything is computed once per year and cached, because schedules and deadlines ask day by day.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo

import holidays

TZ = ZoneInfo("Asia/Shanghai")

DayKind = Literal["workday", "weekend", "holiday", "adjusted_workday"]

# Years for which the package holds the State Council's arrangement. The China class keeps the
# notice of each year as `special_public_holidays[year]` (the days moved by 调休, plus one-off
# holidays such as 2015-09-03); a rule-based year has no entry. A known year with nothing to move
# would have no entry either, so a year counts as known when it lies between the first and the
# last year with an entry, not when it has one itself.
_ANNOUNCED_YEARS: frozenset[int] = frozenset(holidays.China(years=()).special_public_holidays)
FIRST_ANNOUNCED_YEAR = min(_ANNOUNCED_YEARS)
LAST_ANNOUNCED_YEAR = max(_ANNOUNCED_YEARS)

# The package's labels for the Spring Festival and its eve, which make one block.
_SPRING_FESTIVAL_ZH = "春节"
_NEW_YEARS_EVE_ZH = "农历除夕"

# From this day of December on, a day's status may still change with next year's notice.
_YEAR_END_UNSETTLED_FROM = (12, 24)

# Every day of the years asked about so far, for the hot loops.
_DAYS: dict[date, DayInfo] = {}

# Bump when the meaning of the fingerprinted data changes, so every fingerprint changes with it.
_FINGERPRINT_VERSION = 1


def today(now: datetime | None = None) -> date:
    """Today's date in Shanghai, whatever the server's time zone; `now` lets tests fix the time."""
    if now is None:
        now = datetime.now(TZ)
    elif now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    return now.astimezone(TZ).date()


def day_start(on: date) -> datetime:
    """The first instant of a Shanghai day, for comparing with recorded times (kept in UTC)."""
    return datetime.combine(on, time(), tzinfo=TZ)


@dataclass(frozen=True)
class DayInfo:
    """What kind of day a date is in the PRC, and why, so callers can explain a closed date.

    `provisional` means the State Council has not yet published the arrangement that decides
    this day, so the package's answer is a guess from the rules.
    """

    on: date
    kind: DayKind
    working: bool
    holiday_name_zh: str | None
    holiday_name_en: str | None
    provisional: bool


def is_provisional(year: int) -> bool:
    """Whether the package has only rule-based dates for the year, not the published notice.

    Years before the package's first checked notice (2001) count as provisional too.
    """
    return not FIRST_ANNOUNCED_YEAR <= year <= LAST_ANNOUNCED_YEAR


def day_info(on: date) -> DayInfo:
    """The kind of a day; a dictionary look-up after the first call for its year."""
    try:
        return _DAYS[on]
    except KeyError:
        _DAYS.update((info.on, info) for info in _year_days(on.year))
        return _DAYS[on]


def is_working_day(on: date) -> bool:
    """Whether people work that day: weekdays that are no holiday, plus adjusted weekend days."""
    return day_info(on).working


def next_working_day(on: date) -> date:
    """The first working day on or after a date (where a period that ends on a day off ends)."""
    while not is_working_day(on):
        on += timedelta(days=1)
    return on


def adjusted_workdays(year: int) -> list[date]:
    """The weekend days people work in a year (调休上班日), in order."""
    return [info.on for info in _year_days(year) if info.kind == "adjusted_workday"]


def holidays_in(year: int) -> list[DayInfo]:
    """Every day off of a holiday block in a year, weekend days of the block included, in order."""
    return [info for info in _year_days(year) if info.kind == "holiday"]


def holiday_data_fingerprint(year: int) -> str:
    """A hash of what the calendar says about a year, to notice when a package upgrade changes it.

    Store it with whatever was computed from the year (bookings, deadlines); when it differs,
    re-check those. It covers the holidays with their names, the adjusted working days, the
    provisional flag, and whether the year's end may still move with next year's notice.
    """
    payload = {
        "version": _FINGERPRINT_VERSION,
        "year": year,
        "provisional": is_provisional(year),
        "year_end_unsettled": is_provisional(year + 1),
        "days": [
            [info.on.isoformat(), info.kind, info.holiday_name_zh]
            for info in _year_days(year)
            if info.kind in ("holiday", "adjusted_workday")
        ],
    }
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _day_provisional(on: date) -> bool:
    if is_provisional(on.year):
        return True
    return (on.month, on.day) >= _YEAR_END_UNSETTLED_FROM and is_provisional(on.year + 1)


def _moved_days_off(calendar: holidays.HolidayBase, years: tuple[int, ...]) -> set[date]:
    """Days off that a notice moved from a weekend (the "to" side of 调休), per the package data."""
    moved = set()
    for year in years:
        entries = calendar.special_public_holidays.get(year, ())
        if entries and isinstance(entries[0], int):  # a single entry, not a tuple of them
            entries = (entries,)
        for entry in entries:
            if len(entry) >= 4:  # (to_month, to_day, from_month, from_day[, from_year])
                moved.add(date(year, entry[0], entry[1]))
    return moved


@cache
def _year_days(year: int) -> tuple[DayInfo, ...]:
    if not 1 <= year <= 9999:
        raise ValueError(f"year out of range: {year}")
    years = tuple(y for y in (year - 1, year, year + 1) if 1 <= y <= 9999)
    zh = holidays.China(years=years, language="zh_CN")
    en = holidays.China(years=years, language="en_US")
    festivals_zh = holidays.China(years=years, language="zh_CN", observed=False)
    festivals_en = holidays.China(years=years, language="en_US", observed=False)
    moved = _moved_days_off(zh, years)

    def is_festival(d: date) -> bool:
        return d in festivals_zh and d not in moved

    def festival_of(day: date, festival_days: list[date]) -> date:
        # The eve belongs to the Spring Festival block (the notice says "春节：2月15日至23日").
        names = {festivals_zh[f] for f in festival_days}
        if _SPRING_FESTIVAL_ZH in names:
            festival_days = [f for f in festival_days if festivals_zh[f] != _NEW_YEARS_EVE_ZH]
        return min(festival_days, key=lambda f: (abs((f - day).days), f))

    # Look a little beyond the year so a block across New Year is seen whole; blocks are short.
    margin = timedelta(days=20)
    first = date(year, 1, 1) - margin if year > 1 else date.min
    last = date(year, 12, 31) + margin if year < 9999 else date.max
    span = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    working = {d: zh.is_working_day(d) for d in span}

    # The festival each non-working day belongs to, found run by run.
    block_of: dict[date, date] = {}
    run: list[date] = []
    for d in [*span, None]:
        if d is not None and not working[d]:
            run.append(d)
            continue
        festival_days = [x for x in run if is_festival(x)]
        if festival_days:
            for x in run:
                block_of[x] = festival_of(x, festival_days)
        run = []

    days = []
    current = date(year, 1, 1)
    while current.year == year:
        weekend = zh.is_weekend(current)
        name_zh = name_en = None
        if working[current]:
            kind: DayKind = "adjusted_workday" if weekend else "workday"
        elif current in block_of:
            kind = "holiday"
            festival = block_of[current]
            name_zh, name_en = festivals_zh[festival], festivals_en[festival]
        elif current in zh:  # a day off the package lists but no festival explains
            kind = "holiday"
            name_zh, name_en = zh[current], en[current]
        else:
            kind = "weekend"
        days.append(
            DayInfo(
                on=current,
                kind=kind,
                working=working[current],
                holiday_name_zh=name_zh,
                holiday_name_en=name_en,
                provisional=_day_provisional(current),
            )
        )
        if current == date.max:
            break
        current += timedelta(days=1)
    return tuple(days)
