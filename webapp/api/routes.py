"""/api/v1: the same operations as the pages, for the city's other systems, with a token.

Every call carries `Authorization: Bearer <token>` (a token the user made on their account
page); the caller acts as that user, with that user's role and access checks, through the same
operations in `programs/` that the pages call. Cookies are not read here, so no other site can
make a signed-in browser call the API. The OpenAPI document is /api/v1/openapi.json, the
reference page /api/v1/docs.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from flask import Blueprint, Response, g, jsonify, render_template, request
from flask_login import current_user

from calendars import today as shanghai_today
from programs.accounts import tokens
from programs.decisions import services as decision_services
from programs.directory import queries as directory_queries
from programs.disputes import queries as dispute_queries
from programs.disputes import services as dispute_services
from programs.errors import DomainError
from programs.friday import queries as friday_queries
from programs.friday import services as friday_services
from programs.i18n import N_, translate
from programs.study_tours import queries as study_queries
from programs.study_tours import services as study_services
from reports import figures as registry
from reports.figures import Scope
from reports.periods import month_of, parse_period
from rules.disputes import STAGE_NAMES
from webapp.api import schemas as s
from webapp.api.errors import ApiError, api_locale, from_domain, from_status, respond
from webapp.api.spec import ID, OPERATIONS, openapi, operation
from webapp.extensions import csrf
from webapp.requests import db_session

PREFIX = "/api/v1"
bp = Blueprint("api", __name__, url_prefix=PREFIX)
csrf.exempt(bp)
PUBLIC = {"api.openapi_document", "api.docs"}
DESCRIPTION = (
    "The operations of Fengqiao's pages for other systems. Every call is made as the user "
    "whose token it carries, under the same rules and access checks as the pages. Errors are "
    "JSON with a code, a message in the caller's language (Accept-Language) and, when the "
    "rules refused, each rule and its reason."
)


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


def _paging(total: int, query: s.PageQuery) -> s.Page:
    return s.Page(
        page=query.page,
        per_page=query.per_page,
        total=total,
        pages=max(1, math.ceil(total / query.per_page)),
    )


def _slice(items: list[Any], query: s.PageQuery) -> list[Any]:
    start = (query.page - 1) * query.per_page
    return items[start : start + query.per_page]


def _t(msgid: str, params: dict[str, Any] | None = None) -> str:
    return translate(msgid, api_locale(), params)


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
    return render_template("api/docs.html", spec=document(), operations=OPERATIONS)


# --- Who am I, the directory -----------------------------------------------------------------------


@operation(
    bp, "GET", "/me", summary="The account the token acts as", response=s.MeOut, tag="account"
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
    bp, "GET", "/towns", summary="The towns and sub-districts", response=s.TownsOut, tag="directory"
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
    summary="The figures the city answers for",
    response=s.FiguresOut,
    tag="figures",
    roles=("coordinator",),
)
def figures() -> s.FiguresOut:
    return s.FiguresOut(
        items=[
            s.FigureInfo(
                key=f.key, program=f.program, label=_t(f.label), unit=f.unit, help=_t(f.help)
            )
            for f in registry.all_figures()
        ]
    )


@operation(
    bp,
    "GET",
    "/figures/<key>",
    summary="A figure for a period and town, with the records behind it",
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
    if query.town is not None and not any(
        town.id == query.town for town in directory_queries.towns(db_session())
    ):
        raise ApiError(404, "not_found", N_("There is no such town."), field="town")
    table = found.table(db_session(), Scope(period.start_on, period.end_on, query.town))
    value = found.value_of(table)
    return s.FigureOut(
        key=found.key,
        label=_t(found.label),
        unit=found.unit,
        period=period.code,
        start_on=period.start_on,
        end_on=period.end_on,
        town=query.town,
        total=None if value.total is None else float(value.total),
        groups={k: float(v) for k, v in value.groups.items()},
        records=value.records,
        columns=[s.ColumnOut(name=c.name, label=_t(c.label), kind=c.kind) for c in found.columns],
        rows=[_row(row) for row in _slice(table.rows, query)],
        paging=_paging(len(table.rows), query),
    )


def _row(row: tuple[Any, ...]) -> list[Any]:
    return [v.isoformat() if isinstance(v, date) else v for v in row]


# --- Friday requests -----------------------------------------------------------------------------------


def _request_out(request_: Any) -> s.RequestOut:
    pairing = (
        friday_services.current_pairing(db_session(), request_.enterprise_id)
        if request_.enterprise_id
        else None
    )
    return s.RequestOut(
        id=request_.id,
        kind=request_.kind,
        status=request_.status,
        source=request_.source,
        label=request_.label,
        town_id=request_.town_id,
        enterprise_id=request_.enterprise_id,
        chamber_id=request_.chamber_id,
        venue_kind=request_.venue_kind,
        topics=list(request_.topics),
        description=request_.description,
        preferred_fridays=[date.fromisoformat(d) for d in request_.preferred_fridays],
        headcount=request_.headcount,
        created_at=request_.created_at,
        paired_consultant=pairing.consultant.name if pairing else None,
    )


FRIDAY_ROLES = ("coordinator", "consultant", "enterprise", "chamber")
DISPUTE_ROLES = ("coordinator", "mediator", "consultant", "enterprise")  # as the case list


@operation(
    bp,
    "GET",
    "/friday/requests",
    summary="The Friday requests the account may see",
    response=s.RequestsOut,
    query=s.RequestQuery,
    tag="friday",
    roles=FRIDAY_ROLES,
)
def friday_requests(query: s.RequestQuery) -> s.RequestsOut:
    """All for a coordinator, a firm's or a chamber's own, those a consultant visits; newest
    first."""
    found = friday_queries.requests_for(db_session(), current_user, status=query.status)
    return s.RequestsOut(
        items=[_request_out(r) for r in _slice(found, query)], paging=_paging(len(found), query)
    )


@operation(
    bp,
    "GET",
    "/friday/requests/" + ID.format("request_id"),
    summary="One Friday request",
    response=s.RequestOut,
    tag="friday",
    roles=FRIDAY_ROLES,
    errors=(404,),
)
def friday_request(request_id: int) -> s.RequestOut:
    return _request_out(friday_services.get_request(db_session(), current_user, request_id))


@operation(
    bp,
    "POST",
    "/friday/requests",
    summary="Ask for a Friday visit or session",
    response=s.RequestOut,
    body=s.RequestIn,
    tag="friday",
    roles=("coordinator", "enterprise", "chamber"),
    status=201,
    errors=(404, 422),
)
def submit_friday_request(body: s.RequestIn) -> s.RequestOut:
    """As the page's form: a firm asks for itself, a chamber for itself, a coordinator for
    anyone; a firm's request gets (or keeps) its paired consultant, chosen by the rules."""
    data = friday_services.as_requester(
        current_user,
        friday_services.RequestInput(
            kind=body.kind,
            topics=tuple(body.topics),
            description=body.description,
            preferred_fridays=tuple(body.preferred_fridays),
            enterprise_id=body.enterprise_id,
            chamber_id=body.chamber_id,
            town_id=body.town_id,
            venue_kind=body.venue_kind,
            studio_id=body.studio_id,
            place=body.place,
            headcount=body.headcount,
            counterparty=body.counterparty,
        ),
    )
    made = friday_services.submit_request(db_session(), current_user, data, today=shanghai_today())
    return _request_out(made)


