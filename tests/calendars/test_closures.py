from datetime import date, timedelta

import pytest

from calendars import closures as closures_module
from calendars.closures import Closure, OpenDays, changed_dates

TUE, THU = 1, 3
EXAMS = Closure(date(2026, 3, 5), date(2026, 3, 6), "exams", "期中考试周", key="c1")


@pytest.fixture
def base() -> OpenDays:
    return OpenDays({TUE, THU}, [EXAMS])


def test_an_ordinary_opening_day_is_open(base):
    assert base.is_open(date(2026, 3, 3))
    assert base.why_closed(date(2026, 3, 3)) is None


def test_a_holiday_on_an_opening_weekday_closes(base):
    reason = base.why_closed(date(2026, 10, 1))  # Thursday, National Day
    assert reason is not None
    assert reason.kind == "holiday"
    assert reason.day.holiday_name_zh == "国庆节"
    assert reason.message.render() == "2026-10-01 is closed: National Day holiday."
    assert reason.message.params["holiday_zh"] == "国庆节"


def test_an_adjusted_working_saturday_does_not_open_a_weekday_base(base):
    reason = base.why_closed(date(2026, 2, 28))
    assert reason is not None and reason.kind == "not_opening_day"
    assert reason.day.kind == "adjusted_workday"
    assert reason.message.render() == "2026-02-28 is not an opening day (Saturday)."


def test_a_closure_closes_with_the_coordinators_reason(base):
    reason = base.why_closed(date(2026, 3, 5))
    assert reason is not None and reason.kind == "closure"
    assert reason.closure == EXAMS
    assert reason.message.render() == "2026-03-05 is closed: 期中考试周."
    assert base.is_open(date(2026, 3, 10))


def test_a_closure_without_reason_names_its_kind():
    schedule = OpenDays({TUE}, [Closure(date(2026, 3, 3), date(2026, 3, 3), "maintenance")])
    assert schedule.why_closed(date(2026, 3, 3)).message.render() == (
        "2026-03-03 is closed (maintenance)."
    )


def test_the_closure_is_reported_even_when_a_holiday_decides():
    vacation = Closure(date(2026, 9, 28), date(2026, 10, 9), "vacation", "秋假")
    reason = OpenDays({THU}, [vacation]).why_closed(date(2026, 10, 1))
    assert reason.kind == "holiday" and reason.closure == vacation


def test_holidays_may_be_ignored_by_a_venue_that_opens_anyway():
    schedule = OpenDays({THU}, holidays_close=False)
    assert schedule.is_open(date(2026, 10, 1))


def test_a_weekend_opening_venue_opens_on_ordinary_weekends_but_not_in_a_block():
    schedule = OpenDays({5, 6})
    assert schedule.is_open(date(2026, 3, 7))
    assert schedule.why_closed(date(2026, 10, 4)).kind == "holiday"  # Sunday of National Day


def test_overlapping_closures_pick_the_earliest_start():
    early = Closure(date(2026, 3, 1), date(2026, 3, 31), "vacation", "三月", key="a")
    late = Closure(date(2026, 3, 10), date(2026, 3, 12), "leave", "请假", key="b")
    schedule = OpenDays(range(7), [late, early])
    assert schedule.closure_on(date(2026, 3, 11)) == early
    assert schedule.closures == (early, late)


@pytest.mark.parametrize("indexed", [True, False])
def test_index_and_scan_agree(monkeypatch, indexed):
    if not indexed:
        monkeypatch.setattr(closures_module, "_MAX_INDEXED_DAYS", 0)
    a = Closure(date(2026, 3, 1), date(2026, 3, 10), "vacation", "a")
    b = Closure(date(2026, 3, 5), date(2026, 3, 20), "leave", "b")
    c = Closure(date(2026, 4, 1), date(2026, 4, 1), "other", "c")
    schedule = OpenDays(range(7), [c, b, a], holidays_close=False)
    assert (schedule._index is not None) == indexed
    expected = {date(2026, 2, 28): None, date(2026, 3, 1): a, date(2026, 3, 10): a}
    expected |= {date(2026, 3, 11): b, date(2026, 3, 20): b, date(2026, 3, 21): None}
    expected |= {date(2026, 4, 1): c, date(2026, 4, 2): None}
    for on, closure in expected.items():
        assert schedule.closure_on(on) == closure, on


