"""Friday Law Service Day: requests, the pairing, visits and their records."""

from __future__ import annotations

from datetime import date, timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from calendars import today as shanghai_today
from programs.checkups import services as checkup_services
from programs.decisions import services as decisions
from programs.directory import queries as directory_queries
from programs.directory.models import PROBLEM_CATEGORIES
from programs.errors import DomainError, NotFound
from programs.friday import queries, roster, services
from programs.friday.models import (
    REQUEST_KINDS,
    REQUEST_SOURCES,
    REQUEST_STATUSES,
    ROSTER_STATUSES,
    VENUE_KINDS,
    VISIT_STATUSES,
)
from programs.i18n import N_
from webapp.access import roles_required
from webapp.admin.forms import ActionForm
from webapp.extensions import t
from webapp.forms import choices, options
from webapp.friday.forms import (
    BookForm,
    CancelForm,
    ConflictForm,
    MoveForm,
    OfficeHoursForm,
    RecordForm,
    RequestForm,
    SlotForm,
    holiday_fridays,
)
from webapp.requests import attempt, db_session

bp = Blueprint("friday", __name__, url_prefix="/friday")
VOCAB = {
    "kinds": REQUEST_KINDS,
    "venues": VENUE_KINDS,
    "sources": REQUEST_SOURCES,
    "request_statuses": REQUEST_STATUSES,
    "visit_statuses": VISIT_STATUSES,
    "categories": PROBLEM_CATEGORIES,
    "roster_statuses": ROSTER_STATUSES,
}
ROLES = ("coordinator", "consultant", "enterprise", "chamber")


@bp.context_processor
def _vocab():
    return {"friday": VOCAB}


def _or_404(func, *args):
    try:
        return func(*args)
    except NotFound:
        abort(404)


@bp.route("/")
@roles_required(*ROLES)
def index():
    """Each role's Friday page: the coordinator's desk, a consultant's Fridays, a firm's visits."""
    session = db_session()
    today = shanghai_today()
    context = {
        "today": today,
        "visits": queries.visits_for(session, current_user),
        "requests": queries.requests_for(session, current_user),
    }
    if current_user.role == "coordinator":
        context["open_requests"] = queries.open_requests(session)
        context["figures"] = queries.figures(session, today.year)
    if current_user.role == "consultant":
        context["pairings"] = queries.pairings_of(session, current_user.consultant_id)
    if current_user.role == "enterprise":
        context["pairing"] = services.current_pairing(session, current_user.enterprise_id)
    return render_template("friday/index.html", **context)


def _fill_request_form(form: RequestForm, today: date) -> RequestForm:
    session = db_session()
    form.load(today)
    form.enterprise_id.choices = options(
        (e.id, e.name) for e in directory_queries.active_enterprises(session)
    )
    form.chamber_id.choices = options((c.id, c.name) for c in queries.chambers(session))
    form.town_id.choices = options((w.id, w.name) for w in directory_queries.towns(session))
    form.studio_id.choices = options((s.id, s.name) for s in queries.studios(session))
    if current_user.role == "enterprise":
        form.kind.data = "enterprise"
    if current_user.role == "chamber":
        form.kind.data = "chamber"
    return form


@bp.route("/requests/new", methods=["GET", "POST"])
@roles_required("coordinator", "enterprise", "chamber")
def new_request():
    """Ask for a Friday visit (a firm), a group session (a chamber), or any (a coordinator)."""
    today = shanghai_today()
    form = _fill_request_form(RequestForm(), today)
    if request.method == "GET" and current_user.role == "enterprise":
        form.venue_kind.data = "premises"
    if form.validate_on_submit():
        data = services.as_requester(
            current_user,
            services.RequestInput(
                kind=form.kind.data or "",
                topics=tuple(form.topics.data or ()),
                description=form.description.data or "",
                preferred_fridays=tuple(
                    date.fromisoformat(d) for d in form.preferred_fridays.data or ()
                ),
                enterprise_id=form.enterprise_id.data or None,
                chamber_id=form.chamber_id.data or None,
                town_id=form.town_id.data or None,
                venue_kind=form.venue_kind.data or "premises",
                studio_id=form.studio_id.data or None,
                place=form.place.data or "",
                headcount=form.headcount.data,
                counterparty=form.counterparty.data or "",
            ),
        )
        with attempt(form) as failed:
            made = services.submit_request(db_session(), current_user, data, today=today)
        if not failed:
            flash(t(N_("Request sent. The coordinator puts it on a Friday roster.")), "success")
            return redirect(url_for("friday.request_page", request_id=made.id))
    status = 422 if request.method == "POST" else 200
    return (
        render_template("friday/request_form.html", form=form, holidays=holiday_fridays(today)),
        status,
    )


