"""/api/v1/checkups: enterprise legal check-ups — asked for, examined, graded, followed up.

The same operations as the check-up pages (programs.checkups.services): a firm asks (or a
coordinator for it) and the rules choose the checklist; the consultant examines it on a Friday
visit and the rules grade it; the firm fixes each finding or accepts its risk in writing, and
the consultant verifies the fixes at a return visit. Every answer about a check-up is the whole
check-up, with the rules' `why` of its checklist and of its grade.

The report (PDF) and the fix documents are files, downloaded from the pages
(/checkups/<id>/report.pdf, /checkups/documents/<id>); the API lists the documents.
"""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from typing import Annotated, Any, Literal

from flask_login import current_user
from pydantic import BaseModel, Field

from calendars import today as shanghai_today
from programs.checkups import services
from programs.checkups.models import (
    CHECKUP_SOURCES,
    CHECKUP_STATUSES,
    RESULTS,
    SETTLED,
    Checkup,
    CheckupItem,
)
from programs.i18n import N_
from rules.checkups import CHECK_ITEMS, GRADES, RISK_LEVELS
from webapp.api import schemas as s
from webapp.api.common import bp, check_town, paging, period_of, t, why
from webapp.api.errors import ApiError
from webapp.api.spec import ID, operation
from webapp.requests import db_session

CHECKUP_ROLES = ("coordinator", "consultant", "enterprise")
EXAMINERS = ("coordinator", "consultant")

