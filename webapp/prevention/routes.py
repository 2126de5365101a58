"""The seasonal prevention list (時令清單治未病): the seasonal peaks found in the city's
records, how they were found, and the import of hotline and petition records."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from calendars import today as shanghai_today
from programs.i18n import N_
from programs.prevention import importing, seasonal, services
from programs.prevention.models import CATEGORIES, CHANNELS
from programs.study_tours.planning import MONTH_NAMES
from webapp.access import roles_required
from webapp.extensions import t
from webapp.requests import db_session

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
    found = services.seasons(session, shanghai_today())
    status = 422 if form.is_submitted() else 200
    return render_template(
        "prevention/seasons.html",
        form=form,
        result=result,
        found=found,
        coming=services.coming_peaks(found),
        evidence=lambda p: services.evidence_rows(found, p.town, p.category),
        category_label=services.category_label,
        method=seasonal,
        month_names=MONTH_NAMES,
        categories=CATEGORIES,
        channels=CHANNELS,
    ), status
