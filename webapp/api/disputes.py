"""/api/v1/disputes: the three-end closed loop — cases, their moves, parties, documents and
feedback.

The same operations as the case pages (programs.disputes.services): the rules pick the team of a
new case and allow or refuse each move; each stage's last day is counted by the calendar from
the law (or the centre's own limit), and every answer about a case says which day applies and
the article it comes from. Workers' names and contacts are shown to the case's own staff and
coordinators only, as on the page.

The mediation agreement and the application for judicial confirmation are PDF files, downloaded
from the case page (/disputes/<id>/agreement.pdf, /disputes/<id>/confirmation.pdf).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from flask_login import current_user
from pydantic import BaseModel, Field

from calendars import today as shanghai_today
from programs.decisions import services as decision_services
from programs.disputes import queries as dispute_queries
from programs.disputes import services as dispute_services
from programs.disputes.models import AUTHORITIES, DOCUMENT_KINDS
from programs.i18n import N_
from rules.disputes import BASIS_NAMES, DEADLINE_BASES, STAGE_NAMES, SUBJECT_NAMES
from webapp.api import schemas as s
from webapp.api.common import bp, check_town, period_of, t, why
from webapp.api.errors import api_locale
from webapp.api.spec import ID, operation
from webapp.requests import db_session

DISPUTE_ROLES = ("coordinator", "mediator", "consultant", "enterprise")  # as the case list
STAFF = ("coordinator", "mediator", "consultant")  # who work on a case (the page's may_work)

Subject = Literal[tuple(SUBJECT_NAMES)]  # type: ignore[valid-type]
Authority = Literal[tuple(AUTHORITIES)]  # type: ignore[valid-type]
DocumentKind = Literal[tuple(DOCUMENT_KINDS)]  # type: ignore[valid-type]
Basis = Literal[tuple(DEADLINE_BASES)]  # type: ignore[valid-type]
# Yuan, as the database keeps them (14 digits, 2 after the point), at most the program's limit.
Amount = Annotated[
    Decimal,
    Field(ge=0, le=dispute_services.MAX_AMOUNT, max_digits=14, decimal_places=2),
]

# --- What comes in -------------------------------------------------------------------------------


class SupervisionQuery(s.PeriodTownQuery):
    """The period and town of a case: the day it was opened, its firm's town."""

    period: Annotated[
        str | None,
        Field(
            max_length=10,
            description="The day the case was opened falls in it: 2026-11 (a month), 2026-Q4 "
            "(a quarter) or 2026 (a year); every day when left out.",
        ),
    ] = None
    town: Annotated[
        s.Id | None, Field(description="The case's town (its firm's); every town when left out.")
    ] = None


class CaseListQuery(s.CaseQuery, SupervisionQuery):
    """The case list's filters, and the period and town of a case."""


class WorkerIn(s.Strict):
    name: Annotated[s.Text, Field(min_length=1, max_length=120)]
    contact: Annotated[s.Text, Field(max_length=60, description="A phone number.")] = ""


class CaseDocumentIn(s.Strict):
    kind: DocumentKind
    title: Annotated[s.Text, Field(min_length=1, max_length=200)]


class CaseIn(s.Strict):
    case_type: s.CaseType = Field(
        description="A firm asks for mediation (labour, commercial) or a contract review; staff "
        "take any type in, a prevention task too."
    )
    subject: Subject = Field(
        "other", description="What it is about: one of the subjects of its type."
    )
    enterprise_id: s.Id | None = Field(
        None, description="The firm; ignored for a firm's account: its own."
    )
    counterparty_id: s.Id | None = Field(
        None, description="The other firm of a commercial dispute, from the directory."
    )
    counterparty_name: Annotated[
        s.Text, Field(max_length=120, description="The other firm, if not in the directory.")
    ] = ""
    summary: Annotated[s.Text, Field(max_length=4000)] = ""
    workers: Annotated[
        int, Field(ge=0, le=100_000, description="Workers claiming (a labour dispute).")
    ] = 0
    amount_claimed: Amount = Decimal(0)
    knew_on: s.Day | None = Field(
        None, description="The day the claimant learned of it (the limitation runs from it)."
    )
    employment_continuing: bool = False
    arbitration_agreed: bool = False
    contracts: Annotated[
        int, Field(ge=0, le=1000, description="Contracts submitted (a contract review).")
    ] = 0
    named_workers: list[WorkerIn] = Field(
        default_factory=list,
        max_length=3,
        description="Up to three workers named at intake (a labour dispute).",
    )
    documents: list[CaseDocumentIn] = Field(
        default_factory=list, max_length=50, description="The documents received."
    )


