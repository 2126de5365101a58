"""/api/v1/friday (visits): requests booked on a Friday, visits moved, cancelled and recorded,
the month's roster drafted, read and published, the studios' office hours and half-hours,
conflicts of interest — through the same operations as the Friday pages.

Who an action is for is decided in the service layer, as on the pages: a consultant books, opens
office hours and declares conflicts as themself, a firm books half-hours for itself
(`acting_consultant`, `acting_firm`). Every visit and half-hour comes with `why`: the rules that
placed it, from the stored decisions.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any, Literal

from flask_login import current_user
from pydantic import BaseModel, Field

from calendars import today as shanghai_today
from programs.decisions import services as decision_services
from programs.errors import DomainError
from programs.friday import queries as friday_queries
from programs.friday import roster
from programs.friday import services as friday_services
from programs.friday.models import VISIT_STATUSES, Roster
from programs.i18n import N_
from webapp.api import schemas as s
from webapp.api.common import bp, check_town, page_of, paging, period_of, t, why
from webapp.api.errors import ApiError
from webapp.api.spec import ID, operation
from webapp.requests import db_session

VisitStatus = Literal[tuple(VISIT_STATUSES)]  # type: ignore[valid-type]
Clock = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="HH:MM, e.g. 09:30")]
Month = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM, e.g. 2026-12")]
STAFF = ("coordinator", "consultant")
ROLES = ("coordinator", "consultant", "enterprise", "chamber")
LAST_DAY = date(2099, 12, 31)  # the last day the calendar knows
VISIT = "/friday/visits/" + ID.format("visit_id")


# --- What comes in --------------------------------------------------------------------------------


class FridayVisitQuery(s.PeriodTownQuery):
    period: Annotated[
        str | None,
        Field(
            max_length=10,
            description="The visit's Friday falls in it: 2026-11 (a month), 2026-Q4 (a quarter) "
            "or 2026 (a year); every day when left out.",
        ),
    ] = None
    town: Annotated[
        s.Id | None, Field(description="The town of the visit's request; every town when left out.")
    ] = None
    status: VisitStatus | None = Field(None, description="Only visits of this status.")
    consultant: s.Id | None = Field(
        None, description="One consultant's visits (a consultant sees only their own anyway)."
    )


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
    description: Annotated[s.Text, Field(max_length=1000)] = ""
    solved: bool = Field(False, description="Solved on the spot.")
    follow_up: bool = Field(False, description="A follow-up visit: it becomes a new request.")


class RecordIn(s.Strict):
    met: Annotated[s.Text, Field(min_length=1, max_length=200, description="Whom you met.")]
    minutes: Annotated[int, Field(ge=1, le=10_000, description="Time spent (5 to 600).")]
    notes: Annotated[s.Text, Field(max_length=2000)] = ""
    problems: Annotated[list[VisitProblemIn], Field(max_length=20, default_factory=list)]


class MonthIn(s.Strict):
    month: Month


class RosterQuery(s.Strict):
    month: Month


class OfficeHoursQuery(s.PeriodTownQuery):
    period: Annotated[
        str | None,
        Field(
            max_length=10,
            description="The Friday of the office hours falls in it: 2026-11 (a month), 2026-Q4 "
            "(a quarter) or 2026 (a year); from today on when left out.",
        ),
    ] = None
    town: Annotated[
        s.Id | None, Field(description="The town of the studio; every town when left out.")
    ] = None


class OfficeHoursIn(s.Strict):
    studio_id: s.Id
    on: s.Day
    starts: Clock
    ends: Clock
    consultant_id: s.Id | None = Field(
        None, description="A coordinator names the consultant; a consultant opens their own."
    )


class HalfHourIn(s.Strict):
    office_hours_id: s.Id
    starts: Clock
    topic: s.Category
    note: Annotated[s.Text, Field(max_length=200)] = ""
    enterprise_id: s.Id | None = Field(
        None, description="A coordinator names the firm; a firm's account books for itself."
    )


class ConflictIn(s.Strict):
    enterprise_id: s.Id | None = Field(None, description="The firm the conflict is with.")
    counterparty: Annotated[
        s.Text, Field(max_length=120, description="Or the other party of a matter.")
    ] = ""
    reason: Annotated[s.Text, Field(max_length=200)] = ""
    consultant_id: s.Id | None = Field(
        None, description="A coordinator names the consultant; a consultant declares their own."
    )


# --- What goes out --------------------------------------------------------------------------------


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
    roster_id: int | None
    venue: str
    town_id: int
    met: str
    minutes: int | None
    notes: str
    cancel_reason: str
    problems: list[VisitProblemOut]
    why: list[s.WhyOut]


class FridayVisitsOut(BaseModel):
    items: list[FridayVisitOut]
    paging: s.Page


class UnplacedOut(BaseModel):
    """A request the roster left open."""

    request_id: int
    code: str = Field(description="Why, in a word (the planner's code, or `refused`).")
    reason: str


class ClosedFridayOut(BaseModel):
    on: date
    reason: str


class RosterFiguresOut(BaseModel):
    """The plan in figures, as the roster page shows them."""

    requests: int
    assigned: int
    follow_ups: int
    follow_ups_assigned: int
    pair_possible: int
    paired: int
    with_preferences: int
    preferred: int
    same_town: int
    nearby_town: int


class RosterOut(BaseModel):
    id: int
    month: str
    status: str
    drafted_at: datetime
    published_at: datetime | None
    figures: RosterFiguresOut | None = Field(description="For a coordinator.")
    unassigned: list[UnplacedOut] = Field(description="For a coordinator.")
    closed_fridays: list[ClosedFridayOut] = Field(description="For a coordinator.")
    visits: list[FridayVisitOut] = Field(
        description="Every visit for a coordinator; a consultant's own once published."
    )


class RosterDraftOut(RosterOut):
    placed: int = Field(description="Visits this draft placed.")
    left: int = Field(description="Requests this draft left open.")


class RosterPublishOut(RosterOut):
    published: int = Field(description="Visits published.")


class BookingOut(BaseModel):
    id: int
    office_hours_id: int
    enterprise_id: int
    starts: str = Field(description="HH:MM")
    topic: str
    note: str
    status: str
    why: list[s.WhyOut]


class OfficeHoursOut(BaseModel):
    id: int
    studio_id: int
    studio: str
    town_id: int
    consultant_id: int
    consultant: str
    on: date
    starts: str = Field(description="HH:MM")
    ends: str = Field(description="HH:MM")
    free: list[str] = Field(description="The half-hours still free, HH:MM")
    bookings: list[BookingOut] = Field(
        description="The half-hours booked that the account may see: all for coordinators "
        "and consultants, a firm's own."
    )


class OfficeHoursListOut(BaseModel):
    items: list[OfficeHoursOut]
    paging: s.Page


class ConflictOut(BaseModel):
    id: int
    consultant_id: int
    enterprise_id: int | None
    counterparty: str
    reason: str
    declared_on: date


# --- Answers --------------------------------------------------------------------------------------


def _why_about(table: str, ident: int) -> list[s.WhyOut]:
    records = decision_services.decisions_about(db_session(), table, ident)
    return [item for record in records for item in why(record)]


def _visit_out(visit: Any) -> FridayVisitOut:
    return FridayVisitOut(
        id=visit.id,
        request_id=visit.request_id,
        consultant_id=visit.consultant_id,
        consultant=visit.consultant.name,
        on=visit.on,
        status=visit.status,
        source=visit.source,
        roster_id=visit.roster_id,
        venue=friday_services.venue_name(visit.request),
        town_id=visit.request.town_id,
        met=visit.met,
        minutes=visit.minutes,
        notes=visit.notes,
        cancel_reason=visit.cancel_reason,
        problems=[
            VisitProblemOut(
                category=p.category,
                description=p.description,
                solved=p.solved,
                follow_up_request_id=p.follow_up_request_id,
            )
            for p in visit.problems
        ],
        why=_why_about("friday_visits", visit.id),
    )


def _month(text: str) -> date:
    """The month asked for; one the calendar does not know is 400."""
    try:
        return roster.parse_month(text)
    except DomainError as error:
        raise ApiError(400, "invalid_input", error.msgid, error.params, field="month") from None


def _roster_fields(row: Roster) -> dict[str, Any]:
    """What a roster answer holds, as the roster page shows it to the caller."""
    visits = roster.visits_seen_by(db_session(), current_user, row)
    coordinator = current_user.role == "coordinator"
    result = row.result if coordinator else {}
    metrics = result.get("metrics")
    return {
        "id": row.id,
        "month": row.month.strftime("%Y-%m"),
        "status": row.status,
        "drafted_at": row.created_at,
        "published_at": row.published_at,
        "figures": RosterFiguresOut.model_validate(metrics) if metrics else None,
        "unassigned": [
            UnplacedOut(
                request_id=u["request_id"],
                code=u["code"],
                reason=t(u["reason"]["msgid"], u["reason"].get("params")),
            )
            for u in result.get("unassigned", ())
        ]
        + [
            UnplacedOut(request_id=u["request_id"], code="refused", reason=t(u["msgid"]))
            for u in result.get("refused", ())
        ],
        "closed_fridays": [
            ClosedFridayOut(
                on=date.fromisoformat(c["on"]),
                reason=t(c["reason"]["msgid"], c["reason"].get("params")),
            )
            for c in result.get("closed_fridays", ())
        ],
        "visits": [_visit_out(v) for v in visits],
    }


def _clock(at: time) -> str:
    return at.strftime("%H:%M")


def _booking_out(booking: Any) -> BookingOut:
    return BookingOut(
        id=booking.id,
        office_hours_id=booking.office_hours_id,
        enterprise_id=booking.enterprise_id,
        starts=_clock(booking.starts),
        topic=booking.topic,
        note=booking.note,
        status=booking.status,
        why=_why_about("office_bookings", booking.id),
    )


def _hours_out(hours: Any) -> OfficeHoursOut:
    booked = [b for b in hours.bookings if b.status == "booked"]
    taken = {b.starts for b in booked}
    return OfficeHoursOut(
        id=hours.id,
        studio_id=hours.studio_id,
        studio=hours.studio.name,
        town_id=hours.studio.town_id,
        consultant_id=hours.consultant_id,
        consultant=hours.consultant.name,
        on=hours.on,
        starts=_clock(hours.starts),
        ends=_clock(hours.ends),
        free=[
            _clock(at)
            for at in friday_services.half_hours(hours.starts, hours.ends)
            if at not in taken
        ],
        bookings=[
            _booking_out(b)
            for b in sorted(booked, key=lambda b: b.starts)
            if friday_services.may_see_booking(current_user, b)
        ],
    )


def _consultant_named(consultant_id: int | None) -> int:
    """The consultant an action is for (a consultant is always themself); 400 if none."""
    chosen = friday_services.acting_consultant(current_user, consultant_id)
    if chosen is None:
        raise ApiError(
            400, "invalid_input", N_("Name the consultant (consultant_id)."), field="consultant_id"
        )
    return chosen


# --- Visits ---------------------------------------------------------------------------------------


@operation(
    bp,
    "GET",
    "/friday/visits",
    summary=N_("The Friday visits the account may see"),
    response=FridayVisitsOut,
    query=FridayVisitQuery,
    tag="friday",
    roles=ROLES,
    errors=(404,),
)
def friday_visits(query: FridayVisitQuery) -> FridayVisitsOut:
    """As the Friday pages list them, by day: a consultant's own, a firm's or a chamber's
    published and recorded ones, all for a coordinator; each with the rules that placed it.
    An unknown town is 404."""
    check_town(query.town)
    period = period_of(query)
    total, rows = friday_queries.visits_page(
        db_session(),
        current_user,
        start=period[0] if period else None,
        end=period[1] if period else None,
        town_id=query.town,
        status=query.status,
        consultant_id=query.consultant,
        offset=(query.page - 1) * query.per_page,
        limit=query.per_page,
    )
    with decision_services.prefetched(db_session(), "friday_visits", [v.id for v in rows]):
        items = [_visit_out(v) for v in rows]
    return FridayVisitsOut(items=items, paging=paging(total, query))


@operation(
    bp,
    "GET",
    VISIT,
    summary=N_("One Friday visit, with the rules that placed it"),
    response=FridayVisitOut,
    tag="friday",
    roles=ROLES,
    errors=(404,),
)
def friday_visit(visit_id: int) -> FridayVisitOut:
    """A visit the account may see (a consultant their own, a firm or a chamber theirs once
    published), with `why`: each rule that checked its Friday and, for a roster's visit, the
    planner's reasons."""
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
    that day, conflicts of interest…) and refuse with each reason (422); a closed request is
    409. A consultant books as themself, whoever is named."""
    consultant_id = _consultant_named(body.consultant_id)
    friday_services.get_request(db_session(), current_user, request_id)  # 404 if not visible
    visit = friday_services.book_visit(
        db_session(), current_user, request_id, consultant_id, body.on, today=shanghai_today()
    )
    return _visit_out(visit)


@operation(
    bp,
    "POST",
    VISIT + "/move",
    summary=N_("Move a Friday visit to another Friday"),
    response=FridayVisitOut,
    body=MoveVisitIn,
    tag="friday",
    roles=STAFF,
    errors=(404, 409, 422),
)
def move_friday_visit(visit_id: int, body: MoveVisitIn) -> FridayVisitOut:
    """By a coordinator (to any consultant) or the visit's consultant: the rules check the new
    Friday as for a booking (422 with each reason); a visit done or cancelled is 409."""
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
    VISIT + "/cancel",
    summary=N_("Cancel a Friday visit; its request waits again"),
    response=FridayVisitOut,
    body=s.CancelIn,
    tag="friday",
    roles=STAFF,
    errors=(404, 409, 422),
)
def cancel_friday_visit(visit_id: int, body: s.CancelIn) -> FridayVisitOut:
    """By a coordinator or the visit's consultant, with a reason; the consultant and the firm
    are told. A visit done or already cancelled is 409."""
    friday_services.get_visit(db_session(), current_user, visit_id)
    visit = friday_services.cancel_visit(db_session(), current_user, visit_id, body.reason)
    return _visit_out(visit)


@operation(
    bp,
    "POST",
    VISIT + "/record",
    summary=N_("Record a Friday visit: whom, how long, the problems solved"),
    response=FridayVisitOut,
    body=RecordIn,
    tag="friday",
    roles=STAFF,
    errors=(404, 422),
)
def record_friday_visit(visit_id: int, body: RecordIn) -> FridayVisitOut:
    """On the day or after, by its consultant or a coordinator; each problem by category,
    solved on the spot or followed up (a follow-up becomes a new request). A visit still to
    come, not published, or a problem without a description is 422."""
    friday_services.get_visit(db_session(), current_user, visit_id)
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
    "GET",
    "/friday/roster",
    summary=N_("A month's Friday roster"),
    response=RosterOut,
    query=RosterQuery,
    tag="friday",
    roles=STAFF,
    errors=(404,),
)
def friday_roster(query: RosterQuery) -> RosterOut:
    """As the roster page: for a coordinator every visit, the figures, the requests left open
    and the Fridays not used, each with why; for a consultant their own published visits. A
    month without a roster is 404."""
    month = _month(query.month)
    row = roster.get(db_session(), month)
    if row is None:
        raise ApiError(
            404, "not_found", N_("No roster was drafted for {month}."), {"month": query.month}
        )
    return RosterOut(**_roster_fields(row))


@operation(
    bp,
    "POST",
    "/friday/roster/draft",
    summary=N_("Draft a month's Friday roster from the open requests"),
    response=RosterDraftOut,
    body=MonthIn,
    tag="friday",
    roles=("coordinator",),
    errors=(422,),
)
def draft_friday_roster(body: MonthIn) -> RosterDraftOut:
    """The planner places the open requests on the month's working Fridays as draft visits,
    each booked through the rules; what it could not place is listed with why (`unassigned`).
    Drafting again replaces the earlier drafts. A month already over is 422."""
    done = roster.draft(db_session(), current_user, _month(body.month), shanghai_today())
    return RosterDraftOut(**_roster_fields(done.roster), placed=done.placed, left=done.left)


@operation(
    bp,
    "POST",
    "/friday/roster/" + ID.format("roster_id") + "/publish",
    summary=N_("Publish a drafted roster; consultants and firms are told"),
    response=RosterPublishOut,
    tag="friday",
    roles=("coordinator",),
    errors=(404, 409),
)
def publish_friday_roster(roster_id: int) -> RosterPublishOut:
    """Its draft visits become published and their consultants and firms are told. A roster
    with no draft left (published already) is 409."""
    count = roster.publish(db_session(), current_user, roster_id)
    row = db_session().get(Roster, roster_id)
    return RosterPublishOut(**_roster_fields(row), published=count)


# --- Studios --------------------------------------------------------------------------------------


@operation(
    bp,
    "GET",
    "/friday/office-hours",
    summary=N_("The studios' Friday office hours, with the half-hours free"),
    response=OfficeHoursListOut,
    query=OfficeHoursQuery,
    tag="friday",
    roles=ROLES,
    errors=(404,),
)
def friday_office_hours(query: OfficeHoursQuery) -> OfficeHoursListOut:
    """As the studios page, by day, studio and time: each sitting's free half-hours and the
    booked ones the account may see (all for staff, a firm its own). An unknown town is 404."""
    check_town(query.town)
    start, end = period_of(query) or (shanghai_today(), LAST_DAY)
    found = friday_services.office_hours_between(db_session(), start, end, town_id=query.town)
    return OfficeHoursListOut(
        items=[_hours_out(h) for h in page_of(found, query)], paging=paging(len(found), query)
    )


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
    errors=(404, 422),
)
def open_friday_office_hours(body: OfficeHoursIn) -> OfficeHoursOut:
    """As the studios page: a consultant opens their own hours, a coordinator anyone's. Not a
    working Friday still to come, the consultant on leave or already sitting then: 422."""
    hours = friday_services.open_office_hours(
        db_session(),
        current_user,
        friday_services.OfficeHoursInput(
            studio_id=body.studio_id,
            consultant_id=_consultant_named(body.consultant_id),
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
    """A firm books for itself, a coordinator for the firm named. The rules refuse a half-hour
    taken or outside the hours, a past day, a conflict of interest… (422 with each rule);
    another firm booking the same half-hour at the same moment is 409."""
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
    errors=(404, 409),
)
def cancel_friday_half_hour(booking_id: int) -> BookingOut:
    """By the firm that booked it or a coordinator; one given back already is 409."""
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
    errors=(404, 422),
)
def declare_friday_conflict(body: ConflictIn) -> ConflictOut:
    """A consultant declares their own, a coordinator anyone's: the consultant is then never
    paired with the firm or sent there by the rules, and a pairing it touches ends. Neither a
    firm nor a counterparty named, or no consultant, is 422."""
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
        declared_on=conflict.declared_on,
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
