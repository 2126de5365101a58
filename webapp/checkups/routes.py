"""Legal check-ups: the list, a firm's request, a check-up's page (the examination, the fixes,
the verification), starting one on a Friday visit, the report as PDF and the fix documents."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from calendars import today as shanghai_today
from programs.checkups import services
from programs.checkups.models import (
    CHECKUP_SOURCES,
    CHECKUP_STATUSES,
    FIX_STATUSES,
    GRADE_SHORT,
    RESULTS,
    Checkup,
)
from programs.decisions import services as decisions
from programs.directory import queries as directory_queries
from programs.errors import DomainError, NotFound
from programs.i18n import N_
from rules.checkups import AREAS, CHECK_ITEMS, GRADES, RISK_LEVELS
from webapp.access import roles_required
from webapp.checkups.forms import (
    AcceptForm,
    CancelForm,
    FixForm,
    RequestForm,
    VerifyForm,
    exam_form,
)
from webapp.extensions import current_locale, t
from webapp.forms import options
from webapp.friday.forms import holiday_fridays
from webapp.requests import attempt, db_session

bp = Blueprint("checkups", __name__, url_prefix="/checkups")
ROLES = ("coordinator", "consultant", "enterprise")
VOCAB = {
    "statuses": CHECKUP_STATUSES,
    "sources": CHECKUP_SOURCES,
    "results": RESULTS,
    "fix_statuses": FIX_STATUSES,
    "grades": GRADES,
    "grade_short": GRADE_SHORT,
    "risks": RISK_LEVELS,
    "areas": AREAS,
    "items": CHECK_ITEMS,
}


@bp.context_processor
def _vocab():
    return {"checkups": VOCAB}


def _or_404(func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except NotFound:
        abort(404)


@bp.route("/")
@login_required
@roles_required(*ROLES)
def index():
    """The check-ups the user may see: a firm its own, a consultant theirs, coordinators all."""
    args = request.args
    filters = services.CheckupFilter(
        status=args.get("status", "") if args.get("status", "") in CHECKUP_STATUSES else "",
        grade=args.get("grade", "") if args.get("grade", "") in GRADES else "",
        overdue=args.get("overdue") == "1",
    )
    today = shanghai_today()
    rows = services.checkup_list(db_session(), current_user, filters, today)
    return render_template("checkups/index.html", rows=rows, filters=filters, today=today)


@bp.route("/new", methods=["GET", "POST"])
@login_required
@roles_required("coordinator", "enterprise")
def new_checkup():
    """A firm asks for a check-up; a coordinator files one for a firm."""
    session = db_session()
    today = shanghai_today()
    firm = current_user.role == "enterprise"
    form = RequestForm().load(today)
    form.enterprise_id.choices = options(
        (e.id, e.name) for e in directory_queries.active_enterprises(session)
    )
    if firm:
        form.enterprise_id.data = current_user.enterprise_id
    if form.validate_on_submit():
        data = services.as_requester(
            current_user,
            services.RequestInput(
                enterprise_id=form.enterprise_id.data,
                note=form.note.data or "",
                preferred_fridays=tuple(
                    date.fromisoformat(d) for d in form.preferred_fridays.data or ()
                ),
            ),
        )
        with attempt(form) as failed:
            checkup = services.request_checkup(session, current_user, data, today=today)
        if not failed:
            flash(
                t(
                    N_(
                        "Check-up {number} was requested: the rules chose {count} items to "
                        "check; your paired consultant examines them on a Friday visit."
                    ),
                    {"number": checkup.number, "count": len(checkup.items)},
                ),
                "success",
            )
            return redirect(url_for("checkups.checkup_page", checkup_id=checkup.id))
    return (
        render_template(
            "checkups/new.html",
            form=form,
            firm=firm,
            today=today,
            holidays=holiday_fridays(today),
        ),
        422 if request.method == "POST" else 200,
    )


def _exam_form(checkup: Checkup, visits: list, **kwargs: Any):
    form = exam_form(checkup.items, prefix="exam", **kwargs)
    form.visit_id.choices = options(
        ((v.id, f"{v.on.isoformat()} · {v.consultant.name}") for v in visits),
        blank=not visits,
    )
    return form


def _fill_exam(form, checkup: Checkup) -> None:
    """A GET: the form shows what was saved so far."""
    if checkup.visit_id:
        form.visit_id.data = checkup.visit_id
    form.summary.data = checkup.summary
    for item in checkup.items:
        getattr(form, f"result_{item.id}").data = item.result
        getattr(form, f"risk_{item.id}").data = item.risk or ""
        getattr(form, f"urgent_{item.id}").data = item.urgent
        getattr(form, f"finding_{item.id}").data = item.finding
        getattr(form, f"recommendation_{item.id}").data = item.recommendation
        getattr(form, f"due_{item.id}").data = item.fix_due_on


def _render(checkup: Checkup, *, failed: dict[str, Any] | None = None, status: int = 200):
    """The check-up's page; `failed` holds a refused form to show again, filled in."""
    session = db_session()
    today = shanghai_today()
    failed = failed or {}
    examine = services.can_examine(current_user, checkup)
    firm = services.is_the_firm(current_user, checkup)
    visits = services.exam_visits(session, checkup, today) if examine else []
    exam = failed.get("exam")
    if exam is None and examine and checkup.status in ("requested", "examining"):
        exam = _exam_form(checkup, visits)
        _fill_exam(exam, checkup)
    forms: dict[str, Any] = {}
    for item in checkup.findings:
        if firm and item.fix_status == "open":
            forms[f"fix-{item.id}"] = failed.get(f"fix-{item.id}") or FixForm(
                prefix=f"fix-{item.id}", formdata=None
            )
            forms[f"accept-{item.id}"] = failed.get(f"accept-{item.id}") or AcceptForm(
                prefix=f"accept-{item.id}", formdata=None
            )
        if examine and item.fix_status == "fixed":
            verify = failed.get(f"verify-{item.id}")
            if verify is None:
                verify = VerifyForm(prefix=f"verify-{item.id}", formdata=None)
                verify.visited_on.data = today
            forms[f"verify-{item.id}"] = verify
    cancel = failed.get("cancel") or CancelForm(prefix="cancel", formdata=None)
    records = {r.id: r for r in decisions.decisions_about(session, "checkups", checkup.id)}
    return (
        render_template(
            "checkups/checkup.html",
            checkup=checkup,
            today=today,
            examine=examine,
            firm=firm,
            exam=exam,
            visits=visits,
            forms=forms,
            cancel_form=cancel,
            checklist_record=records.get(checkup.checklist_decision_id),
            grade_record=records.get(checkup.grade_decision_id),
            fix_days=decisions.parameter_values(session, "checkup_grade"),
        ),
        status,
    )


