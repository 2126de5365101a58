"""/api/v1/decisions: a decision read whole and overridden with a reason, refused as the page
refuses it."""

from __future__ import annotations

from sqlalchemy import select

from programs.accounts.models import User
from programs.decisions.models import DecisionOverride, DecisionRecord


def _user(session, username: str) -> User:
    return session.scalar(select(User).where(User.username == username))


def _decision_of(session, username: str) -> DecisionRecord:
    return session.scalar(
        select(DecisionRecord)
        .where(DecisionRecord.actor_id == _user(session, username).id)
        .order_by(DecisionRecord.id)
        .limit(1)
    )


def test_a_decision_is_read_whole_with_its_reasons_in_the_callers_language(
    client, token_of, session
):
    record = session.scalar(select(DecisionRecord).order_by(DecisionRecord.id).limit(1))
    headers = {**token_of("coordinator"), "Accept-Language": "en"}
    response = client.get(f"/api/v1/decisions/{record.id}", headers=headers)
    assert response.status_code == 200
    body = response.json
    assert body["ruleset"] == record.ruleset and body["refused"] == record.refused
    assert [f["rule"] for f in body["fired"]] == [f["rule"] for f in record.record["fired"]]
    assert body["facts"] == record.record["facts"]
    chinese = client.get(f"/api/v1/decisions/{record.id}", headers=token_of("coordinator"))
    reasons = [f["reason"] for f in chinese.json["fired"] if f["reason"]]
    assert reasons and reasons != [f["reason"] for f in body["fired"] if f["reason"]]


def test_others_read_only_the_decisions_made_on_their_own_action(client, token_of, session):
    headers = token_of("enterprise")
    asked = client.post(
        "/api/v1/friday/requests",
        json={"topics": ["labour"], "description": "用工合规咨询"},
        headers=headers,
    )
    assert asked.status_code == 201, asked.json
    firm = _user(session, "enterprise")
    own = _decision_of(session, "enterprise")
    other = session.scalar(
        select(DecisionRecord).where(
            (DecisionRecord.actor_id != firm.id) | DecisionRecord.actor_id.is_(None)
        )
    )
    assert client.get(f"/api/v1/decisions/{own.id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/decisions/{other.id}", headers=headers).status_code == 404


def test_a_coordinator_overrides_with_a_reason_and_only_a_coordinator(client, token_of, session):
    record = session.scalar(select(DecisionRecord).order_by(DecisionRecord.id.desc()).limit(1))
    url = f"/api/v1/decisions/{record.id}/override"
    refused = client.post(
        url, json={"outcome": "allow", "reason": "是"}, headers=token_of("coordinator")
    )
    assert refused.status_code == 422 and refused.json["error"]["field"] == "reason"
    assert (
        session.scalar(select(DecisionOverride).where(DecisionOverride.decision_id == record.id))
        is None
    )
    done = client.post(
        url,
        json={"outcome": "allow", "reason": "经协调会研究，同意例外安排"},
        headers=token_of("coordinator"),
    )
    assert done.status_code == 200, done.json
    kept = session.scalars(
        select(DecisionOverride).where(DecisionOverride.decision_id == record.id)
    ).all()
    assert [row.reason for row in kept] == ["经协调会研究，同意例外安排"]
    assert kept[0].outcome == {"refused": False, "overridden": True}
    assert done.json["overrides"][-1]["reason"] == "经协调会研究，同意例外安排"
    wrong_role = client.post(
        url, json={"outcome": "refuse", "reason": "不同意这个决定"}, headers=token_of("mediator")
    )
    assert wrong_role.status_code == 403
    assert (
        client.post(
            "/api/v1/decisions/2147483647/override",
            json={"outcome": "allow", "reason": "不存在的决定"},
            headers=token_of("coordinator"),
        ).status_code
        == 404
    )
