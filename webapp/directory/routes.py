"""The directory: firms, chambers, consultants and schools, each shown only to who may see it."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from programs import csvfile
from programs.accounts import access
from programs.directory import importing, queries, services
from programs.errors import NotFound
from programs.i18n import N_
from webapp import uploads
from webapp.access import roles_required
from webapp.directory.forms import (
    ConfirmImportForm,
    ConsultantForm,
    EnterpriseProfileForm,
    ImportForm,
)
from webapp.extensions import t
from webapp.requests import attempt, db_session

bp = Blueprint("directory", __name__, url_prefix="/directory")


def _page() -> int:
    return request.args.get("page", 1, type=int) or 1


def _load(query, *args):
    """Load one record for the current user, turning 'not yours' into 404."""
    try:
        return query(db_session(), current_user, *args)
    except NotFound:
        abort(404)


@bp.route("/enterprises")
@roles_required("coordinator", "consultant", "mediator", "chamber")
def enterprises():
    q = request.args.get("q", "")
    town_id = request.args.get("town", type=int)
    page = queries.enterprises(db_session(), current_user, q=q, town_id=town_id, page=_page())
    return render_template(
        "directory/enterprises.html",
        page=page,
        q=q,
        town_id=town_id,
        towns=queries.towns(db_session()),
    )


@bp.route("/enterprises/<int:enterprise_id>")
@login_required
def enterprise(enterprise_id: int):
    found = _load(queries.enterprise, enterprise_id)
    return render_template(
        "directory/enterprise.html",
        enterprise=found,
        can_edit=access.can_edit_enterprise(current_user, found),
    )


@bp.route("/enterprises/<int:enterprise_id>/edit", methods=["GET", "POST"])
@login_required
def edit_enterprise(enterprise_id: int):
    found = _load(queries.enterprise, enterprise_id)
    if not access.can_edit_enterprise(current_user, found):
        abort(404)
    form = EnterpriseProfileForm(obj=found).load()
    if form.validate_on_submit():
        with attempt(form) as failed:
            services.update_enterprise_profile(
                db_session(),
                current_user,
                enterprise_id,
                services.EnterpriseProfile(
                    industry=form.industry.data,
                    sector=form.sector.data or "",
                    employee_count=form.employee_count.data,
                    exports=form.exports.data,
                    holds_ip=form.holds_ip.data,
                    processes_personal_data=form.processes_personal_data.data,
                    personal_data_subjects=form.personal_data_subjects.data,
                    address=form.address.data or "",
                    contact_name=form.contact_name.data or "",
                    contact_phone=form.contact_phone.data or "",
                ),
            )
        if not failed:
            flash(t(N_("Saved.")), "success")
            return redirect(url_for("directory.enterprise", enterprise_id=enterprise_id))
    status = 422 if form.is_submitted() else 200
    return render_template("directory/enterprise_edit.html", form=form, enterprise=found), status


@bp.route("/chambers")
@roles_required("coordinator", "consultant", "mediator")
def chambers():
    return render_template(
        "directory/chambers.html", chambers=queries.chambers(db_session(), current_user)
    )


@bp.route("/chambers/<int:chamber_id>")
@login_required
def chamber(chamber_id: int):
    return render_template("directory/chamber.html", chamber=_load(queries.chamber, chamber_id))


@bp.route("/consultants")
@roles_required("coordinator", "consultant", "mediator")
def consultants():
    return render_template(
        "directory/consultants.html", consultants=queries.consultants(db_session())
    )


@bp.route("/consultants/<int:consultant_id>/edit", methods=["GET", "POST"])
@roles_required("coordinator", "consultant")
def edit_consultant(consultant_id: int):
    """A coordinator keeps a consultant's record current; a consultant their own."""
    from programs.directory.models import Consultant

    found = db_session().get(Consultant, consultant_id)
    if found is None or (
        current_user.role == "consultant" and current_user.consultant_id != consultant_id
    ):
        abort(404)
    form = ConsultantForm(obj=found).load()
    if request.method == "GET":
        form.expertise.data = found.expertise
    if form.validate_on_submit():
        with attempt(form) as failed:
            services.update_consultant(
                db_session(),
                current_user,
                consultant_id,
                services.ConsultantProfile(
                    title=form.title.data or "",
                    organisation=form.organisation.data or "",
                    home_town_id=form.home_town_id.data,
                    visits_per_friday=form.visits_per_friday.data,
                    phone=form.phone.data or "",
                    active=form.active.data,
                    expertise=tuple(form.expertise.data or ()),
                ),
            )
        if not failed:
            flash(t(N_("Saved.")), "success")
            return redirect(url_for("directory.consultants"))
    status = 422 if form.is_submitted() else 200
    return render_template("directory/consultant_edit.html", form=form, consultant=found), status


