"""The coordinator's pages: accounts, approvals, the local mail outbox."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from programs import audit_log
from programs.accounts import queries, services
from programs.accounts.models import ACCOUNT_STATUSES, ROLES
from programs.decisions import services as decisions
from programs.errors import NotFound
from programs.i18n import N_
from programs.notifications.models import OutboundMail
from webapp.access import roles_required
from webapp.admin.forms import ActionForm, AuditFilterForm, NewUserForm, RejectForm
from webapp.extensions import current_locale, t
from webapp.requests import attempt, db_session

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _base_url() -> str:
    return current_app.config["FENGQIAO_SETTINGS"].base_url


def _user(user_id: int):
    try:
        return services.get_user(db_session(), user_id)
    except NotFound:
        abort(404)


@bp.route("/users")
@roles_required("coordinator")
def users():
    status = request.args.get("status", "")
    role = request.args.get("role", "")
    q = request.args.get("q", "")
    page = queries.users(
        db_session(), status=status, role=role, q=q, page=request.args.get("page", 1, type=int)
    )
    return render_template(
        "admin/users.html",
        page=page,
        status=status,
        role=role,
        q=q,
        statuses=ACCOUNT_STATUSES,
        roles=ROLES,
    )


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required("coordinator")
def new_user():
    form = NewUserForm().load()
    if form.validate_on_submit():
        with attempt(form) as failed:
            user = services.create_user(
                db_session(),
                actor=current_user,
                username=form.username.data,
                password=form.password.data,
                display_name=form.display_name.data,
                role=form.role.data,
                email=form.email.data,
                organisation_id=form.organisation_id(),
            )
        if not failed:
            flash(t(N_("Account {username} created."), {"username": user.username}), "success")
            return redirect(url_for("admin.user", user_id=user.id))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/new_user.html", form=form), status


@bp.route("/users/<int:user_id>")
@roles_required("coordinator")
def user(user_id: int):
    found = _user(user_id)
    return render_template(
        "admin/user.html",
        user=found,
        others=queries.same_organisation(db_session(), found),
        decisions=decisions.decisions_about(db_session(), "users", found.id),
        action_form=ActionForm(),
        reject_form=RejectForm(),
    )


@bp.route("/users/<int:user_id>/approve", methods=["POST"])
@roles_required("coordinator")
def approve(user_id: int):
    if ActionForm().validate_on_submit():
        with attempt() as failed:
            found = services.approve(db_session(), current_user, user_id, base_url=_base_url())
        if not failed:
            flash(
                t(N_("{username} approved and welcomed."), {"username": found.username}), "success"
            )
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/users/<int:user_id>/reject", methods=["POST"])
@roles_required("coordinator")
def reject(user_id: int):
    form = RejectForm()
    if form.validate_on_submit():
        with attempt(form) as failed:
            services.reject(
                db_session(), current_user, user_id, form.reason.data, base_url=_base_url()
            )
        if not failed:
            flash(t(N_("Sign-up turned down.")), "info")
            return redirect(url_for("admin.user", user_id=user_id))
    found = _user(user_id)
    return render_template(
        "admin/user.html",
        user=found,
        others=queries.same_organisation(db_session(), found),
        decisions=decisions.decisions_about(db_session(), "users", found.id),
        action_form=ActionForm(),
        reject_form=form,
    ), 422


@bp.route("/users/<int:user_id>/status/<status>", methods=["POST"])
@roles_required("coordinator")
def set_status(user_id: int, status: str):
    if ActionForm().validate_on_submit():
        with attempt() as failed:
            services.set_status(db_session(), current_user, user_id, status)
        if not failed:
            flash(t(N_("Saved.")), "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@roles_required("coordinator")
def reset_password(user_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    found = _user(user_id)
    password = services.reset_password(db_session(), current_user, user_id)
    # Shown once, in this response only: never stored in a cookie or flashed.
    return render_template(
        "admin/user.html",
        user=found,
        others=queries.same_organisation(db_session(), found),
        decisions=decisions.decisions_about(db_session(), "users", found.id),
        action_form=ActionForm(),
        reject_form=RejectForm(),
        new_password=password,
    )


@bp.route("/outbox")
@roles_required("coordinator")
def outbox():
    page = queries.outbox(db_session(), request.args.get("page", 1, type=int))
    return render_template("admin/outbox.html", page=page)


@bp.route("/outbox/<int:mail_id>")
@roles_required("coordinator")
def mail(mail_id: int):
    found = db_session().get(OutboundMail, mail_id)
    if found is None:
        abort(404)
    return render_template("admin/mail.html", mail=found)


@bp.route("/audit")
@roles_required("coordinator")
def audit():
    """The audit trail: who changed what and when, newest first, filtered in the database."""
    session = db_session()
    form = AuditFilterForm(request.args)
    form.action.choices = [
        ("", t(N_("All"))),
        *sorted(
            ((code, t(label)) for code, label in audit_log.ACTIONS.items()), key=lambda c: c[1]
        ),
    ]
    form.subject_type.choices = [("", t(N_("All")))] + [
        (kind, t(audit_log.SUBJECTS[kind]) if kind in audit_log.SUBJECTS else kind)
        for kind in audit_log.subject_types(session)
    ]
    valid = form.validate() if request.args else True
    found = (
        audit_log.AuditFilter(
            action=form.action.data or "",
            actor=form.actor.data or "",
            subject_type=form.subject_type.data or "",
            subject_id=form.subject_id.data,
            start_on=form.start_on.data,
            end_on=form.end_on.data,
        )
        if valid
        else audit_log.AuditFilter()
    )
    page = audit_log.entries(session, found, request.args.get("page", 1, type=int))
    return render_template(
        "admin/audit.html",
        form=form,
        page=page,
        actions=audit_log.ACTIONS,
        subjects=audit_log.SUBJECTS,
        details=lambda entry: audit_log.details(entry, current_locale()),
        valid=valid,
    ), (200 if valid else 422)