@bp.route("/requests/<int:request_id>", methods=["GET", "POST"])
@login_required
def request_page(request_id: int):
    """A request: who asked, the paired consultant and why, its visits; a coordinator books it."""
    session = db_session()
    item = _or_404(services.get_request, session, current_user, request_id)
    today = shanghai_today()
    book_form = BookForm(prefix="book")
    book_form.consultant_id.choices = options((c.id, c.name) for c in queries.consultants(session))
    cancel_form = CancelForm(prefix="cancel")
    pairing = services.current_pairing(session, item.enterprise_id) if item.enterprise_id else None
    if request.method == "POST":
        action = request.form.get("action")
        if current_user.role not in ("coordinator", "consultant", "enterprise", "chamber"):
            abort(403)
        book_form.consultant_id.data = services.acting_consultant(
            current_user, book_form.consultant_id.data
        )
        if action == "book" and current_user.role in ("coordinator", "consultant"):
            if book_form.validate_on_submit():
                with attempt(book_form, field_prefix="") as failed:
                    visit = services.book_visit(
                        session,
                        current_user,
                        item.id,
                        book_form.consultant_id.data,
                        book_form.on.data,
                        today=today,
                    )
                if not failed:
                    flash(t(N_("Booked. The consultant and the firm were told.")), "success")
                    return redirect(url_for("friday.visit_page", visit_id=visit.id))
        elif action == "cancel":
            if cancel_form.validate_on_submit():
                with attempt(cancel_form) as failed:
                    services.cancel_request(session, current_user, item.id, cancel_form.reason.data)
                if not failed:
                    flash(t(N_("The request was withdrawn.")), "success")
                    return redirect(url_for("friday.request_page", request_id=item.id))
        else:
            abort(400)
    elif pairing is not None and not book_form.consultant_id.data:
        book_form.consultant_id.data = pairing.consultant_id
    records = decisions.decisions_about(session, "friday_requests", item.id)
    return (
        render_template(
            "friday/request.html",
            item=item,
            pairing=pairing,
            records=records,
            book_form=book_form,
            cancel_form=cancel_form,
            chosen=services.pairing_highlights(records),
        ),
        422 if request.method == "POST" else 200,
    )


