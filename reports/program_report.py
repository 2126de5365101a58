"""The monthly, quarterly and annual program report for the Commission, as PDF.

What the dashboard shows, set for print: a cover, a short generated narrative of the main
changes against the same period last year, the data-quality problems to settle before signing,
then each program's figures (with last year's and the change), its groups (problems by
category, cases by type, …) and the charts drawn as SVG. Built from plain data
(`program_report`), laid out by WeasyPrint (`program_report_pdf`); `fengqiao report --period
2026-11 --out report.pdf` makes it from the shell.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from programs.directory.models import Town
from programs.i18n import N_, gettext, translate
from reports import dashboard as board
from reports import quality
from reports.pdf import render_html, write_pdf
from reports.periods import Period
from reports.registry import ReportType, register

TITLE = N_("Report on the public legal-service programs")
CITY = "清河市"
KIND_NAMES = {
    "month": N_("Monthly report"),
    "quarter": N_("Quarterly report"),
    "year": N_("Annual report"),
}
MORE = N_("{figure}: {value}, {change}% more than in the same period last year ({previous}).")
FEWER = N_("{figure}: {value}, {change}% less than in the same period last year ({previous}).")
NEW = N_("{figure}: {value}, where the same period last year had none.")
HEADLINE = N_(
    "In {period}, consultants visited {entities} market entities and solved {solved} problems "
    "on the spot; the loop resolved {disputes} labour and commercial disputes and recovered or "
    "avoided {recovered} yuan of losses; {checkups} legal check-ups were made; the study base "
    "received {students} student visits."
)
NOTABLE_CHANGE = 10.0  # percent: smaller changes are not narrated
NARRATED = 6


@dataclass(frozen=True)
class ProgramReport:
    """Everything the report prints."""

    period: Period
    town: str | None
    generated_on: date
    board: board.Dashboard
    narrative: tuple[str, ...]
    problems: tuple[quality.QualityProblem, ...]


def format_value(value: Any, unit: str) -> str:
    """A figure's value as the report prints it."""
    if value is None:
        return "—"
    if unit == "yuan":
        return f"{Decimal(value):,.2f}"
    if unit in ("hours", "days", "score"):
        return f"{float(value):,.1f}"
    return f"{value:,}"


def narrative(data: board.Dashboard, locale: str) -> tuple[str, ...]:
    """The headline, then the largest changes against last year, in plain sentences."""
    tiles = {tile.figure.key: tile for _, tiles in data.sections for tile in tiles}

    def now(key: str) -> str:
        tile = tiles[key]
        return format_value(tile.current.total or 0, tile.figure.unit)

    lines = [
        translate(
            HEADLINE,
            locale,
            {
                "period": data.period.code,
                "entities": now("friday.entities_visited"),
                "solved": now("friday.problems_solved"),
                "disputes": now("disputes.disputes_resolved"),
                "recovered": now("disputes.recovered"),
                "checkups": now("checkups.done"),
                "students": now("study.student_visits"),
            },
        )
    ]
    changes = []
    for tile in tiles.values():
        current, previous = tile.current.total, tile.previous.total
        params = {
            "figure": {"msgid": tile.figure.label, "params": {}},
            "value": format_value(current, tile.figure.unit),
            "previous": format_value(previous, tile.figure.unit),
        }
        if tile.change is not None and abs(tile.change) >= NOTABLE_CHANGE:
            message = MORE if tile.change > 0 else FEWER
            changes.append(
                (abs(tile.change), message, {**params, "change": f"{abs(tile.change):.0f}"})
            )
        elif not previous and current:
            changes.append((100.0, NEW, params))
    changes.sort(key=lambda c: -c[0])
    lines += [translate(message, locale, params) for _, message, params in changes[:NARRATED]]
    return tuple(lines)


def program_report(
    session: Session, period: Period, town_id: int | None, *, today: date, locale: str
) -> ProgramReport:
    """Read the period's figures, charts and data-quality problems once."""
    data = board.dashboard(session, period, town_id, locale)
    town = session.get(Town, town_id) if town_id else None
    problems = quality.problems(session, board.scope_of(period, town_id), today)
    return ProgramReport(
        period=period,
        town=town.name if town else None,
        generated_on=today,
        board=data,
        narrative=narrative(data, locale),
        problems=tuple(problems),
    )


def program_report_html(report: ProgramReport, locale: str = "zh_Hans") -> str:
    """The HTML `program_report_pdf` lays out."""
    title = gettext(locale, TITLE)
    return render_html(
        "figures/report.html",
        {
            "report": report,
            "kind_name": gettext(locale, KIND_NAMES[report.period.kind]),
            "city": CITY,
            "programs": board.PROGRAM_NAMES,
            "t": lambda msgid, params=None: translate(msgid, locale, params),
            "show": format_value,
            "charts": report.board.charts,
            "generated_on": report.generated_on,
            "running_note": f"{CITY} · {report.period.code}",
        },
        locale=locale,
        title=title,
    )


def program_report_pdf(report: ProgramReport, locale: str = "zh_Hans") -> bytes:
    """The report as PDF: A4, a cover, page numbers, the fonts embedded."""
    return write_pdf(program_report_html(report, locale))


@register
class ProgramReportType(ReportType):
    """The program report of a month, quarter or year."""

    name = "program_report"
    title = TITLE

    def render(self, data: ProgramReport, locale: str) -> tuple[str, str, bytes]:
        """`data` is a `ProgramReport`; the file is named after the period (and town)."""
        if not isinstance(data, ProgramReport):
            raise TypeError(f"{self.name} renders a ProgramReport, not {type(data).__name__}")
        suffix = f"-{data.board.town_id}" if data.board.town_id else ""
        return (
            f"program-report-{data.period.code}{suffix}.pdf",
            "application/pdf",
            program_report_pdf(data, locale),
        )
