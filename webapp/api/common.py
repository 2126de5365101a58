"""What every part of /api/v1 shares: the blueprint, the token check, errors as JSON, paging,
the period-and-town filter of the lists, and "why" (the rules that fired) in the caller's
language.

Every call carries `Authorization: Bearer <token>` (a token the user made on their account
page); the caller acts as that user, with that user's role and access checks, through the same
operations in `programs/` that the pages call. Cookies are not read here, so no other site can
make a signed-in browser call the API.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Any

from flask import Blueprint, Response, g, request

from calendars import day_start
from calendars import today as shanghai_today
from programs.accounts import tokens
from programs.directory import queries as directory_queries
from programs.errors import DomainError
from programs.i18n import N_, translate
from reports.periods import parse_period
from webapp.api import schemas as s
from webapp.api.errors import ApiError, api_locale, from_domain, from_status, respond
from webapp.extensions import csrf
from webapp.requests import db_session

PREFIX = "/api/v1"
bp = Blueprint("api", __name__, url_prefix=PREFIX)
csrf.exempt(bp)
PUBLIC = {"api.openapi_document", "api.docs"}


@bp.before_request
def _authenticate() -> None:
    if request.endpoint in PUBLIC:
        return
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise from_status(401)
    user = tokens.user_for(db_session(), secret.strip(), today=shanghai_today())
    if user is None:
        raise ApiError(
            401, "invalid_token", N_("This token is unknown or was revoked; make a new one.")
        )
    g._login_user = user  # Flask-Login's current user for this request only (no cookie)


@bp.errorhandler(ApiError)
def _api_error(error: ApiError) -> Response:
    return respond(error)


@bp.errorhandler(DomainError)
def _domain_error(error: DomainError) -> Response:
    return respond(from_domain(error))


def paging(total: int, query: s.PageQuery) -> s.Page:
    """The paging block of a list answer."""
    return s.Page(
        page=query.page,
        per_page=query.per_page,
        total=total,
        pages=max(1, math.ceil(total / query.per_page)),
    )


def page_of(items: list[Any], query: s.PageQuery) -> list[Any]:
    """The items of the page asked for."""
    start = (query.page - 1) * query.per_page
    return items[start : start + query.per_page]


def t(msgid: str, params: dict[str, Any] | None = None) -> str:
    """A message in the caller's language."""
    return translate(msgid, api_locale(), params)


def why(record: Any) -> list[s.WhyOut]:
    """The rules that fired in a stored decision, each with its reason."""
    if record is None:
        return []
    return [
        s.WhyOut(
            rule=fired["rule"],
            reason=t(fired["reason"]["msgid"], fired["reason"].get("params")),
        )
        for fired in record.record.get("fired", ())
        if fired.get("reason")
    ]


def period_of(query: s.PeriodTownQuery) -> tuple[date, date] | None:
    """The first and last day of the list's `period`, None when it is left out (400 when it
    is not a period)."""
    if not query.period:
        return None
    try:
        period = parse_period(query.period)
    except DomainError as error:
        raise ApiError(400, "invalid_input", error.msgid, error.params, field="period") from None
    return period.start_on, period.end_on


def instants_of(days: tuple[date, date] | None) -> tuple[datetime, datetime] | None:
    """The instants a span of Shanghai days covers, for records stamped with a time (UTC)."""
    if days is None:
        return None
    first, last = days
    return day_start(first), day_start(last + timedelta(days=1))


def check_town(town_id: int | None) -> None:
    """404 for a town that does not exist (a list of nothing would hide a typing mistake)."""
    if town_id is not None and not any(
        town.id == town_id for town in directory_queries.towns(db_session())
    ):
        raise ApiError(404, "not_found", N_("There is no such town."), field="town")


def within(on: date | None, period: tuple[date, date] | None) -> bool:
    """Whether a day falls in the period (every day does when there is no period)."""
    return period is None or (on is not None and period[0] <= on <= period[1])
