"""How the check-ups plug into the shared machinery: their part of the tick."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from programs import tick
from programs.checkups import daily
from programs.config import Settings


def reminders(session: Session, today: date, settings: Settings) -> dict[str, Any]:
    """Remind overdue fixes (idempotent within a day)."""
    return daily.tick(session, today).as_dict()


def install() -> None:
    """Register the check-ups' tick task."""
    tick.register("checkups", reminders)
