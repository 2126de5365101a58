"""Error pages in the reader's language."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from webapp.api.errors import from_status, respond


def _page(status: int, title: str, message: str):
    if request.path.startswith("/api/"):  # the API answers in JSON, with its own codes
        return respond(from_status(status))
    return render_template("errors/error.html", title=title, message=message), status


def init_app(app: Flask) -> None:
    """Register handlers for the errors users can meet."""

    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError):
        return _page(
            400,
            _("The form has expired"),
            _(
                "For your safety the form could not be sent. Please go back, reload the page and try again."
            ),
        )

    @app.errorhandler(403)
    def forbidden(_error: HTTPException):
        return _page(403, _("Not allowed"), _("Your account cannot open this page."))

    @app.errorhandler(404)
    def not_found(_error: HTTPException):
        return _page(404, _("Page not found"), _("The page you asked for does not exist."))

    @app.errorhandler(405)
    def method_not_allowed(_error: HTTPException):
        return _page(405, _("Not allowed"), _("This address cannot be used that way."))

    @app.errorhandler(413)
    def too_large(_error: HTTPException):
        return _page(
            413, _("File too large"), _("The file is larger than 8 MB. Please send a smaller file.")
        )

    @app.errorhandler(500)
    def server_error(_error: Exception):
        return _page(
            500,
            _("Something went wrong"),
            _("Nothing was saved. Please try again; if it happens again, tell the coordinator."),
        )
