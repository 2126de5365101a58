"""/api/v1/friday (visits): requests booked on a Friday, visits moved, cancelled and recorded,
the month's roster drafted and published, the studios' office hours and half-hours, conflicts of
interest — through the same operations as the Friday pages."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Any, Literal

from flask_login import current_user
from pydantic import BaseModel, Field

from calendars import today as shanghai_today
from programs.decisions import services as decision_services
from programs.friday import queries as friday_queries
from programs.friday import roster
from programs.friday import services as friday_services
from programs.friday.models import VISIT_STATUSES, Roster
from programs.i18n import N_
from webapp.api import schemas as s
from webapp.api.common import bp, check_town, page_of, paging, period_of, why
from webapp.api.errors import ApiError
from webapp.api.spec import ID, operation
from webapp.requests import db_session

VisitStatus = Literal[tuple(VISIT_STATUSES)]  # type: ignore[valid-type]
Clock = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="HH:MM, e.g. 09:30")]
STAFF = ("coordinator", "consultant")


# --- Schemas --------------------------------------------------------------------------------------


class VisitProblemOut(BaseModel):
    category: str
    description: str
    solved: bool
    follow_up_request_id: int | None


class FridayVisitOut(BaseModel):
    id: int
    request_id: int
    consultant_id: int
    consultant: str
    on: date
    status: str
    source: str
    venue: str
    town_id: int
    met: str
    minutes: int | None
    notes: str
    problems: list[VisitProblemOut]
    why: list[s.WhyOut]


class FridayVisitsOut(BaseModel):
    items: list[FridayVisitOut]
    paging: s.Page


class FridayVisitQuery(s.PeriodTownQuery):
    status: VisitStatus | None = Field(None, description="Only visits of this status.")


class BookIn(s.Strict):
    on: s.Day = Field(description="The Friday.")
    consultant_id: s.Id | None = Field(
        None, description="The consultant; a consultant's own account always books itself."
    )


class MoveVisitIn(s.Strict):
    on: s.Day = Field(description="The new Friday.")
    consultant_id: s.Id | None = Field(
        None, description="Another consultant (coordinators only); the same when left out."
    )


class VisitProblemIn(s.Strict):
    category: s.Category
    description: Annotated[s.Text, Field(max_length=2000)] = ""
    solved: bool = False
    follow_up: bool = Field(False, description="A follow-up visit: it becomes a new request.")


class RecordIn(s.Strict):
    met: Annotated[s.Text, Field(min_length=1, max_length=200)]
    minutes: Annotated[int, Field(ge=1, le=10_000)]
    notes: Annotated[s.Text, Field(max_length=2000)] = ""
    problems: Annotated[list[VisitProblemIn], Field(max_length=20, default_factory=list)]


class MonthIn(s.Strict):
    month: Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")]


class RosterOut(BaseModel):
    id: int
    month: str
    status: str
    placed: int | None = Field(description="Visits placed by this draft (drafting only).")
    left: int | None = Field(description="Requests left open by this draft (drafting only).")
    published: int | None = Field(description="Visits published (publishing only).")
    unassigned: list[dict[str, Any]]
    visits: list[int]


class OfficeHoursIn(s.Strict):
    studio_id: s.Id
    on: s.Day
    starts: Clock
    ends: Clock
    consultant_id: s.Id | None = Field(
        None, description="A coordinator names the consultant; a consultant opens their own."
    )


class OfficeHoursOut(BaseModel):
    id: int
    studio_id: int
    consultant_id: int
    on: date
    starts: str = Field(description="HH:MM")
    ends: str = Field(description="HH:MM")
    free: list[str] = Field(description="The half-hours still free, HH:MM")


class HalfHourIn(s.Strict):
    office_hours_id: s.Id
    starts: Clock
    topic: s.Category
    note: Annotated[s.Text, Field(max_length=500)] = ""
    enterprise_id: s.Id | None = Field(
        None, description="A coordinator names the firm; a firm's account books for itself."
    )


class BookingOut(BaseModel):
    id: int
    office_hours_id: int
    enterprise_id: int
    starts: str = Field(description="HH:MM")
    topic: str
    status: str


class ConflictIn(s.Strict):
    enterprise_id: s.Id | None = None
    counterparty: Annotated[s.Text, Field(max_length=120)] = ""
    reason: Annotated[s.Text, Field(max_length=500)] = ""
    consultant_id: s.Id | None = Field(
        None, description="A coordinator names the consultant; a consultant declares their own."
    )


class ConflictOut(BaseModel):
    id: int
    consultant_id: int
    enterprise_id: int | None
    counterparty: str
    reason: str


# --- Answers --------------------------------------------------------------------------------------


def _visit_out(visit: Any) -> FridayVisitOut:
    records = decision_services.decisions_about(db_session(), "friday_visits", visit.id)
    return FridayVisitOut(
        id=visit.id,
        request_id=visit.request_id,
        consultant_id=visit.consultant_id,
        consultant=visit.consultant.name,
        on=visit.on,
        status=visit.status,
        source=visit.source,
        venue=friday_services.venue_name(visit.request),
        town_id=visit.request.town_id,
        met=visit.met,
        minutes=visit.minutes,
        notes=visit.notes,
        problems=[
            VisitProblemOut(
                category=p.category,
                description=p.description,
                solved=p.solved,
                follow_up_request_id=p.follow_up_request_id,
            )
            for p in visit.problems
        ],
        why=[item for record in records for item in why(record)],
    )


def _roster_out(row: Any, **counts: int | None) -> RosterOut:
    visits = roster.visits_of(db_session(), row)
    return RosterOut(
        id=row.id,
        month=row.month.strftime("%Y-%m"),
        status=row.status,
        placed=counts.get("placed"),
        left=counts.get("left"),
        published=counts.get("published"),
        unassigned=list(row.result.get("unassigned", [])),
        visits=[v.id for v in visits],
    )


def _clock(at: time) -> str:
    return at.strftime("%H:%M")


def _hours_out(hours: Any) -> OfficeHoursOut:
    taken = {b.starts for b in hours.bookings if b.status != "cancelled"}
    return OfficeHoursOut(
        id=hours.id,
        studio_id=hours.studio_id,
        consultant_id=hours.consultant_id,
        on=hours.on,
        starts=_clock(hours.starts),
        ends=_clock(hours.ends),
        free=[
            _clock(t)
            for t in friday_services.half_hours(hours.starts, hours.ends)
            if t not in taken
        ],
    )


def _booking_out(booking: Any) -> BookingOut:
    return BookingOut(
        id=booking.id,
        office_hours_id=booking.office_hours_id,
        enterprise_id=booking.enterprise_id,
        starts=_clock(booking.starts),
        topic=booking.topic,
        status=booking.status,
    )


# --- Visits ---------------------------------------------------------------------------------------


@operation(
    bp,
    "GET",
    "/friday/visits",
    summary=N_("The Friday visits the account may see"),
    response=FridayVisitsOut,
    query=FridayVisitQuery,
    tag="friday",
    roles=("coordinator", "consultant", "enterprise", "chamber"),
    errors=(404,),
)
def friday_visits(query: FridayVisitQuery) -> FridayVisitsOut:
    """As the Friday pages list them, by day: a consultant's own, a firm's or a chamber's
    published and recorded ones, all for a coordinator. `period` is the visit's Friday; `town`
    the town of the request."""
    check_town(query.town)
    period = period_of(query)
    found = friday_queries.visits_for(
        db_session(),
        current_user,
        start=period[0] if period else None,
        end=period[1] if period else None,
        town_id=query.town,
        status=query.status,
    )
    return FridayVisitsOut(
        items=[_visit_out(v) for v in page_of(found, query)], paging=paging(len(found), query)
    )


@operation(
    bp,
    "GET",
    "/friday/visits/" + ID.format("visit_id"),
    summary=N_("One Friday visit, with the rules that placed it"),
    response=FridayVisitOut,
    tag="friday",
    roles=("coordinator", "consultant", "enterprise", "chamber"),
    errors=(404,),
)
def friday_visit(visit_id: int) -> FridayVisitOut:
    return _visit_out(friday_services.get_visit(db_session(), current_user, visit_id))


@operation(
    bp,
    "POST",
    "/friday/requests/" + ID.format("request_id") + "/book",
    summary=N_("Book a Friday request with a consultant"),
    response=FridayVisitOut,
    body=BookIn,
    tag="friday",
    roles=STAFF,
    status=201,
    errors=(404, 409, 422),
)
def book_friday_visit(request_id: int, body: BookIn) -> FridayVisitOut:
    """As the request page: the rules check the Friday (a working Friday, the consultant's limit
    that day, conflicts of interest…) and refuse with each reason; a closed request is 409."""
    consultant_id = friday_services.acting_consultant(current_user, body.consultant_id)
    if consultant_id is None:
        raise ApiError(
            400, "invalid_input", N_("Name the consultant (consultant_id)."), field="consultant_id"
        )
    friday_services.get_request(db_session(), current_user, request_id)  # 404 if not visible
    visit = friday_services.book_visit(
        db_session(), current_user, request_id, consultant_id, body.on, today=shanghai_today()
    )
    return _visit_out(visit)


@operation(
    bp,
    "POST",
    "/friday/visits/" + ID.format("visit_id") + "/move",
    summary=N_("Move a Friday visit to another Friday"),
    response=FridayVisitOut,
    body=MoveVisitIn,
    tag="friday",
    roles=STAFF,
    errors=(404, 409, 422),
)
def move_friday_visit(visit_id: int, body: MoveVisitIn) -> FridayVisitOut:
    """The rules check the new Friday as for a booking; a visit done or cancelled is 409."""
    friday_services.get_visit(db_session(), current_user, visit_id)
    visit = friday_services.move_visit(
        db_session(),
        current_user,
        visit_id,
        on=body.on,
        consultant_id=body.consultant_id,
        today=shanghai_today(),
    )
    return _visit_out(visit)


@operation(
    bp,
    "POST",
    "/friday/visits/" + ID.format("visit_id") + "/cancel",
    summary=N_("Cancel a Friday visit; its request waits again"),
    response=FridayVisitOut,
    body=s.CancelIn,
    tag="friday",
    roles=STAFF,
    errors=(404, 409, 422),
)
def cancel_friday_visit(visit_id: int, body: s.CancelIn) -> FridayVisitOut:
    friday_services.get_visit(db_session(), current_user, visit_id)
    visit = friday_services.cancel_visit(db_session(), current_user, visit_id, body.reason)
    return _visit_out(visit)


@operation(
    bp,
    "POST",
    "/friday/visits/" + ID.format("visit_id") + "/record",
    summary=N_("Record a Friday visit: whom, how long, the problems solved"),
    response=FridayVisitOut,
    body=RecordIn,
    tag="friday",
    roles=STAFF,
    errors=(404, 422),
)
def record_friday_visit(visit_id: int, body: RecordIn) -> FridayVisitOut:
    """On the day or after, by its consultant or a coordinator; each problem by category; a
    follow-up becomes a new request."""
    visit = friday_services.record_visit(
        db_session(),
        current_user,
        visit_id,
        friday_services.RecordInput(
            met=body.met,
            minutes=body.minutes,
            notes=body.notes,
            problems=tuple(
                friday_services.ProblemInput(
                    category=p.category,
                    description=p.description,
                    solved=p.solved,
                    follow_up=p.follow_up,
                )
                for p in body.problems
            ),
        ),
        today=shanghai_today(),
    )
    return _visit_out(visit)


# --- The roster -----------------------------------------------------------------------------------


@operation(
    bp,
    "POST",
    "/friday/roster/draft",
    summary=N_("Draft a month's Friday roster from the open requests"),
    response=RosterOut,
    body=MonthIn,
    tag="friday",
    roles=("coordinator",),
    errors=(409, 422),
)
def draft_friday_roster(body: MonthIn) -> RosterOut:
    """The rules place the open requests on the month's working Fridays as draft visits; what
    they could not place is listed with why (`unassigned`)."""
    month = roster.parse_month(body.month)
    done = roster.draft(db_session(), current_user, month, shanghai_today())
    return _roster_out(done.roster, placed=done.placed, left=done.left)


@operation(
    bp,
    "POST",
    "/friday/roster/" + ID.format("roster_id") + "/publish",
    summary=N_("Publish a drafted roster; consultants and firms are told"),
    response=RosterOut,
    tag="friday",
    roles=("coordinator",),
    errors=(404, 409, 422),
)
def publish_friday_roster(roster_id: int) -> RosterOut:
    count = roster.publish(db_session(), current_user, roster_id)
    row = db_session().get(Roster, roster_id)
    return _roster_out(row, published=count)


# --- Studios --------------------------------------------------------------------------------------


@operation(
    bp,
    "POST",
    "/friday/office-hours",
    summary=N_("Open a studio's Friday office hours"),
    response=OfficeHoursOut,
    body=OfficeHoursIn,
    tag="friday",
    roles=STAFF,
    status=201,
    errors=(404, 409, 422),
)
def open_friday_office_hours(body: OfficeHoursIn) -> OfficeHoursOut:
    """As the studios page: a consultant opens their own hours, a coordinator anyone's; the
    rules check the day and the consultant's other Friday work."""
    consultant_id = friday_services.acting_consultant(current_user, body.consultant_id)
    if consultant_id is None:
        raise ApiError(
            400, "invalid_input", N_("Name the consultant (consultant_id)."), field="consultant_id"
        )
    hours = friday_services.open_office_hours(
        db_session(),
        current_user,
        friday_services.OfficeHoursInput(
            studio_id=body.studio_id,
            consultant_id=consultant_id,
            on=body.on,
            starts=time.fromisoformat(body.starts),
            ends=time.fromisoformat(body.ends),
        ),
        today=shanghai_today(),
    )
    return _hours_out(hours)


