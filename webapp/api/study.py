"""/api/v1/study: the minors-protection study base — schools' visits and their change requests.

The same operations as the study pages (programs.study_tours.services): a school asks for a
session (or joins its waiting list when it is full), a coordinator publishes, moves, swaps or
cancels the visit, the school completes the safety plan, an instructor records who came, and a
school asks for a change that a coordinator answers. Every answer about a visit carries `why`:
the rules that placed it, each with its reason.

The study base keeps no child's name or personal data, only counts; so does the API. The safety
plan's emergency contact is taken but not given back (the visit page shows it to the people
concerned).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from flask_login import current_user
from pydantic import BaseModel, Field

from calendars import today as shanghai_today
from programs.decisions import services as decision_services
from programs.i18n import N_
from programs.study_tours import queries as study_queries
from programs.study_tours import services as study_services
from programs.study_tours.models import CHANGE_STATUSES, TRANSPORT, VISIT_STATUSES
from webapp.api import schemas as s
from webapp.api.common import bp, check_town, paging, period_of, why
from webapp.api.errors import ApiError
from webapp.api.spec import ID, operation
from webapp.requests import db_session
from webapp.study.routes import VISIT_ACTIONS

STUDY_ROLES = ("coordinator", "school", "instructor")
VISIT = "/study/visits/" + ID.format("visit_id")

VisitStatus = Literal[tuple(VISIT_STATUSES)]  # type: ignore[valid-type]
ChangeStatus = Literal[tuple(CHANGE_STATUSES)]  # type: ignore[valid-type]
Transport = Literal[tuple(TRANSPORT)]  # type: ignore[valid-type]

# --- What comes in -------------------------------------------------------------------------------


class VisitQuery(s.PeriodTownQuery):
    period: Annotated[
        str | None,
        Field(
            max_length=10,
            description="The day of the visit falls in it: 2026-11 (a month), 2026-Q4 (a "
            "quarter) or 2026 (a year); every day when left out.",
        ),
    ] = None
    town: Annotated[
        s.Id | None, Field(description="The town of the school; every town when left out.")
    ] = None
    status: VisitStatus | None = None
    school: Annotated[s.Id | None, Field(description="One school's visits.")] = None


class ChangeQuery(s.PeriodTownQuery):
    period: Annotated[
        str | None,
        Field(
            max_length=10,
            description="The day of the visit to change falls in it: 2026-11 (a month), "
            "2026-Q4 (a quarter) or 2026 (a year); every day when left out.",
        ),
    ] = None
    town: Annotated[
        s.Id | None, Field(description="The town of the school; every town when left out.")
    ] = None
    status: ChangeStatus | Literal["any"] = Field(
        "open", description="Open requests (waiting for an answer) unless another is asked for."
    )


class MoveIn(s.Strict):
    session_id: s.Id = Field(description="The session the visit moves to.")


class SwapIn(s.Strict):
    other_id: s.Id = Field(description="The visit whose session this one takes, and back.")


class SafetyIn(s.Strict):
    accompanying_teachers: Annotated[int, Field(ge=0, le=200)]
    transport: Transport
    emergency_contact: Annotated[s.Text, Field(min_length=1, max_length=40)]
    emergency_phone: Annotated[s.Text, Field(min_length=1, max_length=30)]
    special_needs_count: Annotated[
        int, Field(ge=0, le=1000, description="How many students need care (no names).")
    ] = 0
    notes: Annotated[s.Text, Field(max_length=1000)] = ""


class AttendanceIn(s.Strict):
    actual_students: Annotated[int, Field(ge=0, le=1000)]
    actual_teachers: Annotated[int, Field(ge=0, le=200)]


class ChangeIn(s.Strict):
    proposed_session_id: s.Id | None = Field(
        None, description="The session the school would rather have (unless it cancels)."
    )
    cancel: bool = Field(False, description="Ask to cancel the visit instead.")
    reason: Annotated[s.Text, Field(min_length=1, max_length=1000)]


class AnswerIn(s.Strict):
    decision: Literal["accept", "refuse"]
    answer: Annotated[
        s.Text, Field(min_length=1, max_length=1000, description="Why, for the school.")
    ]


# --- What goes out -------------------------------------------------------------------------------


class SafetyOut(BaseModel):
    """The safety plan, in counts (the emergency contact stays on the visit page)."""

    accompanying_teachers: int
    transport: str
    special_needs_count: int
    completed_at: datetime | None


class StudyVisitOut(s.VisitOut):
    town_id: int
    source: str
    activity_ids: list[int]
    note: str
    cancel_reason: str
    actual_students: int | None
    actual_teachers: int | None
    safety_plan: SafetyOut | None


class StudyVisitsOut(BaseModel):
    items: list[StudyVisitOut]
    paging: s.Page


class SwapOut(BaseModel):
    visit: StudyVisitOut
    other: StudyVisitOut


class WaitlistOut(BaseModel):
    id: int
    session_id: int
    on: date
    slot: str
    school_id: int
    students: int
    teachers: int
    activity_ids: list[int]
    created_at: datetime


class ChangeOut(BaseModel):
    id: int
    visit: StudyVisitOut
    proposed_session_id: int | None
    proposed_on: date | None
    cancel: bool
    reason: str
    status: str
    created_at: datetime
    answered_at: datetime | None
    answer: str


class ChangesOut(BaseModel):
    items: list[ChangeOut]
    paging: s.Page


def _visit_out(visit: Any) -> StudyVisitOut:
    records = decision_services.decisions_about(db_session(), "visits", visit.id)
    plan = visit.safety_plan
    return StudyVisitOut(
        id=visit.id,
        school_id=visit.school_id,
        school=visit.school.name,
        town_id=visit.school.town_id,
        session_id=visit.session_id,
        on=visit.session.on,
        slot=visit.session.slot,
        status=visit.status,
        source=visit.source,
        grade=visit.grade,
        classes=visit.classes,
        students=visit.students,
        teachers=visit.teachers,
        activity_ids=[a.id for a in visit.activities],
        note=visit.note,
        cancel_reason=visit.cancel_reason,
        actual_students=visit.actual_students,
        actual_teachers=visit.actual_teachers,
        safety_plan=None
        if plan is None
        else SafetyOut(
            accompanying_teachers=plan.accompanying_teachers,
            transport=plan.transport,
            special_needs_count=plan.special_needs_count,
            completed_at=plan.completed_at,
        ),
        why=[item for record in records for item in why(record)],
    )


def _change_out(change: Any) -> ChangeOut:
    proposed = change.proposed_session
    return ChangeOut(
        id=change.id,
        visit=_visit_out(change.visit),
        proposed_session_id=change.proposed_session_id,
        proposed_on=proposed.on if proposed else None,
        cancel=change.cancel,
        reason=change.reason,
        status=change.status,
        created_at=change.created_at,
        answered_at=change.answered_at,
        answer=change.answer,
    )


def _visible(visit_id: int) -> Any:
    """The visit, if the account may see it (else 404, as on the pages)."""
    return study_queries.visit_for(db_session(), current_user, visit_id)


def _group(body: s.VisitIn) -> study_services.VisitInput:
    """The group as the booking form gives it: a school's account books for itself."""
    return study_services.VisitInput(
        school_id=current_user.school_id if current_user.role == "school" else body.school_id,
        session_id=body.session_id,
        activity_ids=list(body.activity_ids),
        students=body.students,
        teachers=body.teachers,
        grade=body.grade,
        classes=body.classes,
        note=body.note,
    )


