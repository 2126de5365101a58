"""The tick: time-driven work, run by `fengqiao tick` from cron every few minutes.

Deadlines are data, not timers: each run looks at the database and the calendar as they are
now, so a missed run loses nothing and two runs in a row do no harm (idempotent). Programs
add their own tasks (deadline warnings, escalations) with `register`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from programs.accounts import throttle
from programs.calendar import services as calendar_services
from programs.config import Settings
from programs.db import Database, utcnow
from programs.notifications.services import deliver_pending

Task = Callable[[Session, date, Settings], dict[str, Any]]
_tasks: dict[str, Task] = {}


def register(name: str, task: Task) -> None:
    """Add a program's task to every tick."""
    _tasks[name] = task


def holiday_data(session: Session, today: date, settings: Settings) -> dict[str, Any]:
    """Re-check what is dated in a year whose holiday data changed (last year to next year)."""
    checks = calendar_services.check_holiday_data(
        session, [today.year - 1, today.year, today.year + 1], base_url=settings.base_url
    )
    return {
        "changed": [c.year for c in checks if c.changed],
        "provisional": [c.year for c in checks if c.provisional],
        "rechecked": sum(c.rechecked for c in checks),
    }


register("holiday_data", holiday_data)


def login_attempts(session: Session, today: date, settings: Settings) -> dict[str, Any]:
    """Forget login attempts older than a month."""
    return {"forgotten": throttle.prune(session, now=utcnow())}


register("login_attempts", login_attempts)


@dataclass(frozen=True)
class TickReport:
    """What one tick did, task by task."""

    results: dict[str, dict[str, Any]]
    mail_sent: int


def run(database: Database, settings: Settings, today: date) -> TickReport:
    """Run every task, each in its own transaction, then retry mail that failed to go."""
    results = {}
    for name in sorted(_tasks):
        with database.transaction(write=True) as session:
            results[name] = _tasks[name](session, today, settings)
    sent = deliver_pending(database, settings.smtp, retry_failed=True)
    return TickReport(results, sent)