def _checked(description: str) -> Any:
    return Field(False, description=description + " True sets the fact; false leaves it as it is.")


class CaseMoveIn(s.Strict):
    to_stage: s.Stage
    reason: Annotated[
        s.Text,
        Field(max_length=2000, description="Why the case moves; the rules refuse a move without."),
    ]
    from_stage: s.Stage | None = Field(
        None,
        description="The stage the caller saw; if the case has moved on since, 409 and nothing "
        "changes.",
    )
    mediation_failed: bool = _checked("Mediation failed (a party withdrew or refused).")
    acceptance_refused: bool = _checked("The arbitration commission refused the application.")
    award_final_eligible: bool = _checked("The award is final (LDMAL art. 47).")
    period_extended: bool = _checked("The award period was extended by 15 days.")
    arbitration_agreed: bool = _checked("The firms agreed to arbitrate.")
    live_dispute: bool = _checked("The review found a live dispute.")
    opens: Literal["labour", "commercial"] | None = Field(
        None,
        description="The type of dispute a review that found a live dispute opens (moving to "
        "dispute_opened); commercial when left out.",
    )
    agreement_terms: Annotated[s.Text, Field(max_length=4000)] = ""
    agreed_amount: Amount | None = None
    findings: Annotated[s.Text, Field(max_length=4000)] = ""
    contracts_reviewed: Annotated[int, Field(ge=0, le=10_000)] | None = None
    loopholes_fixed: Annotated[int, Field(ge=0, le=10_000)] | None = None
    amount_recovered: Amount | None = None
    loss_avoided: Amount | None = None
    loss_evidence: Annotated[s.Text, Field(max_length=2000)] = ""
    activity_on: s.Day | None = Field(None, description="The day of a prevention visit.")
    activity_note: Annotated[s.Text, Field(max_length=2000)] = ""


class FeedbackIn(s.Strict):
    visited_on: s.Day = Field(description="The day of the return visit.")
    satisfaction: Annotated[int, Field(ge=1, le=5)]
    note: Annotated[s.Text, Field(max_length=2000, description="What the parties said.")] = ""


class AuthorityIn(s.Strict):
    authority: Authority


# --- What goes out -------------------------------------------------------------------------------


class LawOut(BaseModel):
    """A statutory period a deadline comes from."""

    statute: str  # the statute's name in the caller's language
    statute_zh: str  # its official Chinese name
    article: int
    paragraph: int | None
    citation: str  # 《…》第十四条第三款, or "… Law art. 14(3)" in English
    length: int
    unit: str
    summary: str


class DeadlineOut(BaseModel):
    """Which day the current stage falls due, on what basis, and how it was counted."""

    due_on: date
    basis: Basis
    basis_label: str
    explanation: str
    provisional: str | None = Field(
        description="Set when the day rests on a holiday arrangement not yet published."
    )
    law: list[LawOut]


class CaseRowOut(s.CaseOut):
    subject: str
    source: str
    deadline: DeadlineOut | None = Field(
        description="The current stage's last day and where it comes from; null when nothing "
        "falls due (closed, visited, or in a court's or tribunal's hands)."
    )


class CaseRowsOut(BaseModel):
    items: list[CaseRowOut]
    paging: s.Page


class PartyOut(BaseModel):
    id: int
    kind: str
    side: str
    name: str | None = Field(
        description="Null for a worker or another person unless the caller works on the case."
    )
    contact: str | None = Field(description="Null where the name is.")
    authority: str | None


class CaseDocumentOut(BaseModel):
    id: int
    kind: str
    title: str
    received_on: date | None


class CaseFullOut(CaseRowOut):
    summary: str
    workers: int
    amount_claimed: Decimal
    knew_on: date | None
    parent_id: int | None
    children: list[int] = Field(description="The cases this one opened.")
    agreement_terms: str
    agreed_amount: Decimal
    findings: str
    return_visit_on: date | None
    satisfaction: int | None
    parties: list[PartyOut]
    documents: list[CaseDocumentOut]
    moves: list[s.MoveOut]
    why: list[s.WhyOut] = Field(
        description="The rules that fired in every decision about the case, newest first: its "
        "team, each move, escalation, deadlines, the return visit."
    )


class FeedbackOut(CaseFullOut):
    prevention_id: int | None = Field(
        description="The prevention task the return visit opened (repeated disputes of a kind)."
    )
    friday_request_id: int | None = Field(
        description="The Friday follow-up visit requested with the prevention task."
    )


# --- Building the answers ------------------------------------------------------------------------


