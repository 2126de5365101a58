"""Browser tests: Debian's Chromium driven by Playwright against a live server.

The server runs in a thread over its own database (per engine), loaded with the demo city, so
the pages are the real pages a user meets.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from programs import demo
from programs.config import Settings
from programs.db import Database
from tests.conftest import demo_database

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the whole run."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Chromium is missing: run `make test` (it installs it) or apt-get install chromium"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def live_server(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[str]:
    """The app served on 127.0.0.1 over a fresh database with the demo city; yields its URL."""
    tmp = tmp_path_factory.mktemp(f"live-{request.param}")
    with demo_database(request.param, tmp) as engine:
        yield from _serve(Database(engine), tmp)


# The database behind each live server, by its URL: a test may move the clock of a record (a
# visit "has happened") where no page can.
LIVE_DATABASES: dict[str, Database] = {}


def _serve(database: Database, tmp: Path) -> Iterator[str]:
    from webapp import create_app

    settings = replace(
        Settings.from_env({"FENGQIAO_INSTANCE_PATH": str(tmp / "instance")}),
        secret_key=uuid.uuid4().hex,
    )
    app = create_app({"FENGQIAO_SETTINGS": settings, "DATABASE": database})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    LIVE_DATABASES[url] = database
    try:
        yield url
    finally:
        LIVE_DATABASES.pop(url, None)
        server.shutdown()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) and page; the base URL is the live server."""
    context = browser.new_context(base_url=live_server, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def log_in(page, username: str, password: str = demo.DEMO_PASSWORD) -> None:
    """Log in through the real login form."""
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
