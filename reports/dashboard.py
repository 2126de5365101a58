"""The coordinators' dashboard: a month's figures against the same month last year, by program,
with charts (problems by category, results by month, schools covered by town, grades).

`dashboard(session, period, town_id, locale)` reads everything once and returns plain data; the
charts are SVG (reports.charts), drawn with the reader's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from markupsafe import Markup
from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from programs.i18n import N_, translate
from reports import charts, quality
from reports import figures as registry
from reports.cache import Cache, tables_read
from reports.figures import Figure, FigureValue, Scope
from reports.periods import Period, last_months

# The figures each program shows first, in order.
TILES = {
    "friday": (
        "friday.entities_visited",
        "friday.visits",
        "friday.problems",
        "friday.problems_solved",
        "friday.consultant_hours",
        "friday.pairings",
    ),
    "checkups": (
        "checkups.requested",
        "checkups.done",
        "checkups.findings",
        "checkups.fixes_verified",
        "checkups.fixes_overdue",
    ),
    "disputes": (
        "disputes.disputes_resolved",
        "disputes.opened",
        "disputes.recovered",
        "disputes.contracts_reviewed",
        "disputes.escalated",
        "disputes.open_by_stage",
        "disputes.overdue",
        "disputes.satisfaction",
        "disputes.hotline_enterprise_calls",
    ),
    "study": (
        "study.sessions",
        "study.student_visits",
        "study.teacher_visits",
        "study.schools_covered",
        "study.touring_sessions",
    ),
}
PROGRAM_NAMES = {
    "friday": N_("Friday Law Service Day"),
    "checkups": N_("Legal check-ups"),
    "disputes": N_("Three-end closed loop"),
    "study": N_("Minors-protection study base"),
}
THIS_PERIOD = N_("This period")
LAST_YEAR = N_("Same period last year")


@dataclass(frozen=True)
class Tile:
    """A figure this period and the same period last year."""

    figure: Figure
    current: FigureValue
    previous: FigureValue

    @property
    def change(self) -> float | None:
        """The change against last year in percent (None when last year had nothing)."""
        now, then = self.current.total, self.previous.total
        if now is None or then in (None, 0):
            return None
        return 100 * (float(now) - float(then)) / float(then)


@dataclass(frozen=True)
class Dashboard:
    """Everything the dashboard page shows."""

    period: Period
    town_id: int | None
    sections: list[tuple[str, list[Tile]]]
    charts: dict[str, Markup]


def scope_of(period: Period, town_id: int | None) -> Scope:
    """The scope of a period in a town (or the whole city)."""
    return Scope(period.start_on, period.end_on, town_id)


# Values kept between pages while their records stay as they are (reports.cache).
CACHE = Cache()


class _Values:
    """Figure values of one page, through the cache: the tiles and the charts share them."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.read = CACHE.reader(session)

    def __call__(self, key: str, scope: Scope) -> FigureValue:
        figure = registry.get(key)
        return self.read(
            ("value", key, scope), figure.tables(), lambda: figure.value(self.session, scope)
        )

    def monthly(
        self, key: str, day: str, months: list[Period], town_id: int | None
    ) -> dict[Period, int]:
        figure = registry.get(key)
        return self.read(
            ("monthly", key, day, tuple(months), town_id),
            figure.tables(),
            lambda: monthly(self.session, figure, day, months, town_id),
        )


def problems(session: Session, scope: Scope, today: date) -> list[quality.QualityProblem]:
    """What would make the scope's figures wrong (reports.quality), through the cache."""
    tables = frozenset().union(*(tables_read(c.query(scope, today)) for c in quality.CHECKS))
    return CACHE.reader(session)(
        ("quality", scope, today), tables, lambda: quality.problems(session, scope, today)
    )


def school_year_of(day: date) -> tuple[date, date]:
    """The school year a day falls in: 1 September to 31 August."""
    first = day.year if day.month >= 9 else day.year - 1
    return date(first, 9, 1), date(first + 1, 8, 31)


def _number(value: Any) -> float:
    if value is None:
        return 0.0
    return float(value) if isinstance(value, Decimal | int | float) else 0.0


