"""A real server in its own process over its own copy of the demo city: gunicorn with three
workers on PostgreSQL, the development server on SQLite — as they are run in production and on
a laptop. Tests talk to it over HTTP with API tokens, as the city's other systems do.

The copy is made with `fengqiao backup`/`restore` from the suite's demo database (seconds,
not the minutes of loading the demo again)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bench import load
from programs import backup
from programs.accounts import tokens
from programs.accounts.models import User
from programs.db import Database
from tests.conftest import empty_database

BIN = Path(sys.executable).parent
CSRF = load.CSRF


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/live/" in str(item.fspath):
            item.add_marker(pytest.mark.slow)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LiveServer:
    """A server process, its address and its database."""

    url: str
    engine: Engine
    process: subprocess.Popen[bytes]
    kind: str
    command: list[str]
    environment: dict[str, str]
    log: Path

    @property
    def database(self) -> Database:
        return Database(self.engine)

    def bearer(self, username: str) -> dict[str, str]:
        """The Authorization header of a new token of that user (committed)."""
        with self.database.transaction() as session:
            user = session.scalar(select(User).where(User.username == username))
            _token, secret = tokens.create(session, user, f"live {time.monotonic_ns()}")
        return {"Authorization": f"Bearer {secret}"}

    def signed_in(self, username: str) -> requests.Session:
        """A browser-like session signed in through the login form."""
        return load.signed_in(self.url, username)

    def start(self) -> None:
        """Start (or restart) the server and wait until it answers."""
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.command,
                env=self.environment,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped: {self.log.read_text()[-3000:]}")
            try:
                if requests.get(f"{self.url}/login", timeout=10).status_code == 200:
                    return
            except requests.RequestException:  # not up yet, or busy starting its workers
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the server did not answer: {self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """Kill the server and every worker at once, as a power cut would (no clean-up)."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture(scope="session")
def real_server(db_engine, tmp_path_factory) -> Iterator[LiveServer]:
    kind = db_engine.dialect.name
    folder = tmp_path_factory.mktemp(f"live-{kind}")
    archive = folder / "demo.zip"
    backup.backup(db_engine, archive)
    with empty_database(kind, folder) as engine:
        backup.restore(engine, archive)
        port = _free_port()
        environment = {
            **os.environ,
            "FENGQIAO_DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "FENGQIAO_INSTANCE_PATH": str(folder / "instance"),
            "FENGQIAO_SECRET_KEY": "live-test-key",
            "FENGQIAO_BASE_URL": f"http://127.0.0.1:{port}",
        }
        if kind == "postgresql":
            command = [
                str(BIN / "gunicorn"),
                "--workers",
                "3",
                "--threads",
                "4",
                "--bind",
                f"127.0.0.1:{port}",
                "--graceful-timeout",
                "5",
                "webapp:create_app()",
            ]
        else:
            command = [str(BIN / "fengqiao"), "serve", "--port", str(port)]
        server = LiveServer(
            f"http://127.0.0.1:{port}",
            engine,
            None,
            kind,
            command,
            environment,  # type: ignore[arg-type]
            folder / "server.log",
        )
        server.start()
        try:
            yield server
        finally:
            server.stop()
