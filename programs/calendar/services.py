"""Closures coordinators (and consultants, for their own leave) enter, one by one or from .ics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from calendars import closures as cal_closures
from calendars import ics_import, workdays
from programs import audit
from programs.accounts.models import User
from programs.calendar import rechecks
from programs.calendar.models import (
    CLOSURE_KINDS,
    CLOSURE_SCOPES,
    Closure,
    ClosureImport,
    HolidayYear,
)
from programs.db import utcnow
from programs.directory.models import Consultant, School
from programs.errors import Conflict, DomainError, NotFound
from programs.i18n import N_
from programs.study_tours.models import Instructor, StudyBase

MAX_CLOSURE_DAYS = 366
IMPORT_WINDOW_DAYS = 3 * 366


@dataclass(frozen=True)
class ClosureInput:
    """A closure as a form gives it."""

    scope: str
    scope_id: int | None
    kind: str
    starts_on: date
    ends_on: date
    reason: str


def _check_scope(session: Session, actor: User, scope: str, scope_id: int | None) -> None:
    """Coordinators close anything; a consultant or instructor only their own days; a school
    only itself."""
    if scope not in CLOSURE_SCOPES:
        raise DomainError(N_("Choose what is closed from the list."), field="scope")
    owner = {
        "base": StudyBase,
        "school": School,
        "consultant": Consultant,
        "instructor": Instructor,
    }.get(scope)
    if owner is None:
        scope_id = None
    elif scope_id is None or session.get(owner, scope_id) is None:
        raise DomainError(N_("Choose which one is closed."), field="scope_id")
    if not may_close(actor, scope, scope_id):
        raise NotFound(N_("The page you asked for does not exist."))


def may_close(actor: User, scope: str, scope_id: int | None) -> bool:
    """Whether the actor may add or cancel closures of this scope (their own days only)."""
    own = {
        "consultant": ("consultant", actor.consultant_id),
        "school": ("school", actor.school_id),
        "instructor": ("instructor", actor.instructor_id),
    }.get(actor.role)
    return actor.role == "coordinator" or (
        own is not None and own[1] is not None and own == (scope, scope_id)
    )


def _check_dates(data: ClosureInput) -> None:
    if data.kind not in CLOSURE_KINDS:
        raise DomainError(N_("Choose the kind of closure from the list."), field="kind")
    if data.ends_on < data.starts_on:
        raise DomainError(N_("The last day is before the first day."), field="ends_on")
    if (data.ends_on - data.starts_on).days >= MAX_CLOSURE_DAYS:
        raise DomainError(
            N_("A closure may last at most {days} days; enter longer ones in parts."),
            {"days": MAX_CLOSURE_DAYS},
            field="ends_on",
        )
    if not data.reason.strip():
        raise DomainError(N_("Say why it is closed; people affected will read it."), field="reason")


def _recheck(
    session: Session, closure: Closure, cause: str, base_url: str
) -> rechecks.RecheckResult:
    return rechecks.run(
        session,
        cause=rechecks.Problem(
            cause,
            {
                "reason": closure.reason,
                "start": closure.starts_on.isoformat(),
                "end": closure.ends_on.isoformat(),
            },
        ),
        start_on=closure.starts_on,
        end_on=closure.ends_on,
        base_url=base_url,
    )


def add_closure(
    session: Session, actor: User, data: ClosureInput, *, source: str = "manual", base_url: str = ""
) -> Closure:
    """Close something for some days; bookings and deadlines on those days are re-checked."""
    _check_scope(session, actor, data.scope, data.scope_id)
    _check_dates(data)
    closure = Closure(
        scope=data.scope,
        scope_id=data.scope_id if data.scope != "all_schools" else None,
        kind=data.kind,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        reason=data.reason.strip()[:200],
        source=source,
        created_by_id=actor.id,
    )
    session.add(closure)
    session.flush()
    audit.record(
        session,
        "closure.added",
        closure,
        actor_id=actor.id,
        dates=[data.starts_on.isoformat(), data.ends_on.isoformat()],
    )
    _recheck(session, closure, N_("Closed from {start} to {end}: {reason}"), base_url)
    return closure


def get_closure(session: Session, actor: User, closure_id: int) -> Closure:
    """A closure the actor may change."""
    closure = session.get(Closure, closure_id)
    if closure is None:
        raise NotFound(N_("The page you asked for does not exist."))
    _check_scope(session, actor, closure.scope, closure.scope_id)
    return closure


def cancel_closure(session: Session, actor: User, closure_id: int) -> Closure:
    """Reopen the days; the closure is kept as cancelled so calendar feeds can withdraw it."""
    closure = get_closure(session, actor, closure_id)
    if closure.cancelled_at is not None:
        raise Conflict(N_("This closure was already cancelled."))
    closure.cancelled_at = utcnow()
    closure.updated_at = closure.cancelled_at
    closure.sequence += 1
    audit.record(session, "closure.cancelled", closure, actor_id=actor.id)
    return closure


def active_closures(
    session: Session, *, scopes: list[tuple[str, int | None]], start_on: date, end_on: date
) -> list[Closure]:
    """Closures of the given scopes that share a day with the range."""
    if not scopes:
        return []
    conditions = [
        (Closure.scope == scope)
        & (Closure.scope_id.is_(None) if sid is None else Closure.scope_id == sid)
        for scope, sid in scopes
    ]
    return list(
        session.scalars(
            select(Closure)
            .where(
                or_(*conditions),
                Closure.cancelled_at.is_(None),
                Closure.starts_on <= end_on,
                Closure.ends_on >= start_on,
            )
            .order_by(Closure.starts_on, Closure.id)
        )
    )


def base_open_days(
    session: Session, base: StudyBase, start_on: date, end_on: date
) -> cal_closures.OpenDays:
    """When the study base receives groups: its weekdays, less holidays, its own closures and
    the schools' vacations (no groups come when schools are out)."""
    rows = active_closures(
        session, scopes=[("base", base.id), ("all_schools", None)], start_on=start_on, end_on=end_on
    )
    return cal_closures.OpenDays(base.opening_weekdays, [to_calendar(c) for c in rows])