# --- Visits: read --------------------------------------------------------------------------------


@operation(
    bp,
    "GET",
    "/study/visits",
    summary=N_("The study-tour visits the account sees"),
    response=StudyVisitsOut,
    query=VisitQuery,
    tag="study",
    roles=STUDY_ROLES,
    errors=(404,),
)
def study_visits(query: VisitQuery) -> StudyVisitsOut:
    """As the pages list them: a school its own visits, an instructor those of their sessions,
    a coordinator every one; in time order, each with the rules that placed it. An unknown
    town is 404."""
    check_town(query.town)
    total, rows = study_queries.visits_for(
        db_session(),
        current_user,
        study_queries.VisitFilter(
            between=period_of(query),
            town_id=query.town,
            status=query.status,
            school_id=query.school,
        ),
        offset=(query.page - 1) * query.per_page,
        limit=query.per_page,
    )
    with decision_services.prefetched(db_session(), "visits", [v.id for v in rows]):
        items = [_visit_out(v) for v in rows]
    return StudyVisitsOut(items=items, paging=paging(total, query))


@operation(
    bp,
    "GET",
    VISIT,
    summary=N_("One study-tour visit, with the rules that placed it"),
    response=StudyVisitOut,
    tag="study",
    roles=STUDY_ROLES,
    errors=(404,),
)
def study_visit(visit_id: int) -> StudyVisitOut:
    """A visit the account may see (a school its own, an instructor those of their sessions),
    with `why`: each rule that placed it and its reason."""
    return _visit_out(_visible(visit_id))


# --- Visits: asked for ---------------------------------------------------------------------------


@operation(
    bp,
    "POST",
    "/study/visits",
    summary=N_("Ask for a study-tour session for a school's group"),
    response=StudyVisitOut,
    body=s.VisitIn,
    tag="study",
    roles=("coordinator", "school"),
    status=201,
    errors=(404, 409, 422),
)
def request_study_visit(body: s.VisitIn) -> StudyVisitOut:
    """As the booking form: a draft until a coordinator publishes it; refused with every rule
    that says no (the session full, the base closed that day, too few teachers…). The school
    already booked in the session is 409."""
    visit = study_services.request_visit(
        db_session(), current_user, _group(body), today=shanghai_today()
    )
    return _visit_out(visit)