@bp.route("/<int:checkup_id>")
@login_required
@roles_required(*ROLES)
def checkup_page(checkup_id: int):
    """A check-up: its checklist and why, the examination, the grade and why, the fixes."""
    checkup = _or_404(services.get_checkup, db_session(), current_user, checkup_id)
    return _render(checkup)


def _item_results(form, checkup: Checkup) -> tuple[services.ItemResult, ...]:
    out = []
    for item in checkup.items:
        out.append(
            services.ItemResult(
                item_id=item.id,
                result=getattr(form, f"result_{item.id}").data or "pending",
                risk=getattr(form, f"risk_{item.id}").data or None,
                urgent=bool(getattr(form, f"urgent_{item.id}").data),
                finding=getattr(form, f"finding_{item.id}").data or "",
                recommendation=getattr(form, f"recommendation_{item.id}").data or "",
                fix_due_on=getattr(form, f"due_{item.id}").data,
            )
        )
    return tuple(out)


@bp.route("/<int:checkup_id>/examination", methods=["POST"])
@login_required
@roles_required("coordinator", "consultant")
def examination(checkup_id: int):
    """Save the examination, or finish it: the rules grade it and open its follow-ups."""
    session = db_session()
    checkup = _or_404(services.get_checkup, session, current_user, checkup_id)
    if not services.can_examine(current_user, checkup):
        abort(404)
    today = shanghai_today()
    form = _exam_form(checkup, services.exam_visits(session, checkup, today))
    finish = request.form.get("finish") == "1"
    if form.validate_on_submit():
        data = services.ExamInput(
            visit_id=form.visit_id.data or None,
            items=_item_results(form, checkup),
            summary=form.summary.data or "",
            finish=finish,
        )
        with attempt(form) as failed:
            services.record_examination(session, current_user, checkup.id, data, today=today)
        if not failed:
            if not finish:
                flash(
                    t(N_("The examination was saved; finish it when every item is marked.")),
                    "success",
                )
            else:
                flash(
                    t(
                        N_("The check-up is graded {grade}; the report is ready for the firm."),
                        {"grade": {"msgid": GRADES[checkup.grade], "params": {}}},
                    ),
                    "success",
                )
            return redirect(url_for("checkups.checkup_page", checkup_id=checkup.id))
    return _render(checkup, failed={"exam": form}, status=422)


def _upload(form: FixForm) -> services.Upload | None:
    storage = form.document.data
    if storage is None or not getattr(storage, "filename", ""):
        return None
    return services.Upload(
        filename=storage.filename,
        content_type=(storage.mimetype or "").lower(),
        content=storage.read(services.DOCUMENT_MAX_BYTES + 1),
    )


