from datetime import UTC, date, datetime, time, timedelta

import pytest

from calendars.closures import Closure, OpenDays
from calendars.slots import (
    DEFAULT_HALF_DAYS,
    SessionTemplate,
    open_days,
    slots,
    split,
    working_fridays,
)
from calendars.workdays import TZ


def test_working_fridays_of_2026():
    fridays = working_fridays(date(2026, 1, 1), date(2026, 12, 31))
    all_fridays = {date(2026, 1, 2) + timedelta(weeks=i) for i in range(52)}
    assert all(d.weekday() == 4 for d in fridays)
    assert fridays == sorted(fridays)
    assert all_fridays - set(fridays) == {
        date(2026, 1, 2),
        date(2026, 2, 20),
        date(2026, 5, 1),
        date(2026, 6, 19),
        date(2026, 9, 25),
        date(2026, 10, 2),
    }
    assert len(fridays) == 46


def test_working_fridays_includes_both_ends():
    assert working_fridays(date(2026, 1, 9), date(2026, 1, 9)) == [date(2026, 1, 9)]
    assert working_fridays(date(2026, 1, 10), date(2026, 1, 15)) == []
    assert working_fridays(date(2026, 1, 16), date(2026, 1, 9)) == []


def test_open_days_of_a_tuesday_thursday_base_in_october_2026():
    schedule = OpenDays({1, 3}, [Closure(date(2026, 10, 27), date(2026, 10, 27), "other", "x")])
    assert open_days(date(2026, 10, 1), date(2026, 10, 31), schedule) == [
        date(2026, 10, 8),
        date(2026, 10, 13),
        date(2026, 10, 15),
        date(2026, 10, 20),
        date(2026, 10, 22),
        date(2026, 10, 29),
    ]


def test_slots_are_aware_shanghai_times_in_order():
    result = slots([date(2026, 3, 5), date(2026, 3, 3)])
    assert [(s.on, s.template_code) for s in result] == [
        (date(2026, 3, 3), "am"),
        (date(2026, 3, 3), "pm"),
        (date(2026, 3, 5), "am"),
        (date(2026, 3, 5), "pm"),
    ]
    first = result[0]
    assert first.starts_at == datetime(2026, 3, 3, 1, 0, tzinfo=UTC)
    assert first.ends_at == datetime(2026, 3, 3, 3, 30, tzinfo=UTC)
    assert first.starts_at.utcoffset() == timedelta(hours=8)


def test_slots_with_custom_templates():
    evening = SessionTemplate("ev", "Evening", time(18, 30), time(20, 0))
    (slot,) = slots([date(2026, 3, 3)], [evening])
    assert slot.template_code == "ev"
    assert slot.ends_at - slot.starts_at == timedelta(minutes=90)


def test_default_half_days():
    assert [(t.code, t.starts, t.ends) for t in DEFAULT_HALF_DAYS] == [
        ("am", time(9), time(11, 30)),
        ("pm", time(14), time(16, 30)),
    ]


def test_session_template_must_end_after_it_starts():
    with pytest.raises(ValueError):
        SessionTemplate("x", "X", time(10), time(9))
    with pytest.raises(ValueError):
        SessionTemplate("x", "X", time(9, tzinfo=TZ), time(10, tzinfo=TZ))


def test_split_office_hours_into_half_hours():
    start = datetime(2026, 3, 6, 9, 0, tzinfo=TZ)
    pieces = split(start, datetime(2026, 3, 6, 11, 30, tzinfo=TZ))
    assert len(pieces) == 5
    assert pieces[0] == (start, start + timedelta(minutes=30))
    assert all(b - a == timedelta(minutes=30) for a, b in pieces)
    assert all(pieces[i][1] == pieces[i + 1][0] for i in range(4))
    assert pieces[-1][1] == datetime(2026, 3, 6, 11, 30, tzinfo=TZ)


def test_split_drops_a_short_remainder_and_keeps_the_zone():
    start = datetime(2026, 3, 6, 1, 0, tzinfo=UTC)
    pieces = split(start, start + timedelta(minutes=100), minutes=45)
    assert [a for a, _ in pieces] == [start, start + timedelta(minutes=45)]
    assert pieces[0][0].tzinfo is UTC
    assert split(start, start + timedelta(minutes=20)) == []


def test_split_across_a_daylight_saving_change_gives_real_minutes():
    berlin = __import__("zoneinfo").ZoneInfo("Europe/Berlin")
    start = datetime(2026, 3, 29, 1, 0, tzinfo=berlin)  # clocks jump from 02:00 to 03:00
    pieces = split(start, datetime(2026, 3, 29, 4, 0, tzinfo=berlin), minutes=60)
    assert len(pieces) == 2


def test_split_refuses_naive_times_and_bad_lengths():
    with pytest.raises(ValueError):
        split(datetime(2026, 3, 6, 9), datetime(2026, 3, 6, 10))
    with pytest.raises(ValueError):
        split(datetime(2026, 3, 6, 9, tzinfo=TZ), datetime(2026, 3, 6, 10, tzinfo=TZ), 0)
