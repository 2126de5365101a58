"""/api/v1/friday: requests booked on a Friday, visits moved, cancelled and recorded, the
roster drafted and published, studio half-hours, conflicts of interest — the same operations,
rules and access checks as the Friday pages, each with its refusals."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from calendars import today as shanghai_today
from calendars import workdays
from programs.accounts.models import User
from programs.directory.models import Consultant
from programs.friday import queries
from programs.friday import services as friday_services
from programs.friday.models import (
    ConsultantConflict,
    FridayRequest,
    FridayVisit,
    OfficeBooking,
    OfficeHours,
)

API = "/api/v1/friday"
NATIONAL_DAY_FRIDAY = date(2027, 10, 1)  # a Friday in the National Day holiday


def _user(session, name: str) -> User:
    return session.scalar(select(User).where(User.username == name))


def _fridays(start: date):
    day = start + timedelta(days=(4 - start.weekday()) % 7)
    while True:
        if workdays.day_info(day).working:
            yield day
        day += timedelta(weeks=1)


def _bookable(session, consultant_username: str = "consultant"):
    """An open request, the demo consultant and a working Friday the rules accept together."""
    coordinator = _user(session, "coordinator")
    consultant = session.get(Consultant, _user(session, consultant_username).consultant_id)
    requests = session.scalars(
        select(FridayRequest).where(FridayRequest.status == "open").order_by(FridayRequest.id)
    ).all()
    for on in _fridays(shanghai_today() + timedelta(days=21)):
        for request in requests:
            decision = friday_services.check_visit(
                session, request, consultant, on, actor=coordinator, today=shanghai_today()
            )
            if not decision.is_refused:
                return request, consultant, on
    raise AssertionError("no bookable request in the demo city")


def _booked(session, *, on: date | None = None) -> FridayVisit:
    request, consultant, friday = _bookable(session)
    visit = friday_services.book_visit(
        session,
        _user(session, "coordinator"),
        request.id,
        consultant.id,
        on or friday,
        today=shanghai_today(),
    )
    session.flush()
    return visit


# --- Reading ---------------------------------------------------------------------------------------


def test_visits_are_listed_as_the_pages_list_them_by_period_and_town(client, token_of, session):
    coordinator = _user(session, "coordinator")
    every = queries.visits_for(session, coordinator)
    town = every[0].request.town_id
    year = queries.visits_for(
        session, coordinator, start=date(2026, 1, 1), end=date(2026, 12, 31), town_id=town
    )
    answer = client.get(
        f"{API}/visits?period=2026&town={town}&per_page=200", headers=token_of("coordinator")
    )
    assert answer.status_code == 200
    assert answer.json["paging"]["total"] == len(year) > 0
    assert {v["id"] for v in answer.json["items"]} == {v.id for v in year[:200]}
    assert all(v["town_id"] == town and v["on"].startswith("2026") for v in answer.json["items"])
    firm = client.get(f"{API}/visits?per_page=200", headers=token_of("enterprise")).json
    mine = queries.visits_for(session, _user(session, "enterprise"))
    assert {v["id"] for v in firm["items"]} == {v.id for v in mine[:200]}
    assert (
        client.get(f"{API}/visits?town=999999", headers=token_of("coordinator")).status_code == 404
    )
    bad = client.get(f"{API}/visits?period=2026-13", headers=token_of("coordinator"))
    assert bad.status_code == 400 and bad.json["error"]["field"] == "period"


def test_a_visit_is_read_with_the_rules_that_placed_it_and_hidden_from_others(
    client, token_of, session
):
    visit = _booked(session)
    answer = client.get(f"{API}/visits/{visit.id}", headers=token_of("coordinator"))
    assert answer.status_code == 200
    assert answer.json["consultant_id"] == visit.consultant_id and answer.json["why"]
    firm = _user(session, "enterprise")
    if visit.request.enterprise_id != firm.enterprise_id:
        hidden = client.get(f"{API}/visits/{visit.id}", headers=token_of("enterprise"))
        assert hidden.status_code == 404


def test_requests_are_filtered_by_the_day_they_were_made_and_town(client, token_of, session):
    made = client.post(
        f"{API}/requests",
        json={"topics": ["labour"], "description": "新员工合同"},
        headers=token_of("enterprise"),
    )
    assert made.status_code == 201
    today = shanghai_today()
    town = made.json["town_id"]
    found = client.get(
        f"{API}/requests?period={today:%Y-%m}&town={town}&per_page=200",
        headers=token_of("coordinator"),
    ).json["items"]
    assert made.json["id"] in [r["id"] for r in found]
    assert all(r["town_id"] == town for r in found)
    last_year = client.get(
        f"{API}/requests?period={today.year - 1}&per_page=200", headers=token_of("coordinator")
    ).json["items"]
    assert made.json["id"] not in [r["id"] for r in last_year]


# --- Booking, moving, cancelling, recording --------------------------------------------------------


def test_a_request_is_booked_through_the_same_rules(client, token_of, session):
    request, consultant, on = _bookable(session)
    answer = client.post(
        f"{API}/requests/{request.id}/book",
        json={"on": on.isoformat(), "consultant_id": consultant.id},
        headers=token_of("coordinator"),
    )
    assert answer.status_code == 201, answer.json
    session.expire_all()
    visit = session.get(FridayVisit, answer.json["id"])
    assert (visit.on, visit.consultant_id, visit.status) == (on, consultant.id, "published")
    assert session.get(FridayRequest, request.id).status == "scheduled"
    assert answer.json["why"]
    closed = session.get(FridayRequest, request.id)
    closed.status = "done"
    session.flush()
    again = client.post(
        f"{API}/requests/{request.id}/book",
        json={"on": on.isoformat(), "consultant_id": consultant.id},
        headers=token_of("coordinator"),
    )
    assert again.status_code == 409 and again.json["error"]["code"] == "conflict"
    assert (
        client.post(
            f"{API}/requests/{request.id}/book",
            json={"on": on.isoformat()},
            headers=token_of("enterprise"),
        ).status_code
        == 403
    )


def test_a_holiday_friday_is_refused_with_the_rule(client, token_of, session):
    request, consultant, _on = _bookable(session)
    answer = client.post(
        f"{API}/requests/{request.id}/book",
        json={"on": NATIONAL_DAY_FRIDAY.isoformat(), "consultant_id": consultant.id},
        headers=token_of("coordinator"),
    )
    assert answer.status_code == 422
    error = answer.json["error"]
    assert error["code"] == "refused_by_rules" and error["rules"]
    assert all(r["reason"] for r in error["rules"])
    assert session.get(FridayRequest, request.id).status == "open"


def test_a_consultant_books_as_themself_whoever_is_named(client, token_of, session):
    request, consultant, on = _bookable(session)
    other = session.scalar(select(Consultant.id).where(Consultant.id != consultant.id))
    answer = client.post(
        f"{API}/requests/{request.id}/book",
        json={"on": on.isoformat(), "consultant_id": other},
        headers=token_of("consultant"),
    )
    if answer.status_code == 404:  # not a request the demo consultant may see: still not booked
        assert session.get(FridayRequest, request.id).status == "open"
        return
    assert answer.status_code == 201, answer.json
    assert answer.json["consultant_id"] == consultant.id


def test_a_visit_is_moved_or_refused_and_cancelled_once(client, token_of, session):
    visit = _booked(session)
    headers = token_of("coordinator")
    holiday = client.post(
        f"{API}/visits/{visit.id}/move",
        json={"on": NATIONAL_DAY_FRIDAY.isoformat()},
        headers=headers,
    )
    assert holiday.status_code == 422 and holiday.json["error"]["rules"]
    later = next(_fridays(visit.on + timedelta(days=7)))
    before = visit.on
    moved = client.post(
        f"{API}/visits/{visit.id}/move", json={"on": later.isoformat()}, headers=headers
    )
    session.expire_all()
    if moved.status_code == 200:
        assert session.get(FridayVisit, visit.id).on == later
    else:  # the consultant's limit that Friday: refused with the rule, nothing changed
        assert moved.status_code == 422 and session.get(FridayVisit, visit.id).on == before
    no_reason = client.post(f"{API}/visits/{visit.id}/cancel", json={"reason": ""}, headers=headers)
    assert no_reason.status_code == 400
    cancelled = client.post(
        f"{API}/visits/{visit.id}/cancel", json={"reason": "企业临时停工"}, headers=headers
    )
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    session.expire_all()
    assert session.get(FridayRequest, visit.request_id).status == "open"
    twice = client.post(
        f"{API}/visits/{visit.id}/cancel", json={"reason": "再次取消"}, headers=headers
    )
    assert twice.status_code in (409, 422)


def test_a_visit_is_recorded_on_the_day_with_its_problems(client, token_of, session):
    visit = _booked(session)
    headers = token_of("coordinator")
    body = {
        "met": "总经理、人事主管",
        "minutes": 90,
        "problems": [
            {"category": "labour", "description": "劳动合同未续签", "solved": True},
            {"category": "contracts", "description": "采购合同违约条款", "follow_up": True},
        ],
    }
    early = client.post(f"{API}/visits/{visit.id}/record", json=body, headers=headers)
    assert early.status_code == 422  # the visit is still to come
    visit.on = shanghai_today() - timedelta(days=1)
    session.flush()
    done = client.post(f"{API}/visits/{visit.id}/record", json=body, headers=headers)
    assert done.status_code == 200, done.json
    assert done.json["status"] == "done" and len(done.json["problems"]) == 2
    assert done.json["problems"][1]["follow_up_request_id"]  # the follow-up became a request
    wrong = client.post(
        f"{API}/visits/{visit.id}/record",
        json={**body, "problems": [{"category": "astrology"}]},
        headers=headers,
    )
    assert wrong.status_code == 400


# --- The roster ------------------------------------------------------------------------------------


def test_a_coordinator_drafts_and_publishes_next_months_roster(client, token_of, session):
    today = shanghai_today()
    month = (today.replace(day=1) + timedelta(days=62)).strftime("%Y-%m")
    headers = token_of("coordinator")
    assert (
        client.post(
            f"{API}/roster/draft", json={"month": month}, headers=token_of("consultant")
        ).status_code
        == 403
    )
    drafted = client.post(f"{API}/roster/draft", json={"month": month}, headers=headers)
    assert drafted.status_code == 200, drafted.json
    assert drafted.json["placed"] == len(drafted.json["visits"])
    drafts = session.scalars(
        select(FridayVisit).where(FridayVisit.roster_id == drafted.json["id"])
    ).all()
    assert {v.status for v in drafts} <= {"draft"} and len(drafts) == drafted.json["placed"]
    published = client.post(f"{API}/roster/{drafted.json['id']}/publish", headers=headers)
    assert published.status_code == 200
    assert published.json["published"] == drafted.json["placed"]
    session.expire_all()
    assert all(session.get(FridayVisit, v.id).status == "published" for v in drafts)
    past = client.post(f"{API}/roster/draft", json={"month": "2020-01"}, headers=headers)
    assert past.status_code == 422
    assert client.post(f"{API}/roster/2147483647/publish", headers=headers).status_code == 404


# --- Studios and conflicts ------------------------------------------------------------------------


def test_office_hours_are_opened_and_a_half_hour_booked_once_and_given_back(
    client, token_of, session
):
    studio = session.scalar(select(OfficeHours.studio_id).limit(1))
    on = next(_fridays(shanghai_today() + timedelta(days=35)))
    opened = client.post(
        f"{API}/office-hours",
        json={"studio_id": studio, "on": on.isoformat(), "starts": "09:00", "ends": "11:00"},
        headers=token_of("consultant"),
    )
    assert opened.status_code == 201, opened.json
    consultant = _user(session, "consultant")
    assert opened.json["consultant_id"] == consultant.consultant_id
    assert opened.json["free"][0] == "09:00" and "09:30" in opened.json["free"]
    firm = token_of("enterprise")
    body = {"office_hours_id": opened.json["id"], "starts": "09:30", "topic": "contracts"}
    booked = client.post(f"{API}/office-bookings", json=body, headers=firm)
    assert booked.status_code == 201, booked.json
    assert booked.json["enterprise_id"] == _user(session, "enterprise").enterprise_id
    taken = client.post(
        f"{API}/office-bookings",
        json={**body, "enterprise_id": 1},
        headers=token_of("coordinator"),
    )
    assert taken.status_code == 422
    assert "slot_taken" in {r["rule"] for r in taken.json["error"]["rules"]}
    back = client.post(f"{API}/office-bookings/{booked.json['id']}/cancel", headers=firm)
    assert back.status_code == 200 and back.json["status"] == "cancelled"
    assert session.get(OfficeBooking, booked.json["id"]).status == "cancelled"
    assert (
        client.post(
            f"{API}/office-hours",
            json={"studio_id": studio, "on": on.isoformat(), "starts": "09:00", "ends": "11:00"},
            headers=token_of("school"),
        ).status_code
        == 403
    )


def test_a_consultant_declares_a_conflict_for_themself(client, token_of, session):
    consultant = _user(session, "consultant")
    firm = _user(session, "enterprise").enterprise_id
    other = session.scalar(
        select(Consultant.id).where(Consultant.id != consultant.consultant_id).limit(1)
    )
    declared = client.post(
        f"{API}/conflicts",
        json={"enterprise_id": firm, "reason": "曾担任该企业常年法律顾问", "consultant_id": other},
        headers=token_of("consultant"),
    )
    assert declared.status_code == 201, declared.json
    row = session.get(ConsultantConflict, declared.json["id"])
    assert row.consultant_id == consultant.consultant_id and row.enterprise_id == firm
    assert (
        client.post(
            f"{API}/conflicts", json={"enterprise_id": firm}, headers=token_of("enterprise")
        ).status_code
        == 403
    )
