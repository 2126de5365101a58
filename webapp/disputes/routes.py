"""The three-end loop: case lists, intake, a case's page (move, parties, documents, feedback),
the supervision list and the case documents as PDF."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from calendars import today as shanghai_today
from programs.decisions import services as decisions
from programs.directory import queries as directory_queries
from programs.disputes import queries, services
from programs.disputes.models import (
    AUTHORITIES,
    CASE_SOURCES,
    DOCUMENT_KINDS,
    PARTY_KINDS,
    PARTY_SIDES,
)
from programs.errors import DomainError, NotFound
from programs.i18n import N_
from rules.disputes import (
    BASIS_NAMES,
    CASE_TYPES,
    STAGE_NAMES,
    SUBJECT_NAMES,
    SUBJECTS,
    TEAM_NAMES,
    TYPE_NAMES,
    allowed_targets,
)
from webapp.access import roles_required
from webapp.disputes.forms import (
    AuthorityForm,
    CaseForm,
    DocumentForm,
    FeedbackForm,
    MoveForm,
    WorkerForm,
)
from webapp.extensions import t
from webapp.forms import choices, options
from webapp.requests import attempt, db_session

bp = Blueprint("disputes", __name__, url_prefix="/disputes")
ROLES = ("coordinator", "mediator", "consultant", "enterprise")
VOCAB = {
    "types": TYPE_NAMES,
    "stages": STAGE_NAMES,
    "subjects": SUBJECT_NAMES,
    "teams": TEAM_NAMES,
    "bases": BASIS_NAMES,
    "sources": CASE_SOURCES,
    "party_kinds": PARTY_KINDS,
    "sides": PARTY_SIDES,
    "authorities": AUTHORITIES,
    "documents": DOCUMENT_KINDS,
}


@bp.context_processor
def _vocab():
    return {"disputes": VOCAB}


def _or_404(func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except NotFound:
        abort(404)


def _page() -> int:
    return max(1, request.args.get("page", 1, type=int) or 1)


@bp.route("/")
@login_required
@roles_required(*ROLES)
def index():
    """The case list: a mediator's own cases first (soonest due first), filters for the rest."""
    session = db_session()
    args = request.args
    staff = current_user.role in ("mediator", "consultant")
    filters = queries.CaseFilter(
        mine=args.get("mine", "1" if staff else "") == "1",
        case_type=args.get("type", "") if args.get("type", "") in CASE_TYPES else "",
        stage=args.get("stage", "") if args.get("stage", "") in STAGE_NAMES else "",
        include_closed=args.get("closed") == "1",
        search=args.get("q", "")[:60],
    )
    page = queries.case_list(session, current_user, filters, page=_page())
    return render_template(
        "disputes/index.html",
        page=page,
        filters=filters,
        today=shanghai_today(),
        title=N_("Dispute cases"),
        endpoint="disputes.index",
    )


@bp.route("/supervision")
@login_required
@roles_required("coordinator")
def supervision():
    """Escalated and overdue cases (跟踪督办)."""
    session = db_session()
    page = queries.supervision_list(session, current_user, page=_page())
    return render_template(
        "disputes/index.html",
        page=page,
        filters=queries.CaseFilter(supervised=True),
        today=shanghai_today(),
        title=N_("Supervision list"),
        endpoint="disputes.supervision",
        supervision=True,
    )


def _firm_options(form: CaseForm) -> None:
    pairs = [(firm.id, firm.name) for firm in directory_queries.active_enterprises(db_session())]
    form.enterprise_id.choices = options(pairs)
    form.counterparty_id.choices = options(pairs)


