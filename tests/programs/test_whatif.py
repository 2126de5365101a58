"""What-if replay on the demo city's history: it writes nothing, it finds what a change would
do, and a published draft replayed as the live parameters gives exactly what the draft gave."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

import rules
from calendars import today
from programs.accounts.models import User
from programs.audit import AuditEntry
from programs.db import Base
from programs.decisions import services as decisions
from programs.decisions.models import ParameterVersion
from programs.disputes.models import DisputeCase
from programs.errors import Conflict, DomainError
from programs.whatif import services as whatif
from programs.whatif.models import ParameterDraft
from programs.whatif.replay import replay

pytestmark = pytest.mark.db
# What the rules answer does not depend on the engine; reading history and writing nothing do,
# and those tests run on both.
SQLITE_ONLY = pytest.mark.parametrize("db_engine", ["sqlite"], indirect=True)

# One change per program a coordinator would weigh, each moving something on the demo's year.
CHANGES = {
    "dispute_escalation": {"collective_workers_min": 5, "amount_threshold": 200_000},
    "dispute_deadline": {"warn_days": 6, "stage_target_days": 20},
    "friday_pairing": {"pairings_per_consultant_max": 12},
    "checkup_grade": {"orange_medium_min": 3},
    "friday_visit": {"group_headcount_max": 20},
    "study_visit": {"students_per_teacher_max": 15},
}


def _coordinator(session) -> User:
    return session.scalar(select(User).where(User.username == "coordinator"))


def _year(session):
    return whatif.default_period(today())


def _counts(session) -> dict[str, int]:
    return {
        table.name: session.scalar(select(func.count()).select_from(table))
        for table in Base.metadata.sorted_tables
    }


def _measures(result) -> dict[str, tuple[int, int]]:
    found = {m.label: (m.live, m.draft) for m in result.measures}
    for table in result.tables:
        found.update({f"{table.title}/{m.label}": (m.live, m.draft) for m in table.rows})
    return found


@pytest.mark.parametrize("ruleset", sorted(CHANGES))
def test_a_replay_writes_nothing(session, ruleset):
    session.flush()
    before = _counts(session)
    stamp = session.scalar(select(func.max(DisputeCase.updated_at)))
    start, end = _year(session)
    values = {**decisions.parameter_values(session, ruleset), **CHANGES[ruleset]}
    result = replay(session, ruleset, values, start, end, today())
    assert result.pairs, "the demo city's year has history to replay"
    assert not session.new and not session.dirty and not session.deleted
    session.flush()
    assert _counts(session) == before
    assert session.scalar(select(func.max(DisputeCase.updated_at))) == stamp


@SQLITE_ONLY
@pytest.mark.parametrize("ruleset", sorted(CHANGES))
def test_the_change_shows_and_the_live_side_matches_what_happened(session, ruleset):
    start, end = _year(session)
    live = decisions.parameter_values(session, ruleset)
    same = replay(session, ruleset, live, start, end, today())
    assert not same.changed, "the live parameters as a draft change nothing"
    assert all(m.live == m.draft for m in same.measures)
    changed = replay(session, ruleset, {**live, **CHANGES[ruleset]}, start, end, today())
    assert changed.changed and any(m.live != m.draft for m in changed.measures)
    for pair in changed.changed:
        assert pair.live is not None and pair.draft is not None
        assert dict(pair.draft.parameters) == {**live, **CHANGES[ruleset]}
        assert dict(pair.live.parameters) == live


@SQLITE_ONLY
def test_lowering_the_escalation_threshold_escalates_more_cases(session):
    start, end = _year(session)
    live = decisions.parameter_values(session, "dispute_escalation")
    lower = {**live, "amount_threshold": 100_000}
    result = replay(session, "dispute_escalation", lower, start, end, today())
    escalated = next(m for m in result.measures if m.label == "Cases escalated")
    assert escalated.draft > escalated.live
    # Each case that would go up claims at least the new amount or has the workers for it.
    for pair in result.changed:
        fact = pair.draft.facts[0]
        assert (
            fact["amount_claimed"] >= 100_000 or fact["workers"] >= live["collective_workers_min"]
        )
    # And the live side counts what the loop actually escalated among the cases of the period.
    actually = session.scalar(
        select(func.count())
        .select_from(DisputeCase)
        .where(
            DisputeCase.opened_on.between(start, end),
            DisputeCase.escalated,
            DisputeCase.case_type.in_(("labour", "commercial")),
        )
    )
    assert escalated.live <= actually


@SQLITE_ONLY
def test_a_lower_pairing_limit_is_kept_by_the_replay_itself(session):
    start, end = _year(session)
    live = decisions.parameter_values(session, "friday_pairing")
    result = replay(
        session, "friday_pairing", {**live, "pairings_per_consultant_max": 10}, start, end, today()
    )
    for pair in result.changed:
        chosen = [
            f
            for fired in pair.draft.fired
            if fired.outcome.get("eligible")
            for f in pair.draft.facts
            if f["id"] in fired.fact_ids and not f["current"]
        ]
        assert all(f["load"] < 10 for f in chosen)


@pytest.mark.parametrize("ruleset", sorted(CHANGES))
def test_the_published_draft_reproduces_its_replay(session, ruleset):
    coordinator = _coordinator(session)
    start, end = _year(session)
    values = {**decisions.parameter_values(session, ruleset), **CHANGES[ruleset]}
    row = whatif.draft(session, coordinator, ruleset, values, "try a tighter limit")
    drafted = replay(session, ruleset, row.values, start, end, today())
    version = whatif.publish(session, coordinator, row.id)
    assert (row.status, row.published_version) == ("published", version.version)
    assert decisions.parameter_values(session, ruleset) == row.values
    again = replay(session, ruleset, row.values, start, end, today())
    assert again.verdicts("live") == drafted.verdicts("draft")
    assert {k: v[0] for k, v in _measures(again).items()} == {
        k: v[1] for k, v in _measures(drafted).items()
    }
    assert not again.changed
    entry = session.scalar(
        select(AuditEntry)
        .where(AuditEntry.action == "parameters.draft_published")
        .order_by(AuditEntry.id.desc())
    )
    assert entry.subject_id == row.id and entry.data["version"] == version.version


def test_a_draft_is_never_used_for_a_real_decision(session):
    coordinator = _coordinator(session)
    before = decisions.parameter_values(session, "dispute_escalation")
    versions = session.scalar(select(func.count()).select_from(ParameterVersion))
    whatif.draft(
        session,
        coordinator,
        "dispute_escalation",
        {**before, "amount_threshold": 1000},
        "what if every claim went up",
    )
    assert decisions.parameter_values(session, "dispute_escalation") == before
    assert session.scalar(select(func.count()).select_from(ParameterVersion)) == versions
    decision = decisions.decide(
        session,
        "dispute_escalation",
        [
            {
                "kind": "case",
                "case_type": "labour",
                "stage": "intake",
                "workers": 1,
                "amount_claimed": 5000.0,
            }
        ],
    ).decision
    assert not decision.where("escalate", True)


@SQLITE_ONLY
def test_discarding_changes_nothing_and_a_decided_draft_stays_decided(session):
    coordinator = _coordinator(session)
    live = decisions.parameter_values(session, "dispute_deadline")
    row = whatif.draft(
        session, coordinator, "dispute_deadline", {**live, "warn_days": 9}, "earlier warnings"
    )
    whatif.discard(session, coordinator, row.id)
    assert row.status == "discarded" and row.decided_by_id == coordinator.id
    assert decisions.parameter_values(session, "dispute_deadline") == live
    with pytest.raises(Conflict):
        whatif.publish(session, coordinator, row.id)
    with pytest.raises(Conflict):
        whatif.discard(session, coordinator, row.id)


@SQLITE_ONLY
def test_bad_drafts_are_refused_with_the_field(session):
    coordinator = _coordinator(session)
    live = decisions.parameter_values(session, "dispute_escalation")
    with pytest.raises(DomainError) as error:
        whatif.draft(
            session, coordinator, "dispute_escalation", {**live, "collective_workers_min": 1}, "x"
        )
    assert error.value.field == "collective_workers_min"
    with pytest.raises(DomainError) as error:
        whatif.draft(session, coordinator, "dispute_escalation", dict(live), "the same")
    assert error.value.msgid == "Nothing was changed."
    mediator = session.scalar(select(User).where(User.role == "mediator"))
    with pytest.raises(DomainError):
        whatif.draft(session, mediator, "dispute_escalation", {**live, "amount_threshold": 9}, "x")
    assert not session.scalars(select(ParameterDraft)).all()


@SQLITE_ONLY
def test_fewer_students_per_teacher_leaves_schools_unplaced(session):
    start, end = _year(session)
    live = decisions.parameter_values(session, "study_visit")
    result = replay(
        session, "study_visit", {**live, "students_per_teacher_max": 10}, start, end, today()
    )
    measures = {m.label: m for m in result.measures}
    assert measures["Schools covered"].live > measures["Schools covered"].draft
    assert measures["Schools left unplaced"].draft > measures["Schools left unplaced"].live
    assert measures["Sessions used"].draft <= measures["Sessions used"].live
    for pair in result.changed:
        visit = next(f for f in pair.draft.facts if f["kind"] == "visit")
        assert pair.draft.is_refused == (visit["students_per_teacher"] > 10)


def test_a_period_without_history_replays_nothing(session):
    far = today() - timedelta(days=3650)
    live = decisions.parameter_values(session, "friday_pairing")
    result = replay(session, "friday_pairing", live, far, far + timedelta(days=30), today())
    assert result.pairs == () and not result.changed


@SQLITE_ONLY
def test_every_replayable_ruleset_replays(session):
    start, end = _year(session)
    for name in whatif.REPLAYABLE:
        ruleset = rules.registry.get(name)
        values = decisions.parameter_values(session, name)
        result = replay(session, name, values, start, end, today())
        assert not result.changed, name
        assert ruleset.parameters, f"{name} has nothing a draft could change"