@bp.route("/schools")
@roles_required("coordinator", "instructor")
def schools():
    q = request.args.get("q", "")
    town_id = request.args.get("town", type=int)
    page = queries.schools(db_session(), current_user, q=q, town_id=town_id, page=_page())
    return render_template(
        "directory/schools.html", page=page, q=q, town_id=town_id, towns=queries.towns(db_session())
    )


@bp.route("/schools/<int:school_id>")
@login_required
def school(school_id: int):
    return render_template("directory/school.html", school=_load(queries.school, school_id))


# --- Imports from CSV ---------------------------------------------------------------------------

PREVIEW_ROWS = 500  # lines shown in a preview; the counts cover all of them
IMPORTS = {
    "enterprises": (
        importing.read_enterprises,
        importing.ENTERPRISE_COLUMNS,
        N_("Import enterprises (CSV)"),
    ),
    "consultants": (
        importing.read_consultants,
        importing.CONSULTANT_COLUMNS,
        N_("Import consultants (CSV)"),
    ),
}


@bp.route("/enterprises/import", methods=["GET", "POST"])
@roles_required("coordinator")
def import_enterprises():
    return _import("enterprises")


@bp.route("/consultants/import", methods=["GET", "POST"])
@roles_required("coordinator")
def import_consultants():
    return _import("consultants")


@bp.route("/<any(enterprises, consultants):kind>/import/template.csv")
@roles_required("coordinator")
def import_template(kind: str):
    return Response(
        importing.template_csv(kind),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{kind}-template.csv"'},
    )


def _import(kind: str):
    """Upload → check and show → confirm. The confirmation applies the held file, checked again:
    if the directory changed what it would do meanwhile, it is shown again instead."""
    read, columns, title = IMPORTS[kind]
    session = db_session()
    form = ImportForm()
    confirm = ConfirmImportForm()
    preview = None
    token = ""
    status = 200
    if request.method == "POST" and request.form.get("action") == "apply":
        if not confirm.validate_on_submit():
            abort(400)
        token = confirm.token.data
        data = uploads.held(token, purpose=kind, user_id=current_user.id)
        if data is None:
            flash(t(N_("The file you checked is no longer held; choose it again.")), "error")
            return redirect(url_for(f"directory.import_{kind}"))
        preview = read(data, session)
        if preview.problems:
            status = 422
        elif preview.fingerprint != confirm.fingerprint.data:
            flash(
                t(
                    N_(
                        "The directory changed after the file was checked; look at the changes "
                        "again and confirm."
                    )
                ),
                "error",
            )
            status = 409
        else:
            with attempt() as failed:
                done = importing.apply(session, current_user, preview)
            if not failed:
                uploads.release(token, purpose=kind, user_id=current_user.id)
                flash(
                    t(
                        N_("Imported: {created} added, {updated} updated, {unchanged} unchanged."),
                        {
                            "created": done.created,
                            "updated": done.updated,
                            "unchanged": done.unchanged,
                        },
                    ),
                    "success",
                )
                return redirect(url_for(f"directory.{kind}"))
            status = 409
    elif form.validate_on_submit():
        data = form.file.data.read(csvfile.MAX_BYTES + 1)
        preview = read(data, session)
        if preview.problems:
            status = 422
        else:
            token = uploads.hold(data, purpose=kind, user_id=current_user.id)
    elif form.is_submitted():
        status = 422
    if preview is not None and not preview.problems:
        confirm.token.data, confirm.fingerprint.data = token, preview.fingerprint
    return render_template(
        "directory/import.html",
        kind=kind,
        title=t(title),
        columns=columns,
        form=form,
        confirm=confirm,
        preview=preview,
        shown=PREVIEW_ROWS,
    ), status
