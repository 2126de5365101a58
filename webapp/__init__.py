"""The Flask web application: thin views over the operations in `programs/`.

`create_app(config=None)` builds the app; `config` may override any Flask setting and
`FENGQIAO_SETTINGS` (a programs.config.Settings) or `DATABASE` (a programs.db.Database).
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from programs import hooks
from programs.config import Settings
from programs.db import Database
from programs.i18n import DEFAULT_LOCALE, TRANSLATIONS_DIR, compile_catalogs
from programs.notifications.services import deliver_after_commit


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Application factory."""
    config = dict(config or {})
    settings: Settings = config.pop("FENGQIAO_SETTINGS", None) or Settings.from_env()
    settings = settings.with_secret_key()
    app = Flask(__name__, instance_path=str(settings.instance_path))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        BABEL_DEFAULT_LOCALE=DEFAULT_LOCALE,
        BABEL_DEFAULT_TIMEZONE="Asia/Shanghai",
        BABEL_TRANSLATION_DIRECTORIES=str(TRANSLATIONS_DIR),
        MAX_CONTENT_LENGTH=8 * 1024 * 1024,
        FENGQIAO_SETTINGS=settings,
    )
    app.config.update(config)
    app.jinja_env.add_extension("jinja2.ext.do")
    if settings.base_url.startswith("https") and "SESSION_COOKIE_SECURE" not in config:
        # Behind HTTPS the cookies never travel in clear (Flask's default is False, not None).
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True

    database = app.config.pop("DATABASE", None) or Database.from_url(settings.database_url)
    app.extensions["fengqiao.db"] = database
    deliver_after_commit(database, settings.smtp)
    compile_catalogs()
    hooks.install()
    from reports import pdf

    # A PDF is laid out beside the worker, not in its threads (see reports.pdf.LayoutProcess).
    layouts = settings.pdf_layouts
    pdf.lay_out_elsewhere(None if layouts == 0 else settings.instance_path / "layout", layouts)

    from webapp import errors, extensions, requests, security

    extensions.init_app(app)
    requests.init_app(app)
    errors.init_app(app)
    security.init_app(app)

    from webapp.admin.routes import bp as admin_bp
    from webapp.api.routes import bp as api_bp
    from webapp.auth.routes import bp as auth_bp
    from webapp.calendar.routes import bp as calendar_bp
    from webapp.calendar.routes import feed_bp
    from webapp.checkups.routes import bp as checkups_bp
    from webapp.decisions.routes import bp as decisions_bp
    from webapp.directory.routes import bp as directory_bp
    from webapp.disputes.routes import bp as disputes_bp
    from webapp.friday.routes import bp as friday_bp
    from webapp.home.routes import bp as home_bp
    from webapp.prevention.routes import bp as prevention_bp
    from webapp.reports.routes import bp as reports_bp
    from webapp.study.routes import bp as study_bp

    for blueprint in (
        auth_bp,
        home_bp,
        directory_bp,
        admin_bp,
        decisions_bp,
        calendar_bp,
        feed_bp,
        study_bp,
        friday_bp,
        disputes_bp,
        checkups_bp,
        reports_bp,
        prevention_bp,
        api_bp,
    ):
        app.register_blueprint(blueprint)
    return app