def dashboard(session: Session, period: Period, town_id: int | None, locale: str) -> Dashboard:
    """The figures of `period` against the same period last year, and the charts."""
    now, then = scope_of(period, town_id), scope_of(period.same_last_year(), town_id)
    value = _Values(session)
    sections = []
    for program, keys in TILES.items():
        tiles = [Tile(registry.get(key), value(key, now), value(key, then)) for key in keys]
        sections.append((program, tiles))
    return Dashboard(period, town_id, sections, _charts(value, period, town_id, locale))


def monthly(
    session: Session, figure: Figure, day: str, months: list[Period], town_id: int | None
) -> dict[Period, int]:
    """A counted figure month by month, counted by the database in one pass over all the
    months (each record falls in the month of its `day` column): what reading it once per month
    would give, in one query instead of one a month."""
    if figure.aggregate != "count":
        raise ValueError(f"{figure.key} is not counted; read it month by month")
    first = min(m.start_on for m in months)
    last = max(m.end_on for m in months)
    rows = figure.query(Scope(first, last, town_id)).order_by(None).subquery()
    year, number = extract("year", rows.c[day]), extract("month", rows.c[day])
    by_month = {(m.year, m.number): m for m in months}
    counts = {m: 0 for m in months}
    for y, n, count in session.execute(
        select(year, number, func.count()).select_from(rows).group_by(year, number)
    ):
        month = by_month.get((int(y), int(n)))
        if month is not None:
            counts[month] += count
    return counts


def _month_label(month: Period, locale: str) -> str:
    return (
        f"{month.number}月" if locale == "zh_Hans" else f"{month.year % 100:02d}-{month.number:02d}"
    )


def _charts(value: _Values, period: Period, town_id: int | None, locale: str) -> dict[str, Markup]:
    def t(msgid: str, params: dict[str, Any] | None = None) -> str:
        return translate(msgid, locale, params)

    out: dict[str, Markup] = {}
    # Problems by category, this period and last year's.
    problems = registry.get("friday.problems")
    names = dict(problems.columns[[c.name for c in problems.columns].index("category")].names)
    now = value("friday.problems", scope_of(period, town_id)).groups
    then = value("friday.problems", scope_of(period.same_last_year(), town_id)).groups
    out["problems"] = charts.compare_bars(
        t(N_("Problems found on Friday visits, by category")),
        [t(name) for name in names.values()],
        [_number(now.get(code)) for code in names],
        [_number(then.get(code)) for code in names],
        current_label=t(THIS_PERIOD),
        previous_label=t(LAST_YEAR),
    )
    # Results by month: the last twelve months against the twelve before.
    months = last_months(period, 12)
    for key, day, title in (
        ("disputes.disputes_resolved", "resolved_on", N_("Disputes resolved, by month")),
        ("friday.visits", "on", N_("Friday visits, by month")),
        (
            "disputes.hotline_enterprise_calls",
            "received_on",
            N_("Enterprise calls to the 12345 hotline, by month"),
        ),
    ):
        both = [m.same_last_year() for m in months] + months
        counts = value.monthly(key, day, both, town_id)
        current = [float(counts[m]) for m in months]
        earlier = [float(counts[m.same_last_year()]) for m in months]
        out[key] = charts.line_chart(
            t(title),
            [_month_label(m, locale) for m in months],
            [(t(N_("Last twelve months")), current), (t(N_("A year earlier")), earlier)],
        )
    # Schools covered by town in the school year the period ends in.
    start, end = school_year_of(period.end_on)
    year = Scope(start, end)
    covered = value("study.schools_covered", year).groups
    total = value("study.schools_total", year).groups
    out["coverage"] = charts.coverage_bars(
        t(
            N_("Schools covered by the study-tour plan, school year {first}–{last}"),
            {"first": start.year, "last": end.year},
        ),
        [(town, int(covered.get(town, 0)), int(count)) for town, count in sorted(total.items())],
    )
    # Check-up grades this year so far.
    year_to_date = Scope(date(period.end_on.year, 1, 1), period.end_on, town_id)
    grades = value("checkups.grades", year_to_date).groups
    out["grades"] = charts.bar_chart(
        t(N_("Legal check-ups by grade, {year} so far"), {"year": period.end_on.year}),
        [
            (t(name), _number(grades.get(code)))
            for code, name in (
                ("red", N_("Red")),
                ("orange", N_("Orange")),
                ("green", N_("Green")),
            )
        ],
    )
    return out