class _Deadlines:
    """The deadline of each case of one answer (the parameters are read once)."""

    def __init__(self) -> None:
        self.parameters = dispute_services.deadline_parameters(db_session())
        self.chinese = api_locale() != "en"

    def of(self, case: Any) -> DeadlineOut | None:
        if case.due_on is None:
            return None
        due = dispute_services.stage_due(case, self.parameters)
        if due is None:
            return None
        message = due.deadline.message
        caution = due.deadline.provisional_message
        return DeadlineOut(
            due_on=due.due_on,
            basis=due.basis,
            basis_label=t(BASIS_NAMES[due.basis]),
            explanation=t(message.msgid, message.params),
            provisional=t(caution.msgid, caution.params) if caution else None,
            law=[
                LawOut(
                    statute=t(p.statute.name_en),
                    statute_zh=p.statute.name_zh,
                    article=p.article,
                    paragraph=p.paragraph,
                    citation=p.citation_zh if self.chinese else f"{p.statute.name_en} {p.citation}",
                    length=p.amount,
                    unit=p.unit,
                    summary=t(p.summary),
                )
                for p in due.statutory
            ],
        )


def _row(case: Any, deadlines: _Deadlines) -> dict[str, Any]:
    return {
        "id": case.id,
        "number": case.number,
        "case_type": case.case_type,
        "stage": case.stage,
        "stage_label": t(STAGE_NAMES[case.stage]),
        "team": case.team,
        "firm": case.enterprise.name if case.enterprise else case.counterparty_name,
        "town_id": case.town_id,
        "opened_on": case.opened_on,
        "due_on": case.due_on,
        "overdue": case.overdue,
        "escalated": case.escalated,
        "closed_on": case.closed_on,
        "resolved_on": case.resolved_on,
        "subject": case.subject,
        "source": case.source,
        "deadline": deadlines.of(case),
    }


def _full(case: Any) -> dict[str, Any]:
    """Everything the case page shows of a case, to this caller."""
    session = db_session()
    personal = dispute_services.can_see_personal_data(session, current_user, case)
    parties = [
        PartyOut(
            id=p.id,
            kind=p.kind,
            side=p.side,
            name=p.name if personal or not p.is_personal else None,
            contact=(p.contact if personal or not p.is_personal else None),
            authority=p.authority,
        )
        for p in case.parties
    ]
    moves = [
        s.MoveOut(
            from_stage=move.from_stage,
            to_stage=move.to_stage,
            on=move.on,
            days_in_stage=move.days_in_stage,
            manual=move.manual,
            reason=move.reason,
            why=why(move.decision),
        )
        for move in sorted(case.transitions, key=lambda m: (m.on, m.id))
    ]
    records = decision_services.decisions_about(session, "dispute_cases", case.id)
    return {
        **_row(case, _Deadlines()),
        "summary": case.summary,
        "workers": case.workers,
        "amount_claimed": case.amount_claimed,
        "knew_on": case.knew_on,
        "parent_id": case.parent_id,
        "children": [child.id for child in dispute_queries.children(session, case)],
        "agreement_terms": case.agreement_terms,
        "agreed_amount": case.agreed_amount,
        "findings": case.findings,
        "return_visit_on": case.return_visit_on,
        "satisfaction": case.satisfaction,
        "parties": parties,
        "documents": [
            CaseDocumentOut(id=d.id, kind=d.kind, title=d.title, received_on=d.received_on)
            for d in case.documents
        ],
        "moves": moves,
        "why": [item for record in records for item in why(record)],
    }


def _case_out(case_id: int) -> CaseFullOut:
    """The case as the operation left it."""
    session = db_session()
    session.flush()
    return CaseFullOut(**_full(dispute_services.get_case(session, current_user, case_id)))


def _filters(query: CaseListQuery | SupervisionQuery, **more: Any) -> dispute_queries.CaseFilter:
    check_town(query.town)
    return dispute_queries.CaseFilter(opened_between=period_of(query), town_id=query.town, **more)


# --- Dispute cases ------------------------------------------------------------------------------


@operation(
    bp,
    "GET",
    "/disputes/cases",
    summary=N_("The dispute cases the account may see"),
    response=CaseRowsOut,
    query=CaseListQuery,
    tag="disputes",
    roles=DISPUTE_ROLES,
    errors=(404,),
)
def dispute_cases(query: CaseListQuery) -> CaseRowsOut:
    """As the case list: soonest due first; open cases unless `closed`; each with the day it
    falls due and the article that sets it. 404 for a town that does not exist."""
    filters = _filters(
        query,
        mine=query.mine,
        case_type=query.type or "",
        stage=query.stage or "",
        include_closed=query.closed,
        search=query.q,
    )
    page = dispute_queries.case_list(
        db_session(), current_user, filters, page=query.page, per_page=query.per_page
    )
    deadlines = _Deadlines()
    return CaseRowsOut(
        items=[CaseRowOut(**_row(case, deadlines)) for case in page.cases],
        paging=s.Page(page=page.page, per_page=query.per_page, total=page.total, pages=page.pages),
    )