@bp.route("/new", methods=["GET", "POST"])
@login_required
@roles_required(*ROLES)
def new_case():
    """Intake by a mediator or coordinator; a firm's request for mediation or a review."""
    firm = current_user.role == "enterprise"
    form = CaseForm().load(firm_role=firm)
    _firm_options(form)
    if firm:
        form.enterprise_id.data = current_user.enterprise_id
    today = shanghai_today()
    if form.validate_on_submit():
        named = tuple(
            services.WorkerInput(
                getattr(form, f"worker_name_{i}").data or "",
                getattr(form, f"worker_contact_{i}").data or "",
            )
            for i in (1, 2, 3)
            if (getattr(form, f"worker_name_{i}").data or "").strip()
        )
        documents = tuple(
            ("other", line.strip())
            for line in (form.documents.data or "").splitlines()
            if line.strip()
        )
        data = services.CaseInput(
            case_type=form.case_type.data,
            subject=form.subject.data,
            enterprise_id=form.enterprise_id.data or None,
            counterparty_id=form.counterparty_id.data or None,
            counterparty_name=form.counterparty_name.data or "",
            summary=form.summary.data or "",
            workers=form.workers.data or 0,
            amount_claimed=form.amount_claimed.data or Decimal(0),
            knew_on=form.knew_on.data,
            employment_continuing=form.employment_continuing.data,
            arbitration_agreed=form.arbitration_agreed.data,
            named_workers=named,
            documents=documents,
            contracts=form.contracts.data or 0,
        )
        data = services.as_applicant(current_user, data)
        with attempt(form) as failed:
            case = services.open_case(db_session(), current_user, data, today=today)
        if not failed:
            flash(
                t(
                    N_("Case {number} was opened; the rules gave it to the {team}."),
                    {"number": case.number, "team": {"msgid": TEAM_NAMES[case.team], "params": {}}},
                ),
                "success",
            )
            return redirect(url_for("disputes.case_page", case_id=case.id))
    return (
        render_template("disputes/new.html", form=form, firm=firm, subjects=SUBJECTS, today=today),
        422 if request.method == "POST" else 200,
    )


def _outcome(form: MoveForm) -> services.Outcome:
    """The facts the move's form sets: a ticked box sets a fact; an empty field leaves it."""

    def text(field) -> str | None:
        value = (field.data or "").strip()
        return value or None

    return services.Outcome(
        mediation_failed=True if form.mediation_failed.data else None,
        acceptance_refused=True if form.acceptance_refused.data else None,
        award_final_eligible=True if form.award_final_eligible.data else None,
        period_extended=True if form.period_extended.data else None,
        arbitration_agreed=True if form.arbitration_agreed.data else None,
        live_dispute=True if form.live_dispute.data else None,
        agreement_terms=text(form.agreement_terms),
        agreed_amount=form.agreed_amount.data,
        findings=text(form.findings),
        contracts_reviewed=form.contracts_reviewed.data,
        loopholes_fixed=form.loopholes_fixed.data,
        amount_recovered=form.amount_recovered.data,
        loss_avoided=form.loss_avoided.data,
        loss_evidence=text(form.loss_evidence),
        activity_on=form.activity_on.data,
        activity_note=text(form.activity_note),
        opens=form.opens.data if form.live_dispute.data else None,
    )


