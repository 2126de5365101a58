"""Report periods: a month ("2026-11"), a quarter ("2026-Q4") or a year ("2026").

period = parse_period("2026-Q4")
period.start_on, period.end_on      # 2026-10-01, 2026-12-31
period.same_last_year().code         # "2025-Q4"
period.months()                      # the three months, for a chart by month
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from programs.errors import DomainError
from programs.i18n import N_

Kind = Literal["month", "quarter", "year"]
_CODE = re.compile(r"^(\d{4})(?:-(?:(0[1-9]|1[0-2])|Q([1-4])))?$")
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Period:
    """A calendar month, quarter or year."""

    kind: Kind
    year: int
    number: int = 1  # the month (1-12) or the quarter (1-4); 1 for a year

    @property
    def start_on(self) -> date:
        """The period's first day."""
        month = {"month": self.number, "quarter": 3 * self.number - 2, "year": 1}[self.kind]
        return date(self.year, month, 1)

    @property
    def end_on(self) -> date:
        """The period's last day."""
        month = {"month": self.number, "quarter": 3 * self.number, "year": 12}[self.kind]
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def code(self) -> str:
        """As it is written in addresses and on the command line: 2026-11, 2026-Q4, 2026."""
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.number}"
        return str(self.year)

    def same_last_year(self) -> Period:
        """The same month, quarter or year one year earlier."""
        return Period(self.kind, self.year - 1, self.number)

    def previous(self) -> Period:
        """The period just before (November for December, Q3 for Q4, last year)."""
        if self.kind == "year" or self.number == 1:
            last = {"month": 12, "quarter": 4, "year": 1}[self.kind]
            return Period(self.kind, self.year - 1, last)
        return Period(self.kind, self.year, self.number - 1)

    def months(self) -> list[Period]:
        """The months the period covers, in order."""
        first = self.start_on.month
        last = self.end_on.month
        return [Period("month", self.year, m) for m in range(first, last + 1)]

    def contains(self, day: date) -> bool:
        """Whether a day falls in the period."""
        return self.start_on <= day <= self.end_on


def parse_period(text: str) -> Period:
    """A period from its code, or a DomainError that says how to write one."""
    match = _CODE.match((text or "").strip())
    if not match or not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
        raise DomainError(
            N_(
                "{text} is not a period: write a month as 2026-11, a quarter as 2026-Q4 or a "
                "year as 2026."
            ),
            {"text": (text or "")[:40]},
            field="period",
        )
    year = int(match.group(1))
    if match.group(2):
        return Period("month", year, int(match.group(2)))
    if match.group(3):
        return Period("quarter", year, int(match.group(3)))
    return Period("year", year)


def month_of(day: date) -> Period:
    """The month a day falls in."""
    return Period("month", day.year, day.month)


def last_months(end: Period, count: int) -> list[Period]:
    """`count` months up to and including the month `end` ends in, oldest first."""
    month = month_of(end.end_on)
    out = [month]
    while len(out) < count:
        out.append(out[-1].previous())
    return out[::-1]
