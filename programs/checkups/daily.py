"""The check-ups' part of the daily tick: reminders of overdue fixes.

A finding still open after its due day is reminded to the firm's accounts and the consultant,
once, and again every REMIND_EVERY_DAYS days while it stays open; each person gets one message
per check-up, naming how many of its findings are overdue. Running twice on one day changes
nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from programs.checkups import services
from programs.checkups.models import Checkup, CheckupItem
from programs.i18n import N_
from programs.notifications.services import notify


@dataclass(frozen=True)
class TickCounts:
    """What one run did."""

    reminded_findings: int
    reminded_checkups: int
    messages: int

    def as_dict(self) -> dict[str, int]:
        """For the tick's report."""
        return {
            "reminded_findings": self.reminded_findings,
            "reminded_checkups": self.reminded_checkups,
            "messages": self.messages,
        }


def tick(session: Session, today: date) -> TickCounts:
    """Remind the overdue fixes that are due a reminder today."""
    last_allowed = today - timedelta(days=services.REMIND_EVERY_DAYS)
    items = list(
        session.scalars(
            select(CheckupItem)
            .join(CheckupItem.checkup)
            .where(
                Checkup.status == "reported",
                CheckupItem.fix_status == "open",
                CheckupItem.fix_due_on < today,
                or_(CheckupItem.reminded_on.is_(None), CheckupItem.reminded_on <= last_allowed),
            )
            .options(selectinload(CheckupItem.checkup).selectinload(Checkup.enterprise))
            .order_by(CheckupItem.checkup_id, CheckupItem.position)
        )
    )
    by_checkup: dict[int, list[CheckupItem]] = defaultdict(list)
    for item in items:
        by_checkup[item.checkup_id].append(item)
        item.reminded_on = today
    messages = 0
    for overdue in by_checkup.values():
        checkup = overdue[0].checkup
        users = services.firm_users(session, checkup.enterprise_id) + services.consultant_users(
            session, checkup.consultant_id
        )
        for user in users:
            notify(
                session,
                user,
                N_("{count} findings of the check-up {number} ({firm}) are past their fix date"),
                N_("The earliest was due on {date}. Fix them, or accept the risk in writing."),
                {
                    "count": len(overdue),
                    "number": checkup.number,
                    "firm": checkup.enterprise.name,
                    "date": min(i.fix_due_on for i in overdue if i.fix_due_on).isoformat(),
                },
                link=f"/checkups/{checkup.id}",
            )
            messages += 1
    session.flush()
    return TickCounts(len(items), len(by_checkup), messages)
