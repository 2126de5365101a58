"""/api/v1/study: schools' visits and change requests through the same operations as the pages,
each with its success, its refusals (role, another's record, the rules, bad input, a lost race)
and `why`."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from calendars import today as shanghai_today
from programs.accounts.models import User
from programs.decisions.models import DecisionRecord
from programs.directory.models import School
from programs.study_tours import services
from programs.study_tours.models import (
    Activity,
    ChangeRequest,
    Instructor,
    SafetyPlan,
    StudySession,
    Visit,
    WaitlistEntry,
)

TUESDAY = date(2027, 3, 9)
THURSDAY = date(2027, 3, 11)
NATIONAL_DAY = date(2027, 10, 5)  # a Tuesday in the National Day holiday: the base is closed


def _user(session, name):
    return session.scalar(select(User).where(User.username == name))


def _traffic(session):
    return session.scalar(select(Activity).where(Activity.code == "traffic-safety"))


def _session(session, on=TUESDAY):
    """A morning session at the base on an open day, led by the traffic-safety instructors."""
    instructors = [
        i.id for i in session.scalars(select(Instructor)) if _traffic(session) in i.activities
    ]
    rows = services.open_sessions(session, _user(session, "coordinator"), on, on, instructors)
    session.commit()
    return next(r for r in rows if r.slot == "am")


def _closed_session(session, on=NATIONAL_DAY):
    """A session on a day the base is closed, as if it had been opened by mistake."""
    row = services._new_session(session, services.the_base(session), on, "am", "base", None)
    session.commit()
    return row


def _unvisited(session):
    visited = select(Visit.school_id).where(Visit.school_year == 2026)
    own = _user(session, "school").school_id
    return session.scalar(
        select(School)
        .where(School.level == "primary", School.id.not_in(visited), School.id != own)
        .order_by(School.id)
    )


def _body(session, row, **over):
    body = {
        "school_id": _user(session, "school").school_id,
        "session_id": row.id,
        "activity_ids": [_traffic(session).id],
        "grade": 5,
        "students": 80,
        "teachers": 4,
    }
    body.update(over)
    return body


def _visit(session, row, school=None, *, published=False, students=80):
    """A visit entered by the coordinator (for the demo school unless another is given)."""
    coordinator = _user(session, "coordinator")
    school_id = school.id if school else _user(session, "school").school_id
    visit = services.request_visit(
        session,
        coordinator,
        services.VisitInput(
            school_id, row.id, [_traffic(session).id], students, -(-students // 20), grade=5
        ),
    )
    if published:
        services.publish(session, coordinator, [visit.id])
    session.commit()
    return visit


def _rules(response):
    return [r["rule"] for r in response.json["error"]["rules"]]


# --- Visits: read --------------------------------------------------------------------------------


def test_each_account_lists_the_visits_the_pages_show_it(client, token_of, session):
    school = _user(session, "school")
    mine = client.get("/api/v1/study/visits?per_page=200", headers=token_of("school"))
    assert mine.status_code == 200
    own = session.scalar(select(func.count()).where(Visit.school_id == school.school_id))
    assert mine.json["paging"]["total"] == own > 0
    assert {v["school_id"] for v in mine.json["items"]} == {school.school_id}
    # An instructor: the visits of the sessions they lead.
    instructor = _user(session, "instructor")
    theirs = client.get("/api/v1/study/visits?per_page=200", headers=token_of("instructor"))
    led = {
        v.id
        for v in session.scalars(select(Visit))
        if instructor.instructor_id in {i.id for i in v.session.instructors}
    }
    assert theirs.json["paging"]["total"] == len(led) > 0
    assert {v["id"] for v in theirs.json["items"]} <= led
    # A coordinator: all, filtered by the visit's day, the school's town and the status.
    headers = token_of("coordinator")
    every = client.get("/api/v1/study/visits?per_page=1", headers=headers).json
    assert every["paging"]["total"] == session.scalar(select(func.count()).select_from(Visit))
    assert every["paging"]["pages"] == every["paging"]["total"]
    town_id = session.get(School, school.school_id).town_id
    found = client.get(
        f"/api/v1/study/visits?period=2026&town={town_id}&status=published&per_page=200",
        headers=headers,
    ).json
    assert found["items"]
    for item in found["items"]:
        assert item["town_id"] == town_id and item["status"] == "published"
        assert item["on"].startswith("2026-")
        decided = session.scalar(
            select(func.count()).where(
                DecisionRecord.subject_type == "visits", DecisionRecord.subject_id == item["id"]
            )
        )
        assert bool(item["why"]) == bool(decided), "each visit says which rules placed it"
    one = client.get(f"/api/v1/study/visits?school={school.school_id}", headers=headers).json
    assert one["paging"]["total"] == own


def test_the_visit_list_refuses_bad_filters_and_other_roles(client, token_of):
    headers = token_of("coordinator")
    bad = client.get("/api/v1/study/visits?period=2026-13", headers=headers)
    assert bad.status_code == 400 and bad.json["error"]["field"] == "period"
    assert client.get("/api/v1/study/visits?status=lost", headers=headers).status_code == 400
    unknown = client.get("/api/v1/study/visits?town=2147483647", headers=headers)
    assert unknown.status_code == 404
    assert client.get("/api/v1/study/visits", headers=token_of("mediator")).status_code == 403


def test_the_visit_list_answers_304_when_nothing_changed(client, token_of):
    headers = token_of("school")
    first = client.get("/api/v1/study/visits", headers=headers)
    again = client.get(
        "/api/v1/study/visits", headers={**headers, "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


# --- Visits: asked for ---------------------------------------------------------------------------


def test_a_school_asks_for_a_session_and_gets_a_draft_with_why(client, token_of, session):
    row = _session(session)
    school = _user(session, "school")
    other = _unvisited(session)
    response = client.post(
        "/api/v1/study/visits",
        json=_body(session, row, school_id=other.id),  # a school books for itself
        headers=token_of("school"),
    )
    assert response.status_code == 201, response.json
    visit = session.get(Visit, response.json["id"])
    assert (visit.school_id, visit.session_id, visit.status) == (school.school_id, row.id, "draft")
    assert response.json["why"] and response.json["activity_ids"] == [_traffic(session).id]
    again = client.post(
        "/api/v1/study/visits", json=_body(session, row), headers=token_of("school")
    )
    assert again.status_code == 409


def test_a_closed_day_refuses_the_booking_with_the_holiday(client, token_of, session):
    row = _closed_session(session)
    response = client.post(
        "/api/v1/study/visits",
        json=_body(session, row, school_id=_unvisited(session).id),
        headers=token_of("coordinator"),
    )
    assert response.status_code == 422
    assert "closed_for_holiday" in _rules(response)
    assert any("国庆节" in r["reason"] for r in response.json["error"]["rules"])


def test_a_school_joins_the_waiting_list_of_a_full_session(client, token_of, session):
    row = _session(session)
    _visit(session, row, _unvisited(session), students=90)
    headers = token_of("school")
    body = _body(session, row, students=40, teachers=2)
    full = client.post("/api/v1/study/visits", json=body, headers=headers)
    assert full.status_code == 422 and "session_full" in _rules(full)
    response = client.post("/api/v1/study/waitlist", json=body, headers=headers)
    assert response.status_code == 201, response.json
    entry = session.get(WaitlistEntry, response.json["id"])
    assert (entry.session_id, entry.school_id, entry.students) == (
        row.id,
        _user(session, "school").school_id,
        40,
    )
    assert client.post("/api/v1/study/waitlist", json=body, headers=headers).status_code == 409


def test_the_waiting_list_refuses_a_session_with_room_bad_input_and_other_roles(
    client, token_of, session
):
    row = _session(session)
    headers = token_of("school")
    roomy = client.post("/api/v1/study/waitlist", json=_body(session, row), headers=headers)
    assert roomy.status_code == 422 and roomy.json["error"]["field"] == "session_id"
    assert session.scalar(select(func.count()).select_from(WaitlistEntry)) == 0
    bad = client.post(
        "/api/v1/study/waitlist", json=_body(session, row, students=0), headers=headers
    )
    assert bad.status_code == 400
    missing = _body(session, row, session_id=2_147_483_647)
    assert client.post("/api/v1/study/waitlist", json=missing, headers=headers).status_code == 404
    coordinator = client.post(
        "/api/v1/study/waitlist", json=_body(session, row), headers=token_of("coordinator")
    )
    assert coordinator.status_code == 403


# --- Visits: publish, move, swap -----------------------------------------------------------------


def test_a_coordinator_publishes_a_draft(client, token_of, session):
    visit = _visit(session, _session(session))
    response = client.post(
        f"/api/v1/study/visits/{visit.id}/publish", headers=token_of("coordinator")
    )
    assert response.status_code == 200 and response.json["status"] == "published"
    session.refresh(visit)
    assert visit.status == "published" and visit.published_at is not None
    refused = client.post(f"/api/v1/study/visits/{visit.id}/publish", headers=token_of("school"))
    assert refused.status_code == 403
    missing = client.post(
        "/api/v1/study/visits/2147483647/publish", headers=token_of("coordinator")
    )
    assert missing.status_code == 404


def test_a_cancelled_visit_is_not_published(client, token_of, session):
    visit = _visit(session, _session(session))
    services.cancel_visit(session, _user(session, "coordinator"), visit.id, "学校停课")
    session.commit()
    response = client.post(
        f"/api/v1/study/visits/{visit.id}/publish", headers=token_of("coordinator")
    )
    assert response.status_code == 422 and response.json["error"]["code"] == "not_accepted"
    session.refresh(visit)
    assert visit.status == "cancelled"


def test_a_coordinator_moves_a_visit_to_another_session(client, token_of, session):
    visit = _visit(session, _session(session))
    thursday = _session(session, THURSDAY)
    headers = token_of("coordinator")
    response = client.post(
        f"/api/v1/study/visits/{visit.id}/move", json={"session_id": thursday.id}, headers=headers
    )
    assert response.status_code == 200, response.json
    assert response.json["on"] == THURSDAY.isoformat() and response.json["why"]
    session.refresh(visit)
    assert visit.session_id == thursday.id


def test_a_move_to_the_national_day_is_refused_with_the_holiday(client, token_of, session):
    row = _session(session)
    visit = _visit(session, row)
    closed = _closed_session(session)
    headers = token_of("coordinator")
    response = client.post(
        f"/api/v1/study/visits/{visit.id}/move", json={"session_id": closed.id}, headers=headers
    )
    assert response.status_code == 422
    assert "closed_for_holiday" in _rules(response)
    assert any("国庆节" in r["reason"] for r in response.json["error"]["rules"])
    session.refresh(visit)
    assert visit.session_id == row.id
    same = client.post(
        f"/api/v1/study/visits/{visit.id}/move", json={"session_id": row.id}, headers=headers
    )
    assert same.status_code == 422 and same.json["error"]["field"] == "session_id"
    missing = client.post(
        f"/api/v1/study/visits/{visit.id}/move", json={"session_id": 2147483647}, headers=headers
    )
    assert missing.status_code == 404
    by_school = client.post(
        f"/api/v1/study/visits/{visit.id}/move",
        json={"session_id": closed.id},
        headers=token_of("school"),
    )
    assert by_school.status_code == 403
    assert (
        client.post(
            f"/api/v1/study/visits/{visit.id}/move", json={"session_id": 0}, headers=headers
        ).status_code
        == 400
    )


def test_a_coordinator_swaps_two_visits(client, token_of, session):
    tuesday, thursday = _session(session), _session(session, THURSDAY)
    first = _visit(session, tuesday)
    second = _visit(session, thursday, _unvisited(session))
    headers = token_of("coordinator")
    response = client.post(
        f"/api/v1/study/visits/{first.id}/swap", json={"other_id": second.id}, headers=headers
    )
    assert response.status_code == 200, response.json
    assert response.json["visit"]["session_id"] == thursday.id
    assert response.json["other"]["session_id"] == tuesday.id
    session.refresh(first)
    session.refresh(second)
    assert (first.session_id, second.session_id) == (thursday.id, tuesday.id)
    assert (
        client.post(
            f"/api/v1/study/visits/{first.id}/swap",
            json={"other_id": second.id},
            headers=token_of("school"),
        ).status_code
        == 403
    )
    missing = client.post(
        f"/api/v1/study/visits/{first.id}/swap", json={"other_id": 2147483647}, headers=headers
    )
    assert missing.status_code == 404


def test_a_swap_that_breaks_a_rule_or_takes_a_cancelled_visit_is_refused(client, token_of, session):
    row, closed = _session(session), _closed_session(session)
    visit = _visit(session, row)
    stray = Visit(
        session_id=closed.id,
        school_id=_unvisited(session).id,
        school_year=2027,
        grade=5,
        students=30,
        teachers=2,
        activities=[_traffic(session)],
    )
    session.add(stray)
    session.commit()
    headers = token_of("coordinator")
    response = client.post(
        f"/api/v1/study/visits/{visit.id}/swap", json={"other_id": stray.id}, headers=headers
    )
    assert response.status_code == 422 and "closed_for_holiday" in _rules(response)
    session.refresh(visit)
    assert visit.session_id == row.id
    services.cancel_visit(session, _user(session, "coordinator"), stray.id, "误建")
    session.commit()
    cancelled = client.post(
        f"/api/v1/study/visits/{visit.id}/swap", json={"other_id": stray.id}, headers=headers
    )
    assert cancelled.status_code == 422 and cancelled.json["error"]["code"] == "not_accepted"


# --- Visits: cancel ------------------------------------------------------------------------------


def test_a_school_cancels_its_visit_once(client, token_of, session):
    visit = _visit(session, _session(session))
    headers = token_of("school")
    response = client.post(
        f"/api/v1/study/visits/{visit.id}/cancel", json={"reason": "校运会"}, headers=headers
    )
    assert response.status_code == 200, response.json
    assert response.json["cancel_reason"] == "校运会"
    session.refresh(visit)
    assert visit.status == "cancelled" and visit.cancel_reason == "校运会"
    again = client.post(
        f"/api/v1/study/visits/{visit.id}/cancel", json={"reason": "校运会"}, headers=headers
    )
    assert again.status_code == 409
    assert (
        client.post(
            f"/api/v1/study/visits/{visit.id}/cancel", json={"reason": ""}, headers=headers
        ).status_code
        == 400
    )


def test_cancelling_close_to_the_day_needs_a_coordinator(client, token_of, session, monkeypatch):
    visit = _visit(session, _session(session), published=True)
    monkeypatch.setattr("webapp.api.study.shanghai_today", lambda: date(2027, 3, 7))
    response = client.post(
        f"/api/v1/study/visits/{visit.id}/cancel",
        json={"reason": "校运会"},
        headers=token_of("school"),
    )
    assert response.status_code == 422
    assert _rules(response) == ["late_cancellation_needs_coordinator"]
    session.refresh(visit)
    assert visit.status == "published"
    other = _visit(session, _session(session, THURSDAY), _unvisited(session))
    hidden = client.post(
        f"/api/v1/study/visits/{other.id}/cancel", json={"reason": "x"}, headers=token_of("school")
    )
    assert hidden.status_code == 404
    by_instructor = client.post(
        f"/api/v1/study/visits/{visit.id}/cancel",
        json={"reason": "x"},
        headers=token_of("instructor"),
    )
    assert by_instructor.status_code == 403


# --- Visits: safety plan and attendance ----------------------------------------------------------

SAFETY = {
    "accompanying_teachers": 4,
    "transport": "school_bus",
    "emergency_contact": "王老师",
    "emergency_phone": "13900000000",
    "special_needs_count": 2,
}


def test_a_school_completes_the_safety_plan_in_counts(client, token_of, session):
    visit = _visit(session, _session(session), published=True)
    headers = token_of("school")
    response = client.post(f"/api/v1/study/visits/{visit.id}/safety", json=SAFETY, headers=headers)
    assert response.status_code == 200, response.json
    assert response.json["safety_plan"]["special_needs_count"] == 2
    assert "王老师" not in response.get_data(as_text=True)  # no person's data given back
    plan = session.scalar(select(SafetyPlan).where(SafetyPlan.visit_id == visit.id))
    assert (plan.transport, plan.emergency_contact) == ("school_bus", "王老师")
    too_many = client.post(
        f"/api/v1/study/visits/{visit.id}/safety",
        json={**SAFETY, "special_needs_count": 81},
        headers=headers,
    )
    assert too_many.status_code == 422
    assert too_many.json["error"]["field"] == "special_needs_count"
    bad = client.post(
        f"/api/v1/study/visits/{visit.id}/safety",
        json={**SAFETY, "transport": "rocket", "child_name": "小明"},
        headers=headers,
    )
    assert bad.status_code == 400
    assert {p["field"] for p in bad.json["error"]["problems"]} == {"transport", "child_name"}
    refused = client.post(
        f"/api/v1/study/visits/{visit.id}/safety", json=SAFETY, headers=token_of("instructor")
    )
    assert refused.status_code == 403


def test_a_draft_has_no_safety_plan_yet(client, token_of, session):
    visit = _visit(session, _session(session))
    response = client.post(
        f"/api/v1/study/visits/{visit.id}/safety", json=SAFETY, headers=token_of("school")
    )
    assert response.status_code == 422 and response.json["error"]["code"] == "not_accepted"


def test_attendance_is_recorded_from_the_day(client, token_of, session, monkeypatch):
    visit = _visit(session, _session(session), published=True)
    headers = token_of("coordinator")
    body = {"actual_students": 78, "actual_teachers": 4}
    early = client.post(f"/api/v1/study/visits/{visit.id}/attendance", json=body, headers=headers)
    assert early.status_code == 422
    monkeypatch.setattr("webapp.api.study.shanghai_today", lambda: TUESDAY)
    response = client.post(
        f"/api/v1/study/visits/{visit.id}/attendance", json=body, headers=headers
    )
    assert response.status_code == 200 and response.json["actual_students"] == 78
    session.refresh(visit)
    assert (visit.actual_students, visit.actual_teachers) == (78, 4)
    assert (
        client.post(
            f"/api/v1/study/visits/{visit.id}/attendance", json=body, headers=token_of("school")
        ).status_code
        == 403
    )
    negative = {"actual_students": -1, "actual_teachers": 4}
    assert (
        client.post(
            f"/api/v1/study/visits/{visit.id}/attendance", json=negative, headers=headers
        ).status_code
        == 400
    )


def test_an_instructor_records_attendance_of_their_sessions_only(client, token_of, session):
    instructor = _user(session, "instructor")
    past = [
        v
        for v in session.scalars(
            select(Visit)
            .join(StudySession)
            .where(Visit.status == "published", StudySession.on < shanghai_today())
        )
    ]
    theirs = next(
        v for v in past if instructor.instructor_id in {i.id for i in v.session.instructors}
    )
    other = next(
        v for v in past if instructor.instructor_id not in {i.id for i in v.session.instructors}
    )
    headers = token_of("instructor")
    body = {"actual_students": theirs.students, "actual_teachers": 1}
    response = client.post(
        f"/api/v1/study/visits/{theirs.id}/attendance", json=body, headers=headers
    )
    assert response.status_code == 200, response.json
    session.refresh(theirs)
    assert theirs.actual_teachers == 1
    hidden = client.post(f"/api/v1/study/visits/{other.id}/attendance", json=body, headers=headers)
    assert hidden.status_code == 404


# --- Change requests -----------------------------------------------------------------------------


def _change(client, token_of, session, visit, row):
    return client.post(
        f"/api/v1/study/visits/{visit.id}/change",
        json={"proposed_session_id": row.id, "reason": "与期中考试冲突"},
        headers=token_of("school"),
    )


def test_a_school_asks_for_a_change_and_the_coordinator_accepts_it(client, token_of, session):
    visit = _visit(session, _session(session), published=True)
    thursday = _session(session, THURSDAY)
    response = _change(client, token_of, session, visit, thursday)
    assert response.status_code == 201, response.json
    change = session.get(ChangeRequest, response.json["id"])
    assert (change.visit_id, change.proposed_session_id, change.status) == (
        visit.id,
        thursday.id,
        "open",
    )
    headers = token_of("coordinator")
    waiting = client.get("/api/v1/study/changes?per_page=200", headers=headers).json
    assert change.id in [c["id"] for c in waiting["items"]]
    assert all(c["status"] == "open" for c in waiting["items"])
    assert waiting["paging"]["total"] == session.scalar(
        select(func.count()).where(ChangeRequest.status == "open")
    )
    answer = {"decision": "accept", "answer": "已调整到星期四"}
    answered = client.post(
        f"/api/v1/study/changes/{change.id}/answer", json=answer, headers=headers
    )
    assert answered.status_code == 200, answered.json
    assert answered.json["status"] == "accepted"
    assert answered.json["visit"]["session_id"] == thursday.id and answered.json["visit"]["why"]
    session.refresh(visit)
    assert visit.session_id == thursday.id
    again = client.post(f"/api/v1/study/changes/{change.id}/answer", json=answer, headers=headers)
    assert again.status_code == 409
    left = client.get("/api/v1/study/changes?per_page=200", headers=headers).json
    assert change.id not in [c["id"] for c in left["items"]]
    every = client.get("/api/v1/study/changes?status=any&period=2027-03", headers=headers).json
    assert change.id in [c["id"] for c in every["items"]]


def test_a_change_to_the_national_day_is_refused_when_accepted(client, token_of, session):
    row = _session(session)
    visit = _visit(session, row, published=True)
    closed = _closed_session(session)
    change_id = _change(client, token_of, session, visit, closed).json["id"]
    response = client.post(
        f"/api/v1/study/changes/{change_id}/answer",
        json={"decision": "accept", "answer": "同意"},
        headers=token_of("coordinator"),
    )
    assert response.status_code == 422 and "closed_for_holiday" in _rules(response)
    session.refresh(visit)
    assert visit.session_id == row.id
    assert session.get(ChangeRequest, change_id).status == "open"
    refused = client.post(
        f"/api/v1/study/changes/{change_id}/answer",
        json={"decision": "refuse", "answer": "国庆放假"},
        headers=token_of("coordinator"),
    )
    assert refused.status_code == 200 and refused.json["status"] == "refused"
    assert session.get(ChangeRequest, change_id).answer == "国庆放假"


def test_change_requests_are_refused_as_on_the_pages(client, token_of, session):
    row, thursday = _session(session), _session(session, THURSDAY)
    published = _visit(session, row, published=True)
    same = _change(client, token_of, session, published, row)
    assert same.status_code == 422 and same.json["error"]["field"] == "proposed_session_id"
    none = client.post(
        f"/api/v1/study/visits/{published.id}/change",
        json={"reason": "想换时间"},
        headers=token_of("school"),
    )
    assert none.status_code == 422
    by_coordinator = client.post(
        f"/api/v1/study/visits/{published.id}/change",
        json={"cancel": True, "reason": "x"},
        headers=token_of("coordinator"),
    )
    assert by_coordinator.status_code == 403
    other = _visit(session, thursday, _unvisited(session), published=True)
    hidden = client.post(
        f"/api/v1/study/visits/{other.id}/change",
        json={"cancel": True, "reason": "x"},
        headers=token_of("school"),
    )
    assert hidden.status_code == 404
    draft = Visit(
        session_id=thursday.id,
        school_id=published.school_id,
        school_year=2026,
        grade=5,
        students=20,
        teachers=1,
    )
    session.add(draft)
    session.commit()
    not_yet = _change(client, token_of, session, draft, row)
    assert not_yet.status_code == 422 and not_yet.json["error"]["code"] == "not_accepted"
    assert (
        session.scalar(select(func.count()).where(ChangeRequest.visit_id.in_([other.id, draft.id])))
        == 0
    )


@pytest.mark.parametrize(
    "body", [{"decision": "maybe", "answer": "x"}, {"decision": "accept", "answer": ""}]
)
def test_an_answer_needs_a_decision_and_a_reason(client, token_of, session, body):
    visit = _visit(session, _session(session), published=True)
    change = services.request_change(
        session,
        _user(session, "school"),
        visit.id,
        proposed_session_id=None,
        cancel=True,
        reason="停课",
    )
    session.commit()
    headers = token_of("coordinator")
    response = client.post(f"/api/v1/study/changes/{change.id}/answer", json=body, headers=headers)
    assert response.status_code == 400
    assert session.get(ChangeRequest, change.id).status == "open"
    assert (
        client.post(
            "/api/v1/study/changes/2147483647/answer",
            json={"decision": "refuse", "answer": "x"},
            headers=headers,
        ).status_code
        == 404
    )
    by_school = client.post(
        f"/api/v1/study/changes/{change.id}/answer",
        json={"decision": "accept", "answer": "x"},
        headers=token_of("school"),
    )
    assert by_school.status_code == 403
    assert client.get("/api/v1/study/changes", headers=token_of("school")).status_code == 403
    assert client.get("/api/v1/study/changes?status=x", headers=headers).status_code == 400
