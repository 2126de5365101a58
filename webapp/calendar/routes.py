"""The working-day calendar, closures and their import, re-check flags, personal feeds."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from calendars import workdays
from programs.calendar import feeds, queries, rechecks, services
from programs.calendar.models import CLOSURE_KINDS, CLOSURE_SCOPES
from programs.errors import NotFound
from programs.i18n import N_
from reports.cache import Cache
from webapp.access import roles_required
from webapp.admin.forms import ActionForm
from webapp.calendar.forms import ClosureForm, ImportForm, ResolveForm
from webapp.extensions import t
from webapp.requests import attempt, db_session

bp = Blueprint("calendar", __name__, url_prefix="/calendar")
CLOSERS = ("coordinator", "consultant", "school", "instructor")


def _base_url() -> str:
    return current_app.config["FENGQIAO_SETTINGS"].base_url


@bp.route("/")
@login_required
def month():
    today = workdays.today()
    year = request.args.get("year", today.year, type=int)
    month_no = request.args.get("month", today.month, type=int)
    if not (2000 <= year <= 2100 and 1 <= month_no <= 12):
        abort(404)
    view = queries.month(db_session(), current_user, year, month_no)
    prev = (year, month_no - 1) if month_no > 1 else (year - 1, 12)
    nxt = (year, month_no + 1) if month_no < 12 else (year + 1, 1)
    return render_template(
        "calendar/month.html",
        view=view,
        today=today,
        prev=prev,
        next=nxt,
        kinds=CLOSURE_KINDS,
        scopes=CLOSURE_SCOPES,
        action_form=ActionForm(),
        may_close=services.may_close,
        may_add=current_user.role == "coordinator"
        or any(getattr(current_user, f"{r}_id") for r in ("consultant", "school", "instructor")),
    )


@bp.route("/closures/new", methods=["GET", "POST"])
@roles_required(*CLOSERS)
def new_closure():
    form = ClosureForm().load(current_user)
    if form.validate_on_submit():
        with attempt(form) as failed:
            closure = services.add_closure(
                db_session(),
                current_user,
                services.ClosureInput(
                    scope=form.scope.data,
                    scope_id=form.scope_id(),
                    kind=form.kind.data,
                    starts_on=form.starts_on.data,
                    ends_on=form.ends_on.data,
                    reason=form.reason.data,
                ),
                base_url=_base_url(),
            )
        if not failed:
            flash(
                t(N_("Closure saved. Bookings and deadlines on those days were checked again.")),
                "success",
            )
            return redirect(
                url_for(
                    "calendar.month", year=closure.starts_on.year, month=closure.starts_on.month
                )
            )
    status = 422 if form.is_submitted() else 200
    return render_template("calendar/closure_form.html", form=form), status


@bp.route("/closures/<int:closure_id>/cancel", methods=["POST"])
@roles_required(*CLOSERS)
def cancel_closure(closure_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    with attempt() as failed:
        closure = services.cancel_closure(db_session(), current_user, closure_id)
    if failed and isinstance(failed[0], NotFound):
        abort(404)
    if not failed:
        flash(t(N_("The closure was cancelled; those days are open again.")), "success")
        return redirect(
            url_for("calendar.month", year=closure.starts_on.year, month=closure.starts_on.month)
        )
    return redirect(url_for("calendar.month"))


@bp.route("/closures/import", methods=["GET", "POST"])
@roles_required(*CLOSERS)
def import_closures():
    form = ImportForm().load(current_user)
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(2 * 1024 * 1024 + 1)
        with attempt(form) as failed:
            row = services.preview_import(
                db_session(),
                current_user,
                filename=upload.filename or "",
                data=data,
                scope=form.scope.data,
                scope_id=form.scope_id(),
                today=workdays.today(),
            )
        if not failed:
            return redirect(url_for("calendar.import_preview", import_id=row.id))
    status = 422 if form.is_submitted() else 200
    return render_template("calendar/import.html", form=form), status


@bp.route("/closures/import/<int:import_id>", methods=["GET", "POST"])
@roles_required(*CLOSERS)
def import_preview(import_id: int):
    try:
        row = services.get_import(db_session(), current_user, import_id)
    except NotFound:
        abort(404)
    form = ActionForm()
    if request.method == "POST" and form.validate_on_submit():
        chosen = [int(v) for v in request.form.getlist("chosen") if v.isdigit()]
        with attempt() as failed:
            created = services.apply_import(
                db_session(), current_user, import_id, chosen, base_url=_base_url()
            )
        if not failed:
            flash(
                t(N_("{count} closures added from the file."), {"count": len(created)}), "success"
            )
            return redirect(url_for("calendar.month"))
    return render_template("calendar/import_preview.html", row=row, form=form, kinds=CLOSURE_KINDS)


@bp.route("/rechecks")
@roles_required("coordinator")
def flags():
    show_all = request.args.get("all") == "1"
    return render_template(
        "calendar/rechecks.html",
        flags=queries.flags(db_session(), open_only=not show_all),
        form=ResolveForm(),
        show_all=show_all,
    )


@bp.route("/rechecks/<int:flag_id>/resolve", methods=["POST"])
@roles_required("coordinator")
def resolve(flag_id: int):
    form = ResolveForm()
    if form.validate_on_submit():
        with attempt(form) as failed:
            rechecks.resolve(db_session(), current_user, flag_id, form.note.data)
        if not failed:
            flash(t(N_("Marked as dealt with.")), "success")
            return redirect(url_for("calendar.flags"))
    return render_template(
        "calendar/rechecks.html", flags=queries.flags(db_session()), form=form, show_all=False
    ), 422


@bp.route("/feed", methods=["POST"])
@login_required
def regenerate_feed():
    if not ActionForm().validate_on_submit():
        abort(400)
    feeds.regenerate(db_session(), current_user)
    flash(t(N_("Your calendar address is ready. Any old address no longer works.")), "success")
    return redirect(url_for("auth.account") + "#feed")


@bp.route("/feed/revoke", methods=["POST"])
@login_required
def revoke_feed():
    if not ActionForm().validate_on_submit():
        abort(400)
    feeds.revoke(db_session(), current_user)
    flash(t(N_("Your calendar address has been turned off.")), "info")
    return redirect(url_for("auth.account") + "#feed")


feed_bp = Blueprint("feeds", __name__)


# Feeds as made, kept while none of the tables they read changes (a calendar client asks every
# few minutes; the feed changes when a visit or closure does). Per process.
_FEEDS = Cache(size=256)


@feed_bp.route("/feeds/<token>.ics")
def feed(token: str):
    """A personal feed; the token is the credential, so no login and no session cookie."""
    session = db_session()

    def made() -> tuple[bytes, str] | None:
        user = feeds.user_for_token(session, token)
        return feeds.feed(session, user) if user is not None else None

    found = _FEEDS.read_through(session, ("feed", token), made, also=("users", "feed_tokens"))
    if found is None:
        abort(404)
    body, etag = found
    if request.if_none_match and etag in request.if_none_match:
        return Response(status=304, headers={"ETag": f'"{etag}"'})
    response = Response(body, mimetype="text/calendar")
    response.charset = "utf-8"
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["Content-Disposition"] = 'inline; filename="fengqiao.ics"'
    return response


def feed_url(token: str) -> str:
    """The full address a calendar client subscribes to."""
    return f"{_base_url()}{url_for('feeds.feed', token=token)}"