@operation(
    bp,
    "POST",
    "/study/waitlist",
    summary=N_("Join the waiting list of a full study-tour session"),
    response=WaitlistOut,
    body=s.VisitIn,
    tag="study",
    roles=("school",),
    status=201,
    errors=(404, 409, 422),
)
def join_study_waitlist(body: s.VisitIn) -> WaitlistOut:
    """When the session is too full for the group: a seat that frees up goes first to the
    school with the fewest visits this year. A session with room, past or cancelled is 422;
    the school already waiting for it 409."""
    entry = study_services.join_waitlist(
        db_session(), current_user, _group(body), today=shanghai_today()
    )
    return WaitlistOut(
        id=entry.id,
        session_id=entry.session_id,
        on=entry.session.on,
        slot=entry.session.slot,
        school_id=entry.school_id,
        students=entry.students,
        teachers=entry.teachers,
        activity_ids=list(entry.activity_ids),
        created_at=entry.created_at,
    )


# --- Visits: the visit page's actions ------------------------------------------------------------


@operation(
    bp,
    "POST",
    VISIT + "/publish",
    summary=N_("Publish a draft visit"),
    response=StudyVisitOut,
    tag="study",
    roles=VISIT_ACTIONS["publish"],
    errors=(404, 422),
)
def publish_study_visit(visit_id: int) -> StudyVisitOut:
    """The school and the session's instructors are told. A visit already published stays
    so; a cancelled one is 422."""
    visit = _visible(visit_id)
    study_services.publish(db_session(), current_user, [visit.id])
    if visit.status != "published":
        raise ApiError(422, "not_accepted", N_("A cancelled visit cannot be published."))
    return _visit_out(visit)


@operation(
    bp,
    "POST",
    VISIT + "/move",
    summary=N_("Move a visit to another session"),
    response=StudyVisitOut,
    body=MoveIn,
    tag="study",
    roles=VISIT_ACTIONS["move"],
    errors=(404, 422),
)
def move_study_visit_to_session(visit_id: int, body: MoveIn) -> StudyVisitOut:
    """Every rule is checked again in the new session (a closed day, a full session…) and a
    refusal is 422 with each rule; the seats freed go to the waiting list."""
    _visible(visit_id)
    visit = study_services.move_visit(
        db_session(), current_user, visit_id, body.session_id, today=shanghai_today()
    )
    return _visit_out(visit)


@operation(
    bp,
    "POST",
    VISIT + "/move-to-date",
    summary=N_("Move a visit to another day and half-day"),
    response=StudyVisitOut,
    body=s.MoveToDateIn,
    tag="study",
    roles=VISIT_ACTIONS["move"],
    errors=(404, 409, 422),
)
def move_study_visit(visit_id: int, body: s.MoveToDateIn) -> StudyVisitOut:
    """A closed day (a public holiday, a closure, a day the base does not open) is refused at
    once with the reason; an open day without a session gets one."""
    visit = study_services.move_visit_to_date(
        db_session(), current_user, visit_id, body.on, body.slot, today=shanghai_today()
    )
    return _visit_out(visit)


@operation(
    bp,
    "POST",
    VISIT + "/swap",
    summary=N_("Swap the sessions of two visits"),
    response=SwapOut,
    body=SwapIn,
    tag="study",
    roles=VISIT_ACTIONS["swap"],
    errors=(404, 422),
)
def swap_study_visits(visit_id: int, body: SwapIn) -> SwapOut:
    """Both visits must pass every rule in their new session, else 422 with each refusal and
    nothing moves."""
    first, second = study_services.swap_visits(db_session(), current_user, visit_id, body.other_id)
    return SwapOut(visit=_visit_out(first), other=_visit_out(second))


@operation(
    bp,
    "POST",
    VISIT + "/cancel",
    summary=N_("Cancel a study-tour visit"),
    response=StudyVisitOut,
    body=s.CancelIn,
    tag="study",
    roles=VISIT_ACTIONS["cancel"],
    errors=(404, 409, 422),
)
def cancel_study_visit(visit_id: int, body: s.CancelIn) -> StudyVisitOut:
    """With a reason; close to the day only a coordinator may (422 with the rule). A visit
    already cancelled is 409. The freed seats are offered to the waiting list."""
    _visible(visit_id)
    visit = study_services.cancel_visit(
        db_session(), current_user, visit_id, body.reason, today=shanghai_today()
    )
    return _visit_out(visit)


