"""/api/v1/calendar: the working-day calendar of a month as a booking system needs it (which
days are public holidays, adjusted working days or closed, and why), and the bookings a calendar
change made doubtful with what was done about them."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from flask_login import current_user
from pydantic import BaseModel, Field

from calendars import today as shanghai_today
from programs.calendar import queries as calendar_queries
from programs.calendar import rechecks
from programs.i18n import N_
from webapp.api import schemas as s
from webapp.api.common import bp, page_of, paging, t
from webapp.api.errors import ApiError, api_locale
from webapp.api.spec import ID, operation
from webapp.requests import db_session

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class MonthQuery(s.Strict):
    month: Annotated[
        str | None,
        Field(max_length=7, description="YYYY-MM, 2000-01 to 2099-12; this month when left out."),
    ] = None


class ClosureOut(s.FromRecord):
    id: int
    kind: str
    scope: str
    scope_id: int | None
    starts_on: date
    ends_on: date
    reason: str


class DayOut(BaseModel):
    on: date
    kind: str = Field(description="workday, weekend, holiday or adjusted_workday.")
    working: bool
    holiday: str | None = Field(description="The public holiday's name, in the caller's language.")
    provisional: bool = Field(description="The State Council has not yet published this year.")
    closures: list[int] = Field(description="The ids of the closures (below) that cover the day.")


class MonthOut(BaseModel):
    month: str
    provisional: bool
    days: list[DayOut]
    closures: list[ClosureOut]


class FlagQuery(s.PageQuery):
    all: bool = Field(False, description="Resolved flags too (the newest 500).")


class FlagOut(BaseModel):
    id: int
    subject_type: str
    subject_id: int
    label: str
    problem: str
    cause: str
    created_at: datetime
    resolved_at: datetime | None
    resolution: str


class FlagsOut(BaseModel):
    items: list[FlagOut]
    paging: s.Page


class ResolveIn(s.Strict):
    note: Annotated[s.Text, Field(min_length=1, max_length=500)]


@operation(
    bp,
    "GET",
    "/calendar/month",
    summary=N_("A month's working days, public holidays and closures"),
    response=MonthOut,
    query=MonthQuery,
    tag="calendar",
)
def calendar_month(query: MonthQuery) -> MonthOut:
    """As the calendar page: every day of the month with its kind (a public holiday named, an
    adjusted working day) and the closures that concern the account (all for a coordinator)."""
    on = shanghai_today()
    year, month_no = on.year, on.month
    if query.month:
        found = _MONTH.match(query.month)
        if not found or not (2000 <= int(found[1]) <= 2099 and 1 <= int(found[2]) <= 12):
            raise ApiError(
                400, "invalid_input", N_("Give the month as YYYY-MM, e.g. 2026-10."), field="month"
            )
        year, month_no = int(found[1]), int(found[2])
    view = calendar_queries.month(db_session(), current_user, year, month_no)
    english = api_locale() == "en"
    return MonthOut(
        month=f"{year:04d}-{month_no:02d}",
        provisional=view.provisional,
        days=[
            DayOut(
                on=cell.on,
                kind=cell.info.kind,
                working=cell.info.working,
                holiday=cell.info.holiday_name_en if english else cell.info.holiday_name_zh,
                provisional=cell.info.provisional,
                closures=[closure.id for closure in cell.closures],
            )
            for week in view.weeks
            for cell in week
            if cell.in_month
        ],
        closures=[ClosureOut.model_validate(c) for c in view.closures],
    )


def _flag_out(flag: Any) -> FlagOut:
    return FlagOut(
        id=flag.id,
        subject_type=flag.subject_type,
        subject_id=flag.subject_id,
        label=flag.label,
        problem=t(flag.msgid, flag.params),
        cause=t(flag.cause_msgid, flag.cause_params),
        created_at=flag.created_at,
        resolved_at=flag.resolved_at,
        resolution=flag.resolution,
    )


@operation(
    bp,
    "GET",
    "/calendar/rechecks",
    summary=N_("Bookings and deadlines a calendar change made doubtful"),
    response=FlagsOut,
    query=FlagQuery,
    tag="calendar",
    roles=("coordinator",),
)
def recheck_flags(query: FlagQuery) -> FlagsOut:
    """As the re-check page: open flags, newest first (with `all`, resolved ones too). Nothing
    is moved silently when a closure is added; each flag waits for a coordinator."""
    found = calendar_queries.flags(db_session(), open_only=not query.all)
    return FlagsOut(
        items=[_flag_out(flag) for flag in page_of(found, query)],
        paging=paging(len(found), query),
    )


@operation(
    bp,
    "POST",
    "/calendar/rechecks/" + ID.format("flag_id") + "/resolve",
    summary=N_("Record what was done about a doubtful booking"),
    response=FlagOut,
    body=ResolveIn,
    tag="calendar",
    roles=("coordinator",),
    errors=(404, 422),
)
def resolve_recheck(flag_id: int, body: ResolveIn) -> FlagOut:
    """A flag already resolved, or none, is 404; an empty note 422."""
    return _flag_out(rechecks.resolve(db_session(), current_user, flag_id, body.note))


UI_ACTIONS: dict[tuple[str, str | None], str] = {("calendar.resolve", None): "resolve_recheck"}
