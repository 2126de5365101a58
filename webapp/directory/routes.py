"""The directory: firms, chambers, consultants and schools, each shown only to who may see it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from programs.accounts import access
from programs.directory import queries, services
from programs.errors import NotFound
from programs.i18n import N_
from webapp.access import roles_required
from webapp.directory.forms import EnterpriseProfileForm
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
