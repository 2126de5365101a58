"""The seasonal analysis over what the city holds: hotline and petition records beside the
dispute cases the three-end loop opened, by town, category and month."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from programs.directory.models import Town
from programs.disputes.models import DisputeCase
from programs.i18n import N_
from programs.prevention import seasonal
from programs.prevention.models import CATEGORIES, HotlineRecord
from rules.disputes import TYPE_NAMES

HISTORY_YEARS = 5  # the most recent whole years the analysis reads

# A dispute case counts under its type, beside the hotline's categories.
DISPUTE_PREFIX = "dispute:"
SOURCES = {
    "hotline": N_("Hotline and petition records"),
    "disputes": N_("Dispute cases"),
}


def category_label(code: str) -> str:
    """The message id naming an analysis category (a hotline category or a dispute type)."""
    if code.startswith(DISPUTE_PREFIX):
        return TYPE_NAMES.get(code.removeprefix(DISPUTE_PREFIX), code)
    return CATEGORIES.get(code, code)


@dataclass(frozen=True)
class Seasons:
    """The analysis as the page shows it."""

    analysis: seasonal.Analysis
    today: date
    records: int  # records read in the years looked at
    first_day: date | None  # the oldest record the city holds


def _records(session: Session, start: date, end: date) -> Iterator[tuple[date, str, str]]:
    hotline = session.execute(
        select(HotlineRecord.received_on, Town.name, HotlineRecord.category)
        .join(Town, Town.id == HotlineRecord.town_id)
        .where(HotlineRecord.received_on.between(start, end))
    )
    for day, town, category in hotline:
        yield day, town, category
    cases = session.execute(
        select(DisputeCase.opened_on, Town.name, DisputeCase.case_type)
        .join(Town, Town.id == DisputeCase.town_id)
        .where(
            DisputeCase.opened_on.between(start, end),
            DisputeCase.case_type.in_(("labour", "commercial")),
        )
    )
    for day, town, case_type in cases:
        yield day, town, DISPUTE_PREFIX + case_type


def first_record_day(session: Session) -> date | None:
    days = [
        session.scalar(select(func.min(HotlineRecord.received_on))),
        session.scalar(select(func.min(DisputeCase.opened_on))),
    ]
    found = [d for d in days if d is not None]
    return min(found) if found else None


def seasons(session: Session, today: date) -> Seasons:
    """The seasonal peaks of the last whole years of records before `today`."""
    first = first_record_day(session)
    years = seasonal.history_years(first, today, HISTORY_YEARS) if first else ()
    records = (
        list(_records(session, date(years[0], 1, 1), date(years[-1], 12, 31))) if years else []
    )
    return Seasons(seasonal.analyse(records, years), today, len(records), first)


def coming_peaks(found: Seasons, months_ahead: int = 3) -> list[tuple[date, seasonal.Pattern]]:
    """The peaks whose month begins within `months_ahead` months of today (this month's peak
    included while it lasts), each with the first day of its coming month, soonest first."""
    coming = []
    for pattern in found.analysis.patterns:
        year = found.today.year if pattern.month >= found.today.month else found.today.year + 1
        starts = date(year, pattern.month, 1)
        months = (starts.year - found.today.year) * 12 + starts.month - found.today.month
        if months <= months_ahead:
            coming.append((starts, pattern))
    return sorted(coming, key=lambda c: (c[0], c[1].town, c[1].category))


def evidence_rows(found: Seasons, town: str, category: str) -> list[tuple[int, list[int]]]:
    """The counts behind a pattern: for each year, the twelve months' records."""
    months: Mapping[int, Mapping[int, int]] = found.analysis.evidence.get((town, category), {})
    return [
        (year, [months.get(m, {}).get(year, 0) for m in seasonal.MONTHS])
        for year in found.analysis.years
    ]
