"""Slowing down password guessing: an account is locked for a while after a few wrong
passwords in a row, and an address that tries many accounts is held back too.

The attempts are counted in the database (`login_attempts`), so every worker of a server sees
the same count, and a restart does not reset it. A successful login ends the run of failures.
The lock says until when, and a coordinator's password reset ends it at once.

Nothing here reveals whether an account exists: a name nobody has is locked the same way.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from calendars.workdays import TZ as SHANGHAI
from programs.accounts.models import LoginAttempt
from programs.errors import DomainError
from programs.i18n import N_

ACCOUNT_FAILURES = 5  # wrong passwords in a row that lock an account…
ADDRESS_FAILURES = 30  # …and failures from one address (over any accounts) that hold it back
WINDOW = timedelta(minutes=15)  # how far back failures count, and how long a lock lasts
KEPT = timedelta(days=30)


class LockedOut(DomainError):
    """Too many failures: no password is checked until `until`."""

    def __init__(self, msgid: str, until: datetime) -> None:
        local = until.astimezone(SHANGHAI)
        super().__init__(msgid, {"until": local.strftime("%H:%M")}, field="password")
        self.until = until


def _normal(username: str) -> str:
    return username.strip().lower()[:80]


def check(session: Session, username: str, address: str, *, now: datetime) -> None:
    """Refuse (LockedOut) before the password is even looked at, when the account or the
    address has failed too often lately."""
    name = _normal(username)
    last_success = session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.username == name, LoginAttempt.succeeded
        )
    )
    since = max(now - WINDOW, last_success) if last_success else now - WINDOW
    failures = list(
        session.scalars(
            select(LoginAttempt.at)
            .where(
                LoginAttempt.username == name,
                LoginAttempt.at > since,
                LoginAttempt.succeeded.is_(False),
            )
            .order_by(LoginAttempt.at.desc())
            .limit(ACCOUNT_FAILURES)
        )
    )
    if len(failures) >= ACCOUNT_FAILURES:
        raise LockedOut(
            N_(
                "Too many wrong passwords for this account. Try again after {until}, or ask a "
                "coordinator to reset the password."
            ),
            failures[0] + WINDOW,
        )
    from_address = list(
        session.scalars(
            select(LoginAttempt.at)
            .where(
                LoginAttempt.address == address,
                LoginAttempt.at > now - WINDOW,
                LoginAttempt.succeeded.is_(False),
            )
            .order_by(LoginAttempt.at.desc())
            .limit(ADDRESS_FAILURES)
        )
    )
    if len(from_address) >= ADDRESS_FAILURES:
        raise LockedOut(
            N_("Too many failed logins from your network. Try again after {until}."),
            from_address[-1] + WINDOW,
        )


def record(
    session: Session, username: str, address: str, *, succeeded: bool, now: datetime
) -> None:
    """Count one attempt."""
    session.add(
        LoginAttempt(username=_normal(username), address=address[:45], at=now, succeeded=succeeded)
    )
    session.flush()


def unlock(session: Session, username: str, *, now: datetime) -> None:
    """End a lock at once (a coordinator reset the password): as if the user had got in."""
    record(session, username, "", succeeded=True, now=now)


def prune(session: Session, *, now: datetime) -> int:
    """Forget attempts older than a month; how many were forgotten."""
    result = session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - KEPT))
    return result.rowcount or 0
