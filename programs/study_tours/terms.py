"""School years and terms: when the study base plans and counts.

A school year starts in autumn and is named by the year it starts in (2026 = 2026-2027). The
autumn term runs from 1 September to mid-January and the spring term from late February to early
July (DOMAIN.md); exam weeks and vacations are closures coordinators enter or import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from programs.errors import DomainError
from programs.i18n import N_

TERMS = {"autumn": N_("Autumn term"), "spring": N_("Spring term")}
_TERM_CODE = re.compile(r"^(\d{4})-(autumn|spring)$")


@dataclass(frozen=True)
class Term:
    """One term of one school year, with its first and last day."""

    school_year: int
    name: str  # "autumn" | "spring"

    @property
    def starts_on(self) -> date:
        """The term's first day."""
        if self.name == "autumn":
            return date(self.school_year, 9, 1)
        return date(self.school_year + 1, 2, 20)

    @property
    def ends_on(self) -> date:
        """The term's last day."""
        if self.name == "autumn":
            return date(self.school_year + 1, 1, 20)
        return date(self.school_year + 1, 7, 10)

    @property
    def code(self) -> str:
        """How the CLI and addresses name it: 2027-spring is the spring of 2026-2027.

        The year in the code is the calendar year the term mostly falls in, as people say it.
        """
        year = self.school_year if self.name == "autumn" else self.school_year + 1
        return f"{year}-{self.name}"

    @classmethod
    def parse(cls, code: str) -> Term:
        """Read "2026-autumn" or "2027-spring"."""
        match = _TERM_CODE.match(code.strip())
        if not match:
            raise DomainError(
                N_("Write the term as YEAR-autumn or YEAR-spring, for example 2027-spring."),
                field="term",
            )
        year, name = int(match.group(1)), match.group(2)
        return cls(year if name == "autumn" else year - 1, name)

    def previous(self) -> Term:
        """The term before this one."""
        if self.name == "spring":
            return Term(self.school_year, "autumn")
        return Term(self.school_year - 1, "spring")

    def next(self) -> Term:
        """The term after this one."""
        if self.name == "autumn":
            return Term(self.school_year, "spring")
        return Term(self.school_year + 1, "autumn")

    def contains(self, on: date) -> bool:
        """Whether the date falls in the term."""
        return self.starts_on <= on <= self.ends_on


def school_year_of(on: date) -> int:
    """The school year a date belongs to (August and later start the next one)."""
    return on.year if on.month >= 8 else on.year - 1


def term_of(on: date) -> Term:
    """The term a date belongs to (the winter and summer breaks go with the term before)."""
    year = school_year_of(on)
    if on.month >= 8 or on < date(year + 1, 2, 1):
        return Term(year, "autumn")
    return Term(year, "spring")


# The grade a kind of school brings by default (grades 4-8 suit most activities, DOMAIN.md).
DEFAULT_GRADE = {"primary": 5, "junior": 7, "senior": 10, "nine_year": 5}
DEFAULT_CLASSES = 2
