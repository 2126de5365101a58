"""/api/v1/study (the plan): the base's sessions opened (every day passed over said with why)
and staffed, touring sessions, a school's plan for the year, the term planned by the rules and
applied, the drafts published (and who was told), and the term's overview — through the same
operations as the study-base pages (programs.study_tours.services and .planner).

Booking a group into a session (the session page's "visit" form) is POST /study/visits
(webapp.api.study). The term plan PDF and the visits CSV are files for people and stay on the
pages; the same data is here as JSON (sessions, visits, the overview).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from flask_login import current_user
from pydantic import BaseModel, Field

from calendars import today as shanghai_today
from programs.decisions import services as decision_services
from programs.errors import DomainError
from programs.i18n import N_
from programs.study_tours import planner
from programs.study_tours import queries as study_queries
from programs.study_tours import services as study_services
from programs.study_tours.models import SESSION_KINDS
from programs.study_tours.terms import Term, school_year_of, term_of
from webapp.api import schemas as s
from webapp.api.common import bp, check_town, page_of, paging, period_of, t, why
from webapp.api.errors import ApiError
from webapp.api.spec import ID, operation
from webapp.requests import db_session

SESSION = "/study/sessions/" + ID.format("session_id")
Slot = Literal["am", "pm"]
SessionKind = Literal[tuple(SESSION_KINDS)]  # type: ignore[valid-type]
Instructors = Annotated[list[s.Id], Field(max_length=20)]
TermCode = Annotated[
    str | None,
    Field(
        pattern=r"^20[0-9]{2}-(autumn|spring)$",
        description="2027-spring (the spring of 2026–2027) or 2026-autumn; the current term "
        "when left out.",
    ),
]

# --- What comes in -------------------------------------------------------------------------------


class StudySessionQuery(s.PeriodTownQuery):
    period: Annotated[
        str | None,
        Field(
            max_length=10,
            description="The session's day falls in it: 2026-11 (a month), 2026-Q4 (a quarter) "
            "or 2026 (a year); every day when left out.",
        ),
    ] = None
    town: Annotated[
        s.Id | None,
        Field(
            description="Sessions of the town's schools: touring to one of them, or with a "
            "visit of one booked; every session when left out."
        ),
    ] = None
    kind: SessionKind | None = Field(None, description="At the base or touring to a school.")


class StudyOpenIn(s.Strict):
    start_on: s.Day
    end_on: s.Day = Field(description="At most 200 days after start_on.")
    instructor_ids: Instructors = Field(
        default_factory=list, description="Put on every new session of a day they can come."
    )


class StudyTouringIn(s.Strict):
    school_id: s.Id
    on: s.Day
    slot: Slot
    instructor_ids: Instructors = Field(default_factory=list)


class StudyInstructorsIn(s.Strict):
    instructor_ids: Instructors = Field(description="Who leads the session (replaces the list).")


class StudyPublishIn(s.Strict):
    term: TermCode = None
    visit_ids: Annotated[list[s.Id], Field(max_length=2000)] = Field(
        default_factory=list, description="The drafts to publish; every draft of the term if empty."
    )


class StudyPlanIn(s.Strict):
    grade: Annotated[int, Field(ge=1, le=12, description="One of the school's grades.")]
    classes: Annotated[int, Field(ge=1, le=10)]
    students: Annotated[int, Field(ge=1, le=1000)]
    preferred_weekdays: Annotated[
        list[Annotated[int, Field(ge=0, le=6)]],
        Field(max_length=7, description="0 Monday … 6 Sunday."),
    ] = Field(default_factory=list)
    preferred_months: Annotated[list[Annotated[int, Field(ge=1, le=12)]], Field(max_length=12)] = (
        Field(default_factory=list)
    )
    contact_name: Annotated[s.Text, Field(max_length=40)] = Field(
        "", description="The contact teacher (an adult); never a pupil."
    )
    contact_phone: Annotated[s.Text, Field(max_length=30)] = ""
    term: Literal["autumn", "spring"] | None = Field(
        None, description="The term the school comes in; the planner chooses when left out."
    )


class StudyTermIn(s.Strict):
    term: TermCode = None


class StudyTermQuery(s.Strict):
    term: TermCode = None


class StudyOverviewQuery(s.Strict):
    term: TermCode = None
    town: Annotated[
        s.Id | None, Field(description="One town's schools; every town if left out.")
    ] = None


class StudyApplyIn(s.Strict):
    draft_id: s.Id


# --- What goes out -------------------------------------------------------------------------------


class StudySessionOut(BaseModel):
    id: int
    on: date
    slot: str
    kind: str
    touring_school_id: int | None
    town_id: int | None = Field(description="The town of the touring session's school.")
    starts_at: datetime
    ends_at: datetime
    status: str
    seats: int = Field(description="Capacity: pupils the session takes.")
    seats_left: int
    instructor_ids: list[int]
    visit_ids: list[int] = Field(description="Its live visits (drafts and published).")


class StudySessionsOut(BaseModel):
    items: list[StudySessionOut]
    paging: s.Page


class StudyInstructorOut(BaseModel):
    id: int
    name: str
    kind: str


class StudySessionVisitOut(BaseModel):
    """A group booked into the session, in counts."""

    id: int
    school_id: int
    school: str
    town_id: int
    status: str
    grade: int
    students: int
    teachers: int


class StudySessionDetailOut(StudySessionOut):
    touring_school: str | None
    instructors: list[StudyInstructorOut]
    visits: list[StudySessionVisitOut] = Field(description="Every visit, cancelled ones too.")
    why: list[s.WhyOut] = Field(description="The calendar rules that allowed a touring session.")


class StudySkippedOut(BaseModel):
    on: date
    slot: str | None = Field(description="The half-day; null when the whole day is closed.")
    code: Literal["not_opening_day", "holiday", "closure", "exists"]
    reason: str


class StudyOpenedOut(BaseModel):
    created: list[StudySessionOut]
    skipped: list[StudySkippedOut] = Field(description="Every day or half-day passed over, why.")


class StudyToldOut(BaseModel):
    user_id: int
    name: str
    role: str


class StudyPublishedVisitOut(BaseModel):
    id: int
    school_id: int
    school: str
    session_id: int
    on: date
    slot: str
    told: list[StudyToldOut] = Field(description="The accounts told: the school's, instructors'.")


class StudyPublishedOut(BaseModel):
    term: str
    count: int
    published: list[StudyPublishedVisitOut]
    not_drafts: list[int] = Field(description="Visits asked for that were no drafts: unchanged.")


class StudyPlanOut(BaseModel):
    school_id: int
    school_year: int
    grade: int
    classes: int
    students: int
    preferred_weekdays: list[int]
    preferred_months: list[int]
    contact_name: str
    contact_phone: str
    term: str | None


class StudyPlacementOut(BaseModel):
    school_id: int
    kind: str
    on: date
    slot: str
    session_id: int | None = Field(description="The existing session, or null: a new one.")
    activity_ids: list[int]
    instructor_ids: list[int]
    students: int
    teachers: int
    change: Literal["new", "same", "moves"] = Field(description="Against the current plan.")
    moves_from: date | None
    why: list[s.WhyOut]


class StudyUnplacedOut(BaseModel):
    school_id: int
    reason: str


class StudyShortfallOut(BaseModel):
    """What the plan lacks to place everyone, computed by planning again with more capacity."""

    message: str
    sessions_short: int
    school_ids: list[int]
    unplaceable_ids: list[int]
    placed_with_suggestion: int


class StudyPlanCoverageOut(BaseModel):
    schools_due: int
    placed: int
    placed_base: int
    placed_touring: int
    unplaced: int
    preferences_met: int
    with_preferences: int
    seat_utilisation_used: float


class StudyDraftOut(BaseModel):
    id: int
    term: str
    created_at: datetime
    provisional: bool = Field(
        description="The term reaches into a year whose holidays are unknown."
    )
    applied: bool
    coverage: StudyPlanCoverageOut
    metrics: dict[str, Any]
    placements: list[StudyPlacementOut]
    unplaced: list[StudyUnplacedOut]
    shortfall: StudyShortfallOut | None


class StudyApplySkipOut(BaseModel):
    school_id: int
    reason: str
    rules: list[s.WhyOut]


class StudyAppliedOut(BaseModel):
    draft_id: int
    created: int
    replaced: int = Field(description="The planner's earlier drafts for these schools, cancelled.")
    skipped: list[StudyApplySkipOut]


class StudyTownCountOut(BaseModel):
    town_id: int
    town: str
    schools: int
    covered: int
    planned: int
    not_yet: int


class StudyOverviewOut(BaseModel):
    term: str
    school_year: int
    schools: int
    covered: int = Field(description="Schools that have had their visit this school year.")
    planned: int = Field(description="Schools with a visit to come.")
    not_yet: int
    towns: list[StudyTownCountOut]
    drafts: int = Field(description="Draft visits of the term waiting to be published.")
    safety_plans_missing: int = Field(description="Visits in the coming week without one.")
    change_requests: int
    waiting_list: int


# --- Helpers -------------------------------------------------------------------------------------


def _term(code: str | None) -> Term:
    if not code:
        return term_of(shanghai_today())
    try:
        return Term.parse(code)
    except DomainError as error:
        raise ApiError(400, "invalid_input", error.msgid, error.params, field="term") from None


def _session_fields(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "on": row.on,
        "slot": row.slot,
        "kind": row.kind,
        "touring_school_id": row.touring_school_id,
        "town_id": row.touring_school.town_id if row.touring_school else None,
        "starts_at": row.starts_at,
        "ends_at": row.ends_at,
        "status": row.status,
        "seats": row.seats,
        "seats_left": row.seats - study_queries.seats_taken(row),
        "instructor_ids": [i.id for i in row.instructors],
        "visit_ids": [v.id for v in row.visits if v.status in study_queries.LIVE],
    }


def _session_out(row: Any) -> StudySessionOut:
    return StudySessionOut(**_session_fields(row))


def _session_detail(row: Any) -> StudySessionDetailOut:
    records = decision_services.decisions_about(db_session(), "study_sessions", row.id)
    return StudySessionDetailOut(
        **_session_fields(row),
        touring_school=row.touring_school.name if row.touring_school else None,
        instructors=[
            StudyInstructorOut(id=i.id, name=i.name, kind=i.kind) for i in row.instructors
        ],
        visits=[
            StudySessionVisitOut(
                id=v.id,
                school_id=v.school_id,
                school=v.school.name,
                town_id=v.school.town_id,
                status=v.status,
                grade=v.grade,
                students=v.students,
                teachers=v.teachers,
            )
            for v in row.visits
        ],
        why=[item for record in records for item in why(record)],
    )


def _reasons(records: list[dict[str, Any]], rule: str) -> list[s.WhyOut]:
    return [s.WhyOut(rule=rule, reason=t(r["msgid"], r.get("params"))) for r in records]


def _draft_out(draft: Any) -> StudyDraftOut:
    result = draft.result
    metrics = result["metrics"]
    shortfall = result.get("shortfall")
    return StudyDraftOut(
        id=draft.id,
        term=Term(draft.school_year, draft.term).code,
        created_at=draft.created_at,
        provisional=draft.provisional,
        applied=draft.applied_at is not None,
        coverage=StudyPlanCoverageOut(
            placed=metrics["placed_base"] + metrics["placed_touring"],
            **{k: metrics[k] for k in StudyPlanCoverageOut.model_fields if k != "placed"},
        ),
        metrics=metrics,
        placements=[
            StudyPlacementOut(
                school_id=p["school_id"],
                kind=p["kind"],
                on=p["on"],
                slot=p["slot"],
                session_id=p["session_id"],
                activity_ids=p["activity_ids"],
                instructor_ids=p["instructor_ids"],
                students=p["students"],
                teachers=p["teachers"],
                change=p.get("change", "new"),
                moves_from=p.get("from") if p.get("change") == "moves" else None,
                why=_reasons(p["why"], "planner"),
            )
            for p in result["placements"]
        ],
        unplaced=[
            StudyUnplacedOut(
                school_id=u["school_id"], reason=t(u["reason"]["msgid"], u["reason"]["params"])
            )
            for u in result["unplaced"]
        ],
        shortfall=None
        if shortfall is None
        else StudyShortfallOut(
            message=t(shortfall["message"]["msgid"], shortfall["message"]["params"]),
            sessions_short=shortfall["sessions_short"],
            school_ids=shortfall["school_ids"],
            unplaceable_ids=shortfall["unplaceable_ids"],
            placed_with_suggestion=shortfall["placed_with_suggestion"],
        ),
    )


def _skip_out(school_id: int, error: DomainError) -> StudyApplySkipOut:
    return StudyApplySkipOut(
        school_id=school_id,
        reason=t(error.msgid, error.params),
        rules=[
            s.WhyOut(rule=rule, reason=t(msgid, params))
            for rule, msgid, params in getattr(error, "reasons", ())
        ],
    )


# --- Sessions ------------------------------------------------------------------------------------


@operation(
    bp,
    "GET",
    "/study/sessions",
    summary=N_("The study base's sessions"),
    response=StudySessionsOut,
    query=StudySessionQuery,
    tag="study",
    roles=("coordinator", "instructor"),
    errors=(404,),
)
def study_sessions(query: StudySessionQuery) -> StudySessionsOut:
    """As the sessions page: half-days at the base and touring sessions in time order, each
    with its capacity and the seats its live visits leave. An unknown town is 404."""
    check_town(query.town)
    start, end = period_of(query) or (None, None)
    rows = study_queries.sessions_between(
        db_session(), start, end, kind=query.kind, town_id=query.town
    )
    return StudySessionsOut(
        items=[_session_out(r) for r in page_of(rows, query)], paging=paging(len(rows), query)
    )


@operation(
    bp,
    "GET",
    SESSION,
    summary=N_("One study session, with its seats, instructors and visits"),
    response=StudySessionDetailOut,
    tag="study",
    roles=("coordinator", "instructor"),
    errors=(404,),
)
def study_session(session_id: int) -> StudySessionDetailOut:
    """As the session page: who leads it, the groups booked (counts only) and, for a touring
    session, the calendar rules that allowed it."""
    return _session_detail(study_queries.session_for(db_session(), current_user, session_id))


@operation(
    bp,
    "POST",
    "/study/sessions/open",
    summary=N_("Open the base's sessions on every open day of a period"),
    response=StudyOpenedOut,
    body=StudyOpenIn,
    tag="study",
    roles=("coordinator",),
    status=201,
    errors=(404, 409, 422),
)
def open_study_sessions(body: StudyOpenIn) -> StudyOpenedOut:
    """Every open day gets its morning and afternoon sessions; a day that is not an opening
    weekday, a public holiday (the National Day week…) or a closure is passed over with the
    calendar's reason, as is a half-day already open. More than 200 days is refused (422); an
    unknown instructor is 404; sessions opened by someone else at the same moment are 409."""
    opened = study_services.open_period(
        db_session(), current_user, body.start_on, body.end_on, list(body.instructor_ids)
    )
    return StudyOpenedOut(
        created=[_session_out(r) for r in opened.created],
        skipped=[
            StudySkippedOut(
                on=x.on, slot=x.slot, code=x.code, reason=t(x.reason.msgid, x.reason.params)
            )
            for x in opened.skipped
        ],
    )


@operation(
    bp,
    "POST",
    "/study/sessions/touring",
    summary=N_("Create a touring session at a school"),
    response=StudySessionDetailOut,
    body=StudyTouringIn,
    tag="study",
    roles=("coordinator",),
    status=201,
    errors=(404, 422),
)
def create_touring_session(body: StudyTouringIn) -> StudySessionDetailOut:
    """An activity taken to a school on one of its school days; the calendar rules refuse a
    day the school is closed (422, each rule with its reason). An unknown school or
    instructor is 404."""
    row = study_services.create_touring_session(
        db_session(), current_user, body.school_id, body.on, body.slot, list(body.instructor_ids)
    )
    return _session_detail(row)


@operation(
    bp,
    "POST",
    SESSION + "/instructors",
    summary=N_("Set who leads a study session"),
    response=StudySessionDetailOut,
    body=StudyInstructorsIn,
    tag="study",
    roles=("coordinator",),
    errors=(404, 422),
)
def assign_study_instructors(session_id: int, body: StudyInstructorsIn) -> StudySessionDetailOut:
    """As the session page's instructors form: the list replaces the session's; an instructor
    who said they cannot come that day is refused by name (422)."""
    row = study_services.assign_instructors(
        db_session(), current_user, session_id, list(body.instructor_ids)
    )
    return _session_detail(row)


# --- A school's plan -----------------------------------------------------------------------------


@operation(
    bp,
    "POST",
    "/study/schools/" + ID.format("school_id") + "/plan",
    summary=N_("Save a school's study-tour plan for this school year (counts only)"),
    response=StudyPlanOut,
    body=StudyPlanIn,
    tag="study",
    roles=("coordinator", "school"),
    errors=(404, 422),
)
def save_study_school_plan(school_id: int, body: StudyPlanIn) -> StudyPlanOut:
    """The grade that comes (one the school has, else 422), its classes and pupils in counts,
    the weekdays and months the school prefers and its contact teacher; the planner places it
    from these. A school's account saves its own plan only (another school's is 404)."""
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
            contact_name=body.contact_name.strip(),
            contact_phone=body.contact_phone.strip(),
            term=body.term,
        ),
    )
    return StudyPlanOut(
        school_id=school_id,
        school_year=year,
        grade=plan.grade,
        classes=plan.classes,
        students=plan.students,
        preferred_weekdays=list(plan.preferred_weekdays),
        preferred_months=list(plan.preferred_months),
        contact_name=plan.contact_name,
        contact_phone=plan.contact_phone,
        term=plan.term,
    )


# --- The term's plan -----------------------------------------------------------------------------


@operation(
    bp,
    "GET",
    "/study/plan",
    summary=N_("The term at a glance: schools covered, planned or not yet, by town"),
    response=StudyOverviewOut,
    query=StudyOverviewQuery,
    tag="study",
    roles=("coordinator",),
    errors=(404,),
)
def study_overview(query: StudyOverviewQuery) -> StudyOverviewOut:
    """As the study base's overview: every active school (primary and middle) counted by
    town as covered (had its visit this school year), planned or not yet; the term's drafts to
    publish, safety plans missing in the coming week, open change requests and the waiting
    list. Counts only. An unknown town is 404."""
    check_town(query.town)
    session = db_session()
    term = _term(query.term)
    today = shanghai_today()
    towns = [
        StudyTownCountOut(
            town_id=c.town.id,
            town=c.town.name,
            schools=len(c.schools),
            covered=c.covered,
            planned=c.planned,
            not_yet=len(c.schools) - c.covered - c.planned,
        )
        for c in study_queries.coverage(session, term.school_year, today)
        if query.town in (None, c.town.id)
    ]
    return StudyOverviewOut(
        term=term.code,
        school_year=term.school_year,
        schools=sum(c.schools for c in towns),
        covered=sum(c.covered for c in towns),
        planned=sum(c.planned for c in towns),
        not_yet=sum(c.not_yet for c in towns),
        towns=towns,
        drafts=len(study_queries.drafts(session, term.starts_on, term.ends_on)),
        safety_plans_missing=len(study_queries.not_ready(session, today)),
        change_requests=len(study_queries.open_changes(session)),
        waiting_list=len(study_queries.waitlist(session, today)),
    )


@operation(
    bp,
    "POST",
    "/study/plan/publish",
    summary=N_("Publish the term's draft visits; schools and instructors are told"),
    response=StudyPublishedOut,
    body=StudyPublishIn,
    tag="study",
    roles=("coordinator",),
    errors=(404,),
)
def publish_study_plan(body: StudyPublishIn) -> StudyPublishedOut:
    """As "publish all drafts" on the overview: the drafts named, or every draft of the term;
    each school's accounts and the instructors of each session are told (listed per visit).
    A visit that is no draft stays as it is; an unknown one is 404 and nothing is published."""
    session = db_session()
    term = _term(body.term)
    ids = list(dict.fromkeys(body.visit_ids)) or [
        v.id for v in study_queries.drafts(session, term.starts_on, term.ends_on)
    ]
    published = study_services.publish(session, current_user, ids)
    done = {v.id for v in published}
    return StudyPublishedOut(
        term=term.code,
        count=len(published),
        published=[
            StudyPublishedVisitOut(
                id=v.id,
                school_id=v.school_id,
                school=v.school.name,
                session_id=v.session_id,
                on=v.session.on,
                slot=v.session.slot,
                told=[
                    StudyToldOut(user_id=u.id, name=u.display_name, role=u.role)
                    for u in study_services.told_of_publishing(session, v)
                ],
            )
            for v in published
        ],
        not_drafts=[i for i in ids if i not in done],
    )


@operation(
    bp,
    "GET",
    "/study/planner",
    summary=N_("The planner's latest draft for a term"),
    response=StudyDraftOut,
    query=StudyTermQuery,
    tag="study",
    roles=("coordinator",),
    errors=(404,),
)
def study_planner_draft(query: StudyTermQuery) -> StudyDraftOut:
    """As the planner page: the last run for the term, its coverage, each placement with why
    and each school it could not place with why; 404 when the planner has not run."""
    draft = planner.latest_draft(db_session(), _term(query.term))
    if draft is None:
        raise ApiError(404, "not_found", N_("The planner has not run for this term yet."))
    return _draft_out(draft)


@operation(
    bp,
    "POST",
    "/study/planner/run",
    summary=N_("Let the rules plan a term (a draft; nothing changes yet)"),
    response=StudyDraftOut,
    body=StudyTermIn,
    tag="study",
    roles=("coordinator",),
    status=201,
    errors=(404,),
)
def run_study_planner(body: StudyTermIn) -> StudyDraftOut:
    """Every school due in the term is placed at the base, or by a touring session where the
    base cannot take it, obeying every rule; the draft gives the coverage, each placement with
    why, each school not placed with why, and the capacity that would place them. Nothing
    changes until the draft is applied."""
    draft = planner.run(db_session(), current_user, _term(body.term), shanghai_today())
    return _draft_out(draft)


@operation(
    bp,
    "POST",
    "/study/planner/apply",
    summary=N_("Apply a planner draft: its placements become draft visits"),
    response=StudyAppliedOut,
    body=StudyApplyIn,
    tag="study",
    roles=("coordinator",),
    errors=(404, 409),
)
def apply_study_planner(body: StudyApplyIn) -> StudyAppliedOut:
    """Each placement is checked by the rules again as it is written; one that no longer
    passes is skipped and reported with the rules that refuse it. The planner's earlier drafts
    for the same schools are replaced. An unknown draft is 404, one already applied 409."""
    applied = planner.apply(db_session(), current_user, body.draft_id, shanghai_today())
    return StudyAppliedOut(
        draft_id=body.draft_id,
        created=applied.created,
        replaced=applied.replaced,
        skipped=[_skip_out(school, error) for school, error in applied.skipped],
    )


UI_ACTIONS: dict[tuple[str, str | None], str] = {
    ("study.publish_all", None): "publish_study_plan",
    ("study.sessions", "open"): "open_study_sessions",
    ("study.sessions", "touring"): "create_touring_session",
    ("study.session_page", "instructors"): "assign_study_instructors",
    ("study.session_page", "visit"): "request_study_visit",  # services.request_visit, as there
    ("study.school_plan", None): "save_study_school_plan",
    ("study.planner_page", "run"): "run_study_planner",
    ("study.planner_page", "apply"): "apply_study_planner",
}