@operation(
    bp,
    "POST",
    "/friday/requests/" + ID.format("request_id") + "/cancel",
    summary="Withdraw a Friday request that has no visit on the roster",
    response=s.RequestOut,
    body=s.CancelIn,
    tag="friday",
    roles=("coordinator", "enterprise", "chamber"),
    errors=(404, 409, 422),
)
def cancel_friday_request(request_id: int, body: s.CancelIn) -> s.RequestOut:
    made = friday_services.cancel_request(db_session(), current_user, request_id, body.reason)
    return _request_out(made)


# --- Dispute cases ------------------------------------------------------------------------------


def _case_out(case: Any) -> dict[str, Any]:
    return {
        "id": case.id,
        "number": case.number,
        "case_type": case.case_type,
        "stage": case.stage,
        "stage_label": _t(STAGE_NAMES[case.stage]),
        "team": case.team,
        "firm": case.enterprise.name if case.enterprise else case.counterparty_name,
        "town_id": case.town_id,
        "opened_on": case.opened_on,
        "due_on": case.due_on,
        "overdue": case.overdue,
        "escalated": case.escalated,
        "closed_on": case.closed_on,
        "resolved_on": case.resolved_on,
    }


def _why(record: Any) -> list[s.WhyOut]:
    if record is None:
        return []
    return [
        s.WhyOut(
            rule=fired["rule"],
            reason=_t(fired["reason"]["msgid"], fired["reason"].get("params")),
        )
        for fired in record.record.get("fired", ())
        if fired.get("reason")
    ]