@bp.route("/<int:case_id>", methods=["GET", "POST"])
@login_required
@roles_required(*ROLES)
def case_page(case_id: int):
    """A case: where it stands, when it falls due and why; move it; parties, documents,
    the return visit; the history of its moves with the rules that allowed each."""
    session = db_session()
    case = _or_404(services.get_case, session, current_user, case_id)
    today = shanghai_today()
    may_work = services.can_work_on(session, current_user, case)
    move_form = MoveForm(prefix="move").load()
    targets = allowed_targets(case.case_type, case.stage)
    move_form.to_stage.choices = choices({s: STAGE_NAMES[s] for s in targets})
    feedback_form = FeedbackForm(prefix="feedback")
    if request.method == "GET":
        feedback_form.visited_on.data = today
    authority_form = AuthorityForm(prefix="authority").load()
    worker_form = WorkerForm(prefix="worker")
    document_form = DocumentForm(prefix="document").load()
    if request.method == "POST":
        if not may_work:
            abort(403)
        action = request.form.get("action")
        done = None
        if action == "move" and move_form.validate_on_submit():
            with attempt(move_form) as failed:
                services.move_case(
                    session,
                    current_user,
                    case.id,
                    move_form.to_stage.data,
                    today=today,
                    reason=move_form.reason.data or "",
                    outcome=_outcome(move_form),
                )
            done = None if failed else N_("The case moved on; the rules that allowed it are below.")
        elif action == "feedback" and feedback_form.validate_on_submit():
            with attempt(feedback_form) as failed:
                result = services.record_feedback(
                    session,
                    current_user,
                    case.id,
                    services.FeedbackInput(
                        feedback_form.visited_on.data,
                        feedback_form.satisfaction.data,
                        feedback_form.note.data or "",
                    ),
                    today=today,
                )
            if not failed:
                done = (
                    N_(
                        "The return visit was recorded. Repeated disputes of this kind: a "
                        "prevention task and a Friday follow-up visit were opened."
                    )
                    if result.prevention is not None
                    else N_("The return visit was recorded.")
                )
        elif action == "authority" and authority_form.validate_on_submit():
            with attempt(authority_form) as failed:
                services.join_authority(
                    session, current_user, case.id, authority_form.authority.data, today=today
                )
            done = None if failed else N_("The authority was joined to the case.")
        elif action == "worker" and worker_form.validate_on_submit():
            with attempt(worker_form) as failed:
                services.add_worker(
                    session,
                    current_user,
                    case.id,
                    services.WorkerInput(worker_form.name.data, worker_form.contact.data or ""),
                )
            done = None if failed else N_("The worker was added.")
        elif action == "document" and document_form.validate_on_submit():
            with attempt(document_form) as failed:
                services.add_document(
                    session,
                    current_user,
                    case.id,
                    document_form.kind.data,
                    document_form.title.data,
                    today=today,
                )
            done = None if failed else N_("The document was added to the list.")
        elif action not in ("move", "feedback", "authority", "worker", "document"):
            abort(400)
        if done:
            flash(t(done), "success")
            return redirect(url_for("disputes.case_page", case_id=case.id))
    due = services.stage_due(case, services.deadline_parameters(session))
    return (
        render_template(
            "disputes/case.html",
            case=case,
            today=today,
            may_work=may_work,
            personal=services.can_see_personal_data(session, current_user, case),
            due=due,
            limitation=services.limitation(case),
            targets=targets,
            move_form=move_form,
            feedback_form=feedback_form,
            authority_form=authority_form,
            worker_form=worker_form,
            document_form=document_form,
            records={r.id: r for r in decisions.decisions_about(session, "dispute_cases", case.id)},
            children=queries.children(session, case),
        ),
        422 if request.method == "POST" else 200,
    )


def _pdf(case_id: int, kind: str) -> Response:
    from reports import disputes as documents

    session = db_session()
    case = _or_404(services.get_case, session, current_user, case_id)
    if not services.can_see_personal_data(session, current_user, case):
        abort(404)
    render = {
        "agreement": documents.agreement_pdf,
        "confirmation": documents.confirmation_application_pdf,
    }[kind]
    try:
        data = render(case)
    except DomainError as error:
        flash(t(error.msgid, error.params), "error")
        return redirect(url_for("disputes.case_page", case_id=case.id))
    filename = f"{case.number}-{kind}.pdf"
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/<int:case_id>/agreement.pdf")
@login_required
@roles_required("coordinator", "mediator", "consultant")
def agreement_pdf(case_id: int):
    """The mediation agreement (调解协议书), filled from the case."""
    return _pdf(case_id, "agreement")


@bp.route("/<int:case_id>/confirmation.pdf")
@login_required
@roles_required("coordinator", "mediator", "consultant")
def confirmation_pdf(case_id: int):
    """The joint application for judicial confirmation (司法确认申请书)."""
    return _pdf(case_id, "confirmation")
