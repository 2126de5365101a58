"""Re-checks: when the calendar changes, every dated record it touches is looked at again.

Each program registers a provider for its published bookings and open deadlines. When a
coordinator adds a closure, or a package upgrade changes a year's holiday data, `run()` asks
every provider for its records in the affected dates and whether each still holds. What no
longer holds is flagged for the coordinators, with the reason, and the people concerned are
notified. Nothing is moved: a person decides what to do.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from programs.accounts.models import User
from programs.calendar.models import RecheckFlag
from programs.db import utcnow
from programs.errors import DomainError, NotFound
from programs.i18n import N_
from programs.notifications.services import notify


@dataclass(frozen=True)
class Problem:
    """Why a record no longer holds: a message id and its parameters."""

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DatedRecord:
    """A booking or deadline that rests on the calendar, as a provider describes it."""

    subject_type: str
    subject_id: int
    label: str
    dates: tuple[date, ...]
    link: str | None = None
    user_ids: tuple[int, ...] = ()


class Provider(Protocol):
    """What a program plugs into the re-check: its dated records, and a check of one."""

    name: str

    def records(self, session: Session, start_on: date, end_on: date) -> Iterable[DatedRecord]:
        """Published records with a date in the inclusive range."""
        ...

    def recheck(self, session: Session, record: DatedRecord) -> list[Problem]:
        """What is wrong with the record under today's calendar (empty: it still holds)."""
        ...


_providers: dict[str, Provider] = {}


def register(provider: Provider) -> Provider:
    """Add a program's provider (once per name; registering again replaces it)."""
    _providers[provider.name] = provider
    return provider


def unregister(name: str) -> None:
    """Remove a provider (tests)."""
    _providers.pop(name, None)


def providers() -> list[Provider]:
    """The registered providers, in name order."""
    return [_providers[name] for name in sorted(_providers)]


def _fingerprint(problem: Problem) -> str:
    payload = json.dumps([problem.msgid, problem.params], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class RecheckResult:
    """What a re-check looked at and what it raised."""

    checked: int
    flags: list[RecheckFlag]


def run(
    session: Session,
    *,
    cause: Problem,
    start_on: date,
    end_on: date,
    base_url: str = "",
) -> RecheckResult:
    """Re-check every record dated in the range; flag and notify what no longer holds.

    Idempotent: a problem already flagged and not yet resolved is not flagged (or notified)
    again, so the tick may run this as often as it likes.
    """
    checked = 0
    flags: list[RecheckFlag] = []
    for provider in providers():
        for record in provider.records(session, start_on, end_on):
            checked += 1
            for problem in provider.recheck(session, record):
                fingerprint = _fingerprint(problem)
                open_flag = session.scalar(
                    select(RecheckFlag.id).where(
                        RecheckFlag.subject_type == record.subject_type,
                        RecheckFlag.subject_id == record.subject_id,
                        RecheckFlag.fingerprint == fingerprint,
                        RecheckFlag.resolved_at.is_(None),
                    )
                )
                if open_flag:
                    continue
                flag = RecheckFlag(
                    provider=provider.name,
                    subject_type=record.subject_type,
                    subject_id=record.subject_id,
                    label=record.label[:200],
                    link=record.link,
                    msgid=problem.msgid,
                    params=dict(problem.params),
                    cause_msgid=cause.msgid,
                    cause_params=dict(cause.params),
                    fingerprint=fingerprint,
                )
                session.add(flag)
                flags.append(flag)
                for user_id in record.user_ids:
                    user = session.get(User, user_id)
                    if user is not None and user.is_active:
                        notify(
                            session,
                            user,
                            N_("Please check: {label}"),
                            problem.msgid,
                            {"label": record.label, **problem.params},
                            link=record.link,
                            base_url=base_url,
                        )
    session.flush()
    if flags:
        coordinators = session.scalars(
            select(User).where(User.role == "coordinator", User.status == "active")
        )
        for coordinator in coordinators:
            notify(
                session,
                coordinator,
                N_("The calendar changed: {count} records need a look"),
                cause.msgid,
                {"count": len(flags), **cause.params},
                link="/calendar/rechecks",
                base_url=base_url,
            )
    return RecheckResult(checked, flags)


def open_flags(session: Session) -> list[RecheckFlag]:
    """Flags nobody has resolved yet, oldest first."""
    return list(
        session.scalars(
            select(RecheckFlag).where(RecheckFlag.resolved_at.is_(None)).order_by(RecheckFlag.id)
        )
    )


def resolve(session: Session, actor: User, flag_id: int, note: str) -> RecheckFlag:
    """A coordinator records what was done about a flag (a note is required)."""
    if actor.role != "coordinator":
        raise DomainError(N_("Only a coordinator can resolve a flag."))
    if not note.strip():
        raise DomainError(N_("Say what was done about it."), field="note")
    flag = session.get(RecheckFlag, flag_id)
    if flag is None or flag.resolved_at is not None:
        raise NotFound(N_("The page you asked for does not exist."))
    flag.resolved_at = utcnow()
    flag.resolved_by_id = actor.id
    flag.resolution = note.strip()
    return flag
