"""Password guessing is slowed down: a few wrong passwords lock the account for a while (said
plainly, with until when), many failures from one address hold it back, a success or a
coordinator's reset ends the run; nothing tells whether an account exists."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from programs import demo
from programs.accounts import services, throttle
from programs.accounts.models import LoginAttempt, User
from programs.db import utcnow
from tests.helpers import post_form


def _login(client, username: str, password: str):
    return post_form(client, "/login", {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(client, session):
    for _ in range(throttle.ACCOUNT_FAILURES):
        assert _login(client, "mediator", "guess-guess").status_code == 422
    locked = _login(client, "mediator", demo.DEMO_PASSWORD)
    assert locked.status_code == 429
    page = locked.get_data(as_text=True)
    assert "密码错误次数过多" in page and "mediator" in page  # said plainly, the name kept
    # Another account from the same address is not affected.
    assert _login(client, "school", demo.DEMO_PASSWORD).status_code == 302
    assert (
        session.scalar(
            select(func.count()).where(
                LoginAttempt.username == "mediator", LoginAttempt.succeeded.is_(False)
            )
        )
        == throttle.ACCOUNT_FAILURES
    )  # the locked try is not counted: a lock cannot be extended


def test_a_name_nobody_has_is_locked_the_same_way(client):
    for _ in range(throttle.ACCOUNT_FAILURES):
        _login(client, "nobody-at-all", "guess-guess")
    assert _login(client, "nobody-at-all", "guess-guess").status_code == 429


def test_a_coordinators_reset_ends_the_lock(client, session):
    for _ in range(throttle.ACCOUNT_FAILURES):
        _login(client, "consultant", "guess-guess")
    coordinator = session.scalar(select(User).where(User.username == "coordinator"))
    consultant = session.scalar(select(User).where(User.username == "consultant"))
    new_password = services.reset_password(session, coordinator, consultant.id)
    session.flush()
    assert _login(client, "consultant", new_password).status_code == 302


def _fail(session, username: str, address: str, at) -> None:
    throttle.record(session, username, address, succeeded=False, now=at)


def test_only_recent_failures_in_a_row_count(session):
    now = utcnow()
    for minutes in (40, 30, 20):  # long ago
        _fail(session, "school", "10.0.0.1", now - timedelta(minutes=minutes))
    for minutes in (5, 4):
        _fail(session, "school", "10.0.0.1", now - timedelta(minutes=minutes))
    throttle.record(session, "school", "10.0.0.1", succeeded=True, now=now - timedelta(minutes=3))
    for minutes in (2, 1):
        _fail(session, "school", "10.0.0.1", now - timedelta(minutes=minutes))
    throttle.check(session, "school", "10.0.0.1", now=now)  # 2 since the success: open
    for _ in range(3):
        _fail(session, "school", "10.0.0.1", now)
    with pytest.raises(throttle.LockedOut) as locked:
        throttle.check(session, " School ", "10.0.0.2", now=now)  # the name as typed
    assert locked.value.until == now + throttle.WINDOW
    throttle.check(session, "school", "10.0.0.1", now=now + throttle.WINDOW)  # it ends


def test_an_address_trying_many_accounts_is_held_back(session):
    now = utcnow()
    for n in range(throttle.ADDRESS_FAILURES):
        _fail(session, f"name-{n}", "203.0.113.9", now - timedelta(seconds=n))
    with pytest.raises(throttle.LockedOut, match="network"):
        throttle.check(session, "coordinator", "203.0.113.9", now=now)
    throttle.check(session, "coordinator", "203.0.113.10", now=now)


def test_attempts_are_forgotten_after_a_month(session):
    now = utcnow()
    _fail(session, "old", "10.0.0.1", now - timedelta(days=31))
    _fail(session, "new", "10.0.0.1", now - timedelta(days=29))
    assert throttle.prune(session, now=now) >= 1
    names = set(session.scalars(select(LoginAttempt.username)))
    assert "new" in names and "old" not in names