@operation(
    bp,
    "POST",
    "/friday/office-bookings",
    summary=N_("Book a half-hour of a studio's office hours"),
    response=BookingOut,
    body=HalfHourIn,
    tag="friday",
    roles=("coordinator", "enterprise"),
    status=201,
    errors=(404, 409, 422),
)
def book_friday_half_hour(body: HalfHourIn) -> BookingOut:
    """A firm books for itself, a coordinator for the firm named; a half-hour taken is
    refused."""
    firm = friday_services.acting_firm(current_user, body.enterprise_id)
    if firm is None:
        raise ApiError(
            400, "invalid_input", N_("Name the firm (enterprise_id)."), field="enterprise_id"
        )
    booking = friday_services.book_half_hour(
        db_session(),
        current_user,
        body.office_hours_id,
        time.fromisoformat(body.starts),
        enterprise_id=firm,
        topic=body.topic,
        note=body.note,
        today=shanghai_today(),
    )
    return _booking_out(booking)


@operation(
    bp,
    "POST",
    "/friday/office-bookings/" + ID.format("booking_id") + "/cancel",
    summary=N_("Give a booked half-hour back"),
    response=BookingOut,
    tag="friday",
    roles=("coordinator", "enterprise"),
    errors=(404, 409, 422),
)
def cancel_friday_half_hour(booking_id: int) -> BookingOut:
    return _booking_out(friday_services.cancel_booking(db_session(), current_user, booking_id))


