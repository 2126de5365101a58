"""Flask extensions: login, CSRF, translations, and the template helpers that use them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from babel.dates import format_skeleton
from flask import Flask, g, request, session
from flask_babel import Babel, get_locale
from flask_login import LoginManager, current_user
from flask_wtf import CSRFProtect

from calendars import TZ
from programs.accounts.models import ACCOUNT_STATUSES, ROLES, User
from programs.directory.models import (
    INDUSTRIES,
    LEGAL_FORMS,
    PROBLEM_CATEGORIES,
    RECORD_STATUSES,
    SCHOOL_LEVELS,
)
from programs.i18n import DEFAULT_LOCALE, LOCALES, N_, format_date, format_datetime, translate
from programs.notifications.services import unread_count
from programs.study_tours.models import VISIT_STATUSES
from webapp import nav
from webapp.requests import db_session

VOCABULARIES = {
    "industries": INDUSTRIES,
    "legal_forms": LEGAL_FORMS,
    "categories": PROBLEM_CATEGORIES,
    "school_levels": SCHOOL_LEVELS,
    "record_statuses": RECORD_STATUSES,
    "account_statuses": ACCOUNT_STATUSES,
    "roles": ROLES,
}

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


@login_manager.user_loader
def load_user(key: str) -> User | None:
    """Load the user of a session; a session from before a password change is no longer valid."""
    user_id, _, version = key.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db_session().get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.is_active:
        return None
    return user


def select_locale() -> str:
    """The signed-in user's language; otherwise what the visitor chose; otherwise Chinese."""
    if current_user and current_user.is_authenticated:
        return current_user.locale
    chosen = session.get("locale")
    return chosen if chosen in LOCALES else DEFAULT_LOCALE


def citations(bases: Iterable[Any]) -> str:
    """Articles of law cited in the reader's language: 《…》第十条第二款 in Chinese, the
    statute's English name and "art. 10(2)" in English."""
    if current_locale() == "en":
        return "; ".join(f"{t(b.statute.name_en)} {b.citation}" for b in bases)
    return "；".join(b.citation_zh for b in bases)


def current_locale() -> str:
    """The locale of this request as our catalog names it (zh_Hans or en)."""
    locale = get_locale()
    if locale is None:
        return DEFAULT_LOCALE
    return "en" if locale.language == "en" else "zh_Hans"


def t(message: Any, params: dict[str, Any] | None = None) -> str:
    """Translate a message id (or anything with msgid and params) for this request's reader."""
    if message is None:
        return ""
    return translate(message, current_locale(), params)


# Decisions logged by the planners rather than a registered ruleset.
PLANNER_LABELS = {
    "study_planner": N_("The study-tour planner"),
    "friday_roster": N_("The Friday roster planner"),
}


def ruleset_label(name: str) -> str:
    """What a decision's ruleset is about, in the reader's language (its name if unknown)."""
    import rules

    if name in PLANNER_LABELS:
        return t(PLANNER_LABELS[name])
    try:
        description = rules.registry.get(name).description
    except Exception:  # an unknown or retired ruleset: show its name
        return name
    return t(description) if description else name


def init_app(app: Flask) -> None:
    """Register the extensions and template globals."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = N_("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def shell() -> dict[str, Any]:
        unread = 0
        if current_user.is_authenticated:
            if "unread" not in g:
                g.unread = unread_count(db_session(), current_user.id)
            unread = g.unread
        return {
            "t": t,
            "locale": current_locale(),
            "html_lang": "en" if current_locale() == "en" else "zh-Hans",
            "unread_count": unread,
            "role_names": ROLES,
            "vocab": VOCABULARIES,
            "study_statuses": VISIT_STATUSES,
            "nav_items": nav.for_role(current_user.role) if current_user.is_authenticated else [],
        }

    app.jinja_env.filters["t"] = t
    app.jinja_env.filters["citations"] = citations
    app.jinja_env.globals["ruleset_label"] = ruleset_label
    app.jinja_env.globals["zip"] = zip
    app.jinja_env.filters["date"] = lambda d: format_date(d, current_locale()) if d else ""
    app.jinja_env.filters["datetime"] = lambda d: format_datetime(d, current_locale()) if d else ""
    app.jinja_env.filters["hm"] = lambda d: d.astimezone(TZ).strftime("%H:%M") if d else ""
    app.jinja_env.filters["month"] = lambda d: (
        format_skeleton("yMMMM", d, locale="en" if current_locale() == "en" else "zh_Hans")
        if d
        else ""
    )

    @app.before_request
    def _remember_locale_choice() -> None:
        chosen = request.args.get("lang")
        if chosen in LOCALES:
            session["locale"] = chosen