def _item_action(item_id: int, key: str, form, act) -> Any:
    """Run one finding's action; a refusal shows the page again with the form filled in."""
    session = db_session()
    item = _or_404(services.get_item, session, current_user, item_id)
    checkup = item.checkup
    if form.validate_on_submit():
        with attempt(form) as failed:
            message = act(item)
        if not failed:
            flash(t(message), "success")
            return redirect(
                url_for("checkups.checkup_page", checkup_id=checkup.id) + f"#item-{item.id}"
            )
    return _render(checkup, failed={f"{key}-{item.id}": form}, status=422)


@bp.route("/items/<int:item_id>/fixed", methods=["POST"])
@login_required
@roles_required("enterprise")
def mark_fixed(item_id: int):
    """The firm marks a finding fixed, with a note or a document."""
    form = FixForm(prefix=f"fix-{item_id}")
    today = shanghai_today()

    def act(item):
        services.mark_fixed(
            db_session(),
            current_user,
            item.id,
            form.note.data or "",
            today=today,
            upload=_upload(form),
        )
        return N_("The finding is marked fixed; your consultant verifies it at a return visit.")

    return _item_action(item_id, "fix", form, act)


@bp.route("/items/<int:item_id>/accept", methods=["POST"])
@login_required
@roles_required("enterprise")
def accept_risk(item_id: int):
    """The firm accepts a finding's risk in writing."""
    form = AcceptForm(prefix=f"accept-{item_id}")
    today = shanghai_today()

    def act(item):
        services.accept_risk(
            db_session(),
            current_user,
            item.id,
            form.statement.data or "",
            form.signer.data or "",
            today=today,
        )
        return N_("The firm's acceptance of the risk is recorded.")

    return _item_action(item_id, "accept", form, act)


@bp.route("/items/<int:item_id>/verify", methods=["POST"])
@login_required
@roles_required("coordinator", "consultant")
def verify_fix(item_id: int):
    """The consultant verifies a fix at a return visit, or sends it back."""
    form = VerifyForm(prefix=f"verify-{item_id}")
    today = shanghai_today()

    def act(item):
        confirmed = form.outcome.data == "verified"
        services.verify_fix(
            db_session(),
            current_user,
            item.id,
            confirmed=confirmed,
            visited_on=form.visited_on.data,
            note=form.note.data or "",
            today=today,
        )
        if confirmed:
            return N_("The fix is verified.")
        return N_("The fix was sent back to the firm with your note.")

    return _item_action(item_id, "verify", form, act)


@bp.route("/<int:checkup_id>/cancel", methods=["POST"])
@login_required
@roles_required("coordinator", "enterprise")
def cancel(checkup_id: int):
    """Withdraw a check-up that has not been reported."""
    session = db_session()
    checkup = _or_404(services.get_checkup, session, current_user, checkup_id)
    form = CancelForm(prefix="cancel")
    if form.validate_on_submit():
        with attempt(form) as failed:
            services.cancel_checkup(session, current_user, checkup.id, form.reason.data)
        if not failed:
            flash(t(N_("The check-up was cancelled.")), "success")
            return redirect(url_for("checkups.checkup_page", checkup_id=checkup.id))
    return _render(checkup, failed={"cancel": form}, status=422)


@bp.route("/visits/<int:visit_id>/start", methods=["POST"])
@login_required
@roles_required("coordinator", "consultant")
def start(visit_id: int):
    """Start a check-up on a Friday visit (or take up the firm's request there)."""
    session = db_session()
    with attempt() as failed:
        checkup = services.start_on_visit(session, current_user, visit_id, today=shanghai_today())
    if failed:
        if isinstance(failed[0], NotFound):
            abort(404)
        return redirect(url_for("friday.visit_page", visit_id=visit_id))
    return redirect(url_for("checkups.checkup_page", checkup_id=checkup.id) + "#examination")


@bp.route("/<int:checkup_id>/report.pdf")
@login_required
@roles_required(*ROLES)
def report_pdf(checkup_id: int):
    """The check-up report (体检报告) as PDF, for the firm, its consultant and coordinators."""
    from reports import checkups as report

    session = db_session()
    try:
        filename, mimetype, data = report.report_for(
            session, current_user, checkup_id, locale=current_locale(), today=shanghai_today()
        )
    except NotFound:
        abort(404)
    except DomainError as error:
        flash(t(error.msgid, error.params), "error")
        return redirect(url_for("checkups.checkup_page", checkup_id=checkup_id))
    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/documents/<int:document_id>")
@login_required
@roles_required(*ROLES)
def document(document_id: int):
    """A document the firm gave for a fix."""
    found = _or_404(services.get_document, db_session(), current_user, document_id)
    return Response(
        found.content,
        mimetype=found.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="fix-{found.id}'
            f'{services.DOCUMENT_TYPES.get(found.content_type, "")}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
