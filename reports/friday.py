"""The Friday Law Service Day roster of a month (星期五法治服务日排班表) as PDF.

The application fills `Roster` and `RosterRow` from its queries; this module only lays them out.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from calendars import is_provisional, today
from programs.directory.models import PROBLEM_CATEGORIES
from programs.friday import services
from programs.friday.models import REQUEST_KINDS, FridayRequest, FridayVisit
from programs.i18n import N_, gettext, translate
from reports.pdf import render_html, write_pdf
from reports.registry import ReportType, register

DEFAULT_TITLE = N_("Friday Law Service Day roster")
PROVISIONAL_WARNING = N_(
    "The holiday arrangement for {years} has not been published; dates in it may change."
)
STATUSES = {"draft": N_("Draft"), "published": N_("Published"), "done": N_("Recorded")}


@dataclass(frozen=True)
class RosterRow:
    """One visit: a line of the roster."""

    on: date
    consultant: str
    venue: str
    town: str
    kind: str  # REQUEST_KINDS
    topics: tuple[str, ...]  # category codes
    status: str
    headcount: int | None = None

    def __post_init__(self) -> None:
        if self.on.weekday() != 4:
            raise ValueError(f"{self.on} is not a Friday")
        if self.kind not in REQUEST_KINDS:
            raise ValueError(f"unknown request kind {self.kind!r}")
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")


@dataclass(frozen=True)
class RosterSheet:
    """A month's roster, Friday by Friday."""

    city: str
    month: date  # the first day of the month
    rows: tuple[RosterRow, ...]
    generated_on: date

    @property
    def fridays(self) -> list[tuple[date, list[RosterRow]]]:
        """Rows grouped by Friday, consultants in name order."""
        rows = sorted(self.rows, key=lambda r: (r.on, r.consultant, r.venue))
        return [(on, list(group)) for on, group in itertools.groupby(rows, key=lambda r: r.on)]

    @property
    def provisional_years(self) -> tuple[int, ...]:
        """Years of the roster whose holiday arrangement is not published."""
        return tuple(sorted({self.month.year} if is_provisional(self.month.year) else set()))


def roster_pdf(sheet: RosterSheet, locale: str = "zh_Hans") -> bytes:
    """The roster as PDF (A4 landscape, one table per Friday)."""
    return write_pdf(roster_html(sheet, locale))


def roster_html(sheet: RosterSheet, locale: str = "zh_Hans") -> str:
    """The HTML `roster_pdf` lays out."""
    years = sheet.provisional_years
    context = {
        "sheet": sheet,
        "fridays": sheet.fridays,
        "generated_on": sheet.generated_on,
        "landscape": True,
        "kinds": REQUEST_KINDS,
        "categories": PROBLEM_CATEGORIES,
        "statuses": STATUSES,
        "consultants": len({r.consultant for r in sheet.rows}),
        "warning": (
            translate(PROVISIONAL_WARNING, locale, {"years": "、".join(map(str, years))})
            if years
            else None
        ),
    }
    return render_html(
        "friday/roster.html", context, locale=locale, title=gettext(locale, DEFAULT_TITLE)
    )


@register
class FridayRosterReport(ReportType):
    """The month's Friday roster."""

    name = "friday_roster"
    title = DEFAULT_TITLE

    def render(self, data: RosterSheet, locale: str) -> tuple[str, str, bytes]:
        """`data` is a `RosterSheet`; the file is named after the month."""
        if not isinstance(data, RosterSheet):
            raise TypeError(f"{self.name} renders a RosterSheet, not {type(data).__name__}")
        filename = f"friday-roster-{data.month:%Y-%m}.pdf"
        return filename, "application/pdf", roster_pdf(data, locale)


def roster_for(session: Session, month: date, *, locale: str) -> tuple[str, str, bytes]:
    """The month's roster (drafts, published and recorded visits) as the PDF to serve."""
    from programs.demo import CITY

    start = month.replace(day=1)
    end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    visits = session.scalars(
        select(FridayVisit)
        .where(
            FridayVisit.on >= start,
            FridayVisit.on < end,
            FridayVisit.status.in_(tuple(STATUSES)),
        )
        .options(
            selectinload(FridayVisit.consultant),
            selectinload(FridayVisit.request).selectinload(FridayRequest.town),
        )
    )
    rows = tuple(
        RosterRow(
            on=v.on,
            consultant=v.consultant.name,
            venue=services.venue_name(v.request),
            town=v.request.town.name,
            kind=v.request.kind,
            topics=tuple(v.request.topics),
            status=v.status,
            headcount=v.request.headcount,
        )
        for v in visits
    )
    sheet = RosterSheet(city=CITY, month=start, rows=rows, generated_on=today())
    return FridayRosterReport().render(sheet, locale)