@operation(
    bp,
    "POST",
    VISIT + "/safety",
    summary=N_("Complete a visit's safety plan"),
    response=StudyVisitOut,
    body=SafetyIn,
    tag="study",
    roles=VISIT_ACTIONS["safety"],
    errors=(404, 422),
)
def save_study_safety_plan(visit_id: int, body: SafetyIn) -> StudyVisitOut:
    """Counts only, no child's name. Once the visit is published; fewer teachers than booked or
    more students with needs than come is 422."""
    visit = _visible(visit_id)
    study_services.save_safety_plan(
        db_session(),
        current_user,
        visit_id,
        study_services.SafetyInput(
            accompanying_teachers=body.accompanying_teachers,
            transport=body.transport,
            emergency_contact=body.emergency_contact,
            emergency_phone=body.emergency_phone,
            special_needs_count=body.special_needs_count,
            notes=body.notes,
        ),
    )
    return _visit_out(visit)


@operation(
    bp,
    "POST",
    VISIT + "/attendance",
    summary=N_("Record who came to a visit"),
    response=StudyVisitOut,
    body=AttendanceIn,
    tag="study",
    roles=VISIT_ACTIONS["attendance"],
    errors=(404, 422),
)
def record_study_attendance(visit_id: int, body: AttendanceIn) -> StudyVisitOut:
    """By a coordinator or an instructor of the session, from the day of a published visit
    (earlier, or a visit not published, is 422). The reports count these numbers."""
    _visible(visit_id)
    visit = study_services.record_attendance(
        db_session(),
        current_user,
        visit_id,
        body.actual_students,
        body.actual_teachers,
        today=shanghai_today(),
    )
    return _visit_out(visit)


# --- Change requests -----------------------------------------------------------------------------


@operation(
    bp,
    "POST",
    VISIT + "/change",
    summary=N_("Ask the coordinator to move or cancel a published visit"),
    response=ChangeOut,
    body=ChangeIn,
    tag="study",
    roles=VISIT_ACTIONS["change"],
    status=201,
    errors=(404, 422),
)
def request_study_change(visit_id: int, body: ChangeIn) -> ChangeOut:
    """A school's request, with why; the coordinator answers it. Only for a published visit,
    to an open session still to come (else 422)."""
    _visible(visit_id)
    change = study_services.request_change(
        db_session(),
        current_user,
        visit_id,
        proposed_session_id=body.proposed_session_id,
        cancel=body.cancel,
        reason=body.reason,
    )
    return _change_out(change)


@operation(
    bp,
    "GET",
    "/study/changes",
    summary=N_("Schools' change requests"),
    response=ChangesOut,
    query=ChangeQuery,
    tag="study",
    roles=("coordinator",),
    errors=(404,),
)
def study_changes(query: ChangeQuery) -> ChangesOut:
    """The requests waiting for an answer (or those of another status, or `any`), oldest
    first, each with its visit. An unknown town is 404."""
    check_town(query.town)
    total, rows = study_queries.change_requests(
        db_session(),
        status=None if query.status == "any" else query.status,
        between=period_of(query),
        town_id=query.town,
        offset=(query.page - 1) * query.per_page,
        limit=query.per_page,
    )
    return ChangesOut(items=[_change_out(c) for c in rows], paging=paging(total, query))


@operation(
    bp,
    "POST",
    "/study/changes/" + ID.format("change_id") + "/answer",
    summary=N_("Accept or refuse a school's change request"),
    response=ChangeOut,
    body=AnswerIn,
    tag="study",
    roles=("coordinator",),
    errors=(404, 409, 422),
)
def answer_study_change(change_id: int, body: AnswerIn) -> ChangeOut:
    """Accepted, the visit moves (every rule checked again: a refusal is 422 with each rule and
    the request stays open) or is cancelled; the school is told either way. A request already
    answered is 409."""
    change = study_services.answer_change(
        db_session(),
        current_user,
        change_id,
        accept=body.decision == "accept",
        answer=body.answer,
    )
    return _change_out(change)


# The page actions these operations stand for. The visit page's "move" takes a session or a
# day; its day variant is `move_study_visit` (/move-to-date), the same page action.
UI_ACTIONS: dict[tuple[str, str | None], str] = {
    ("study.request_visit", "request"): "request_study_visit",
    ("study.request_visit", "waitlist"): "join_study_waitlist",
    ("study.session_page", "visit"): "request_study_visit",
    ("study.visit_page", "publish"): "publish_study_visit",
    ("study.visit_page", "move"): "move_study_visit_to_session",
    ("study.visit_page", "swap"): "swap_study_visits",
    ("study.visit_page", "cancel"): "cancel_study_visit",
    ("study.visit_page", "safety"): "save_study_safety_plan",
    ("study.visit_page", "attendance"): "record_study_attendance",
    ("study.visit_page", "change"): "request_study_change",
    ("study.answer_change", None): "answer_study_change",
}
