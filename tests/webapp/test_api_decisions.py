"""/api/v1/decisions and /api/v1/calendar/rechecks: a decision read whole and overridden with a
reason; a doubtful booking's flag resolved with a note; each refused as the pages refuse it."""

from __future__ import annotations

from sqlalchemy import select

from programs.accounts.models import User
from programs.calendar.models import RecheckFlag
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


def _flag(session) -> RecheckFlag:
    flag = RecheckFlag(
        provider="study_visits",
        subject_type="visits",
        subject_id=1,
        label="研学参访",
        link="/study/visits/1",
        msgid="The base is closed that day: {reason}.",
        params={"reason": "展馆维修"},
        cause_msgid="A closure was added.",
        cause_params={},
        fingerprint="test-fingerprint",
    )
    session.add(flag)
    session.flush()
    return flag


def test_a_doubtful_booking_is_listed_and_resolved_with_a_note(client, token_of, session):
    flag = _flag(session)
    headers = token_of("coordinator")
    listed = client.get("/api/v1/calendar/rechecks?per_page=200", headers=headers)
    assert listed.status_code == 200
    assert flag.id in [item["id"] for item in listed.json["items"]]
    empty = client.post(
        f"/api/v1/calendar/rechecks/{flag.id}/resolve", json={"note": "  "}, headers=headers
    )
    assert empty.status_code == 422 and empty.json["error"]["field"] == "note"
    done = client.post(
        f"/api/v1/calendar/rechecks/{flag.id}/resolve",
        json={"note": "已电话通知学校改期"},
        headers=headers,
    )
    assert done.status_code == 200 and done.json["resolution"] == "已电话通知学校改期"
    session.refresh(flag)
    assert flag.resolved_at is not None
    again = client.post(
        f"/api/v1/calendar/rechecks/{flag.id}/resolve", json={"note": "再次"}, headers=headers
    )
    assert again.status_code == 404
    still_open = client.get("/api/v1/calendar/rechecks?per_page=200", headers=headers)
    assert flag.id not in [item["id"] for item in still_open.json["items"]]
    assert client.get("/api/v1/calendar/rechecks", headers=token_of("school")).status_code == 403
