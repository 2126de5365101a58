"""Drafting parameter values beside the live ones, then publishing or discarding the draft."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from programs import audit
from programs.accounts.models import User
from programs.db import utcnow
from programs.decisions import services as decisions
from programs.decisions.models import ParameterVersion
from programs.errors import Conflict, DomainError, NotFound
from programs.i18n import N_
from programs.whatif.models import ParameterDraft

# Rulesets whose history can be replayed: the log keeps their decisions, or (disputes) the
# cases say what the rules would have been asked. Signing up and the calendar have nothing a
# coordinator would weigh a change by.
REPLAYABLE = (
    "checkup_checklist",
    "checkup_grade",
    "dispute_deadline",
    "dispute_escalation",
    "dispute_feedback",
    "friday_office_hours",
    "friday_pairing",
    "friday_visit",
    "study_cancellation",
    "study_visit",
)


def _coordinator(actor: User) -> None:
    if actor.role != "coordinator":
        raise DomainError(N_("Only a coordinator can change rule parameters."))


def draft(
    session: Session, actor: User, ruleset: str, values: dict[str, Any], note: str
) -> ParameterDraft:
    """Keep `values` as a draft beside the live parameters; no decision uses it."""
    _coordinator(actor)
    checked = decisions.checked_parameters(ruleset, values)
    if checked == decisions.parameter_values(session, ruleset):
        raise DomainError(N_("Nothing was changed."))
    if not note.strip():
        raise DomainError(N_("This field is required."), field="note")
    live = decisions.live_parameters(session, ruleset)
    row = ParameterDraft(
        ruleset=ruleset,
        values=checked,
        note=note.strip(),
        based_on_version=live.version if live else None,
        created_by_id=actor.id,
    )
    session.add(row)
    session.flush()
    audit.record(session, "parameters.drafted", row, actor_id=actor.id, ruleset=ruleset)
    return row


def get(session: Session, draft_id: int, ruleset: str | None = None) -> ParameterDraft:
    """One draft (of `ruleset`, when given), or NotFound."""
    row = session.get(ParameterDraft, draft_id)
    if row is None or (ruleset is not None and row.ruleset != ruleset):
        raise NotFound(N_("The page you asked for does not exist."))
    return row


def drafts(session: Session, ruleset: str) -> list[ParameterDraft]:
    """A ruleset's drafts, the open ones first, newest first."""
    return list(
        session.scalars(
            select(ParameterDraft)
            .where(ParameterDraft.ruleset == ruleset)
            .order_by((ParameterDraft.status == "draft").desc(), ParameterDraft.id.desc())
        )
    )


def _open(session: Session, actor: User, draft_id: int) -> ParameterDraft:
    _coordinator(actor)
    row = get(session, draft_id)
    if row.status != "draft":
        raise Conflict(N_("This draft was already published or discarded."))
    return row


def publish(session: Session, actor: User, draft_id: int) -> ParameterVersion:
    """Make the draft the live parameters: a new version like any other change, logged."""
    row = _open(session, actor, draft_id)
    version = decisions.change_parameters(session, actor, row.ruleset, dict(row.values), row.note)
    row.status = "published"
    row.published_version = version.version
    row.decided_at = utcnow()
    row.decided_by_id = actor.id
    audit.record(
        session,
        "parameters.draft_published",
        row,
        actor_id=actor.id,
        ruleset=row.ruleset,
        version=version.version,
    )
    return version


def discard(session: Session, actor: User, draft_id: int) -> ParameterDraft:
    """Throw the draft away (it stays on record, marked discarded)."""
    row = _open(session, actor, draft_id)
    row.status = "discarded"
    row.decided_at = utcnow()
    row.decided_by_id = actor.id
    audit.record(session, "parameters.draft_discarded", row, actor_id=actor.id, ruleset=row.ruleset)
    return row


def default_period(today: date) -> tuple[date, date]:
    """The year up to yesterday: what a coordinator weighs a change against first."""
    end = today - timedelta(days=1)
    return end - timedelta(days=364), end