@operation(
    bp,
    "GET",
    "/disputes/supervision",
    summary=N_("The supervision list: escalated and overdue cases"),
    response=CaseRowsOut,
    query=SupervisionQuery,
    tag="disputes",
    roles=("coordinator",),
    errors=(404,),
)
def dispute_supervision(query: SupervisionQuery) -> CaseRowsOut:
    """The coordinators' tracking and supervision list (跟踪督办): open cases that went up to
    the one-stop centre or are past their day, soonest due first. 404 for an unknown town."""
    page = dispute_queries.supervision_list(
        db_session(), current_user, _filters(query), page=query.page, per_page=query.per_page
    )
    deadlines = _Deadlines()
    return CaseRowsOut(
        items=[CaseRowOut(**_row(case, deadlines)) for case in page.cases],
        paging=s.Page(page=page.page, per_page=query.per_page, total=page.total, pages=page.pages),
    )


@operation(
    bp,
    "GET",
    "/disputes/cases/" + ID.format("case_id"),
    summary=N_("One dispute case, with its moves and the rules that allowed each"),
    response=CaseFullOut,
    tag="disputes",
    roles=DISPUTE_ROLES,
    errors=(404,),
)
def dispute_case(case_id: int) -> CaseFullOut:
    """Where the case stands, which day it falls due under which article, its parties and
    documents (workers' names only to its own staff), and each move with the rules that allowed
    it. 404 for a case the account may not see."""
    return CaseFullOut(**_full(dispute_services.get_case(db_session(), current_user, case_id)))


@operation(
    bp,
    "POST",
    "/disputes/cases",
    summary=N_("Open a dispute case, a contract review or a prevention task"),
    response=CaseFullOut,
    body=CaseIn,
    tag="disputes",
    roles=DISPUTE_ROLES,
    status=201,
    errors=(404, 409, 422),
)
def open_dispute_case(body: CaseIn) -> CaseFullOut:
    """As the intake form: the rules give the case to a team (`why`), the least-busy member
    takes it, and its first stage gets its day (statutory, or the centre's own limit). A firm
    opens its own mediation or contract review; 422 for facts that do not fit the type (no
    firm, no workers…), 404 for a firm's prevention task."""
    data = dispute_services.as_applicant(
        current_user,
        dispute_services.CaseInput(
            case_type=body.case_type,
            subject=body.subject,
            enterprise_id=body.enterprise_id,
            counterparty_id=body.counterparty_id,
            counterparty_name=body.counterparty_name,
            summary=body.summary,
            workers=body.workers,
            amount_claimed=body.amount_claimed,
            knew_on=body.knew_on,
            employment_continuing=body.employment_continuing,
            arbitration_agreed=body.arbitration_agreed,
            named_workers=tuple(
                dispute_services.WorkerInput(w.name, w.contact) for w in body.named_workers
            ),
            documents=tuple((d.kind, d.title) for d in body.documents),
            contracts=body.contracts,
        ),
    )
    case = dispute_services.open_case(db_session(), current_user, data, today=shanghai_today())
    return _case_out(case.id)


def _fact(ticked: bool) -> bool | None:
    """A ticked box sets a fact; an unticked one leaves it (as the page's form)."""
    return True if ticked else None


def _text(value: str) -> str | None:
    return value.strip() or None


