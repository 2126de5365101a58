"""Each role's home page, and the inbox every user has."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from calendars import today as shanghai_today
from programs.accounts.services import pending_count
from programs.checkups import services as checkups
from programs.checkups.models import CHECKUP_STATUSES
from programs.directory import queries
from programs.notifications.models import Notification
from programs.notifications.services import mark_read
from programs.study_tours import queries as study_queries
from programs.study_tours import services as study_services
from programs.study_tours.terms import school_year_of
from rules.checkups import GRADES
from webapp.access import roles_required
from webapp.requests import db_session

bp = Blueprint("home", __name__)


@bp.context_processor
def _vocab():
    return {"checkup_statuses": CHECKUP_STATUSES, "checkup_grades": GRADES}


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for(f"home.{current_user.role}"))


@bp.route("/coordinator")
@roles_required("coordinator")
def coordinator():
    session = db_session()
    return render_template(
        "home/coordinator.html",
        counts=queries.counts(session),
        pending=pending_count(session),
        checkups=checkups.summary_for(session, current_user, shanghai_today()),
    )


@bp.route("/consultant")
@roles_required("consultant")
def consultant():
    return render_template(
        "home/consultant.html",
        consultant=current_user.consultant,
        checkups=checkups.summary_for(db_session(), current_user, shanghai_today()),
    )


@bp.route("/mediator")
@roles_required("mediator")
def mediator():
    return render_template("home/mediator.html", counts=queries.counts(db_session()))


@bp.route("/enterprise")
@roles_required("enterprise")
def enterprise():
    return render_template(
        "home/enterprise.html",
        enterprise=current_user.enterprise,
        checkups=checkups.summary_for(db_session(), current_user, shanghai_today()),
    )


@bp.route("/chamber")
@roles_required("chamber")
def chamber():
    return render_template("home/chamber.html", chamber=current_user.chamber)


@bp.route("/school")
@roles_required("school")
def school():
    session = db_session()
    today = shanghai_today()
    return render_template(
        "home/school.html",
        school=current_user.school,
        plan=study_services.plan_of(session, current_user.school, school_year_of(today)),
        visits=study_queries.school_visits(session, current_user.school_id),
        today=today,
    )


@bp.route("/instructor")
@roles_required("instructor")
def instructor():
    session = db_session()
    today = shanghai_today()
    mine = (
        study_queries.instructor_sessions(
            session, current_user.instructor_id, today - timedelta(days=14)
        )
        if current_user.instructor_id
        else []
    )
    return render_template(
        "home/instructor.html", bases=study_queries.bases(session), sessions=mine, today=today
    )


@bp.route("/inbox")
@login_required
def inbox():
    notes = (
        db_session()
        .scalars(
            select(Notification)
            .where(Notification.user_id == current_user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(200)
        )
        .all()
    )
    return render_template("home/inbox.html", notes=notes)


@bp.route("/inbox/<int:note_id>", methods=["POST"])
@login_required
def open_note(note_id: int):
    note = db_session().get(Notification, note_id)
    if note is None or note.user_id != current_user.id:
        abort(404)
    mark_read(db_session(), current_user.id, note_id)
    target = note.link if note.link and note.link.startswith("/") else url_for("home.inbox")
    return redirect(target)


@bp.route("/inbox/read-all", methods=["POST"])
@login_required
def read_all():
    mark_read(db_session(), current_user.id)
    return redirect(url_for("home.inbox"))
