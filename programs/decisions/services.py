"""Deciding with the live parameters and logging it; changing parameters; overriding."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import rules
from programs import audit
from programs.accounts.models import User
from programs.db import insert_for_each, utcnow
from programs.decisions.models import DecisionOverride, DecisionRecord, ParameterVersion
from programs.errors import Conflict, DomainError, NotFound
from programs.i18n import N_


@dataclass(frozen=True)
class Logged:
    """A decision and the log entry that keeps it."""

    decision: rules.Decision
    record: DecisionRecord


_LIVE = "fengqiao.live_parameters"


def live_parameters(session: Session, ruleset: str) -> rules.ParameterValues | None:
    """The live parameter version of a ruleset, or None when only its defaults were ever used.

    Kept for the rest of the session (a web request, a tick task): operations that decide many
    times read it once. Storing a new version through `set_parameters` forgets it.
    """
    cache = session.info.setdefault(_LIVE, {})
    if ruleset not in cache:
        with session.no_autoflush:
            row = session.scalar(
                select(ParameterVersion)
                .where(ParameterVersion.ruleset == ruleset)
                .order_by(ParameterVersion.version.desc())
                .limit(1)
            )
        cache[ruleset] = rules.ParameterValues(row.version, row.values) if row else None
    return cache[ruleset]


def decide(
    session: Session,
    ruleset: str,
    facts: Any,
    *,
    actor: User | None = None,
    subject: Any = None,
) -> Logged:
    """Decide with the live parameters and store the decision against `subject` (a model)."""
    decision = rules.decide(ruleset, facts, parameters=live_parameters(session, ruleset))
    record = log(session, decision, actor=actor, subject=subject)
    return Logged(decision, record)


def parameter_values(session: Session, ruleset: str) -> dict[str, Any]:
    """Every parameter of a ruleset as it is live now (defaults fill what was never set), for
    programs that count with a parameter outside a decision (a deadline, a window)."""
    live = live_parameters(session, ruleset)
    return rules.validate_parameters(ruleset, dict(live.values) if live else {})


def log(
    session: Session,
    decision: rules.Decision,
    *,
    actor: User | None = None,
    subject: Any = None,
    flush: bool = True,
) -> DecisionRecord:
    """Store a decision already made (for callers that decide before the subject exists).

    `flush=False` leaves the record to the caller's next flush (its id is then not known yet):
    for batch work such as the tick, which logs thousands of decisions.
    """
    if subject is not None and subject.id is None:
        session.flush()
    record = DecisionRecord(
        ruleset=decision.ruleset,
        ruleset_version=decision.ruleset_version,
        parameters_version=decision.parameters_version,
        record=decision.to_record(),
        refused=decision.is_refused,
        subject_type=subject.__tablename__ if subject is not None else None,
        subject_id=subject.id if subject is not None else None,
        actor_id=actor.id if actor else None,
    )
    session.add(record)
    if flush:
        session.flush()
    return record


def log_many(
    session: Session,
    decision: rules.Decision,
    subject: type[Any],
    subject_ids: Sequence[int],
    *,
    chunk: int = 2000,
) -> None:
    """Store one decision about many records of the model `subject`, each its own entry, written
    now by INSERT … SELECT (the record is sent once per statement, not once per row): for batch
    work that made the same decision (same facts, same outcome) about many rows."""
    if not subject_ids:
        return
    values = {
        "ruleset": decision.ruleset,
        "ruleset_version": decision.ruleset_version,
        "parameters_version": decision.parameters_version,
        "record": decision.to_record(),
        "refused": decision.is_refused,
        "subject_type": subject.__tablename__,
        "created_at": utcnow(),
    }
    insert_for_each(
        session, DecisionRecord, values, "subject_id", subject, subject_ids, chunk=chunk
    )


_PREFETCHED = "fengqiao.decisions_prefetched"


@contextmanager
def prefetched(session: Session, subject_type: str, subject_ids: Iterable[int]) -> Iterator[None]:
    """Within the block, `decisions_about` answers for these records from one query read
    now, not one query each: for a list that shows every item's why."""
    ids = sorted(set(subject_ids))
    found: dict[tuple[str, int], list[DecisionRecord]] = {(subject_type, i): [] for i in ids}
    for start in range(0, len(ids), 500):
        rows = session.scalars(
            select(DecisionRecord)
            .where(
                DecisionRecord.subject_type == subject_type,
                DecisionRecord.subject_id.in_(ids[start : start + 500]),
            )
            .order_by(DecisionRecord.created_at.desc(), DecisionRecord.id.desc())
        )
        for record in rows:
            found[subject_type, record.subject_id].append(record)
    session.info[_PREFETCHED] = found
    try:
        yield
    finally:
        session.info.pop(_PREFETCHED, None)


