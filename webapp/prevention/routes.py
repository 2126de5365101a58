"""The seasonal prevention list (時令清單治未病): the seasonal peaks found in the city's
records, how they were found, and the import of hotline and petition records."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from calendars import today as shanghai_today
from programs.i18n import N_
from programs.prevention import actions, importing, seasonal, services
from programs.prevention.models import ACTION_KINDS, ACTION_STATUSES, CATEGORIES, CHANNELS
from programs.study_tours.planning import MONTH_NAMES
from reports.cache import Cache
from webapp.access import roles_required
from webapp.admin.forms import ActionForm
from webapp.extensions import t
from webapp.requests import attempt, db_session

# The analysis as last made, kept while the records it read (hotline records, disputes, towns)
# are unchanged: it reads every record of five years (~0.25 s for the demo city). Per process.
SEASONS = Cache(size=4)

bp = Blueprint("prevention", __name__, url_prefix="/prevention")


class HotlineImportForm(FlaskForm):
    """A CSV of hotline and petition records."""

    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a file."))])


@bp.route("/seasons", methods=["GET", "POST"])
@roles_required("coordinator")
def seasons():
    """The seasonal peaks with their evidence, the coming ones first; the records' import."""
    session = db_session()
    form = HotlineImportForm()
    result = None
    if form.validate_on_submit():
        data = form.file.data.read(2 * 1024 * 1024 + 1)
        result = importing.import_records(session, current_user, data, today=shanghai_today())
        if result.ok:
            flash(
                t(
                    N_("Imported {added} records; {already} were already there."),
                    {"added": result.added, "already": result.already},
                ),
                "success",
            )
            return redirect(url_for("prevention.seasons"))
    today = shanghai_today()
    found = SEASONS.read_through(session, "seasons", lambda: services.seasons(session, today))
    proposed = actions.propose(session, found)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "prevention/seasons.html",
        form=form,
        result=result,
        found=found,
        coming=services.coming_peaks(found),
        proposed=proposed,
        action_form=ActionForm(),
        action_kinds=ACTION_KINDS,
        action_statuses=ACTION_STATUSES,
        evidence=lambda p: services.evidence_rows(found, p.town, p.category),
        category_label=services.category_label,
        method=seasonal,
        month_names=MONTH_NAMES,
        categories=CATEGORIES,
        channels=CHANNELS,
    ), status


@bp.post("/actions/<int:action_id>")
@roles_required("coordinator")
def decide_action(action_id: int):
    """Approve a proposed preventive action (it is filed through its program) or dismiss it."""
    if not ActionForm().validate_on_submit():
        abort(400)
    session, today = db_session(), shanghai_today()
    choice = request.form.get("action")
    if choice not in ("approve", "dismiss"):
        abort(400)
    with attempt() as failed:
        if choice == "approve":
            done = actions.approve(session, current_user, action_id, today)
        else:
            done = actions.dismiss(session, current_user, action_id)
    if not failed:
        flash(
            t(N_("Approved: it is filed and goes through its program's rules."))
            if done.status == "approved"
            else t(N_("Dismissed; it will not be proposed again for this peak.")),
            "success",
        )
    return redirect(url_for("prevention.seasons") + "#actions")