def to_calendar(closure: Closure) -> cal_closures.Closure:
    """The stored closure as calendars/ takes it."""
    return cal_closures.Closure(
        closure.starts_on,
        closure.ends_on,
        closure.kind,
        closure.reason,
        key=f"closure-{closure.id}",
    )


# --- Import from .ics -------------------------------------------------------------------------


def preview_import(
    session: Session,
    actor: User,
    *,
    filename: str,
    data: bytes,
    scope: str,
    scope_id: int | None,
    today: date,
) -> ClosureImport:
    """Read an .ics file into proposed closures and stored problems; nothing is closed yet."""
    _check_scope(session, actor, scope, scope_id)
    window_start = today - timedelta(days=31)
    result = ics_import.parse_closures(
        data,
        window_start=window_start,
        window_end=window_start + timedelta(days=IMPORT_WINDOW_DAYS),
    )
    problems = [{"msgid": m.msgid, "params": _jsonable(m.params)} for m in result.errors]
    if result.skipped_outside_window:
        problems.append(
            {
                "msgid": N_("{count} events lie outside {start} to {end} and were skipped."),
                "params": {
                    "count": result.skipped_outside_window,
                    "start": window_start.isoformat(),
                    "end": (window_start + timedelta(days=IMPORT_WINDOW_DAYS)).isoformat(),
                },
            }
        )
    row = ClosureImport(
        filename=filename[:200] or "calendar.ics",
        scope=scope,
        scope_id=scope_id if scope != "all_schools" else None,
        proposals=[
            {
                "starts_on": p.starts_on.isoformat(),
                "ends_on": p.ends_on.isoformat(),
                "kind": p.kind,
                "reason": p.reason[:200] or p.kind,
                "event": p.event_index,
                "clipped": p.clipped,
            }
            for p in result.closures
        ],
        problems=problems,
        created_by_id=actor.id,
    )
    session.add(row)
    session.flush()
    return row