@operation(
    bp,
    "GET",
    "/disputes/cases",
    summary="The dispute cases the account may see",
    response=s.CasesOut,
    query=s.CaseQuery,
    tag="disputes",
    roles=DISPUTE_ROLES,
)
def dispute_cases(query: s.CaseQuery) -> s.CasesOut:
    """As the case list: soonest due first; open cases unless `closed`."""
    page = dispute_queries.case_list(
        db_session(),
        current_user,
        dispute_queries.CaseFilter(
            mine=query.mine,
            case_type=query.type or "",
            stage=query.stage or "",
            include_closed=query.closed,
            search=query.q,
        ),
        page=query.page,
        per_page=query.per_page,
    )
    return s.CasesOut(
        items=[s.CaseOut(**_case_out(case)) for case in page.cases],
        paging=s.Page(page=page.page, per_page=query.per_page, total=page.total, pages=page.pages),
    )


@operation(
    bp,
    "GET",
    "/disputes/cases/" + ID.format("case_id"),
    summary="One dispute case, with its moves and the rules that allowed each",
    response=s.CaseDetailOut,
    tag="disputes",
    roles=DISPUTE_ROLES,
    errors=(404,),
)
def dispute_case(case_id: int) -> s.CaseDetailOut:
    case = dispute_services.get_case(db_session(), current_user, case_id)
    moves = [
        s.MoveOut(
            from_stage=move.from_stage,
            to_stage=move.to_stage,
            on=move.on,
            days_in_stage=move.days_in_stage,
            manual=move.manual,
            reason=move.reason,
            why=_why(move.decision),
        )
        for move in sorted(case.transitions, key=lambda m: (m.on, m.id))
    ]
    return s.CaseDetailOut(**_case_out(case), moves=moves)


# --- Study-base visits ---------------------------------------------------------------------------


def _visit_out(visit: Any) -> s.VisitOut:
    records = decision_services.decisions_about(db_session(), "visits", visit.id)
    return s.VisitOut(
        id=visit.id,
        school_id=visit.school_id,
        school=visit.school.name,
        session_id=visit.session_id,
        on=visit.session.on,
        slot=visit.session.slot,
        status=visit.status,
        grade=visit.grade,
        classes=visit.classes,
        students=visit.students,
        teachers=visit.teachers,
        why=[why for record in records for why in _why(record)],
    )


STUDY_ROLES = ("coordinator", "school", "instructor")


@operation(
    bp,
    "GET",
    "/study/visits/" + ID.format("visit_id"),
    summary="One study-tour visit, with the rules that placed it",
    response=s.VisitOut,
    tag="study",
    roles=STUDY_ROLES,
    errors=(404,),
)
def study_visit(visit_id: int) -> s.VisitOut:
    return _visit_out(study_queries.visit_for(db_session(), current_user, visit_id))


@operation(
    bp,
    "POST",
    "/study/visits",
    summary="Ask for a study-tour session for a school's group",
    response=s.VisitOut,
    body=s.VisitIn,
    tag="study",
    roles=("coordinator", "school"),
    status=201,
    errors=(404, 409, 422),
)
def request_study_visit(body: s.VisitIn) -> s.VisitOut:
    """As the booking form: a draft until a coordinator publishes it; refused with every rule
    that says no (the session full, the base closed that day, too few teachers…)."""
    school_id = current_user.school_id if current_user.role == "school" else body.school_id
    visit = study_services.request_visit(
        db_session(),
        current_user,
        study_services.VisitInput(
            school_id=school_id,
            session_id=body.session_id,
            activity_ids=list(body.activity_ids),
            students=body.students,
            teachers=body.teachers,
            grade=body.grade,
            classes=body.classes,
            note=body.note,
        ),
        today=shanghai_today(),
    )
    return _visit_out(visit)


@operation(
    bp,
    "POST",
    "/study/visits/" + ID.format("visit_id") + "/move-to-date",
    summary="Move a visit to another day and half-day",
    response=s.VisitOut,
    body=s.MoveToDateIn,
    tag="study",
    roles=("coordinator",),
    errors=(404, 409, 422),
)
def move_study_visit(visit_id: int, body: s.MoveToDateIn) -> s.VisitOut:
    """A closed day (a public holiday, a closure, a day the base does not open) is refused at
    once with the reason; an open day without a session gets one."""
    visit = study_services.move_visit_to_date(
        db_session(), current_user, visit_id, body.on, body.slot, today=shanghai_today()
    )
    return _visit_out(visit)
