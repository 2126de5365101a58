"""Why the rules decided what they did; overriding with a reason; the rules' parameters."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

import rules
from calendars import today as shanghai_today
from programs.decisions import services
from programs.decisions.models import DecisionRecord
from programs.directory.queries import paginate
from programs.errors import NotFound
from programs.i18n import N_
from programs.whatif import services as whatif
from programs.whatif.models import ParameterDraft
from programs.whatif.replay import replay
from webapp.access import roles_required
from webapp.admin.forms import ActionForm
from webapp.decisions.forms import (
    OverrideForm,
    ReplayPeriodForm,
    form_values,
    parameter_form,
)
from webapp.extensions import t
from webapp.requests import attempt, db_session

bp = Blueprint("decisions", __name__)

SHOWN_CHANGES = 100  # changed decisions a replay page lists whole (the counts cover all)


def _record(decision_id: int) -> DecisionRecord:
    try:
        return services.visible_decision(db_session(), current_user, decision_id)
    except NotFound:
        abort(404)


@bp.route("/decisions/<int:decision_id>")
@login_required
def decision(decision_id: int):
    return render_template(
        "decisions/decision.html", record=_record(decision_id), form=OverrideForm()
    )


@bp.route("/decisions/<int:decision_id>/override", methods=["POST"])
@roles_required("coordinator")
def override(decision_id: int):
    record = _record(decision_id)
    form = OverrideForm()
    if form.validate_on_submit():
        outcome = {"refused": form.outcome.data == "refuse", "overridden": True}
        with attempt(form) as failed:
            services.override(db_session(), current_user, decision_id, outcome, form.reason.data)
        if not failed:
            flash(t(N_("The decision was overridden; your reason is logged.")), "success")
            return redirect(url_for("decisions.decision", decision_id=decision_id))
    return render_template("decisions/decision.html", record=record, form=form), 422


@bp.route("/admin/decisions")
@roles_required("coordinator")
def log():
    ruleset = request.args.get("ruleset", "")
    stmt = select(DecisionRecord).order_by(DecisionRecord.id.desc())
    if ruleset:
        stmt = stmt.where(DecisionRecord.ruleset == ruleset)
    page = paginate(db_session(), stmt, request.args.get("page", 1, type=int))
    return render_template(
        "decisions/log.html", page=page, ruleset=ruleset, rulesets=rules.registry.names()
    )


@bp.route("/admin/parameters")
@roles_required("coordinator")
def parameters():
    session = db_session()
    rulesets = [rules.registry.get(name) for name in rules.registry.names()]
    live = {r.name: services.live_parameters(session, r.name) for r in rulesets}
    return render_template("decisions/parameters.html", rulesets=rulesets, live=live)


@bp.route("/admin/parameters/<name>", methods=["GET", "POST"])
@roles_required("coordinator")
def edit_parameters(name: str):
    if name not in rules.registry.names():
        abort(404)
    ruleset = rules.registry.get(name)
    session = db_session()
    live = services.live_parameters(session, name)
    current = dict(live.values) if live else dict(ruleset.defaults)
    form = parameter_form(
        ruleset, current, formdata=request.form if request.method == "POST" else None
    )
    trying = request.form.get("action") == "draft"
    if request.method == "POST" and form.validate():
        values = form_values(form, ruleset)
        with attempt(form, field_prefix="p_") as failed:
            if trying:
                drafted = whatif.draft(session, current_user, name, values, form.note.data)
            else:
                services.change_parameters(session, current_user, name, values, form.note.data)
        if not failed and trying:
            flash(t(N_("Draft kept beside the live parameters; no decision uses it.")), "success")
            return redirect(url_for("decisions.draft", name=name, draft_id=drafted.id))
        if not failed:
            flash(t(N_("New parameters saved; they apply from the next decision.")), "success")
            return redirect(url_for("decisions.edit_parameters", name=name))
    return render_template(
        "decisions/edit_parameters.html",
        ruleset=ruleset,
        form=form,
        live=live,
        history=services.parameter_history(session, name),
        drafts=whatif.drafts(session, name),
        replayable=name in whatif.REPLAYABLE,
    ), (422 if request.method == "POST" else 200)


def _draft(name: str, draft_id: int) -> ParameterDraft:
    try:
        return whatif.get(db_session(), draft_id, ruleset=name)
    except NotFound:
        abort(404)


@bp.route("/admin/parameters/<name>/drafts/<int:draft_id>")
@roles_required("coordinator")
def draft(name: str, draft_id: int):
    row = _draft(name, draft_id)
    session = db_session()
    today = shanghai_today()
    start, end = whatif.default_period(today)
    form = ReplayPeriodForm(request.args if request.args else None, start_on=start, end_on=end)
    result = None
    if name in whatif.REPLAYABLE and (not request.args or form.validate()):
        result = replay(session, name, row.values, form.start_on.data, form.end_on.data, today)
    return render_template(
        "decisions/draft.html",
        ruleset=rules.registry.get(name),
        draft=row,
        form=form,
        result=result,
        shown=SHOWN_CHANGES,
        replayable=whatif.REPLAYABLE,
        live=services.live_parameters(session, name),
        action=ActionForm(),
    ), (422 if request.args and form.errors else 200)


@bp.route("/admin/parameters/<name>/drafts/<int:draft_id>/publish", methods=["POST"])
@roles_required("coordinator")
def publish_draft(name: str, draft_id: int):
    _draft(name, draft_id)
    form = ActionForm()
    if form.validate_on_submit():
        with attempt() as failed:
            version = whatif.publish(db_session(), current_user, draft_id)
        if not failed:
            flash(
                t(
                    N_("Published as parameters version {n}; it applies from the next decision."),
                    {"n": version.version},
                ),
                "success",
            )
            return redirect(url_for("decisions.edit_parameters", name=name))
    return redirect(url_for("decisions.draft", name=name, draft_id=draft_id))


@bp.route("/admin/parameters/<name>/drafts/<int:draft_id>/discard", methods=["POST"])
@roles_required("coordinator")
def discard_draft(name: str, draft_id: int):
    _draft(name, draft_id)
    form = ActionForm()
    if form.validate_on_submit():
        with attempt() as failed:
            whatif.discard(db_session(), current_user, draft_id)
        if not failed:
            flash(t(N_("The draft was discarded; the live parameters are unchanged.")), "success")
            return redirect(url_for("decisions.edit_parameters", name=name))
    return redirect(url_for("decisions.draft", name=name, draft_id=draft_id))
