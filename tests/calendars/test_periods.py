import calendar
from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendars.periods import add_days, add_months, add_years
from calendars.workdays import day_info, is_working_day

# An independent oracle: the package's own "this day or the next working day".
CHINA = holidays.China(language="en_US")

starts = st.dates(min_value=date(2001, 1, 1), max_value=date(2027, 6, 30))


def test_15_days_ending_in_national_day_extend_past_it():
    d = add_days(date(2026, 9, 20), 15)
    assert d.nominal_on == date(2026, 10, 5)
    assert d.due_on == date(2026, 10, 8)
    assert d.extended
    assert [s.on for s in d.skipped] == [date(2026, 10, 5), date(2026, 10, 6), date(2026, 10, 7)]
    assert {s.holiday_name_zh for s in d.skipped} == {"国庆节"}
    assert not d.provisional
    assert d.message.render() == (
        "Due 2026-10-08: 15 days from 2026-09-20; 2026-10-05 is a day off (National Day), "
        "so the period ends on the next working day."
    )
    assert d.message.params["holiday_zh"] == "国庆节"
    assert d.provisional_message is None


def test_15_days_ending_on_a_saturday_extend_to_monday():
    d = add_days(date(2026, 3, 13), 15)
    assert (d.nominal_on, d.due_on) == (date(2026, 3, 28), date(2026, 3, 30))
    assert d.due_on.weekday() == 0
    assert [s.kind for s in d.skipped] == ["weekend", "weekend"]
    assert d.message.render() == (
        "Due 2026-03-30: 15 days from 2026-03-13; 2026-03-28 is a day off (Saturday), "
        "so the period ends on the next working day."
    )


def test_15_days_ending_on_an_adjusted_working_saturday_are_not_extended():
    d = add_days(date(2026, 1, 30), 15)
    assert d.nominal_on == d.due_on == date(2026, 2, 14)
    assert d.due_on.weekday() == 5
    assert not d.extended and d.skipped == ()
    assert d.message.render() == "Due 2026-02-14: 15 days from 2026-01-30."


def test_days_off_in_the_middle_are_not_deducted():
    # 30 days from 2026-09-28 cross the whole National Day week.
    d = add_days(date(2026, 9, 28), 30)
    assert d.due_on == date(2026, 10, 28)
    assert not d.extended


def test_one_month_from_january_31_ends_on_an_adjusted_working_saturday():
    d = add_months(date(2026, 1, 31), 1)
    assert d.nominal_on == d.due_on == date(2026, 2, 28)
    assert day_info(d.due_on).kind == "adjusted_workday"
    assert not d.extended
    assert d.message.render() == "Due 2026-02-28: 1 month from 2026-01-31."


def test_one_month_from_january_31_2027_is_provisional_and_extended():
    d = add_months(date(2027, 1, 31), 1)
    assert d.nominal_on == date(2027, 2, 28)  # a Sunday in a year not yet published
    assert d.due_on == date(2027, 3, 1)
    assert d.extended and d.provisional
    msg = d.provisional_message
    assert msg is not None and msg.params == {"year": 2027}


@pytest.mark.parametrize(
    ("start", "months", "nominal", "due"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29), date(2024, 2, 29)),  # leap year
        (date(2026, 8, 31), 1, date(2026, 9, 30), date(2026, 9, 30)),
        (date(2026, 9, 1), 1, date(2026, 10, 1), date(2026, 10, 8)),  # month end + holiday
        (date(2026, 3, 31), 6, date(2026, 9, 30), date(2026, 9, 30)),
        (date(2025, 11, 30), 3, date(2026, 2, 28), date(2026, 2, 28)),
        (date(2026, 5, 15), 12, date(2027, 5, 15), date(2027, 5, 17)),  # across a year
    ],
)
def test_month_periods(start, months, nominal, due):
    d = add_months(start, months)
    assert (d.nominal_on, d.due_on) == (nominal, due)


def test_year_periods():
    d = add_years(date(2024, 2, 29), 1)
    assert d.nominal_on == d.due_on == date(2025, 2, 28)
    assert d.message.render() == "Due 2025-02-28: 1 year from 2024-02-29."
    d = add_years(date(2024, 10, 1), 2)
    assert d.nominal_on == date(2026, 10, 1) and d.due_on == date(2026, 10, 8)
    assert d.message.params["period"] == {"msgid": "{count} years", "params": {"count": 2}}


def test_periods_ending_in_an_unpublished_year_are_provisional():
    d = add_days(date(2026, 12, 20), 15)
    assert d.due_on == date(2027, 1, 4)
    assert d.provisional
    assert d.provisional_message.render() == (
        "The holiday arrangement for 2027 has not been published yet; this due date may change."
    )
    # The last week of 2026 may still move with 2027's New Year arrangement.
    d = add_days(date(2026, 12, 13), 15)
    assert d.due_on == date(2026, 12, 28)
    assert d.provisional and d.provisional_message.params == {"year": 2027}
    assert not add_days(date(2026, 12, 1), 15).provisional


@pytest.mark.parametrize("bad", [0, -1])
def test_lengths_must_be_positive(bad):
    for fn in (add_days, add_months, add_years):
        with pytest.raises(ValueError):
            fn(date(2026, 1, 1), bad)


def test_lengths_must_be_integers():
    with pytest.raises(TypeError):
        add_days(date(2026, 1, 1), True)
    with pytest.raises(TypeError):
        add_months(date(2026, 1, 1), 1.5)


@settings(deadline=None, max_examples=300)
@given(start=starts, days=st.integers(min_value=1, max_value=400))
def test_day_periods_invariants(start, days):
    d = add_days(start, days)
    assert d.start_on == start
    assert (d.nominal_on - d.start_on).days == days
    assert d.due_on >= d.nominal_on
    assert is_working_day(d.due_on)
    assert d.due_on == CHINA.get_nth_working_day(d.nominal_on, 0)
    assert d.extended == (d.due_on != d.nominal_on)
    gap = [d.nominal_on + timedelta(days=i) for i in range((d.due_on - d.nominal_on).days)]
    assert [s.on for s in d.skipped] == gap
    assert all(not s.working for s in d.skipped)
    assert len(d.skipped) <= 10  # the longest block so far: Spring Festival 2020
    assert d.message.render().startswith(f"Due {d.due_on.isoformat()}: ")


@settings(deadline=None, max_examples=300)
@given(start=starts, months=st.integers(min_value=1, max_value=60))
def test_month_periods_invariants(start, months):
    d = add_months(start, months)
    n = d.nominal_on
    assert (n.year - start.year) * 12 + n.month - start.month == months
    assert n.day == min(start.day, calendar.monthrange(n.year, n.month)[1])
    assert d.due_on == CHINA.get_nth_working_day(n, 0)
    assert d.provisional == any(
        day_info(n + timedelta(days=i)).provisional for i in range((d.due_on - n).days + 1)
    )


@settings(deadline=None)
@given(start=starts, years=st.integers(min_value=1, max_value=5))
def test_year_periods_equal_twelve_months(start, years):
    y, m = add_years(start, years), add_months(start, 12 * years)
    assert (y.nominal_on, y.due_on, y.skipped) == (m.nominal_on, m.due_on, m.skipped)
    assert y.unit == "years" and m.unit == "months"