Status = Literal[tuple(CHECKUP_STATUSES)]  # type: ignore[valid-type]
Source = Literal[tuple(CHECKUP_SOURCES)]  # type: ignore[valid-type]
Grade = Literal[tuple(GRADES)]  # type: ignore[valid-type]
Result = Literal[tuple(RESULTS)]  # type: ignore[valid-type]
Risk = Literal[tuple(RISK_LEVELS)]  # type: ignore[valid-type]
DocumentType = Literal[tuple(services.DOCUMENT_TYPES)]  # type: ignore[valid-type]
# Base64 of a file of at most the page's limit, and a little more, so that a file just over it
# is answered by the program's own message (how large a file may be), not by a length check.
BASE64_MAX = 4 * ((services.DOCUMENT_MAX_BYTES + 3 + 2) // 3)

# --- What comes in -------------------------------------------------------------------------------


class CheckupQuery(s.PeriodTownQuery):
    period: Annotated[
        str | None,
        Field(
            max_length=10,
            description="The day the check-up was asked for (or started) falls in it: "
            "2026-11 (a month), 2026-Q4 (a quarter) or 2026 (a year); every day when left out.",
        ),
    ] = None
    town: Annotated[
        s.Id | None, Field(description="The town of the firm; every town when left out.")
    ] = None
    status: Status | None = None
    grade: Grade | None = None
    overdue: bool = Field(False, description="Only check-ups with a fix past its day.")


class CheckupIn(s.Strict):
    enterprise_id: s.Id | None = Field(
        None, description="The firm, for a coordinator; a firm's account asks for itself."
    )
    note: Annotated[s.Text, Field(max_length=services.NOTE_MAX)] = ""
    preferred_fridays: list[s.Day] = Field(
        default_factory=list,
        max_length=4,
        description="Up to four Fridays that suit the firm; none means any.",
    )


class ItemResultIn(s.Strict):
    item_id: s.Id
    result: Result
    risk: Risk | None = Field(None, description="A finding's risk level.")
    urgent: bool = Field(False, description="Serious and urgent: a high risk only.")
    finding: Annotated[s.Text, Field(max_length=services.TEXT_MAX)] = ""
    recommendation: Annotated[s.Text, Field(max_length=services.TEXT_MAX)] = ""
    fix_due_on: s.Day | None = Field(
        None, description="Fix by this day; left out: the rules' default period for its risk."
    )


class ExaminationIn(s.Strict):
    visit_id: s.Id = Field(description="The firm's Friday visit the examination was made on.")
    items: Annotated[list[ItemResultIn], Field(max_length=len(CHECK_ITEMS))]
    summary: Annotated[s.Text, Field(max_length=services.TEXT_MAX)] = ""
    finish: bool = Field(
        False,
        description="Finish: every item must be marked; the rules grade the check-up. "
        "Otherwise the items sent are saved as they are.",
    )


class DocumentIn(s.Strict):
    filename: Annotated[s.Text, Field(min_length=1, max_length=200)]
    content_type: DocumentType
    content_base64: Annotated[
        str, Field(max_length=BASE64_MAX, description="The file, base64; at most 5 MB.")
    ]


class FixIn(s.Strict):
    note: Annotated[s.Text, Field(max_length=services.TEXT_MAX)] = ""
    document: DocumentIn | None = Field(None, description="A PDF, JPEG or PNG showing the fix.")


class AcceptIn(s.Strict):
    statement: Annotated[s.Text, Field(min_length=1, max_length=services.TEXT_MAX)]
    signer: Annotated[
        s.Text,
        Field(min_length=1, max_length=80, description="Name and post of who signs for the firm."),
    ]


class VerifyIn(s.Strict):
    outcome: Literal["verified", "returned"] = Field(
        "verified", description="Verified, or not fixed yet: sent back to the firm with the note."
    )
    visited_on: s.Day = Field(description="The day of the return visit.")
    note: Annotated[s.Text, Field(max_length=services.TEXT_MAX)] = ""


class CheckupCancelIn(s.Strict):
    reason: Annotated[s.Text, Field(min_length=1, max_length=200)]


# --- What goes out -------------------------------------------------------------------------------


class DocumentOut(s.FromRecord):
    id: int
    filename: str
    content_type: str
    size: int
    uploaded_at: datetime


class ItemOut(BaseModel):
    id: int
    position: int
    code: str
    area: str
    title: str
    bases: list[str]
    result: str
    risk: str | None
    urgent: bool
    finding: str
    recommendation: str
    fix_due_on: date | None
    overdue: bool
    fix_status: str | None
    fixed_on: date | None
    fix_note: str
    returned_note: str
    verified_on: date | None
    verify_note: str
    accepted_on: date | None
    acceptance: str
    accepted_signer: str
    reminded_on: date | None
    documents: list[DocumentOut]


class CheckupOut(BaseModel):
    id: int
    number: str
    enterprise_id: int
    firm: str
    town_id: int
    consultant_id: int | None
    consultant: str | None
    status: str
    source: str
    requested_on: date
    examined_on: date | None
    grade: str | None
    closed_on: date | None
    item_count: int
    finding_count: int
    settled_count: int
    overdue_count: int


class CheckupsOut(BaseModel):
    items: list[CheckupOut]
    paging: s.Page


class CheckupDetailOut(CheckupOut):
    note: str
    summary: str
    cancel_reason: str
    friday_request_id: int | None
    visit_id: int | None
    follow_up_request_id: int | None
    prevention_case_id: int | None
    checklist_why: list[s.WhyOut]
    grade_why: list[s.WhyOut]
    items: list[ItemOut]


def _fields(checkup: Checkup, today: date) -> dict[str, Any]:
    findings = checkup.findings
    return {
        "id": checkup.id,
        "number": checkup.number,
        "enterprise_id": checkup.enterprise_id,
        "firm": checkup.enterprise.name,
        "town_id": checkup.enterprise.town_id,
        "consultant_id": checkup.consultant_id,
        "consultant": checkup.consultant.name if checkup.consultant else None,
        "status": checkup.status,
        "source": checkup.source,
        "requested_on": checkup.requested_on,
        "examined_on": checkup.examined_on,
        "grade": checkup.grade,
        "closed_on": checkup.closed_on,
        "item_count": len(checkup.items),
        "finding_count": len(findings),
        "settled_count": sum(item.fix_status in SETTLED for item in findings),
        "overdue_count": sum(item.overdue(today) for item in findings),
    }


def _item_out(item: CheckupItem, today: date) -> ItemOut:
    catalogue = CHECK_ITEMS[item.code]
    return ItemOut(
        id=item.id,
        position=item.position,
        code=item.code,
        area=catalogue.area,
        title=t(catalogue.title),
        bases=list(catalogue.citations_zh),
        result=item.result,
        risk=item.risk,
        urgent=item.urgent,
        finding=item.finding,
        recommendation=item.recommendation,
        fix_due_on=item.fix_due_on,
        overdue=item.overdue(today),
        fix_status=item.fix_status,
        fixed_on=item.fixed_on,
        fix_note=item.fix_note,
        returned_note=item.returned_note,
        verified_on=item.verified_on,
        verify_note=item.verify_note,
        accepted_on=item.accepted_on,
        acceptance=item.acceptance,
        accepted_signer=item.accepted_signer,
        reminded_on=item.reminded_on,
        documents=[DocumentOut.model_validate(d) for d in item.documents],
    )


def _detail(checkup: Checkup) -> CheckupDetailOut:
    today = shanghai_today()
    return CheckupDetailOut(
        **_fields(checkup, today),
        note=checkup.note,
        summary=checkup.summary,
        cancel_reason=checkup.cancel_reason,
        friday_request_id=checkup.friday_request_id,
        visit_id=checkup.visit_id,
        follow_up_request_id=checkup.follow_up_request_id,
        prevention_case_id=checkup.prevention_case_id,
        checklist_why=why(checkup.checklist_decision),
        grade_why=why(checkup.grade_decision),
        items=[_item_out(item, today) for item in checkup.items],
    )


# --- Read models ---------------------------------------------------------------------------------


@operation(
    bp,
    "GET",
    "/checkups",
    summary=N_("The legal check-ups the account may see"),
    response=CheckupsOut,
    query=CheckupQuery,
    tag="checkups",
    roles=CHECKUP_ROLES,
    errors=(404,),
)
def checkup_list(query: CheckupQuery) -> CheckupsOut:
    """As the check-up list: a firm its own, a consultant theirs, coordinators all; those under
    way first, then the newest. 404 for a town that does not exist."""
    check_town(query.town)
    period = period_of(query)
    filters = services.CheckupFilter(
        status=query.status or "",
        grade=query.grade or "",
        overdue=query.overdue,
        requested_from=period[0] if period else None,
        requested_to=period[1] if period else None,
        town_id=query.town,
    )
    session, today = db_session(), shanghai_today()
    found = services.checkup_list(
        session,
        current_user,
        filters,
        today,
        offset=(query.page - 1) * query.per_page,
        limit=query.per_page,
    )
    total = services.checkup_count(session, current_user, filters, today)
    return CheckupsOut(
        items=[CheckupOut(**_fields(checkup, today)) for checkup in found],
        paging=paging(total, query),
    )


@operation(
    bp,
    "GET",
    "/checkups/" + ID.format("checkup_id"),
    summary=N_("One legal check-up: its items, the grade, the fixes, and why"),
    response=CheckupDetailOut,
    tag="checkups",
    roles=CHECKUP_ROLES,
    errors=(404,),
)
def checkup_detail(checkup_id: int) -> CheckupDetailOut:
    """Each checklist item with its result, its fix and the day it is due; the rules that chose
    the checklist and that decided the grade, each with its reason. 404 for a check-up of
    another firm or another consultant."""
    return _detail(services.get_checkup(db_session(), current_user, checkup_id))


# --- Asking, examining, cancelling ---------------------------------------------------------------


@operation(
    bp,
    "POST",
    "/checkups",
    summary=N_("Ask for a legal check-up"),
    response=CheckupDetailOut,
    body=CheckupIn,
    tag="checkups",
    roles=("coordinator", "enterprise"),
    status=201,
    errors=(404, 409, 422),
)
def request_checkup(body: CheckupIn) -> CheckupDetailOut:
    """As the request form: a firm asks for itself, a coordinator for a firm. The rules choose
    the checklist from the firm's profile (`checklist_why`); a Friday request brings the paired
    consultant. 409 while the firm has a check-up under way; 422 for a firm not approved or a
    Friday that cannot be chosen."""
    data = services.as_requester(
        current_user,
        services.RequestInput(
            enterprise_id=body.enterprise_id,
            note=body.note,
            preferred_fridays=tuple(body.preferred_fridays),
        ),
    )
    made = services.request_checkup(db_session(), current_user, data, today=shanghai_today())
    return _detail(made)


@operation(
    bp,
    "POST",
    "/checkups/" + ID.format("checkup_id") + "/examination",
    summary=N_("Record the examination of a check-up, or finish it"),
    response=CheckupDetailOut,
    body=ExaminationIn,
    tag="checkups",
    roles=EXAMINERS,
    errors=(404, 409, 422),
)
def examine_checkup(checkup_id: int, body: ExaminationIn) -> CheckupDetailOut:
    """The consultant's result for each item, on a Friday visit to the firm. With `finish`, the
    rules grade the check-up (`grade`, `grade_why`) and a red or orange grade opens a follow-up
    visit. 422 names the item's field (e.g. `finding_<item id>`) that is missing or wrong; 409
    once the check-up has been reported."""
    data = services.ExamInput(
        visit_id=body.visit_id,
        items=tuple(
            services.ItemResult(
                item_id=item.item_id,
                result=item.result,
                risk=item.risk,
                urgent=item.urgent,
                finding=item.finding,
                recommendation=item.recommendation,
                fix_due_on=item.fix_due_on,
            )
            for item in body.items
        ),
        summary=body.summary,
        finish=body.finish,
    )
    made = services.record_examination(
        db_session(), current_user, checkup_id, data, today=shanghai_today()
    )
    return _detail(made)


@operation(
    bp,
    "POST",
    "/checkups/" + ID.format("checkup_id") + "/cancel",
    summary=N_("Withdraw a check-up that has not been reported"),
    response=CheckupDetailOut,
    body=CheckupCancelIn,
    tag="checkups",
    roles=("coordinator", "enterprise"),
    errors=(404, 409, 422),
)
def cancel_checkup(checkup_id: int, body: CheckupCancelIn) -> CheckupDetailOut:
    """The firm or a coordinator withdraws it, with the reason; its open Friday request goes
    too. 409 once it has been reported."""
    made = services.cancel_checkup(db_session(), current_user, checkup_id, body.reason)
    return _detail(made)


@operation(
    bp,
    "POST",
    "/checkups/from-visit/" + ID.format("visit_id"),
    summary=N_("Start a check-up on a Friday visit"),
    response=CheckupDetailOut,
    tag="checkups",
    roles=EXAMINERS,
    errors=(404, 422),
)
def start_checkup(visit_id: int) -> CheckupDetailOut:
    """The visit's consultant (or a coordinator) starts the firm's check-up there: a new one with
    the checklist the rules choose, or the firm's requested one, which then belongs to this
    visit. 422 for a visit not published or a group session."""
    made = services.start_on_visit(db_session(), current_user, visit_id, today=shanghai_today())
    return _detail(made)


# --- The fixes -----------------------------------------------------------------------------------


def _upload(document: DocumentIn | None) -> services.Upload | None:
    """The evidence file as the page's upload gives it; 400 when it is not base64."""
    if document is None:
        return None
    try:
        content = base64.b64decode(document.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(
            400,
            "invalid_input",
            N_("The document is not valid base64."),
            field="document.content_base64",
        ) from None
    return services.Upload(
        filename=document.filename, content_type=document.content_type, content=content
    )


@operation(
    bp,
    "POST",
    "/checkups/items/" + ID.format("item_id") + "/fixed",
    summary=N_("Mark a finding fixed"),
    response=CheckupDetailOut,
    body=FixIn,
    tag="checkups",
    roles=("enterprise",),
    errors=(404, 409, 422),
)
def mark_checkup_item_fixed(item_id: int, body: FixIn) -> CheckupDetailOut:
    """The firm says what was done, or gives a document (PDF, JPEG or PNG, at most 5 MB, as
    base64); its consultant verifies it at a return visit. 409 for a finding no longer open;
    422 without a note or a document, or for a file that is not what it says."""
    item = services.mark_fixed(
        db_session(),
        current_user,
        item_id,
        body.note,
        today=shanghai_today(),
        upload=_upload(body.document),
    )
    return _detail(item.checkup)


@operation(
    bp,
    "POST",
    "/checkups/items/" + ID.format("item_id") + "/accept",
    summary=N_("Accept a finding's risk in writing"),
    response=CheckupDetailOut,
    body=AcceptIn,
    tag="checkups",
    roles=("enterprise",),
    errors=(404, 409, 422),
)
def accept_checkup_risk(item_id: int, body: AcceptIn) -> CheckupDetailOut:
    """The firm's signed statement that it knows the risk and does not fix it; the check-up
    closes when no finding is left open. 409 for a finding no longer open; 422 for a statement
    too short to say so."""
    item = services.accept_risk(
        db_session(), current_user, item_id, body.statement, body.signer, today=shanghai_today()
    )
    return _detail(item.checkup)


@operation(
    bp,
    "POST",
    "/checkups/items/" + ID.format("item_id") + "/verify",
    summary=N_("Verify a fix at a return visit, or send it back"),
    response=CheckupDetailOut,
    body=VerifyIn,
    tag="checkups",
    roles=EXAMINERS,
    errors=(404, 409, 422),
)
def verify_checkup_fix(item_id: int, body: VerifyIn) -> CheckupDetailOut:
    """The consultant checks the fix: verified (the check-up closes when every finding is
    settled), or returned to the firm with a note of what is missing. 409 for a finding not
    marked fixed; 422 for a visit day in the future or before the fix."""
    item = services.verify_fix(
        db_session(),
        current_user,
        item_id,
        confirmed=body.outcome == "verified",
        visited_on=body.visited_on,
        note=body.note,
        today=shanghai_today(),
    )
    return _detail(item.checkup)


# Which page action each operation stands for (webapp.api.coverage checks them all).
UI_ACTIONS: dict[tuple[str, str | None], str] = {
    ("checkups.new_checkup", None): "request_checkup",
    ("checkups.examination", None): "examine_checkup",
    ("checkups.mark_fixed", None): "mark_checkup_item_fixed",
    ("checkups.accept_risk", None): "accept_checkup_risk",
    ("checkups.verify_fix", None): "verify_checkup_fix",
    ("checkups.cancel", None): "cancel_checkup",
    ("checkups.start", None): "start_checkup",
}
