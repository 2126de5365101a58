"""Test fixtures: both database engines, the app, logins, a real SMTP server.

Every test that uses the `db` fixture (directly or through `app`/`client`) runs once per engine:
SQLite always, PostgreSQL when reachable. With CI=true an unreachable PostgreSQL fails the run
instead of skipping. Each engine gets its own migrated database with the demo city loaded once;
each test runs inside a transaction that is rolled back, so tests never see each other's data.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from programs import demo, hooks, schema
from programs.config import Settings, SmtpSettings
from programs.db import Database, make_engine
from programs.notifications.services import deliver_pending

PG_URL = os.environ.get("FENGQIAO_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _pg_reachable() -> str | None:
    """None if PostgreSQL answers, else the reason it does not."""
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:  # any failure to connect means "not reachable"
        return f"{type(exc).__name__}: {exc}".splitlines()[0]
    return None


_PG_PROBLEM = _pg_reachable()
ENGINES = ["sqlite", "postgresql"]


def pytest_configure(config: pytest.Config) -> None:
    if IN_CI and _PG_PROBLEM:
        raise pytest.UsageError(
            f"CI=true but PostgreSQL at {PG_URL} is unreachable ({_PG_PROBLEM}); "
            "the database tests must run on both engines."
        )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "db_engine" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


@pytest.fixture(scope="session", autouse=True)
def program_hooks() -> None:
    """Every program's feeds, re-check providers and tick tasks, as in the app and the CLI."""
    hooks.install()


@pytest.fixture(autouse=True)
def empty_figure_cache() -> None:
    """Each test starts with no figures or feeds kept: tests share one connection between
    sessions, so a session can read another's uncommitted records (which no stamp describes),
    as no two sessions of the app can."""
    from reports.dashboard import CACHE
    from webapp.calendar.routes import _FEEDS
    from webapp.prevention.routes import SEASONS

    CACHE.clear()
    _FEEDS.clear()
    SEASONS.clear()


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@contextmanager
def empty_database(kind: str, folder: Path) -> Iterator[Engine]:
    """A new, empty database of `kind` ("sqlite" or "postgresql"), dropped afterwards.

    PostgreSQL gets a schema of its own, so runs never meet.
    """
    drop: Callable[[], None] | None = None
    if kind == "postgresql":
        if _PG_PROBLEM:
            pytest.skip(f"PostgreSQL unreachable: {_PG_PROBLEM}")
        name = f"fq_test_{_worker()}_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
        # The schema in the address itself, so that another process (a live server) can use it.
        engine = make_engine(f"{PG_URL}?options=-csearch_path%3D{name}")

        def drop() -> None:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
            admin.dispose()
    else:
        engine = make_engine(f"sqlite:///{folder / f'fengqiao-{uuid.uuid4().hex[:8]}.sqlite3'}")
    try:
        yield engine
    finally:
        engine.dispose()
        if drop is not None:
            drop()


@contextmanager
def demo_database(kind: str, folder: Path) -> Iterator[Engine]:
    """A new database of `kind`, migrated, with the demo city."""
    with empty_database(kind, folder) as engine:
        schema.upgrade(engine)
        database = Database(engine)
        with database.transaction() as session:
            demo.load(session)
        deliver_pending(database, SmtpSettings(host=None))  # the demo's welcome mail: local outbox
        yield engine


@pytest.fixture(scope="session", params=ENGINES)
def db_engine(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[Engine]:
    """A migrated database with the demo city, per engine (and per xdist worker)."""
    with demo_database(request.param, tmp_path_factory.mktemp(f"db-{_worker()}")) as engine:
        yield engine


@pytest.fixture
def connection(db_engine: Engine) -> Iterator[Connection]:
    """One connection inside a transaction that is rolled back after the test."""
    conn = db_engine.connect()
    outer = conn.begin()
    yield conn
    outer.rollback()
    conn.close()


@pytest.fixture
def db(connection: Connection) -> Database:
    """A Database whose commits only release savepoints inside the test's transaction."""
    return Database(connection, savepoints=True)


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    """A session for service tests."""
    s = db.sessionmaker()
    yield s
    s.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for a test app: its own instance folder, no SMTP unless a test sets one, PDFs
    laid out in the test's own process (the live servers lay out beside it, as in production)."""
    return replace(
        Settings.from_env({"FENGQIAO_INSTANCE_PATH": str(tmp_path / "instance")}),
        secret_key="test-secret",
        pdf_layouts=0,
    )


@pytest.fixture
def make_app(db: Database, settings: Settings) -> Callable[..., object]:
    """Build an app over the test database; keyword arguments override Flask config."""
    from webapp import create_app

    def factory(smtp: SmtpSettings | None = None, **config: object):
        s = replace(settings, smtp=smtp) if smtp else settings
        return create_app({"TESTING": True, "FENGQIAO_SETTINGS": s, "DATABASE": db, **config})

    return factory


@pytest.fixture
def app(make_app):
    """The app with CSRF checks on, as in production."""
    return make_app()


@pytest.fixture
def client(app):
    """A test client of `app`."""
    return app.test_client()


@pytest.fixture
def login(app) -> Callable[..., object]:
    """Log a client in as `username` (demo password by default); returns the client."""
    from tests.helpers import csrf_token

    def do_login(username: str, password: str = demo.DEMO_PASSWORD, client=None):
        client = client or app.test_client()
        token = csrf_token(client, "/login")
        response = client.post(
            "/login", data={"username": username, "password": password, "csrf_token": token}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return do_login


@pytest.fixture
def smtp_server() -> Iterator[tuple[SmtpSettings, list]]:
    """A real SMTP server on 127.0.0.1 that keeps what it receives."""
    from aiosmtpd.controller import Controller

    received: list = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope)
            return "250 OK"

    with socket.socket() as probe:  # a free port (aiosmtpd cannot be asked for port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpSettings(host="127.0.0.1", port=port, sender="noreply@fengqiao.test"), received
    finally:
        controller.stop()
