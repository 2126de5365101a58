"""/api/v1/study (the plan): the base's sessions opened and staffed, touring sessions, a school's
plan for the year, the term planned by the rules and applied, the drafts published, and the
term's coverage of every school — through the same operations as the study-base pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from flask_login import current_user
from pydantic import BaseModel, Field

from calendars import today as shanghai_today
from programs.errors import DomainError
from programs.i18n import N_
from programs.study_tours import planner
from programs.study_tours import queries as study_queries
from programs.study_tours import services as study_services
from programs.study_tours.terms import Term, school_year_of, term_of
from webapp.api import schemas as s
from webapp.api.common import bp, check_town, page_of, paging, period_of
from webapp.api.errors import ApiError
from webapp.api.spec import ID, operation
from webapp.requests import db_session

Slot = Literal["am", "pm"]
Instructors = Annotated[list[s.Id], Field(max_length=20)]
TermCode = Annotated[
    str | None,
    Field(max_length=12, description="2027-spring or 2026-autumn; the current term if left out."),
]


# --- Schemas --------------------------------------------------------------------------------------


class SessionOut(BaseModel):
    id: int
    on: date
    slot: str
    kind: str
    touring_school_id: int | None
    starts_at: datetime
    ends_at: datetime
    seats: int
    seats_left: int
    status: str
    instructor_ids: list[int]
    visit_ids: list[int]


class SessionsOut(BaseModel):
    items: list[SessionOut]
    paging: s.Page


class SessionQuery(s.PeriodTownQuery):
    """`period`: the session's day; `town`: the town of a touring session's school (base
    sessions are in no school's town and are left out when a town is given)."""

    kind: Literal["base", "touring"] | None = None


class OpenSessionsIn(s.Strict):
    start_on: s.Day
    end_on: s.Day
    instructor_ids: Instructors = Field(default_factory=list)


class OpenedOut(BaseModel):
    created: list[SessionOut]


class TouringIn(s.Strict):
    school_id: s.Id
    on: s.Day
    slot: Slot
    instructor_ids: Instructors = Field(default_factory=list)


class InstructorsIn(s.Strict):
    instructor_ids: Instructors


class PublishIn(s.Strict):
    term: TermCode = None
    visit_ids: Annotated[list[s.Id], Field(max_length=2000)] = Field(
        default_factory=list, description="The drafts to publish; all the term's when empty."
    )


class PublishedOut(BaseModel):
    published: list[int]


class PlanIn(s.Strict):
    grade: Annotated[int, Field(ge=1, le=12)]
    classes: Annotated[int, Field(ge=1, le=50)]
    students: Annotated[int, Field(ge=1, le=2000)]
    preferred_weekdays: Annotated[list[Annotated[int, Field(ge=0, le=6)]], Field(max_length=7)] = (
        Field(default_factory=list, description="0 Monday … 6 Sunday")
    )
    preferred_months: Annotated[list[Annotated[int, Field(ge=1, le=12)]], Field(max_length=12)] = (
        Field(default_factory=list)
    )
    contact_name: Annotated[s.Text, Field(max_length=40)] = Field(
        "", description="The contact teacher (an adult); never a pupil."
    )
    contact_phone: Annotated[s.Text, Field(max_length=30)] = ""
    term: Literal["autumn", "spring"] | None = None


class PlanOut(BaseModel):
    school_id: int
    school_year: int
    grade: int
    classes: int
    students: int
    preferred_weekdays: list[int]
    preferred_months: list[int]
    term: str | None


class PlannerIn(s.Strict):
    term: TermCode = None


class ApplyIn(s.Strict):
    draft_id: s.Id


class DraftOut(BaseModel):
    id: int
    term: str
    provisional: bool
    applied: bool
    metrics: dict[str, Any]
    placements: int
    unplaced: list[dict[str, Any]]
    shortfall: dict[str, Any] | None


class AppliedOut(BaseModel):
    draft_id: int
    created: int
    replaced: int
    skipped: list[dict[str, Any]]


class CoverageSchoolOut(BaseModel):
    school_id: int
    school: str
    state: Literal["covered", "planned", "none"]


class CoverageTownOut(BaseModel):
    town_id: int
    town: str
    schools: int
    covered: int
    planned: int
    items: list[CoverageSchoolOut]


class CoverageOut(BaseModel):
    term: str
    school_year: int
    schools: int
    covered: int
    planned: int
    towns: list[CoverageTownOut]


class CoverageQuery(s.Strict):
    term: TermCode = None
    town: s.Id | None = None


# --- Helpers --------------------------------------------------------------------------------------


def _term(code: str | None) -> Term:
    if not code:
        return term_of(shanghai_today())
    try:
        return Term.parse(code)
    except DomainError as error:
        raise ApiError(400, "invalid_input", error.msgid, error.params, field="term") from None


def _session_out(row: Any) -> SessionOut:
    return SessionOut(
        id=row.id,
        on=row.on,
        slot=row.slot,
        kind=row.kind,
        touring_school_id=row.touring_school_id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        seats=row.seats,
        seats_left=row.seats - study_queries.seats_taken(row),
        status=row.status,
        instructor_ids=[i.id for i in row.instructors],
        visit_ids=[v.id for v in row.visits],
    )


def _draft_out(draft: Any) -> DraftOut:
    result = draft.result
    return DraftOut(
        id=draft.id,
        term=Term(draft.school_year, draft.term).code,
        provisional=draft.provisional,
        applied=draft.applied_at is not None,
        metrics=result.get("metrics", {}),
        placements=len(result.get("placements", [])),
        unplaced=list(result.get("unplaced", [])),
        shortfall=result.get("shortfall"),
    )


# --- Sessions -------------------------------------------------------------------------------------


@operation(
    bp,
    "GET",
    "/study/sessions",
    summary=N_("The study base's sessions"),
    response=SessionsOut,
    query=SessionQuery,
    tag="study",
    roles=("coordinator", "instructor"),
    errors=(404,),
)
def study_sessions(query: SessionQuery) -> SessionsOut:
    """As the sessions page, in time order, with the seats left (the current term when no
    period is given)."""
    check_town(query.town)
    term = term_of(shanghai_today())
    start, end = period_of(query) or (term.starts_on, term.ends_on)
    rows = study_queries.sessions_between(db_session(), start, end)
    if query.kind:
        rows = [r for r in rows if r.kind == query.kind]
    if query.town is not None:
        rows = [r for r in rows if r.touring_school and r.touring_school.town_id == query.town]
    return SessionsOut(
        items=[_session_out(r) for r in page_of(rows, query)], paging=paging(len(rows), query)
    )


@operation(
    bp,
    "GET",
    "/study/sessions/" + ID.format("session_id"),
    summary=N_("One study session, with its seats, instructors and visits"),
    response=SessionOut,
    tag="study",
    roles=("coordinator", "instructor"),
    errors=(404,),
)
def study_session(session_id: int) -> SessionOut:
    return _session_out(study_queries.session_for(db_session(), current_user, session_id))


@operation(
    bp,
    "POST",
    "/study/sessions/open",
    summary=N_("Open the base's sessions on every open day of a period"),
    response=OpenedOut,
    body=OpenSessionsIn,
    tag="study",
    roles=("coordinator",),
    errors=(404, 422),
)
def open_study_sessions(body: OpenSessionsIn) -> OpenedOut:
    """Days the base is closed (not an opening weekday, a public holiday such as the National
    Day week, a closure) get no session; existing sessions stay. At most 200 days at once."""
    rows = study_services.open_sessions(
        db_session(), current_user, body.start_on, body.end_on, list(body.instructor_ids)
    )
    return OpenedOut(created=[_session_out(r) for r in rows])


@operation(
    bp,
    "POST",
    "/study/sessions/touring",
    summary=N_("Create a touring session at a school"),
    response=SessionOut,
    body=TouringIn,
    tag="study",
    roles=("coordinator",),
    status=201,
    errors=(404, 409, 422),
)
def create_touring_session(body: TouringIn) -> SessionOut:
    """An activity taken to a school on a school day; the calendar rules refuse a closed day
    with the reason."""
    row = study_services.create_touring_session(
        db_session(), current_user, body.school_id, body.on, body.slot, list(body.instructor_ids)
    )
    return _session_out(row)


@operation(
    bp,
    "POST",
    "/study/sessions/" + ID.format("session_id") + "/instructors",
    summary=N_("Set who leads a study session"),
    response=SessionOut,
    body=InstructorsIn,
    tag="study",
    roles=("coordinator",),
    errors=(404, 422),
)
def assign_study_instructors(session_id: int, body: InstructorsIn) -> SessionOut:
    """An instructor who cannot come that day is refused by name."""
    row = study_services.assign_instructors(
        db_session(), current_user, session_id, list(body.instructor_ids)
    )
    return _session_out(row)


# --- A school's plan -------------------------------------------------------------------------------


@operation(
    bp,
    "POST",
    "/study/schools/" + ID.format("school_id") + "/plan",
    summary=N_("Save a school's study-tour plan for this school year (counts only)"),
    response=PlanOut,
    body=PlanIn,
    tag="study",
    roles=("coordinator", "school"),
    errors=(404, 422),
)
def save_study_school_plan(school_id: int, body: PlanIn) -> PlanOut:
    """The grade that comes, its classes and pupils (counts, never names), the weekdays and
    months the school prefers; a school saves its own plan only."""
    year = school_year_of(shanghai_today())
    plan = study_services.save_plan(
        db_session(),
        current_user,
        school_id,
        year,
        study_services.PlanInput(
            grade=body.grade,
            classes=body.classes,
            students=body.students,
            preferred_weekdays=list(body.preferred_weekdays),
            preferred_months=list(body.preferred_months),
            contact_name=body.contact_name,
            contact_phone=body.contact_phone,
            term=body.term,
        ),
    )
    return PlanOut(
        school_id=school_id,
        school_year=year,
        grade=plan.grade,
        classes=plan.classes,
        students=plan.students,
        preferred_weekdays=list(plan.preferred_weekdays),
        preferred_months=list(plan.preferred_months),
        term=plan.term,
    )


# --- The term's plan -------------------------------------------------------------------------------


@operation(
    bp,
    "GET",
    "/study/plan",
    summary=N_("The term's coverage: every school, covered, planned or not yet"),
    response=CoverageOut,
    query=CoverageQuery,
    tag="study",
    roles=("coordinator",),
    errors=(404,),
)
def study_coverage(query: CoverageQuery) -> CoverageOut:
    """As the schools page: each active school by town and where it stands this school year
    (counts only)."""
    check_town(query.town)
    term = _term(query.term)
    towns = study_queries.coverage(db_session(), term.school_year, shanghai_today())
    if query.town is not None:
        towns = [t for t in towns if t.town.id == query.town]
    out = [
        CoverageTownOut(
            town_id=t.town.id,
            town=t.town.name,
            schools=len(t.schools),
            covered=t.covered,
            planned=t.planned,
            items=[
                CoverageSchoolOut(school_id=c.school.id, school=c.school.name, state=c.state)
                for c in t.schools
            ],
        )
        for t in towns
    ]
    return CoverageOut(
        term=term.code,
        school_year=term.school_year,
        schools=sum(t.schools for t in out),
        covered=sum(t.covered for t in out),
        planned=sum(t.planned for t in out),
        towns=out,
    )


@operation(
    bp,
    "POST",
    "/study/plan/publish",
    summary=N_("Publish the term's draft visits; schools and instructors are told"),
    response=PublishedOut,
    body=PublishIn,
    tag="study",
    roles=("coordinator",),
    errors=(404, 422),
)
def publish_study_plan(body: PublishIn) -> PublishedOut:
    """The drafts named, or every draft of the term; visits no longer drafts are left as they
    are."""
    term = _term(body.term)
    ids = list(body.visit_ids) or [
        v.id for v in study_queries.drafts(db_session(), term.starts_on, term.ends_on)
    ]
    published = study_services.publish(db_session(), current_user, ids)
    return PublishedOut(published=[v.id for v in published])


@operation(
    bp,
    "POST",
    "/study/planner/run",
    summary=N_("Let the rules plan a term (a draft; nothing changes yet)"),
    response=DraftOut,
    body=PlannerIn,
    tag="study",
    roles=("coordinator",),
    status=201,
    errors=(404, 422),
)
def run_study_planner(body: PlannerIn) -> DraftOut:
    """Every school due is placed at the base or on a touring session where the rules allow;
    what could not be placed is listed with why, with the capacity that would have placed it."""
    draft = planner.run(db_session(), current_user, _term(body.term), shanghai_today())
    return _draft_out(draft)


@operation(
    bp,
    "POST",
    "/study/planner/apply",
    summary=N_("Apply a planner draft: its placements become draft visits"),
    response=AppliedOut,
    body=ApplyIn,
    tag="study",
    roles=("coordinator",),
    errors=(404, 409, 422),
)
def apply_study_planner(body: ApplyIn) -> AppliedOut:
    """Each placement is checked by the rules again as it is written; one that no longer
    passes is skipped and reported. A draft already applied is 409."""
    applied = planner.apply(db_session(), current_user, body.draft_id, shanghai_today())
    return AppliedOut(
        draft_id=body.draft_id,
        created=applied.created,
        replaced=applied.replaced,
        skipped=[{"school_id": school, "reason": reason} for school, reason in applied.skipped],
    )


UI_ACTIONS: dict[tuple[str, str | None], str] = {
    ("study.publish_all", None): "publish_study_plan",
    ("study.sessions", "open"): "open_study_sessions",
    ("study.sessions", "touring"): "create_touring_session",
    ("study.session_page", "instructors"): "assign_study_instructors",
    ("study.school_plan", None): "save_study_school_plan",
    ("study.planner_page", "run"): "run_study_planner",
    ("study.planner_page", "apply"): "apply_study_planner",
}
