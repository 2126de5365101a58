"""Logging in and out, signing up, and one's own account."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from programs.accounts import services, throttle, tokens
from programs.calendar import feeds
from programs.db import utcnow
from programs.errors import NotFound
from programs.i18n import N_
from webapp.auth.forms import (
    EnterpriseSignupForm,
    LanguageForm,
    LoginForm,
    PasswordForm,
    SchoolSignupForm,
    TokenForm,
)
from webapp.calendar.routes import feed_url
from webapp.extensions import current_locale, t
from webapp.requests import attempt, database, db_session

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only follow a `next` that stays on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        address, now = request.remote_addr or "", utcnow()
        with attempt(form) as failed:
            throttle.check(db_session(), form.username.data, address, now=now)
            user = services.authenticate(db_session(), form.username.data, form.password.data)
        if not failed:
            throttle.record(db_session(), form.username.data, address, succeeded=True, now=now)
            session.clear()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("home.index"))
        if isinstance(failed[0], throttle.LockedOut):
            status = 429
        else:
            # Counted in a transaction of its own, once this refused request's (which the
            # commit point rolls back) has ended: it wrote nothing to keep.
            db_session().rollback()
            with database().transaction(write=True) as log:
                throttle.record(log, form.username.data, address, succeeded=False, now=now)
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    session.clear()
    flash(t(N_("You have logged out.")), "info")
    return redirect(url_for("auth.login"))


@bp.route("/signup")
def signup():
    return render_template("auth/signup.html")


def _settings():
    from flask import current_app

    return current_app.config["FENGQIAO_SETTINGS"]


@bp.route("/signup/enterprise", methods=["GET", "POST"])
def signup_enterprise():
    form = EnterpriseSignupForm().load()
    if form.validate_on_submit():
        with attempt(form) as failed:
            services.signup_enterprise(
                db_session(),
                services.EnterpriseSignup(
                    credit_code=form.credit_code.data,
                    name=form.name.data,
                    town_id=form.town_id.data,
                    industry=form.industry.data,
                    employee_count=form.employee_count.data,
                    contact_name=form.contact_name.data,
                    username=form.username.data,
                    password=form.password.data,
                    email=form.email.data,
                    phone=form.phone.data or "",
                    locale=current_locale(),
                ),
                base_url=_settings().base_url,
            )
        if not failed:
            return redirect(url_for("auth.signup_done"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/signup_form.html", form=form, kind="enterprise"), status


@bp.route("/signup/school", methods=["GET", "POST"])
def signup_school():
    form = SchoolSignupForm().load()
    if form.validate_on_submit():
        with attempt(form) as failed:
            services.signup_school(
                db_session(),
                services.SchoolSignup(
                    name=form.name.data,
                    town_id=form.town_id.data,
                    level=form.level.data,
                    contact_name=form.contact_name.data,
                    username=form.username.data,
                    password=form.password.data,
                    email=form.email.data,
                    phone=form.phone.data or "",
                    locale=current_locale(),
                ),
                base_url=_settings().base_url,
            )
        if not failed:
            return redirect(url_for("auth.signup_done"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/signup_form.html", form=form, kind="school"), status


@bp.route("/signup/done")
def signup_done():
    return render_template("auth/signup_done.html")


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    password_form = PasswordForm(prefix="pw")
    token_form = TokenForm(prefix="tk")
    new_token = None
    language_form = LanguageForm(prefix="lang", locale=current_user.locale)
    status = 200
    if request.method == "POST" and request.form.get("action") == "password":
        if password_form.validate():
            with attempt(password_form) as failed:
                services.change_password(
                    db_session(),
                    current_user,
                    password_form.current_password.data,
                    password_form.new_password.data,
                )
            if not failed:
                # Keep this session valid after the version bump (pass the user, not the proxy).
                login_user(current_user._get_current_object())
                flash(t(N_("Your password has been changed.")), "success")
                return redirect(url_for("auth.account"))
        status = 422
    elif request.method == "POST" and request.form.get("action") == "token":
        if token_form.validate():
            with attempt(token_form) as failed:
                made, secret = tokens.create(db_session(), current_user, token_form.name.data)
            if not failed:
                # Shown on this page once, never stored: not flashed (a flash travels in the
                # session cookie).
                new_token = (made, secret)
                token_form = TokenForm(prefix="tk", formdata=None)
            else:
                status = 422
        else:
            status = 422
    elif request.method == "POST" and request.form.get("action") == "language":
        if language_form.validate():
            services.set_locale(db_session(), current_user, language_form.locale.data)
            return redirect(url_for("auth.account"))
        status = 422
    token = feeds.token_of(db_session(), current_user)
    return render_template(
        "auth/account.html",
        password_form=password_form,
        language_form=language_form,
        feed_token=token,
        feed_url=feed_url(token.token) if token else None,
        token_form=token_form,
        new_token=new_token,
        api_tokens=tokens.live_tokens(db_session(), current_user),
    ), status


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    """Revoke one of one's API tokens: the next call with it is refused."""
    try:
        revoked = tokens.revoke(db_session(), current_user, token_id)
    except NotFound:
        abort(404)
    flash(t(N_("The token {name} was revoked."), {"name": revoked.name}), "success")
    return redirect(url_for("auth.account") + "#tokens")