@bp.route("/visits/<int:visit_id>", methods=["GET", "POST"])
@login_required
def visit_page(visit_id: int):
    """A visit: where, who, why; move or cancel it; the consultant records it."""
    session = db_session()
    visit = _or_404(services.get_visit, session, current_user, visit_id)
    today = shanghai_today()
    move_form = MoveForm(prefix="move")
    move_form.consultant_id.choices = options((c.id, c.name) for c in queries.consultants(session))
    cancel_form = CancelForm(prefix="cancel")
    record_form = RecordForm(prefix="record").load()
    if request.method == "GET" and visit.status == "done":
        record_form.met.data = visit.met
        record_form.minutes.data = visit.minutes
        record_form.notes.data = visit.notes
    may_change = current_user.role == "coordinator" or (
        current_user.role == "consultant" and current_user.consultant_id == visit.consultant_id
    )
    if request.method == "POST":
        if not may_change:
            abort(403)
        action = request.form.get("action")
        done = None
        if action == "move" and move_form.validate_on_submit():
            with attempt(move_form) as failed:
                services.move_visit(
                    session,
                    current_user,
                    visit.id,
                    on=move_form.on.data,
                    consultant_id=move_form.consultant_id.data or None,
                    today=today,
                )
            done = None if failed else N_("Moved. The rules checked the new Friday.")
        elif action == "cancel" and cancel_form.validate_on_submit():
            with attempt(cancel_form) as failed:
                services.cancel_visit(session, current_user, visit.id, cancel_form.reason.data)
            done = None if failed else N_("The visit was cancelled; the request waits again.")
        elif action == "record" and record_form.validate_on_submit():
            problems = tuple(
                services.ProblemInput(
                    category=row.form.category.data or "",
                    description=row.form.description.data or "",
                    solved=row.form.solved.data,
                    follow_up=row.form.follow_up.data,
                )
                for row in record_form.problems
                if (row.form.description.data or "").strip() or row.form.category.data
            )
            with attempt(record_form) as failed:
                services.record_visit(
                    session,
                    current_user,
                    visit.id,
                    services.RecordInput(
                        met=record_form.met.data,
                        minutes=record_form.minutes.data,
                        notes=record_form.notes.data or "",
                        problems=problems,
                    ),
                    today=today,
                )
            done = None if failed else N_("Recorded. Follow-ups became requests.")
        elif action not in ("move", "cancel", "record"):
            abort(400)
        if done:
            flash(t(done), "success")
            return redirect(url_for("friday.visit_page", visit_id=visit.id))
    return (
        render_template(
            "friday/visit.html",
            visit=visit,
            item=visit.request,
            may_change=may_change,
            move_form=move_form,
            cancel_form=cancel_form,
            record_form=record_form,
            records=decisions.decisions_about(session, "friday_visits", visit.id),
            venue=services.venue_name(visit.request),
            today=today,
            checkup=checkup_services.on_visit(session, visit),
        ),
        422 if request.method == "POST" else 200,
    )


# --- The monthly roster -------------------------------------------------------------------------


def _month() -> date:
    text = request.args.get("month")
    today = shanghai_today()
    if not text:
        following = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
        return following
    try:
        return roster.parse_month(text)
    except DomainError:
        abort(404)


@bp.route("/roster", methods=["GET", "POST"])
@roles_required("coordinator", "consultant")
def roster_page():
    """A month's roster: draft it from the open requests, review it, publish it."""
    session = db_session()
    month = _month()
    today = shanghai_today()
    form = ActionForm()
    if request.method == "POST":
        if current_user.role != "coordinator":
            abort(403)
        action = request.form.get("action")
        if action == "draft" and form.validate_on_submit():
            with attempt() as failed:
                done = roster.draft(session, current_user, month, today)
            if not failed:
                flash(
                    t(
                        N_("Drafted: {placed} visits placed, {left} requests left open."),
                        {"placed": done.placed, "left": done.left},
                    ),
                    "success",
                )
        elif action == "publish" and form.validate_on_submit():
            with attempt() as failed:
                count = roster.publish(session, current_user, int(request.form["roster_id"]))
            if not failed:
                flash(
                    t(
                        N_("Published {count} visits; the consultants and the firms were told."),
                        {"count": count},
                    ),
                    "success",
                )
        else:
            abort(400)
        return redirect(url_for("friday.roster_page", month=month.strftime("%Y-%m")))
    row = roster.get(session, month)
    visits = roster.visits_seen_by(session, current_user, row) if row else []
    requests_by_id = {}
    if row and row.result.get("unassigned"):
        ids = [u["request_id"] for u in row.result["unassigned"]]
        requests_by_id = {r.id: r for r in queries.requests_by_ids(session, ids)}
    previous = (month - timedelta(days=1)).replace(day=1)
    following = (month + timedelta(days=32)).replace(day=1)
    return render_template(
        "friday/roster.html",
        month=month,
        previous=previous,
        following=following,
        roster=row,
        visits=visits,
        requests_by_id=requests_by_id,
        open_count=len(queries.open_requests(session)),
        form=form,
        drafts=sum(v.status == "draft" for v in visits),
    )


@bp.route("/roster.pdf")
@roles_required("coordinator", "consultant")
def roster_pdf():
    """The month's roster as PDF."""
    from reports.friday import roster_for
    from webapp.extensions import current_locale

    filename, mimetype, body = roster_for(db_session(), _month(), locale=current_locale())
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'inline; filename="{filename}"'}
    )


# --- Studios and office hours -------------------------------------------------------------------


