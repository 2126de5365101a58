"""The PRC working-day calendar against dates the State Council published."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from calendars import workdays


def _year(year):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


def test_non_working_fridays_of_2026():
    fridays = [d for d in _year(2026) if d.weekday() == 4 and not workdays.is_working_day(d)]
    assert [d.strftime("%m-%d") for d in fridays] == [
        "01-02",
        "02-20",
        "05-01",
        "06-19",
        "09-25",
        "10-02",
    ]


def test_adjusted_working_days_of_2026():
    assert [d.strftime("%m-%d") for d in workdays.adjusted_workdays(2026)] == [
        "01-04",
        "02-14",
        "02-28",
        "05-09",
        "09-20",
        "10-10",
    ]
    for day in workdays.adjusted_workdays(2026):
        info = workdays.day_info(day)
        assert info.kind == "adjusted_workday" and info.working and day.weekday() >= 5


def test_weekend_days_inside_national_day_are_holidays_with_its_name():
    for day in (date(2026, 10, 3), date(2026, 10, 4)):
        info = workdays.day_info(day)
        assert info.kind == "holiday" and not info.working
        assert info.holiday_name_zh == "国庆节"
        assert info.holiday_name_en == "National Day"


def test_ordinary_days():
    assert workdays.day_info(date(2026, 3, 10)).kind == "workday"
    weekend = workdays.day_info(date(2026, 3, 14))
    assert weekend.kind == "weekend" and weekend.holiday_name_zh is None


def test_provisional_years():
    assert not workdays.is_provisional(2026)
    assert workdays.is_provisional(2027)
    assert workdays.day_info(date(2027, 5, 1)).provisional
    assert not workdays.day_info(date(2026, 5, 1)).provisional
    assert workdays.adjusted_workdays(2027) == []


def test_fingerprints_are_stable_and_differ_by_year():
    assert workdays.holiday_data_fingerprint(2026) == workdays.holiday_data_fingerprint(2026)
    assert workdays.holiday_data_fingerprint(2026) != workdays.holiday_data_fingerprint(2027)


def test_today_is_shanghai_time_whatever_the_server_zone():
    late_utc = datetime(2026, 11, 28, 17, 30, tzinfo=ZoneInfo("UTC"))  # 01:30 in Shanghai
    assert workdays.today(late_utc) == date(2026, 11, 29)
    with pytest.raises(ValueError):
        workdays.today(datetime(2026, 11, 28, 12))


def test_next_working_day_skips_the_national_day_week():
    assert workdays.next_working_day(date(2026, 10, 1)) == date(2026, 10, 8)
