"""The coordinators' dashboard (this month against the same month last year, with charts), the
records behind each figure (a table, and CSV), by period and town."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request

from calendars import today as shanghai_today
from programs.directory import queries as directory_queries
from programs.errors import DomainError
from reports import dashboard as board
from reports import figures
from reports.figures import Scope
from reports.periods import Period, month_of, parse_period
from webapp.access import roles_required
from webapp.extensions import current_locale, t
from webapp.requests import db_session

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _period(default: Period) -> tuple[Period, str | None]:
    """The period asked for (?period=2026-11), or the default with the reason it was refused."""
    text = request.args.get("period", "").strip()
    if not text:
        return default, None
    try:
        return parse_period(text), None
    except DomainError as error:
        return default, t(error.msgid, error.params)


def _town_id() -> int | None:
    town_id = request.args.get("town", type=int)
    if town_id and any(town.id == town_id for town in directory_queries.towns(db_session())):
        return town_id
    return None


@bp.route("/")
@roles_required("coordinator")
def index():
    """This month (or the month asked for) against the same month last year."""
    period, problem = _period(month_of(shanghai_today()))
    town_id = _town_id()
    data = board.dashboard(db_session(), period, town_id, current_locale())
    problems = board.problems(
        db_session(), Scope(period.start_on, period.end_on, town_id), shanghai_today()
    )
    return render_template(
        "reports/dashboard.html",
        board=data,
        problems=problems,
        period=period,
        problem=problem,
        town_id=town_id,
        towns=directory_queries.towns(db_session()),
        programs=board.PROGRAM_NAMES,
    )


def _figure(key: str):
    try:
        return figures.get(key)
    except KeyError:
        abort(404)


@bp.route("/figures/<key>")
@roles_required("coordinator")
def figure(key: str):
    """The records behind one figure, for a period and town."""
    found = _figure(key)
    period, problem = _period(month_of(shanghai_today()))
    town_id = _town_id()
    table = found.table(db_session(), Scope(period.start_on, period.end_on, town_id))
    return render_template(
        "reports/figure.html",
        figure=found,
        table=table,
        value=found.value_of(table),
        period=period,
        problem=problem,
        town_id=town_id,
        towns=directory_queries.towns(db_session()),
    )


@bp.route("/figures/<key>.csv")
@roles_required("coordinator")
def figure_csv(key: str):
    """The records behind one figure as CSV (opens in Excel with its Chinese)."""
    found = _figure(key)
    period, problem = _period(month_of(shanghai_today()))
    if problem:
        abort(400)
    town_id = _town_id()
    table = found.table(db_session(), Scope(period.start_on, period.end_on, town_id))
    filename = f"{key}-{period.code}{f'-town{town_id}' if town_id else ''}.csv"
    return Response(
        table.csv(current_locale()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/report.pdf")
@roles_required("coordinator")
def report_pdf():
    """The program report of the period (a month, quarter or year) as PDF."""
    from reports.program_report import ProgramReportType, program_report

    period, problem = _period(month_of(shanghai_today()))
    if problem:
        abort(400)
    data = program_report(
        db_session(), period, _town_id(), today=shanghai_today(), locale=current_locale()
    )
    filename, mimetype, pdf = ProgramReportType().render(data, current_locale())
    return Response(
        pdf,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
