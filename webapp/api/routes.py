"""/api/v1: the same operations as the pages, for the city's other systems, with a token.

The blueprint, the token check and the shared helpers are in `webapp.api.common`; each
program's operations in its own module (friday, checkups, disputes, study), imported below so
that they register. The OpenAPI document is /api/v1/openapi.json, the reference page
/api/v1/docs.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, jsonify, render_template
from flask_login import current_user

from calendars import today as shanghai_today
from programs.directory import queries as directory_queries
from programs.errors import DomainError
from programs.i18n import N_
from reports import figures as registry
from reports.figures import Scope
from reports.periods import month_of, parse_period
from webapp.api import (  # noqa: F401  (their operations register on bp)
    calendar,
    checkups,
    decisions,
    disputes,
    friday,
    friday_visits,
    study,
    study_plan,
)
from webapp.api import schemas as s
from webapp.api.common import PREFIX, bp, check_town, page_of, paging, t
from webapp.api.errors import ApiError, from_status
from webapp.api.spec import openapi, operation
from webapp.requests import db_session

__all__ = ["bp", "document"]

DESCRIPTION = (
    "The operations of Fengqiao's pages for other systems. Every call is made as the user "
    "whose token it carries, under the same rules and access checks as the pages. Errors are "
    "JSON with a code, a message in the caller's language (Accept-Language) and, when the "
    "rules refused, each rule and its reason."
)


# The groups of the reference page, in the order a reader meets the programs.
TAGS = {
    "account": N_("Account"),
    "directory": N_("Directory"),
    "friday": N_("Friday Law Service Day"),
    "checkups": N_("Enterprise legal check-ups"),
    "disputes": N_("Labour disputes"),
    "study": N_("Study base"),
    "calendar": N_("Calendar"),
    "decisions": N_("Rule decisions"),
    "figures": N_("Figures"),
}


# --- The document --------------------------------------------------------------------------------


def document() -> dict[str, Any]:
    """The OpenAPI document of this API."""
    return openapi(PREFIX, "Fengqiao API", "1.0", DESCRIPTION)


@bp.get("/openapi.json")
def openapi_document() -> Response:
    return jsonify(document())


@bp.get("/docs")
def docs() -> str:
    """A readable reference of every operation, from the same document."""
    spec = document()
    groups: dict[str, list[tuple[str, str, dict[str, Any]]]] = {tag: [] for tag in TAGS}
    for path, methods in spec["paths"].items():
        for method, entry in methods.items():
            groups.setdefault(entry["tags"][0], []).append((method, path, entry))
    return render_template(
        "api/docs.html",
        spec=spec,
        groups=[(tag, TAGS.get(tag, tag), ops) for tag, ops in groups.items() if ops],
    )


# --- Who am I, the directory -----------------------------------------------------------------------


@operation(
    bp, "GET", "/me", summary=N_("The account the token acts as"), response=s.MeOut, tag="account"
)
def me() -> s.MeOut:
    user = current_user
    return s.MeOut(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        locale=user.locale,
    )


@operation(
    bp,
    "GET",
    "/towns",
    summary=N_("The towns and sub-districts"),
    response=s.TownsOut,
    tag="directory",
)
def towns() -> s.TownsOut:
    return s.TownsOut(
        items=[
            s.TownOut(id=town.id, name=town.name, kind=town.kind)
            for town in directory_queries.towns(db_session())
        ]
    )


# --- Figures -----------------------------------------------------------------------------------------


@operation(
    bp,
    "GET",
    "/figures",
    summary=N_("The figures the city answers for"),
    response=s.FiguresOut,
    tag="figures",
    roles=("coordinator",),
)
def figures() -> s.FiguresOut:
    return s.FiguresOut(
        items=[
            s.FigureInfo(
                key=f.key, program=f.program, label=t(f.label), unit=f.unit, help=t(f.help)
            )
            for f in registry.all_figures()
        ]
    )


@operation(
    bp,
    "GET",
    "/figures/<key>",
    summary=N_("A figure for a period and town, with the records behind it"),
    response=s.FigureOut,
    query=s.FigureQuery,
    tag="figures",
    roles=("coordinator",),
    errors=(404,),
)
def figure(key: str, query: s.FigureQuery) -> s.FigureOut:
    """The value (in all and per group) and one page of the records it was counted from."""
    try:
        found = registry.get(key)
    except KeyError:
        raise from_status(404) from None
    try:
        period = parse_period(query.period) if query.period else month_of(shanghai_today())
    except DomainError as error:
        raise ApiError(400, "invalid_input", error.msgid, error.params, field="period") from None
    check_town(query.town)
    table = found.table(db_session(), Scope(period.start_on, period.end_on, query.town))
    value = found.value_of(table)
    return s.FigureOut(
        key=found.key,
        label=t(found.label),
        unit=found.unit,
        period=period.code,
        start_on=period.start_on,
        end_on=period.end_on,
        town=query.town,
        total=None if value.total is None else float(value.total),
        groups={k: float(v) for k, v in value.groups.items()},
        records=value.records,
        columns=[s.ColumnOut(name=c.name, label=t(c.label), kind=c.kind) for c in found.columns],
        rows=[_row(row) for row in page_of(table.rows, query)],
        paging=paging(len(table.rows), query),
    )


def _row(row: tuple[Any, ...]) -> list[Any]:
    return [v.isoformat() if isinstance(v, date) else v for v in row]