def _jsonable(params: dict) -> dict:
    out = {}
    for key, value in params.items():
        if isinstance(value, date):
            out[key] = value.isoformat()
        elif isinstance(value, dict | list | str | int | float | bool) or value is None:
            out[key] = value
        else:
            out[key] = str(value)
    return out


def get_import(session: Session, actor: User, import_id: int) -> ClosureImport:
    """An import preview of the actor's."""
    row = session.get(ClosureImport, import_id)
    if row is None or (row.created_by_id != actor.id and actor.role != "coordinator"):
        raise NotFound(N_("The page you asked for does not exist."))
    return row


def apply_import(
    session: Session, actor: User, import_id: int, chosen: list[int], *, base_url: str = ""
) -> list[Closure]:
    """Create the chosen proposed closures, all or none; an import is applied once only."""
    row = session.scalar(
        select(ClosureImport).where(ClosureImport.id == import_id).with_for_update()
    )
    if row is None or (row.created_by_id != actor.id and actor.role != "coordinator"):
        raise NotFound(N_("The page you asked for does not exist."))
    if row.applied_at is not None:
        raise Conflict(N_("This file has already been applied."))
    if not chosen:
        raise DomainError(N_("Choose at least one closure to add."))
    created = []
    for index in sorted(set(chosen)):
        if not 0 <= index < len(row.proposals):
            raise DomainError(N_("Choose at least one closure to add."))
        proposal = row.proposals[index]
        created.append(
            add_closure(
                session,
                actor,
                ClosureInput(
                    scope=row.scope,
                    scope_id=row.scope_id,
                    kind=proposal["kind"],
                    starts_on=date.fromisoformat(proposal["starts_on"]),
                    ends_on=date.fromisoformat(proposal["ends_on"]),
                    reason=proposal["reason"],
                ),
                source="ics",
                base_url=base_url,
            )
        )
    row.applied_at = utcnow()
    return created


# --- Holiday data ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HolidayCheck:
    """One year's holiday data compared with what it was last time."""

    year: int
    provisional: bool
    changed: bool
    first_seen: bool
    rechecked: int


def check_holiday_data(
    session: Session, years: list[int], *, base_url: str = ""
) -> list[HolidayCheck]:
    """Notice a year whose holiday data changed since last checked (a package upgrade brought the
    official arrangement, say) and re-check everything dated in it. Safe to run repeatedly."""
    results = []
    for year in years:
        fingerprint = workdays.holiday_data_fingerprint(year)
        provisional = workdays.is_provisional(year)
        row = session.get(HolidayYear, year)
        if row is None:
            session.add(HolidayYear(year=year, fingerprint=fingerprint, provisional=provisional))
            results.append(HolidayCheck(year, provisional, False, True, 0))
            continue
        row.checked_at = utcnow()
        if row.fingerprint == fingerprint:
            results.append(HolidayCheck(year, provisional, False, False, 0))
            continue
        was_provisional = row.provisional
        row.fingerprint = fingerprint
        row.provisional = provisional
        cause = (
            N_(
                "The official holiday arrangement for {year} is now known; dates in {year} were checked again."
            )
            if was_provisional and not provisional
            else N_("The holiday data for {year} changed; dates in {year} were checked again.")
        )
        result = rechecks.run(
            session,
            cause=rechecks.Problem(cause, {"year": year}),
            start_on=date(year, 1, 1),
            end_on=date(year, 12, 31),
            base_url=base_url,
        )
        results.append(HolidayCheck(year, provisional, True, False, result.checked))
    session.flush()
    return results