@operation(
    bp,
    "POST",
    "/disputes/cases/" + ID.format("case_id") + "/move",
    summary=N_("Move a case to another stage"),
    response=CaseFullOut,
    body=CaseMoveIn,
    tag="disputes",
    roles=STAFF,
    errors=(404, 409, 422),
)
def move_dispute_case(case_id: int, body: CaseMoveIn) -> CaseFullOut:
    """As the move form: the outcome's facts are set, then the rules check the move against the
    type's table of stages and the law behind each step; a refusal (422) names each rule and
    changes nothing. The new stage's day is counted at once. 409 for a closed case, or when the
    case has left `from_stage`."""
    dispute_services.move_case(
        db_session(),
        current_user,
        case_id,
        body.to_stage,
        today=shanghai_today(),
        reason=body.reason,
        outcome=dispute_services.Outcome(
            mediation_failed=_fact(body.mediation_failed),
            acceptance_refused=_fact(body.acceptance_refused),
            award_final_eligible=_fact(body.award_final_eligible),
            period_extended=_fact(body.period_extended),
            arbitration_agreed=_fact(body.arbitration_agreed),
            live_dispute=_fact(body.live_dispute),
            agreement_terms=_text(body.agreement_terms),
            agreed_amount=body.agreed_amount,
            findings=_text(body.findings),
            contracts_reviewed=body.contracts_reviewed,
            loopholes_fixed=body.loopholes_fixed,
            amount_recovered=body.amount_recovered,
            loss_avoided=body.loss_avoided,
            loss_evidence=_text(body.loss_evidence),
            activity_on=body.activity_on,
            activity_note=_text(body.activity_note),
            opens=body.opens,
        ),
        from_stage=body.from_stage,
    )
    return _case_out(case_id)


@operation(
    bp,
    "POST",
    "/disputes/cases/" + ID.format("case_id") + "/feedback",
    summary=N_("Record a case's return visit"),
    response=FeedbackOut,
    body=FeedbackIn,
    tag="disputes",
    roles=STAFF,
    errors=(404, 409, 422),
)
def record_dispute_feedback(case_id: int, body: FeedbackIn) -> FeedbackOut:
    """The return visit (回访) and its satisfaction; repeated disputes of one kind at the firm
    open a prevention task and a Friday follow-up visit (dispute_feedback, in `why`). 409 when
    the case is not at its feedback stage or was visited already; 422 for a day in the future
    or before the case was resolved."""
    result = dispute_services.record_feedback(
        db_session(),
        current_user,
        case_id,
        dispute_services.FeedbackInput(body.visited_on, body.satisfaction, body.note),
        today=shanghai_today(),
    )
    return FeedbackOut(
        **_case_out(case_id).model_dump(),
        prevention_id=result.prevention.id if result.prevention is not None else None,
        friday_request_id=result.friday_request_id,
    )


@operation(
    bp,
    "POST",
    "/disputes/cases/" + ID.format("case_id") + "/authorities",
    summary=N_("Join an authority to a case"),
    response=CaseFullOut,
    body=AuthorityIn,
    tag="disputes",
    roles=STAFF,
    status=201,
    errors=(404, 409),
)
def join_dispute_authority(case_id: int, body: AuthorityIn) -> CaseFullOut:
    """The court, the justice bureau, the market regulator or the labour arbitration commission
    joins the case as a party (the one-stop centre works jointly with them). 409 when it is a
    party already."""
    dispute_services.join_authority(
        db_session(), current_user, case_id, body.authority, today=shanghai_today()
    )
    return _case_out(case_id)


@operation(
    bp,
    "POST",
    "/disputes/cases/" + ID.format("case_id") + "/workers",
    summary=N_("Name a worker on a labour case"),
    response=CaseFullOut,
    body=WorkerIn,
    tag="disputes",
    roles=STAFF,
    status=201,
    errors=(404, 422),
)
def add_dispute_worker(case_id: int, body: WorkerIn) -> CaseFullOut:
    """A worker claiming, as a party (personal data: only where the documents need it). 422 for
    a case that is not a labour dispute, or when every worker claiming is named already."""
    dispute_services.add_worker(
        db_session(), current_user, case_id, dispute_services.WorkerInput(body.name, body.contact)
    )
    return _case_out(case_id)


@operation(
    bp,
    "POST",
    "/disputes/cases/" + ID.format("case_id") + "/documents",
    summary=N_("Add a document to a case's list"),
    response=CaseFullOut,
    body=CaseDocumentIn,
    tag="disputes",
    roles=STAFF,
    status=201,
    errors=(404,),
)
def add_dispute_document(case_id: int, body: CaseDocumentIn) -> CaseFullOut:
    """A document received, by kind and title, on the case's list (the paper file is kept by
    the centre, as on the page: no file is uploaded)."""
    dispute_services.add_document(
        db_session(), current_user, case_id, body.kind, body.title, today=shanghai_today()
    )
    return _case_out(case_id)


# The page actions these operations stand for (webapp.api.coverage).
UI_ACTIONS: dict[tuple[str, str | None], str] = {
    ("disputes.new_case", None): "open_dispute_case",
    ("disputes.case_page", "move"): "move_dispute_case",
    ("disputes.case_page", "feedback"): "record_dispute_feedback",
    ("disputes.case_page", "authority"): "join_dispute_authority",
    ("disputes.case_page", "worker"): "add_dispute_worker",
    ("disputes.case_page", "document"): "add_dispute_document",
}
