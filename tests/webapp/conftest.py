"""Fixtures of the page and API tests."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from programs.accounts import tokens
from programs.accounts.models import User


@pytest.fixture
def token_of(session):
    """`token_of("mediator")`: the Authorization header of a token of that demo user (one
    token per user and test, made on first use)."""
    made: dict[str, dict[str, str]] = {}

    def make(username: str) -> dict[str, str]:
        if username not in made:
            user = session.scalar(select(User).where(User.username == username))
            _token, secret = tokens.create(session, user, f"测试系统 {username}")
            session.flush()
            made[username] = {"Authorization": f"Bearer {secret}"}
        return dict(made[username])

    return make