@bp.route("/studios", methods=["GET", "POST"])
@roles_required(*ROLES)
def studios():
    """The legal-help studios' Friday office hours: consultants open them, firms book half-hours."""
    session = db_session()
    today = shanghai_today()
    hours_form = OfficeHoursForm(prefix="hours")
    hours_form.studio_id.choices = options(
        ((s.id, s.name) for s in queries.studios(session)), blank=False
    )
    hours_form.consultant_id.choices = options((c.id, c.name) for c in queries.consultants(session))
    slot_form = SlotForm(prefix="slot")
    slot_form.topic.choices = choices(PROBLEM_CATEGORIES)
    slot_form.enterprise_id.choices = options(
        (e.id, e.name) for e in directory_queries.active_enterprises(session)
    )
    if request.method == "POST":
        action = request.form.get("action")
        if action == "open" and current_user.role in ("coordinator", "consultant"):
            if hours_form.validate_on_submit():
                consultant_id = services.acting_consultant(
                    current_user, hours_form.consultant_id.data
                )
                with attempt(hours_form) as failed:
                    services.open_office_hours(
                        session,
                        current_user,
                        services.OfficeHoursInput(
                            studio_id=hours_form.studio_id.data,
                            consultant_id=consultant_id,
                            on=hours_form.on.data,
                            starts=hours_form.starts.data,
                            ends=hours_form.ends.data,
                        ),
                        today=today,
                    )
                if not failed:
                    flash(t(N_("Office hours opened; firms can book them now.")), "success")
                    return redirect(url_for("friday.studios"))
        elif action == "book" and current_user.role in ("coordinator", "enterprise"):
            if slot_form.validate_on_submit():
                firm = services.acting_firm(current_user, slot_form.enterprise_id.data)
                with attempt(slot_form) as failed:
                    services.book_half_hour(
                        session,
                        current_user,
                        slot_form.office_hours_id.data,
                        slot_form.starts.data,
                        enterprise_id=firm,
                        topic=slot_form.topic.data,
                        note=slot_form.note.data or "",
                        today=today,
                    )
                if not failed:
                    flash(t(N_("Booked. The consultant was told.")), "success")
                    return redirect(url_for("friday.studios"))
            else:
                flash(t(N_("Choose a half-hour and a topic.")), "error")
        elif action == "cancel" and current_user.role in ("coordinator", "enterprise"):
            with attempt() as failed:
                services.cancel_booking(session, current_user, int(request.form["booking_id"]))
            if not failed:
                flash(t(N_("The half-hour was given back.")), "success")
                return redirect(url_for("friday.studios"))
        else:
            abort(400)
    hours = services.office_hours_between(session, today, today + timedelta(weeks=8))
    return (
        render_template(
            "friday/studios.html",
            hours=hours,
            half_hours=services.half_hours,
            may_see=services.may_see_booking,
            hours_form=hours_form,
            slot_form=slot_form,
            studios=queries.studios(session),
        ),
        422 if request.method == "POST" else 200,
    )


# --- Conflicts of interest ----------------------------------------------------------------------


@bp.route("/conflicts", methods=["GET", "POST"])
@roles_required("coordinator", "consultant")
def conflicts():
    """Declared conflicts of interest: a consultant so declared is never paired or sent there."""
    session = db_session()
    form = ConflictForm()
    form.consultant_id.choices = options((c.id, c.name) for c in queries.consultants(session))
    form.enterprise_id.choices = options(
        (e.id, e.name) for e in directory_queries.active_enterprises(session)
    )
    if form.validate_on_submit():
        consultant_id = services.acting_consultant(current_user, form.consultant_id.data)
        with attempt(form) as failed:
            services.declare_conflict(
                session,
                current_user,
                services.ConflictInput(
                    consultant_id=consultant_id or 0,
                    enterprise_id=form.enterprise_id.data or None,
                    counterparty=form.counterparty.data or "",
                    reason=form.reason.data or "",
                ),
                today=shanghai_today(),
            )
        if not failed:
            flash(t(N_("Declared. The rules will not pair or send you there.")), "success")
            return redirect(url_for("friday.conflicts"))
    return (
        render_template(
            "friday/conflicts.html",
            form=form,
            rows=queries.conflicts_for(session, current_user),
        ),
        422 if form.is_submitted() else 200,
    )
