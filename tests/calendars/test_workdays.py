from datetime import UTC, date, datetime, timedelta

import pytest

from calendars import workdays
from calendars.workdays import (
    TZ,
    adjusted_workdays,
    day_info,
    holiday_data_fingerprint,
    holidays_in,
    is_provisional,
    is_working_day,
    next_working_day,
    today,
)


def days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


def test_non_working_fridays_of_2026():
    fridays = [d for d in days_of(2026) if d.weekday() == 4 and not is_working_day(d)]
    assert fridays == [
        date(2026, 1, 2),
        date(2026, 2, 20),
        date(2026, 5, 1),
        date(2026, 6, 19),
        date(2026, 9, 25),
        date(2026, 10, 2),
    ]


def test_adjusted_workdays_of_2026():
    assert adjusted_workdays(2026) == [
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ]
    for d in adjusted_workdays(2026):
        info = day_info(d)
        assert d.weekday() >= 5
        assert info.kind == "adjusted_workday"
        assert info.working


@pytest.mark.parametrize(
    ("on", "name_zh", "name_en"),
    [
        (date(2026, 10, 1), "国庆节", "National Day"),
        # Weekend days of the block are not "in" the package's holidays, but are holidays.
        (date(2026, 10, 3), "国庆节", "National Day"),
        (date(2026, 10, 4), "国庆节", "National Day"),
        # Days moved by the notice ("休息日（由 2026-09-20 调休）") carry the block's name.
        (date(2026, 10, 6), "国庆节", "National Day"),
        (date(2026, 10, 7), "国庆节", "National Day"),
        # The eve belongs to the Spring Festival block.
        (date(2026, 2, 15), "春节", "Chinese New Year (Spring Festival)"),
        (date(2026, 2, 16), "春节", "Chinese New Year (Spring Festival)"),
        (date(2026, 2, 23), "春节", "Chinese New Year (Spring Festival)"),
        (date(2026, 4, 4), "清明节", "Tomb-Sweeping Day"),
        (date(2026, 6, 20), "端午节", "Dragon Boat Festival"),
        # A block reaching back into December of the year before.
        (date(2023, 12, 30), "元旦", "New Year's Day"),
    ],
)
def test_holiday_blocks_are_named(on, name_zh, name_en):
    info = day_info(on)
    assert info.kind == "holiday"
    assert not info.working
    assert (info.holiday_name_zh, info.holiday_name_en) == (name_zh, name_en)


@pytest.mark.parametrize(
    ("on", "kind", "working"),
    [
        (date(2026, 3, 9), "workday", True),
        (date(2026, 3, 7), "weekend", False),
        (date(2026, 3, 8), "weekend", False),
        (date(2026, 10, 10), "adjusted_workday", True),
        (date(2026, 10, 8), "workday", True),
        (date(2026, 10, 11), "weekend", False),
    ],
)
def test_kinds_of_ordinary_days(on, kind, working):
    info = day_info(on)
    assert (info.kind, info.working) == (kind, working)
    assert info.holiday_name_zh is None and info.holiday_name_en is None


def test_names_do_not_depend_on_the_process_locale(monkeypatch):
    # With LANG=C.UTF-8 the package answers in English unless a language is passed.
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("LANGUAGE", "en")
    workdays._year_days.cache_clear()
    workdays._DAYS.clear()
    try:
        assert day_info(date(2026, 10, 1)).holiday_name_zh == "国庆节"
    finally:
        workdays._year_days.cache_clear()
        workdays._DAYS.clear()


def test_holidays_in_2026_counts_whole_blocks():
    days = holidays_in(2026)
    assert all(d.kind == "holiday" and d.on.year == 2026 for d in days)
    national_day = [d.on for d in days if d.holiday_name_zh == "国庆节"]
    assert national_day == [date(2026, 10, i) for i in range(1, 8)]
    spring = [d.on for d in days if d.holiday_name_zh == "春节"]
    assert spring == [date(2026, 2, 15) + timedelta(days=i) for i in range(9)]
    assert len(days) == 33