def test_closures_touching_a_range(base):
    other = Closure(date(2026, 4, 1), date(2026, 4, 30), "other", "施工")
    schedule = base.with_closures([EXAMS, other])
    assert schedule.closures_touching(date(2026, 3, 6), date(2026, 3, 31)) == (EXAMS,)
    assert schedule.closures_touching(date(2026, 3, 6), date(2026, 4, 1)) == (EXAMS, other)
    assert schedule.closures_touching(date(2026, 5, 1), date(2026, 5, 2)) == ()


def test_closed_in_rechecks_booking_dates(base):
    bookings = [date(2026, 3, 3), date(2026, 3, 5), date(2026, 10, 1)]
    closed = base.closed_in(bookings)
    assert set(closed) == {date(2026, 3, 5), date(2026, 10, 1)}
    assert closed[date(2026, 3, 5)].kind == "closure"


def test_changed_dates_after_adding_a_closure(base):
    bookings = [date(2026, 3, 3), date(2026, 3, 5), date(2026, 3, 10), date(2026, 3, 12)]
    added = Closure(date(2026, 3, 9), date(2026, 3, 10), "maintenance", "停电检修")
    changes = changed_dates(bookings, base, base.with_closures([EXAMS, added]))
    assert [c.on for c in changes] == [date(2026, 3, 10)]
    assert changes[0].became_closed and not changes[0].became_open
    back = changed_dates(bookings, base.with_closures([EXAMS, added]), base.with_closures([]))
    assert [c.on for c in back] == [date(2026, 3, 5), date(2026, 3, 10)]
    assert all(c.became_open for c in back)


def test_changed_dates_notices_a_new_reason():
    a = Closure(date(2026, 3, 3), date(2026, 3, 3), "leave", "张律师请假")
    b = Closure(date(2026, 3, 3), date(2026, 3, 3), "leave", "李律师请假")
    changes = changed_dates([date(2026, 3, 3)], OpenDays({TUE}, [a]), OpenDays({TUE}, [b]))
    assert len(changes) == 1
    assert not changes[0].became_closed and not changes[0].became_open


def test_open_days_values_compare_and_hash():
    assert OpenDays([TUE, THU], [EXAMS]) == OpenDays({THU, TUE}, (EXAMS,))
    assert hash(OpenDays([TUE], [EXAMS])) == hash(OpenDays({TUE}, [EXAMS]))
    assert OpenDays([TUE]) != OpenDays([TUE], holidays_close=False)


def test_invalid_values_are_refused():
    with pytest.raises(ValueError):
        OpenDays({7})
    with pytest.raises(ValueError):
        Closure(date(2026, 3, 2), date(2026, 3, 1), "vacation")
    with pytest.raises(ValueError):
        Closure(date(2026, 3, 1), date(2026, 3, 1), "picnic")


def test_open_tuesdays_and_thursdays_of_2026(base):
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(365)]
    reasons = [base.why_closed(d) for d in days]
    assert reasons == [base.why_closed(d) for d in days]  # answers are stable
    # 52 Tuesdays + 53 Thursdays; holidays on 01-01, 02-17, 02-19, 05-05, 10-01, 10-06;
    # the exam closure takes Thursday 03-05.
    assert sum(r is None for r in reasons) == 52 + 53 - 6 - 1
    holidays = [r.on for r in reasons if r is not None and r.kind == "holiday"]
    assert [(d.month, d.day) for d in holidays] == [
        (1, 1),
        (2, 17),
        (2, 19),
        (5, 5),
        (10, 1),
        (10, 6),
    ]