# --- Conflicts of interest ------------------------------------------------------------------------


@operation(
    bp,
    "POST",
    "/friday/conflicts",
    summary=N_("Declare a conflict of interest"),
    response=ConflictOut,
    body=ConflictIn,
    tag="friday",
    roles=STAFF,
    status=201,
    errors=(404, 409, 422),
)
def declare_friday_conflict(body: ConflictIn) -> ConflictOut:
    """A consultant so declared is never paired with the firm or sent there by the rules."""
    consultant_id = friday_services.acting_consultant(current_user, body.consultant_id)
    conflict = friday_services.declare_conflict(
        db_session(),
        current_user,
        friday_services.ConflictInput(
            consultant_id=consultant_id or 0,
            enterprise_id=body.enterprise_id,
            counterparty=body.counterparty,
            reason=body.reason,
        ),
        today=shanghai_today(),
    )
    return ConflictOut(
        id=conflict.id,
        consultant_id=conflict.consultant_id,
        enterprise_id=conflict.enterprise_id,
        counterparty=conflict.counterparty,
        reason=conflict.reason,
    )


UI_ACTIONS: dict[tuple[str, str | None], str] = {
    ("friday.request_page", "book"): "book_friday_visit",
    ("friday.visit_page", "move"): "move_friday_visit",
    ("friday.visit_page", "cancel"): "cancel_friday_visit",
    ("friday.visit_page", "record"): "record_friday_visit",
    ("friday.roster_page", "draft"): "draft_friday_roster",
    ("friday.roster_page", "publish"): "publish_friday_roster",
    ("friday.studios", "open"): "open_friday_office_hours",
    ("friday.studios", "book"): "book_friday_half_hour",
    ("friday.studios", "cancel"): "cancel_friday_half_hour",
    ("friday.conflicts", None): "declare_friday_conflict",
}