def decisions_about(session: Session, subject_type: str, subject_id: int) -> list[DecisionRecord]:
    """Every stored decision about one record, newest first: what the "why" pages show."""
    known = session.info.get(_PREFETCHED, {}).get((subject_type, subject_id))
    if known is not None:
        return list(known)
    return list(
        session.scalars(
            select(DecisionRecord)
            .where(
                DecisionRecord.subject_type == subject_type, DecisionRecord.subject_id == subject_id
            )
            .order_by(DecisionRecord.created_at.desc(), DecisionRecord.id.desc())
        )
    )


def get_decision(session: Session, decision_id: int) -> DecisionRecord:
    """One stored decision, or NotFound."""
    record = session.get(DecisionRecord, decision_id)
    if record is None:
        raise NotFound(N_("The page you asked for does not exist."))
    return record


def visible_decision(session: Session, user: User, decision_id: int) -> DecisionRecord:
    """A stored decision as `user` may read it: a coordinator any, anyone else only the
    decisions made on their own action (NotFound otherwise, as if there were none)."""
    record = get_decision(session, decision_id)
    if user.role != "coordinator" and record.actor_id != user.id:
        raise NotFound(N_("The page you asked for does not exist."))
    return record


def override(
    session: Session, actor: User, decision_id: int, outcome: dict[str, Any], reason: str
) -> DecisionOverride:
    """A coordinator sets a decision's outcome aside; only with a reason, which is logged."""
    if actor.role != "coordinator":
        raise DomainError(N_("Only a coordinator can override a decision."))
    reason = reason.strip()
    if len(reason) < 4:
        raise DomainError(
            N_("Say why the decision is overridden (at least a few words)."), field="reason"
        )
    record = get_decision(session, decision_id)
    row = DecisionOverride(decision_id=record.id, outcome=outcome, reason=reason, actor_id=actor.id)
    session.add(row)
    session.flush()
    audit.record(
        session, "decision.overridden", record, actor_id=actor.id, reason=reason, outcome=outcome
    )
    return row


@dataclass(frozen=True)
class Change:
    """One parameter that a version changed."""

    name: str
    old: Any
    new: Any


@dataclass(frozen=True)
class VersionView:
    """A parameter version with what it changed against the one before it."""

    version: ParameterVersion
    changes: list[Change]


def checked_parameters(ruleset: str, values: dict[str, Any]) -> dict[str, Any]:
    """Every parameter of the ruleset, as the rules check and normalise them; NotFound for a
    ruleset that does not exist, DomainError (naming the field) for a value they refuse."""
    try:
        return rules.validate_parameters(ruleset, values)
    except rules.UnknownRulesetError:
        raise NotFound(N_("The page you asked for does not exist.")) from None
    except rules.ParameterError as error:
        problem = error.problems[0]
        raise DomainError(
            problem.reason.msgid, dict(problem.reason.params), field=problem.field or None
        ) from None


def change_parameters(
    session: Session,
    actor: User,
    ruleset: str,
    values: dict[str, Any],
    note: str = "",
) -> ParameterVersion:
    """Store a new live version of a ruleset's parameters after the rules check the values.

    Two coordinators saving at once cannot both get the same version: the unique constraint on
    (ruleset, version) refuses the second, which is told to reload.
    """
    if actor.role != "coordinator":
        raise DomainError(N_("Only a coordinator can change rule parameters."))
    checked = checked_parameters(ruleset, values)
    live = live_parameters(session, ruleset)
    previous = dict(live.values) if live else dict(rules.registry.get(ruleset).defaults)
    if checked == previous:
        raise DomainError(N_("Nothing was changed."))
    latest = session.scalar(
        select(func.max(ParameterVersion.version)).where(ParameterVersion.ruleset == ruleset)
    )
    row = ParameterVersion(
        ruleset=ruleset,
        version=(latest or 0) + 1,
        values=checked,
        note=note.strip(),
        created_by_id=actor.id,
    )
    session.add(row)
    session.info.pop(_LIVE, None)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:  # the unique constraint: somebody saved a version first
        raise Conflict(
            N_("Someone else changed these parameters just now. Reload and try again.")
        ) from None
    changes = {k: [previous.get(k), v] for k, v in checked.items() if previous.get(k) != v}
    audit.record(
        session, "parameters.changed", row, actor_id=actor.id, ruleset=ruleset, changes=changes
    )
    return row


def parameter_history(session: Session, ruleset: str) -> list[VersionView]:
    """Every version of a ruleset's parameters, newest first, with old → new for each change."""
    versions = list(
        session.scalars(
            select(ParameterVersion)
            .where(ParameterVersion.ruleset == ruleset)
            .order_by(ParameterVersion.version)
        )
    )
    previous: dict[str, Any] = dict(rules.registry.get(ruleset).defaults)
    views = []
    for version in versions:
        changes = [
            Change(name, previous.get(name), value)
            for name, value in version.values.items()
            if previous.get(name) != value
        ]
        views.append(VersionView(version, changes))
        previous = dict(version.values)
    return list(reversed(views))