def test_provisional_years():
    assert not is_provisional(2026)
    assert not is_provisional(2001)
    assert is_provisional(2027)
    assert is_provisional(2000)  # before the first notice the package checked
    assert adjusted_workdays(2027) == []
    assert holidays_in(2027)  # rule-based dates are still there
    assert all(d.provisional for d in holidays_in(2027))
    assert not any(d.provisional for d in holidays_in(2026))


def test_late_december_is_provisional_while_next_year_is():
    assert day_info(date(2026, 12, 23)).provisional is False
    assert day_info(date(2026, 12, 24)).provisional is True
    assert day_info(date(2026, 12, 31)).provisional is True
    assert day_info(date(2025, 12, 31)).provisional is False


def test_a_known_year_with_nothing_to_move_would_not_be_provisional(monkeypatch):
    # The criterion is the range of years with a notice, not whether a year moved days.
    assert workdays.FIRST_ANNOUNCED_YEAR <= 2017 <= workdays.LAST_ANNOUNCED_YEAR
    monkeypatch.setattr(workdays, "LAST_ANNOUNCED_YEAR", 2028)
    assert not is_provisional(2027)


def test_fingerprint_is_stable_and_distinguishes_years():
    fp = holiday_data_fingerprint(2026)
    assert fp == holiday_data_fingerprint(2026)
    assert len(fp) == 64 and int(fp, 16) >= 0
    assert fp != holiday_data_fingerprint(2025)
    assert holiday_data_fingerprint(2027) != holiday_data_fingerprint(2028)


def test_fingerprint_changes_when_the_year_is_published(monkeypatch):
    before_2027 = holiday_data_fingerprint(2027)
    before_2026 = holiday_data_fingerprint(2026)
    monkeypatch.setattr(workdays, "LAST_ANNOUNCED_YEAR", 2027)
    assert holiday_data_fingerprint(2027) != before_2027
    # 2026's year end could move with 2027's notice, so its fingerprint moves too.
    assert holiday_data_fingerprint(2026) != before_2026


def test_fingerprint_changes_when_the_data_changes(monkeypatch):
    before = holiday_data_fingerprint(2026)
    real = workdays._year_days(2026)
    changed = tuple(
        workdays.DayInfo(d.on, "workday", True, None, None, d.provisional)
        if d.on == date(2026, 10, 7)
        else d
        for d in real
    )
    monkeypatch.setattr(workdays, "_year_days", lambda year: changed if year == 2026 else real)
    assert holiday_data_fingerprint(2026) != before


def test_day_info_is_cached():
    assert day_info(date(2026, 5, 5)) is day_info(date(2026, 5, 5))


def test_next_working_day():
    assert next_working_day(date(2026, 10, 1)) == date(2026, 10, 8)
    assert next_working_day(date(2026, 10, 8)) == date(2026, 10, 8)
    assert next_working_day(date(2026, 10, 11)) == date(2026, 10, 12)


def test_today_uses_shanghai_time():
    assert today(datetime(2026, 3, 1, 16, 30, tzinfo=UTC)) == date(2026, 3, 2)
    assert today(datetime(2026, 3, 1, 15, 30, tzinfo=UTC)) == date(2026, 3, 1)
    assert today(datetime(2026, 3, 2, 0, 5, tzinfo=TZ)) == date(2026, 3, 2)
    with pytest.raises(ValueError):
        today(datetime(2026, 3, 1, 12))
    assert abs((today() - datetime.now(TZ).date()).days) <= 1


def test_years_outside_the_package_range_still_answer():
    info = day_info(date(1900, 1, 6))  # a Saturday
    assert info.kind == "weekend" and info.provisional
    assert day_info(date(9999, 12, 31)).provisional
