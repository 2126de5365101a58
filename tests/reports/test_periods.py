"""Report periods: months, quarters and years, their days, last year's and the one before."""

from datetime import date

import pytest

from programs.errors import DomainError
from reports.periods import Period, last_months, month_of, parse_period


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("2026-11", date(2026, 11, 1), date(2026, 11, 30)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),  # a leap year
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_days_of_a_period(code, start, end):
    period = parse_period(code)
    assert (period.start_on, period.end_on, period.code) == (start, end, code)


@pytest.mark.parametrize("text", ["", "2026-13", "2026-00", "2026-Q5", "26-11", "2026/11", "1999"])
def test_what_is_not_a_period_is_explained(text):
    with pytest.raises(DomainError) as refused:
        parse_period(text)
    assert refused.value.field == "period" and "2026-Q4" in refused.value.msgid


def test_neighbours():
    assert parse_period("2026-01").previous().code == "2025-12"
    assert parse_period("2026-Q1").previous().code == "2025-Q4"
    assert parse_period("2026-Q3").previous().code == "2026-Q2"
    assert parse_period("2026").previous().code == "2025"
    assert parse_period("2026-Q4").same_last_year().code == "2025-Q4"
    assert [m.code for m in parse_period("2026-Q4").months()] == ["2026-10", "2026-11", "2026-12"]
    assert len(parse_period("2026").months()) == 12
    assert month_of(date(2026, 2, 28)) == Period("month", 2026, 2)
    assert [m.code for m in last_months(parse_period("2026-02"), 3)] == [
        "2025-12",
        "2026-01",
        "2026-02",
    ]
