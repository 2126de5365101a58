"""Decided once and only once, under many clients at the same moment, against a real server
(gunicorn with three workers on PostgreSQL, the development server on SQLite): the last seats of
a study session, and a case moved by several people at once. Exactly one wins; every other
client gets a clear refusal (never a server error); the database holds no double booking and
no lost update. Outcomes only — never speeds."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import requests
from sqlalchemy import func, select

from calendars import today as shanghai_today
from calendars import workdays
from programs.accounts.models import User
from programs.directory.models import Consultant, School
from programs.disputes import services as dispute_services
from programs.disputes.models import CaseTransition, DisputeCase
from programs.disputes.services import CaseInput
from programs.friday import services as friday_services
from programs.friday.models import FridayRequest, FridayVisit
from programs.study_tours import services as study_services
from programs.study_tours.models import Activity, Instructor, StudySession, Visit
from tests.live.conftest import CSRF

CLIENTS = 8


def _all_at_once(calls):
    """Run the calls from as many threads, released together; their responses."""
    start = threading.Barrier(len(calls))

    def run(call):
        start.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def _user(session, name: str) -> User:
    return session.scalar(select(User).where(User.username == name))


def test_the_last_seats_of_a_session_go_to_one_school(real_server):
    on = date(2027, 4, 13)  # a Tuesday the base is open
    with real_server.database.transaction() as session:
        coordinator = _user(session, "coordinator")
        traffic = session.scalar(select(Activity).where(Activity.code == "traffic-safety"))
        instructors = [i.id for i in session.scalars(select(Instructor)) if traffic in i.activities]
        rows = study_services.open_sessions(session, coordinator, on, on, instructors)
        row = next(r for r in rows if r.slot == "am")
        row.seats = 80  # room for one group of 80
        visited = select(Visit.school_id).where(Visit.school_year == 2026)
        schools = list(
            session.scalars(
                select(School.id)
                .where(School.level == "primary", School.id.not_in(visited))
                .order_by(School.id)
                .limit(CLIENTS)
            )
        )
        session_id, activity_id = row.id, traffic.id
    assert len(schools) == CLIENTS
    bearer = real_server.bearer("coordinator")  # one system, many calls at once
    headers = [bearer] * len(schools)

    def book(school_id: int, bearer: dict[str, str]):
        return lambda: requests.post(
            f"{real_server.url}/api/v1/study/visits",
            json={
                "school_id": school_id,
                "session_id": session_id,
                "activity_ids": [activity_id],
                "grade": 5,
                "students": 80,
                "teachers": 4,
            },
            headers=bearer,
            timeout=60,
        )

    answers = _all_at_once([book(s, h) for s, h in zip(schools, headers, strict=True)])
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(201) == 1, [a.text[:300] for a in answers]
    refused = [a for a in answers if a.status_code != 201]
    assert {a.status_code for a in refused} <= {409, 422}
    assert all(a.json()["error"]["message"] for a in refused)  # said, in words
    with real_server.database.transaction() as session:
        live = session.scalars(
            select(Visit).where(Visit.session_id == session_id, Visit.status != "cancelled")
        ).all()
        seats = session.get(StudySession, session_id).seats
    assert len(live) == 1 and sum(v.students for v in live) <= seats


def test_a_case_moved_by_several_people_at_once_moves_once(real_server):
    with real_server.database.transaction() as session:
        mediator = _user(session, "mediator")
        firm = _user(session, "enterprise").enterprise_id
        case = dispute_services.open_case(
            session,
            mediator,
            CaseInput(case_type="labour", enterprise_id=firm, subject="wage_arrears", workers=2),
            today=shanghai_today(),
        )
        session.flush()
        case_id, before = case.id, len(case.transitions)
    headers = [real_server.bearer("coordinator")] * CLIENTS

    def move(bearer: dict[str, str]):
        return lambda: requests.post(
            f"{real_server.url}/api/v1/disputes/cases/{case_id}/move",
            json={"to_stage": "mediation", "reason": "双方同意调解", "from_stage": "intake"},
            headers=bearer,
            timeout=60,
        )

    with real_server.database.transaction() as session:
        assert session.get(DisputeCase, case_id).stage == "intake"
    answers = _all_at_once([move(h) for h in headers])
    statuses = [a.status_code for a in answers]
    assert statuses.count(200) == 1, [a.text[:300] for a in answers]
    assert set(statuses) - {200} <= {409}
    assert all(a.json()["error"]["code"] == "conflict" for a in answers if a.status_code == 409)
    with real_server.database.transaction() as session:
        case = session.get(DisputeCase, case_id)
        moves = session.scalar(
            select(func.count()).where(
                CaseTransition.case_id == case_id, CaseTransition.to_stage == "mediation"
            )
        )
        assert case.stage == "mediation" and moves == 1
        assert len(case.transitions) == before + 1


def test_a_consultants_last_friday_slot_goes_to_one_request(real_server):
    """Through the pages, as coordinators work: each books another firm's request for the same
    consultant on the same Friday, where one slot is left."""
    on = next(
        day
        for day in (date(2027, 5, 7) + timedelta(weeks=n) for n in range(20))
        if workdays.day_info(day).working
    )
    with real_server.database.transaction() as session:
        coordinator = _user(session, "coordinator")
        consultant = session.scalar(
            select(Consultant).where(Consultant.active).order_by(Consultant.id)
        )
        consultant.visits_per_friday = 1
        session.flush()
        candidates = session.scalars(
            select(FridayRequest)
            .where(FridayRequest.status == "open", FridayRequest.kind == "enterprise")
            .order_by(FridayRequest.id)
        ).all()
        ready = [
            r.id
            for r in candidates
            if not friday_services.check_visit(
                session, r, consultant, on, actor=coordinator, today=shanghai_today()
            ).is_refused
        ][:CLIENTS]
        consultant_id = consultant.id
    assert len(ready) == CLIENTS
    browsers = [real_server.signed_in("coordinator") for _ in ready]
    tokens = [
        CSRF.search(b.get(f"{real_server.url}/friday/requests/{r}", timeout=60).text).group(1)
        for b, r in zip(browsers, ready, strict=True)
    ]

    def book(browser, request_id, token):
        return lambda: browser.post(
            f"{real_server.url}/friday/requests/{request_id}",
            data={
                "csrf_token": token,
                "action": "book",
                "book-consultant_id": consultant_id,
                "book-on": on.isoformat(),
            },
            timeout=60,
            allow_redirects=False,
        )

    answers = _all_at_once([book(b, r, t) for b, r, t in zip(browsers, ready, tokens, strict=True)])
    statuses = [a.status_code for a in answers]
    assert statuses.count(302) == 1, statuses
    assert set(statuses) - {302} == {422}
    refused = next(a for a in answers if a.status_code == 422)
    assert "上限" in refused.text or "已满" in refused.text or "visits_per_friday" in refused.text
    with real_server.database.transaction() as session:
        booked = session.scalar(
            select(func.count()).where(
                FridayVisit.consultant_id == consultant_id,
                FridayVisit.on == on,
                FridayVisit.status != "cancelled",
            )
        )
    assert booked == 1
