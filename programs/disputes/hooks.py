"""How the three-end loop plugs into the shared machinery: its part of the tick."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from programs import tick
from programs.config import Settings
from programs.disputes import daily


def deadlines(session: Session, today: date, settings: Settings) -> dict[str, Any]:
    """Move expired awards on, warn of near deadlines, mark overdue stages (idempotent)."""
    return daily.tick(session, today).as_dict()


def install() -> None:
    """Register the loop's tick task."""
    tick.register("disputes", deadlines)
