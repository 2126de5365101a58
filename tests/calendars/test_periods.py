"""Statutory periods (Civil Procedure Law art. 85; Civil Code arts. 201-203)."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from calendars import periods, workdays


def test_period_ending_in_the_national_day_holiday_moves_to_the_next_working_day():
    deadline = periods.add_days(date(2026, 9, 20), 15)
    assert deadline.nominal_on == date(2026, 10, 5)
    assert deadline.due_on == date(2026, 10, 8)
    assert deadline.extended


def test_period_ending_on_a_saturday_moves_to_monday():
    deadline = periods.add_days(date(2026, 3, 13), 15)
    assert deadline.nominal_on == date(2026, 3, 28)
    assert deadline.due_on == date(2026, 3, 30)


def test_period_ending_on_an_adjusted_working_saturday_is_not_extended():
    deadline = periods.add_days(date(2026, 1, 30), 15)
    assert deadline.due_on == date(2026, 2, 14)
    assert not deadline.extended


def test_days_off_in_the_middle_are_not_deducted():
    # 5 days from Monday 2026-09-28 runs through the National Day week: nominal 10-03, due 10-08.
    deadline = periods.add_days(date(2026, 9, 28), 5)
    assert deadline.nominal_on == date(2026, 10, 3)
    assert deadline.due_on == date(2026, 10, 8)


def test_month_periods_end_on_the_corresponding_day_or_the_last_day():
    assert periods.add_months(date(2026, 3, 15), 1).nominal_on == date(2026, 4, 15)
    end_of_january = periods.add_months(date(2026, 1, 31), 1)
    assert end_of_january.nominal_on == date(2026, 2, 28)
    assert end_of_january.due_on == date(2026, 2, 28)  # an adjusted working Saturday
    assert periods.add_months(date(2026, 8, 31), 1).nominal_on == date(2026, 9, 30)


def test_year_periods():
    assert periods.add_years(date(2024, 2, 29), 1).nominal_on == date(2025, 2, 28)
    one_year = periods.add_years(date(2025, 10, 1), 1)
    assert one_year.nominal_on == date(2026, 10, 1) and one_year.due_on == date(2026, 10, 8)


def test_a_period_into_a_provisional_year_says_so():
    deadline = periods.add_months(date(2027, 1, 31), 1)
    assert deadline.nominal_on == date(2027, 2, 28)
    assert deadline.provisional
    assert deadline.provisional_message is not None
    assert not periods.add_days(date(2026, 3, 1), 15).provisional


def test_the_explanation_names_the_day_off():
    message = periods.add_days(date(2026, 9, 20), 15).message
    assert "next working day" in message.msgid
    assert message.params["due"] == date(2026, 10, 8)


@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 1)),
    st.integers(min_value=1, max_value=400),
)
def test_invariants_for_day_periods(start, days):
    deadline = periods.add_days(start, days)
    assert deadline.nominal_on - start == timedelta(days=days)
    assert deadline.due_on >= deadline.nominal_on
    assert workdays.is_working_day(deadline.due_on)
    # Nothing between the nominal and the due day is a working day.
    day = deadline.nominal_on
    while day < deadline.due_on:
        assert not workdays.is_working_day(day)
        day += timedelta(days=1)
    assert deadline.extended == (deadline.due_on != deadline.nominal_on)


@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 6, 1)),
    st.integers(min_value=1, max_value=24),
)
def test_invariants_for_month_periods(start, months):
    deadline = periods.add_months(start, months)
    nominal = deadline.nominal_on
    assert (nominal.year - start.year) * 12 + nominal.month - start.month == months
    assert nominal.day == start.day or (
        nominal.day < start.day and (nominal + timedelta(days=1)).day == 1
    )
    assert workdays.is_working_day(deadline.due_on)
