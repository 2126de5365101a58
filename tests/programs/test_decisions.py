"""The decision log and parameter versions."""

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from programs.accounts.models import User
from programs.decisions import services
from programs.decisions.models import DecisionRecord, ParameterVersion
from programs.errors import DomainError


def _user(session, name):
    return session.scalar(select(User).where(User.username == name))


def _signup_fact(accounts=0):
    return {
        "kind": "signup",
        "role": "school",
        "organisation": "测试小学",
        "accounts": accounts,
        "organisation_known": True,
        "name_matches": True,
        "registered_name": "测试小学",
    }


def test_a_decision_is_stored_with_its_rules_reasons_facts_and_actor(session):
    coordinator = _user(session, "coordinator")
    logged = services.decide(
        session, "signup", _signup_fact(), actor=coordinator, subject=coordinator
    )
    record = session.get(DecisionRecord, logged.record.id)
    assert record.ruleset == "signup"
    assert record.parameters_version is None  # the documented defaults
    assert [f["rule"] for f in record.record["fired"]] == ["school_may_sign_up"]
    assert record.record["fired"][0]["reason"]["params"]["organisation"] == "测试小学"
    assert record.record["facts"][0]["accounts"] == 0
    assert record.actor_id == coordinator.id
    assert services.decisions_about(session, "users", coordinator.id) == [record]


def test_a_parameter_change_is_a_new_version_used_by_the_next_decision(session):
    coordinator = _user(session, "coordinator")
    assert not services.decide(session, "signup", _signup_fact(accounts=2)).decision.is_refused
    version = services.change_parameters(
        session, coordinator, "signup", {"max_accounts_per_organisation": 2}, "两个账号足够"
    )
    assert version.version == 1
    logged = services.decide(session, "signup", _signup_fact(accounts=2))
    assert logged.decision.is_refused
    assert logged.record.parameters_version == 1
    history = services.parameter_history(session, "signup")
    assert [(c.name, c.old, c.new) for c in history[0].changes] == [
        ("max_accounts_per_organisation", 3, 2)
    ]
    assert history[0].version.created_by_id == coordinator.id


def test_parameter_values_are_checked_by_the_rules(session):
    coordinator = _user(session, "coordinator")
    with pytest.raises(DomainError) as caught:
        services.change_parameters(
            session, coordinator, "signup", {"max_accounts_per_organisation": 0}, "x"
        )
    assert caught.value.field == "max_accounts_per_organisation"
    assert caught.value.params["min"] == 1


def test_only_coordinators_change_parameters(session):
    with pytest.raises(DomainError):
        services.change_parameters(
            session, _user(session, "mediator"), "signup", {"max_accounts_per_organisation": 5}
        )


def test_saving_the_same_values_changes_nothing(session):
    with pytest.raises(DomainError, match="Nothing"):
        services.change_parameters(
            session, _user(session, "coordinator"), "signup", {"max_accounts_per_organisation": 3}
        )


def test_two_versions_with_one_number_cannot_both_exist(session):
    session.add(ParameterVersion(ruleset="signup", version=7, values={}))
    session.flush()
    session.add(ParameterVersion(ruleset="signup", version=7, values={}))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_override_needs_a_coordinator_and_a_reason(session):
    coordinator = _user(session, "coordinator")
    record = services.decide(session, "signup", _signup_fact(accounts=5)).record
    with pytest.raises(DomainError):
        services.override(session, coordinator, record.id, {"refused": False}, "  ")
    with pytest.raises(DomainError):
        services.override(
            session, _user(session, "mediator"), record.id, {"refused": False}, "理由充分"
        )
    row = services.override(
        session, coordinator, record.id, {"refused": False}, "市里特批的试点企业"
    )
    session.refresh(record)
    assert record.overrides == [row]


@pytest.mark.db
def test_decisions_prefetched_for_a_list_are_the_ones_read_one_by_one(session):
    """A list reads every item's decisions in one query; each item gets what `decisions_about`
    gives it alone, in the same order, and an item with none gets none."""
    from sqlalchemy import event, func, select

    from programs.decisions import services as decision_services
    from programs.decisions.models import DecisionRecord

    ids = list(
        session.scalars(
            select(DecisionRecord.subject_id)
            .where(DecisionRecord.subject_type == "dispute_cases")
            .group_by(DecisionRecord.subject_id)
            .having(func.count() > 1)
            .limit(20)
        )
    )
    assert len(ids) >= 2
    alone = {i: decision_services.decisions_about(session, "dispute_cases", i) for i in ids}
    statements: list[str] = []
    engine = session.get_bind()
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        with decision_services.prefetched(session, "dispute_cases", [*ids, 10**9]):
            together = {
                i: decision_services.decisions_about(session, "dispute_cases", i) for i in ids
            }
            nothing = decision_services.decisions_about(session, "dispute_cases", 10**9)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert together == alone and nothing == []
    assert len(statements) == 1
