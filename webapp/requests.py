"""One database session and one commit point per request.

Views and services only flush. After the view returns, a successful response commits; an error
response or an exception rolls back. Committing before the response is sent means a user is
never told "saved" about something that was not.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, Response, current_app, flash, g, request
from sqlalchemy.orm import Session

from programs.db import WRITE, Database
from programs.errors import DomainError
from programs.i18n import translate

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def database() -> Database:
    """The app's database."""
    return current_app.extensions["fengqiao.db"]


def db_session() -> Session:
    """This request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = database().sessionmaker()
        if request.method not in SAFE_METHODS:
            # A request that may write says so up front (SQLite then locks for writing at the
            # start, so concurrent writers queue instead of failing; PostgreSQL ignores it).
            g.db_session.connection(execution_options={WRITE: True})
    return g.db_session


@contextmanager
def attempt(form: Any = None, field_prefix: str = "") -> Iterator[list[DomainError]]:
    """Run a service call; a DomainError is rolled back and shown beside its field or flashed.

    Usage: `with attempt(form) as failed: services.x(...)`, then `if not failed: redirect`.
    The savepoint means a refused operation leaves nothing half-done in the request's session.
    """
    from webapp.extensions import current_locale

    failed: list[DomainError] = []
    savepoint = db_session().begin_nested()
    try:
        yield failed
        savepoint.commit()
    except DomainError as error:
        savepoint.rollback()
        failed.append(error)
        reasons = getattr(error, "reasons", None)
        if reasons:
            rule_word = translate("Rule", current_locale())
            for rule, msgid, params in reasons:
                flash(
                    f"{translate(msgid, current_locale(), params)}（{rule_word}：{rule}）", "error"
                )
            return
        text = translate(error.msgid, current_locale(), error.params)
        field = None
        if form is not None and error.field:
            field = getattr(form, field_prefix + error.field, None) or getattr(
                form, error.field, None
            )
        if field is not None:
            field.errors = [*field.errors, text]
        else:
            flash(text, "error")


def init_app(app: Flask) -> None:
    """Install the commit point."""

    @app.after_request
    def _commit(response: Response) -> Response:
        session: Session | None = g.pop("db_session", None)
        if session is None:
            return response
        try:
            if response.status_code < 400:
                session.commit()
            else:
                session.rollback()
        finally:
            session.close()
        return response

    @app.teardown_request
    def _cleanup(_exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            session.rollback()
            session.close()
