"""Opening days, closures and slots."""

from datetime import date, datetime, time

import pytest

from calendars import (
    DEFAULT_HALF_DAYS,
    TZ,
    Closure,
    OpenDays,
    changed_dates,
    open_days,
    slots,
    split,
    working_fridays,
)

TUE_THU = [1, 3]


def test_a_tuesday_holiday_closes_the_base_with_its_name():
    base = OpenDays(TUE_THU)
    reason = base.why_closed(date(2026, 10, 6))  # Tuesday in the National Day week
    assert reason.kind == "holiday"
    assert reason.message.params["holiday_zh"] == "国庆节"


def test_an_adjusted_working_saturday_does_not_open_a_tuesday_base():
    base = OpenDays(TUE_THU)
    reason = base.why_closed(date(2026, 10, 10))
    assert reason.kind == "not_opening_day"


def test_closures_close_and_explain():
    closure = Closure(date(2026, 12, 1), date(2026, 12, 3), "maintenance", "展馆维修")
    base = OpenDays(TUE_THU, [closure])
    assert base.why_closed(date(2026, 12, 1)).closure == closure
    assert base.why_closed(date(2026, 12, 3)).message.params["reason"] == "展馆维修"
    assert base.is_open(date(2026, 12, 8))


def test_a_closure_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        Closure(date(2026, 12, 3), date(2026, 12, 1), "maintenance")


def test_changed_dates_tell_what_a_new_closure_does_to_bookings():
    before = OpenDays(TUE_THU)
    after = before.with_closures([Closure(date(2026, 12, 1), date(2026, 12, 3), "maintenance")])
    changes = changed_dates([date(2026, 12, 1), date(2026, 12, 8)], before, after)
    assert [c.on for c in changes] == [date(2026, 12, 1)]
    assert changes[0].became_closed


def test_working_fridays_leave_out_holidays():
    fridays = working_fridays(date(2026, 9, 1), date(2026, 10, 31))
    assert date(2026, 9, 25) not in fridays and date(2026, 10, 2) not in fridays
    assert date(2026, 10, 9) in fridays
    assert all(f.weekday() == 4 for f in fridays)


def test_open_days_of_a_term():
    days = open_days(date(2026, 9, 1), date(2026, 10, 31), OpenDays(TUE_THU))
    assert all(d.weekday() in TUE_THU for d in days)
    assert date(2026, 10, 1) not in days and date(2026, 10, 6) not in days
    assert date(2026, 10, 8) in days


def test_half_day_slots_are_in_shanghai_time():
    found = slots([date(2026, 12, 8)], DEFAULT_HALF_DAYS)
    assert len(found) == len(DEFAULT_HALF_DAYS) == 2
    assert found[0].starts_at.tzinfo is not None
    assert found[0].starts_at.astimezone(TZ).date() == date(2026, 12, 8)
    assert found[0].ends_at <= found[1].starts_at


def test_half_hour_office_hours():
    start = datetime.combine(date(2026, 12, 11), time(14, 0), tzinfo=TZ)
    end = datetime.combine(date(2026, 12, 11), time(16, 0), tzinfo=TZ)
    parts = split(start, end, minutes=30)
    assert len(parts) == 4 and parts[-1][1] == end
